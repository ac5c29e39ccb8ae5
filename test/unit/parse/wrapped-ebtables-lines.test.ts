/**
 * An ebtables `--log-ip` line with its kernel envelope, wrapped by a page or a docstring at field
 * boundaries (tester55 paste 18, an RFC3339 stamp and the prefix EBTABLESLOG): read joined with one
 * "ebtables log line wrapped" warning, as the same breaks in an iptables LOG line are. Evidence: on
 * kernel 6.18, `ebtables -A FORWARD -p IPv4 --log-ip --log-prefix EBTABLESLOG` (ebtables-nft) in a
 * namespace bridge printed each frame as one dmesg record, its IP tail included:
 * `[55558.174436] EBTABLESLOG IN=va OUT=vb MAC source = aa:78:48:6c:de:e4 MAC dest = fa:77:93:e2:bc:e9
 * proto = 0x0800 IP SRC=198.51.100.1 IP DST=198.51.100.2, IP tos=0x00, IP proto=1`. A tail the kernel
 * did print apart (legacy ebt_log's `pr_cont`, another CPU's message between) is a record of its own,
 * with its own envelope: a bare tail right after its line is a wrap's (for a bare line too:
 * bare-ebt-tail-after-head.test.ts).
 */
import { describe, expect, it } from "vitest";
import { type ParseOptions, parseTraceText } from "../../../src/core/parse/index.ts";

const HEAD = "2018-08-11T16:21:09.503819+09:30 garden kernel: [103105.328637] EBTABLESLOG";
const FIELDS = "IN=enxa0cec81d71e2 OUT=enxb827eb8cefb8";
const MAC = "MAC source = 38:2c:4a:64:d1:50 MAC dest = a4:91:b1:4f:6b:e8 proto = 0x0800";
const TAIL = "IP SRC=192.168.1.200 IP DST=203.47.10.37, IP tos=0x00, IP proto=6 SPT=55028 DPT=8080";
const MAP: ParseOptions = { prefixMap: { EBTABLESLOG: "bridge:filter:FORWARD" }, file: "paste.log" };

const WRAPPED =
  "ebtables log line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space (1 line)";

/** What a parse says: its packets, where they were read, and its problems. */
function read(text: string) {
  const r = parseTraceText(text, MAP);
  return {
    packets: r.packets.map((p) => [p.summary, p.hooks, p.events[0]?.position.line]),
    problems: r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.severity} ${d.message}`),
  };
}

describe("an ebtables line with its envelope, wrapped at its fields", () => {
  it("reads the docstring's four lines as the one packet of the joined line (tester55 paste 18)", () => {
    const whole = read(`${HEAD} ${FIELDS} ${MAC} ${TAIL}`);
    expect(whole).toEqual({
      packets: [["TCP 192.168.1.200:55028 -> 203.47.10.37:8080", ["bridge:filter:FORWARD"], 1]],
      problems: [],
    });
    const paste = ["the input has the format", "", HEAD, `  ${FIELDS}`, `  ${MAC}`, `  ${TAIL}`, "", "valid"];
    // Before: `4:41 expected SRC=` (cut short), `5:1 expected IN=`, and the tail said split by the kernel.
    expect(read(paste.join("\n"))).toEqual({
      packets: [["TCP 192.168.1.200:55028 -> 203.47.10.37:8080", ["bridge:filter:FORWARD"], 3]],
      problems: [`3:1 warning ${WRAPPED}`],
    });
  });

  it.each([
    ["after OUT=", `${HEAD} ${FIELDS}\n${MAC} ${TAIL}`],
    ["before its IP tail", `${HEAD} ${FIELDS} ${MAC}\n${TAIL}`],
    ["before its IP tail, indented", `${HEAD} ${FIELDS} ${MAC}\n    ${TAIL}`],
    ["after the prefix", `${HEAD}\n${FIELDS} ${MAC} ${TAIL}`],
  ])("reads a line broken %s joined", (_, text) => {
    // Before, broken after OUT=: `1:115 expected SRC=` and the MAC line counted as another line; before
    // the tail: the tail said split by the kernel, the packet read without its IP data.
    expect(read(text)).toEqual({
      packets: [["TCP 192.168.1.200:55028 -> 203.47.10.37:8080", ["bridge:filter:FORWARD"], 1]],
      problems: [`1:1 warning ${WRAPPED}`],
    });
  });

  it("still says a tail with an envelope of its own was split by the kernel, and holds no other line", () => {
    const split = read(`[ 9120.300101] EBTABLESLOG ${FIELDS} ${MAC}\n[ 9120.300103]  ${TAIL}`);
    expect(split.packets).toHaveLength(1);
    expect(split.problems).toEqual([
      "2:16 warning expected the start of an ebtables log line, found its IP/ARP tail on a line of its own: the kernel split the line, and the tail was not read (1 line)",
    ]);
    // A line with no tail to follow, then a note: the frame is read as it is, the note is no rest of it.
    const r = parseTraceText(`${HEAD} ${FIELDS} ${MAC}\nsee below`, MAP);
    expect(r.diagnostics).toEqual([]);
    expect(r.skippedLines).toBe(1);
    expect(r.packets.map((p) => [p.events[0]?.macSrc, p.events[0]?.ip])).toEqual([
      ["38:2c:4a:64:d1:50", undefined],
    ]);
  });

  it("says a line that starts with the mark is an ebtables line without its start, not another line", () => {
    // Before: counted as another line, silently (tester55 var/eb-b's second line, once not joined).
    const r = parseTraceText(`hello\n${MAC} ${TAIL}`, MAP);
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      "2:1 expected IN= in an ebtables log line",
    ]);
    expect(r.skippedLines).toBe(1);
  });
});
