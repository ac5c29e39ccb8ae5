/**
 * `packetwalk check` requires what the build requires of a lab: its texts in zh-TW
 * (`i18n/zh-tw.json`, every text its English pages show). A lab without them is an invalid entry
 * naming the file, counted apart from the traces (it is none).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";

const root = join(import.meta.dirname, "../../..");
const LOCALES = { locales: ["zh-tw"] };
let dir = "";

function copyLab(): string {
  dir = mkdtempSync(join(tmpdir(), "pw-check-translations-"));
  const lab = join(dir, "two-networks");
  cpSync(join(root, "traces/two-networks"), lab, { recursive: true });
  return lab;
}
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("checkLab and a lab's translations", () => {
  it("packetwalk check fails a lab without i18n/zh-tw.json and counts it apart from the traces", () => {
    const lab = copyLab();
    rmSync(join(lab, "i18n"), { recursive: true });
    const r = spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "check", lab], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stdout).toContain(
      `ERROR ${lab}/i18n/zh-tw.json\n${lab}/i18n/zh-tw.json: missing; every lab has its texts in zh-tw too`,
    );
    // It read "1/2 recorded traces agree" for a lab of one trace, which agrees.
    expect(r.stdout).toMatch(
      /\n1\/1 recorded traces agree with the simulator; 1 lab file is invalid \(ERROR above\)\n$/,
    );
    expect(r.status).toBe(1);
  });

  it("counts a broken trace as a trace, however the lab's folder is spelt (./lab, a//b)", () => {
    const lab = copyLab();
    writeFileSync(join(lab, "b1-to-a1.json"), '{"bad":');
    for (const spelt of [
      lab,
      `${lab}/`,
      join(lab, "..", ".", "two-networks"),
      lab.replace("/two-networks", "//two-networks"),
    ]) {
      const r = spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "check", spelt], {
        encoding: "utf8",
        timeout: 60_000,
        cwd: dir,
      });
      // With ./ it read "2/2 agree; 1 lab file is invalid" (review finding): the file is the trace's.
      expect(r.stdout, spelt).toMatch(
        /\n0\/1 recorded traces agree with the simulator \(1 failed or invalid\)\n$/,
      );
    }
    const rel = spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "check", "./two-networks"], {
      encoding: "utf8",
      timeout: 60_000,
      cwd: dir,
    });
    expect(rel.stdout).toMatch(/\n0\/1 recorded traces agree with the simulator \(1 failed or invalid\)\n$/);
  });

  it("leaves translations alone unless asked (import checks a lab before anyone translates it)", () => {
    const lab = copyLab();
    rmSync(join(lab, "i18n"), { recursive: true });
    expect(checkLab(lab).map((r) => r.ok)).toEqual([true]);
  });

  it("agrees on the committed lab", () => {
    expect(checkLab(copyLab(), undefined, LOCALES).map((r) => r.ok)).toEqual([true]);
  });

  it("fails a lab without i18n/zh-tw.json, naming the file", () => {
    const lab = copyLab();
    rmSync(join(lab, "i18n"), { recursive: true });
    const failed = checkLab(lab, undefined, LOCALES).filter((r) => !r.ok);
    expect(failed.map((r) => r.trace)).toEqual([join(lab, "i18n/zh-tw.json")]);
    expect(failed[0]?.errors?.[0]).toMatch(/: missing; every lab has its texts in zh-tw too/);
  });

  it("fails a translation that leaves a trace out, at the file's traces", () => {
    const lab = copyLab();
    writeFileSync(
      join(lab, "i18n/zh-tw.json"),
      `{\n  "version": 1,\n  "description": "x",\n  "traces": {}\n}\n`,
    );
    const failed = checkLab(lab, undefined, LOCALES).filter((r) => !r.ok);
    expect(failed[0]?.errors).toEqual([
      expect.stringMatching(
        /i18n\/zh-tw\.json:4:3: traces\.b1-to-a1: missing; expected the zh-tw texts of b1-to-a1\.json: add "b1-to-a1": \{/,
      ),
    ]);
  });
});
