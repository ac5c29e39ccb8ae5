/**
 * A browser launched for diagrams leaves no folder behind in the temporary
 * directory: not when it is closed, and not when the process exits with it
 * still open (a build that stops on an error). CI runs left
 * `pw-chromium-*` folders in /tmp: the folder was removed only on the
 * browser's `disconnected` event, which a process that exits never sees;
 * and Playwright's own two folders stayed after a launch that failed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const finder = pathToFileURL(join(import.meta.dirname, "../../../src/browser/find-chromium.ts")).href;
/** The temporary directory of the children: @sparticuz/chromium unpacks the browser there once, to reuse. */
const dir = mkdtempSync(join(tmpdir(), "packetwalk-browser-temp-"));
/** What the directory holds after a first launch and close: the unpacked browser, if that is the one found. */
let baseline: string[] = [];

/** Runs `body` (after a browser is launched and has drawn a page, with `launch`) in a fresh Node process whose temporary directory is {@link dir}. */
function run(body: string, launch = true): { status: number | null; stderr: string; stdout: string } {
  const script = `import { launchChromium } from ${JSON.stringify(finder)};
${launch ? 'const { browser } = await launchChromium();\nconst page = await browser.newPage();\nawait page.setContent("<p>x</p>");' : ""}
${body}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, TMPDIR: dir },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

beforeAll(() => {
  const r = run("await browser.close();");
  expect(r.stderr).toBe("");
  baseline = readdirSync(dir).sort();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the browser's temporary folders", () => {
  it("are all removed when the browser is closed", () => {
    expect(baseline.filter((n) => /^(pw-chromium-|playwright)/.test(n))).toEqual([]);
    const r = run("await browser.close();");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(baseline);
  });

  it("are all removed when the process exits with the browser open", () => {
    const r = run("process.exit(3);");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(baseline);
  });

  it("are not left by a browser that does not start (a wrong PACKETWALK_CHROMIUM)", () => {
    const r = run(
      `const e = await launchChromium({ env: { PACKETWALK_CHROMIUM: ${JSON.stringify(join(dir, "no-chrome"))} }, platform: "aix" }).catch((e) => e);
console.log(e.name);`,
      false,
    );
    expect(r.stdout.trim()).toBe("ChromiumNotFoundError");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(baseline);
  });
});
