/**
 * `packetwalk check --lessons` checks every trace folder as the build does before it builds any
 * page, whichever lessons it is given: a stale ruleset pin or a log without its metadata is an
 * error printed as the build prints it, counted in the summary and the exit code, and in `--json`.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");
const LESSON = "content/lessons/en/one.md";
let dir = "";

function check(...args: string[]) {
  return spawnSync(process.execPath, [bin, "check", "--lessons", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => k !== "PACKETWALK_CONTENT_DIR" && k !== "PACKETWALK_TRACES_DIR",
      ),
    ),
    timeout: 60_000,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-lessons-trace-folders-"));
  for (const locale of ["en", "zh-tw"]) {
    mkdirSync(join(dir, "content/lessons", locale), { recursive: true });
    writeFileSync(
      join(dir, `content/lessons/${locale}/one.md`),
      `---\ntitle: One\ndescription: A lesson that embeds no trace.\nsection: basics\norder: 1\nlocale: ${locale}\ndraft: false\n---\n\nText.\n`,
    );
  }
  cpSync(join(root, "traces/two-networks"), join(dir, "traces/two-networks"), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("packetwalk check --lessons and the trace folders", () => {
  it("is clean when the trace folders are", () => {
    const r = check(LESSON);
    expect(r.stdout).toBe("1 lesson, 0 ::trace directives checked: no errors\n");
    expect(r.status).toBe(0);
  });

  it("reports a ruleset edited after the recording and a log without metadata, as the build does", () => {
    appendFileSync(join(dir, "traces/two-networks/rulesets/two-networks.rules"), "# edited\n");
    writeFileSync(join(dir, "traces/two-networks/extra.log"), "x\n");
    const r = check(LESSON);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^traces\/two-networks\/b1-to-a1\.json:\d+:\d+: error: rulesetPins\.two-networks: rulesets\/two-networks\.rules changed since this trace was recorded, .*record it again with the edited rules installed on the host/,
    );
    expect(lines[0]).not.toContain("capture --lab two-networks");
    expect(lines.slice(1)).toEqual([
      "traces/two-networks/extra.log: error: no metadata file extra.json beside it",
      "2 errors in 1 lesson, 0 ::trace directives and the trace folders; `npm run build` would stop on them",
    ]);
    expect(r.status).toBe(1);
    const json = JSON.parse(check(LESSON, "--json").stdout);
    expect(json.errors).toEqual([
      {
        file: "traces/two-networks/b1-to-a1.json",
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.stringMatching(/^rulesetPins\.two-networks: /),
      },
      { file: "traces/two-networks/extra.log", message: "no metadata file extra.json beside it" },
    ]);
  });

  it("tells a lesson whose trace does not load to fix that trace, not to pick another name", () => {
    const lesson = join(dir, LESSON);
    writeFileSync(
      lesson,
      `---\ntitle: One\ndescription: A lesson that embeds a trace.\nsection: basics\norder: 1\nlocale: en\ndraft: false\n---\n\n::trace{src="two-networks/b1-to-a1"}\n`,
    );
    const meta = join(dir, "traces/two-networks/b1-to-a1.json");
    writeFileSync(meta, '{\n  "version": 1\n  "scenario": "b1-to-a1"\n}\n');
    const r = check(LESSON);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("trace 'two-networks/b1-to-a1' is invalid: ");
    expect(r.stdout).toContain(
      "fix that file first (`npx packetwalk check traces/two-networks` checks the lab alone)",
    );
    expect(r.stdout).not.toContain("did you mean");
  });
});
