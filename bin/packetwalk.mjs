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
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
