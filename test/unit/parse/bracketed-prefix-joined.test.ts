/**
 * Two LOG records a chat or a web page joined on one line, the second without its envelope: it starts
 * with its bracketed LOG prefix (`... URGP=0 [UFW BLOCK] IN=wan0 OUT= ...`), so the line is read apart
 * there, whether the first record has a syslog envelope, a dmesg stamp or none, and whatever the first
 * record's own prefix. Before, the reader ran on into the second record's fields and refused the whole
 * line ("expected LEN= before the end of the line"). The records are real (fixture real-ufw-drops:
 * kernel 6.18, ufw's rules, `[UFW AUDIT]` then `[UFW BLOCK]` for one TCP SYN to port 23).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const lines = readFileSync(
  join(import.meta.dirname, "../../fixtures/parse/real-ufw-drops/input.log"),
  "utf8",
).split("\n");
/** The two records of the TCP SYN to port 23, without their dmesg stamps. */
const AUDIT = (lines[2] as string).replace(/^\[[^\]]*\] /, "");
const BLOCK = (lines[3] as string).replace(/^\[[^\]]*\] /, "");
const BARE_JOINED =
  "several log lines joined on one line (by a web page or a chat), read apart where each line starts (1 line)";

describe("a record joined after another, starting with its bracketed LOG prefix", () => {
  it.each([
    ["a syslog envelope", "Jan 12 10:00:01 host kernel: [44250.055350] "],
    ["a dmesg stamp", "[44250.055350] "],
    ["no envelope", ""],
  ])("is read apart after a record with %s", (_, envelope) => {
    expect(AUDIT.startsWith("[UFW AUDIT] IN=wan0 OUT= ")).toBe(true);
    expect(BLOCK.startsWith("[UFW BLOCK] IN=wan0 OUT= ")).toBe(true);
    // The kernel ends each record with a space: the join keeps it.
    const line = `${envelope}${AUDIT}${BLOCK}`;
    const r = parseTraceText(`${line}\n`, { file: "chat.log" });
    expect(r.packets).toHaveLength(1);
    const events = r.packets[0]?.events ?? [];
    expect(events.map((e) => [e.prefix, e.hook, e.position.column])).toEqual([
      ["[UFW AUDIT] ", "ip:filter:INPUT", envelope.length + 1],
      ["[UFW BLOCK] ", "ip:filter:INPUT", envelope.length + AUDIT.length + 1],
    ]);
    expect(events[1]?.drop).toBeDefined();
    expect(r.diagnostics.map((d) => [d.severity, d.position.column, d.message])).toEqual([
      ["warning", envelope.length + AUDIT.length + 1, BARE_JOINED],
    ]);
  });

  it("does not split at an ICMP error's quoted packet, nor at a bracket in a record's own prefix", () => {
    // A quoted packet `[SRC=... ]` holds `=`: no prefix. One record reads as one line, no warning.
    const quoted =
      "[  100.000000] iptable/filter-INPUT IN=eth0 OUT= SRC=198.51.100.2 DST=198.51.100.1 LEN=112 TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=11 CODE=0 [SRC=198.51.100.1 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=1 ID=2 DF PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1 ] ";
    const r = parseTraceText(`${quoted}\n${lines[3]}\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.flatMap((p) => p.events.map((e) => e.position.line))).toEqual([1, 2]);
  });

  it("does not split at a record's own stamp after its envelope, with a page's markup before the line", () => {
    // A forum's BBCode before a syslog line (tester55 paste 13): `kernel: [  344.47] ` is one record's
    // envelope, not a record joined after markup. Its fields lost a space (`OUT=MAC=`), as that paste's
    // did: the error says so, and no warning of joined lines is added.
    const broken = BLOCK.replace("OUT= MAC=", "OUT=MAC=");
    const line = `"[COLOR=Blue]Jan 12 10:00:01 host kernel: [44250.055350] ${broken}[/COLOR]"`;
    const r = parseTraceText(`${line}\n`);
    expect(r.diagnostics.map((d) => [d.severity, d.message.split(":")[0]])).toEqual([
      ["error", "expected a space after the empty OUT=, found 'OUT=MAC='"],
    ]);
  });
});
