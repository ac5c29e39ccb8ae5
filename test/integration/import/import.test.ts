/**
 * `packetwalk import` on captures made in namespaces with a layout unlike the docker-bridge lab
 * (test/fixtures/import/<case>/: input/ as a contributor hands it over, args.json, expected/ the
 * lab folder, notes.txt what import tells the reviewer). Each imported folder must validate and agree
 * with the simulator. Also: questions
 * that name their flag, and anonymisation that leaves no original public address or MAC in any file.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { formatDiagnostic } from "../../../src/core/diagnostics/format-diagnostic.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { rulesetDigest } from "../../../src/core/trace-file/ruleset-pins.ts";
import { buildWorld, loadLab } from "../../../src/lab/load-lab.ts";

const ROOT = join(import.meta.dirname, "../../fixtures/import");
const cases = readdirSync(ROOT).filter((c) => existsSync(join(ROOT, c, "input")));
const tmp = mkdtempSync(join(tmpdir(), "pw-import-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Args {
  lab: string;
  date: string;
  containers: string[];
  peers: string[];
  suffix?: string;
}

function plan(material: ImportMaterial, args: Args, anonymize = false) {
  return planImport(material, {
    lab: args.lab,
    date: args.date,
    containers: args.containers.map((c) => parseNamedAddress(c, "--container")),
    peers: args.peers.map((c) => parseNamedAddress(c, "--peer")),
    suffix: args.suffix,
    anonymize,
  });
}

function filesUnder(dir: string, base = ""): string[] {
  return readdirSync(join(dir, base), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(base, e.name)) : [join(base, e.name)],
  );
}

describe("packetwalk import on foreign captures", () => {
  it("has the foreign cases and a capture --host folder", () => {
    expect(cases.sort()).toEqual([
      "docker29-internal-unprotected",
      "docker29-noicc-routed",
      "docker29-routed-v6",
      "home-router",
      "host-capture-container-to-container",
      "host-nftables",
      "ipset-host",
      "ipv6-bridge",
      "ipv6-iptables",
      "ipv6-nft",
      "ipv6-ufw",
      "nft-only",
      "nft-only-json",
      "nft-only-trace",
      "noisy-host",
      "peer-to-published-port",
      "peer-to-published-port-trace",
      "routed-lan-peer",
      "rpfilter-host",
      "two-networks",
      "web-to-db-nobrnf",
      "web-to-peer",
    ]);
  });

  for (const c of cases) {
    it(`${c}: writes expected/ and the folder validates and agrees with the simulator`, () => {
      const args = JSON.parse(readFileSync(join(ROOT, c, "args.json"), "utf8")) as Args;
      const material = readMaterial(join(ROOT, c, "input"), {}, () => "");
      const p = plan(material, args);
      expect(p.questions).toEqual([]);
      // Every line is read: no prefix left unknown, no line of one packet read as another.
      expect(p.diagnostics.map(formatDiagnostic)).toEqual([]);
      const out = join(tmp, c, args.lab);
      writePlan(p, out);
      const expected = join(ROOT, c, "expected");
      if (process.env.UPDATE === "1" || !existsSync(expected)) {
        if (process.env.UPDATE !== "1")
          throw new Error(`${expected} is missing: run with UPDATE=1 and review it`);
        rmSync(expected, { recursive: true, force: true });
        writePlan(p, expected);
      }
      // What the reviewer is told (inferences, flows left out and why) is part of the expected output.
      const notesFile = join(ROOT, c, "notes.txt");
      const notes = p.notes.map((n) => `${n.replaceAll(`${join(ROOT, c, "input")}/`, "")}\n`).join("");
      if (process.env.UPDATE === "1") writeFileSync(notesFile, notes);
      expect(notes).toBe(readFileSync(notesFile, "utf8"));
      const written = filesUnder(out).sort();
      expect(written).toEqual(filesUnder(expected).sort());
      for (const f of written)
        expect(readFileSync(join(out, f), "utf8"), f).toBe(readFileSync(join(expected, f), "utf8"));
      expect(readTraceFolder(out).errors).toEqual([]);
      const results = checkLab(out);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect(r.report, r.report).toBe("");
    });
  }

  it("the TRACE case compares bridge family events too (bridge OUTPUT and POSTROUTING after the routing)", () => {
    const out = join(tmp, "peer-to-published-port-trace", "edge");
    const data = readTraceFolder(out);
    const trace = data.traces.find((t) => t.meta.mode === "trace");
    expect(trace?.text).toMatch(/^PACKET: 7 /m);
    const r = checkLab(out);
    expect(r.every((x) => x.ok)).toBe(true);
    // Dropping the bridge tables from the instrumentation makes the prediction miss them: they are compared.
    const inst = join(out, "rulesets", `${trace?.meta.instrumentation}.rules`);
    const text = readFileSync(inst, "utf8");
    const cut = text.slice(0, text.indexOf("# ebtables-save"));
    writeFileSync(inst, cut);
    // Pinned to the cut file too, so the comparison (not the pin check) is what fails.
    const metaPath = join(out, `${trace?.stem}.json`);
    const metaText = readFileSync(metaPath, "utf8");
    const name = trace?.meta.instrumentation ?? "";
    writeFileSync(metaPath, metaText.replace(rulesetDigest(text), rulesetDigest(cut)));
    const broken = checkLab(out);
    writeFileSync(inst, text);
    writeFileSync(metaPath, metaText);
    expect(name).not.toBe("");
    expect(broken.some((x) => !x.ok && /bridge:filter:OUTPUT/.test(x.report))).toBe(true);
  });
});

describe("packetwalk import and xtables-monitor link headers (LL=)", () => {
  const c = "peer-to-published-port-trace";
  const args = JSON.parse(readFileSync(join(ROOT, c, "args.json"), "utf8")) as Args;
  // Trace ids repeat: the kernel hashes the skb's address with the flow hash and input device (this
  // capture's ACK PSH shows its SYN's id again), and 32 bits collide. Here the host's UDP broadcast to
  // 10.77.0.255, flooded out of both ports, shows the SYN's id 081736ca;
  // its bridge lines are laid out as the kernel wrote a broadcast's (test/fixtures/parse/
  // real-xtables-monitor-bridge-ll-broadcast-trace: LL= with no input device, ffffffff per 0xff byte).
  const nh = "450000203fffffffc040004011ffffffe5730a4d00010a4d00ffffffff";
  const broadcast = ["vweb", "vdb"].flatMap((port) => [
    `PACKET: 7 081736ca OUT=${port} LL=0x0 ${"ffffffff".repeat(6)}02420a4d00010800 NH=${nh} `,
    " TRACE: 7 081736ca filter:OUTPUT:policy:ACCEPT ",
  ]);
  const macsOf = (log: string) => {
    const material = readMaterial(join(ROOT, c, "input"), {}, () => "");
    const p = plan({ ...material, log }, args);
    expect(p.questions).toEqual([]);
    const macs = new Map<string, string | undefined>();
    for (const h of p.lab?.hosts ?? []) for (const i of h.interfaces) macs.set(`${h.name}/${i.name}`, i.mac);
    return macs;
  };
  const original = readFileSync(join(ROOT, c, "input", "kernel.log"), "utf8");

  it("a broadcast frame that reuses a container's trace id on its port lends it no MAC", () => {
    const before = macsOf(original);
    expect(before.get("web/eth0")).toBe("02:42:0a:4d:00:02");
    // After the connection (a frame before it would share the SYN's packet: grouping is by trace id).
    const after = macsOf(`${original}${broadcast.join("\n")}\n`);
    // The same lab as without the broadcast: each frame's link header stays with its own packet.
    expect(after).toEqual(before);
    for (const mac of after.values()) expect(mac ?? "", mac).not.toBe("ff:ff:ff:ff:ff:ff");
  });
});

describe("packetwalk import on the setups of record-more.sh", () => {
  const load = (c: string) => ({
    args: JSON.parse(readFileSync(join(ROOT, c, "args.json"), "utf8")) as Args,
    material: readMaterial(join(ROOT, c, "input"), {}, () => ""),
  });

  it("two-networks: one scenario per flow, each with its own command and exit code (the drop exits 1)", () => {
    const { args, material } = load("two-networks");
    const p = plan(material, args);
    const got = p.scenarios.map((s) => [s.stem, s.meta.traffic.command.join(" "), s.meta.exitCode]);
    expect(got).toEqual([
      ["b1-to-a1", "ping -c1 -W1 172.20.0.2", 1],
      ["a1-to-a2", "ping -c1 -W1 172.20.0.3", 0],
    ]);
    const host = p.lab?.hosts.find((h) => h.role === "docker-host");
    const port = (n: string) => host?.interfaces.find((i) => i.peer === `${n}/eth0`);
    expect([port("a1")?.bridge, port("a2")?.bridge, port("b1")?.bridge]).toEqual(["br-a", "br-a", "br-b"]);
  });

  it("two-networks/isolation-log: a packet logged twice at FORWARD (built-in and isolation chain) is one packet and agrees", () => {
    const { args, material } = load("two-networks");
    const dir = join(ROOT, "two-networks", "isolation-log");
    const log = readFileSync(join(dir, "kernel.log"), "utf8");
    // b1's ping is dropped before a1: no line shows a1's port and MAC, so they are given, as import asks.
    const answered = {
      ...args,
      containers: ["a1=172.20.0.2,port=vetha1,mac=02:42:ac:14:00:02", "b1=172.21.0.2"],
    };
    const p = plan(
      {
        ...material,
        log,
        logFile: "kernel.log",
        iptablesSave: readFileSync(join(dir, "iptables-save.txt"), "utf8"),
        command: readFileSync(join(dir, "command.txt"), "utf8"),
        exitCode: readFileSync(join(dir, "exit-code.txt"), "utf8"),
      },
      answered,
    );
    expect(p.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(p.questions).toEqual([]);
    const first = p.scenarios[0]?.packets[0];
    expect(first?.events.map((e) => [e.hook, e.prefix.trim()])).toEqual([
      ["ip:raw:PREROUTING", "[raw-pre]"],
      ["ip:filter:FORWARD", "[fwd]"],
      ["ip:filter:FORWARD", "[isolation drop]"],
    ]);
    const out = join(tmp, "isolation-log", args.lab);
    writePlan(p, out);
    const results = checkLab(out);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.report, r.report).toBe("");
  });

  it("ipv6-bridge: a dual-stack container's IPv6 and IPv4 flows are both imported, one host, IPv6 lines read with ip6tables-save's prefixes", () => {
    const { args, material } = load("ipv6-bridge");
    const p = plan(material, args);
    expect(p.notes.join("\n")).not.toMatch(/left out/);
    expect(
      p.scenarios.map((s) => [s.stem, s.meta.title, s.meta.traffic.command.join(" "), s.meta.exitCode]),
    ).toEqual([
      [
        "a1-to-wan-v6",
        "container a1 to internet (behind the host's gateway) (ICMPv6)",
        "ping -6 -c1 -W1 2001:db8:2::10",
        0,
      ],
      [
        "a1-to-wan",
        "container a1 to internet (behind the host's gateway) (ICMP)",
        "ping -4 -c1 -W1 198.51.100.10",
        0,
      ],
    ]);
    // One a1 with both addresses and a default route per family; the gateway host has both gateways.
    const a1 = p.lab?.hosts.find((h) => h.name === "a1");
    expect(a1?.interfaces[1]?.addresses).toEqual(["172.20.0.2/16", "fd00:a::2/64"]);
    expect(a1?.routes.filter((r) => r.to === "default").map((r) => r.via)).toEqual([
      "172.20.0.1",
      "fd00:a::1",
    ]);
    const wan = p.lab?.hosts.find((h) => h.name === "wan");
    expect(wan?.interfaces[1]?.addresses).toEqual(["203.0.113.1/24", "2001:db8:1::1/64"]);
    expect(p.lab?.sysctls["net.ipv6.conf.all.forwarding"]).toBe("1");
    expect(p.scenarios[0]?.packets.flatMap((x) => x.hooks)).toEqual([
      "ip6:raw:PREROUTING",
      "ip6:filter:FORWARD",
      "ip6:nat:POSTROUTING",
      "ip6:raw:PREROUTING",
      "ip6:filter:FORWARD",
    ]);
    // Without ip6-route.json the IPv6 gateway is unknown, and asked for by name.
    const noRoutes = plan({ ...material, ip6Route: undefined }, args);
    expect(noRoutes.questions).toEqual([
      "2001:db8:2::10 is on none of the host's links and the host's IPv6 routes are unknown: give `ip -6 -j route` of the host (ip6-route.json, or --ip6-route FILE)",
    ]);
    // Without ip6tables-save the IPv6 prefixes are unknown (and said so).
    const bare = plan({ ...material, ip6tablesSave: undefined }, args);
    const unknown = bare.diagnostics.find((d) => /unknown LOG prefix '\[raw6-pre\]'/.test(d.message));
    // The hint says which rules were read, and that no IPv6 rule was (session 53: it named
    // ip6tables-save.txt among the files searched, which was not given).
    expect(unknown?.hint).toMatch(/in the rules it read: IPv4 rules from iptables-save\.txt/);
    expect(unknown?.hint).toMatch(
      /no rule was read for IPv6 \(ip6tables-save\.txt missing or empty\), the family of its lines: give that save/,
    );
    expect(unknown?.hint).not.toMatch(/--prefix-map/);
    expect(bare.questions).toEqual([
      `${material.logFile}: '[raw6-pre]', '[fwd6]', '[nat6-post]' are printed by no logging rule of the saved ruleset, so their lines would be left out: save the ruleset while the rules that print them are installed, or cut those lines out of the log`,
    ]);
    expect(bare.lab).toBeUndefined();
  });

  it("nft-only: nft list ruleset is the ruleset, log prefixes read at their base chains, the logging table left out", () => {
    const { args, material } = load("nft-only");
    expect(material.iptablesSave?.trim()).toBe("");
    const p = plan(material, args);
    const inst = p.files.find((f) => /instrumented/.test(f.path))?.text ?? "";
    const clean = p.files.find((f) => f.path === `rulesets/${args.lab}.rules`)?.text ?? "";
    expect(inst).toMatch(/^# nft list ruleset$/m);
    expect(inst).toContain('log prefix "dbg pre: "');
    expect(clean).toContain("table ip docker-bridges {");
    expect(clean).not.toMatch(/table ip mylog|log prefix/);
    const drop = p.scenarios.find((s) => s.stem === "b1-to-a1");
    expect(drop?.packets.map((x) => x.hooks)).toEqual([
      ["ip:mylog:log-pre", "ip:mylog:log-fwd", "ip:docker-bridges:filter-FORWARD"],
    ]);
    expect(p.scenarios.map((s) => s.stem)).toEqual(["b1-to-a1", "a1-to-a2", "a1-to-wan"]);
  });

  it("nft-only-json: `nft -j list ruleset` saved as nft-ruleset.txt is the same nftables-only host as its text form", () => {
    const text = load("nft-only");
    const json = load("nft-only-json");
    expect(json.material.nftRuleset).toMatch(/^\{"nftables": \[/);
    const a = plan(text.material, text.args);
    const b = plan(json.material, json.args);
    expect(b.questions).toEqual([]);
    expect(b.notes).toContain(
      `${join(ROOT, "nft-only-json", "input", "nft-ruleset.txt")} is nft -j list ruleset output (JSON): it is read as the same ruleset in nft list ruleset's text form`,
    );
    // The same lab, logs, scenarios, hooks and prefix mapping; only the rulesets' digests differ.
    const unpinned = (p: typeof a) =>
      JSON.parse(JSON.stringify(p.scenarios).replace(/instrumented-[0-9a-f]{8}|sha256:[0-9a-f]{64}/g, "x"));
    expect(unpinned(b)).toEqual(unpinned(a));
    expect(JSON.stringify(b.lab).replace(/instrumented-[0-9a-f]{8}/g, "x")).toBe(
      JSON.stringify(a.lab).replace(/instrumented-[0-9a-f]{8}/g, "x"),
    );
    expect(b.files.filter((f) => f.path.endsWith(".log"))).toEqual(
      a.files.filter((f) => f.path.endsWith(".log")),
    );
    // The rulesets say the same in nft's text form: line for line, but for how nft wraps a map's elements.
    const unwrapped = (p: typeof a) =>
      p.files.filter((f) => f.path.startsWith("rulesets/")).map((f) => f.text.replace(/,\n\t+ +/g, ", "));
    expect(unwrapped(b)).toEqual(unwrapped(a));
  });

  it("an nft ruleset saved where iptables-save was expected is read as the nft ruleset; broken JSON is a positioned error", () => {
    const { args, material } = load("nft-only-json");
    const moved = plan({ ...material, iptablesSave: material.nftRuleset, nftRuleset: undefined }, args);
    expect(moved.questions).toEqual([]);
    expect(moved.notes.join("\n")).toMatch(
      /iptables-save\.txt holds an nft ruleset \(nft -j\), not iptablesSave's output/,
    );
    expect(moved.scenarios.map((s) => s.stem)).toEqual(["b1-to-a1", "a1-to-a2", "a1-to-wan"]);
    const cut = (material.nftRuleset ?? "").slice(0, 400);
    const broken = plan(
      { ...material, nftRuleset: cut, rulesetFiles: { nftRuleset: "nft-ruleset.txt" } },
      args,
    );
    expect(broken.questions[0]).toMatch(/the nft -j ruleset could not be read whole/);
    expect(broken.diagnostics.map(formatDiagnostic)[0]).toMatch(
      /^nft-ruleset\.txt:1:\d+: error: not valid JSON/,
    );
    expect(broken.lab).toBeUndefined();
  });

  it("keeps nft tables of its own next to an iptables ruleset, in the order nft lists them, and says so", () => {
    const { args, material } = load("two-networks");
    const nft = load("nft-only").material.nftRuleset;
    const p = plan({ ...material, nftRuleset: `${material.nftRuleset}\n${nft}` }, args);
    expect(p.notes.join("\n")).toMatch(
      /nft list ruleset has tables iptables-save does not show \(table ip docker-bridges, table ip mylog\): the lab's ruleset holds them/,
    );
    // Listed after iptables-nft's tables: created after them, so they follow the iptables-save.
    const rules = p.files.find((f) => /\.instrumented-[0-9a-f]+\.rules$/.test(f.path))?.text ?? "";
    const at = (s: string) => rules.indexOf(s);
    expect(at("*filter")).toBeGreaterThan(0);
    expect(at("table ip docker-bridges {")).toBeGreaterThan(at("*filter"));
    expect(at("table ip mylog {")).toBeGreaterThan(at("table ip docker-bridges {"));
    expect(plan(material, args).notes.join("\n")).not.toMatch(/tables iptables-save does not show/);
    // A bridge table of the host's own, next to an ebtables-save: left out, and said so.
    const own =
      "table bridge mybr {\n\tchain fwd {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n}\n";
    const q = plan({ ...material, nftRuleset: `${material.nftRuleset}\n${own}` }, args);
    expect(q.notes.join("\n")).toMatch(/bridge tables ebtables-save does not show \(table bridge mybr\)/);
  });

  it("a save that says the host also has legacy tables: warned at its line, and the lab's ruleset keeps the line so simulate warns too", () => {
    const { args, material } = load("two-networks");
    const warning = "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them";
    const save = `${(material.iptablesSave ?? "").trimEnd()}\n${warning}\n`;
    const p = plan({ ...material, iptablesSave: save }, args);
    const line = save.split("\n").indexOf(warning) + 1;
    expect(p.diagnostics.map(formatDiagnostic).join("\n")).toContain(
      `iptables-save.txt:${line}:1: warning: the host also has iptables-legacy tables, which this file does not hold`,
    );
    const rules = p.files.find((f) => f.path.endsWith(`/${args.lab}.rules`))?.text ?? "";
    expect(rules).toContain(warning);
    // A save with the legacy tables appended (`iptables-legacy-save` headers) is whole: no warning.
    const whole = plan(
      { ...material, iptablesSave: `${save}# Generated by iptables-save v1.8.9\n*filter\nCOMMIT\n` },
      args,
    );
    expect(whole.diagnostics.map(formatDiagnostic).join("\n")).not.toMatch(/legacy tables/);
    expect(plan(material, args).diagnostics.map(formatDiagnostic).join("\n")).not.toMatch(/legacy tables/);
  });

  it("host-nftables: the host firewall created before Docker's rules runs after them at one priority, and drops b1", () => {
    const { args, material } = load("host-nftables");
    const p = plan(material, args);
    const rules = p.files.find((f) => /\.instrumented-[0-9a-f]+\.rules$/.test(f.path))?.text ?? "";
    expect(rules.indexOf("table inet filter {")).toBeGreaterThan(0);
    expect(rules.indexOf("table inet filter {")).toBeLessThan(rules.indexOf("# iptables-save"));
    const clean =
      p.files.find((f) => /[^d]\.rules$/.test(f.path) && !/instrumented/.test(f.path))?.text ?? "";
    expect(clean).toContain("table inet filter {");
    expect(clean).not.toMatch(/log prefix|-j LOG/);
    const hooks = p.scenarios.map((s) => [s.stem, s.packets[0]?.hooks]);
    expect(hooks).toEqual([
      ["a1-to-wan", ["ip:raw:PREROUTING", "ip:filter:FORWARD", "ip:filter:forward", "ip:nat:POSTROUTING"]],
      ["b1-to-wan", ["ip:raw:PREROUTING", "ip:filter:FORWARD", "ip:filter:forward"]],
    ]);
    // The same ping run from a1, then b1: each scenario takes its own line of command.txt / exit-code.txt.
    expect(p.scenarios.map((s) => s.meta.exitCode)).toEqual([0, 1]);
    // A curl to the same address run first is no ICMP scenario's command.
    const curlFirst = plan(
      {
        ...material,
        command: `curl -s http://198.51.100.10/\n${material.command}`,
        exitCode: `7\n${material.exitCode}`,
      },
      args,
    );
    expect(curlFirst.scenarios.map((s) => [s.meta.traffic.command[0], s.meta.exitCode])).toEqual([
      ["ping", 0],
      ["ping", 1],
    ]);
  });

  /** nft-only imported with its ruleset edited (`[from, to]` pairs), written to `name`, and checked. */
  const checkEdited = (name: string, edits: [string, string][]) => {
    const { args, material } = load("nft-only");
    const nft = edits.reduce((t, [from, to]) => t.replace(from, to), material.nftRuleset ?? "");
    const out = join(tmp, name, args.lab);
    writePlan(plan({ ...material, nftRuleset: nft }, args), out);
    return { out, results: checkLab(out) };
  };
  const UNMODELLED_LOG: [string, string] = [
    'meta l4proto icmp log prefix "dbg post: "',
    'meta l4proto icmp meta cpu 0 log prefix "dbg post: "',
  ];
  const ICC = 'iifname "br-a" counter packets 1 bytes 84 accept comment "ICC"';

  it("an unmodelled match on a logging rule is followed both ways: the recording agrees whether it printed or not", () => {
    const { results } = checkEdited("unmodelled-log", [UNMODELLED_LOG]);
    expect(results.length).toBe(3);
    for (const r of results) expect(r.report, r.report).toBe("");
  });

  it("a recording only the other way of an unmodelled match explains agrees, and check says which way it took", () => {
    // ICC under an unmodelled match: not matched, a1 -> a2 would meet the unpublished-port drop.
    const { results } = checkEdited("unmodelled-accept", [
      [ICC, 'iifname "br-a" meta cpu 0 counter packets 1 bytes 84 accept comment "ICC"'],
    ]);
    for (const r of results) expect(r.report, r.report).toBe("");
    const icc = results.find((r) => r.trace.endsWith("/a1-to-a2"));
    expect(icc?.ways).toEqual([
      expect.stringMatching(
        /^docker-bridges filter-forward-in__br-a line \d+ \(meta cpu 0\): as if it matched$/,
      ),
    ]);
  });

  it("a check that disagrees names the expressions the simulator does not model, at their lines", () => {
    // a1 -> a2 was allowed; here ICC drops it whether or not the unmodelled match holds.
    const { out, results } = checkEdited("unmodelled", [
      UNMODELLED_LOG,
      [ICC, 'iifname "br-a" meta cpu 0 counter packets 1 bytes 84 drop comment "ICC"'],
    ]);
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.trace)).toEqual([`${out}/a1-to-a2`]);
    for (const r of failed)
      expect(r.report).toMatch(
        /rulesets\/nft-host\.instrumented-[0-9a-f]{8}\.rules:\d+:\d+: warning: expression 'meta cpu 0' is not modelled/,
      );
  });

  it("a check that disagrees on a ufw host says each unmodelled -m limit once, with the lines of the rules like it", () => {
    const out = join(tmp, "ufw-folded");
    cpSync(join(ROOT, "ipv6-ufw", "expected"), out, { recursive: true });
    // The SYNs to port 23 said to go to 22: ufw accepts what the kernel logged as dropped.
    const log = join(out, "wan-to-host-v6-tcp-23.log");
    writeFileSync(log, readFileSync(log, "utf8").replaceAll("DPT=23 ", "DPT=22 "));
    const failed = checkLab(out).filter((r) => !r.ok);
    expect(failed.map((r) => r.trace)).toEqual([`${out}/wan-to-host-v6-tcp-23`]);
    const report = failed[0]?.report ?? "";
    const limits = report.split("\n").filter((l) => /: warning: match '-m limit /.test(l));
    expect(limits.map((l) => l.replace(/^.*\.rules:/, ""))).toEqual([
      "89:30: warning: match '-m limit --limit 3/min --limit-burst 10' is not modelled",
      "127:19: warning: match '-m limit --limit 3/min' is not modelled",
    ]);
    expect(report).toContain(
      "  and 10 more rules like it (lines 90, 113, 114, 115, 119, 261, 262, 331, 332, 333)",
    );
    expect(report).toContain("  and 1 more rule like it (line 340)");
  });

  it("nft-only-trace: every line of the flow's trace ids is in its scenario, packet: lines included", () => {
    const { args, material } = load("nft-only-trace");
    const p = plan(material, args);
    const written = p.files.filter((f) => f.path.endsWith(".log")).flatMap((f) => f.text.trim().split("\n"));
    expect(written.sort()).toEqual(material.log.trim().split("\n").sort());
    expect(written.filter((l) => / packet: /.test(l)).length).toBeGreaterThan(3);
    // a1's port is the one its MAC was learnt on (br-a has two); without the FDB import asks.
    const host = p.lab?.hosts.find((h) => h.role === "docker-host");
    expect(host?.interfaces.find((i) => i.peer === "a1/eth0")?.name).toBe("vetha1");
    const asked = plan({ ...material, bridgeFdb: undefined }, args).questions.join("\n");
    expect(asked).toMatch(
      /172\.20\.0\.2 \(a1\) is on br-a, but no line or file says which port: give bridge-fdb\.json/,
    );
  });

  // nft monitor trace names no hook: the check reads the chain's hook from the ruleset, whatever its name.
  for (const name of ["trace_chain", "prerouting"])
    it(`nft-only-trace: an nftrace base chain named '${name}' starts each packet and agrees`, () => {
      const { args, material } = load("nft-only-trace");
      const rename = (t: string) => t.replaceAll("trace-prerouting", name);
      const p = plan(
        { ...material, log: rename(material.log), nftRuleset: rename(material.nftRuleset ?? "") },
        args,
      );
      expect(p.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(p.questions).toEqual([]);
      const out = join(tmp, `nft-trace-${name}`, args.lab);
      writePlan(p, out);
      const results = checkLab(out);
      expect(results.length).toBeGreaterThan(1);
      for (const r of results) expect(r.report, r.report).toBe("");
    });
});

