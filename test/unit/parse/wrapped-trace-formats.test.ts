/**
 * Lines of nft monitor trace, xtables-monitor and ebtables, and kernel lines cut after their LOG
 * prefix, wrapped by a page or a mail client (at spaces) or folded by `fold -w` (anywhere): read
 * joined as a wrapped LOG line is, or refused at the column of the cut with a hint, never read as a
 * packet with its fields missing. The trace lines below are the real tools' output: `nft monitor
 * trace` (nft 1.0.6) and `xtables-monitor --trace` (iptables-nft 1.8.9) in a network namespace on
 * kernel 6.18, for one ping from 198.51.100.1 (an iptables-nft `-t raw -A PREROUTING -p icmp -j TRACE`
 * rule set nftrace): nft ends its packet and policy lines with a space and a rule line with
 * `(verdict continue)`; xtables-monitor prints MACs with ether_ntoa (`MACDST=f6:da:2c:ac:e0:a`).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

/** `nft monitor trace` as it printed the ping. */
const NFT = [
  'trace id 6fe39e26 ip raw PREROUTING packet: iif "pwwb0" ether saddr 9e:ec:db:57:3b:9f ether daddr f6:da:2c:ac:e0:0a ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 36471 ip length 84 icmp type echo-request icmp code net-unreachable icmp id 25894 icmp sequence 1 @th,64,96 0xa6f4166b0000000091400500 ',
  "trace id 6fe39e26 ip raw PREROUTING rule meta l4proto icmp counter packets 0 bytes 0 meta nftrace set 1 (verdict continue)",
  "trace id 6fe39e26 ip raw PREROUTING policy accept ",
];
/** `xtables-monitor --trace` as it printed the same ping. */
const XTABLES = [
  "PACKET: 2 6fe39e26 IN=pwwb0 MACSRC=9e:ec:db:57:3b:9f MACDST=f6:da:2c:ac:e0:a MACPROTO=0800 SRC=198.51.100.1 DST=198.51.100.2 LEN=84 TOS=0x0 TTL=64 ID=36471 DF ",
  " TRACE: 2 6fe39e26 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -p icmp -j TRACE",
  " TRACE: 2 6fe39e26 raw:PREROUTING:policy:ACCEPT ",
];

/** `line` as `fold -w width` cuts it: pieces of `width` characters, inside words too. */
const fold = (line: string, width: number) => line.match(new RegExp(`.{1,${width}}`, "g")) as string[];
/** `line` as `fold -s -w width` wraps it: at the last space within `width`, the space kept (`strip`: dropped, as a mail client does). */
function wrap(line: string, width: number, strip = false): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width - 1);
    const at = cut > 0 ? cut + 1 : width;
    out.push(strip ? rest.slice(0, at).trimEnd() : rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out;
}
/** What a parse says of its packets (their lines aside). */
const packets = (text: string) =>
  parseTraceText(text).packets.map((p) => ({
    summary: p.summary,
    hooks: p.hooks,
    events: p.events.map((e) => [e.in, e.out, e.macSrc, e.macDst, e.verdicts?.map((v) => v.verdict)]),
  }));
