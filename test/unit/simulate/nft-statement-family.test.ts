/**
 * nft makes an expression on one family's header depend on that family: `tcp dport 22 add @s6 { ip6
 * saddr } drop` in an inet table compiles to `meta nfproto ipv6` before its dynset (nft --debug=netlink,
 * nft 1.0.6), so an IPv4 packet breaks the rule there. The reader took such statements (set updates,
 * meters, a mark set from `ip dscp`) for ones every packet passes: a Debian SSH rate limit written for
 * both families dropped IPv4 SSH by its IPv6 rule.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { routedContext, synPacket } from "./helpers.ts";

const table = (rules: string[]) =>
  parseNftRuleset(
    `table inet t {\n\tset s6 { type ipv6_addr; flags dynamic; }\n\tset s4 { type ipv4_addr; flags dynamic; }\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n${rules.map((r) => `\t\t${r}\n`).join("")}\t}\n}\n`,
  ).tables[0] as TableDef;

const v4 = () => synPacket({ dport: 22 });
const v6 = () => synPacket({ v6: true, src: "fd00::1", dst: "fd00::2", dport: 22 });
const ctx4 = routedContext();
const ctx6 = routedContext({ ethType: "0x86dd" });

describe("a statement on one family's header", () => {
  it.each([
    "tcp dport 22 add @s6 { ip6 saddr } drop",
    "tcp dport 22 meter m6 { ip6 saddr limit rate 3/minute } drop",
    "tcp dport 22 update @s6 { ip6 saddr timeout 1m } drop",
  ])("'%s' is passed by IPv4 packets, the policy decides", (rule) => {
    const run = runChain(table([rule]), "input", v4(), ctx4);
    expect(run.verdict).toBe("ACCEPT");
    expect(run.steps.at(-1)?.kind).toBe("policy");
  });

  it("its own family still meets it", () => {
    const run = runChain(table(["tcp dport 22 add @s6 { ip6 saddr } drop"]), "input", v6(), ctx6);
    expect(run.verdict).toBe("DROP");
    const v4rule = runChain(table(["tcp dport 22 add @s4 { ip saddr } drop"]), "input", v6(), ctx6);
    expect(v4rule.verdict).toBe("ACCEPT");
  });
});

describe("a lookup in a set the rules fill, keyed on one family's header (rulesets42 F4)", () => {
  // nft --debug=netlink puts `meta nfproto ipv6` before `lookup reg 1 set ban6`: an IPv4 packet never
  // reaches it. The common ban-set pair of fail2ban- and sshguard-style inet tables got a phantom DROP.
  const rules = ["ip6 saddr @s6 drop", "tcp dport 22 add @s6 { ip6 saddr } drop"];
  it("is passed by the other family: decided, the policy accepts", () => {
    const run = runChain(table(rules), "input", synPacket({ dport: 80 }), ctx4);
    expect(run.verdict).toBe("ACCEPT");
    expect(run.steps.some((s) => s.kind === "rule" && s.verdict === "UNKNOWN")).toBe(false);
  });

  it("stays chance for its own family", () => {
    const run = runChain(
      table(rules),
      "input",
      synPacket({ v6: true, src: "fd00::1", dst: "fd00::2" }),
      ctx6,
    );
    expect(JSON.stringify(run.steps[0])).toMatch(/UNKNOWN|uncertain/i);
  });
});
