/**
 * The reply to a request a raw-priority notrack left untracked is not ESTABLISHED: conntrack has no
 * connection for it and looks it up as a packet of its own. Checked on kernel 6.18 in throwaway
 * namespaces (client 198.51.100.1, router, server 203.0.113.1; nft `iifname ... notrack` in raw
 * prerouting of the router and of the server for the request direction only; counters on `ct state
 * invalid|new|established|untracked` in the router's forward and the server's output chain, each reply
 * followed with `nft monitor trace`, then `conntrack -L`): the echo reply, the SYN/ACK and the FIN/ACK
 * were INVALID and left no entry; the server's bare ACK was NEW (picked up mid-stream) and the UDP reply
 * NEW, each opening an entry with the reply's direction as the original one. The simulator's conntrack
 * gives the same states; the listing of a pasted LOG trace says so too.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import type { PrefixHooks } from "../../../src/core/model/hook.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { textWorld } from "../simulate/helpers.ts";

/** Counter rules, one per `ct state` (five lines, in this order: invalid, new, established, untracked, related). */
const BY_STATE = [
  "\t\tct state invalid counter",
  "\t\tct state new counter",
  "\t\tct state established counter",
  "\t\tct state untracked counter",
  "\t\tct state related counter",
];

/** Requests from eth0 notracked; the output chain's lines 11-15 count the replies by state. */
const RULES = [
  "table inet raw {",
  "\tchain pre {",
  "\t\ttype filter hook prerouting priority raw; policy accept;",
  '\t\tiifname "eth0" notrack',
  "\t}",
  "}",
  "table inet filter {",
  "\tchain output {",
  "\t\ttype filter hook output priority filter; policy accept;",
  "\t\tmeta nfproto ipv4 counter",
  ...BY_STATE,
  "\t}",
  "}",
].join("\n");

/** The `ct state` line each rule counts. */
const STATE_LINE: Record<number, string> = {
  11: "invalid",
  12: "new",
  13: "established",
  14: "untracked",
  15: "related",
};

const prefixMap: PrefixHooks = { "pw/raw/pre": "ip:raw:pre", "pw/filter/output": "ip:filter:output" };
const IN = "IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=198.51.100.1 DST=203.0.113.2";
const OUT = "IN= OUT=eth0 SRC=203.0.113.2 DST=198.51.100.1";
const IP = "TOS=0x00 PREC=0x00 TTL=64 DF";

/** The `ct state` the listing reads for each packet of the LOG lines `lines` logged at output (under `text`). */
function statesAtOutput(lines: string[], text = RULES): string[][] {
  const rules = parseRulesetFile(text, "r.nft");
  expect(rules.diagnostics).toEqual([]);
  const parsed = parseTraceText(lines.join("\n"), { prefixMap });
  return parsed.packets
    .filter((p) => p.events.some((e) => e.hook === "ip:filter:output"))
    .map((p) =>
      (logStepMatches(p, rules, parsed.packets).at(-1) ?? [])
        .map((m) => STATE_LINE[m.ruleLine])
        .filter((s): s is string => s !== undefined),
    );
}

