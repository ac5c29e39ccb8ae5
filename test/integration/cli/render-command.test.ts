/**
 * `packetwalk render` as a contributor runs it: Mermaid source on stdout, SVG
 * files through the real browser, and a clear message for a trace that does not exist.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkXml } from "../../helpers/check-xml.ts";

const root = join(import.meta.dirname, "../../..");
const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "render", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 180_000,
  });

/** The packet's own arrows in Mermaid source (p/step ids), as `from -> to`. */
const drawnWay = (source: string) =>
  source
    .split("\n")
    .filter((l) => /\b(p|step)\d+@-->/.test(l))
    .map((l) => l.trim().replace(/ (p|step)\d+@-->/, " ->"));

describe("packetwalk render", () => {
  it("prints the Mermaid source of both directions of a trace", () => {
    const r = cli(["traces/docker-bridge/container-to-wan", "--view", "path"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/flowchart TB/g)).toHaveLength(2);
    expect(r.stdout).toContain("iptables nat POSTROUTING");
  });

  it("takes a trace by the name a lesson gives it or by its metadata, and suggests the nearest one for a misspelt name", () => {
    const byName = cli(["docker-bridge/container-to-wan", "--view", "path"]);
    expect(byName.status, byName.stderr).toBe(0);
    expect(byName.stdout).toBe(cli(["traces/docker-bridge/container-to-wan", "--view", "path"]).stdout);
    // By its metadata, as check takes it: the trace beside it, not the JSON read as a log.
    const byMeta = cli(["traces/docker-bridge/container-to-wan.json", "--view", "path"]);
    expect(byMeta.status, byMeta.stderr).toBe(0);
    expect(byMeta.stdout).toBe(byName.stdout);
    for (const typo of ["docker-bridge/container-to-wn", "traces/docker-bridge/container-to-wn"]) {
      const r = cli([typo]);
      expect(r.status, typo).toBe(2);
      expect(r.stderr).toBe(
        `packetwalk render: no trace at ${typo}.log\nhint: did you mean traces/docker-bridge/container-to-wan?\n`,
      );
    }
  });

  it("reads an imported lab's trace with the prefixes its instrumentation prints, as the site does", () => {
    const r = cli(["traces/two-networks/b1-to-a1", "--view", "path", "--direction", "request"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("unknown LOG prefix");
    expect(r.stdout).toContain('entry("b1 172.21.0.2 via vethb1")');
    expect(r.stdout).toContain("#35;2 · #35;3 iptables filter FORWARD");
  });

  it("draws an IPv6 packet on the ip6tables tables with its addresses short", () => {
    const r = cli(["traces/dual-stack/a1-to-wan-v6", "--view", "path"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("%% packet 1 (request): ICMPv6 echo-request fd00:a::2 -> 2001:db8:2::10");
    expect(r.stdout).toContain('entry("a1 fd00#58;a#58;#58;2 via vetha1")');
    expect(r.stdout).toContain("ip6tables nat POSTROUTING");
    expect(r.stdout).toContain('"un-SNAT 2001#58;db8#58;1#58;#58;10 -#62; fd00#58;a#58;#58;2"');
    expect(r.stdout).not.toContain("000a");
  });

  it("draws a bridged packet through the bridge's boxes when only its IP hooks were logged (br_netfilter)", () => {
    const r = cli(["traces/dual-stack/a1-to-a2-v6", "--view", "map", "--direction", "request"]);
    expect(r.status, r.stderr).toBe(0);
    // The packet's own arrows (p/step ids): via the bridging decision, bridge FORWARD and POSTROUTING, out its port.
    const way = drawnWay(r.stdout);
    expect(way).toEqual([
      "in_a1 -> br_PREROUTING",
      "br_PREROUTING -> ip_PREROUTING",
      "ip_PREROUTING -> br_decide",
      "br_decide -> br_FORWARD",
      "br_FORWARD -> ip_FORWARD",
      "ip_FORWARD -> br_POSTROUTING",
      "br_POSTROUTING -> ip_POSTROUTING",
      "ip_POSTROUTING -> br_port_out",
      "br_port_out -> out_a2",
    ]);
  });

  it("draws a packet routed out of a bridge device through the bridge's OUTPUT and POSTROUTING, though only IP hooks were logged", () => {
    const r = cli(["traces/nft-icc-routed/routed-ping-b1", "--view", "map", "--direction", "request"]);
    expect(r.status, r.stderr).toBe(0);
    const way = drawnWay(r.stdout);
    // No PHYSOUT on its IP POSTROUTING line: routed to br-b, then bridged out of b1's port.
    expect(way.slice(-5)).toEqual([
      "ip_FORWARD -> ip_POSTROUTING",
      "ip_POSTROUTING -> br_OUTPUT",
      "br_OUTPUT -> br_POSTROUTING",
      "br_POSTROUTING -> br_port_out",
      "br_port_out -> out_b1",
    ]);
  });

  it("ends a simulated drop where the site ends it: in the dropping box, with the verdict, not at the exit", () => {
    const r = cli(["traces/docker-bridge/sim-docker-user-drop", "--view", "map", "--direction", "request"]);
    expect(r.status, r.stderr).toBe(0);
    const way = drawnWay(r.stdout);
    expect(way.at(-1)).toMatch(/-> ip_FORWARD$/);
    expect(way.some((a) => a.includes("out_"))).toBe(false);
    expect(r.stdout).toMatch(/^\s*class ip_FORWARD dropped$/m);
    const path = cli([
      "traces/docker-bridge/sim-docker-user-drop",
      "--view",
      "path",
      "--direction",
      "request",
    ]);
    expect(path.status, path.stderr).toBe(0);
    expect(path.stdout).toContain('exit("dropped#58; DROP in DOCKER-USER")');
    // The same trace named from inside its lab folder, as `./<scenario>`.
    const inside = spawnSync(
      process.execPath,
      [
        join(root, "bin/packetwalk.mjs"),
        "render",
        "./sim-docker-user-drop",
        "--view",
        "path",
        "--direction",
        "request",
      ],
      { cwd: join(root, "traces/docker-bridge"), encoding: "utf8", timeout: 180_000 },
    );
    expect(inside.status, inside.stderr).toBe(0);
    expect(inside.stdout).toBe(path.stdout);
  });

  it("says why a lab's trace is drawn without its verdicts when the simulator cannot load the lab", () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-render-unmarked-"));
    try {
      const lab = join(dir, "traces", "docker-bridge");
      cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
      rmSync(join(lab, "rulesets", "sim-docker-user-drop.rules"));
      const r = cli([join(lab, "sim-docker-user-drop"), "--view", "path", "--direction", "request"]);
      expect(r.status, r.stderr).toBe(0);
      // Drawn, but the drop the simulator would mark is not there, and the warning says why.
      expect(r.stdout).not.toContain("DROP in DOCKER-USER");
      expect(r.stderr).toContain(
        "packetwalk render: warning: drawn without the rules that matched, as the simulator cannot load the lab: ",
      );
      expect(r.stderr).toContain(
        "its command names traces/docker-bridge/rulesets/sim-docker-user-drop.rules",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes ONE standalone SVG document: one XML root, the chosen directions, fonts embedded, nothing external", () => {
    const out = mkdtempSync(join(tmpdir(), "packetwalk-render-"));
    try {
      const file = join(out, "c2w.svg");
      const r = cli(["traces/docker-bridge/container-to-wan", "--format", "svg", "--out", file]);
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(out)).toEqual(["c2w.svg"]);
      const svg = readFileSync(file, "utf8");
      const doc = checkXml(svg);
      expect(doc.roots).toEqual(["svg"]);
      expect(doc.rootAttributes.xmlns).toBe("http://www.w3.org/2000/svg");
      // Both directions, nested under the one root, each with its caption.
      expect(doc.nestedSvgs).toBe(2);
      expect(svg).toContain("packet 1 (request): ICMP echo-request");
      expect(svg).toMatch(/packet \d+ \(reply\): ICMP echo-reply/);
      // The canonical map: the IP POSTROUTING box, its nat table numbered with the step that crossed it.
      expect(svg).toContain("IP POSTROUTING");
      expect(svg).toMatch(/<span[^>]*data-step="\d+"[^>]*>nat<\/span>/);
      // Mermaid's HTML labels as XHTML; the font inline; no URL that would need the site or the network.
      expect(svg).toContain('xmlns="http://www.w3.org/1999/xhtml"');
      expect(svg).toMatch(/@font-face\{font-family:"Noto Sans";[^}]*src:url\(data:font\/woff2;base64,/);
      expect(svg).not.toMatch(/(href|src)="(https?:|\/)/);
      expect(svg).not.toMatch(/url\((?!data:|#|'#|"#)/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("embeds only the font slices the labels need (no CJK font for an English diagram)", () => {
    const out = mkdtempSync(join(tmpdir(), "packetwalk-render-"));
    try {
      const file = join(out, "req.svg");
      const r = cli([
        "traces/docker-bridge/container-to-wan",
        "--direction",
        "request",
        "--view",
        "path",
        "--format",
        "svg",
        "--theme",
        "dark",
        "--out",
        file,
      ]);
      expect(r.status, r.stderr).toBe(0);
      const svg = readFileSync(file, "utf8");
      expect(svg.match(/@font-face\{font-family:"Noto Sans TC"/g) ?? []).toEqual([]);
      expect(svg.match(/@font-face\{font-family:"Noto Sans"/g)?.length).toBeGreaterThan(0);
      expect(checkXml(svg).nestedSvgs).toBe(1);
      // Dark theme: the site's dark background.
      expect(svg).toContain('fill="#111418"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("writes a PNG of it with --format png, and asks for --out", () => {
    const out = mkdtempSync(join(tmpdir(), "packetwalk-render-"));
    try {
      const file = join(out, "c2c.png");
      const r = cli([
        "traces/docker-bridge/container-to-container",
        "--direction",
        "request",
        "--format",
        "png",
        "--out",
        file,
      ]);
      expect(r.status, r.stderr).toBe(0);
      const png = readFileSync(file);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      // IHDR width/height: twice the SVG's size (2x for slides).
      expect(png.readUInt32BE(16)).toBeGreaterThan(400);
      const noOut = cli(["traces/docker-bridge/container-to-container", "--format", "png"]);
      expect(noOut.status).toBe(2);
      expect(noOut.stderr).toContain("--format png writes a file: give --out FILE.png");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("names the traces that exist when the one asked for does not", () => {
    const r = cli(["traces/docker-bridge/container-to-wann"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("container-to-wan");
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});

describe("packetwalk render: what it will not do, said in words", () => {
  /** A copy of the docker-bridge lab in a fresh folder, removed after `work`. */
  const withLab = (work: (tmp: string, lab: string) => void) => {
    const tmp = mkdtempSync(join(tmpdir(), "packetwalk-render-"));
    try {
      const lab = join(tmp, "lab");
      cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
      work(tmp, lab);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
  const inputs = ["container-to-wan.log", "container-to-wan.json", "lab.json", "rulesets/docker-27.rules"];

  it("points at a broken lab.json beside the trace, without a stack trace", () => {
    withLab((_tmp, lab) => {
      writeFileSync(join(lab, "lab.json"), '{ "version": 1, not json');
      const r = cli([join(lab, "container-to-wan.log")]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${join(lab, "lab.json")}:1:17: invalid JSON: unexpected "n"`);
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    });
  });

  it("refuses an --out that is a file the render reads, in any form, and writes nothing", () => {
    withLab((tmp, lab) => {
      symlinkSync(join(lab, "container-to-wan.log"), join(tmp, "link.log"));
      const before = inputs.map((f) => readFileSync(join(lab, f), "utf8"));
      const trace = join(lab, "container-to-wan");
      for (const [out, what] of [
        [join(lab, "container-to-wan.log"), "is the trace being rendered"],
        [join(lab, "container-to-wan.json"), "is the trace's metadata"],
        [join(lab, "lab.json"), "is the lab's description"],
        [join(lab, "rulesets/docker-27.rules"), "is inside the lab's rulesets folder"],
        [join(lab, "rulesets/new.rules"), "is inside the lab's rulesets folder"],
        [join(lab, "container-to-host.log"), "is another trace of the lab"],
        [join(lab, "../lab/container-to-wan.log"), "is the trace being rendered"],
        [join(tmp, "link.log"), "is the trace being rendered"],
        [join(lab, "i18n/x.mmd"), "is inside the lab's translations folder"],
      ] as const) {
        const r = cli([trace, "--out", out]);
        expect(r.status, out).toBe(2);
        expect(r.stderr, out).toContain(`packetwalk render: --out ${out}: ${what}`);
        expect(r.stderr, out).toContain(
          "hint: choose a new file for the diagram, e.g. container-to-wan.mmd\n",
        );
        expect(r.stdout).toBe("");
      }
      // Relative to where it is run, as a contributor in the lab's folder types it.
      const inside = spawnSync(
        process.execPath,
        [join(root, "bin/packetwalk.mjs"), "render", "container-to-wan", "--out", "./container-to-wan.log"],
        { cwd: lab, encoding: "utf8", timeout: 180_000 },
      );
      expect(inside.status).toBe(2);
      expect(inside.stderr).toContain("--out ./container-to-wan.log: is the trace being rendered");
      expect(inputs.map((f) => readFileSync(join(lab, f), "utf8"))).toEqual(before);
      expect(existsSync(join(lab, "rulesets/new.rules"))).toBe(false);
      // A new file the lab would read as a trace: refused, with its own hint.
      for (const name of ["new.log", "new.json"]) {
        const r = cli([trace, "--out", join(lab, name)]);
        expect(r.status, name).toBe(2);
        expect(r.stderr).toContain(`--out ${join(lab, name)}: is in the lab folder (${lab})`);
        expect(existsSync(join(lab, name))).toBe(false);
      }
      // A new file beside them is fine.
      const ok = cli([trace, "--out", join(lab, "container-to-wan.mmd")]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(readFileSync(join(lab, "container-to-wan.mmd"), "utf8")).toContain("flowchart TB");
    });
  });

  it("--out into a missing folder or onto a folder: a sentence naming the path, no errno", () => {
    withLab((tmp) => {
      const trace = "traces/docker-bridge/container-to-wan";
      const missing = cli([trace, "--out", join(tmp, "nope", "x.mmd")]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toBe(
        `packetwalk render: --out ${join(tmp, "nope", "x.mmd")}: the folder ${join(tmp, "nope")} does not exist\nhint: create it first (packetwalk creates no folders), or choose a new file for the diagram, e.g. container-to-wan.mmd\n`,
      );
      const folder = cli([trace, "--format", "svg", "--out", tmp]);
      expect(folder.status).toBe(2);
      expect(folder.stderr).toBe(
        `packetwalk render: --out ${tmp}: is a folder, not a file\nhint: give a file in it, e.g. ${join(tmp, "container-to-wan.svg")}\n`,
      );
      expect(existsSync(join(tmp, "nope"))).toBe(false);
    });
  });

  it.each([
    ["-1", "--packet needs a whole number from 1 (the packet's number in the trace), not '-1'"],
    ["1.5", "--packet needs a whole number from 1 (the packet's number in the trace), not '1.5'"],
    ["0", "--packet needs a whole number from 1: packets are numbered from 1"],
    ["99", "--packet 99: the trace has packets 1..2"],
  ])("--packet %s: a clear usage error", (n, message) => {
    const r = cli(["traces/docker-bridge/container-to-wan", "--packet", n]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`packetwalk render: ${message}\nhint: run \`packetwalk render --help\`\n`);
  });

  it("a trace with no packets: says so, and why (empty, no netfilter line, unknown prefixes), with a hint", () => {
    withLab((tmp) => {
      const write = (name: string, text: string) => {
        writeFileSync(join(tmp, name), text);
        return join(tmp, name);
      };
      const empty = cli([write("empty.log", "")]);
      expect(empty.status).toBe(2);
      expect(empty.stderr).toContain(
        `packetwalk render: ${join(tmp, "empty.log")}:1:1: no packets in this trace: the file is empty\nhint: `,
      );
      const other = cli([write("other.log", "Jan 1 00:00:00 h kernel: eth0: link up\nhello\n")]);
      expect(other.status).toBe(2);
      expect(other.stderr).toContain(
        ": no packets in this trace: none of its 2 lines is a netfilter line\nhint: ",
      );
      expect(other.stderr).not.toContain("no both packet");
    });
  });

  it("--ruleset FILE places an nft trace's chains its names do not, as parse's does; a lab's trace keeps its lab's", () => {
    withLab((tmp) => {
      const log = join(tmp, "router.log");
      const packet =
        'iif "eth0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip ttl 64 ip id 7 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 1 icmp sequence 1';
      writeFileSync(
        log,
        `trace id 1a2b3c4d inet fw in_chain packet: ${packet}\ntrace id 1a2b3c4d inet fw in_chain policy accept \n`,
      );
      const rules = join(tmp, "router.nft");
      writeFileSync(
        rules,
        "table inet fw {\n\tchain in_chain {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n",
      );
      // Without it: drawn beside the map, and the warning says how to place it.
      const bare = cli([log, "--direction", "request"]);
      expect(bare.status, bare.stderr).toBe(0);
      expect(bare.stderr).toContain(
        `${log}:1:1: warning: packet lines of the nft trace at chain 'inet fw in_chain'`,
      );
      expect(bare.stderr).toContain("--ruleset FILE");
      expect(bare.stdout).toMatch(/^ {2}ip_in_chain\[.*data-step='1'/m);
      // With it: in the IP INPUT box, under its table, and no warning.
      const placed = cli([log, "--direction", "request", "--ruleset", rules]);
      expect(placed.status, placed.stderr).toBe(0);
      expect(placed.stderr).toBe("");
      expect(placed.stdout).toMatch(
        /^ {2}ip_INPUT\[.*table inet fw.*data-step='1'>in_chain #40;filter 0#41;/m,
      );
      // A ruleset that does not read stops, positioned.
      writeFileSync(
        rules,
        "table inet fw {\n\tchain in_chain {\n\t\ttype filter hook input priority filter; policy maybe;\n\t}\n}\n",
      );
      const broken = cli([log, "--ruleset", rules]);
      expect(broken.status).toBe(2);
      expect(broken.stderr).toMatch(
        new RegExp(`^packetwalk render: ${rules.replace(/[.]/g, "\\.")}:3:\\d+: error: `),
      );
    });
    const lab = cli([
      "traces/docker-bridge/container-to-wan",
      "--ruleset",
      "traces/docker-bridge/rulesets/docker-28.rules",
    ]);
    expect(lab.status).toBe(2);
    expect(lab.stderr).toContain("drawn with the lab's rulesets");
  });

  it("--ruleset ends a logged packet where the ruleset's next rule surely dropped it, as the playground does", () => {
    withLab((tmp) => {
      const rules = join(tmp, "router.rules");
      writeFileSync(
        rules,
        '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i wan0 -j LOG --log-prefix "fwd-rej: "\n-A FORWARD -i wan0 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n',
      );
      const log = join(tmp, "router.log");
      writeFileSync(
        log,
        "[  100.000001] fwd-rej: IN=wan0 OUT=lan0 MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=203.0.113.2 DST=192.168.122.50 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=9 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 \n",
      );
      const r = cli([log, "--ruleset", rules, "--direction", "request", "--view", "path"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/exit\("dropped#58; REJECT/);
      expect(r.stdout).toContain("class exit dropped");
      expect(r.stdout).not.toContain("via lan0");
    });
  });

  it("reads a log saved under another name than <scenario>.log as given (`nft monitor trace > trace.txt`)", () => {
    withLab((tmp) => {
      const txt = join(tmp, "monitor-trace.txt");
      writeFileSync(
        txt,
        'trace id 1a2b3c4d inet fw input packet: iif "eth0" ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip ttl 64 ip id 7 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 1 icmp sequence 1\ntrace id 1a2b3c4d inet fw input policy accept \n',
      );
      const r = cli([txt, "--direction", "request"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ {2}ip_INPUT\[/m);
      expect(cli([join(tmp, "missing.txt")]).stderr).toContain(`no trace at ${join(tmp, "missing.txt")}.log`);
    });
  });

  it("--prefix-map FILE places an unknown LOG prefix, as parse's does, and is checked the same way", () => {
    withLab((tmp) => {
      const log = join(tmp, "fw.log");
      writeFileSync(
        log,
        "Jan  1 00:00:00 h kernel: [1.0] fw-in: IN=eth0 OUT= MAC= SRC=198.51.100.7 DST=192.0.2.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 \n",
      );
      const without = cli([log]);
      expect(without.status).toBe(2);
      expect(without.stderr).toContain("unknown LOG prefix 'fw-in:'");
      expect(without.stderr).toContain("its netfilter lines' LOG prefixes name no chain");
      expect(without.stderr).toContain("hint: map them with --prefix-map FILE");
      writeFileSync(join(tmp, "map.json"), '{"fw-in:": "ip:filter:INPUT"}');
      const mapped = cli([log, "--prefix-map", join(tmp, "map.json"), "--view", "path"]);
      expect(mapped.status, mapped.stderr).toBe(0);
      expect(mapped.stderr).toBe("");
      expect(mapped.stdout).toContain("iptables filter INPUT");
      writeFileSync(join(tmp, "bad.json"), '{"fw-in:": "ip:raw:PREROUTNG"}');
      const bad = cli([log, "--prefix-map", join(tmp, "bad.json")]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(
        new RegExp(
          `^packetwalk render: ${join(tmp, "bad.json")}:1:\\d+: .*did you mean 'ip:raw:PREROUTING'\\?\nhint: `,
        ),
      );
      expect(bad.stdout).toBe("");
    });
  });

  it("--direction reply on a trace of requests only: says what it has", () => {
    withLab((tmp) => {
      const log = join(tmp, "req.log");
      writeFileSync(
        log,
        "Jan  1 00:00:00 h kernel: [1.0] iptable/filter-INPUT IN=eth0 OUT= MAC= SRC=198.51.100.7 DST=192.0.2.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 \n",
      );
      const r = cli([log, "--direction", "reply"]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `packetwalk render: ${log}: no reply packet in this trace (its one packet is a request)\nhint: draw the trace with --direction request, or one packet with --packet N\n`,
      );
    });
  });
});
