/**
 * `packetwalk diff` on a fixture repository built here from this repository's
 * own lab: one commit per kind of change. A lesson prose edit and a re-capture
 * that took the same path report nothing; a re-capture that took another path
 * reports exactly that trace's hook lists; a ruleset edit reports exactly the
 * ruleset's lines and the trace whose matched rule it changed. On the nftables
 * lab, a ruleset edit is reported by the lab's own base chains' rules and drawn
 * on the site's nftables map.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const root = join(import.meta.dirname, "../../..");
const lab = "traces/docker-bridge";
const TRACES = [
  "container-to-wan",
  "container-to-container",
  "wan-to-published-port-trace",
  "sim-forward-drop",
];
const repo = mkdtempSync(join(tmpdir(), "packetwalk-diff-repo-"));
const out = mkdtempSync(join(tmpdir(), "packetwalk-diff-out-"));

interface DiffJson {
  traces: {
    name: string;
    kind: string;
    packets: {
      id: number;
      direction: string;
      hooks?: { op: string; text: string }[];
      rewrites?: unknown;
      summary?: unknown;
      matched: { step: number; hook: string; before: string[]; after: string[] }[];
    }[];
    packetsAdded: string[];
    packetsRemoved: string[];
    diagrams: string[];
  }[];
  rulesets: { name: string; kind: string; lines: { op: string; text: string }[] }[];
  unchanged: number;
}

function git(...args: string[]): string {
  const r = spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function commit(tag: string): void {
  git("add", "-A");
  git("commit", "-q", "-m", tag);
  git("tag", tag);
}

function edit(file: string, change: (text: string) => string): void {
  const path = join(repo, file);
  const before = readFileSync(path, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`${file}: the edit changed nothing`);
  writeFileSync(path, after);
}

function diff(...args: string[]) {
  return spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "diff", ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 300_000,
  });
}

/** Runs diff A B with --json and --markdown; returns both. */
function compare(a: string, b: string, ...more: string[]): { json: DiffJson; markdown: string } {
  const name = `${a}-${b}`.replace(/[^A-Za-z0-9-]/g, "_");
  const json = join(out, `${name}.json`);
  const markdown = join(out, `${name}.md`);
  const r = diff(a, b, "--json", json, "--markdown", markdown, ...more);
  expect(r.status, r.stderr).toBe(0);
  return {
    json: JSON.parse(readFileSync(json, "utf8")) as DiffJson,
    markdown: readFileSync(markdown, "utf8"),
  };
}

