/**
 * `packetwalk simulate` as a user runs it: bad arguments and bad rulesets fail
 * with a clear (positioned) message and exit 2, `--write` creates no folders,
 * and a `--ruleset-file` written as a trace is recorded by its name and copied
 * into a copy of the lab, so the trace page lists the rules the packets met.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";

const root = join(import.meta.dirname, "../../..");
let dir = "";
let lab = "";

const simulate = (args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "simulate", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
const ping = () => ["--lab", lab, "--from", "c1", "--to", "198.51.100.10"];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-simulate-cli-"));
  lab = join(dir, "docker-bridge");
  cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("packetwalk simulate --udp-reply", () => {
  it("sends the datagram and the destination's answer, back through the un-SNAT", () => {
    const r = simulate([
      "--lab",
      lab,
      "--from",
      "c1",
      "--to",
      "198.51.100.10:53",
      "--ruleset",
      "docker-28",
      "--proto",
      "udp",
      "--udp-reply",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "packet 1 (request): UDP 172.17.0.2:40000 -> 198.51.100.10:53, SNAT to 203.0.113.2:40000",
    );
    expect(r.stdout).toContain(
      "packet 2 (reply): UDP 198.51.100.10:53 -> 203.0.113.2:40000, un-SNAT to 172.17.0.2:40000",
    );
    expect(r.stdout).not.toContain("packet 3");
  });

  it("refuses it without --proto udp, and with --no-follow-ups, saying why", () => {
    const tcp = simulate([...ping(), "--proto", "tcp", "--udp-reply"]);
    expect(tcp.status).toBe(2);
    expect(tcp.stderr).toContain("--udp-reply answers a UDP datagram: add --proto udp (it is tcp)");
    const alone = simulate([...ping(), "--proto", "udp", "--udp-reply", "--no-follow-ups"]);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain("--udp-reply and --no-follow-ups contradict each other");
  });
});

describe("packetwalk simulate --udp-closed and --ttl", () => {
  it("a closed UDP port answers port unreachable; TTL 1 gets a time exceeded from the host", () => {
    const closed = simulate([
      ...ping().slice(0, 5),
      "198.51.100.10:53",
      "--ruleset",
      "docker-28",
      "--proto",
      "udp",
      "--udp-closed",
    ]);
    expect(closed.status, closed.stderr).toBe(0);
    expect(closed.stdout).toContain(
      "note: wan sends an ICMP port unreachable (type 3 code 3) from 198.51.100.10 to 203.0.113.2: packet 2",
    );
    expect(closed.stdout).toContain("note: c1 reports recv: Connection refused");
    const ttl = simulate([...ping(), "--ruleset", "docker-28", "--ttl", "1"]);
    expect(ttl.stdout).toContain("packet 2 (reply): ICMP time-exceeded 172.17.0.1 -> 172.17.0.2");
  });

  it("refuses --udp-closed without --proto udp or with --udp-reply, and a TTL out of range", () => {
    const tcp = simulate([...ping(), "--proto", "tcp", "--udp-closed"]);
    expect(tcp.status).toBe(2);
    expect(tcp.stderr).toContain("--udp-closed closes a UDP port: add --proto udp (it is tcp)");
    const both = simulate([...ping(), "--proto", "udp", "--udp-closed", "--udp-reply"]);
    expect(both.stderr).toContain("--udp-closed and --udp-reply contradict each other");
    const ttl = simulate([...ping(), "--ttl", "0"]);
    expect(ttl.status).toBe(2);
    expect(ttl.stderr).toContain("--ttl: '0' is not a TTL from 1 to 255 (as ping -t takes it)");
  });
});

describe("packetwalk simulate --len", () => {
  // Kernel 6.18 (test/unit/simulate/path-mtu.test.ts): a router whose way out is smaller answers a DF
  // packet with fragmentation needed, carrying the MTU, which ping reports.
  it("a ping longer than the host's eth0 MTU gets fragmentation needed back, with the MTU", () => {
    const small = join(dir, "small-mtu");
    cpSync(lab, small, { recursive: true });
    const file = join(small, "lab.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    for (const h of json.hosts)
      for (const i of h.interfaces) if (h.name === "host" && i.name === "eth0") i.mtu = 1300;
    writeFileSync(file, JSON.stringify(json));
    const r = simulate([
      "--lab",
      small,
      "--from",
      "c1",
      "--to",
      "198.51.100.10",
      "--ruleset",
      "docker-28",
      "--len",
      "1400",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("packet 2 (reply): ICMP fragmentation-needed 172.17.0.1 -> 172.17.0.2");
    expect(r.stdout).toContain(
      "note: c1 reports ping: From 172.17.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1300)",
    );
  });

  it("refuses a length that is no number, one shorter than the headers, and TCP", () => {
    const word = simulate([...ping(), "--len", "1x"]);
    expect(word.status).toBe(2);
    expect(word.stderr).toContain("--len: '1x' is not an IP total length from 28 to 65535 bytes");
    const short = simulate([...ping(), "--len", "20"]);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain(
      "--len: 20 bytes is shorter than the 28 bytes of the headers to 198.51.100.10 (IP and ICMP)",
    );
    const tcp = simulate([...ping(), "--proto", "tcp", "--len", "1000"]);
    expect(tcp.status).toBe(2);
    expect(tcp.stderr).toContain("--len sizes an ICMP echo or a UDP datagram");
  });
});

describe("packetwalk simulate on IPv6", () => {
  it("--no-follow-ups sends an ICMPv6 echo request (type 128) to an IPv6 address", () => {
    const r = simulate([
      "--lab",
      join(root, "traces/dual-stack"),
      "--from",
      "a1",
      "--to",
      "2001:db8:2::10",
      "--no-follow-ups",
      "--json",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const first = JSON.parse(r.stdout.split("\n")[0] as string) as {
      summary: string;
      fate: { kind: string };
    };
    expect(first.summary).toBe("ICMPv6 echo-request fd00:a::2 -> 2001:db8:2::10");
    expect(first.fate.kind).toBe("delivered");
  });
});

describe("packetwalk simulate --to HOST: the address of a family the sender has", () => {
  const dualStack = join(root, "traces/dual-stack");
  // ipv6-bridge's a1 has an IPv4 and an IPv6 address, as has its host.
  const dualStackA1 = join(root, "test/fixtures/import/ipv6-bridge/expected");
  const firstPacket = (r: ReturnType<typeof simulate>) =>
    JSON.parse(r.stdout.split("\n")[0] as string) as { summary: string; fate: { kind: string } };
  /** traces/dual-stack with a2 IPv4-only (172.20.0.3 on br-a): a1 is IPv6-only, so they share no family. */
  const splitLab = () => {
    const copy = join(dir, "dual-stack-split");
    if (existsSync(copy)) return copy;
    cpSync(dualStack, copy, { recursive: true });
    const labJson = JSON.parse(readFileSync(join(copy, "lab.json"), "utf8"));
    const a2 = labJson.hosts.find((h: { name: string }) => h.name === "a2");
    a2.interfaces[1].addresses = ["172.20.0.3/16"];
    a2.routes = [
      { to: "default", via: "172.20.0.1", dev: "eth0" },
      { to: "172.20.0.0/16", dev: "eth0" },
    ];
    writeFileSync(join(copy, "lab.json"), JSON.stringify(labJson, null, 2));
    return copy;
  };

  it("an IPv6-only sender is sent to the dual-stack host's IPv6 address, without -6", () => {
    const r = simulate(["--lab", dualStack, "--from", "a1", "--to", "host", "--no-follow-ups", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(firstPacket(r).summary).toBe("ICMPv6 echo-request fd00:a::2 -> fd00:a::1");
    expect(firstPacket(r).fate.kind).toBe("delivered");
  });

  it("the host's address on a link the sender shares: its uplink for the internet, its bridge for a container", () => {
    const lab = join(root, "traces/docker-bridge");
    const wan = simulate(["--lab", lab, "--from", "wan", "--to", "host", "--no-follow-ups", "--json"]);
    expect(wan.status, wan.stderr).toBe(0);
    // Before: 172.17.0.1 (docker0, the host's first address), which the internet has no route to.
    expect(firstPacket(wan).summary).toBe("ICMP echo-request 203.0.113.1 -> 203.0.113.2");
    expect(firstPacket(wan).fate.kind).toBe("delivered");
    const c1 = simulate(["--lab", lab, "--from", "c1", "--to", "host", "--no-follow-ups", "--json"]);
    expect(firstPacket(c1).summary).toBe("ICMP echo-request 172.17.0.2 -> 172.17.0.1");
  });

  it("a dual-stack sender still gets the IPv4 address by default, and the IPv6 one with -6", () => {
    const args = ["--lab", dualStackA1, "--from", "a1", "--to", "host", "--no-follow-ups", "--json"];
    const v4 = simulate(args);
    expect(v4.status, v4.stderr).toBe(0);
    expect(firstPacket(v4).summary).toBe("ICMP echo-request 172.20.0.2 -> 172.20.0.1");
    const v6 = simulate([...args, "-6"]);
    expect(v6.status, v6.stderr).toBe(0);
    expect(firstPacket(v6).summary).toBe("ICMPv6 echo-request fd00:a::2 -> fd00:a::1");
  });

  it("--src's family chooses the address", () => {
    const r = simulate([
      "--lab",
      dualStackA1,
      "--from",
      "a1",
      "--to",
      "host",
      "--src",
      "fd00:a::2",
      "--no-follow-ups",
      "--json",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(firstPacket(r).summary).toBe("ICMPv6 echo-request fd00:a::2 -> fd00:a::1");
  });

  it.each([
    [
      ["--from", "a1", "--to", "a2"],
      "--from 'a1' has only IPv6 addresses and --to 'a2' has only IPv4 addresses: they share no IP family",
    ],
    [
      ["--from", "a2", "--to", "a1"],
      "--from 'a2' has only IPv4 addresses and --to 'a1' has only IPv6 addresses: they share no IP family",
    ],
    [
      ["--from", "a2", "--to", "host", "-6"],
      "-6: 'a2' has no IPv6 address to send from (a2 has only IPv4 addresses, host has IPv4 and IPv6 addresses)",
    ],
    [
      ["--from", "a1", "--to", "a2", "--src", "fd00:a::2"],
      "--to: 'a2' is neither an IPv6 address nor a lab host with an IPv6 address (--src fd00:a::2 is IPv6; a2 has only IPv4 addresses)",
    ],
    [
      ["--from", "a1", "--to", "a9"],
      "--to: 'a9' is neither an IP address nor a lab host (host, a1, a2, wan)",
    ],
    [
      ["--from", "a1", "--to", "host", "-6", "--src", "172.20.0.2"],
      "-6 and --src 172.20.0.2 (an IPv4 address) ask for two IP families: give one",
    ],
    [
      ["--from", "wan", "--to", "fd00:a::2:80", "--proto", "tcp"],
      "--to: 'fd00:a::2:80' is one IPv6 address, which no lab host has; for port 80 of fd00:a::2 (a1) write [fd00:a::2]:80",
    ],
  ])("%j: a usage error naming both hosts' families, nothing simulated", (args, message) => {
    const r = simulate(["--lab", splitLab(), ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`packetwalk simulate: ${message}`);
    expect(r.stdout).toBe("");
  });
});

describe("packetwalk simulate: arguments", () => {
  it.each([
    [["--to", "300.1.2.3"], "--to: '300.1.2.3' is not an IPv4 address"],
    [["--src", "10.0.0.256"], "--src: '10.0.0.256' is not an IPv4 or IPv6 address"],
    [["--to", "fd00::zz"], "--to: 'fd00::zz' is not an IPv6 address"],
    [["--to", "2001:db8::1", "--src", "172.17.0.2"], "are not of one IP family"],
    [["--to", "c2", "-6"], "--to: 'c2' is neither an IPv6 address nor a lab host with an IPv6 address"],
    [["--sysctl", "net.bridge.bridge-nf-call-iptables=banana"], "the value must be 0 or 1"],
    [["--sysctl", "net.ipv4.conf.all.send_redirects=1"], "the simulator does not model this setting"],
    [
      ["--sysctl", "net.ipv4.conf.eht0.rp_filter=1"],
      "'eht0' is not an interface of the lab (write all, or one of",
    ],
    [["--sysctl", "net.ipv4.ip_forward=2"], "the value must be 0 or 1"],
    [["--sysctl", "net.ipv4.conf.all.rp_filter=3"], "the value must be 0 or 1 (or 2, loose)"],
    [["--sysctl", "brport.eth9.hairpin_mode=1"], "'eth9' is not a bridge port of the lab (veth-c1, veth-c2)"],
    // A port meant for TCP or UDP is not dropped in favour of a ping.
    [["--to", "198.51.100.10:23"], "--to: port 23 given, but no --proto (ICMP, the default, has no ports)"],
    [["--to", "198.51.100.10:23", "--proto", "icmp"], "--to: port 23 given, but --proto icmp has no ports"],
  ])("%j is rejected", (extra, message) => {
    const args = ping();
    const to = args.indexOf("--to");
    if (extra[0] === "--to") args.splice(to, 2);
    const r = simulate([...args, ...extra]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("--write into a folder that does not exist creates nothing and says so", () => {
    const missing = join(dir, "no-such-dir");
    const r = simulate([...ping(), "--write", join(missing, "deeper", "x")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--write: the folder ${join(missing, "deeper")} does not exist`);
    expect(existsSync(missing)).toBe(false);
  });

  it("says which ruleset it took when none was chosen", () => {
    const r = simulate(ping());
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      `ruleset 'docker-27', the first of ${lab}/lab.json's (docker-27, docker-28); choose one with --ruleset NAME`,
    );
    expect(simulate([...ping(), "--ruleset", "docker-28"]).stderr).not.toContain("choose one with");
  });
});

describe("packetwalk simulate: bad rulesets", () => {
  const base = () => readFileSync(join(lab, "rulesets/docker-28.rules"), "utf8");
  const withRules = (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return simulate([...ping(), "--ruleset-file", file]);
  };

  it("-j RETURN --bogus-opt: a positioned error", () => {
    // iptables-restore 1.8.9 reads an option after the target as a match's: 'unknown option "--bogus-opt"'.
    const text = base().replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -j RETURN --bogus-opt");
    const line = text.split("\n").findIndex((l) => l.includes("--bogus-opt")) + 1;
    const r = withRules("bogus.rules", text);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, "bogus.rules")}:${line}:26: error: '--bogus-opt' is no option of this rule's matches: iptables-restore refuses it (unknown option "--bogus-opt")`,
    );
  });

  it("a ruleset cut before its COMMIT: a positioned error, nothing simulated", () => {
    const text = base();
    const cut = text.slice(0, text.lastIndexOf("COMMIT"));
    const lines = cut.trimEnd().split("\n");
    const r = withRules("cut.rules", cut);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, "cut.rules")}:${lines.length}:${(lines.at(-1) as string).length + 1}: error: table 'nat' was not closed with COMMIT`,
    );
    expect(r.stdout).toBe("");
  });

  it("a binary file: an error at its first non-text byte, no raw bytes on the terminal", () => {
    const bytes = Buffer.from([
      0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0xff,
    ]);
    const r = withRules("binary.rules", bytes);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, "binary.rules")}:1:1: error: not an iptables-save ruleset: the file holds the control character 0x7f`,
    );
    // Only printable text (and newlines) reaches the terminal.
    expect(r.stderr).toMatch(/^[\n\x20-\x7e]*$/);
  });
});

describe("packetwalk simulate --ruleset-file X --write", () => {
  it("records X's name, copies X into the lab's rulesets/ and lists it in lab.json", () => {
    const what = join(dir, "what-if-drop.rules");
    const text = readFileSync(join(lab, "rulesets/sim-forward-drop.rules"), "utf8");
    writeFileSync(what, text);
    const labJson = readFileSync(join(lab, "lab.json"), "utf8");
    const out = join(dir, "out");
    mkdirSync(out);
    const r = simulate([...ping(), "--ruleset-file", what, "--write", join(out, "t1")]);
    expect(r.status, r.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, "t1.json"), "utf8"));
    expect(meta.ruleset).toBe("what-if-drop");
    expect(readFileSync(join(lab, "rulesets/what-if-drop.rules"), "utf8")).toBe(text);
    const after = readFileSync(join(lab, "lab.json"), "utf8");
    expect(JSON.parse(after).rulesets).toEqual([...JSON.parse(labJson).rulesets, "what-if-drop"].sort());
    // Only the list changed: the rest of lab.json keeps its layout.
    expect(after.replace(/,\s*"what-if-drop"/, "")).toBe(labJson);

    // The same file again: nothing to copy. A different file of that name: an error, nothing written.
    expect(simulate([...ping(), "--ruleset-file", what, "--write", join(out, "t2")]).status).toBe(0);
    writeFileSync(what, `${text}# changed\n`);
    const clash = simulate([...ping(), "--ruleset-file", what, "--write", join(out, "t3")]);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toContain("the lab already has a different ruleset 'what-if-drop'");
    expect(existsSync(join(out, "t3.json"))).toBe(false);
    expect(readFileSync(join(lab, "rulesets/what-if-drop.rules"), "utf8")).toBe(text);
  });
});

