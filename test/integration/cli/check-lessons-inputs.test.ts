/**
 * `packetwalk check --lessons` on what a new contributor may write: a front matter that is not
 * valid YAML, a file that is no lesson text, a folder or a link where a lesson should be, the
 * template copied as it is. Each is a positioned report (or a usage error), never a stack trace,
 * and the other lessons are still checked. The course is copied to `course/` and found through
 * PACKETWALK_CONTENT_DIR, so messages must name that folder, not `content/`.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");
const EN = "course/lessons/en";
let dir = "";
let written: string[] = [];

function check(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, "check", "--lessons", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PACKETWALK_CONTENT_DIR: "course", PACKETWALK_TRACES_DIR: join(root, "traces") },
    timeout: 120_000,
  });
  // Never a stack trace, whatever the input.
  expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  expect(r.stdout).not.toMatch(/\n\s+at .*:\d+:\d+/);
  return r;
}

/** Writes a file (or makes a folder, a link) into the copy; removed after the test. */
function put(rel: string, content: string | Buffer): string {
  writeFileSync(join(dir, rel), content);
  written.push(rel);
  return rel;
}

const lesson = (front: string) =>
  `---\n${front}\n---\n\nA body with a figure.\n\n::trace{src="docker-bridge/container-to-wan" direction="request" view="path"}\n`;
