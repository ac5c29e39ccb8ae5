/** journalctl -o json / json-seq / json-pretty records: the MESSAGE read as the line, positions in the saved line. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLine, parseTraceText, unwrapLine } from "../../../src/core/parse/index.ts";
import { readJournalJson } from "../../../src/core/parse/journal-json.ts";
import { lineIndex } from "../../../src/core/parse/strip-escapes.ts";

const FIELDS =
  "IN=eth0 OUT= SRC=198.51.100.2 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ";

/** A record as journalctl prints it (compact, the fields in its own order). */
function record(message: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    __CURSOR: "s=991aa9ec;i=1;b=5c1e2f3a;m=f842b9556;t=661899c7a99d6;x=b8d5e89a",
    __REALTIME_TIMESTAMP: "1796093523958230",
    _TRANSPORT: "kernel",
    MESSAGE: message,
    _HOSTNAME: "gw-prod-7",
    ...extra,
  });
}

describe("journalctl JSON records", () => {
  it("reads MESSAGE, the time and the kernel transport; the event's column is the message's", () => {
    const line = record(`iptable/filter-INPUT ${FIELDS}`);
    const r = parseTraceText(line);
    expect(r.diagnostics).toEqual([]);
    const ev = r.packets[0]?.events[0];
    expect(ev?.hook).toBe("ip:filter:INPUT");
    expect(ev?.time).toBeCloseTo(1796093523.95823, 6);
    expect(ev?.envelope).toBe("journal-json");
    expect(ev?.raw).toBe(`iptable/filter-INPUT ${FIELDS}`);
    expect(line.slice((ev?.position.column ?? 0) - 1).startsWith("iptable/filter-INPUT IN=")).toBe(true);
    const u = unwrapLine(line);
    expect(u.envelope.kernel).toBe(true);
  });

  it("reads json-seq (an RS byte before each record)", () => {
    const r = parseTraceText(
      `\x1e${record(`iptable/raw-PREROUTE ${FIELDS}`)}\n\x1e${record(`iptable/filter-INPUT ${FIELDS}`)}`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.packets[0]?.hooks).toEqual(["ip:raw:PREROUTING", "ip:filter:INPUT"]);
  });

  it("maps columns through JSON escapes to the saved line", () => {
    // A prefix with a quote and a non-ASCII letter escaped, and a damaged TTL after them.
    const message = `caf\u00e9 "fw" iptable/filter-INPUT ${FIELDS.replace("TTL=63", "TTL=6z3")}`;
    const line = record(message).replace("caf\u00e9", "caf\\u00e9");
    expect(line).toContain('caf\\u00e9 \\"fw\\"');
    const r = parseLine(line).result;
    expect(r.kind).toBe("error");
    if (r.kind !== "error") return;
    expect(r.message).toContain("'6z3'");
    expect(line.slice(r.column - 1).startsWith("6z3 ")).toBe(true);
  });

  it("decodes a MESSAGE journald stored as bytes (not UTF-8) and points into the array", () => {
    const bytes = [...Buffer.from(`r\xe9seau/iptable/filter-INPUT ${FIELDS}`, "latin1")];
    const line = record(bytes);
    const r = parseTraceText(line);
    expect(r.diagnostics).toEqual([]);
    const ev = r.packets[0]?.events[0];
    expect(ev?.hook).toBe("ip:filter:INPUT");
    expect(ev?.prefix).toBe("r\uFFFDseau/iptable/filter-INPUT ");
    expect(line.slice((ev?.position.column ?? 0) - 1).startsWith("[114,233,")).toBe(false);
    expect(line.slice((ev?.position.column ?? 0) - 1).startsWith("114,233,")).toBe(true);
    // UTF-8 sequences decode whole: `é` as two bytes, `€` as three.
    const utf8 = parseLine(record([...Buffer.from(`\u00e9\u20ac/iptable/filter-INPUT ${FIELDS}`, "utf8")]));
    expect(utf8.text.startsWith("\u00e9\u20ac/")).toBe(true);
  });

  it("skips records that are not netfilter lines, or with MESSAGE null; a kernel record without MESSAGE is a warning", () => {
    const r = parseTraceText(
      [
        record('audit: type=1400 apparmor="DENIED" operation="open"'),
        record(undefined),
        record(null),
        record(`iptable/filter-INPUT ${FIELDS}`),
        record(undefined, { _TRANSPORT: "syslog", SYSLOG_IDENTIFIER: "sshd" }),
      ].join("\n"),
    );
    // The kernel's record without its message may have been a LOG line (journalctl --output-fields).
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column])).toEqual([
      ["warning", 2, 1],
    ]);
    expect(r.diagnostics[0]?.message).toMatch(/^expected MESSAGE in this journalctl JSON record, found none/);
    expect(r.skippedLines).toBe(3);
    expect(r.packets).toHaveLength(1);
  });

  it.each([
    [
      "a record cut inside MESSAGE",
      `{"_TRANSPORT":"kernel","MESSAGE":"iptable/filter-INPUT IN=eth0 OU`,
      -1,
      "'\"' closing the string",
    ],
    ["two values without a comma", `{"MESSAGE":"a" "b"}`, 16, "',' or '}'"],
    ["a bare word", `{"MESSAGE":tru}`, 12, "a JSON value"],
    ["an unknown escape", `{"MESSAGE":"a\\xb"}`, 14, "a JSON escape"],
    ["text after the record", `{"MESSAGE":"a"} trailing`, 17, "the end of the line"],
    ["a number for MESSAGE", `{"MESSAGE":42}`, 12, "MESSAGE as a string or an array"],
    ["a byte over 255", `{"MESSAGE":[65,300]}`, 16, "array of byte values"],
    ["RS without a record", `\x1eiptable/filter-INPUT ${FIELDS}`, 2, "'{'"],
  ])("gives a positioned error for %s", (_, line, column, expected) => {
    const r = parseTraceText(line, { file: "k.json" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d?.severity).toBe("error");
    expect(d?.message).toContain(expected);
    expect(d?.hint).toContain("journalctl");
    expect(d?.position).toEqual({ file: "k.json", line: 1, column: column < 0 ? line.length + 1 : column });
  });

  it("survives a record nested past any sensible depth", () => {
    const line = `{"a":${"[".repeat(200_000)}`;
    const r = parseTraceText(line);
    expect(r.diagnostics[0]?.message).toContain("at most 32 nested");
  });

  it("leaves lines that only start with a brace to the other readers", () => {
    const r = parseTraceText(["{", "{ not json", "}"].join("\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.skippedLines).toBe(3);
  });

  it("reads json-pretty's MESSAGE line with the time of its record's __REALTIME_TIMESTAMP line and warns once about a byte array it spreads over lines", () => {
    const r = parseTraceText(
      [
        "{",
        '\t"__REALTIME_TIMESTAMP" : "1796093523958230",',
        `\t"MESSAGE" : ${JSON.stringify(`iptable/filter-INPUT ${FIELDS}`)},`,
        '\t"_HOSTNAME" : "gw-prod-7"',
        "}",
        "{",
        '\t"MESSAGE" : [',
        "\t\t114,",
        "\t],",
        "}",
      ].join("\n"),
    );
    expect(r.packets[0]?.hooks).toEqual(["ip:filter:INPUT"]);
    // The time line comes before MESSAGE in the record (it was lost before).
    expect(r.packets[0]?.events[0]?.time).toBe(1796093523.95823);
    expect(r.packets[0]?.events[0]?.position.column).toBe(15);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column])).toEqual([
      ["warning", 7, 14],
    ]);
    expect(r.diagnostics[0]?.hint).toContain("-o json");
  });
});