describe("packetwalk import on a real, noisy host", () => {
  // What a real Ubuntu kern.log has between the flows: IGMP, NetBIOS broadcasts to the uplink's
  // subnet and to a subnet the host has no link in, MLD, DHCP, a late RST and FIN, an ICMP error.
  const NOISE = [
    "[67500.1] [UFW BLOCK] IN=wan0 OUT= MAC=01:00:5e:00:00:01:02:00:00:00:00:01:08:00 SRC=203.0.113.1 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 ",
    "[67501.1] [UFW BLOCK] IN=wan0 OUT= MAC=ff:ff:ff:ff:ff:ff:02:00:00:00:00:01:08:00 SRC=203.0.113.1 DST=203.0.113.255 LEN=78 TOS=0x00 PREC=0x00 TTL=64 ID=4242 DF PROTO=UDP SPT=137 DPT=137 LEN=58 ",
    "[67501.2] [UFW BLOCK] IN=wan0 OUT= MAC=ff:ff:ff:ff:ff:ff:02:00:00:00:00:01:08:00 SRC=198.51.100.1 DST=198.51.100.255 LEN=78 TOS=0x00 PREC=0x00 TTL=64 ID=4243 DF PROTO=UDP SPT=137 DPT=137 LEN=58 ",
    "[67502.1] [UFW BLOCK] IN=wan0 OUT= MAC=33:33:00:00:00:01:02:00:00:00:00:01:86:dd SRC=fe80:0000:0000:0000:0000:00ff:fe00:0001 DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=72 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=130 CODE=0 ",
    "[67503.1] [UFW BLOCK] IN=wan0 OUT= MAC=ff:ff:ff:ff:ff:ff:02:00:00:00:00:01:08:00 SRC=0.0.0.0 DST=255.255.255.255 LEN=328 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=68 DPT=67 LEN=308 ",
    "[67504.1] [UFW BLOCK] IN=wan0 OUT= MAC=52:54:00:bb:00:10:52:54:00:bb:00:01:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=0 DF PROTO=TCP SPT=443 DPT=51234 WINDOW=0 RES=0x00 ACK RST URGP=0 ",
    "[67505.1] [UFW BLOCK] IN=wan0 OUT= MAC=52:54:00:bb:00:10:52:54:00:bb:00:01:08:00 SRC=198.51.100.8 DST=203.0.113.10 LEN=52 TOS=0x00 PREC=0x00 TTL=50 ID=0 DF PROTO=TCP SPT=443 DPT=51235 WINDOW=501 RES=0x00 ACK FIN URGP=0 ",
    "[67506.1] [UFW BLOCK] IN=wan0 OUT= MAC=52:54:00:bb:00:10:52:54:00:bb:00:01:08:00 SRC=198.51.100.9 DST=203.0.113.10 LEN=56 TOS=0x00 PREC=0x00 TTL=50 ID=0 PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.10 DST=198.51.100.9 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=5000 DPT=53 LEN=8 ] ",
  ];

  it("ipv6-ufw's log with a real host's noise: the same seven traces agreeing, the broadcast the host took checked against ufw's rules, the rest of the noise left out in words", () => {
    const args = JSON.parse(readFileSync(join(ROOT, "ipv6-ufw", "args.json"), "utf8")) as Args;
    const raw = readMaterial(join(ROOT, "ipv6-ufw", "input"), {}, () => "");
    const clean = plan(raw, args);
    const p = plan({ ...raw, log: `${raw.log}${NOISE.join("\n")}\n` }, args);
    expect(p.questions).toEqual([]);
    // The NetBIOS broadcast to the host's own subnet (203.0.113.255, taken at INPUT) is a trace of its own.
    expect(p.scenarios.map((x) => x.stem)).toEqual([...clean.scenarios.map((x) => x.stem), "wan-to-host"]);
    // No broadcast, multicast or noisy sender became a host address: only the gateway, which sent the
    // broadcast, is given the IPv4 address it sent it from.
    const withSender = structuredClone(clean.lab);
    const wan = withSender?.hosts.find((h) => h.name === "wan");
    wan?.interfaces.find((i) => i.name === "eth0")?.addresses.push("203.0.113.1/24");
    wan?.routes.push({ to: "203.0.113.0/24", dev: "eth0" });
    withSender?.notes?.push(
      "remote IPv4 addresses are put behind the host's gateway 203.0.113.1, in 'wan' too",
    );
    expect(p.lab).toEqual(withSender);
    expect(JSON.stringify(p.lab)).not.toMatch(/\.255\b|224\.0|ff02|198\.51\.100\.[1789]\b|0\.0\.0\.0/);
    const left = p.notes.filter((n) => n.startsWith("left out: "));
    expect(left).toEqual([
      "left out: IGMP (protocol 2) from 203.0.113.1 to 224.0.0.1 (kernel.log line 151): multicast destination: the simulator follows unicast packets only",
      "left out: UDP to port 137 (NetBIOS name service) from 198.51.100.1 to 198.51.100.255 (kernel.log line 153): broadcast destination: the simulator follows unicast packets only and the broadcasts of the host's own subnets",
      "left out: ICMPv6 MLD query (type 130) from fe80::ff:fe00:1 to ff02::1 (kernel.log line 154): multicast destination: the simulator follows unicast packets only",
      "left out: UDP to port 67 (DHCP) from 0.0.0.0 to 255.255.255.255 (kernel.log line 155): unspecified source (a host without an address yet: DHCP, duplicate address detection): no lab host sends from it",
      "left out: 2 flows of TCP without its opening SYN from 198.51.100.7, 198.51.100.8 to 203.0.113.10 (kernel.log lines 156, 157): the connection began before the log, or its conntrack entry had expired: what conntrack knew of it is not in the log, so the simulator cannot replay it",
      "left out: ICMP destination unreachable (type 3) from 198.51.100.9 to 203.0.113.10 (kernel.log line 158): the simulator sends ICMP echo requests and replies only",
    ]);
    const out = join(tmp, "noisy-ufw", args.lab);
    writePlan(p, out);
    const results = checkLab(out);
    expect(results).toHaveLength(8);
    for (const r of results)
      if (r.report.includes("/wan-to-host:"))
        // ufw drops a broadcast unlogged (ufw-after-input's --dst-type BROADCAST): the check says this
        // logged line cannot come from the ruleset given, at the rule that would have dropped it.
        expect(r.report).toContain("was not delivered: DROP by rule at line 122");
      else expect(r.report, r.report).toBe("");
  });
});

