/**
 * A set element past its key's width is refused as a bare value is. nft 1.0.6 on kernel 6.18 (a
 * throwaway namespace, `nft add rule inet t c ...` and `nft -f` of named sets) refused, with its caret
 * at the bound: `meta mark { 0x1-0x100000000 }` and `{ 1, 0x100000000 }` ("Value 4294967296 exceeds
 * valid range 0-4294967295"), `ct zone { 1-70000 }` ("Value 70000 exceeds valid range 0-65535"), `ip
 * dscp { 64 }` (0-63), `icmp type { 256 }`, `ip ttl { 256 }`, `ip6 hoplimit { 1-256 }` (0-255), `ip
 * protocol { 1-256 }` ("Protocol out of range"), `tcp dport { 65536 }` ("Service out of range"), `meta
 * mark . ct zone { 0x1 . 70000 }`, `ip saddr . ct zone { 10.0.0.1 . 70000 }`, and the named sets `type
 * mark; elements = { 0x1-0x100000000 }`, `typeof ct zone; elements = { 70000 }` and `typeof ip length;
 * elements = { 70000 }`; it took `ct zone { 1, 3-5 }` and `meta length { 70000 }` (32 bits).
 */
import { describe, expect, it } from "vitest";
import { setTypeKeys } from "../../../src/core/simulate/parse-nft-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { nftJsonInput } from "./helpers.ts";

/** `line:column message` of each error of `text`. */
const errors = (text: string, file = "t.nft") =>
  parseRulesetFile(text, file)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

/** A table whose input chain holds `rule`, on line 4 from column 3. */
const rule = (r: string) =>
  `table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\t${r} accept\n\t}\n}\n`;

/** nft's refusal as the reader says it. */
const refused = (
  key: string,
  bound: string,
  max: number,
  words = `Value ${Number(bound)} exceeds valid range 0-${max}`,
) =>
  `${key} value ${bound} exceeds its valid range 0-${max}: nft refuses it ("${words}"), and with it the whole file`;

describe("an anonymous set's element past its key's width", () => {
  it.each([
    ["meta mark { 0x1-0x100000000 }", "4:19", refused("meta mark", "0x100000000", 4294967295)],
    ["meta mark { 1, 0x100000000 }", "4:18", refused("meta mark", "0x100000000", 4294967295)],
    ["ct mark != { 0x100000000 }", "4:16", refused("ct mark", "0x100000000", 4294967295)],
    ["ct zone { 1-70000 }", "4:15", refused("ct zone", "70000", 65535)],
    ["ct zone { 70000 }", "4:13", refused("ct zone", "70000", 65535)],
    ["ip dscp { 64 }", "4:13", refused("ip dscp", "64", 63)],
    ["icmp type { 256 }", "4:15", refused("icmp type", "256", 255)],
    ["ip ttl { 256 }", "4:12", refused("ip ttl", "256", 255)],
    ["ip6 hoplimit { 1-256 }", "4:20", refused("ip6 hoplimit", "256", 255)],
    ["ip protocol { 1-256 }", "4:19", refused("ip protocol", "256", 255, "Protocol out of range")],
    ["tcp dport { 65536 }", "4:15", refused("tcp dport", "65536", 65535, "Service out of range")],
    ["meta mark . ct zone { 0x1 . 70000 }", "4:31", refused("ct zone", "70000", 65535)],
    ["ip saddr . ct zone { 10.0.0.1 . 70000 }", "4:35", refused("ct zone", "70000", 65535)],
    ["meta mark & 0xff { 0x100000000 }", "4:22", refused("meta mark", "0x100000000", 4294967295)],
  ])("%s is refused at its bound", (r, at, message) => {
    expect(errors(rule(r))).toEqual([`${at} ${message}`]);
  });

  it("an element within the width reads, and so does a name", () => {
    for (const r of [
      "ct zone { 1, 3-5 }",
      "meta length { 70000 }",
      "meta mark { 0x1-0xffffffff }",
      "icmp type { echo-request, 3-8 }",
      "tcp dport { http, 1-65535 }",
    ])
      expect(errors(rule(r)), r).toEqual([]);
  });

  it("nft -j's range reads the same", () => {
    const json = nftJsonInput("inet", [
      [{ match: { op: "==", left: { ct: { key: "zone" } }, right: { set: [1, { range: [3, 70000] }] } } }],
    ]);
    const rs = parseRulesetFile(json, "t.json");
    expect(rs.diagnostics.map((d) => d.message)).toEqual([refused("ct zone", "70000", 65535)]);
    expect(rs.nft?.[0]?.chains.get("c")?.rules).toEqual([]);
  });
});

describe("a named set's element past its type's width", () => {
  const table = (set: string) => `table inet t {\n\tset s {\n${set}\n\t}\n}\n`;
  it.each([
    [
      "\t\ttype mark\n\t\tflags interval\n\t\telements = { 0x1-0x100000000 }",
      "5:20",
      refused("meta mark", "0x100000000", 4294967295),
    ],
    ["\t\ttypeof ct zone\n\t\telements = { 1, 70000 }", "4:19", refused("ct zone", "70000", 65535)],
    ["\t\ttypeof ip length\n\t\telements = { 70000 }", "4:16", refused("ip length", "70000", 65535)],
    [
      "\t\ttype ipv4_addr . inet_service\n\t\telements = { 10.0.0.1 . 65536 }",
      "4:27",
      refused("th dport", "65536", 65535, "Service out of range"),
    ],
  ])("%s is refused at its bound", (set, at, message) => {
    expect(errors(table(set))).toEqual([`${at} ${message}`]);
  });

  it("a map's key is checked, its data not; an element within the width reads", () => {
    const map =
      "table inet t {\n\tmap m {\n\t\ttypeof ct zone : verdict\n\t\telements = { 70000 : accept, 2 : drop }\n\t}\n}\n";
    expect(errors(map)).toEqual([`4:16 ${refused("ct zone", "70000", 65535)}`]);
    const rs = parseRulesetFile(table("\t\ttypeof meta length\n\t\telements = { 70000 }"), "t.nft");
    expect(rs.diagnostics).toEqual([]);
    expect(rs.nft?.[0]?.sets?.get("s")?.elements).toEqual([{ kind: "value", value: "70000" }]);
  });

  it("knows the keys of the types nft names and of typeof", () => {
    expect(setTypeKeys("mark")).toEqual(["meta mark"]);
    // An address type has no width to check, but its elements' form is (nft-element-form.ts).
    expect(setTypeKeys("ipv4_addr . inet_service")).toEqual(["ip saddr", "th dport"]);
    expect(setTypeKeys("ifname . ipv4_addr")).toEqual([undefined, "ip saddr"]);
    expect(setTypeKeys("ct zone . meta mark : verdict")).toEqual(["ct zone", "meta mark"]);
    expect(setTypeKeys("ip6 length")).toEqual(["ip6 length"]);
  });
});
