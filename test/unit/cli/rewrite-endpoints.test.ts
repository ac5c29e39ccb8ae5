/**
 * `packetwalk parse`'s text output writes a rewrite's addresses as the packet's summary does: IPv6 in
 * short form and in brackets before a port. LOG prints IPv6 addresses with all 32 digits; glued to a
 * port (`fd00:0001:…:0002:50177`) the port read as a ninth group (hv47 x13).
 */
import { describe, expect, it } from "vitest";
import { formatPacket } from "../../../src/cli/packet-output.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

// Recorded on kernel 6.18: a router DNATs UDP to [fd00:1::1]:5353 onwards to [fd00:2::2]:53.
const LOG = `[49545.135799] hv47r-mangle-PREROUTING: IN=hv47r1 OUT= MAC=c6:84:ff:a6:4f:fc:02:fb:66:4e:27:7e:86:dd SRC=fd00:0001:0000:0000:0000:0000:0000:0002 DST=fd00:0001:0000:0000:0000:0000:0000:0001 LEN=51 TC=0 HOPLIMIT=64 FLOWLBL=996520 PROTO=UDP SPT=50177 DPT=5353 LEN=11
[49545.135809] hv47r-nat-PREROUTING: IN=hv47r1 OUT= MAC=c6:84:ff:a6:4f:fc:02:fb:66:4e:27:7e:86:dd SRC=fd00:0001:0000:0000:0000:0000:0000:0002 DST=fd00:0001:0000:0000:0000:0000:0000:0001 LEN=51 TC=0 HOPLIMIT=64 FLOWLBL=996520 PROTO=UDP SPT=50177 DPT=5353 LEN=11
[49545.135822] hv47r-mangle-FORWARD: IN=hv47r1 OUT=hv47r2 MAC=c6:84:ff:a6:4f:fc:02:fb:66:4e:27:7e:86:dd SRC=fd00:0001:0000:0000:0000:0000:0000:0002 DST=fd00:0002:0000:0000:0000:0000:0000:0002 LEN=51 TC=0 HOPLIMIT=63 FLOWLBL=996520 PROTO=UDP SPT=50177 DPT=53 LEN=11`;

function packets(text: string): Packet[] {
  const out: Packet[] = [];
  const parser = new TraceParser((p) => out.push(p), { file: "x13.log" });
  for (const line of text.split("\n")) parser.line(line);
  parser.end();
  return out;
}

describe("rewrite endpoints in the text output", () => {
  it("writes IPv6 short, bracketed before a port, as the summary does", () => {
    const [p] = packets(LOG);
    expect(p?.summary).toBe("UDP [fd00:1::2]:50177 -> [fd00:1::1]:5353, DNAT to [fd00:2::2]:53");
    const text = formatPacket(p as Packet, "human");
    expect(text).toContain(
      "rewrite dnat between ip6:nat:PREROUTING and ip6:mangle:FORWARD: [fd00:1::2]:50177 -> [fd00:1::1]:5353  =>  [fd00:1::2]:50177 -> [fd00:2::2]:53",
    );
    expect(text).not.toContain("0000:");
  });

  it("writes them short in --json too, as its header does", () => {
    // Session 53 changed this: --json kept the line's 32 digits in `rewrites` while `header` gave the
    // short form, so a script comparing the two never matched (a tester's NAT66 capture); the lines
    // give no one form to compare with anyway (LOG prints 32 digits, an nft trace the short form).
    const [p] = packets(LOG);
    const json = JSON.parse(formatPacket(p as Packet, "json"));
    expect(json.header.src).toBe("fd00:1::2");
    expect(json.rewrites[0].from).toEqual({ src: "fd00:1::2", dst: "fd00:1::1", sport: 50177, dport: 5353 });
    expect(json.rewrites[0].to).toEqual({ src: "fd00:1::2", dst: "fd00:2::2", sport: 50177, dport: 53 });
  });
});