const fields =
  "title: Home router\ndescription: A small router with one nftables table of its own.\nsection: nftables\norder: 145\nlocale: en";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-h6-check-inputs-"));
  cpSync(join(root, "content"), join(dir, "course"), { recursive: true });
});
afterEach(() => {
  for (const rel of written) rmSync(join(dir, rel), { recursive: true, force: true });
  written = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("check --lessons on a front matter that is not valid YAML", () => {
  it("prints the build's positioned error and exit 1, and still checks every other lesson", () => {
    // The reviewer's lesson: an unquoted ': ' inside the description.
    const bad = put(
      `${EN}/home-router.md`,
      lesson(
        fields.replace(
          /description: .*/,
          "description: A small router with one nftables table of its own: masquerade for the LAN, and no more.",
        ),
      ),
    );
    // A mistake in another lesson: reported in the same run.
    const other = `${EN}/both-layers.md`;
    const text = readFileSync(join(dir, other), "utf8");
    put(other, text.replace('src="docker-bridge/container-to-wan"', 'src="docker-bridge/container-to-wn"'));
    const before = text.slice(0, text.indexOf('src="docker-bridge/container-to-wan"')).split("\n");
    const line = before.length;
    // At the src attribute itself.
    const column = (before[before.length - 1] as string).length + 1;
    try {
      const r = check();
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(
        `${bad}:3:14: error: front matter is not valid YAML: Nested mappings are not allowed in compact mappings\n  hint: quote values that contain ':' or '#'\n`,
      );
      expect(r.stdout).toContain(
        `${other}:${line}:${column}: error: no trace 'docker-bridge/container-to-wn'`,
      );
      // Every lesson was read, and the others' directives checked.
      expect(r.stdout).toMatch(/\n2 errors, \d+ warnings? in 41 lessons, 1[0-9]{2} ::trace directives; /);
      expect(r.status).toBe(1);
    } finally {
      // The edited lesson goes back to the committed text for the next tests.
      writeFileSync(join(dir, other), text);
      written = written.filter((w) => w !== other);
    }
  });
});

describe("check --lessons on files that are no lesson text", () => {
  it("reports each at file:1:1 or where the YAML breaks, in one run, and exit 1", () => {
    const ipv6 = readFileSync(join(root, "content/lessons/en/ipv6.md"), "utf8");
    const cases: [string, string | Buffer, string][] = [
      [
        "binary.md",
        readFileSync(process.execPath).subarray(0, 4096),
        "1:1: error: expected a Markdown lesson in UTF-8 text, found binary data",
      ],
      [
        "bom.md",
        `\uFEFF${ipv6.replace("order: 35", "order: 36")}`,
        "1:1: error: the lesson starts with a byte-order mark (U+FEFF)",
      ],
      ["empty.md", "", "1:1: error: the lesson has no front matter"],
      [
        "utf16.md",
        Buffer.from(`\uFEFF${lesson(fields)}`, "utf16le"),
        "1:1: error: expected a Markdown lesson in UTF-8 text, found UTF-16 text",
      ],
      [
        "tab.md",
        lesson(fields.replace("order: 145", "\torder: 146")),
        "5:1: error: front matter is not valid YAML: Tabs are not allowed as indentation",
      ],
      [
        "twice.md",
        lesson(`${fields.replace("order: 145", "order: 147")}\ntitle: Again`),
        "7:1: error: front matter is not valid YAML: Map keys must be unique",
      ],
      [
        "tag.md",
        lesson(fields.replace("title: Home router", "title: !Home router")),
        "2:8: error: front matter is not valid YAML as Astro reads it: Unresolved tag: !Home",
      ],
      [
        "list.md",
        lesson("- title\n- order"),
        "2:1: error: front matter is a YAML list, expected `field: value` lines",
      ],
      [
        "crlf.md",
        lesson(fields.replace("Home router", "Router: home")).replaceAll("\n", "\r\n"),
        "2:8: error: front matter is not valid YAML: Nested mappings are not allowed in compact mappings",
      ],
    ];
    for (const [name, content] of cases) put(`${EN}/${name}`, content);
    mkdirSync(join(dir, EN, "folder.md"));
    written.push(`${EN}/folder.md`);
    symlinkSync("/nonexistent/lesson.md", join(dir, EN, "dangling.md"));
    symlinkSync("loop.md", join(dir, EN, "loop.md"));
    written.push(`${EN}/dangling.md`, `${EN}/loop.md`);
    const r = check();
    expect(r.stderr).toBe("");
    for (const [name, , expected] of cases) expect(r.stdout, name).toContain(`${EN}/${name}:${expected}`);
    for (const link of ["dangling.md", "loop.md"])
      expect(r.stdout).toContain(
        `${EN}/${link}:1:1: error: the lesson is a symbolic link; the site publishes only files committed in the repository\n  hint: copy the file's content here instead of linking it`,
      );
    // The folder named like a lesson is none (the build reads files only): 40 + the 11 files.
    expect(r.stdout).toMatch(/\n11 errors, \d+ warnings? in 51 lessons, /);
    expect(r.status).toBe(1);
    // Named alone, each says the same; the folder is a usage error, not "0 lessons: no errors".
    expect(check(`${EN}/tab.md`).stdout).toContain(`${EN}/tab.md:5:1: error: front matter is not valid YAML`);
    const folder = check(`${EN}/folder.md`);
    expect(folder.stdout).toBe("");
    expect(folder.stderr).toBe(
      `packetwalk check --lessons: ${EN}/folder.md: no lesson in it\nhint: lessons are the *.md files under course/lessons/<locale>/; name one of them, or a folder that holds some\n`,
    );
    expect(folder.status).toBe(2);
  });
});

describe("check --lessons on the template copied as a new lesson", () => {
  it("asks for an order and suggests a free one; a taken order is a warning naming both lessons", () => {
    const template = readFileSync(join(root, "content/lesson-template.md"), "utf8");
    const mine = put(`${EN}/home-router.md`, template);
    const empty = check(mine);
    const orderLine = template.split("\n").findIndex((l) => l.startsWith("order:")) + 1;
    expect(empty.stdout).toContain(
      `${mine}:${orderLine}:7: error: front matter field 'order' has no value\n  hint: give it one: a whole number no other lesson of the language has (lower comes first in the course); e.g. 150, after every en lesson (the highest order is 140); \`grep -n '^order:' course/lessons/en/*.md\` lists the orders in use\n`,
    );
    expect(empty.status).toBe(1);

    // The order the template used to give: the first nftables lesson's (published, so its translation is due).
    put(mine, template.replace(/^order:.*$/m, "order: 100").replace("draft: true", "draft: false"));
    const taken = check();
    expect(taken.stdout).toContain(
      `${mine}:${orderLine}:8: warning: order 100 is also the order of ${EN}/nft-host-and-containers.md:5:8: each en lesson needs an order of its own (its place in the course)\n  hint: give one of them a free order, e.g. 101 (the next free number after 100); \`grep -n '^order:' course/lessons/en/*.md\` lists the orders in use\n`,
    );
    // Once, at the first of the two; and with only the other lesson named, there.
    expect(taken.stdout.match(/warning: order 100/g)).toHaveLength(1);
    expect(check(`${EN}/nft-host-and-containers.md`).stdout).toContain(
      `${EN}/nft-host-and-containers.md:5:8: warning: order 100 is also the order of ${mine}:${orderLine}:8:`,
    );
    // The missing translation is named in the folder the lessons are in, not content/.
    expect(taken.stdout).toContain(
      `${mine}:1:1: warning: no zh-tw translation: course/lessons/zh-tw/home-router.md is missing\n  hint: translate it into course/lessons/zh-tw/home-router.md, or say`,
    );
    expect(taken.stdout).not.toContain("content/");
    expect(taken.status).toBe(0);
    const json = JSON.parse(check("--json", mine).stdout) as { warnings: { message: string }[] };
    expect(json.warnings.map((w) => w.message)).toContain(
      `order 100 is also the order of ${EN}/nft-host-and-containers.md:5:8: each en lesson needs an order of its own (its place in the course)`,
    );
    unlinkSync(join(dir, mine));
    written = [];
  });
});
