import { readFileSync } from "node:fs";
import { toMermaid } from "./src/core/render/to-mermaid.ts";
const dir = `test/fixtures/render/${process.argv[2]}`;
process.stdout.write(toMermaid(JSON.parse(readFileSync(`${dir}/input.json`, "utf8")), JSON.parse(readFileSync(`${dir}/options.json`, "utf8"))));
