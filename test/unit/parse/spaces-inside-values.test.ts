/**
 * tester56 paste 07 (kubernetes#107965, copied from a wrapped terminal): runs of spaces inside values,
 * `SRC=     110.110.110.108` and `OPT (     0204...)`. The kernel prints a value right after its `=`
 * and one space between fields (nf_log_syslog; the capture in trailing-space-endings.test.ts shows
 * `OPT (020405B4...)` with no space inside), so the value after the run is read, with one grouped
 * warning naming what was read and why, not refused: before, line 1 was refused (`expected an IPv4 or
 * IPv6 address after SRC=, found ''`), and line 2, now the packet's first, drew a false warning that the
 * lines before it were missing from the paste (one was there, just not read) and a false "may be cut
 * short" (its OPT ends with its `)`).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { SPACED_VALUE_HINT } from "../../../src/core/parse/read-log-fields.ts";
import { TRACE_USER_CHAIN_REFUSED_HINT } from "../../../src/core/parse/trace-user-chain-refused.ts";

/** Paste 07, as posted. */
const PASTE = [
  "Jan 18 14:57:18 minion kernel: [448136.197740] TRACE: nat:PREROUTING:rule:1 IN=ens5 OUT= MAC=fa:16:3e:2a:85:74:fa:16:3e:70:51:cc:08:00 SRC=     110.110.110.108 DST=110.110.110.111 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23727 DF PROTO=TCP SPT=45847 DPT=8089 SEQ=1116279521 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (0204     05B40402080AD3ADA6050000000001030307)",
  "Jan 18 14:57:18 minion kernel: [448136.197771] TRACE: nat:KUBE-SERVICES:rule:25 IN=ens5 OUT= MAC=fa:16:3e:2a:85:74:fa:16:3e:70:51:cc:08:00      SRC=110.110.110.108 DST=110.110.110.111 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23727 DF PROTO=TCP SPT=45847 DPT=8089 SEQ=1116279521 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (     020405B40402080AD3ADA6050000000001030307)",
];

describe("runs of spaces inside values (a wrapped terminal's copy)", () => {
  it("reads paste 07 as one packet from nat PREROUTING on, with one grouped warning", () => {
    const r = parseTraceText(PASTE.join("\n"), { file: "07.log" });
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        message:
          "read the value of SRC= as '110.110.110.108', without the run of spaces in it: the kernel prints one space between fields and none inside a value, so the copy put them there (2 lines)",
        hint: SPACED_VALUE_HINT,
        position: { file: "07.log", line: 1, column: 140 },
      },
    ]);
    expect(r.packets.map((p) => p.hooks)).toEqual([["ip:nat:PREROUTING"]]);
    const [ev] = r.packets[0]?.events ?? [];
    expect(ev?.ip?.src).toBe("110.110.110.108");
    expect(ev?.l4?.tcpOptions).toBe("020405B40402080AD3ADA6050000000001030307");
  });

  it("reads numbers and options the same way, and says the options when they are the first", () => {
    const line = PASTE[1]
      ?.replace("      SRC=", " SRC=")
      .replace("TTL=64", "TTL=   64")
      .replace("(     0204", "(0204  ") as string;
    const r = parseTraceText(line);
    expect(r.packets[0]?.events[0]?.ip?.ttl).toBe(64);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "read the value of TTL= as '64', without the run of spaces in it: the kernel prints one space between fields and none inside a value, so the copy put them there (1 line)",
      expect.stringContaining("user chain"),
    ]);
    const opt = parseTraceText(PASTE[1]?.replace("      SRC=", " SRC=") as string).diagnostics[0];
    expect(opt?.message).toMatch(/^read the value of OPT \(\.\.\.\) as '020405B4[0-9A-F]*', without the run/);
  });

  it("still refuses an empty value followed by the next field (nothing was read past the spaces)", () => {
    const r = parseTraceText(PASTE[0]?.replace("SRC=     110.110.110.108", "SRC=     DST=1.2.3.4") as string);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "error",
      message: "expected an IPv4 or IPv6 address after SRC=, found ''",
    });
  });

  it("says a user-chain first line after a refused line was refused, not that lines are missing", () => {
    const refused = PASTE[0]?.replace("SRC=     110.110.110.108", "SRC=110.110.110.1080") as string;
    const second = PASTE[1]?.replace("(     0204", "(0204") as string;
    const r = parseTraceText([refused, second].join("\n"), { file: "07.log" });
    expect(r.diagnostics.map((d) => [d.severity, d.position.line])).toEqual([
      ["error", 1],
      ["warning", 2],
    ]);
    expect(r.diagnostics[1]).toMatchObject({
      message:
        "packets whose first TRACE line read is at nat chain 'KUBE-SERVICES', a user chain, right after a line that was refused with an error: that line is likely the packet's line at the base chain that jumped to it, so the packet is drawn from nat 'KUBE-SERVICES' on (1 line)",
      hint: TRACE_USER_CHAIN_REFUSED_HINT,
    });
    // With no refused line before it, the lines before are said to be missing, as before.
    expect(parseTraceText(second).diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("so the lines before are missing from the paste"),
    ]);
  });
});
