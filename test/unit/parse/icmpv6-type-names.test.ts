/**
 * ICMPv6 types are named in a packet's summary and in the quote of an ICMP error, neighbour discovery's
 * redirect included (a 6in4 tunnel's router answers with one): `type 137` told a reader nothing.
 * The line is the kernel's LOG format for an ICMPv6 error quoting a redirect (nf_log_syslog.c prints
 * the quoted packet in brackets), with documentation addresses.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { summarizeEvent } from "../../../src/core/parse/summarize-packet.ts";

const LINE =
  "Jan 27 20:42:37 gw kernel: [ 1949.847386] [UFW BLOCK] IN=he-ipv6 OUT= MAC= SRC=fe80:0000:0000:0000:0000:0000:0000:0001 DST=fe80:0000:0000:0000:0000:0000:0000:0002 LEN=216 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=1 CODE=2 [SRC=fe80:0000:0000:0000:0000:0000:0000:0002 DST=2001:0db8:0000:0000:0000:0000:0000:0093 LEN=168 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=137 CODE=0 ] ";

describe("ICMPv6 type names", () => {
  it("names a redirect, in a packet of its own and quoted by an error", () => {
    const redirect = LINE.replace(/PROTO=ICMPv6 TYPE=1 CODE=2 \[.*$/, "PROTO=ICMPv6 TYPE=137 CODE=0 ");
    expect(parseTraceText(redirect).packets[0]?.summary).toBe("ICMPv6 redirect fe80::1 -> fe80::2");
    const error = parseTraceText(LINE).packets[0]?.events[0];
    expect(error?.inner).toBeDefined();
    expect(
      summarizeEvent({ ip: error?.inner?.ip, l4: error?.inner?.l4 } as Parameters<typeof summarizeEvent>[0]),
    ).toBe("ICMPv6 redirect fe80::2 -> 2001:db8::93");
  });
});
