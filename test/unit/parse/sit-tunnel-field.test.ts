/**
 * `TUNNEL=<outer src>-><outer dst>`, which LOG prints after `MAC=` for a packet in on a 6in4 (SIT)
 * device (pastes55 14, a Hurricane Electric tunnel behind ufw): kept in the event, printed in
 * `parse --json`'s header and beside the interfaces.
 *
 * The format, from nf_log_syslog.c: dump_ipv6_mac_header printed `"TUNNEL=%pI4->%pI4 "` after the
 * MAC's bytes and their space when `dev->type == ARPHRD_SIT`; since the MAC header dumpers were
 * merged (netfilter: nf_log_syslog: Merge MAC header dumpers, 2022) dump_mac_header prints
 * `" TUNNEL=%pI4->%pI4"` before the field's closing space, the same text, for IPv4 packets too.
 * No real capture: this machine's kernel (6.18) has no sit module (`ip tunnel add ... mode sit`:
 * 'add tunnel "sit0" failed: No such device'); the line below is the paste's own.
 */
import { describe, expect, it } from "vitest";
import { packetHeader } from "../../../src/cli/packet-header-json.ts";
import { packetTail } from "../../../src/cli/packet-output.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

/** One line of the paste: a redirect's ICMPv6 error on he-ipv6, its outer IPv4 header in TUNNEL=. */
const LINE =
  "Jan 27 20:42:37 gateway kernel: [ 1949.847386] [UFW BLOCK] IN=he-ipv6 OUT= MAC=70:71:bc:bc:72:e7:00:23:cd:b0:5a:6e:08:00:45:00:00:ec:00:00:40:00:f7:29:8f:d4:d8:42:50:1a:c0:a8:0a:0f:60:00:00:00:00:b0:3a:40:fe:80:00:00:00:00:00:00:00:00:00:00:d8:42:50:1a:fe:80:00:00:00:00:00:00:00:00:00:00:c0:a8:14:fd:01:02:68:49:00:00:00:00:60:00:00:00:00:80:3a:ff:fe:80:00:00:00:00:00:00:00:00:00:00:c0:a8:14:fd:2a:00:14:50:80:06:00:00:00:00:00:00:00:00:00:93:89:00:63:64:00:00:00:00:20:01:04:70:1f:09:10:e7:d4:d1:f2:05:65:fc:84:94:20:01 TUNNEL=216.66.80.26->192.168.10.15 SRC=fe80:0000:0000:0000:0000:0000:d842:501a DST=fe80:0000:0000:0000:0000:0000:c0a8:14fd LEN=216 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=1 CODE=2 [SRC=fe80:0000:0000:0000:0000:0000:c0a8:14fd DST=2a00:1450:8006:0000:0000:0000:0000:0093 LEN=168 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=137 CODE=0 ] ";

describe("TUNNEL= of a packet in on a SIT (6in4) device", () => {
  it("keeps the tunnel's outer addresses in the event, the --json header and the human output", () => {
    const r = parseTraceText(LINE, { file: "paste.log" });
    expect(r.diagnostics).toEqual([]);
    const p = r.packets[0];
    expect(p?.events[0]?.tunnel).toEqual({ src: "216.66.80.26", dst: "192.168.10.15" });
    // Before: read and dropped as an unknown key, so absent from `parse --json`.
    expect(packetHeader(p?.events ?? [])).toMatchObject({
      proto: "icmpv6",
      tunnel: { src: "216.66.80.26", dst: "192.168.10.15" },
    });
    // Not the quoted packet's: the quote has no tunnel of its own.
    expect(
      JSON.parse(`{${packetTail(p as NonNullable<typeof p>, "json").trim()}`).events[0].quoted,
    ).not.toHaveProperty("tunnel");
    expect(packetTail(p as NonNullable<typeof p>, "human")).toContain(
      "IN=he-ipv6 OUT= TUNNEL=216.66.80.26->192.168.10.15  dropped at this hook",
    );
  });

  it("reads an IPv4 packet's TUNNEL= too (the merged dump_mac_header prints it for both families)", () => {
    const line =
      "[ 10.000000] iptable/filter-INPUT: IN=sit1 OUT= MAC= TUNNEL=198.51.100.1->198.51.100.2 SRC=203.0.113.1 DST=203.0.113.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ";
    const r = parseTraceText(line);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.events[0]?.tunnel).toEqual({ src: "198.51.100.1", dst: "198.51.100.2" });
  });

  it("says a damaged TUNNEL= where it is, as the kernel prints two IPv4 addresses", () => {
    const line = LINE.replace("TUNNEL=216.66.80.26->192.168.10.15", "TUNNEL=216.66.80.26-192.168.10.15");
    const r = parseTraceText(line);
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.position.column} ${d.message}`)).toEqual([
      `${line.indexOf("TUNNEL=") + 8} expected two IPv4 addresses joined by '->' after TUNNEL= (192.0.2.1->198.51.100.7), found '216.66.80.26-192.168.10.15'`,
    ]);
  });
});