describe("packetwalk import on a host with ipsets", () => {
  const args = JSON.parse(readFileSync(join(ROOT, "ipset-host", "args.json"), "utf8")) as Args;
  const raw = readMaterial(join(ROOT, "ipset-host", "input"), {}, () => "");

  /** Each flow's first packet: its fate and the rules the simulator could not decide. */
  function simulated(material: ImportMaterial, name: string) {
    const out = join(tmp, name, args.lab);
    writePlan(plan(material, args), out);
    const loaded = loadLab(out);
    const { world } = buildWorld(loaded, { ruleset: args.lab });
    const from = (src: string, port: number) =>
      runScenario(world, { from: "wan", src, to: "203.0.113.10", proto: "tcp", sport: 41000, dport: port });
    return [
      from("198.51.100.10", 22),
      from("198.51.100.66", 22),
      from("198.51.100.10", 8080),
      from("198.51.100.66", 8080),
    ].map((r) => ({
      first: r.packets[0]?.fate.kind,
      undecided: r.packets[0]?.unmodelled.map((u) => u.what),
    }));
  }

  it("decides every -m set match from the saved sets, as the kernel did", () => {
    expect(raw.ipsetSave).toContain("add docker-allow 198.51.100.66 nomatch");
    expect(simulated(raw, "ipset-decided")).toEqual([
      { first: "delivered", undecided: [] },
      { first: "dropped", undecided: [] },
      { first: "delivered", undecided: [] },
      { first: "dropped", undecided: [] },
    ]);
  });

  it("without ipset-save.txt names the missing sets, and the set matches stay undecided", () => {
    const { ipsetSave: _, ...without } = raw;
    const p = plan(without, args);
    expect(p.notes).toContain(
      "the rules match ipsets 'f2b-sshd', 'docker-allow' that no ipset save holds: give `ipset save` output (ipset-save.txt, or --ipset-save FILE) so the simulator decides those matches; until then it follows both outcomes",
    );
    const sims = simulated(without, "ipset-missing");
    expect(sims[1]?.undecided).toEqual(["-m set --match-set f2b-sshd src"]);
    expect(sims[3]?.undecided).toEqual(["-m set ! --match-set docker-allow src"]);
  });
});