describe("the reply to an untracked request", () => {
  it("an echo reply is INVALID, not ESTABLISHED", () => {
    expect(
      statesAtOutput([
        `[1.0] pw/raw/pre ${IN} LEN=84 ${IP} ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 `,
        `[1.1] pw/filter/output ${OUT} LEN=84 ${IP} ID=2 PROTO=ICMP TYPE=0 CODE=0 ID=7 SEQ=1 `,
      ]),
    ).toEqual([["invalid"]]);
  });

  it("a SYN/ACK and a FIN/ACK are INVALID, the server's bare ACK NEW (picked up mid-stream)", () => {
    const tcp = (t: string, prefix: string, ends: string, id: number, flags: string) =>
      `[${t}] ${prefix} ${ends} LEN=52 ${IP} ID=${id} PROTO=TCP SPT=${prefix.includes("pre") ? "40000 DPT=8080" : "8080 DPT=40000"} WINDOW=501 RES=0x00 ${flags} URGP=0 `;
    expect(
      statesAtOutput([
        tcp("1.0", "pw/raw/pre", IN, 1, "SYN"),
        tcp("1.1", "pw/filter/output", OUT, 2, "ACK SYN"),
        tcp("1.2", "pw/raw/pre", IN, 3, "ACK"),
        tcp("1.3", "pw/filter/output", OUT, 4, "ACK FIN"),
        tcp("1.4", "pw/raw/pre", IN, 5, "ACK FIN"),
        tcp("1.5", "pw/filter/output", OUT, 6, "ACK"),
      ]),
    ).toEqual([["invalid"], ["invalid"], ["new"]]);
  });

  it("a UDP reply is NEW", () => {
    expect(
      statesAtOutput([
        `[1.0] pw/raw/pre ${IN} LEN=32 ${IP} ID=1 PROTO=UDP SPT=40000 DPT=5353 LEN=12 `,
        `[1.1] pw/filter/output ${OUT} LEN=32 ${IP} ID=2 PROTO=UDP SPT=5353 DPT=40000 LEN=12 `,
      ]),
    ).toEqual([["new"]]);
  });

  it("iptables -j CT --notrack and -j NOTRACK in raw PREROUTING: the echo reply matches --ctstate INVALID", () => {
    for (const notrack of ["-j CT --notrack", "-j NOTRACK"]) {
      const rules = parseRulesetFile(
        [
          "*raw",
          ":PREROUTING ACCEPT [0:0]",
          `-A PREROUTING -i eth0 ${notrack}`,
          "COMMIT",
          "*filter",
          ":OUTPUT ACCEPT [0:0]",
          "-A OUTPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT",
          "-A OUTPUT -m conntrack --ctstate INVALID -j ACCEPT",
          "COMMIT",
          "",
        ].join("\n"),
        "r.rules",
      );
      const parsed = parseTraceText(
        [
          `[1.0] pw/raw/PRE ${IN} LEN=84 ${IP} ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 `,
          `[1.1] pw/filter/OUT ${OUT} LEN=84 ${IP} ID=2 PROTO=ICMP TYPE=0 CODE=0 ID=7 SEQ=1 `,
        ].join("\n"),
        { prefixMap: { "pw/raw/PRE": "ip:raw:PREROUTING", "pw/filter/OUT": "ip:filter:OUTPUT" } },
      );
      const reply = parsed.packets[1];
      if (!reply) throw new Error("no reply");
      // Line 8: the INVALID rule; the ESTABLISHED one (line 7) does not match.
      expect(
        logStepMatches(reply, rules, parsed.packets)
          .at(-1)
          ?.map((m) => [m.ruleLine, m.verdict]),
      ).toEqual([[8, "ACCEPT"]]);
    }
  });

  it("without the notrack the same reply is ESTABLISHED", () => {
    const rules = parseRulesetFile(
      RULES.replace('iifname "eth0" notrack', 'iifname "eth9" notrack'),
      "r.nft",
    );
    const parsed = parseTraceText(
      [
        `[1.0] pw/raw/pre ${IN} LEN=84 ${IP} ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 `,
        `[1.1] pw/filter/output ${OUT} LEN=84 ${IP} ID=2 PROTO=ICMP TYPE=0 CODE=0 ID=7 SEQ=1 `,
      ].join("\n"),
      { prefixMap },
    );
    const reply = parsed.packets[1];
    if (!reply) throw new Error("no reply");
    expect(
      logStepMatches(reply, rules, parsed.packets)
        .at(-1)
        ?.map((m) => STATE_LINE[m.ruleLine]),
    ).toContain("established");
  });

  it("the simulator's conntrack gives the same states", () => {
    const world = textWorld(RULES);
    const lines = (
      proto: "icmp" | "tcp" | "udp",
      script?: { direction: "request" | "reply"; tcpFlags?: string[] }[],
    ) =>
      runScenario(world, {
        from: "wan",
        to: "203.0.113.2",
        proto,
        dport: 8080,
        ...(script ? { script } : {}),
      })
        .packets.filter((p) => p.direction === "reply")
        .map((p) =>
          p.events
            .filter((e) => e.table === "filter" && e.chain === "output")
            .flatMap((e) => e.steps.map((s) => STATE_LINE[s.line]).filter((s) => s !== undefined)),
        );
    expect(lines("icmp")).toEqual([["invalid"]]);
    expect(lines("tcp")).toEqual([["invalid"]]);
    // The recorded exchange: the server's SYN/ACK and FIN/ACK, then its bare ACK (picked up mid-stream).
    const tcp = (direction: "request" | "reply", ...tcpFlags: string[]) => ({ direction, tcpFlags });
    expect(
      lines("tcp", [
        tcp("request", "SYN"),
        tcp("reply", "ACK", "SYN"),
        tcp("request", "ACK"),
        tcp("reply", "ACK", "FIN"),
        tcp("request", "ACK", "FIN"),
        tcp("reply", "ACK"),
      ]),
    ).toEqual([["invalid"], ["invalid"], ["new"]]);
    expect(lines("udp", [{ direction: "request" }, { direction: "reply" }])).toEqual([["new"]]);
  });
});

