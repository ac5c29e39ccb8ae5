/**
 * `packetwalk check --lessons` on a copy of the real course (content/ and traces/ in a temporary
 * folder, the command run there as a contributor runs it): clean, it exits 0 with a summary; with
 * real mistakes written into real lessons it reports each at the lesson's `file:line:col` with a
 * hint and the directive's form, exits 1, and never prints a stack trace.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");
let dir = "";

function check(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, "check", "--lessons", ...args], {
    cwd: dir,
    encoding: "utf8",
    // The copy's content/ and traces/, whatever the environment running the tests points at.
    env: Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => k !== "PACKETWALK_CONTENT_DIR" && k !== "PACKETWALK_TRACES_DIR",
      ),
    ),
    timeout: 120_000,
  });
  expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  return r;
}

/** Replaces `from` (which must be there) with `to` in a lesson of the copy; returns the 1-based line of `to`. */
function edit(lesson: string, from: string, to: string): number {
  const path = join(dir, lesson);
  const text = readFileSync(path, "utf8");
  expect(text, `${lesson} holds ${from}`).toContain(from);
  const edited = text.replace(from, to);
  writeFileSync(path, edited);
  return edited.slice(0, edited.indexOf(to)).split("\n").length;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-check-lessons-"));
  cpSync(join(root, "content"), join(dir, "content"), { recursive: true });
  cpSync(join(root, "traces"), join(dir, "traces"), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("packetwalk check --lessons", () => {
  it("passes the course as committed: exit 0 and one summary line", () => {
    const r = check();
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\d+ lessons, \d+ ::trace directives checked: no errors\n$/);
    expect(r.status).toBe(0);
  });

  it("reports every mistake at its file:line:col with a hint and the directive's form, and exits 1", () => {
    const L = "content/lessons/en/both-layers.md";
    const missing = edit(
      L,
      '::trace{src="docker-bridge/container-to-container" direction="request"',
      '::trace{src="docker-bridge/container-to-containr" direction="request"',
    );
    const attribute = edit(
      L,
      '::trace{src="docker-bridge/container-to-container-nobrnf" direction="request" view="path"',
      '::trace{src="docker-bridge/container-to-container-nobrnf" direction="request" veiw="path"',
    );
    const oneColon = edit(
      L,
      '::trace{src="docker-bridge/container-to-wan" direction="request"',
      ':trace{src="docker-bridge/container-to-wan" direction="request"',
    );
    const name = edit(
      L,
      '::trace{src="docker-bridge/container-to-wan-nobrnf"',
      '::tracee{src="docker-bridge/container-to-wan-nobrnf"',
    );
    const packet = edit(
      L,
      'direction="both" view="path" listing="false"',
      'direction="both" view="path" listing="false" packet="99"',
    );
    const W = "content/lessons/en/container-to-wan.md";
    const value = edit(W, 'direction="both" view="map"}', 'direction="forward" view="map"}');
    const section = edit(W, "section: directions", "section: direction");
    const r = check();
    expect(r.status).toBe(1);
    const problems = r.stdout.split(/\n(?=content\/)/);
    const at = (file: string, line: number) => problems.find((p) => p.startsWith(`${file}:${line}:`)) ?? "";
    // A problem with an attribute is reported at that attribute, where an editor's jump should land.
    const column = (file: string, line: number, attribute: string) =>
      (readFileSync(join(dir, file), "utf8").split("\n")[line - 1] ?? "").search(
        new RegExp(`[{ ]${attribute}=`),
      ) + 2;
    expect(at(L, missing)).toContain(
      `${L}:${missing}:${column(L, missing, "src")}: error: no trace 'docker-bridge/container-to-containr' under traces/`,
    );
    expect(at(L, missing)).toContain("hint: did you mean 'docker-bridge/container-to-container'?");
    expect(at(L, attribute)).toContain(
      `${L}:${attribute}:${column(L, attribute, "veiw")}: error: ::trace has no attribute 'veiw'\n  hint: did you mean 'view'?`,
    );
    expect(at(L, oneColon)).toContain("error: :trace is not a directive (one colon)");
    expect(at(L, name)).toContain("error: unknown directive '::tracee'\n  hint: did you mean ::trace?");
    expect(at(L, packet)).toContain(
      `${L}:${packet}:${column(L, packet, "packet")}: error: ::trace packet=99: trace`,
    );
    expect(at(L, packet)).toContain(
      "error: ::trace packet=99: trace 'docker-bridge/container-to-container' has 2 packet(s)\n  hint: choose a packet from 1 to 2",
    );
    expect(at(W, value)).toContain(
      `${W}:${value}:${column(W, value, "direction")}: error: ::trace direction="forward": `,
    );
    expect(at(W, value)).toContain('hint: use one of "request", "reply", "both"');
    // Each directive problem shows the form a directive takes.
    for (const line of [missing, attribute, oneColon, name, packet])
      expect(at(L, line)).toContain(
        '  expected: ::trace{src="<lab>/<scenario>" direction="request|reply|both" view="map|path" packet="<n>" listing="true|false" caption="<text>"}, alone on its line',
      );
    // The front matter is checked as the build checks it, at the field.
    expect(at(W, section)).toMatch(new RegExp(`^${W}:${section}:\\d+: error: front matter field 'section'`));
    expect(r.stdout.trimEnd().split("\n").pop()).toMatch(
      /^7 errors in \d+ lessons, \d+ ::trace directives; `npm run build` would stop on them$/,
    );
  });

  it("reports every bad attribute of a directive at once, not the first and a count", () => {
    const B = "content/lessons/en/bridge-layer.md";
    const line = edit(
      B,
      '::trace{src="docker-bridge/container-to-container-nobrnf" direction="both" view="path"}',
      '::trace{src="docker-bridge/container-to-container-nobrnf" direction="replies" view="paths"}',
    );
    const r = check(B);
    expect(r.status).toBe(1);
    const error = r.stdout.split("\n").find((l) => l.startsWith(`${B}:${line}:`)) ?? "";
    expect(error).toContain('direction="replies"');
    expect(error).toContain('view="paths"');
    expect(error).not.toMatch(/\(and \d+ more\)/);
  });

  it("checks only the lessons named, reads CRLF lessons at the right line, and warns of a draft without failing", () => {
    const Z = "content/lessons/zh-tw/container-to-wan.md";
    const line = edit(
      Z,
      'src="docker-bridge/container-to-wan-trace"',
      'src="docker-bridge/container-to-wan-trac"',
    );
    const path = join(dir, Z);
    writeFileSync(path, readFileSync(path, "utf8").replaceAll("\n", "\r\n"));
    const bad = check(Z);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(
      `${Z}:${line}:9: error: no trace 'docker-bridge/container-to-wan-trac' under traces/\n  hint: did you mean 'docker-bridge/container-to-wan-trace'?`,
    );
    // Only that lesson: the English one's mistakes above are not in this report.
    expect(bad.stdout).not.toContain("content/lessons/en/");
    expect(bad.stdout).toMatch(/\n1 error in 1 lesson, \d+ ::trace directives; /);

    const D = "content/lessons/en/ipv6.md";
    // `to` starts with the newline that ends the line before `locale:`: the draft line is two further.
    const draft = edit(D, "\nlocale: en\n", "\nlocale: en\ndraft: true\n") + 2;
    const r = check(D);
    expect(r.stdout).toBe(
      `${D}:${draft}:1: warning: draft: true: \`npm run build\` leaves this lesson out (it shows only in \`npm run dev\`)\n  hint: set \`draft: false\` when it is ready to publish\n1 lesson, 3 ::trace directives checked: no errors, 1 warning\n`,
    );
    expect(r.status).toBe(0);
  });

  it("prints JSON with --json, and names a misspelt lesson path with exit 2", () => {
    const r = check("--json", "content/lessons/zh-tw/container-to-wan.md");
    const report = JSON.parse(r.stdout) as {
      lessons: number;
      errors: { file: string; line: number; expected?: string }[];
    };
    expect(report.lessons).toBe(1);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.expected).toMatch(/^::trace\{src="<lab>\/<scenario>"/);
    expect(r.status).toBe(1);
    const typo = check("content/lessons/en/ipv7.md");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("did you mean content/lessons/en/ipv6.md?");
  });

  it("refuses a file the build would never read (outside content/lessons, or not Markdown) with exit 2", () => {
    // A lesson written next to the course instead of in it: checking nothing and saying "no errors" would mislead.
    writeFileSync(join(dir, "my-lesson.md"), '# Mine\n\n::trace{src="docker-bridge/container-to-wan"}\n');
    writeFileSync(join(dir, "content/lessons/en/notes.txt"), "not a lesson\n");
    for (const path of ["my-lesson.md", "content/lessons/en/notes.txt", "traces"]) {
      const r = check(path);
      expect(r.status, path).toBe(2);
      expect(r.stdout, path).toBe("");
      expect(r.stderr, path).toBe(
        `packetwalk check --lessons: ${path}: not a lesson\nhint: the build reads lessons only from content/lessons/<locale>/*.md; move it there (or name a file or folder inside it)\n`,
      );
    }
    // The folders that hold the lessons still mean "every lesson under them".
    for (const path of [".", "content", "content/lessons/en"]) expect(check(path).status, path).not.toBe(2);
  });
});
