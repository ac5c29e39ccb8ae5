/**
 * ebtables' ip, ip6 and arp options shortened, as ebtables-nft 1.8.9 reads them with getopt_long: each
 * verdict is what `unshare -n ebtables-restore` printed for a bridge filter table whose FORWARD chain held
 * the rule (and `ebtables -L FORWARD` for the rules it took); `unshare -n ebtables -A FORWARD ...` said the
 * same (`--ip-s`, `--ip6-d`, `--arp-m` refused, `--arp-ip-s` listed as --arp-ip-src).
 */
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";

/** The problems of a bridge filter table whose FORWARD chain holds `rule` (line 5). */
const problems = (rule: string) =>
  parseEbtables(
    `*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD ${rule}\n`,
  ).diagnostics.map((d) => `${d.severity} ${d.position.column} ${d.message}`);

/** The conditions read from the FORWARD chain's rule. */
const conditions = (rule: string) =>
  parseEbtables(`*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD ${rule}\n`)
    .rules.tables.get("filter")
    ?.chains.get("FORWARD")?.rules[0]?.conditions;

const MAC = "00:11:22:33:44:55";

describe("a start of two ip, ip6 or arp options", () => {
  it.each([
    // Unknown argument: '10.0.0.1'
    [
      "-p IPv4 --ip-s 10.0.0.1 -j ACCEPT",
      "--ip-s",
      "--ip-src, --ip-source, --ip-sport, --ip-source-port",
      "10.0.0.1",
    ],
    [
      "-p IPv4 --ip-d 10.0.0.1 -j ACCEPT",
      "--ip-d",
      "--ip-dst, --ip-destination, --ip-dport, --ip-destination-port",
      "10.0.0.1",
    ],
    ["-p IPv4 --ip-so 10.0.0.1 -j ACCEPT", "--ip-so", "--ip-source, --ip-source-port", "10.0.0.1"],
    // Unknown argument: 'echo-request'
    [
      "-p IPv4 --ip-proto icmp --ip-i echo-request -j ACCEPT",
      "--ip-i",
      "--ip-icmp-type, --ip-igmp-type",
      "echo-request",
    ],
    // Unknown argument: 'fd00::1'
    [
      "-p IPv6 --ip6-s fd00::1 -j ACCEPT",
      "--ip6-s",
      "--ip6-src, --ip6-source, --ip6-sport, --ip6-source-port",
      "fd00::1",
    ],
    [
      "-p IPv6 --ip6-d fd00::1 -j ACCEPT",
      "--ip6-d",
      "--ip6-dst, --ip6-destination, --ip6-dport, --ip6-destination-port",
      "fd00::1",
    ],
    // Unknown argument: '00:11:22:33:44:55'
    [`-p ARP --arp-m ${MAC} -j ACCEPT`, "--arp-m", "--arp-mac-src, --arp-mac-dst", MAC],
    ["-p ARP --arp-ip 10.0.0.1 -j ACCEPT", "--arp-ip", "--arp-ip-src, --arp-ip-dst", "10.0.0.1"],
  ])("refuses %s", (rule, word, starts, after) => {
    expect(problems(rule)).toEqual([
      `error ${rule.indexOf(word) + 12} '${word}' is ambiguous to ebtables: it starts ${starts}; ebtables-restore refuses the rule (Unknown argument: '${after}')`,
    ]);
  });
});

describe("a start of one ip, ip6 or arp option", () => {
  it.each([
    // ebtables -L: -p ARP --arp-ip-src 10.0.0.1 -j ACCEPT (and --arp-ip-dst, --arp-mac-src, --arp-mac-dst).
    [
      "-p ARP --arp-ip-s 10.0.0.1 -j ACCEPT",
      { kind: "arp-field", field: "saddr ip", values: ["10.0.0.1"], neg: false },
    ],
    [
      "-p ARP --arp-ip-d 10.0.0.1 -j ACCEPT",
      { kind: "arp-field", field: "daddr ip", values: ["10.0.0.1"], neg: false },
    ],
    [
      `-p ARP --arp-mac-s ${MAC} -j ACCEPT`,
      { kind: "arp-field", field: "saddr ether", values: [MAC], neg: false },
    ],
    // -p ARP --arp-op Request, for --arp-o and for --arp-opcode.
    ["-p ARP --arp-o 1 -j ACCEPT", { kind: "arp-field", field: "operation", values: ["1"], neg: false }],
    ["-p ARP --arp-opcode 1 -j ACCEPT", { kind: "arp-field", field: "operation", values: ["1"], neg: false }],
    // -p IPv4 --ip-src 10.0.0.1, -p IPv4 --ip-proto tcp, -p IPv6 --ip6-dst fd00::1.
    [
      "-p IPv4 --ip-sr 10.0.0.1 -j ACCEPT",
      { kind: "src", cidr: { net: 0x0a000001, len: 32, mask: 0xffffffff }, neg: false },
    ],
    ["-p IPv4 --ip-p tcp -j ACCEPT", { kind: "ip-proto", proto: "tcp", neg: false }],
    ["-p IPv4 --ip-t 0x10 -j ACCEPT", { kind: "tos", values: [0x10], mask: 0xff, neg: false }],
    // -p ARP --arp-ip-src ! 10.0.0.1, for `! --arp-ip-s` and `--arp-ip-s !`.
    [
      "-p ARP ! --arp-ip-s 10.0.0.1 -j ACCEPT",
      { kind: "arp-field", field: "saddr ip", values: ["10.0.0.1"], neg: true },
    ],
  ])("reads %s as the whole option", (rule, condition) => {
    expect(problems(rule)).toEqual([]);
    expect(conditions(rule)?.[1]).toEqual(condition);
  });

  it("reads a shortened port and ICMP type (ebtables -L: --ip-proto tcp --ip-sport 80, --ip-icmp-type echo-request)", () => {
    expect(conditions("-p IPv4 --ip-proto tcp --ip-sp 80 -j ACCEPT")?.[2]).toEqual({
      kind: "sport",
      range: { lo: 80, hi: 80 },
      neg: false,
    });
    expect(problems("-p IPv4 --ip-proto icmp --ip-ic echo-request -j ACCEPT")).toEqual([]);
    expect(conditions("-p IPv4 --ip-proto icmp --ip-ic echo-request -j ACCEPT")?.[2]?.kind).toBe("icmp-type");
  });

  it("refuses the shortened and the whole arp option given both (Multiple use of same option not allowed)", () => {
    expect(problems("-p ARP --arp-ip-s 10.0.0.1 --arp-ip-src 10.0.0.2 -j ACCEPT")).toEqual([
      `error 39 --arp-ip-src is given twice: ebtables refuses it ("Multiple use of same option not allowed")`,
    ]);
  });

  it("keeps an unmodelled one as written, the warning at it (ebtables -L: --arp-htype 1)", () => {
    expect(problems("-p ARP --arp-h 1 -j ACCEPT")).toEqual(["warning 19 match '--arp-h 1' is not modelled"]);
  });

  it('leaves a log prefix\'s text as written (ebtables -L: --log-prefix "--ip-sr", --log-prefix "--in-i")', () => {
    const log = (rule: string) =>
      parseEbtables(`*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD ${rule}\n`)
        .rules.tables.get("filter")
        ?.chains.get("FORWARD")?.rules[0]?.log?.prefix;
    expect(log("--log --log-prefix --ip-sr -j ACCEPT")).toBe("--ip-sr");
    expect(log("--log --log-prefix --in-i -j ACCEPT")).toBe("--in-i");
  });
});
