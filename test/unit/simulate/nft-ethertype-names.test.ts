/**
 * nft's Ethernet type names are its own, in lower case, and each key has its own: `unshare -n nft -c -f`
 * (nft 1.0.6) on a bridge filter chain printed "Error: Could not parse Ethernet protocol" for `ether
 * type IP` (at 4:14), `ether type ARP`, `meta protocol ipv6` (4:17), `ether type ip - IP6` (4:19) and
 * `ether type 0x800-IP6` (4:20), and took `ether type ip`, `meta protocol ip6`, `ether type 0X0800`,
 * `ether type 0X800-ip6`, `ether type ip - ip6`.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const said = (match: string) =>
  parseRulesetFile(
    `table bridge t {\n chain c {\n  type filter hook forward priority 0;\n  ${match} accept\n }\n}\n`,
    "t.nft",
  ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);

const refused = (column: number, word: string) =>
  `error 4:${column} '${word}' is not an Ethernet type: nft refuses it ("Could not parse Ethernet protocol"), and with it the whole file`;

describe("nft's Ethernet type names", () => {
  it.each([
    ["ether type IP", refused(14, "IP")],
    ["ether type ARP", refused(14, "ARP")],
    ["meta protocol ipv6", refused(17, "ipv6")],
    ["ether type ip - IP6", refused(19, "IP6")],
    ["ether type 0x800-IP6", refused(20, "IP6")],
  ])("refuses %s", (match, error) => {
    expect(said(match)).toEqual([error]);
  });

  it.each([
    "ether type ip",
    "meta protocol ip6",
    "ether type 0X0800",
    "ether type 0X800-ip6",
    "ether type ip - ip6",
  ])("takes %s", (match) => {
    expect(said(match)).toEqual([]);
  });
});

describe("nft's netfilter family names (meta nfproto)", () => {
  // nft 1.0.6 in an inet input chain: `ip`, `IPv4`, `arp` refused ("Could not parse netfilter
  // protocol", at the word); `ipv4`, `ipv6`, `2`, `10` and a set of names taken.
  const inet = (match: string) =>
    parseRulesetFile(
      `table inet t {\n chain c {\n  type filter hook input priority 0;\n  ${match} accept\n }\n}\n`,
      "t.nft",
    ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);
  const no = (word: string) =>
    `error 4:16 '${word}' is not a netfilter family: nft refuses it ("Could not parse netfilter protocol"), and with it the whole file`;

  it.each([
    ["meta nfproto ip", no("ip")],
    ["meta nfproto IPv4", no("IPv4")],
    ["meta nfproto arp", no("arp")],
  ])("refuses %s", (match, error) => {
    expect(inet(match)).toEqual([error]);
  });

  it.each(["meta nfproto ipv4", "meta nfproto ipv6", "meta nfproto 2", "meta nfproto { ipv4, ipv6 }"])(
    "takes %s",
    (match) => {
      expect(inet(match)).toEqual([]);
    },
  );
});
