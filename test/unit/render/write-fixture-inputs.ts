/** Rewrites `test/fixtures/render/<case>/{input.json,options.json,README.md}` from {@link RENDER_CASES}. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RENDER_CASES } from "./fixture-packets.ts";

const root = join(import.meta.dirname, "../../fixtures/render");
for (const c of RENDER_CASES) {
  const dir = join(root, c.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "input.json"), `${JSON.stringify(c.packet, null, 2)}\n`);
  writeFileSync(join(dir, "options.json"), `${JSON.stringify(c.options, null, 2)}\n`);
  writeFileSync(join(dir, "README.md"), `${c.intent}\n`);
}
console.log(`wrote ${RENDER_CASES.length} render fixture inputs under ${root}`);
