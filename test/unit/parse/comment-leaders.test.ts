/**
 * Log lines pasted inside a code comment (tester56 pastes 22 and 23): a Javadoc's ` * ` before an
 * Android dmesg line, PHP's `// ` before a ulogd line. They went into the LOG prefix
 * (`'* <6>[ 5739.482168] CMWRAP'`, `'// Aug  3 11:07:33 alice'`), which no map could name. A leader
 * is read off as a quote's `> ` is, only where the line reads placed without it and not with it (or
 * its text has a kernel envelope of its own); a LOG prefix that starts with such text and is placed stays.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const FIELDS =
  "IN= OUT=ppp0 SRC=10.94.85.105 DST=121.14.125.26 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=49871 DF PROTO=TCP SPT=51454 DPT=8080 WINDOW=13600 RES=0x00 SYN URGP=0 UID=10126 GID=10126 ";

/** Prefix and hook of each event read from `text` with `map`. */
function placed(text: string, map: Record<string, string>) {
  const r = parseTraceText(text, { prefixMap: map as never });
  return r.packets.flatMap((p) => p.events.map((e) => [e.prefix.trim(), e.hook, e.position.column]));
}

describe("a log line inside a code comment", () => {
  it("reads paste 22's Javadoc line without its ` * `, at its column", () => {
    const text = [
      "    /**",
      "     * dmesg:",
      "     * <pre>",
      `     * <6>[ 5739.482168] CMWRAP ${FIELDS}`,
    ].join("\n");
    expect(placed(text, { CMWRAP: "ip:nat:OUTPUT" })).toEqual([["CMWRAP", "ip:nat:OUTPUT", 26]]);
  });

  it("reads paste 23's PHP comment without its `// `: the ulogd line's empty prefix", () => {
    const line =
      "  // Aug  3 11:07:33 alice  IN= OUT=lo MAC= SRC=127.0.0.1 DST=127.0.0.1 LEN=60 TOS=00 PREC=0x00 TTL=64 ID=22098 DF PROTO=TCP SPT=44860 DPT=25 SEQ=3864228039 ACK=0 WINDOW=43690 SYN URGP=0 UID=33 GID=33 MARK=0 ";
    expect(placed(line, { "": "ip:filter:OUTPUT" })).toEqual([["", "ip:filter:OUTPUT", 28]]);
  });

  it("reads off `/* `, `-- `, `; ` and `// ` where that places the line", () => {
    for (const lead of ["/* ", "-- ", "; ", "// "])
      expect(placed(`${lead}FW-OUT ${FIELDS}`, { "FW-OUT": "ip:filter:OUTPUT" })).toEqual([
        ["FW-OUT", "ip:filter:OUTPUT", lead.length + 1],
      ]);
  });

  it("keeps a prefix that starts so and is placed as it is", () => {
    for (const prefix of ["* DROP", "-- in", "; deny", "// out"])
      expect(placed(`${prefix} ${FIELDS}`, { [prefix]: "ip:filter:OUTPUT" })).toEqual([
        [prefix, "ip:filter:OUTPUT", 1],
      ]);
  });

  it("keeps the leader where neither reading places the line", () => {
    const r = parseTraceText(`// CMWRAP ${FIELDS}`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "unknown LOG prefix '// CMWRAP' (1 line): which table and chain wrote it?",
    ]);
    // `DROP` names where it was logged (DD-WRT's logdrop chain): the line reads placed without `// `.
    expect(placed(`// DROP ${FIELDS}`, {})).toEqual([["DROP", "ip:filter:OUTPUT", 4]]);
  });
});