describe("packetwalk simulate on the nftables lab", () => {
  it("logs before each of the ruleset's own base chains, shows no iptables table the ruleset lacks, and --write gives a trace that parses to those chains", () => {
    const out = join(dir, "nft-sim");
    mkdirSync(out);
    const r = simulate([
      "--lab",
      join(root, "traces/docker-bridge-nft"),
      "--ruleset",
      "docker-29-nft",
      "--from",
      "c1",
      "--to",
      "198.51.100.10",
      "--write",
      join(out, "ping"),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/ip:(raw|mangle|nat|filter):/);
    const log = readFileSync(join(out, "ping.log"), "utf8");
    const prefixes = [...new Set(log.match(/pwsm\/nft\/[\w/-]+?(?=IN=)/g))];
    expect(prefixes).toEqual(
      expect.arrayContaining([
        "pwsm/nft/ip/docker-bridges/raw-PREROUTING",
        "pwsm/nft/ip/docker-bridges/filter-FORWARD",
        "pwsm/nft/ip/docker-bridges/nat-POSTROUTING",
      ]),
    );
    expect(log).not.toMatch(/iptable\//);
  });

  it("reports the ruleset's own chains with the rules that decided, at their lines in its file, not the logging it adds", () => {
    const r = simulate([
      "--lab",
      join(root, "traces/docker-bridge-nft"),
      "--ruleset",
      "docker-29-nft",
      "--from",
      "c1",
      "--to",
      "198.51.100.10",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("packetwalk:log-");
    expect(r.stdout).not.toContain("pwsm/");
    const file = readFileSync(
      join(root, "traces/docker-bridge-nft/rulesets/docker-29-nft.rules"),
      "utf8",
    ).split("\n");
    const [request, reply] = r.stdout.split(/^packet 2 /m) as [string, string];
    const chains = (text: string) => [...text.matchAll(/^ {2}(\S+:\S+:\S+) /gm)].map((m) => m[1]);
    expect(chains(request)).toEqual([
      "ip:docker-bridges:raw-PREROUTING",
      "ip:docker-bridges:nat-PREROUTING",
      "ip:docker-bridges:filter-FORWARD",
      "ip:docker-bridges:nat-POSTROUTING",
    ]);
    // The NAT core runs nat chains for a connection's first packet only.
    expect(chains(reply)).toEqual(["ip:docker-bridges:raw-PREROUTING", "ip:docker-bridges:filter-FORWARD"]);
    const masquerade = /^ +line +(\d+) +MASQUERADE +(.+)$/m.exec(request);
    expect(masquerade).not.toBeNull();
    const [, line, text] = masquerade as unknown as [string, string, string];
    expect(file[Number(line) - 1]?.trim()).toBe(text.trim());
  });
});

describe("packetwalk simulate --write on a file holding nft list ruleset and iptables-legacy-save", () => {
  const mixed = readFileSync(
    join(root, "test/fixtures/simulate/nft-plus-legacy-iptables/ruleset.rules"),
    "utf8",
  );
  const legacyAt = mixed.indexOf("# Generated by iptables-legacy-save");
  const forms = {
    "nft first": mixed,
    "legacy first": `${mixed.slice(legacyAt)}\n${mixed.slice(0, legacyAt)}`,
  };
  for (const [name, text] of Object.entries(forms)) {
    it(`${name}: logs the nft base chains and the legacy table's own chains, in the order the packet meets them`, () => {
      const file = join(dir, `mixed-${name.replace(" ", "-")}.rules`);
      writeFileSync(file, text);
      const stem = `mixed-${name.replace(" ", "-")}`;
      const r = simulate([...ping(), "--ruleset-file", file, "--write", join(lab, stem)]);
      expect(r.status, r.stderr).toBe(0);
      const parsed = parseTraceText(readFileSync(join(lab, `${stem}.log`), "utf8"));
      const ipHooks = (n: number) => (parsed.packets[n]?.hooks ?? []).filter((h) => h.startsWith("ip:"));
      // Docker's nft chains and the legacy filter table's FORWARD, in the simulator's hook order.
      expect(ipHooks(0)).toEqual([
        "ip:docker-bridges:raw-PREROUTING",
        "ip:docker-bridges:nat-PREROUTING",
        "ip:docker-bridges:filter-FORWARD",
        "ip:filter:FORWARD",
        "ip:docker-bridges:nat-POSTROUTING",
      ]);
      expect(ipHooks(1)).toContain("ip:filter:FORWARD");
      // No legacy table the file lacks (raw, mangle, nat) is made up, and no own nft chain doubles a legacy hook.
      const log = readFileSync(join(lab, `${stem}.log`), "utf8");
      expect(log).not.toMatch(/pwsm\/iptable\/(raw|mangle|nat)-/);
      expect(log).not.toMatch(/pwsm\/nft\/ip\/packetwalk\//);
      // The written trace is read back (as the site does) with the same logging: every packet agrees.
      const annotation = annotateRecorded(lab, stem);
      expect(annotation.divergences).toEqual([]);
      expect(annotation.annotated).toEqual([1, 2]);
    });
  }
});

describe("packetwalk simulate on a ruleset with a host firewall's own LOG rules", () => {
  it("still logs every hook: a LOG rule whose prefix names no hook ([UFW BLOCK]) is not a trace's instrumentation", () => {
    const file = join(dir, "ufw-like.rules");
    const base = readFileSync(join(root, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");
    writeFileSync(
      file,
      base.replace(
        ":DOCKER-USER - [0:0]",
        ':DOCKER-USER - [0:0]\n-A DOCKER-USER -p tcp --syn -m limit --limit 3/min -j LOG --log-prefix "[UFW BLOCK] "',
      ),
    );
    const r = simulate([...ping(), "--ruleset-file", file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("ip:filter:FORWARD");
    expect(r.stdout).not.toContain("no LOG rule printed it");
  });
});

describe("packetwalk simulate on a rule that loads a connection value of a packet without one", () => {
  it("says which rule was abandoned, at which expression, and why (a TRACE would name no such rule)", () => {
    // test/fixtures/simulate/nft-ct-break, checked on kernel 6.18: port 7104 is untracked (notrack).
    const fixture = join(root, "test/fixtures/simulate/nft-ct-break");
    const r = simulate([
      "--lab",
      fixture,
      "--ruleset-file",
      join(fixture, "nft-list.nft"),
      "--from",
      "wan",
      "--to",
      "203.0.113.2:7104",
      "--proto",
      "tcp",
      "--no-follow-ups",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `note: rule at line 17 of ${join(fixture, "nft-list.nft")} (ip:t:input, chain input: tcp dport 7104 counter meta mark set 0x00000007 meta mark set ct mark counter accept) abandoned at 'ct mark': the packet has no connection`,
    );
    expect(r.stdout).toContain(
      `=> dropped: DROP by rule at line 18 of ${join(fixture, "nft-list.nft")}: tcp dport 7104 meta mark 0x00000007`,
    );
  });
});

describe("packetwalk simulate --write over an existing trace", () => {
  /** A fresh copy of the lab, so these writes touch no other test's files. */
  const copyLab = (name: string) => {
    const copy = join(dir, name);
    cpSync(join(root, "traces/docker-bridge"), copy, { recursive: true });
    return copy;
  };
  const pingInto = (labDir: string, write: string) =>
    simulate(["--lab", labDir, "--from", "c1", "--to", "198.51.100.10", "--write", join(labDir, write)]);

  it("refuses to replace a recorded trace (origin 'recorded'), writing neither file", () => {
    const copy = copyLab("lab-recorded");
    const log = readFileSync(join(copy, "container-to-wan.log"), "utf8");
    const meta = readFileSync(join(copy, "container-to-wan.json"), "utf8");
    expect(JSON.parse(meta).origin).toBe("recorded");
    const r = pingInto(copy, "container-to-wan");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `packetwalk simulate: --write: ${join(copy, "container-to-wan.json")} is a trace of origin "recorded", not an earlier simulation; packetwalk does not replace it: choose another name`,
    );
    expect(r.stdout).toBe("");
    expect(readFileSync(join(copy, "container-to-wan.log"), "utf8")).toBe(log);
    expect(readFileSync(join(copy, "container-to-wan.json"), "utf8")).toBe(meta);
  });

  it("refuses a .log without its .json (origin unknown) and a .json that is no trace's (lab.json)", () => {
    const copy = copyLab("lab-unknown");
    rmSync(join(copy, "container-to-wan.json"));
    const log = readFileSync(join(copy, "container-to-wan.log"), "utf8");
    const r = pingInto(copy, "container-to-wan");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `--write: ${join(copy, "container-to-wan.log")} exists without container-to-wan.json, so whether it was recorded is unknown`,
    );
    expect(readFileSync(join(copy, "container-to-wan.log"), "utf8")).toBe(log);
    expect(existsSync(join(copy, "container-to-wan.json"))).toBe(false);

    const labJson = readFileSync(join(copy, "lab.json"), "utf8");
    const overLab = pingInto(copy, "lab");
    expect(overLab.status).toBe(2);
    expect(overLab.stderr).toContain(`--write: ${join(copy, "lab.json")} is not a trace's metadata`);
    expect(readFileSync(join(copy, "lab.json"), "utf8")).toBe(labJson);
    expect(existsSync(join(copy, "lab.log"))).toBe(false);
  });

  it("replaces an earlier simulated trace (maintainers regenerate them)", () => {
    const copy = copyLab("lab-simulated");
    expect(JSON.parse(readFileSync(join(copy, "sim-docker-user-drop.json"), "utf8")).origin).toBe(
      "simulated",
    );
    const r = pingInto(copy, "sim-docker-user-drop");
    expect(r.status, r.stderr).toBe(0);
    expect(
      JSON.parse(readFileSync(join(copy, "sim-docker-user-drop.json"), "utf8")).traffic.command,
    ).toContain("198.51.100.10");
  });
});

describe("packetwalk simulate --to an IPv6 address", () => {
  const dualStack = join(root, "traces/dual-stack");
  const tcpTo = (to: string) =>
    simulate(["--lab", dualStack, "--from", "a1", "--to", to, "--proto", "tcp", "--no-follow-ups", "--json"]);
  const summary = (r: ReturnType<typeof simulate>) =>
    (JSON.parse(r.stdout.split("\n")[0] as string) as { summary: string }).summary;

  it.each([
    ["fd00:a::3", "TCP SYN [fd00:a::2]:40000 -> [fd00:a::3]:80"],
    ["[fd00:a::3]", "TCP SYN [fd00:a::2]:40000 -> [fd00:a::3]:80"],
    ["[fd00:a::3]:8080", "TCP SYN [fd00:a::2]:40000 -> [fd00:a::3]:8080"],
    // One address (no lab host's with a forgotten port): kept whole, sent to the default port.
    ["2001:db8:9::1:80", "TCP SYN [fd00:a::2]:40000 -> [2001:db8:9::1:80]:80"],
  ])("%s: to the documented default port 80 unless one is given in brackets", (to, expected) => {
    const r = tcpTo(to);
    expect(r.status, r.stderr).toBe(0);
    expect(summary(r)).toBe(expected);
  });

  it.each(["::", "[::]", "[::]:80", "0::0"])("%s, the unspecified address, is refused", (to) => {
    const r = tcpTo(to);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `packetwalk simulate: --to: '${to}' is the unspecified address (::), which no packet is sent to; give a host's address, e.g. fd00:a::2\n`,
    );
    expect(r.stdout).toBe("");
  });
});

describe("packetwalk simulate --lab that is not a lab's folder", () => {
  it("a file: says --lab wants the folder holding lab.json (that file's folder, for lab.json itself)", () => {
    const labJson = simulate([
      "--lab",
      "traces/docker-bridge/lab.json",
      "--from",
      "c1",
      "--to",
      "198.51.100.10",
    ]);
    expect(labJson.status).toBe(2);
    expect(labJson.stderr).toBe(
      "packetwalk simulate: --lab traces/docker-bridge/lab.json: is a file; --lab wants the lab's folder, the one holding lab.json (here --lab traces/docker-bridge)\n",
    );
    const log = simulate([
      "--lab",
      "traces/docker-bridge/container-to-wan.log",
      "--from",
      "c1",
      "--to",
      "198.51.100.10",
    ]);
    expect(log.status).toBe(2);
    expect(log.stderr).toContain(
      "is a file; --lab wants the lab's folder, the one holding lab.json (e.g. traces/docker-bridge)",
    );
  });

  it("nothing there: names the path and what --lab wants", () => {
    const missing = join(dir, "no-such-lab");
    const r = simulate(["--lab", missing, "--from", "c1", "--to", "198.51.100.10"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `packetwalk simulate: --lab ${missing}: no such folder; --lab wants a lab's folder, the one holding lab.json (e.g. traces/docker-bridge)\n`,
    );
  });
});

describe("packetwalk simulate --json when the exchange stops", () => {
  it("puts 'stopped' on the last packet's object, one object per packet", () => {
    const rules = join(dir, "reply-dropped.rules");
    writeFileSync(
      rules,
      readFileSync(join(lab, "rulesets/docker-28.rules"), "utf8").replace(
        "-A DOCKER-USER -j RETURN",
        "-A DOCKER-USER -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP\n-A DOCKER-USER -j RETURN",
      ),
    );
    const r = simulate([...ping(), "--proto", "tcp", "--ruleset-file", rules, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const objects = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { fate: { kind: string }; stopped?: string });
    expect(objects.map((o) => o.fate.kind)).toEqual(["delivered", "dropped"]);
    expect(objects[0]?.stopped).toBeUndefined();
    expect(objects[1]?.stopped).toMatch(/^packet 2 \(reply\) was not delivered to c1/);
  });

  it("refuses an empty --ruleset-file instead of simulating the lab's own ruleset", () => {
    const r = simulate([...ping(), "--ruleset-file", ""]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--ruleset-file: the path is empty");
    expect(r.stdout).toBe("");
  });
});

describe("packetwalk simulate's report of a ruleset of one table", () => {
  it("lists only the chains the file has, not the tables the simulation's logging made", () => {
    const file = join(dir, "filter-only.rules");
    writeFileSync(
      file,
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i docker0 -j ACCEPT\n-A FORWARD -o docker0 -j ACCEPT\nCOMMIT\n",
    );
    const r = simulate([...ping(), "--ruleset-file", file, "--no-follow-ups"]);
    expect(r.status, r.stderr).toBe(0);
    const hooks = r.stdout.split("\n").filter((l) => /^ {2}\S+:\S+:\S+/.test(l));
    expect(hooks.map((l) => l.trim().split(/\s+/)[0])).toEqual(["ip:filter:FORWARD"]);
    expect(r.stdout).toContain("line   5  ACCEPT     -A FORWARD -i docker0 -j ACCEPT");
  });

  it("says a sender with no route has no source address, not an empty word", () => {
    const r = simulate([
      "--lab",
      lab,
      "--from",
      "wan",
      "--to",
      "192.0.2.2:80",
      "--proto",
      "tcp",
      "--no-follow-ups",
    ]);
    expect(r.stdout).toContain(
      "TCP SYN ?:40000 -> 192.0.2.2:80 (no LOG rule printed it; no source address: the sender has no route)",
    );
  });
});
