/**
 * A `MAC=` value not as the kernel prints it: dump_mac_header writes each byte with `%02x` (lower
 * case) and `:` between them, so upper-case hex means the line was edited or typed, and `xx` an
 * address hidden. Upper case is read in lower case (the MACs and the ether type then match a
 * ruleset's `ether saddr`, the other lines of the packet and the readers' own `0x86dd`), with one
 * warning for the log; a value of no hex pairs is kept raw with the existing warning, the line's
 * other fields read. The fast path leaves both to the general reader and gives the same result.
 * The lines are real captures' (fixtures real-icmp-errors-through-nat, real-router-fragments-errors).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";

const lines = (dir: string) =>
  readFileSync(join(import.meta.dirname, "../../fixtures/parse", dir, "input.log"), "utf8").split("\n");
const V4 = lines("real-icmp-errors-through-nat")[0] as string;
const V6 = lines("real-router-fragments-errors")[0] as string;
const upper = (line: string) => line.replace(/MAC=(\S+)/, (_, mac: string) => `MAC=${mac.toUpperCase()}`);

const UPPER =
  "expected MAC= in lower-case hex, as the kernel prints it, found upper case: the line was edited or typed, its MAC read in lower case";

describe("a MAC= value in upper case or not of hex pairs", () => {
  it("reads upper case as the kernel's lower case, with one warning for the log, fast path or not", () => {
    expect(V4).toContain("MAC=36:9d:11:ec:92:d7:a2:9c:06:1f:32:7c:08:00 ");
    expect(V6).toContain(":86:dd ");
    const whole = parseTraceText([V4, V6].join("\n")).packets.map((p) => p.events[0]);
    for (const fullParse of [false, true]) {
      const r = parseTraceText([upper(V4), upper(V6)].join("\n"), { file: "edited.log", fullParse });
      const events = r.packets.map((p) => p.events[0]);
      expect(events.map((e) => [e?.macSrc, e?.macDst, e?.ethType])).toEqual(
        whole.map((e) => [e?.macSrc, e?.macDst, e?.ethType]),
      );
      expect(events.map((e) => e?.ethType)).toEqual(["0x0800", "0x86dd"]);
      expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
        ["warning", 1, V4.indexOf("MAC=") + 5, `${UPPER} (2 lines)`],
      ]);
    }
  });

  it("keeps a hidden MAC (xx) raw with its warning, and reads the line's other fields", () => {
    const hidden = V4.replace("MAC=36:9d:11:ec:92:d7", "MAC=xx:xx:xx:xx:xx:xx");
    for (const fullParse of [false, true]) {
      const r = parseTraceText(hidden, { fullParse });
      const e = r.packets[0]?.events[0];
      // Before, `xx:xx:xx:xx:xx:xx` was read as the destination MAC, without a word.
      expect([e?.macDst, e?.macRaw]).toEqual([undefined, "xx:xx:xx:xx:xx:xx:a2:9c:06:1f:32:7c:08:00"]);
      expect(e?.ip?.src).toBe("198.51.100.2");
      expect(r.diagnostics.map((d) => [d.severity, d.message])).toEqual([
        [
          "warning",
          "expected MAC= as hex bytes joined by ':' (52:54:00:12:34:56:...), found 'xx:xx:xx:xx:xx:xx:a2:9c:06:1f:32:7c:08:00': its addresses are not read",
        ],
      ]);
    }
  });

  it("still reads the kernel's own lower-case MACs by the fast path", () => {
    const parser = new TraceParser(() => {});
    parser.line(V4);
    parser.end();
    expect(parser.diagnostics).toEqual([]);
    expect(parser.fastLines.scanned).toBe(1);
  });
});
