/**
 * Two forms of the kernel's dmesg stamp in real pastes (tester56) that went into the LOG prefix, so
 * that the prefix changed on every line and no map could name it:
 * - paste 12 (a Japanese blog): the author redacted the stamp, `kernel: [xxxxx.xxxxx] IPTLOG_FW : IN=...`;
 * - paste 06 (a newbetuts.com question): the stamp inside the syslog tag, `spiderman kernel [ 2905.992450]: IN=...`.
 */
import { describe, expect, it } from "vitest";
import { detectEnvelope } from "../../../src/core/parse/detect-envelope.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { REDACTED_STAMP_MESSAGE } from "../../../src/core/parse/parse-line.ts";

const FIELDS =
  "IN=eth1 OUT=eth0 MAC=aa:bb:cc:dd:ee:ff:11:22:33:44:55:66:08:00 SRC=192.168.201.1 DST=172.16.101.30 LEN=118 TOS=0x00 PREC=0x00 TTL=254 ID=3120 DF PROTO=TCP SPT=3300 DPT=80 WINDOW=1460 RES=0x00 ACK PSH URGP=0 ";
const MAP = { prefixMap: { "IPTLOG_FW :": "ip:filter:FORWARD" as const } };

describe("a redacted dmesg stamp", () => {
  it("is the stamp, not the prefix: the prefix map places the line, one warning for all lines", () => {
    const text = [
      `Oct 30 12:34:56 hoge kernel: [xxxxx.xxxxx] IPTLOG_FW : ${FIELDS}`,
      `[XXXXX.XXXXXX] IPTLOG_FW : ${FIELDS}`,
      `[ *****.******] IPTLOG_FW : ${FIELDS}`,
    ].join("\n");
    const r = parseTraceText(text, { file: "p12.log", ...MAP });
    expect(r.packets.flatMap((p) => p.events.map((e) => [e.prefix, e.hook]))).toEqual([
      ["IPTLOG_FW : ", "ip:filter:FORWARD"],
      ["IPTLOG_FW : ", "ip:filter:FORWARD"],
      ["IPTLOG_FW : ", "ip:filter:FORWARD"],
    ]);
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        message: `${REDACTED_STAMP_MESSAGE} (3 lines)`,
        hint: expect.stringContaining("seconds since the machine booted"),
        position: { file: "p12.log", line: 1, column: 30 },
      },
    ]);
  });

  it("keeps a bracketed prefix that is not a stamp's shape", () => {
    for (const prefix of ["[xx.yy] ", "[x] ", "[xxxxx] "]) {
      const r = parseTraceText(`${prefix}${FIELDS}`);
      expect(r.packets).toEqual([]);
      expect(r.diagnostics.map((d) => d.message)).toEqual([
        `unknown LOG prefix '${prefix.trim()}' (1 line): which table and chain wrote it?`,
      ]);
    }
  });
});

describe("the dmesg stamp inside the syslog tag", () => {
  const LINE =
    "Feb 23 20:43:08 spiderman kernel [ 2905.992450]: IN=wlan0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:06:25:09:6a:b5:08:00 SRC=192.168.1.5 DST=192.168.1.255 LEN=241 TOS=0x00 PREC=0x00 TTL=64 ID=64564 DF PROTO=UDP SPT=138 DPT=138 LEN=221 ";

  it("is the envelope's: the message starts at IN=, the host is read", () => {
    const env = detectEnvelope(LINE);
    expect(LINE.slice(env.bodyStart, env.bodyStart + 9)).toBe("IN=wlan0 ");
    expect(env.kernel).toBe(true);
    const r = parseTraceText(LINE, { prefixMap: { "": "ip:filter:INPUT" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.flatMap((p) => p.events.map((e) => [e.prefix, e.hook, e.host]))).toEqual([
      ["", "ip:filter:INPUT", "spiderman"],
    ]);
  });

  it("says of the line as posted (addresses emptied) only its error, no joined lines", () => {
    const posted =
      "Feb 23 20:43:08 spiderman kernel [ 2905.992450]: IN=wlan0 OUT= MAC=ff:ff:ff:ff:ff:ff:00:06:25:09:6a:b5:08:00 SRC= DST= LEN=241 TOS=0x00 PREC=0x00 TTL=64 ID=64564 DF PROTO=UDP SPT=138 DPT=138";
    const r = parseTraceText(posted);
    expect(r.diagnostics.map((d) => [d.severity, d.message, d.position?.column])).toEqual([
      ["error", "expected an IPv4 or IPv6 address after SRC=, found ''", 114],
    ]);
  });

  it("needs a stamp's shape and the colon right after it", () => {
    for (const line of [
      "Feb 23 20:43:08 spiderman kernel [abc]: IN=wlan0 OUT= ",
      "Feb 23 20:43:08 spiderman kernel [ 2905.992450] IN=wlan0 OUT= ",
    ])
      expect(detectEnvelope(line).kernel).toBe(false);
  });
});