beforeAll(() => {
  mkdirSync(join(repo, lab, "rulesets"), { recursive: true });
  mkdirSync(join(repo, "content/lessons/en"), { recursive: true });
  cpSync(join(root, lab, "lab.json"), join(repo, lab, "lab.json"));
  cpSync(join(root, lab, "rulesets"), join(repo, lab, "rulesets"), { recursive: true });
  for (const t of TRACES) {
    for (const ext of [".log", ".json"]) cpSync(join(root, lab, t + ext), join(repo, lab, t + ext));
  }
  cpSync(
    join(root, "content/lessons/en/container-to-wan.md"),
    join(repo, "content/lessons/en/container-to-wan.md"),
  );
  git("init", "-q", "-b", "main");
  commit("base");

  // 1. Lesson prose only.
  edit("content/lessons/en/container-to-wan.md", (t) => `${t}\nOne more paragraph of prose, no trace.\n`);
  commit("prose");

  // 2. Re-captured on another day: new times and packet ids, the same path.
  edit(`${lab}/container-to-wan.log`, (t) =>
    t
      .replace(/^\[\s*(\d+)\.(\d+)\]/gm, (_, s: string, f: string) => `[ ${Number(s) + 3600}.${f}]`)
      .replace(/\bID=9332\b/g, "ID=4711"),
  );
  edit(`${lab}/container-to-wan.json`, (t) => t.replace('"date": "2026-11-26"', '"date": "2026-12-01"'));
  commit("recapture-same");

  // 3. Re-captured with bridge-nf-call-iptables=0: the bridged part of the path changes.
  cpSync(join(root, lab, "container-to-wan-nobrnf.log"), join(repo, lab, "container-to-wan.log"));
  edit(`${lab}/container-to-wan.json`, (t) =>
    t.replace('"net.bridge.bridge-nf-call-iptables": "1"', '"net.bridge.bridge-nf-call-iptables": "0"'),
  );
  commit("recapture");

  // 4. A ruleset edit: MASQUERADE becomes SNAT to a fixed address. A recorded trace is simulated with
  // the rules installed when it was recorded, so the edit is in the instrumented copies too (as a re-capture
  // with the edited ruleset writes them).
  const snat = (t: string) =>
    t.replace(
      "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
      "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j SNAT --to-source 203.0.113.2",
    );
  for (const file of readdirSync(join(repo, lab, "rulesets")).filter((f) => f.startsWith("docker-28")))
    edit(`${lab}/rulesets/${file}`, snat);
  commit("ruleset");
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe("packetwalk diff between git revisions", () => {
  it("reports nothing for a change to lesson prose", () => {
    const { json, markdown } = compare("base", "prose");
    expect(json.traces).toEqual([]);
    expect(json.rulesets).toEqual([]);
    expect(json.unchanged).toBe(TRACES.length);
    expect(markdown).toContain(`No trace changed: ${TRACES.length} compared`);
  });

  it("reports nothing for a re-capture that took the same path (new times and ids)", () => {
    const { json } = compare("prose", "recapture-same");
    expect(json.traces).toEqual([]);
    expect(json.rulesets).toEqual([]);
  });

  it("reports exactly the re-captured trace: every packet whose hook list changed, and how", () => {
    const { json, markdown } = compare("recapture-same", "recapture");
    expect(json.rulesets).toEqual([]);
    expect(json.traces.map((t) => t.name)).toEqual(["docker-bridge/container-to-wan"]);
    // What the two logs say, read independently of the diff.
    const read = (file: string) =>
      parseTraceText(readFileSync(join(root, lab, file), "utf8"), { file }).packets.map(
        (p) => p.hooks as string[],
      );
    const before = read("container-to-wan.log");
    const after = read("container-to-wan-nobrnf.log");
    const differing = before
      .map((h, i) => (h.join() === (after[i] ?? []).join() ? 0 : i + 1))
      .filter(Boolean);
    expect(differing.length).toBeGreaterThan(0);
    const packets = json.traces[0]?.packets ?? [];
    expect(packets.filter((p) => p.hooks).map((p) => p.id)).toEqual(differing);
    // Each reported hook diff turns the old list into the new one, and says nothing else.
    for (const p of packets.filter((x) => x.hooks)) {
      const lines = p.hooks ?? [];
      expect(lines.filter((l) => l.op !== "add").map((l) => l.text)).toEqual(before[p.id - 1]);
      expect(lines.filter((l) => l.op !== "del").map((l) => l.text)).toEqual(after[p.id - 1]);
      expect(lines.some((l) => l.op === "same")).toBe(true);
    }
    // Same addresses and NAT: only the path changed.
    expect(packets.filter((p) => p.rewrites || p.summary)).toEqual([]);
    expect(markdown).toMatch(/```diff\n\s+ bridge:nat:PREROUTING\n/);
  });

  it("reports exactly the ruleset's changed lines and the trace whose matched rule changed", () => {
    const { json, markdown } = compare("recapture", "ruleset");
    expect(json.rulesets.map((r) => [r.name, r.kind])).toEqual([["docker-bridge/docker-28", "changed"]]);
    const lines = json.rulesets[0]?.lines ?? [];
    expect(lines.filter((l) => l.op !== "same")).toEqual([
      { op: "del", text: "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE" },
      { op: "add", text: "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j SNAT --to-source 203.0.113.2" },
    ]);
    // container-to-container leaves through docker0 (rule not matched); the TRACE trace holds the kernel's own verdicts.
    expect(json.traces.map((t) => t.name)).toEqual(["docker-bridge/container-to-wan"]);
    const packets = json.traces[0]?.packets ?? [];
    expect(
      packets.map((p) => [p.id, p.direction, Boolean(p.hooks), Boolean(p.rewrites), p.matched.length]),
    ).toEqual([[1, "request", false, false, 1]]);
    expect(packets[0]?.matched).toEqual([
      {
        step: expect.any(Number),
        hook: "ip:nat:POSTROUTING",
        before: ["POSTROUTING: -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE → MASQUERADE"],
        after: [
          "POSTROUTING: -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j SNAT --to-source 203.0.113.2 → SNAT",
        ],
      },
    ]);
    expect(markdown).toContain("+POSTROUTING: -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j SNAT");
  });

  it("writes an HTML report with the diagrams before and after side by side and the changed step outlined", () => {
    const html = join(out, "report", "index.html");
    const r = diff("recapture", "ruleset", "--html", html);
    expect(r.status, r.stderr).toBe(0);
    const page = readFileSync(html, "utf8");
    const pairs = page.split('<div class="pw-pair">').slice(1);
    expect(pairs).toHaveLength(1);
    const sides = (pairs[0] ?? "").split('<div class="pw-side">').slice(1);
    expect(sides.map((s) => (s.match(/<svg\b/g) ?? []).length >= 1)).toEqual([true, true]);
    // The changed step (nat POSTROUTING) is outlined on both diagrams (the map's IP POSTROUTING box, which
    // holds the nat table), and marked in both step lists.
    expect(page.match(/class="node [^"]*pwchanged[^"]*" id="[^"]*ip_POSTROUTING/g)).toHaveLength(2);
    expect(page.match(/<li class="pw-changed"><code>ip:nat:POSTROUTING<\/code>/g)).toHaveLength(2);
    expect(page).toMatch(/@font-face\{font-family:"Noto Sans";[^}]*data:font\/woff2;base64,/);
    // What changed, as HTML: the matched rule before and after as coloured lines, no Markdown fences.
    const summary = /<ul class="pw-summary">[\s\S]*?<\/ul><\/li><\/ul>/.exec(page)?.[0] ?? "";
    expect(summary).toContain(
      '<span class="pw-del">-POSTROUTING: -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE → MASQUERADE</span>',
    );
    expect(summary).toContain(
      '<span class="pw-add">+POSTROUTING: -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j SNAT',
    );
    expect(page).not.toContain("```");
    // A rendered diagram, not only its source.
    const svg = /<svg\b[\s\S]*?<\/svg>/.exec(sides[0] ?? "")?.[0] ?? "";
    expect(svg.length).toBeGreaterThan(1000);
  });

  it("compares a revision with a folder the same way", () => {
    const { json } = compare("recapture", ".");
    expect(json.traces.map((t) => t.name)).toEqual(["docker-bridge/container-to-wan"]);
    expect(json.rulesets.map((r) => r.name)).toEqual(["docker-bridge/docker-28"]);
  });

  it("keeps the Markdown within --max-chars, linking to the details for what was left out", () => {
    const file = join(out, "short.md");
    const r = diff(
      "base",
      "ruleset",
      "--markdown",
      file,
      "--max-chars",
      "600",
      "--details-url",
      "https://ci.example/run/1",
    );
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(file, "utf8");
    expect(md.length).toBeLessThanOrEqual(600);
    expect(md).toMatch(/more section\(s\) not shown here .*\[full report\]\(https:\/\/ci\.example\/run\/1\)/);
  });

  it("fails with a clear message for a revision that does not exist, and leaves no temporary folder", () => {
    const mine = () =>
      readdirSync(tmpdir()).filter(
        (f) => f.startsWith("packetwalk-diff-") && !f.includes("repo") && !f.includes("out"),
      );
    const before = mine();
    const r = diff("base", "no-such-branch");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "packetwalk diff: error: 'no-such-branch' is neither a folder nor a git revision",
    );
    expect(r.stderr).toContain("hint: ");
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(mine()).toEqual(before);
  });
});

describe("packetwalk diff on an nftables lab", () => {
  const nft = "traces/docker-bridge-nft";
  const before = mkdtempSync(join(tmpdir(), "packetwalk-diff-nft-a-"));
  const after = mkdtempSync(join(tmpdir(), "packetwalk-diff-nft-b-"));

  beforeAll(() => {
    for (const side of [before, after]) {
      mkdirSync(join(side, nft), { recursive: true });
      cpSync(join(root, nft, "lab.json"), join(side, nft, "lab.json"));
      cpSync(join(root, nft, "rulesets"), join(side, nft, "rulesets"), { recursive: true });
      for (const t of ["container-to-wan", "container-to-wan-trace"])
        for (const ext of [".log", ".json"]) cpSync(join(root, nft, t + ext), join(side, nft, t + ext));
    }
    // Docker's masquerade becomes a fixed SNAT, in the ruleset and the copies the traces ran with.
    for (const file of readdirSync(join(after, nft, "rulesets")).filter((f) =>
      f.startsWith("docker-29-nft."),
    ))
      writeFileSync(
        join(after, nft, "rulesets", file),
        readFileSync(join(after, nft, "rulesets", file), "utf8").replace(
          'counter masquerade comment "MASQUERADE"',
          'counter snat to 203.0.113.2 comment "MASQUERADE"',
        ),
      );
  });

  afterAll(() => {
    rmSync(before, { recursive: true, force: true });
    rmSync(after, { recursive: true, force: true });
  });

  it("reports the lab's own rules at the step that changed, never packetwalk's logging chains", () => {
    const { json, markdown } = compare(before, after);
    expect(json.traces.map((t) => t.name)).toEqual(["docker-bridge-nft/container-to-wan"]);
    const matched = json.traces[0]?.packets.flatMap((p) => p.matched) ?? [];
    expect(matched).toEqual([
      {
        step: expect.any(Number),
        hook: "ip:docker-bridges:nat-POSTROUTING",
        before: [
          'docker-bridges nat-postrouting-out__docker0: oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade comment "MASQUERADE" → MASQUERADE',
        ],
        after: [
          'docker-bridges nat-postrouting-out__docker0: oifname != "docker0" ip saddr 172.17.0.0/16 counter snat to 203.0.113.2 comment "MASQUERADE" → SNAT',
        ],
      },
    ]);
    expect(markdown).not.toContain("log prefix");
  });

  it("draws the site's nftables map: hook boxes listing the lab's base chains, the changed one outlined", () => {
    const html = join(out, "nft-report.html");
    const r = diff(before, after, "--html", html);
    expect(r.status, r.stderr).toBe(0);
    const page = readFileSync(html, "utf8");
    const sides = page.split('<div class="pw-side">').slice(1);
    expect(sides).toHaveLength(2);
    for (const side of sides) {
      // Docker's base chains where the kernel runs them, in the rendered map, under their table's name.
      const box = (key: string) =>
        side.split('<g class="node ').find((n) => new RegExp(`^[^>]*id="[^"]*${key}`).test(n)) ?? "";
      expect(box("ip_POSTROUTING")).toContain("table ip docker-bridges");
      expect(box("ip_POSTROUTING")).toContain("nat-POSTROUTING (srcnat 100)");
      expect(box("ip_FORWARD")).toContain("table ip docker-bridges");
      expect(box("ip_FORWARD")).toContain("filter-FORWARD (filter 0)");
    }
    // The changed step is outlined on both maps: the IP POSTROUTING box, which holds the nat base chain.
    expect(page.match(/class="node [^"]*pwchanged[^"]*" id="[^"]*ip_POSTROUTING/g)).toHaveLength(2);
    expect(page).not.toMatch(/raw · conntrack · mangle/);
  });
});

describe("packetwalk diff on folders with mistakes", () => {
  const sides = mkdtempSync(join(tmpdir(), "packetwalk-diff-bad-"));
  const a = join(sides, "a");
  const b = join(sides, "b");
  afterAll(() => rmSync(sides, { recursive: true, force: true }));
  beforeAll(() => {
    for (const side of [a, b]) cpSync(join(root, lab), join(side, lab), { recursive: true });
    const log = join(b, lab, "container-to-wan.log");
    const lines = readFileSync(log, "utf8").split("\n");
    lines[3] = (lines[3] as string).slice(0, (lines[3] as string).indexOf(" DST=") + 1);
    writeFileSync(log, lines.join("\n"));
  });

  it("names a line it cannot read, says so in the report, and exits 1", () => {
    const md = join(sides, "report.md");
    const r = diff(a, b, "--markdown", md);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `packetwalk diff: error: ${b}: ${b}/${lab}/container-to-wan\\.log:4:\\d+: error: expected DST=`,
      ),
    );
    expect(readFileSync(md, "utf8")).toMatch(
      /\*\*1 log line\(s\) could not be read\*\*.*\n>\n> - `.*container-to-wan\.log:4:/,
    );
  });

  it("compares two lab folders scenario by scenario, whatever their folders are called (two machines' captures)", () => {
    // The same lab copied out of its repository under another name: every trace, its what-if rulesets included, is unchanged.
    const other = join(sides, "other-host");
    cpSync(join(a, lab), other, { recursive: true });
    const same = diff(join(a, lab), other);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/No trace changed: \d+ compared/);
    // A lab folder against a folder of labs is two kinds of side: one error, with what to give.
    const mixed = diff(join(a, lab), a);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain("both sides must be of one kind");
  });

  it("refuses a folder without labs, instead of an empty or all-removed report", () => {
    const empty = mkdtempSync(join(sides, "empty-"));
    const none = diff(empty, b);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`'${empty}' holds neither traces/ nor a lab folder`);
    expect(none.stderr).toContain("hint: ");
  });
});
