/**
 * `ct [original|reply] proto-src|proto-dst` needs a transport protocol matched before it, and a
 * direction: nft 1.0.6 on kernel 6.18 (`nft -f` in a fresh namespace) refused each rule below at the
 * column given, and loaded each one of the second list. The reader took them all. nft's listing of
 * iptables-nft's `-m conntrack --ctorigdstport 8080` says no protocol: a listing keeps it.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

/** The reader's errors for `rule` in an input chain of a `family` table, in a script, as `line:column message`. */
const errors = (family: string, rule: string, script = "flush ruleset\n") =>
  parseRulesetFile(
    `${script}table ${family} t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\t${rule}\n\t}\n}\n`,
    "t.nft",
  )
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

const NO_PROTOCOL = (what: string) =>
  `'${what}' compares a port, but nothing before it says the transport protocol: nft refuses the rule ("Can't parse symbolic invalid expressions")`;

describe("a connection's port without its protocol or direction", () => {
  it.each([
    ["inet", "ct original proto-dst 80 accept", 25, "ct original proto-dst"],
    ["inet", "ct reply proto-src 80 accept", 22, "ct reply proto-src"],
    ["ip", "ct original proto-dst http accept", 25, "ct original proto-dst"],
    ["ip", "ct original proto-dst != 80 accept", 28, "ct original proto-dst"],
    ["ip", "ct original proto-dst { 80, 443 } accept", 27, "ct original proto-dst"],
    ["ip", "ct original proto-dst 1-1024 accept", 25, "ct original proto-dst"],
    ["ip", "ct original proto-dst vmap { 80 : accept }", 32, "ct original proto-dst"],
    // `th` is no protocol, and a match after the port comes too late.
    ["ip", "th dport 80 ct original proto-dst 80 accept", 37, "ct original proto-dst"],
    ["ip", "ct original proto-dst 80 meta l4proto tcp accept", 25, "ct original proto-dst"],
    ["ip", "ct proto-dst 80 accept", 16, "ct proto-dst"],
  ])("[%s] '%s' is refused at the value", (family, rule, column, what) => {
    expect(errors(family, rule)).toEqual([`5:${column} ${NO_PROTOCOL(what)}`]);
  });

  it("is refused by the kernel at 'ct' with a protocol but no direction", () => {
    expect(errors("ip", "meta l4proto tcp ct proto-dst 80 accept")).toEqual([
      `5:20 'ct proto-dst' says no direction: the kernel refuses the rule (nft: "Could not process rule: Invalid argument")`,
    ]);
  });

  it.each([
    ["ip", "meta l4proto tcp ct original proto-dst 80 accept"],
    ["inet", "tcp dport 22 ct original proto-dst 80 accept"],
    ["inet", "meta l4proto udp ct reply proto-src 53 accept"],
    ["ip", "ip protocol tcp ct original proto-dst 80 accept"],
    ["ip", "ct protocol tcp ct original proto-dst 80 accept"],
    ["ip", "ct original protocol 6 ct original proto-dst 80 accept"],
    ["ip", "meta l4proto { tcp, udp } ct original proto-dst 80 accept"],
    ["ip", "icmp type echo-request ct original proto-dst 80 accept"],
    ["ip6", "ip6 nexthdr tcp ct original proto-dst 80 accept"],
    ["ip", "meta l4proto tcp ct original proto-src 80 ct reply proto-dst 80 accept"],
  ])("[%s] '%s' is taken, as nft takes it", (family, rule) => {
    expect(errors(family, rule)).toEqual([]);
  });

  it("is taken without a protocol in a listing, as nft lists iptables-nft's conntrack port match", () => {
    expect(errors("ip", "ct original proto-dst 8080 accept", "")).toEqual([]);
    expect(errors("ip", "ct proto-dst 8080 accept", "")).toEqual([
      `4:3 'ct proto-dst' says no direction: the kernel refuses the rule (nft: "Could not process rule: Invalid argument")`,
    ]);
  });
});