describe("packetwalk import on a host with reverse path filters", () => {
  it("decides iptables' strict rpfilter and nft's loose fib from the lab's routes, and matches each ping to its flow", () => {
    const args = JSON.parse(readFileSync(join(ROOT, "rpfilter-host", "args.json"), "utf8")) as Args;
    const p = plan(
      readMaterial(join(ROOT, "rpfilter-host", "input"), {}, () => ""),
      args,
    );
    expect(p.notes.filter((n) => n.includes("command"))).toEqual([]);
    const out = join(tmp, "rpfilter-decided", args.lab);
    writePlan(p, out);
    const { world } = buildWorld(loadLab(out), { ruleset: args.lab });
    const ping = (src: string) =>
      runScenario(world, { from: "wan", src, to: "203.0.113.10", proto: "icmp" }).packets[0];
    const legit = ping("198.51.100.10");
    const spoofed = ping("192.0.2.5");
    expect([legit?.fate.kind, legit?.unmodelled]).toEqual(["delivered", []]);
    expect([spoofed?.fate.kind, spoofed?.unmodelled]).toEqual(["dropped", []]);
    // Dropped where the kernel dropped it: raw PREROUTING is the last hook it reached.
    expect(spoofed?.events.at(-1)?.hook).toBe("ip:raw:PREROUTING");
  });
});

