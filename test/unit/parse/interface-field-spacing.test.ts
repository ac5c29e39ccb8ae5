/**
 * A LOG line whose `IN=` / `OUT=` lost or changed the one space the kernel prints after each
 * (nf_log_syslog's `"IN=%s OUT=%s "`): read when only the space changed, said where it is when
 * the fields cannot be told apart; never skipped as an unrelated line (pastes55 23 and 13).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseLogLine } from "../../../src/core/parse/parse-log-line.ts";

const STAMP = "Dec 24 09:18:25 BSWZ1S1 kernel: [ 5241.910715] [UFW BLOCK] ";
const REST = "SRC=192.168.1.147 DST=224.0.0.251 LEN=32 TOS=0x00 PREC=0xC0  TTL=1 ID=0 DF PROTO=2 ";

/** Each packet's first event as `hook IN= OUT= summary`, and the diagnostics as `line:col severity message`. */
function read(lines: readonly string[]) {
  const r = parseTraceText(lines.join("\n"), { file: "paste.log" });
  return {
    packets: r.packets.map((p) => {
      const e = p.events[0];
      return `${e?.hook} IN=${e?.in} OUT=${e?.out} ${p.summary}`;
    }),
    diagnostics: r.diagnostics.map(
      (d) => `${d.position.line}:${d.position.column} ${d.severity} ${d.message}`,
    ),
    hints: r.diagnostics.map((d) => d.hint),
    skipped: r.skippedLines,
  };
}