describe("unwrapLine on a JSON record", () => {
  it("maps every character of MESSAGE, and its end, to the line", () => {
    const line = String.raw`{"MESSAGE":"a\"b\u00e9\\c\/d","_TRANSPORT":"kernel"}`;
    const u = unwrapLine(line);
    expect(u.text).toBe('a"b\u00e9\\c/d');
    const map = u.map ?? [];
    const at = [...u.text, ""].map((_, i) => lineIndex(map, i));
    expect(at.map((k) => line[k])).toEqual(["a", "\\", "b", "\\", "\\", "c", "\\", "d", '"']);
    expect(at[u.text.length]).toBe(line.indexOf('","_TRANSPORT'));
  });

  it("reads a MESSAGE that holds colour codes, columns through both", () => {
    const line = `{"MESSAGE":"\\u001b[1miptable/filter-INPUT ${FIELDS.replace("TTL=63", "TTL=6z3")}\\u001b[0m"}`;
    const r = parseLine(line);
    expect(r.text.startsWith("iptable/filter-INPUT IN=")).toBe(true);
    expect(r.result.kind).toBe("error");
    if (r.result.kind === "error") expect(line.slice(r.result.column - 1).startsWith("6z3 ")).toBe(true);
  });
});

describe("journal JSON records, any content", () => {
  it("MESSAGE reads as JSON.parse reads it, each character mapped to its source in the line", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (message, rest) => {
          const line = JSON.stringify({ ...rest, MESSAGE: message });
          const r = readJournalJson(line);
          if (!r || "kind" in r) throw new Error(`not read: ${line}`);
          expect(r.text).toBe(message);
          for (let i = 0; i < message.length; i++) {
            const k = lineIndex(r.map, i);
            // The character itself, or the backslash of the escape that gave it.
            expect(line[k] === message[i] || line[k] === "\\").toBe(true);
          }
          expect(line[lineIndex(r.map, message.length)]).toBe('"');
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never throws, on anything that starts like a record", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("{", '{"', "\x1e", "\x1e{", '\t"MESSAGE" : '),
        fc.string(),
        (head, tail) => {
          const r = readJournalJson(head + tail);
          if (r && "kind" in r) expect(r.column).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("pretty-printed JSON of other tools (harvest42)", () => {
  const line = (prefix: string) => `${prefix}${FIELDS}`;
  it("reads dmesg -J's msg lines and an exported event's message line, with its syslog head left out", () => {
    const dmesg = ["{", '   "dmesg": [', "      {", '         "pri": 4,', '         "time": 65707.349409,'];
    const text = [
      ...dmesg,
      `         "msg": ${JSON.stringify(line("iptable/filter-INPUT "))}`,
      "      }",
      "   ]",
      "}",
      "{",
      `  "message": ${JSON.stringify(line("ubnt kernel: iptable/filter-INPUT ").replace("ID=", "ID=9"))},`,
      '  "event": { "module": "iptables" }',
      "}",
    ].join("\n");
    const r = parseTraceText(text, { file: "pretty.json" });
    expect(
      r.packets.map((p) => [p.events[0]?.prefix.trim(), p.events[0]?.hook, p.events[0]?.position.line]),
    ).toEqual([
      ["iptable/filter-INPUT", "ip:filter:INPUT", 6],
      ["iptable/filter-INPUT", "ip:filter:INPUT", 11],
    ]);
  });

  it("takes the time of dmesg -J's records written one a line (jq -c), as dmesg's stamp", () => {
    const text = [
      `{"pri":4,"time":65707.349409,"msg":${JSON.stringify(line("iptable/filter-INPUT "))}}`,
      `{"pri":4,"time":65707.35,"msg":${JSON.stringify(line("iptable/filter-INPUT ").replace("ID=", "ID=9"))}}`,
    ].join("\n");
    const r = parseTraceText(text, { file: "compact.json" });
    expect(r.packets.map((p) => p.events[0]?.time)).toEqual([65707.349409, 65707.35]);
  });
});