describe("packetwalk import on a host that routes by policy", () => {
  const args = JSON.parse(readFileSync(join(ROOT, "rpfilter-host", "args.json"), "utf8")) as Args;
  const raw = readMaterial(join(ROOT, "rpfilter-host", "input"), {}, () => "");
  // As `ip -j rule` printed them on kernel 6.18 after wg-quick's two rules (fwmark 0xca6c, table 51820).
  const wgQuick =
    '[{"priority":0,"src":"all","table":"local"},{"priority":32764,"src":"all","table":"main","suppress_prefixlen":0},{"priority":32765,"not":null,"src":"all","fwmark":"0xca6c","table":"51820"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]';

  it("names the host's own rules in the lab's notes, and the default rules not at all", () => {
    const p = plan({ ...raw, ipRule: wgQuick }, args);
    const note = p.notes.find((n) => n.startsWith("The host routes by policy"));
    expect(note).toContain(
      "IPv4 32764: from all lookup main suppress_prefixlength 0; IPv4 32765: not from all fwmark 0xca6c lookup 51820.",
    );
    const out = join(tmp, "policy-routing", args.lab);
    writePlan(p, out);
    expect(loadLab(out).data.lab?.notes).toContain(note);
    const plain = plan(
      {
        ...raw,
        ipRule:
          '[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]',
      },
      args,
    );
    expect(plain.notes.filter((n) => n.includes("by policy"))).toEqual([]);
  });

  it("a rule save that is not ip -j rule's output is refused at its place", () => {
    const p = plan({ ...raw, ipRule: '[{"src":"all","table":"local"}]' }, args);
    expect(p.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      expect.stringMatching(/^ip-rule\.json:1:2: .*priority/),
    ]);
  });
});

describe("packetwalk import on Docker 29's network options (nftables backend)", () => {
  const load = (c: string) => ({
    args: JSON.parse(readFileSync(join(ROOT, c, "args.json"), "utf8")) as Args,
    material: readMaterial(join(ROOT, c, "input"), {}, () => ""),
  });
  const macOf = (p: ReturnType<typeof plan>, name: string) =>
    p.lab?.hosts.find((h) => h.name === name)?.interfaces.find((i) => i.name === "eth0")?.mac;

  it("takes a MAC only a dropped request shows from the bridged frame, or else from the bridge's fdb", () => {
    const { args, material } = load("docker29-noicc-routed");
    // a1 -> a2 is dropped by the ICC rule: a2 never answers, so no line has a2 as a source.
    expect(material.log).not.toMatch(/SRC=172\.20\.0\.3 /);
    const noFdb = plan({ ...material, bridgeFdb: undefined }, args);
    expect(noFdb.questions).toEqual([]);
    expect(macOf(noFdb, "a2")).toBe("02:42:ac:14:00:03");
    // Without the frame's MAC header, the one MAC the bridge learnt on a2's port (PHYSOUT=vetha2).
    const noMacToA2 = material.log
      ?.split("\n")
      .map((l) => (l.includes("DST=172.20.0.3 ") ? l.replace(/MAC=\S+ /, "") : l))
      .join("\n");
    const fromFdb = plan({ ...material, log: noMacToA2 }, args);
    expect(fromFdb.questions).toEqual([]);
    expect(macOf(fromFdb, "a2")).toBe("02:42:ac:14:00:03");
    const neither = plan({ ...material, log: noMacToA2, bridgeFdb: undefined }, args);
    expect(neither.questions.join("\n")).toMatch(/172\.20\.0\.3 \(a2\): no line shows its MAC/);
  });

  it("routes a network the internet addresses directly (routed, nat-unprotected) through the host, and says so", () => {
    for (const c of ["docker29-noicc-routed", "docker29-internal-unprotected"]) {
      const { args, material } = load(c);
      const p = plan(material, args);
      const wan = p.lab?.hosts.find((h) => h.name === "wan");
      expect(wan?.routes, c).toContainEqual({ to: "172.21.0.0/16", via: "203.0.113.10", dev: "eth0" });
      // Only the network it addressed: br-a's containers are reached through the published port or not at all.
      expect(
        wan?.routes.some((r) => r.to === "172.20.0.0/16"),
        c,
      ).toBe(false);
      expect(p.notes.join("\n"), c).toMatch(/sends to 172\.21\.0\.2 \(b1\) itself/);
    }
  });

  it("on a dual-stack uplink, routes each family's network through the host's address of that family", () => {
    const v4 = load("docker29-noicc-routed");
    const { args, material } = load("docker29-routed-v6");
    // The IPv4 direct ping to b1 and its reply next to the IPv6 flows: the same host, one log.
    const ping4 = v4.material.log
      ?.split("\n")
      .filter((l) => l.includes("=203.0.113.1 ") && l.includes("=172.21.0.2 ") && l.includes("PROTO=ICMP "))
      .join("\n");
    const p = plan(
      {
        ...material,
        log: `${ping4}\n${material.log}`,
        // Both recordings' tables (ip and ip6 families): the rules that printed both logs.
        nftRuleset: `${v4.material.nftRuleset}\n${material.nftRuleset}`,
        command: undefined,
        exitCode: undefined,
      },
      { ...args, containers: [...args.containers, "b1=172.21.0.2"] },
    );
    expect(p.questions).toEqual([]);
    const wan = p.lab?.hosts.find((h) => h.name === "wan");
    expect(wan?.routes).toContainEqual({ to: "fd00:a::/64", via: "2001:db8:1::10", dev: "eth0" });
    expect(wan?.routes).toContainEqual({ to: "172.21.0.0/16", via: "203.0.113.10", dev: "eth0" });
  });

  it("decides each option's rule as the kernel did", () => {
    const fates = (c: string) => {
      const { args, material } = load(c);
      const out = join(tmp, `${c}-fates`, args.lab);
      writePlan(plan(material, args), out);
      const { world } = buildWorld(loadLab(out), { ruleset: args.lab });
      const first = (from: string, to: string, proto: "icmp" | "tcp", port?: number) => {
        const r = runScenario(world, { from, to, proto, ...(port ? { dport: port } : {}) }).packets[0];
        return [r?.fate.kind, r?.unmodelled.length];
      };
      return first;
    };
    const routed = fates("docker29-noicc-routed");
    expect(routed("a1", "172.20.0.3", "icmp")).toEqual(["dropped", 0]);
    expect(routed("wan", "172.21.0.2", "tcp", 80)).toEqual(["delivered", 0]);
    expect(routed("wan", "172.21.0.2", "tcp", 23)).toEqual(["dropped", 0]);
    const internal = fates("docker29-internal-unprotected");
    expect(internal("a1", "198.51.100.10", "icmp")).toEqual(["dropped", 0]);
    expect(internal("a1", "172.20.0.3", "icmp")).toEqual(["delivered", 0]);
    expect(internal("wan", "172.21.0.2", "tcp", 23)).toEqual(["delivered", 0]);
  });
});