/**
 * Checked on kernel 6.18 in throwaway namespaces (client 198.51.100.1, server 198.51.100.2 with this
 * raw notrack and `ct state` counters in input and output, a Python client: connect, send, read the
 * answer, send again, close): input counted 1 untracked (the SYN), 2 new (the handshake's ACK and the
 * first data, both before the server sent anything), 4 established; output 1 invalid (the SYN/ACK) and
 * 4 established; `conntrack -L` showed the connection with the client's side as the original one.
 */
describe("a notrack that takes only a connection's SYN", () => {
  /** Raw prerouting notracks a SYN (as a SYN proxy does); input (lines 11-15) and output (19-23) count by state. */
  const SYN_ONLY = [
    "table inet raw {",
    "\tchain pre {",
    "\t\ttype filter hook prerouting priority raw; policy accept;",
    "\t\ttcp flags & (syn | ack) == syn notrack",
    "\t}",
    "}",
    "table inet filter {",
    "\tchain input {",
    "\t\ttype filter hook input priority filter; policy accept;",
    "\t\tmeta nfproto ipv4 counter",
    ...BY_STATE,
    "\t}",
    "\tchain output {",
    "\t\ttype filter hook output priority filter; policy accept;",
    ...BY_STATE,
    "\t}",
    "}",
  ].join("\n");
  const STATES: Record<number, string> = {
    11: "invalid",
    12: "new",
    13: "established",
    14: "untracked",
    15: "related",
    19: "invalid",
    20: "new",
    21: "established",
    22: "untracked",
    23: "related",
  };
  const tcp = (t: string, flags: string, reply: boolean, id: number) =>
    (reply ? ["pw/filter/output"] : ["pw/raw/pre", "pw/filter/input"]).map(
      (prefix) =>
        `[${t}] ${prefix} ${reply ? OUT : IN} LEN=52 ${IP} ID=${id} PROTO=TCP SPT=${reply ? "8080 DPT=40000" : "40000 DPT=8080"} WINDOW=501 RES=0x00 ${flags} URGP=0 `,
    );
  /** The recorded exchange: connect, send, read the answer, send again. */
  const LINES = [
    ...tcp("1.0", "SYN", false, 1),
    ...tcp("1.1", "ACK SYN", true, 2),
    ...tcp("1.2", "ACK", false, 3),
    ...tcp("1.3", "ACK PSH", false, 4),
    ...tcp("1.4", "ACK PSH", true, 5),
    ...tcp("1.5", "ACK", false, 6),
  ];
  const step = (direction: "request" | "reply", ...tcpFlags: string[]) => ({ direction, tcpFlags });
  const SCRIPT = [
    step("request", "SYN"),
    step("reply", "ACK", "SYN"),
    step("request", "ACK"),
    step("request", "ACK", "PSH"),
    step("reply", "ACK", "PSH"),
    step("request", "ACK"),
  ];
  /** The states the listing reads at each packet's last chain, with the lab's `sysctls` when given. */
  const listed = (sysctls?: Record<string, string>) => {
    const rules = parseRulesetFile(SYN_ONLY, "r.nft");
    expect(rules.diagnostics).toEqual([]);
    const parsed = parseTraceText(LINES.join("\n"), {
      prefixMap: { ...prefixMap, "pw/filter/input": "ip:filter:input" },
    });
    return parsed.packets.map((p) =>
      (logStepMatches(p, rules, parsed.packets, undefined, sysctls).at(-1) ?? [])
        .map((m) => STATES[m.ruleLine])
        .filter((s): s is string => s !== undefined),
    );
  };
  /** The states the simulator's rules read at each packet's filter chains, under `sysctls`. */
  const simulated = (sysctls: Record<string, string> = {}) => {
    const w = textWorld(SYN_ONLY);
    const sim = runScenario(
      { ...w, sysctls: { ...w.sysctls, ...sysctls } },
      { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080, script: SCRIPT },
    );
    return sim.packets.map((p) =>
      p.events
        .filter((e) => e.table === "filter")
        .flatMap((e) => e.steps.map((s) => STATES[s.line]).filter((s) => s !== undefined)),
    );
  };

  it("the client's next packets open the connection (NEW) until the server answers; then both sides are ESTABLISHED", () => {
    const states = listed();
    expect(states).toEqual([["untracked"], ["invalid"], ["new"], ["new"], ["established"], ["established"]]);
    // The simulator's conntrack agrees, on both sides; a lab's nf_conntrack_tcp_loose 1 is the default.
    expect(simulated()).toEqual(states);
    expect(listed({ "net.netfilter.nf_conntrack_tcp_loose": "1" })).toEqual(states);
  });

  /**
   * Kernel 6.18, test/fixtures/simulate/nft-notrack-ct-state (its lab sets nf_conntrack_tcp_loose 0;
   * record.sh): after the untracked SYN every segment met `ct state invalid`, on both sides.
   */
  it("with a lab's nf_conntrack_tcp_loose 0 every later segment is INVALID, in the listing as in the simulator", () => {
    const lab = labSchema.parse(
      JSON.parse(
        readFileSync(
          join(import.meta.dirname, "../../fixtures/simulate/nft-notrack-ct-state/lab.json"),
          "utf8",
        ),
      ),
    );
    expect(lab.sysctls["net.netfilter.nf_conntrack_tcp_loose"]).toBe("0");
    const states = listed(lab.sysctls);
    expect(states).toEqual([["untracked"], ["invalid"], ["invalid"], ["invalid"], ["invalid"], ["invalid"]]);
    expect(simulated(lab.sysctls)).toEqual(states);
  });
});

