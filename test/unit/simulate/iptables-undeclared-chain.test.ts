/**
 * iptables-restore (1.8.9, nf_tables, in a throwaway namespace) refuses a `-j NAME` that is neither a
 * target extension nor a chain declared above the rule ("Chain 'NAME' does not exist"): a ufw listing
 * cut from its `ufw-logging-deny` chain, a Docker save without `:DOCKER`, a chain line written after
 * the jump. The reader said only "not modelled" (a warning), and simulated the cut listing.
 * A target extension it does not model (`-j NFLOG`) is still a warning, and so is an extension a host may
 * add (xtables-addons' `-j TARPIT` loads there). Another upper-case name (`-j LOGDROP` with its chain line
 * forgotten, `-j DROPP`) was a warning too: iptables-restore 1.8.9 refuses it alike (rulesets43 R2).
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

const problems = (text: string) =>
  parseIptablesSave(text).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("a jump to a chain the table does not declare above it", () => {
  it.each(["ufw-logging-deny", "DOCKER-USER", "cali-FORWARD"])(
    "-j %s, declared nowhere, is refused",
    (name) => {
      expect(problems(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j ${name}\nCOMMIT\n`)).toEqual([
        `error 3:20 chain '${name}' does not exist in table 'filter': iptables-restore refuses the file ("Chain '${name}' does not exist")`,
      ]);
    },
  );

  it.each([
    [
      "LOGDROP",
      "declare it with ':LOGDROP - [0:0]' after *filter, above the rules that jump to it (was the listing cut from a larger save?)",
    ],
    [
      "DROPP",
      "did you mean the target DROP? Else declare the chain with ':DROPP - [0:0]' after *filter, above the rules that jump to it",
    ],
    [
      "REJCT",
      "did you mean the target REJECT? Else declare the chain with ':REJCT - [0:0]' after *filter, above the rules that jump to it",
    ],
    [
      "ACCPET",
      "did you mean the target ACCEPT? Else declare the chain with ':ACCPET - [0:0]' after *filter, above the rules that jump to it",
    ],
  ])("-j %s, upper case and no extension a host may add, is refused, with a hint", (name, hint) => {
    const d = parseIptablesSave(
      `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j ${name}\nCOMMIT\n`,
    ).diagnostics;
    expect(d.map((x) => [x.severity, x.message, x.hint])).toEqual([
      [
        "error",
        `chain '${name}' does not exist in table 'filter': iptables-restore refuses the file ("Chain '${name}' does not exist")`,
        hint,
      ],
    ]);
  });

  it("a chain declared below the jump is refused at the jump", () => {
    expect(problems("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ufw-x\n:ufw-x - [0:0]\nCOMMIT\n")).toEqual([
      `error 3:13 chain 'ufw-x' is declared below this jump, at line 4: iptables-restore refuses the file ("Chain 'ufw-x' does not exist")`,
    ]);
  });

  it("declared above, or a target extension: no error", () => {
    expect(problems("*filter\n:INPUT ACCEPT [0:0]\n:ufw-x - [0:0]\n-A INPUT -j ufw-x\nCOMMIT\n")).toEqual([]);
    expect(problems("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NFLOG\nCOMMIT\n")).toEqual([
      "warning 3:10 target 'NFLOG' is not modelled",
    ]);
    expect(problems("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j TARPIT\nCOMMIT\n")).toEqual([
      "warning 3:20 'TARPIT' is neither a chain of table 'filter' nor a modelled target",
    ]);
  });
});
