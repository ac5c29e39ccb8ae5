/**
 * Alike warnings (same file, message and hint: ufw's `-m limit` rules) are printed once with the
 * lines of the others; errors and warnings that differ are printed one by one, in order.
 */
import { describe, expect, it } from "vitest";
import { formatFoldedDiagnostics } from "../../../src/core/diagnostics/fold-diagnostics.ts";
import type { Diagnostic } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { CHANCE_HINT, RATE_HINT, STATE_HINT } from "../../../src/core/simulate/unmodelled-hints.ts";

const at = (file: string, line: number, column = 5) => ({ file, line, column });
const LIMIT = "match '-m limit --limit 3/min --limit-burst 10' is not modelled";
const HINT = "its result is chance, not the packet's";
const warn = (
  line: number,
  message = LIMIT,
  file = "u.rules",
  hint: string | undefined = HINT,
): Diagnostic => ({
  severity: "warning",
  message,
  ...(hint ? { hint } : {}),
  position: at(file, line),
});

describe("formatFoldedDiagnostics", () => {
  it("folds alike warnings into the first, naming the other lines; keeps the rest in order", () => {
    const out = formatFoldedDiagnostics([
      warn(89),
      warn(90),
      warn(113, "match '-m limit --limit 3/min' is not modelled"),
      { severity: "error", message: "unknown chain", position: at("u.rules", 200) },
      { severity: "error", message: "unknown chain", position: at("u.rules", 201) },
      warn(261),
      warn(262, LIMIT, "other.rules"),
      warn(300, LIMIT, "u.rules", "another hint"),
    ]);
    expect(out).toEqual([
      `u.rules:89:5: warning: ${LIMIT}\n  hint: ${HINT}\n  and 2 more rules like it (lines 90, 261)`,
      "u.rules:113:5: warning: match '-m limit --limit 3/min' is not modelled\n  hint: its result is chance, not the packet's",
      "u.rules:200:5: error: unknown chain",
      "u.rules:201:5: error: unknown chain",
      `other.rules:262:5: warning: ${LIMIT}\n  hint: ${HINT}`,
      `u.rules:300:5: warning: ${LIMIT}\n  hint: another hint`,
    ]);
  });

  it("folds a match left to chance whatever its numbers (kube-proxy's one --probability per endpoint count), and nothing else so", () => {
    const chance = (line: number, p: string) =>
      warn(
        line,
        `match '-m statistic --mode random --probability ${p}' is not modelled`,
        "k.rules",
        CHANCE_HINT,
      );
    const out = formatFoldedDiagnostics([
      chance(39, "0.50000000000"),
      chance(44, "0.33333333349"),
      chance(46, "0.50000000000"),
      warn(50, "match '-m u32 --u32 0x1' is not modelled", "k.rules", "not modelled"),
      warn(51, "match '-m u32 --u32 0x2' is not modelled", "k.rules", "not modelled"),
    ]);
    expect(out).toEqual([
      `k.rules:39:5: warning: match '-m statistic --mode random --probability 0.50000000000' is not modelled\n  hint: ${CHANCE_HINT}\n  and 2 more rules like it (lines 44, 46)`,
      "k.rules:50:5: warning: match '-m u32 --u32 0x1' is not modelled\n  hint: not modelled",
      "k.rules:51:5: warning: match '-m u32 --u32 0x2' is not modelled\n  hint: not modelled",
    ]);
  });

  it.each([
    ["a rate", RATE_HINT, "-m limit --limit 10/sec", "-m limit --limit 20/sec"],
    ["earlier traffic", STATE_HINT, "-m recent --rcheck --seconds 60", "-m recent --rcheck --seconds 600"],
  ])("folds a match left to %s whatever its numbers too", (_, hint, first, second) => {
    const out = formatFoldedDiagnostics([
      warn(10, `match '${first}' is not modelled`, "k.rules", hint),
      warn(12, `match '${second}' is not modelled`, "k.rules", hint),
    ]);
    expect(out).toEqual([
      `k.rules:10:5: warning: match '${first}' is not modelled\n  hint: ${hint}\n  and 1 more rule like it (line 12)`,
    ]);
  });

  it("one more is said in the singular; a long list is cut after the cap", () => {
    expect(formatFoldedDiagnostics([warn(1), warn(2)])[0]).toMatch(
      /\n {2}and 1 more rule like it \(line 2\)$/,
    );
    const many = Array.from({ length: 25 }, (_, i) => warn(i + 1));
    expect(formatFoldedDiagnostics(many, 3)).toEqual([
      `u.rules:1:5: warning: ${LIMIT}\n  hint: ${HINT}\n  and 24 more rules like it (lines 2, 3, 4 and 21 more)`,
    ]);
  });

  it("lists a line once however many of its problems are folded (one long rule's repeated verdicts)", () => {
    const same = [warn(1), ...Array.from({ length: 500 }, () => warn(2)), warn(3)];
    expect(formatFoldedDiagnostics(same)).toEqual([
      `u.rules:1:5: warning: ${LIMIT}\n  hint: ${HINT}\n  and 501 more rules like it (lines 2, 3)`,
    ]);
  });
});

describe("a log copied without its trailing spaces", () => {
  it("folds every line's warning into one, whatever each line's last field", () => {
    // A terminal copy drops the space the kernel prints after the last field of each line: each line
    // warns of its own last field (URGP=0, SEQ=1, LEN=40), and a paste of many lines listed each kind apart.
    const log = [
      "[ 10.000001] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.7 DST=198.51.100.20 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0",
      "[ 10.000002] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.9 DST=198.51.100.20 LEN=84 TOS=0x00 PREC=0x00 TTL=57 ID=777 DF PROTO=ICMP TYPE=8 CODE=0 ID=11 SEQ=1",
      "[ 10.000003] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.9 DST=198.51.100.20 LEN=60 TOS=0x00 PREC=0x00 TTL=57 ID=778 PROTO=UDP SPT=5353 DPT=53 LEN=40",
    ].join("\n");
    // The parser itself no longer warns of these: nf_log_syslog may end a TCP line at URGP=, an echo's at
    // SEQ=, UDP's at LEN= (the lost space cuts nothing); what it still warns of is one warning per log.
    expect(parseTraceText(log, { file: "copy.log" }).diagnostics).toEqual([]);
    // Lists made before (a saved playground session, another reader) still fold into one.
    const diagnostics: Diagnostic[] = ["URGP=0", "SEQ=1", "LEN=40"].map((field, i) =>
      warn(
        i + 1,
        `the line ends without the space the kernel prints after every field: its last field '${field}' may be cut short`,
        "copy.log",
        "h",
      ),
    );
    const out = formatFoldedDiagnostics(diagnostics, undefined, "line");
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^copy\.log:1:\d+: warning: .*'URGP=0' may be cut short\n {2}hint: h\n {2}and 2 more lines like it \(lines 2, 3\)$/,
    );
  });

  it("still lists other warnings that differ only in a quoted word apart", () => {
    const out = formatFoldedDiagnostics([
      warn(1, "prefix 'a' is not known", "x.log", "h"),
      warn(2, "prefix 'b' is not known", "x.log", "h"),
    ]);
    expect(out).toHaveLength(2);
  });
});