/**
 * Kernel 6.18, test/fixtures/simulate/nft-notrack-ct-state (record.sh: counters on `ct state` for the
 * port unreachables): the one answering an untracked UDP datagram (the kernel's own for a closed port,
 * an nft reject's) or an untracked echo request met `ct state invalid`; one answering a tracked packet
 * `ct state related`.
 */
describe("an ICMP error quoting a packet of the flow", () => {
  const ERROR = `LEN=57 TOS=0x00 PREC=0xC0 TTL=64 ID=2 PROTO=ICMP TYPE=3 CODE=3`;
  const udp = [
    `[1.0] pw/raw/pre ${IN} LEN=29 ${IP} ID=1 PROTO=UDP SPT=40000 DPT=9001 LEN=9 `,
    `[1.1] pw/filter/output ${OUT} ${ERROR} [SRC=198.51.100.1 DST=203.0.113.2 LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=UDP SPT=40000 DPT=9001 LEN=9 ] `,
  ];
  const echo = [
    `[2.0] pw/raw/pre ${IN} LEN=84 ${IP} ID=3 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 `,
    `[2.1] pw/filter/output ${OUT} ${ERROR} [SRC=198.51.100.1 DST=203.0.113.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=3 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ] `,
  ];
  const TRACKED = RULES.replace('iifname "eth0" notrack', 'iifname "eth9" notrack');

  it("is INVALID when the quoted UDP datagram or echo request was left untracked", () => {
    expect(statesAtOutput([...udp, ...echo])).toEqual([["invalid"], ["invalid"]]);
  });

  it("is RELATED, not ESTABLISHED, when it was tracked", () => {
    expect(statesAtOutput([...udp, ...echo], TRACKED)).toEqual([["related"], ["related"]]);
  });

  it("the simulator gives the error answering an echo request the same states", () => {
    const errors = (text: string) =>
      runScenario(textWorld(text), {
        from: "wan",
        to: "203.0.113.2",
        proto: "icmp",
        script: [
          { direction: "request", icmpType: 8 },
          { direction: "reply", icmpType: 3 },
        ],
      }).packets.map((p) =>
        p.events
          .filter((e) => e.table === "filter" && e.chain === "output")
          .flatMap((e) => e.steps.map((s) => STATE_LINE[s.line]).filter((s) => s !== undefined)),
      );
    expect(errors(RULES)).toEqual([[], ["invalid"]]);
    expect(errors(TRACKED)).toEqual([[], ["related"]]);
  });
});
