/**
 * xt_TRACE prints a packet's step in a base chain before any user chain it jumps to: the real capture
 * of `real-legacy-hook-named-user-chains-trace` (iptables-legacy 1.8.9, kernel 6.18) has
 * `nat:OUTPUT:rule:1` right before `nat:cali-OUTPUT:rule:1`, `filter:INPUT:rule:1` before
 * `filter:neutron-l3-agent-INPUT:rule:1`. A packet whose first TRACE line is in a user chain was pasted
 * from the middle of its trace (tester55 paste 01, kubernetes#22698: `nat:KUBE-SERVICES:rule:21` first):
 * the reader is told, once per chain, with the base chain the line's devices point to, and the hook is
 * not guessed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { TRACE_USER_CHAIN_HINT } from "../../../src/core/parse/parse-hints.ts";

const CAPTURE = readFileSync(
  join(import.meta.dirname, "../../fixtures/parse/real-legacy-hook-named-user-chains-trace/input.log"),
  "utf8",
)
  .split("\n")
  .filter((l) => l.length > 0);

/** The capture's lines `from` to `to` (1-based, inclusive). */
const lines = (from: number, to: number) => CAPTURE.slice(from - 1, to).join("\n");

/** Paste 01's first three lines: a packet's trace from its nat user chain on, with no base chain line. */
const KUBE = [
  "Mar  9 02:07:11 node8 kernel: TRACE: nat:KUBE-SERVICES:rule:21 IN=eth1 OUT= MAC=0c:c4:7a:c3:50:e9:10:f3:11:11:00:8a:08:00 SRC=151.80.24.11 DST=164.132.217.81 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=47335 DF PROTO=TCP SPT=56878 DPT=80 SEQ=2833177883 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A0D9865FC0000000001030307) ",
  "Mar  9 02:07:11 node8 kernel: TRACE: nat:KUBE-MARK-MASQ:rule:1 IN=eth1 OUT= MAC=0c:c4:7a:c3:50:e9:10:f3:11:11:00:8a:08:00 SRC=151.80.24.11 DST=164.132.217.81 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=47335 DF PROTO=TCP SPT=56878 DPT=80 SEQ=2833177883 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A0D9865FC0000000001030307) ",
  "Mar  9 02:07:11 node8 kernel: TRACE: nat:KUBE-MARK-MASQ:return:2 IN=eth1 OUT= MAC=0c:c4:7a:c3:50:e9:10:f3:11:11:00:8a:08:00 SRC=151.80.24.11 DST=164.132.217.81 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=47335 DF PROTO=TCP SPT=56878 DPT=80 SEQ=2833177883 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A0D9865FC0000000001030307) MARK=0x4000 ",
];

describe("a legacy TRACE packet that starts in a user chain", () => {
  it("draws no warning when the trace starts at its base chains", () => {
    expect(parseTraceText(CAPTURE.join("\n")).diagnostics).toEqual([]);
  });

  it("says the lines before are missing, at the line, with the base chain IN= set and OUT= empty point to", () => {
    const r = parseTraceText(KUBE.join("\n"), { file: "k8s.log" });
    expect(r.packets.map((p) => p.hooks)).toEqual([["ip:nat:KUBE-SERVICES"]]);
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        message:
          "packets whose first TRACE line is at nat chain 'KUBE-SERVICES', a user chain: iptables' TRACE prints the base chain that jumps to it first (nat:PREROUTING:rule:N), so the lines before are missing from the paste; with IN= set, OUT= empty, most likely nat PREROUTING jumped to it (INPUT also sees such packets) (1 line)",
        hint: TRACE_USER_CHAIN_HINT,
        position: { file: "k8s.log", line: 1, column: 31 },
      },
    ]);
  });

  it("names OUTPUT for a packet with IN= empty, and the only inbound chain filter has", () => {
    // The capture from nat's user chain on (its raw:OUTPUT and nat:OUTPUT lines lost).
    const out = parseTraceText(lines(3, 7)).diagnostics.map((d) => d.message);
    expect(out).toEqual([
      "packets whose first TRACE line is at nat chain 'cali-OUTPUT', a user chain: iptables' TRACE prints the base chain that jumps to it first (nat:OUTPUT:rule:N), so the lines before are missing from the paste; with IN= empty, OUT= set, most likely nat OUTPUT jumped to it (POSTROUTING also sees such packets) (1 line)",
    ]);
    const inbound = parseTraceText(lines(10, 10)).diagnostics.map((d) => d.message);
    expect(inbound).toEqual([
      "packets whose first TRACE line is at filter chain 'neutron-l3-agent-INPUT', a user chain: iptables' TRACE prints the base chain that jumps to it first (filter:INPUT:rule:N), so the lines before are missing from the paste; with IN= set, OUT= empty, most likely filter INPUT jumped to it (1 line)",
    ]);
  });

  it("warns once per chain, counting its packets, and not for a user chain after its base chain", () => {
    // The same cut trace twice (a retransmission 3 s later), then a whole one: one warning, 2 lines.
    const again = KUBE.map((l) => l.replace("02:07:11", "02:07:14").replace("ID=47335", "ID=47337"));
    const whole = [
      again[0]?.replace("nat:KUBE-SERVICES:rule:21", "nat:PREROUTING:rule:1").replace("ID=47337", "ID=47339"),
      again[0]?.replace("ID=47337", "ID=47339"),
    ];
    const r = parseTraceText([...KUBE, ...again, ...whole].join("\n"));
    expect(r.packets.map((p) => p.hooks[0])).toEqual([
      "ip:nat:KUBE-SERVICES",
      "ip:nat:KUBE-SERVICES",
      "ip:nat:PREROUTING",
    ]);
    expect(r.diagnostics.map((d) => [d.message.slice(-9), d.position?.line])).toEqual([["(2 lines)", 1]]);
  });
});
