/**
 * A legacy TRACE line whose `TRACE: ` was cut off (tester56 paste 20, a page that showed `cut -c52-` of
 * the log: `raw:PREROUTING:policy:2 IN=eth0 ...`). The kernel prints its position as
 * `TRACE: table:chain:rule|return|policy:N ` (a real line on this machine's kernel, iptables' raw
 * PREROUTING `-j TRACE` in a namespace: `TRACE: raw:PREROUTING:policy:2 IN=pw-env-b OUT= MAC=... SRC=198.51.100.1`):
 * without the word, the line reads as the TRACE line it was, with one warning for all such lines,
 * not as an unknown LOG prefix on every line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { CUT_TRACE_MESSAGE } from "../../../src/core/parse/parse-line.ts";

/** A real legacy TRACE capture (iptables-legacy 1.8.9): its lines whole. */
const CAPTURE = readFileSync(
  join(import.meta.dirname, "../../fixtures/parse/real-legacy-hook-named-user-chains-trace/input.log"),
  "utf8",
)
  .split("\n")
  .filter((l) => l.length > 0);

/** The capture's lines cut before their position, as `cut -c` of a column leaves them. */
const CUT = CAPTURE.map((l) => l.slice(l.indexOf("TRACE: ") + 7));

/** What a paste's packets say: hooks, and per event its position label's verdict and fields. */
function steps(text: string) {
  return parseTraceText(text).packets.map((p) => ({
    hooks: p.hooks,
    events: p.events.map((e) => ({
      hook: e.hook,
      verdicts: e.verdicts,
      src: e.ip?.src,
      in: e.in,
      out: e.out,
    })),
  }));
}

describe("a legacy TRACE line without its `TRACE: `", () => {
  it("reads as the whole line does: the same hooks, rule kinds and numbers", () => {
    const whole = steps(CAPTURE.join("\n"));
    expect(whole.length).toBeGreaterThan(0);
    expect(steps(CUT.join("\n"))).toEqual(whole);
  });

  it("says once, with the count, that the word seems cut, and names no unknown LOG prefix", () => {
    const r = parseTraceText(CUT.join("\n"), { file: "cut.log" });
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        message: `${CUT_TRACE_MESSAGE} (${CUT.length} lines)`,
        hint: expect.stringContaining("TRACE: table:chain:rule|return|policy:N"),
        position: { file: "cut.log", line: 1, column: 1 },
      },
    ]);
  });

  it("reads paste 20's wrapped columns as its two packets without a prefix map", () => {
    const text = [
      "raw:PREROUTING:policy:2     IN=eth0 OUT= MAC=08:00:27:d4:45:68:52:54:00:12:35:02:08:00 SRC=10.0.2.2 DST=10.0.2.15",
      "                            LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=40974 PROTO=TCP SPT=51534 DPT=80",
      "                            SEQ=4164179984 ACK=4149908961 WINDOW=65535 RES=0x00 ACK FIN URGP=0",
      "filter:INPUT:policy:1       IN=eth0 OUT= MAC=08:00:27:d4:45:68:52:54:00:12:35:02:08:00 SRC=10.0.2.2 DST=10.0.2.15",
      "                            LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=40974 PROTO=TCP SPT=51534 DPT=80",
      "                            SEQ=4164179984 ACK=4149908961 WINDOW=65535 RES=0x00 ACK FIN URGP=0",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.packets.map((p) => p.hooks)).toEqual([["ip:raw:PREROUTING", "ip:filter:INPUT"]]);
    expect(r.packets[0]?.events.map((e) => e.verdicts?.[0])).toEqual([
      { kind: "policy", chain: "PREROUTING", rule: "2" },
      { kind: "policy", chain: "INPUT", rule: "1" },
    ]);
    expect(r.diagnostics.map((d) => d.message)).toContain(`${CUT_TRACE_MESSAGE} (2 lines)`);
  });

  it("keeps a LOG prefix that only looks like one: an unknown table, or no rule number", () => {
    const fields =
      "IN=eth0 OUT= SRC=198.51.100.1 DST=198.51.100.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ";
    for (const prefix of ["mytable:INPUT:rule:1 ", "filter:INPUT:rule: ", "filter:INPUT:drop:1 "]) {
      const r = parseTraceText(`${prefix}${fields}`);
      expect(r.packets).toEqual([]);
      expect(r.diagnostics.map((d) => d.message)).toEqual([
        `unknown LOG prefix '${prefix.trim()}' (1 line): which table and chain wrote it?`,
      ]);
    }
  });
});
