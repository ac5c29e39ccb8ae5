/**
 * nf_log_syslog ends every field with a space, so every LOG line ends in one: a line without it lost
 * its end, or a copy stripped its trailing spaces. The warning "may be cut short" is chosen by the
 * line's last word: said only when that word cannot be where the format ends a line, so a paste that
 * stripped the space from every line draws none. tester56 found it inconsistent: lines ending `LEN=73`
 * (paste 01) drew none, lines ending `MARK=0` (23), `MARK=60000` (19) or an `OPT (...)` with its `)`
 * (07) drew it. Now the same rule for all: a last field as its writer prints it whole draws none.
 *
 * What the kernel prints, captured for this test (kernel 6.18, iptables 1.8.9, LOG in two network
 * namespaces; `cat -A` shows each line's end as ` $`):
 *   pwf-mark: IN= OUT=pwf-a SRC=198.51.100.1 DST=198.51.100.2 LEN=60 ... SYN URGP=0 UID=0 GID=0 MARK=0x2a $
 *   pwf-opt: IN=pwf-b OUT= MAC=... SYN URGP=0 OPT (020405B40402080A1FE076B0000000000103030A) $
 *   pwf-uid: IN= OUT=pwf-a SRC=198.51.100.1 ... PROTO=UDP SPT=37523 DPT=9 LEN=10 UID=0 GID=0 $
 * and a mark of 0 (`-j MARK --set-mark 0`) printed no MARK= at all: on a kernel line `MARK=0` is a
 * `MARK=0x..` cut after its first digit. ulogd (printpkt.c: `TOS=%02X`, so `TOS=00`) as UniFi builds it
 * prints `MARK=0` and `MARK=40000` (hex without 0x): whole on such a line, as `LEN=73` is.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const CUT = "may be cut short";

/** The captured lines above (prefixes mapped below), without their trailing space. */
const KERNEL = [
  "[64425.180716] pwf-mark: IN= OUT=pwf-a SRC=198.51.100.1 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23519 DF PROTO=TCP SPT=58076 DPT=9 WINDOW=64240 RES=0x00 SYN URGP=0 UID=0 GID=0 MARK=0x2a",
  "[64425.180756] pwf-opt: IN=pwf-b OUT= MAC=32:6a:7e:9e:30:1b:ee:1d:96:9d:49:9e:08:00 SRC=198.51.100.1 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23519 DF PROTO=TCP SPT=58076 DPT=9 SEQ=367366843 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A1FE076B0000000000103030A)",
  "[64425.193886] pwf-uid: IN= OUT=pwf-a SRC=198.51.100.1 DST=198.51.100.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=47310 DF PROTO=UDP SPT=37523 DPT=9 LEN=10 UID=0 GID=0",
  "[64425.193908] pwf-udp: IN=pwf-b OUT= MAC=32:6a:7e:9e:30:1b:ee:1d:96:9d:49:9e:08:00 SRC=198.51.100.1 DST=198.51.100.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=47310 DF PROTO=UDP SPT=37523 DPT=9 LEN=10",
];
const MAP = {
  "pwf-mark:": "ip:filter:OUTPUT",
  "pwf-uid:": "ip:filter:OUTPUT",
  "pwf-opt:": "ip:filter:INPUT",
  "pwf-udp:": "ip:filter:INPUT",
} as const;

/** Paste 23's line (ulogd's form: `TOS=00`, no RES=) and paste 19's ending (UniFi's hex mark), stripped. */
const ULOGD =
  "Aug  3 11:07:33 alice  IN= OUT=lo MAC= SRC=127.0.0.1 DST=127.0.0.1 LEN=60 TOS=00 PREC=0x00 TTL=64 ID=22098 DF PROTO=TCP SPT=44860 DPT=25 SEQ=3864228039 ACK=0 WINDOW=43690 SYN URGP=0 UID=33 GID=33 MARK=0";

/** The "may be cut short" warnings for `text`. */
const cutWarnings = (text: string) =>
  parseTraceText(text, { prefixMap: MAP }).diagnostics.filter((d) => d.message.includes(CUT));

describe("a LOG line without the kernel's trailing space", () => {
  it("draws no warning when every line lost it and each ends where the kernel may end one", () => {
    const r = parseTraceText(KERNEL.join("\n"), { prefixMap: MAP });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.flatMap((p) => p.events).length).toBe(4);
  });

  it("treats ulogd's MARK=0 and MARK=40000 as whole, as LEN=73 is", () => {
    expect(cutWarnings(ULOGD)).toEqual([]);
    expect(cutWarnings(ULOGD.replace("MARK=0", "MARK=40000"))).toEqual([]);
    expect(cutWarnings(KERNEL[3]?.replace("LEN=10", "LEN=73") as string)).toEqual([]);
  });

  it("still warns where the writer cannot have ended the line: a kernel line's MARK=0, UID= without GID=", () => {
    // The kernel prints MARK=0x2a: `MARK=0` is that field cut after its first digit.
    expect(cutWarnings(KERNEL[0]?.replace("MARK=0x2a", "MARK=0") as string).length).toBe(1);
    expect(cutWarnings(KERNEL[2]?.replace(" GID=0", "") as string).length).toBe(1);
    // The options without their `)`: cut inside them (an error, the line is held for its rest).
    expect(parseTraceText(KERNEL[1]?.slice(0, -1) as string, { prefixMap: MAP }).diagnostics.length).toBe(1);
  });

  it("takes options with spaces a copy put inside and their closing ')' as whole", () => {
    const spaced = KERNEL[1]?.replace("OPT (0204", "OPT (     0204") as string;
    expect(cutWarnings(spaced)).toEqual([]);
  });
});