const problems = (text: string) =>
  parseTraceText(text, { file: "paste.log" }).diagnostics.map(
    (d) => `${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("a trace tool's lines wrapped or folded", () => {
  it.each([
    ["nft monitor trace", NFT],
    ["xtables-monitor", XTABLES],
  ])("reads %s output folded or wrapped at any width as it reads it whole", (_, lines) => {
    const whole = packets(lines.join("\n"));
    expect(whole[0]?.summary).toMatch(/^ICMP (?:echo-request )?198\.51\.100\.1 -> 198\.51\.100\.2$/);
    for (const width of [50, 64, 72, 80])
      for (const broken of [
        lines.flatMap((l) => fold(l, width)),
        lines.flatMap((l) => wrap(l, width)),
        lines.flatMap((l) => wrap(l, width, true)),
      ])
        expect(packets(broken.join("\n")), `${width}: ${broken.join("|")}`).toEqual(whole);
  });

  it("says once that the nft trace was folded, with the width and how to unwrap it", () => {
    const text = NFT.flatMap((l) => fold(l, 50)).join("\n");
    const r = parseTraceText(text, { file: "paste.log" });
    expect(r.diagnostics.map((d) => [d.position.line, d.message, d.hint])).toEqual([
      [
        1,
        "nft monitor trace line folded at 50 characters (by fold -w 50 or a terminal's copy, inside a word too), read joined (2 lines)",
        "nft monitor trace writes each line whole: save its output to a file (nft monitor trace > trace.txt) and share that file; a file folded at 50 columns unwraps with awk 'length($0)==50{printf \"%s\",$0;next}1' FILE",
      ],
    ]);
    // The rule line's event, at the first of its pieces.
    const rule = text.split("\n").findIndex((l) => l.startsWith("trace id 6fe39e26 ip raw PREROUTING rule"));
    expect(r.packets[0]?.events[0]?.position.line).toBe(rule + 1);
  });

  it("refuses a piece that cannot be joined at the column of its cut, never reading it as a packet", () => {
    // The packet line's first piece alone, its MAC cut: `frame 9e:ec -> ?` before.
    const cut = fold(NFT[0] as string, 100)[0] as string;
    expect(cut.endsWith("ether saddr 9e:ec:db:57:3b:9f ether daddr f6")).toBe(true);
    expect(problems(cut)).toEqual([
      "1:99 expected a MAC address of 6 bytes (00:00:5e:00:53:01) after 'ether daddr' in an nft monitor trace packet line, found 'f6'",
    ]);
    expect(parseTraceText(cut).packets).toEqual([]);
    // The same line where its writer marked the rest left out (`[..]`): what is before it reads.
    const elided = `${cut.slice(0, cut.lastIndexOf(" ether daddr"))} ether daddr [..]`;
    expect(problems(elided)).toEqual([]);
    expect(parseTraceText(elided).packets[0]?.events[0]?.in).toBe("pwwb0");
    // xtables-monitor's packet line cut inside its MACDST= (a 5-byte MAC was read as valid).
    const packet = (XTABLES[0] as string).replace("MACDST=f6:da:2c:ac:e0:a ", "MACDST=f6:da:2c:ac:e0 ");
    expect(problems(packet)).toEqual([
      "1:61 expected a MAC address of 6 bytes after MACDST=, found 'f6:da:2c:ac:e0'",
    ]);
    // A rule line cut before its verdict, a verdict cut inside its word.
    expect(
      problems(
        [(NFT[1] as string).slice(0, 60), "trace id 6fe39e26 ip raw PREROUTING policy acc"].join("\n"),
      ),
    ).toEqual([
      "1:61 expected ' (verdict <verdict>)' at the end of an nft monitor trace rule line: the line ends first",
      "2:44 expected a verdict (accept or drop) in an nft monitor trace line, found 'acc'",
    ]);
  });

  it("reads an ebtables line cut in its mark, its protocol or its IP tail as cut there", () => {
    const line =
      "[  969.726476] pwid/ebtable/nat-PREROUTE IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=172.17.0.2 IP DST=172.17.0.3, IP tos=0x00, IP proto=1";
    const at = (s: string) => line.indexOf(s) + s.length;
    expect(
      problems(
        [line.slice(0, at("MAC sou")), line.slice(0, at("0x08")), line.slice(0, at("0x0800 IP"))].join("\n"),
      ),
    ).toEqual([
      `1:${at("MAC sou") + 1} expected ' MAC source = ' after OUT= in an ebtables log line: the line ends first`,
      `2:${at("0x08") + 1} expected four hex digits after 'proto = 0x' in an ebtables log line: the line ends first`,
      `3:${at("0x0800 IP") + 1} expected ' IP SRC=', ' IPv6 SRC=' or ' ARP HTYPE=' after the protocol in an ebtables log line: the line ends first`,
    ]);
    // Folded at the width that cuts it there, or wrapped at the space before: the packet of the whole line.
    const whole = packets(line);
    for (const s of ["MAC sou", "0x08", "0x0800 IP", "IP SRC=172.17", "IP proto="]) {
      expect(packets(fold(line, at(s)).join("\n")), s).toEqual(whole);
      const space = line.lastIndexOf(" ", at(s));
      expect(packets(`${line.slice(0, space + 1)}\n${line.slice(space + 1)}`), s).toEqual(whole);
    }
  });

  it("does not read a note after a line that read whole as more of it", () => {
    // pastes54 19 holds the prompt `xtables-monitor --trace` after a rule line: no rule text, no warning.
    const rule =
      " TRACE: 2 d922bdcd filter:FORWARD:rule:0x34:ACCEPT  -4 -t filter -A FORWARD -i br0 ! -o br0 -j ACCEPT";
    const r = parseTraceText([XTABLES[0], rule, "xtables-monitor --trace", XTABLES[2]].join("\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.skippedLines).toBe(1);
    expect(r.packets.flatMap((p) => p.events.map((e) => e.verdict?.text))).toContain(
      "-4 -t filter -A FORWARD -i br0 ! -o br0 -j ACCEPT",
    );
    // A policy line's note, an ebtables line's note.
    const notes = parseTraceText([...NFT, "Error: unsupported layer 4 protocol value"].join("\n"));
    expect(notes.diagnostics).toEqual([]);
    expect(notes.skippedLines).toBe(1);
  });
});

describe("a kernel line cut after its LOG prefix", () => {
  const FIELDS =
    "IN=eth0 OUT= MAC=a6:8d:e2:51:62:4c:f0:4b:3a:4f:80:30:08:00 SRC=77.72.85.26 DST=157.230.26.180 LEN=40 TOS=0x00 PREC=0x00 TTL=251 ID=62215 PROTO=TCP SPT=42772 DPT=3194 WINDOW=1024 RES=0x00 SYN URGP=0";
  const HEAD = "Feb  6 16:27:08 jonasgroenbek kernel: [71910.873115] ";

  it("reads the prefix and its fields as one line, with the envelope's time (pastes54 P2)", () => {
    for (const text of [
      `${HEAD}[UFW BLOCK] \n${FIELDS}`,
      `${HEAD}[UFW BLOCK]\n${FIELDS}`,
      `${HEAD}\n[UFW BLOCK] ${FIELDS}`,
    ]) {
      const r = parseTraceText(text, { file: "paste.log" });
      expect(
        r.packets.map((p) => [p.summary, p.hooks, p.events[0]?.prefix, p.events[0]?.position.line]),
        text,
      ).toEqual([
        ["TCP SYN 77.72.85.26:42772 -> 157.230.26.180:3194", ["ip:filter:INPUT"], "[UFW BLOCK] ", 1],
      ]);
      expect(r.packets[0]?.events[0]?.time).toBeDefined();
      expect(r.skippedLines).toBe(0);
    }
  });

  it("reads a TRACE label folded inside it as one label", () => {
    const whole = `${HEAD}TRACE: raw:OUTPUT:policy:3 IN= OUT=ens192 SRC=10.12.22.151 DST=10.100.3.59 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=31766 DF PROTO=TCP SPT=47644 DPT=80 SEQ=1655794081 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 UID=0 GID=0`;
    const r = parseTraceText(fold(whole, 70).join("\n"));
    expect(r.packets.map((p) => p.hooks)).toEqual([["ip:raw:OUTPUT"]]);
  });

  it("does not take a line with a prefix of its own that places it as a prefix's rest", () => {
    const r = parseTraceText(`${HEAD}eth0: link becomes ready\n[UFW BLOCK] ${FIELDS}`);
    expect(r.packets.map((p) => p.events[0]?.prefix)).toEqual(["[UFW BLOCK] "]);
    expect(r.skippedLines).toBe(1);
    expect(r.diagnostics).toEqual([]);
  });
});
