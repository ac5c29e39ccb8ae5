/**
 * `packetwalk import` publishes a journalctl JSON record with the fields a reader and the parser
 * use, never the machine's, boot's or journal's identifiers (with or without --anonymize).
 */
import { describe, expect, it } from "vitest";
import { publishedJournalLine } from "../../../src/core/import/journal-fields.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const MESSAGE =
  "iptable/filter-INPUT IN=eth0 OUT= MAC=02:42:ac:11:00:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=172.17.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ";
const record = {
  __CURSOR: "s=7c1f;i=1a2b3;b=0f1e;m=3b9a;t=5f1e;x=9a8b",
  __REALTIME_TIMESTAMP: "1796093000000000",
  __MONOTONIC_TIMESTAMP: "77481073268",
  _BOOT_ID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  _MACHINE_ID: "4c2f9e8d7b6a59483726150f1e2d3c4b",
  _SYSTEMD_INVOCATION_ID: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
  _HOSTNAME: "desk",
  _TRANSPORT: "kernel",
  PRIORITY: "4",
  MESSAGE,
};

describe("publishedJournalLine", () => {
  it("keeps the message, time, transport, priority and host; names what it left out", () => {
    const r = publishedJournalLine(JSON.stringify(record));
    expect(r.dropped).toEqual(["__CURSOR", "_BOOT_ID", "_MACHINE_ID", "_SYSTEMD_INVOCATION_ID"]);
    expect(JSON.parse(r.line)).toEqual({
      __REALTIME_TIMESTAMP: "1796093000000000",
      __MONOTONIC_TIMESTAMP: "77481073268",
      _HOSTNAME: "desk",
      _TRANSPORT: "kernel",
      PRIORITY: "4",
      MESSAGE,
    });
    // Still a kernel record the parser reads, with its time.
    const parsed = parseTraceText(`${r.line}\n`);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.packets[0]?.events[0]?.time).toBe(1796093000);
  });

  it("keeps json-seq's RS byte and a MESSAGE stored as bytes", () => {
    const bytes = [...Buffer.from(MESSAGE, "utf8")];
    const r = publishedJournalLine(`\x1e${JSON.stringify({ ...record, MESSAGE: bytes })}`);
    expect(r.line.startsWith('\x1e{"__REALTIME_TIMESTAMP"')).toBe(true);
    expect(JSON.parse(r.line.slice(1)).MESSAGE).toEqual(bytes);
    expect(parseTraceText(`${r.line}\n`).packets).toHaveLength(1);
  });

  it("leaves other lines as they are: text envelopes, json-pretty's MESSAGE line, a record with nothing to drop", () => {
    for (const line of [
      `[77481.073268] ${MESSAGE}`,
      `\t"MESSAGE" : "${MESSAGE}",`,
      JSON.stringify({ __REALTIME_TIMESTAMP: "1", _TRANSPORT: "kernel", MESSAGE }),
    ])
      expect(publishedJournalLine(line)).toEqual({ line, dropped: [] });
  });
});