describe("packetwalk import asks for what it cannot infer", () => {
  it("names the flags for unnamed hosts and missing files", () => {
    const material = readMaterial(join(ROOT, "peer-to-published-port", "input"), {}, () => "");
    const p = planImport(
      { ...material, sysctl: undefined, ipAddr: undefined },
      { lab: "x", date: "2026-11-30", containers: [], peers: [] },
    );
    const all = p.questions.join("\n");
    expect(all).toMatch(/--ip-addr FILE/);
    expect(p.lab).toBeUndefined();
    const q = planImport(
      { ...material, sysctl: undefined },
      { lab: "x", date: "2026-11-30", containers: [], peers: [] },
    );
    expect(q.questions.join("\n")).toMatch(/--container NAME=10\.77\.0\.2 --peer NAME=203\.0\.113\.20/);
    expect(q.questions.join("\n")).toMatch(/--sysctl net\.bridge\.bridge-nf-call-iptables=0\|1/);
  });

  it("refuses a ruleset saved without the logging rules that wrote the log", () => {
    const material = readMaterial(join(ROOT, "web-to-peer", "input"), {}, () => "");
    const bare = material.iptablesSave
      ?.split("\n")
      .filter((l) => !/-j LOG/.test(l))
      .join("\n");
    const args = JSON.parse(readFileSync(join(ROOT, "web-to-peer", "args.json"), "utf8")) as Args;
    const p = plan({ ...material, iptablesSave: bare }, args);
    expect(p.questions.join("\n")).toMatch(/no LOG rule/);
  });
});

describe("packetwalk import --anonymize", () => {
  // The captures use TEST-NET; make them public first (203.0.113.0/24 -> 81.2.69.0/24), also in
  // xtables-monitor's hex headers, and give the log a syslog envelope with a host name.
  const PUBLIC = "81.2.69.";
  const publicize = (text: string) =>
    text.replaceAll("203.0.113.", PUBLIC).replaceAll("ffffffcb0071", "510245");
  for (const c of cases) {
    it(`${c}: no original public address, MAC or host name is left in any file, one map for all`, () => {
      const args = JSON.parse(readFileSync(join(ROOT, c, "args.json"), "utf8")) as Args;
      const raw = readMaterial(join(ROOT, c, "input"), {}, () => "");
      const material = Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k, typeof v === "string" && k !== "logFile" ? publicize(v) : v]),
      ) as unknown as ImportMaterial;
      // (xtables-monitor and nft monitor print to a terminal: no kernel envelope.)
      if (!/^(PACKET| TRACE|trace id )/.test(material.log))
        material.log = material.log
          .split("\n")
          .map((l) => (l ? `Nov 30 08:31:35 prod-docker-7 kernel: ${l}` : l))
          .join("\n");
      const pub = { ...args, peers: args.peers.map(publicize) };
      const p = plan(material, pub, true);
      expect(p.questions).toEqual([]);
      const out = join(tmp, `anon-${c}`, args.lab);
      writePlan(p, out);
      const map = p.map;
      if (!map) throw new Error("no map");
      // Every MAC of the input, in every form it is written in.
      const macs = new Set<string>();
      for (const text of Object.values(material))
        for (const m of String(text).matchAll(
          /(?<![0-9a-f:])(?:[0-9a-f]{1,2}:){5}[0-9a-f]{1,2}(?![0-9a-f:])/g,
        ))
          macs.add(m[0]);
      // nf_log's MAC= field runs the destination, source and type together: both MACs are originals too.
      for (const m of material.log.matchAll(/MAC=((?:[0-9a-f]{2}:){11}[0-9a-f]{2})/g)) {
        const bytes = (m[1] as string).split(":");
        macs.add(bytes.slice(0, 6).join(":")).add(bytes.slice(6, 12).join(":"));
      }
      const originals = [...macs].filter((m) => !/^(ff:){5}ff$|^(00:){5}00$/.test(m));
      expect(originals.length).toBeGreaterThan(2);
      const hexMacs = originals.map((m) =>
        m
          .split(":")
          .map((b) => b.padStart(2, "0"))
          .join(""),
      );
      for (const f of filesUnder(out)) {
        const text = readFileSync(join(out, f), "utf8");
        expect(text, f).not.toContain(PUBLIC);
        expect(text, f).not.toContain("510245");
        expect(text, f).not.toContain("prod-docker-7");
        for (const m of originals) expect(text.includes(m), `${f}: ${m}`).toBe(false);
        for (const h of hexMacs) expect(text.includes(h), `${f}: ${h}`).toBe(false);
      }
      // One map: a public peer's address is the same stand-in in lab.json and in the logs (a
      // private one, home-router's laptop, is kept as it is).
      for (const named of pub.peers
        .map((x) => x.split(/[=,]/)[1] as string)
        .filter((a) => a.startsWith(PUBLIC))) {
        const peer = map.addresses[named];
        expect(peer).toMatch(/^203\.0\.113\.20$|^198\.51\.100\.20$|^192\.0\.2\.20$/);
        if (material.log.includes(named) || material.log.includes("510245"))
          expect(readFileSync(join(out, "lab.json"), "utf8")).toContain(peer);
      }
      expect(readTraceFolder(out).errors).toEqual([]);
      for (const r of checkLab(out)) expect(r.report, r.report).toBe("");
    });
  }
});

describe("packetwalk import --anonymize on a plain dmesg log", () => {
  it("replaces the host name sysctl -a gives (no syslog envelope names it) in every file", () => {
    const args = JSON.parse(readFileSync(join(ROOT, "web-to-peer", "args.json"), "utf8")) as Args;
    const raw = readMaterial(join(ROOT, "web-to-peer", "input"), {}, () => "");
    expect(raw.log.startsWith("[")).toBe(true);
    const material: ImportMaterial = {
      ...raw,
      sysctl: `${raw.sysctl ?? ""}\nkernel.hostname = prod-docker-9\n`,
      command: "ssh root@prod-docker-9 ping -c1 -W1 203.0.113.20",
    };
    const p = plan(material, args, true);
    expect(p.questions).toEqual([]);
    const out = join(tmp, "anon-sysctl-host", args.lab);
    writePlan(p, out);
    const texts = filesUnder(out).map((f) => readFileSync(join(out, f), "utf8"));
    expect(texts.join("\n")).toContain(`"root@docker-host"`);
    for (const t of texts) expect(t).not.toContain("prod-docker-9");
    expect(p.map?.hostnames).toEqual({ "prod-docker-9": "docker-host" });
  });
});

/** What journald adds to every record that identifies the machine, its boot and its journal. */
const JOURNAL_IDS = {
  __CURSOR:
    "s=7c1f0d2a9b7e4c3f8a6d5e4f3a2b1c0d;i=1a2b3;b=0f1e2d3c4b5a69788796a5b4c3d2e1f0;m=3b9aca00;t=5f1e2d3c4b5a6;x=9a8b7c6d5e4f3a2b",
  _MACHINE_ID: "4c2f9e8d7b6a59483726150f1e2d3c4b",
  _BOOT_ID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  _SYSTEMD_INVOCATION_ID: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
  __SEQNUM_ID: "7c1f0d2a9b7e4c3f8a6d5e4f3a2b1c0d",
  __SEQNUM: "107955",
  SYSLOG_IDENTIFIER: "kernel",
};

