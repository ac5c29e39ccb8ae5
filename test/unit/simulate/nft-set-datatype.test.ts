/**
 * A named set's datatype against the key a rule looks up in it, its elements' families, and its
 * elements' timeouts, as nft 1.0.6 and kernel 6.18 refuse or take them: each case was loaded with
 * `unshare -n nft -f` (the refusal quoted is what nft printed, at the line and column asserted).
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const problems = (text: string) =>
  parseRulesetFile(text, "t.nft").diagnostics.map(
    (d) => `${d.severity} ${d.position?.line}:${d.position?.column} ${d.message}`,
  );
const table = (family: string, body: string) => `table ${family} t {\n${body}\n}\n`;

describe("a lookup's key against the set's datatype", () => {
  it.each([
    [
      "ip6 saddr in an ipv4_addr set",
      table("ip6", " set s {\n  type ipv4_addr\n }\n chain c {\n  ip6 saddr @s accept\n }"),
      "6:13 datatype mismatch, expected IPv6 address, expression has type IPv4 address",
    ],
    [
      "a concatenation with a part of another type",
      table(
        "inet",
        " set s {\n  type ipv4_addr . inet_service\n }\n chain c {\n  ip saddr . ip daddr @s accept\n }",
      ),
      "6:23 datatype mismatch, expected concatenation of (IPv4 address, IPv4 address), expression has type concatenation of (IPv4 address, internet network service)",
    ],
    [
      "one key against a concatenation",
      table("ip", " set s {\n  type ipv4_addr . inet_service\n }\n chain c {\n  ip saddr @s accept\n }"),
      "6:12 datatype mismatch, expected IPv4 address, expression has type concatenation of (IPv4 address, internet network service)",
    ],
    [
      "a port in an address set",
      table("ip", " set s {\n  type ipv4_addr\n }\n chain c {\n  tcp dport @s accept\n }"),
      "6:13 datatype mismatch, expected internet network service, expression has type IPv4 address",
    ],
    [
      "a verdict map of another key",
      table("inet", " map m {\n  type ipv4_addr : verdict\n }\n chain c {\n  ip6 saddr vmap @m\n }"),
      "6:18 datatype mismatch, map expects IPv4 address, mapping expression has type IPv6 address",
    ],
  ])("refuses %s", (_, text, want) => {
    const got = problems(text);
    expect(got).toHaveLength(1);
    expect(got[0]).toContain(`error ${want}`);
  });

  it.each([
    [
      "udp and th ports in a typeof tcp dport set",
      " set s {\n  typeof tcp dport\n }\n chain c {\n  udp dport @s accept\n  th dport @s accept\n }",
    ],
    [
      "ct mark and meta mark in a mark set",
      " set s {\n  type mark\n }\n chain c {\n  ct mark @s accept\n  meta mark != @s accept\n }",
    ],
    [
      "ip protocol and meta l4proto in an inet_proto set",
      " set s {\n  type inet_proto\n }\n chain c {\n  meta l4proto @s accept\n  ip protocol @s accept\n }",
    ],
    [
      "a concatenation of its type",
      " set s {\n  type ipv4_addr . ipv4_addr\n }\n chain c {\n  ip saddr . ip daddr @s accept\n }",
    ],
  ])("takes %s", (_, body) => {
    expect(problems(table("inet", body))).toEqual([]);
  });
});

describe("a set's element of the other address family", () => {
  it.each([
    ["ipv4_addr", "fd00::1", "IPv6"],
    ["ipv6_addr", "10.0.0.1", "IPv4"],
    ["ipv4_addr . inet_service", "fd00::1 . 80", "IPv6"],
    ["typeof ip saddr", "fd00::1", "IPv6"],
  ])("type %s refuses %s", (type, element, family) => {
    const got = problems(
      table(
        "inet",
        ` set s {\n  ${type.startsWith("typeof") ? type : `type ${type}`}\n  elements = { ${element} }\n }`,
      ),
    );
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(
      new RegExp(`^error 4:16 set s: '${element.split(" ")[0]}' is an ${family} address`),
    );
    expect(got[0]).toContain("Could not resolve hostname");
  });
});

describe("an element's timeout and expires", () => {
  const set = (lines: string) => table("ip", ` set s {\n  type ipv4_addr\n${lines}\n }`);
  it.each([
    [
      "a timeout in a set without timeouts",
      "  elements = { 10.0.0.1 timeout 10s }",
      "4:16",
      "Invalid argument",
    ],
    [
      "an expires in a set without timeouts",
      "  elements = { 10.0.0.1 expires 10s }",
      "4:16",
      "Invalid argument",
    ],
    [
      "a timeout in an interval set",
      "  flags interval\n  elements = { 10.0.0.0/24 timeout 10s }",
      "5:16",
      "Invalid argument",
    ],
    [
      "an expires with no timeout to count from",
      "  flags timeout\n  elements = { 10.0.0.1 expires 10s }",
      "5:16",
      "Operation not supported",
    ],
    [
      "an expires past the set's timeout",
      "  timeout 1m\n  elements = { 10.0.0.1 expires 2m }",
      "5:16",
      "Numerical result out of range",
    ],
    [
      "an expires past the element's timeout",
      "  flags timeout\n  elements = { 10.0.0.1 timeout 1h expires 61m }",
      "5:16",
      "Numerical result out of range",
    ],
    [
      "a time without its unit",
      "  flags timeout\n  elements = { 10.0.0.1 timeout 90 }",
      "5:33",
      "unexpected number",
    ],
  ])("refuses %s", (_, lines, at, quoted) => {
    const got = problems(set(lines));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(new RegExp(`^error ${at} `));
    expect(got[0]).toContain(quoted);
  });

  it.each([
    ["flags timeout after the elements", "  elements = { 10.0.0.1 timeout 10s }\n  flags timeout"],
    ["a set-level timeout alone", "  timeout 1m\n  elements = { 10.0.0.1 timeout 10s }"],
    [
      "an expires within the set's timeout, as nft lists it",
      "  size 65535\n  flags dynamic,timeout\n  timeout 1h\n  elements = { 10.0.0.1 expires 59m59s999ms }",
    ],
    ["an expires equal to the timeout", "  flags timeout\n  elements = { 10.0.0.1 timeout 10s expires 10s }"],
  ])("takes %s", (_, lines) => {
    expect(problems(set(lines))).toEqual([]);
  });
});