describe("white space other than one space around IN= and OUT=", () => {
  it("reads a forum's doubled space after an empty IN= (pastes55 23: was skipped, '0 packets, 1 other line')", () => {
    const r = read([`${STAMP}IN=  OUT=wlan0 ${REST}`]);
    expect(r.packets).toEqual([
      "ip:filter:OUTPUT IN= OUT=wlan0 IGMP (protocol 2) 192.168.1.147 -> 224.0.0.251",
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.skipped).toBe(0);
  });

  it("reads a tab, a non-breaking space or a space and a tab between IN= and OUT= (an editor's, a web page's)", () => {
    const r = read([
      `${STAMP}IN=eth0\tOUT= ${REST}`,
      `${STAMP}IN=eth0\u00a0OUT= ${REST}`,
      `${STAMP}IN= \tOUT=wlan0 ${REST}`,
    ]);
    expect(r.packets).toEqual([
      "ip:filter:INPUT IN=eth0 OUT= IGMP (protocol 2) 192.168.1.147 -> 224.0.0.251",
      "ip:filter:INPUT IN=eth0 OUT= IGMP (protocol 2) 192.168.1.147 -> 224.0.0.251",
      "ip:filter:OUTPUT IN= OUT=wlan0 IGMP (protocol 2) 192.168.1.147 -> 224.0.0.251",
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("says where other white space stands that no re-read as spaces mends (an ideographic space, a vertical tab)", () => {
    const lines = [`${STAMP}IN=eth0\u3000OUT= ${REST}`, `${STAMP}IN=eth0 OUT= \u000bMAC= ${REST}`];
    const r = read(lines);
    expect(r.packets).toEqual([]);
    expect(r.skipped).toBe(0);
    expect(r.diagnostics).toEqual([
      `1:${(lines[0] ?? "").indexOf("\u3000") + 1} error expected a space after IN=eth0, found white space U+3000: the kernel separates its fields with one space`,
      `2:${(lines[1] ?? "").indexOf("\u000b") + 1} error expected a field after the space, found white space U+000B: the kernel separates its fields with one space`,
    ]);
  });

  it("says a tab written as the text '\\t' where the space was (pastes55 23f)", () => {
    const line = `${STAMP}IN=\\tOUT=wlan0 ${REST}`;
    const r = read([line]);
    expect(r.skipped).toBe(0);
    expect(r.diagnostics).toEqual([
      `1:${line.indexOf("\\t") + 1} error expected a space after IN=, found '\\t': a tab written as an escape, not the kernel's space`,
    ]);
  });

  it("says the space lost between IN= and OUT= (was skipped as an unrelated line)", () => {
    const lines = [`${STAMP}IN=eth0OUT= ${REST}`, `${STAMP}IN=OUT=wlan0 ${REST}`];
    const r = read(lines);
    expect(r.skipped).toBe(0);
    // One problem, said once for both lines.
    expect(r.diagnostics).toEqual([
      `1:${(lines[0] ?? "").indexOf("OUT=") + 1} error expected a space before OUT=, found 'eth0OUT=': the space between IN= and OUT= was lost (2 lines)`,
    ]);
  });
});

describe("an empty OUT= glued to MAC= (pastes55 13, a BBCode post)", () => {
  const line =
    '"[COLOR=Blue]Nov  9 15:57:49 ubuntu kernel: [  344.473804] Inbound IN=wlan0 OUT=MAC=00:16xxxxxxxxxxxxxx.. SRC=81.230.168.75 DST=192.168.0.50 LEN=576 TOS=0x00 PREC=0xC0 TTL=64 ID=19214 PROTO=ICMP TYPE=3 CODE=4 [SRC=192.168.0.50 DST=65.54.165.177 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=43858 DF PROTO=TCP SPT=41861 DPT=80 WINDOW=5840 RES=0x00 ACK URGP=0 ] MTU=1492[/COLOR]" ';

  it("names the lost space at MAC=, not an interface of 25 characters", () => {
    const r = read([line]);
    // Before: "OUT= names an interface of 25 characters, longer than Linux allows (15)". Errors only: how
    // the BBCode around the line is read (a warning of joined lines, on main since h55-readers) is not this fix's.
    expect(r.diagnostics.filter((d) => d.includes(" error "))).toEqual([
      `1:${line.indexOf("MAC=") + 1} error expected a space after the empty OUT=, found 'OUT=MAC=': OUT= names no interface and the space between it and MAC= was lost (1 line)`,
    ]);
    expect(r.hints.filter((h) => h?.includes("empty field"))).toEqual([
      "a web page or a forum dropped the space after the empty field: put it back ('OUT= MAC=...'), or copy the log from its file or with journalctl -k",
    ]);
  });

  it("reads the line with that space put back, as far as its redacted MAC= lets it", () => {
    const fixed = line.replace("OUT=MAC=", "OUT= MAC=");
    const r = read([fixed]);
    // The rest is the post's own damage (the BBCode tag glued to MTU=): another error, not the lost space.
    expect(r.diagnostics.filter((d) => d.includes(" error "))).toEqual([
      `1:${fixed.indexOf("MTU=") + 5} error expected a number after MTU=, found '1492[/COLOR]"'`,
    ]);
  });

  it("says an empty IN= glued to OUT= the same way, once for the lines", () => {
    const lines = [`${STAMP}IN=OUT=wlan0 ${REST}`, `${STAMP}IN=OUT=wlan0 ${REST}`];
    const r = read(lines);
    expect(r.diagnostics).toEqual([
      `1:${(lines[0] ?? "").indexOf("OUT=") + 1} error expected a space after the empty IN=, found 'IN=OUT=': IN= names no interface and the space between it and OUT= was lost (2 lines)`,
    ]);
  });
});

describe("the fast path and the general reader agree on a damaged name", () => {
  it("leaves a name holding white space or a glued key to the general reader, which says it", () => {
    const fields =
      "MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.10 DST=172.17.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=4000 DF PROTO=TCP SPT=40000 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 ";
    for (const names of ["IN=eth0 OUT=dockTYPE=3 ", "IN=eth0 OUT=dock\ter0 ", "IN=et\u00a0h0 OUT=docker0 "]) {
      const line = `iptable/filter-FORWARD: ${names}${fields}`;
      const fast = parseLogLine(line, 0);
      // Before: the fast path read 'dockTYPE=3' and 'dock\ter0' as names, the general reader not.
      expect(fast).toEqual(parseLogLine(line, 0, undefined, false));
      expect(fast.kind).toBe("error");
    }
  });
});
