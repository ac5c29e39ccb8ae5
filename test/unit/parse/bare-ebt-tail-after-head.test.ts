/**
 * An ebtables line without its IP tail followed right away by a bare line holding that tail, neither
 * with an envelope (`dmesg -t`): read as one line a page or a mail wrapped, with the wrap warning.
 * Before, it was said to be split by the kernel and the tail was not read.
 *
 * Evidence, kernel 6.18: a bridge between two pw-lines- namespaces with `ebtables -A FORWARD -p IPv4
 * --log-ip --log-prefix pwsplit` (ebtables 1.8.9, nf_tables), pinged every 2 ms from CPU 0 while a
 * third namespace's `iptables -A INPUT -p icmp -j LOG --log-prefix "pwother "` logged pings from CPU 1,
 * six runs of 150 pings each: of 1800 ebtables lines, 13 had their tail split off, and every split
 * tail came after the other CPU's LOG line, never right after its head (`dmesg -t` printed the three
 * lines below, in that order). The printk ring buffer extends the last record only for the same
 * caller, so a tail starts a record of its own only once another message took the place after its
 * head. A split (another line between) is still said as one, as is a tail with an envelope of its
 * own (wrapped-ebtables-lines.test.ts).
 */
import { describe, expect, it } from "vitest";
import { type ParseOptions, parseTraceText } from "../../../src/core/parse/index.ts";

const HEAD =
  "pwsplit IN=vb OUT=va MAC source = 06:0d:c5:b4:f4:e6 MAC dest = 46:b9:46:10:e1:77 proto = 0x0800";
const OTHER =
  "pwother IN=eth0 OUT= MAC=72:6e:e9:1d:7d:f3:d2:b8:8d:88:41:50:08:00 SRC=203.0.113.1 DST=203.0.113.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=55578 DF PROTO=ICMP TYPE=8 CODE=0 ID=5343 SEQ=96 ";
const TAIL = " IP SRC=198.51.100.2 IP DST=198.51.100.1, IP tos=0x00, IP proto=1";
const MAP: ParseOptions = {
  prefixMap: { pwsplit: "bridge:filter:FORWARD", pwother: "ip:filter:INPUT" },
  file: "dmesg.txt",
};

const SPLIT =
  "warning expected the start of an ebtables log line, found its IP/ARP tail on a line of its own: the kernel split the line, and the tail was not read (1 line)";
const WRAPPED =
  "warning ebtables log line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (1 line)";

/** What a parse says: its packets, where each was read, and its problems. */
function read(text: string) {
  const r = parseTraceText(text, MAP);
  return {
    packets: r.packets.map((p) => [p.summary, p.events[0]?.position.line]),
    problems: r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity} ${d.message}`),
  };
}

describe("a bare ebtables tail right after its bare head", () => {
  it("still says a real kernel split (the other CPU's line between) as one", () => {
    expect(read([HEAD, OTHER, TAIL].join("\n"))).toEqual({
      packets: [
        ["frame 06:0d:c5:b4:f4:e6 -> 46:b9:46:10:e1:77 type 0x0800", 1],
        ["ICMP echo-request 203.0.113.1 -> 203.0.113.2", 2],
      ],
      problems: [`3:1 ${SPLIT}`],
    });
  });

  it.each([
    ["as the kernel's tail starts, with its space", TAIL],
    ["broken at that space", TAIL.trimStart()],
    ["indented", `    ${TAIL.trimStart()}`],
  ])("reads the tail right after its head %s as the line's wrapped rest", (_, tail) => {
    // Before: the frame without its IP data and `2:1 ... the kernel split the line, and the tail was not read`.
    expect(read(`${HEAD}\n${tail}`)).toEqual({
      packets: [["ICMP 198.51.100.2 -> 198.51.100.1", 1]],
      problems: [`1:1 ${WRAPPED}`],
    });
  });

  it("joins each of many such lines and holds no line that is not a tail", () => {
    const text = [HEAD, TAIL, HEAD, TAIL, HEAD, "hello"].join("\n");
    const r = parseTraceText(text, MAP);
    expect(r.packets.flatMap((p) => p.events.map((e) => [e.position.line, e.ip?.src ?? null]))).toEqual([
      [1, "198.51.100.2"],
      [3, "198.51.100.2"],
      [5, null],
    ]);
    expect(r.skippedLines).toBe(1);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      WRAPPED.replace("warning ", "").replace("(1 line)", "(2 lines)"),
    ]);
  });
});