describe("packetwalk import --anonymize on a journalctl -o json log", () => {
  it("replaces the record's _HOSTNAME and the public addresses, also in a MESSAGE stored as bytes, leaves out the machine's and journal's identifiers, and the lab still checks", () => {
    const args = JSON.parse(readFileSync(join(ROOT, "web-to-peer", "args.json"), "utf8")) as Args;
    const raw = readMaterial(join(ROOT, "web-to-peer", "input"), {}, () => "");
    const PUBLIC = "81.2.69.";
    // Each dmesg line as journalctl -k -o json prints its record; the second one's MESSAGE as byte values.
    const journal = (prefix: string) =>
      raw.log
        .split("\n")
        .filter((l) => l.startsWith("["))
        .map((l, i) => {
          const m = /^\[\s*(\d+)\.(\d+)\] (.*)$/.exec(l) as RegExpExecArray;
          const text = (m[3] as string).replaceAll("203.0.113.", prefix);
          const message = i === 1 ? [...Buffer.from(text, "utf8")] : text;
          return JSON.stringify({
            __REALTIME_TIMESTAMP: String(1796093000000000 + Number(m[1]) * 1e6 + Number(m[2])),
            _TRANSPORT: "kernel",
            MESSAGE: message,
            _HOSTNAME: "prod-docker-8",
            ...JOURNAL_IDS,
          });
        })
        .join("\n");
    const log = journal(PUBLIC);
    expect(log).toContain("prod-docker-8");
    // Every file as the machine would give it on a public network, its own links too: the stand-ins then
    // take a TEST-NET block none of them holds, the same one in every file.
    const material = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [
        k,
        typeof v === "string" ? v.replaceAll("203.0.113.", PUBLIC) : v,
      ]),
    ) as unknown as ImportMaterial;
    material.log = log;
    const p = plan(
      material,
      { ...args, peers: args.peers.map((x) => x.replaceAll("203.0.113.", PUBLIC)) },
      true,
    );
    expect(p.questions).toEqual([]);
    expect(p.map?.hostnames).toEqual({ "prod-docker-8": "docker-host" });
    const out = join(tmp, "anon-journal-json", args.lab);
    writePlan(p, out);
    for (const f of filesUnder(out)) {
      const text = readFileSync(join(out, f), "utf8");
      expect(text, f).not.toContain("prod-docker-8");
      expect(text, f).not.toContain(PUBLIC);
      for (const [k, v] of Object.entries(JOURNAL_IDS))
        if (k !== "SYSLOG_IDENTIFIER" && k !== "__SEQNUM") expect(text, `${f} ${k}`).not.toContain(v);
    }
    expect(p.notes).toContain(
      "journal records keep only MESSAGE, __REALTIME_TIMESTAMP, __MONOTONIC_TIMESTAMP, _SOURCE_MONOTONIC_TIMESTAMP, _TRANSPORT, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, _HOSTNAME: left out _BOOT_ID, _MACHINE_ID, _SYSTEMD_INVOCATION_ID, __CURSOR, __SEQNUM, __SEQNUM_ID (they identify the machine, its boot and its journal, not the packet)",
    );
    // Without --anonymize the identifiers are left out all the same; the host name stays, as in a syslog line.
    const plain = plan({ ...raw, log: journal("203.0.113.") }, args);
    expect(plain.questions).toEqual([]);
    const logs = plain.files.filter((f) => f.path.endsWith(".log")).map((f) => f.text);
    expect(logs.length).toBeGreaterThan(0);
    for (const text of logs) {
      expect(text).toContain('"_HOSTNAME":"prod-docker-8"');
      expect(text).toContain('"SYSLOG_IDENTIFIER":"kernel"');
      for (const k of ["__CURSOR", "_MACHINE_ID", "_BOOT_ID", "_SYSTEMD_INVOCATION_ID", "__SEQNUM_ID"])
        expect(text).not.toContain(k);
    }
    const folder = readTraceFolder(out);
    expect(folder.errors).toEqual([]);
    // The anonymised JSON log is read: every record, the one that held bytes too.
    expect(folder.traces.length).toBeGreaterThan(0);
    let events = 0;
    for (const t of folder.traces) {
      expect(t.text.startsWith("{")).toBe(true);
      const parsed = parseTraceText(t.text, { prefixMap: t.prefixMap });
      expect(parsed.diagnostics).toEqual([]);
      expect(parsed.skippedLines).toBe(0);
      events += parsed.packets.reduce((n, pk) => n + pk.events.length, 0);
    }
    expect(events).toBe(log.split("\n").length);
    for (const r of checkLab(out)) expect(r.report, r.report).toBe("");
  });
});

describe("packetwalk import --anonymize on an nftables-only host with a public IPv6 prefix", () => {
  it("the written ruleset keeps no original IPv6 prefix (Docker's ip6 table names the network's)", () => {
    const args = JSON.parse(readFileSync(join(ROOT, "nft-only", "args.json"), "utf8")) as Args;
    const material = readMaterial(join(ROOT, "nft-only", "input"), {}, () => "");
    const ip6 = `table ip6 docker-bridges {
\tchain nat-POSTROUTING {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\toifname != "br-a" ip6 saddr 2a01:4f8:c17:1234::/64 counter packets 0 bytes 0 masquerade
\t}
}`;
    const p = plan({ ...material, nftRuleset: `${material.nftRuleset}\n${ip6}` }, args, true);
    expect(p.questions).toEqual([]);
    const rules = p.files.filter((f) => f.path.startsWith("rulesets/"));
    expect(rules.length).toBe(2);
    for (const f of rules) {
      expect(f.text, f.path).toContain("ip6 saddr 2001:db8:1:1234::/64 counter masquerade");
      expect(f.text, f.path).not.toMatch(/2a01|4f8:c17/);
    }
    expect(p.map?.addresses["2a01:4f8:c17:1234::"]).toBe("2001:db8:1:1234::");
  });
});

describe("packetwalk import on the docker-bridge lab's own material", () => {
  // The host's `ip -j` outputs written from lab.json, the log and the instrumentation as committed:
  // import must find c1, c2 and the internet behind the host's gateway, and check must agree.
  const LAB = join(import.meta.dirname, "../../../traces/docker-bridge");
  const data = readTraceFolder(LAB);
  const host = data.lab?.hosts.find((h) => h.role === "docker-host");
  const ipAddr = JSON.stringify(
    (host?.interfaces ?? []).map((i, k) => ({
      ifindex: k + 1,
      ifname: i.name,
      ...(i.bridge ? { master: i.bridge } : {}),
      link_type: i.kind === "loopback" ? "loopback" : "ether",
      address: i.mac ?? "00:00:00:00:00:00",
      addr_info: i.addresses.map((a) => ({
        family: "inet",
        local: a.split("/")[0],
        prefixlen: Number(a.split("/")[1]),
      })),
    })),
  );
  const ipRoute = JSON.stringify(
    (host?.routes ?? []).map((r) => ({ dst: r.to, dev: r.dev, ...(r.via ? { gateway: r.via } : {}) })),
  );
  for (const stem of ["container-to-wan", "wan-to-published-port", "container-to-container"]) {
    it(`${stem}: hosts inferred (gateway included) and the imported trace agrees with the simulator`, () => {
      const t = data.traces.find((x) => x.stem === stem);
      if (!t?.meta.instrumentation) throw new Error(`${stem} is missing`);
      const inst = data.rulesets[t.meta.instrumentation] as string;
      const split = inst.indexOf("# ebtables-save");
      const p = planImport(
        {
          log: t.text,
          logFile: t.logPath,
          iptablesSave: inst.slice(0, split),
          ebtablesSave: inst.slice(split),
          ipAddr,
          ipRoute,
          sysctl: Object.entries({ ...data.lab?.sysctls, ...t.meta.sysctls })
            .map(([k, v]) => `${k} = ${v}`)
            .join("\n"),
        },
        {
          lab: "roundtrip",
          date: "2026-11-30",
          containers: ["c1=172.17.0.2", "c2=172.17.0.3"].map((c) => parseNamedAddress(c, "--container")),
          peers: [],
        },
      );
      expect(p.questions).toEqual([]);
      const wan = p.lab?.hosts.find((h) => h.role === "wan");
      if (stem !== "container-to-container") {
        expect(wan?.interfaces[1]?.addresses).toEqual(["203.0.113.1/24"]);
        expect(wan?.interfaces[0]?.addresses).toContain("198.51.100.10/32");
      }
      const out = join(tmp, `roundtrip-${stem}`, "roundtrip");
      writePlan(p, out);
      expect(readTraceFolder(out).errors).toEqual([]);
      const results = checkLab(out);
      expect(results.length).toBe(1);
      expect(results[0]?.report, results[0]?.report).toBe("");
    });
  }
});

describe("packetwalk import with prefixes of no known convention", () => {
  it("reads each prefix at the hook of the LOG rule that prints it (the installed ruleset says)", () => {
    const args = JSON.parse(readFileSync(join(ROOT, "web-to-peer", "args.json"), "utf8")) as Args;
    const raw = readMaterial(join(ROOT, "web-to-peer", "input"), {}, () => "");
    const rename = (t: string | undefined) =>
      (t ?? "")
        .replaceAll("raw-PREROUTE ", "from-web: ")
        .replaceAll("nat-POSTROUTE ", "to-peer: ")
        .replaceAll("mangle-POSTROUTE ", "leaving: ")
        .replaceAll("filter-FORWARD ", "routed: ");
    const p = plan({ ...raw, log: rename(raw.log), iptablesSave: rename(raw.iptablesSave) }, args);
    expect(p.questions).toEqual([]);
    expect(p.diagnostics).toEqual([]);
    expect(p.scenarios[0]?.packets[0]?.hooks).toEqual([
      "ip:raw:PREROUTING",
      "ip:filter:FORWARD",
      "ip:mangle:POSTROUTING",
      "ip:nat:POSTROUTING",
    ]);
    const out = join(tmp, "renamed", args.lab);
    writePlan(p, out);
    for (const r of checkLab(out)) expect(r.report, r.report).toBe("");
  });
});

