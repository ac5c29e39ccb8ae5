/**
 * tracepkt's table (a BPF packet tracer, tester56 paste 16): rows such as
 * `[           0]                  request 10.0.46.15 -> 216.58.210.3         step IN= OUT=eth0 raw:OUTPUT:rule:3`
 * hold `IN= OUT=`, and were refused as kernel LOG lines cut short (`expected SRC= before the end of the
 * line ... looks cut short`, 4 errors). They are another program's text: one warning says what they are.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const TABLE = [
  "root@localhost:/# python ./tracepkt.py 216.58.210.3",
  "    NETWORK NS        INTERFACE    TYPE ADDRESSES                          IPTABLES",
  "[           0]                  request 10.0.46.15 -> 216.58.210.3         step IN= OUT=eth0 raw:OUTPUT:rule:3",
  "[           0]                  request 10.0.46.15 -> 216.58.210.3             raw.OUTPUT      :ACCEPT",
  "[           0]                  request 10.0.46.15 -> 216.58.210.3         step IN= OUT=eth0 nat:OUTPUT:rule:1",
  "[  4026531993]         eth0     reply 216.58.210.3 -> 10.0.46.15         step IN=eth0 OUT= raw:PREROUTING:policy:2",
].join("\n");

describe("a packet tracer's table", () => {
  it("is said to be the tracer's rows, once with the count, with no error of a cut kernel line", () => {
    const r = parseTraceText(TABLE, { file: "t.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.message, d.position?.line])).toEqual([
      [
        "warning",
        "expected a kernel LOG line, found a row of a packet tracer's table (tracepkt: 'request a -> b', then the netfilter step it saw): not a kernel line, not read (4 lines)",
        3,
      ],
    ]);
  });

  it("leaves a LOG line that holds SRC= its error, whatever its prefix says", () => {
    const r = parseTraceText("request 10.0.0.1 -> 10.0.0.2 IN= OUT=eth0 SRC=10.0.0.1 DST=");
    expect(r.diagnostics.map((d) => d.severity)).toEqual(["error"]);
    const log = parseTraceText(
      "[  12.000000] request 10.0.0.1 -> 10.0.0.2 IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ",
    );
    expect(log.diagnostics.map((d) => d.message)).toEqual([
      "unknown LOG prefix 'request 10.0.0.1 -> 10.0.0.2' (1 line): which table and chain wrote it?",
    ]);
  });
});
