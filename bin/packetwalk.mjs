#!/usr/bin/env node
// Entry point of the `packetwalk` CLI. Plain JS so that an old Node fails with a sentence, not a syntax error.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `packetwalk: needs Node >= 22.18 (running ${process.versions.node}).\n` +
      "hint: run it through npm (`npx packetwalk` or `npm run packetwalk --`), which uses the Node that `npm ci` installed, or install Node 24 (see .nvmrc).\n",
  );
  process.exit(2);
}
// Compiled modules (the type-stripped TypeScript too) are kept by content in the repository's cache
// folder, so that a command and each parse worker start in a fraction of the time: workers inherit
// the folder through the environment. NODE_COMPILE_CACHE names another; NODE_DISABLE_COMPILE_CACHE=1, none.
const { enableCompileCache } = await import("node:module");
const cache = enableCompileCache?.(
  process.env.NODE_COMPILE_CACHE
    ? undefined
    : decodeURIComponent(new URL("../node_modules/.cache/packetwalk/compile", import.meta.url).pathname),
);
if (cache?.directory) process.env.NODE_COMPILE_CACHE = cache.directory;
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
