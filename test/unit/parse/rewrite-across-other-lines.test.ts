/**
 * An IPv6 packet (no IP id) is tied across a NAT rewrite only by its previous line being the one
 * just before: that means the previous netfilter line, so a kernel message printed between two
 * lines of one packet (another CPU's, a bridge port changing state) or a journal export's record
 * fields do not split a reply from its un-SNAT. Lines as a maintainer's capture printed them.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const REQUEST =
  "[39497.896548] p/iptable/nat-POSTROUTE IN=docker0 OUT=eth0 PHYSIN=veth1 MAC=02:42:ac:11:00:01:02:42:ac:11:00:02:86:dd SRC=fd00:000a:0000:0000:0000:0000:0000:0002 DST=2001:0db8:0002:0000:0000:0000:0000:0010 LEN=104 TC=0 HOPLIMIT=63 FLOWLBL=956574 PROTO=ICMPv6 TYPE=128 CODE=0 ID=14654 SEQ=1 ";
const REPLY_BEFORE =
  "[39497.896612] p/iptable/raw-PREROUTE IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:86:dd SRC=2001:0db8:0002:0000:0000:0000:0000:0010 DST=2001:0db8:0001:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=541435 PROTO=ICMPv6 TYPE=129 CODE=0 ID=14654 SEQ=1 ";
const REPLY_AFTER =
  "[39497.896620] p/iptable/mangle-FORWARD IN=eth0 OUT=docker0 MAC=52:54:00:12:34:56:52:54:00:65:43:21:86:dd SRC=2001:0db8:0002:0000:0000:0000:0000:0010 DST=fd00:000a:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=63 FLOWLBL=541435 PROTO=ICMPv6 TYPE=129 CODE=0 ID=14654 SEQ=1 ";

const summaries = (lines: string[]) =>
  parseTraceText(lines.join("\n")).packets.map((p) => `${p.flow} ${p.direction} ${p.summary}`);

describe("an IPv6 reply's un-SNAT across lines that are not netfilter's", () => {
  const joined = [
    "1 request ICMPv6 echo-request fd00:a::2 -> 2001:db8:2::10",
    "1 reply ICMPv6 echo-reply 2001:db8:2::10 -> 2001:db8:1::2, un-SNAT to fd00:a::2",
  ];

  it("stays one packet with a kernel message between its lines", () => {
    expect(summaries([REQUEST, REPLY_BEFORE, REPLY_AFTER])).toEqual(joined);
    expect(
      summaries([
        REQUEST,
        REPLY_BEFORE,
        "[39497.896613] docker0: port 1(veth1) entered forwarding state",
        REPLY_AFTER,
      ]),
    ).toEqual(joined);
    expect(summaries([REQUEST, REPLY_BEFORE, "", "", REPLY_AFTER])).toEqual(joined);
  });

  it("is not tied to a packet whose last line was not the netfilter line just before", () => {
    // Another packet's line between them: the rewrite is not believed (no IP id to tell).
    const other = REQUEST.replace("SEQ=1 ", "SEQ=2 ").replace("[39497.896548]", "[39497.896615]");
    const lines = summaries([REQUEST, REPLY_BEFORE, other, REPLY_AFTER]);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe("2 reply ICMPv6 echo-reply 2001:db8:2::10 -> 2001:db8:1::2");
  });
});
