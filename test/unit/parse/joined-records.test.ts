/**
 * Log records a web page or a chat paste joined on one line (their newlines lost): read apart at
 * each record's time stamp, problems at their columns in the joined line, one warning for the log.
 * The records are the kernel's (6.18, LOG target, `iptables -j LOG --log-prefix`), put side by side
 * as a vendor's documentation page shows them.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const FIELDS = (id: number, ttl = "64") =>
  `IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=198.51.100.7 DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} DF PROTO=TCP SPT=${40000 + id} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 `;
const JOINED =
  "several log lines joined on one line (by a web page or a chat), read apart at each line's time stamp";

describe("records joined on one line", () => {
  it.each([
    ["syslog", (n: number) => `Dec  1 10:00:0${n} host kernel: [  123.${n}00000] `],
    ["dmesg", (n: number) => `[  123.${n}00000] `],
    ["ISO journal", (n: number) => `2026-12-01T10:00:0${n}.000000+00:00 host kernel: `],
  ])("reads the %s records of one line apart, each a packet of its own", (_, stamp) => {
    const line = [1, 2, 3].map((n) => `${stamp(n)}iptable/filter-INPUT: ${FIELDS(n)}`).join("");
    const r = parseTraceText(`${line}\n`, { file: "page.log" });
    expect(r.packets.map((p) => p.summary)).toEqual([
      "TCP SYN 198.51.100.7:40001 -> 203.0.113.5:22",
      "TCP SYN 198.51.100.7:40002 -> 203.0.113.5:22",
      "TCP SYN 198.51.100.7:40003 -> 203.0.113.5:22",
    ]);
    // Each event at its own record's message in the line.
    const second = line.indexOf(stamp(2));
    expect(r.packets[1]?.events[0]?.position).toEqual({
      file: "page.log",
      line: 1,
      column: second + stamp(2).length + 1,
    });
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `1:${second + 1} ${JOINED} (1 line)`,
    ]);
  });

  it("says a problem of a later record at its column in the joined line", () => {
    const stamp = (n: number) => `Dec  1 10:00:0${n} host kernel: `;
    const line = `${stamp(1)}iptable/filter-INPUT: ${FIELDS(1)}${stamp(2)}iptable/filter-INPUT: ${FIELDS(2, "6x")}`;
    const r = parseTraceText(`${line}\n${line}\n`, { file: "chat.log" });
    expect(r.packets).toHaveLength(2);
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `1:${line.indexOf("TTL=6x") + 5} expected a number after TTL=, found '6x'`,
      `1:${line.indexOf(stamp(2)) + 1} ${JOINED} (2 lines)`,
      `2:${line.indexOf("TTL=6x") + 5} expected a number after TTL=, found '6x'`,
    ]);
  });

  it("never splits inside a record's LOG prefix, even one holding a time stamp", () => {
    // A LOG prefix may hold any text up to 29 characters: a date, a dmesg stamp, `host kernel:`.
    const cases = [
      ["Dec  1 10:00:01 host kernel: ", "Dec  1 10:00:02 host kernel: ", "fw Dec 1 10:00:00 x: "],
      ["[  123.100000] ", "[  123.200000] ", "fw [ 1.5] kernel: "],
      ["2026-12-01T10:00:01 host kernel: ", "2026-12-01T10:00:02 host kernel: ", "fw 2026-12-01T10:00:00 "],
    ];
    for (const [first, second, prefix] of cases) {
      const alone = parseTraceText(`${first}${prefix}${FIELDS(1)}\n`, {
        prefixMap: { [prefix as string]: "ip:filter:INPUT" },
      });
      expect(alone.diagnostics).toEqual([]);
      expect(alone.packets[0]?.events[0]?.prefix).toBe(prefix);
      const r = parseTraceText(`${first}${prefix}${FIELDS(1)}${second}${prefix}${FIELDS(2)}\n`, {
        prefixMap: { [prefix as string]: "ip:filter:INPUT" },
      });
      expect(r.packets.map((p) => p.events[0]?.prefix)).toEqual([prefix, prefix]);
      expect(r.packets.map((p) => p.events[0]?.ip?.id)).toEqual([1, 2]);
      expect(r.diagnostics.map((d) => d.message)).toEqual([`${JOINED} (1 line)`]);
    }
  });

  it("splits after a record of any protocol: a UDP record's LEN=, a reset's URGP=, an echo's SEQ=", () => {
    // As a vendor's page shows its firewall log: one paragraph, the records' newlines gone.
    const stamp = (n: number) => `Mar 19 18:49:3${n} gw1 kernel: IPTABLES Dropped: `;
    const head =
      "IN=eth0 OUT= MAC=00:0c:29:cf:4d:c8:2c:21:72:c6:99:08:08:00 SRC=198.51.100.17 DST=203.0.113.53";
    const line = [
      `${stamp(1)}${head} LEN=40 TOS=0x00 PREC=0x00 TTL=63 ID=51749 DF PROTO=TCP SPT=51093 DPT=5000 WINDOW=0 RES=0x00 RST URGP=0 `,
      `${stamp(2)}${head} LEN=337 TOS=0x10 PREC=0x00 TTL=128 ID=0 PROTO=UDP SPT=68 DPT=67 LEN=317 `,
      `${stamp(3)}${head} LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=7 DF PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1 `,
      `${stamp(4)}${head} LEN=52 TOS=0x00 PREC=0x00 TTL=126 ID=18544 DF PROTO=TCP SPT=53543 DPT=443 WINDOW=8192 RES=0x00 SYN URGP=0 `,
    ].join("");
    const r = parseTraceText(line, { prefixMap: { "IPTABLES Dropped:": "ip:filter:INPUT" } });
    expect(r.packets.map((p) => p.summary)).toEqual([
      "TCP RST 198.51.100.17:51093 -> 203.0.113.53:5000",
      "UDP 198.51.100.17:68 -> 203.0.113.53:67",
      "ICMP echo-request 198.51.100.17 -> 203.0.113.53",
      "TCP SYN 198.51.100.17:53543 -> 203.0.113.53:443",
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([`${JOINED} (1 line)`]);
  });

  it("keeps the error of a line that only looks joined (no record ends before the stamp)", () => {
    const r = parseTraceText(
      "Dec  1 10:00:01 host kernel: iptable/filter-INPUT: IN=eth0 OUT= SRC=198.51.100.7 Dec  1 10:00:02 host kernel: x\n",
    );
    expect(r.packets).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.severity).toBe("error");
  });

  it("joins a wrapped last record with the next line, at that line's columns", () => {
    const stamp = (n: number) => `[  123.${n}00000] `;
    const whole = `${stamp(1)}iptable/filter-INPUT: ${FIELDS(1)}${stamp(2)}iptable/filter-INPUT: ${FIELDS(2)}`;
    const k = whole.lastIndexOf("WINDOW=");
    const r = parseTraceText(`${whole.slice(0, k - 1)}\n    ${whole.slice(k)}\n`, { file: "blog.log" });
    expect(r.packets.map((p) => p.events[0]?.ip?.id)).toEqual([1, 2]);
    expect(r.packets[1]?.events[0]?.position.line).toBe(1);
    expect(r.diagnostics.map((d) => d.message).sort()).toEqual([
      "LOG line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (1 line)",
      `${JOINED} (1 line)`,
    ]);
  });
});
