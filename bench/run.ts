/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command
 * line) and prints their figures. Each bench reports ratios against a baseline
 * measured in the same run, so figures compare across machines.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, "");
  process.stdout.write(`\n== ${name} ==\n`);
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as {
      run: () => Promise<Record<string, string | number>>;
    };
    const figures = await mod.run();
    const width = Math.max(...Object.keys(figures).map((k) => k.length));
    for (const [k, v] of Object.entries(figures)) {
      process.stdout.write(`${k.padEnd(width)}  ${typeof v === "number" ? formatNumber(v) : v}\n`);
    }
  } catch (error) {
    failed++;
    process.stdout.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;

function formatNumber(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString("en-US")
    : n.toLocaleString("en-US", { maximumFractionDigits: 3 });
}
