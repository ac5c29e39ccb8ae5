/**
 * An anonymous verdict map's key past its key's width is refused as a set element is (see
 * nft-set-width.test.ts). nft 1.0.6 on kernel 6.18, `nft -c -f FILE` in a throwaway namespace, the
 * rule on line 4 of `table inet t { chain c { type filter hook input priority 0; ... } }` after two tabs:
 * - `meta mark vmap { 0x100000000 : accept }`: "4:20-30: Error: Value 4294967296 exceeds valid range
 *   0-4294967295"; `{ 1 : accept, 0x100000000 : drop }` at 4:32-42; `{ 0x100000000-0x100000002 : accept }`
 *   at 4:20-30; `ct mark vmap { 0x100000000 : accept }` at 4:18-28.
 * - `ct zone vmap { 70000 : drop }`: "4:18-22: Error: Value 70000 exceeds valid range 0-65535".
 * - `tcp dport vmap { 70000 : accept }`: "4:20-24: Error: Service out of range"; `{ 22 : accept, 70000 :
 *   drop }` at 4:33-37 (the first past the width only); `{ 1-70000 : accept }` at 4:22-26; `{ 0x11170 :
 *   accept }` at 4:20-26; `meta mark . tcp dport vmap { 1 . 70000 : accept }` at 4:36-40.
 * - `ip dscp vmap { 64 : accept }`: "4:18-19: Error: Value 64 exceeds valid range 0-63"; `meta l4proto
 *   vmap { 256 : accept }`: "4:23-25: Error: Protocol out of range".
 * - exit 0 for `meta mark vmap { 0xffffffff : accept }`, `ct zone vmap { 65535 : drop }`, `tcp dport vmap
 *   { 65535 : accept }`.
 * nft counts a tab as one column, as the reader does.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

/** `line:column message` of each error of `text`. */
const errors = (text: string) =>
  parseRulesetFile(text, "t.nft")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

/** A table whose input chain holds `rule`, on line 4 from column 3. */
const table = (r: string) =>
  `table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\t${r}\n\t}\n}\n`;

/** nft's refusal as the reader says it. */
const refused = (
  key: string,
  bound: string,
  max: number,
  words = `Value ${Number(bound)} exceeds valid range 0-${max}`,
) =>
  `${key} value ${bound} exceeds its valid range 0-${max}: nft refuses it ("${words}"), and with it the whole file`;

const MARK = 4294967295;
const SERVICE = "Service out of range";

describe("an anonymous verdict map's key past its key's width", () => {
  it.each([
    ["meta mark vmap { 0x100000000 : accept }", "4:20", refused("meta mark", "0x100000000", MARK)],
    ["meta mark vmap { 1 : accept, 0x100000000 : drop }", "4:32", refused("meta mark", "0x100000000", MARK)],
    [
      "meta mark vmap { 0x100000000-0x100000002 : accept }",
      "4:20",
      refused("meta mark", "0x100000000", MARK),
    ],
    ["ct mark vmap { 0x100000000 : accept }", "4:18", refused("ct mark", "0x100000000", MARK)],
    ["ct zone vmap { 70000 : drop }", "4:18", refused("ct zone", "70000", 65535)],
    ["tcp dport vmap { 70000 : accept }", "4:20", refused("tcp dport", "70000", 65535, SERVICE)],
    ["tcp dport vmap { 22 : accept, 70000 : drop }", "4:33", refused("tcp dport", "70000", 65535, SERVICE)],
    [
      "tcp dport vmap { 22 : accept, 70000 : drop, 80000 : drop }",
      "4:33",
      refused("tcp dport", "70000", 65535, SERVICE),
    ],
    ["tcp dport vmap { 1-70000 : accept }", "4:22", refused("tcp dport", "70000", 65535, SERVICE)],
    ["tcp dport vmap { 0x11170 : accept }", "4:20", refused("tcp dport", "0x11170", 65535, SERVICE)],
    [
      "meta mark . tcp dport vmap { 1 . 70000 : accept }",
      "4:36",
      refused("tcp dport", "70000", 65535, SERVICE),
    ],
    ["ip dscp vmap { 64 : accept }", "4:18", refused("ip dscp", "64", 63)],
    [
      "meta l4proto vmap { 256 : accept }",
      "4:23",
      refused("meta l4proto", "256", 255, "Protocol out of range"),
    ],
  ])("%s is refused at the key, as nft -c refused it", (r, at, message) => {
    expect(errors(table(r))).toEqual([`${at} ${message}`]);
  });

  it("drops the refused rule: no verdict map is left to decide", () => {
    const rs = parseRulesetFile(table("ct zone vmap { 70000 : drop }"), "t.nft");
    expect(rs.nft?.[0]?.chains.get("c")?.rules.map((r) => r.target)).toEqual([]);
  });

  it("a key within the width reads into the map", () => {
    for (const r of [
      "meta mark vmap { 0xffffffff : accept }",
      "ct zone vmap { 65535 : drop }",
      "tcp dport vmap { 65535 : accept, http : drop }",
      "meta mark . tcp dport vmap { 1 . 65535 : accept }",
    ])
      expect(errors(table(r)), r).toEqual([]);
    const rs = parseRulesetFile(table("tcp dport vmap { 22 : accept, 65535 : drop }"), "t.nft");
    const target = rs.nft?.[0]?.chains.get("c")?.rules[0]?.target;
    expect(target).toMatchObject({ kind: "vmap", key: "tcp dport" });
    expect(target?.kind === "vmap" ? target.elements?.length : 0).toBe(2);
  });
});
