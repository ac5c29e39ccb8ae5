/** Reading a parse fixture's recorded input in tests. */
import { readFileSync } from "node:fs";

/** The input.log of `test/fixtures/parse/<name>`, as recorded. */
export function fixtureInput(name: string): string {
  return readFileSync(new URL(`../../fixtures/parse/${name}/input.log`, import.meta.url), "utf8");
}

/** A picker of the fixture's recorded lines: by 1-based number, joined as a log. */
export function recordedLines(name: string): (...numbers: number[]) => string {
  const all = fixtureInput(name).split("\n");
  return (...numbers) => numbers.map((n) => all[n - 1]).join("\n");
}