describe("the packetwalk import command", () => {
  const bin = join(import.meta.dirname, "../../../bin/packetwalk.mjs");
  const input = join(ROOT, "web-to-peer", "input");
  /** The hosts of the web-to-peer case, which import cannot infer. */
  const HOSTS = ["--container", "web=10.77.0.2", "--peer", "client=203.0.113.20", "--date", "2026-11-30"];
  it("--dry-run prints the plan and writes nothing", async () => {
    const { spawnSync } = await import("node:child_process");
    const out = join(tmp, "dry");
    const r = spawnSync(
      process.execPath,
      [
        bin,
        "import",
        input,
        "--lab",
        "dry",
        "--out",
        out,
        "--container",
        "web=10.77.0.2",
        "--peer",
        "client=203.0.113.20",
        "--dry-run",
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/scenario web-to-client: web -> client icmp, 2 packets, log mode/);
    expect(r.stdout).toMatch(/dry run: nothing written/);
    expect(existsSync(out)).toBe(false);
  });

  it("names the zh-tw texts npm test will require, until i18n/zh-tw.json has them", async () => {
    const { spawnSync } = await import("node:child_process");
    const out = join(tmp, "texts");
    const run = (...more: string[]) =>
      spawnSync(process.execPath, [bin, "import", input, "--lab", "texts", "--out", out, ...HOSTS, ...more], {
        encoding: "utf8",
      });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(
      `translation: ${join(out, "texts", "i18n", "zh-tw.json")} lacks description, traces.web-to-client.title, traces.web-to-client.description: npm test requires them`,
    );
    mkdirSync(join(out, "texts", "i18n"));
    writeFileSync(
      join(out, "texts", "i18n", "zh-tw.json"),
      JSON.stringify({
        version: 1,
        description: "實驗室",
        traces: {
          "web-to-client": { title: "容器 web 到 client", description: "ICMP" },
          "web-to-client-2": { title: "容器 web 到 client（二）", description: "ICMP" },
        },
      }),
    );
    // The same flow again is refused with the flag to give; that flag, as written, imports it as a
    // second trace of the lab, whose texts the file now covers too.
    const taken = run();
    expect(taken.status).toBe(2);
    const suggested = /\(e\.g\. (--suffix\S*)\)/.exec(taken.stderr)?.[1];
    expect(suggested).toBe("--suffix=-2");
    const again = run(suggested as string);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain("translation:");
  });

  it("asks with exit code 2, naming the flags, and writes nothing", async () => {
    const { spawnSync } = await import("node:child_process");
    const out = join(tmp, "asked");
    const r = spawnSync(process.execPath, [bin, "import", input, "--lab", "asked", "--out", out], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--container NAME=10\.77\.0\.2 --peer NAME=203\.0\.113\.20/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("reads the log from standard input and writes the anonymisation map only where asked", async () => {
    const { spawnSync } = await import("node:child_process");
    const out = join(tmp, "stdin");
    const map = join(tmp, "map.json");
    const r = spawnSync(
      process.execPath,
      [
        bin,
        "import",
        input,
        "--log",
        "-",
        "--lab",
        "s",
        "--out",
        out,
        "--container",
        "web=10.77.0.2",
        "--peer",
        "client=203.0.113.20",
        "--anonymize",
        "--anonymize-map",
        map,
        "--date",
        "2026-11-30",
      ],
      { encoding: "utf8", input: readFileSync(join(input, "kernel.log"), "utf8") },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1\/1 imported traces agree with the simulator/);
    expect(JSON.parse(readFileSync(map, "utf8")).macs).toBeTruthy();
    expect(filesUnder(join(out, "s")).some((f) => /map/.test(f))).toBe(false);
  });
  it("reads a rotated .gz log and a UTF-16 log (a Windows editor's) and writes the lab's log as UTF-8 text", async () => {
    const { spawnSync } = await import("node:child_process");
    const { gzipSync } = await import("node:zlib");
    const text = readFileSync(join(input, "kernel.log"), "utf8");
    const given: [string, Buffer][] = [
      ["gz", gzipSync(text)],
      ["utf16", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])],
    ];
    for (const [name, bytes] of given) {
      const log = join(tmp, `kernel-${name}.log`);
      writeFileSync(log, bytes);
      const out = join(tmp, `enc-${name}`);
      const r = spawnSync(
        process.execPath,
        [bin, "import", input, "--log", log, ...HOSTS, "--lab", "e", "--out", out],
        {
          encoding: "utf8",
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1\/1 imported traces agree with the simulator/);
      const logs = filesUnder(join(out, "e")).filter((f) => f.endsWith(".log"));
      expect(logs.length).toBeGreaterThan(0);
      for (const f of logs) {
        const written = readFileSync(join(out, "e", f));
        expect(written.includes(0), f).toBe(false);
        expect(written.toString("utf8")).toMatch(/IN=\S* OUT=/);
      }
    }
  });

  /** Runs import on a copy of the web-to-peer input with `edit` applied to it, into a fresh --out. */
  const importEdited = async (name: string, edit: (dir: string) => void, ...more: string[]) => {
    const { spawnSync } = await import("node:child_process");
    const dir = join(tmp, `${name}-input`);
    cpSync(input, dir, { recursive: true });
    edit(dir);
    const out = join(tmp, `${name}-out`);
    const r = spawnSync(
      process.execPath,
      [bin, "import", dir, "--lab", "edge", "--out", out, ...HOSTS, ...more],
      {
        encoding: "utf8",
        cwd: tmp,
      },
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    return { ...r, dir, out };
  };

  it("refuses an anonymisation map inside the lab folder before writing anything", async () => {
    const out = join(tmp, "map-in-lab-out");
    const r = await importEdited(
      "map-in-lab",
      () => {},
      "--anonymize",
      "--anonymize-map",
      join(out, "edge", "map.json"),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `--anonymize-map ${join(out, "edge", "map.json")}: it is inside the lab folder`,
    );
    expect(r.stderr).toMatch(/hint: give a path outside the lab/);
    expect(existsSync(r.out)).toBe(false);
  });

  it("reports an iptables-save error at the contributor's file and line, writing nothing and saying no 'valid'", async () => {
    const r = await importEdited("xcommit", (dir) => {
      const file = join(dir, "iptables-save.txt");
      writeFileSync(file, readFileSync(file, "utf8").replace(/^COMMIT$/m, "XCOMMIT"));
    });
    const line = readFileSync(join(r.dir, "iptables-save.txt"), "utf8").split("\n").indexOf("XCOMMIT") + 1;
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(r.dir, "iptables-save.txt")}:${line}:1: error: unexpected 'XCOMMIT'`);
    expect(r.stderr).not.toMatch(/instrumented/);
    expect(r.stdout).not.toMatch(/valid/);
    expect(existsSync(r.out)).toBe(false);
  });

  it("refuses ip -j addr output or another object saved as ip-route.json, positioned, with the command to run", async () => {
    for (const [name, text] of [
      ["route-addr", readFileSync(join(input, "ip-addr.json"), "utf8")],
      ["route-object", '{"a":1}'],
    ]) {
      const r = await importEdited(name as string, (dir) =>
        writeFileSync(join(dir, "ip-route.json"), text as string),
      );
      expect(r.status, name).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`${join(r.dir, "ip-route.json")}:1:\\d+: error: expected \`ip -j route\` output`),
      );
      expect(r.stderr).toContain("hint: run `ip -j route > ip-route.json` on the Docker host");
      expect(existsSync(r.out)).toBe(false);
    }
  });

  it("refuses an exit-code.txt that holds no exit code, at its line", async () => {
    const r = await importEdited("exit-abc", (dir) => writeFileSync(join(dir, "exit-code.txt"), "abc\n"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${join(r.dir, "exit-code.txt")}:1:1: error: expected an exit code (a whole number 0-255), found 'abc'`,
    );
    expect(existsSync(r.out)).toBe(false);
  });

  it("refuses a date that is no calendar day, and a lab name that is a path, saying what is allowed", async () => {
    const date = await importEdited("bad-date", () => {}, "--date", "2026-13-45");
    expect(date.status).toBe(2);
    expect(date.stderr).toContain("--date 2026-13-45: expected the day it was recorded as YYYY-MM-DD");
    expect(existsSync(date.out)).toBe(false);
    const { spawnSync } = await import("node:child_process");
    const name = spawnSync(process.execPath, [bin, "import", input, "--lab", "../escape", ...HOSTS], {
      encoding: "utf8",
      cwd: tmp,
    });
    expect(name.status).toBe(2);
    expect(name.stderr).toContain("--lab ../escape: a lab name is one folder name under --out, not a path");
    expect(name.stderr).not.toContain("is required");
  });

  it("refuses an xz log with a positioned error and the command that gives text, writing nothing", async () => {
    const { spawnSync } = await import("node:child_process");
    const log = join(tmp, "kernel.log.xz");
    writeFileSync(log, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4]));
    const out = join(tmp, "xz");
    const r = spawnSync(process.execPath, [bin, "import", input, "--log", log, "--lab", "x", "--out", out], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${log}:1:1: error: expected kernel log text, found xz-compressed data`);
    expect(r.stderr).toContain(`hint: xz -dc ${log} > kernel.log`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
