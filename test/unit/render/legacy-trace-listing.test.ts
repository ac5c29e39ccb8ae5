/**
 * Legacy iptables TRACE lines (`TRACE: nat:PREROUTING:rule:1 IN=...`) name a rule by its number in its
 * chain, not by its text: the listing marks rule N of that chain, with the verdict xtables-monitor would
 * print for it. The kernel (ip_tables.c, get_chainname_rulenum) counts a chain's rules from 1 and says
 * `policy` (a built-in chain) or `return` (a user chain) both for the chain's tail, one past its last
 * rule, and for an unconditional ACCEPT, DROP or RETURN rule.
 */
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { type StepListing, toListing } from "../../../src/core/render/to-listing.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const FIELDS =
  "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.9 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=57 ID=3333 DF PROTO=TCP SPT=43211 DPT=8080 SEQ=1 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B4) ";
const FWD_FIELDS =
  "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.9 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=56 ID=3333 DF PROTO=TCP SPT=43211 DPT=80 SEQ=1 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B4) ";

// The playground reader's input (16-iptables-trace.log, 16-iptables-save-trace.rules).
const READER_LOG = [
  `[ 7001.000001] TRACE: raw:PREROUTING:policy:2 IN=eth0 OUT= ${FIELDS}`,
  `[ 7001.000010] TRACE: nat:PREROUTING:rule:1 IN=eth0 OUT= ${FIELDS}`,
  `[ 7001.000020] TRACE: filter:FORWARD:rule:1 IN=eth0 OUT=eth1 ${FWD_FIELDS}`,
  `[ 7001.000030] TRACE: nat:POSTROUTING:policy:1 IN= OUT=eth1 ${FWD_FIELDS.replace(/^MAC=\S+ /, "")}`,
].join("\n");

const READER_RULES = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp --dport 8080 -j TRACE
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -d 10.0.0.5/32 -p tcp --dport 80 -j ACCEPT
COMMIT
`;

function eventsOf(log: string): TraceEvent[] {
  const trace = parseTraceText(log, { file: "trace.log" });
  expect(trace.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return trace.packets.flatMap((p) => p.events);
}

/** `chain#index => verdict` of every marked rule, and `chain => policy` of every applied policy. */
function marks(listing: StepListing): string[] {
  return listing.chains.flatMap((c) => [
    ...c.rules.filter((r) => r.matched).map((r) => `${c.chain}#${r.index} => ${r.matched} (${r.matchedBy})`),
    ...(c.policyApplied ? [`${c.chain} => policy ${c.policyApplied}`] : []),
  ]);
}

describe("toListing on legacy iptables TRACE lines", () => {
  it("marks rule N of the traced chain, as the kernel counts it, with the verdict xtables-monitor shows (the reader's trace)", () => {
    const ruleset = parseRulesetFile(READER_RULES);
    expect(ruleset.diagnostics).toEqual([]);
    const byHook = Object.fromEntries(
      eventsOf(READER_LOG).map((e) => [e.hook, marks(toListing(e, ruleset))]),
    );
    expect(byHook).toEqual({
      // policy:2 in a chain of one rule: its policy decided, the TRACE rule itself is not traced.
      "ip:raw:PREROUTING": ["PREROUTING => policy ACCEPT"],
      // A NAT target's verdict is ACCEPT, as xtables-monitor prints it.
      "ip:nat:PREROUTING": ["PREROUTING#1 => ACCEPT (kernel)"],
      "ip:filter:FORWARD": ["FORWARD#1 => ACCEPT (kernel)"],
      "ip:nat:POSTROUTING": ["POSTROUTING => policy ACCEPT"],
    });
  });

  it("reads 'policy' and 'return' at a rule as that unconditional rule, past the last rule as the chain's tail", () => {
    const ruleset = parseRulesetFile(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
:EMPTY - [0:0]
:LIMITS - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j EMPTY
-A FORWARD -j LIMITS
-A FORWARD -o eth1 -j REJECT
-A FORWARD -j DROP
-A DOCKER-USER -j RETURN
-A LIMITS -p tcp --dport 22 -j ACCEPT
COMMIT
`);
    expect(ruleset.diagnostics).toEqual([]);
    const line = (label: string) => `[ 1.0] TRACE: filter:${label} IN=eth0 OUT=eth2 ${FWD_FIELDS}`;
    const [forward] = eventsOf(
      [
        "FORWARD:rule:1",
        "DOCKER-USER:return:1", // the unconditional `-j RETURN`
        "FORWARD:rule:2",
        "EMPTY:return:1", // fell off the end of an empty chain: no rule
        "FORWARD:rule:3",
        "LIMITS:return:2", // fell off the end past its one rule
        "FORWARD:policy:5", // the unconditional `-j DROP`, not the chain's policy
      ]
        .map(line)
        .join("\n"),
    );
    expect(forward?.hook).toBe("ip:filter:FORWARD");
    expect(marks(toListing(forward as TraceEvent, ruleset))).toEqual([
      "FORWARD#1 => JUMP:DOCKER-USER (kernel)",
      "FORWARD#2 => JUMP:EMPTY (kernel)",
      "FORWARD#3 => JUMP:LIMITS (kernel)",
      "FORWARD#5 => DROP (kernel)",
      "DOCKER-USER#1 => RETURN (kernel)",
    ]);
  });

  it("marks a REJECT rule DROP, a LOG rule CONTINUE, an unmodelled target by its name, and no rule for 'policy' at a rule that is not an unconditional verdict", () => {
    const ruleset = parseRulesetFile(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -o eth1 -j REJECT
-A FORWARD -o eth2 -j LOG --log-prefix "fwd "
-A FORWARD -o eth2 -p tcp -j NFQUEUE --queue-num 1
COMMIT
`);
    const line = (label: string) => `[ 1.0] TRACE: filter:${label} IN=eth0 OUT=eth2 ${FWD_FIELDS}`;
    const [rejected] = eventsOf(line("FORWARD:rule:1"));
    expect(marks(toListing(rejected as TraceEvent, ruleset))).toEqual(["FORWARD#1 => DROP (kernel)"]);
    const [logged] = eventsOf(line("FORWARD:rule:2"));
    expect(marks(toListing(logged as TraceEvent, ruleset))).toEqual(["FORWARD#2 => CONTINUE (kernel)"]);
    // A target packetwalk does not model, which may end the walk: its name.
    const [queued] = eventsOf(line("FORWARD:rule:3"));
    expect(marks(toListing(queued as TraceEvent, ruleset))).toEqual(["FORWARD#3 => NFQUEUE (kernel)"]);
    // A stale ruleset: the kernel's rule 2 was an unconditional verdict, this one logs; nothing is guessed.
    const [stale] = eventsOf(line("FORWARD:policy:2"));
    expect(marks(toListing(stale as TraceEvent, ruleset))).toEqual([]);
  });
});
