/**
 * ulogd's LOGEMU lines (date, host, then the packet) joined on one line by a forum's wide spaces,
 * the first without its date (tester56 paste 19, a UniFi Dream Machine's log): the host `UDM-Pro`
 * went into every record's LOG prefix (`unknown LOG prefix 'UDM-Pro [LAN_LOCAL-RET-2147483647]'`),
 * while the same record alone on its line reads with no map. Each record is read as it reads alone.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { envelopeStartBefore } from "../../../src/core/parse/record-start.ts";

const RECORD =
  '[LAN_LOCAL-RET-2147483647] DESCR="x" IN=wg0 OUT= MAC= SRC=192.168.0.225 DST=192.168.6.1 LEN=52 TOS=00 PREC=0x00 TTL=62 ID=11002 DF PROTO=TCP SPT=1514 DPT=39543 WINDOW=52883 RES=0x00 ACK URGP=0 ';

/** Prefix, hook and column of each event read from `text`. */
function events(text: string) {
  const r = parseTraceText(text);
  return {
    events: r.packets.flatMap((p) => p.events.map((e) => [e.prefix.trim(), e.hook, e.position.column])),
    messages: r.diagnostics.map((d) => d.message),
  };
}

describe("ulogd records joined on one line", () => {
  it("reads a dated record alone at ip:filter:INPUT with no map (the reference)", () => {
    expect(events(`May 14 13:12:11 UDM-Pro ${RECORD}`).events).toEqual([
      ["[LAN_LOCAL-RET-2147483647]", "ip:filter:INPUT", 25],
    ]);
  });

  it("reads each record so when the first lost its date: no host in any prefix", () => {
    const line = `UDM-Pro ${RECORD}      May 14 13:12:11 UDM-Pro ${RECORD}      May 14 13:12:12 UDM-Pro ${RECORD}`;
    const second = line.indexOf("May 14");
    const third = line.indexOf("May 14", second + 1);
    const r = events(line);
    expect(r.events).toEqual([
      ["[LAN_LOCAL-RET-2147483647]", "ip:filter:INPUT", 9],
      ["[LAN_LOCAL-RET-2147483647]", "ip:filter:INPUT", second + 25],
      ["[LAN_LOCAL-RET-2147483647]", "ip:filter:INPUT", third + 25],
    ]);
    expect(r.messages).toEqual([
      "several log lines joined on one line (by a web page or a chat), read apart at each line's time stamp (1 line)",
    ]);
  });

  it("keeps a first word that is not the dated records' host in the prefix", () => {
    const line = `OTHER ${RECORD}      May 14 13:12:11 UDM-Pro ${RECORD}`;
    const r = events(line);
    expect(r.events).toEqual([
      ["[LAN_LOCAL-RET-2147483647]", "ip:filter:INPUT", line.indexOf("May 14") + 25],
    ]);
    expect(r.messages).toContain(
      "unknown LOG prefix 'OTHER [LAN_LOCAL-RET-2147483647]' (1 line): which table and chain wrote it?",
    );
  });

  it("ends its look back at a line's first character, a space too (it looped forever on ' TRACE: ' lines)", () => {
    // String#lastIndexOf clamps a negative start to 0, so a space at 0 was found again and again.
    expect(envelopeStartBefore(" [LAN] IN=", 2, 0)).toBe(2);
    expect(envelopeStartBefore("  [LAN] IN=", 1, 0)).toBe(1);
    const r = parseTraceText(
      " TRACE: 5 0a0b0c0d edge:ingress:rule:0x2:CONTINUE \n TRACE: 5 0a0b0c0d edge:ingress:policy:ACCEPT \n",
    );
    expect(r.packets).toEqual([]);
  });
});
