/**
 * A LOG line with a redacted address, hard-wrapped by a mail at about 80 columns (tester55 paste 09,
 * a bugzilla report: `DST=XXX.4`): its continuation lines are its rest, joined to it, and the joined
 * line gets the redaction error once; before, the rest was said to be "split in two syslog messages"
 * and the last piece (`SEQ=2`) was counted as another line, silently. With the address put back
 * (198.51.100.4) the same three lines read as one ICMP echo reply.
 */
import { describe, expect, it } from "vitest";
import { type ParseOptions, parseTraceText } from "../../../src/core/parse/index.ts";

const HEAD = "[36651.164496] VPN INPUT FW: IN=ip_vti0 OUT= MAC= SRC=10.20.0.100 DST=XXX.4";
const REST = "LEN=84 TOS=0x00 PREC=0x00 TTL=253 ID=36963 DF PROTO=ICMP TYPE=0 CODE=0 ID=911";
const MAP: ParseOptions = { prefixMap: { "VPN INPUT FW:": "ip:filter:INPUT" }, file: "paste.log" };

const redacted = (field: string, value: string, lines: number) =>
  `error expected an address after ${field}, found '${value}': the address was redacted before the log was shared, so the line was not read (${lines} ${lines === 1 ? "line" : "lines"})`;
const wrapped = (lines: number) =>
  `warning LOG line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (${lines} ${lines === 1 ? "line" : "lines"})`;

/** What a parse says: its problems, sorted as the CLI prints them, and the lines it skipped. */
function read(text: string) {
  const r = parseTraceText(text, MAP);
  return {
    packets: r.packets.map((p) => p.summary),
    problems: r.diagnostics
      .map((d) => [d.position.line, d.position.column, `${d.severity} ${d.message}`] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([l, c, m]) => `${l}:${c} ${m}`),
    skipped: r.skippedLines,
  };
}

describe("a LOG line with a redacted address, wrapped by a mail", () => {
  it("joins the mail's pieces to it and says the redaction once (tester55 paste 09)", () => {
    const paste = [
      "I put a LOG in netfilter and i recive the follow log",
      "",
      HEAD,
      REST,
      "SEQ=2",
      "",
      "",
      "?",
    ];
    // Before: 3:71 the redaction, 4:1 "the sender split the line in two syslog messages", SEQ=2 skipped (3 lines).
    expect(read(paste.join("\n"))).toEqual({
      packets: [],
      problems: [`3:1 ${wrapped(1)}`, `3:71 ${redacted("DST=", "XXX.4", 1)}`],
      skipped: 2,
    });
    // The address put back: the packet the joined line reads as.
    expect(read(paste.join("\n").replace("XXX.4", "198.51.100.4"))).toEqual({
      packets: ["ICMP echo-reply 10.20.0.100 -> 198.51.100.4"],
      problems: [`3:1 ${wrapped(1)}`],
      skipped: 2,
    });
  });

  it("counts each wrapped line once, an IPv6 one too, and holds no line that is not a rest", () => {
    const two = [HEAD, REST, "SEQ=2", HEAD.replace("36651", "36652"), REST, "SEQ=3"].join("\n");
    expect(read(two).problems).toEqual([`1:1 ${wrapped(2)}`, `1:71 ${redacted("DST=", "XXX.4", 2)}`]);
    const v6 = [
      "[1.0] FW: IN=eth0 OUT= SRC=<redacted> DST=2001:db8::2",
      "LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1",
    ].join("\n");
    expect(read(v6).problems).toEqual([`1:1 ${wrapped(1)}`, `1:28 ${redacted("SRC=", "<redacted>", 1)}`]);
    // Cut and not continued: the redaction said as it was, the next line read as what it is.
    for (const [text, skipped] of [
      [HEAD, 0],
      [`${HEAD}\nhello`, 1],
    ] as const)
      expect(read(text)).toEqual({
        packets: [],
        problems: [`1:71 ${redacted("DST=", "XXX.4", 1)}`],
        skipped,
      });
  });
});
