/**
 * Jump loops: refused, at the jump that closes them, when a base chain reaches them, as the kernel
 * refuses them (kernel 6.18, nft 1.0.6: an output chain jumping into `u -> v -> u` failed with "Could
 * not process rule: Too many links"; the same loop alone, and a chain jumping to itself that no base
 * chain reaches, loaded).
 */
import { describe, expect, it } from "vitest";
import type { MatchContext } from "../../../src/core/simulate/match-rule.ts";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { icmpPacket } from "./helpers.ts";

/** The reader's errors for a table of `chains`, as `line:column message`. */
function errors(chains: string): string[] {
  return parseRulesetFile(`table ip t {\n${chains}}\n`, "t.nft")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position?.line}:${d.position?.column} ${d.message}`);
}

const LOOP = "\tchain u {\n\t\tjump v\n\t}\n\tchain v {\n\t\ttcp dport 22 goto u\n\t}\n";

describe("jump loops", () => {
  it("refuses a loop a base chain reaches, at the jump back", () => {
    expect(errors(`${LOOP}\tchain c {\n\t\ttype filter hook output priority 0;\n\t\tjump v\n\t}\n`)).toEqual([
      "3:3 chain u goes back to chain v (v -> u -> v), a loop chain c reaches: the kernel refuses it (Too many links)",
    ]);
  });

  it("follows a verdict map into the loop", () => {
    expect(
      errors(
        `${LOOP}\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tip saddr vmap { 192.0.2.1 : jump u }\n\t}\n`,
      ),
    ).toEqual([
      "6:3 chain v goes back to chain u (u -> v -> u), a loop chain c reaches: the kernel refuses it (Too many links)",
    ]);
  });

  it("takes a loop no base chain reaches, and a chain reached twice without a loop", () => {
    expect(errors(`${LOOP}\tchain s {\n\t\tjump s\n\t}\n`)).toEqual([]);
    expect(
      errors(
        "\tchain a {\n\t\tjump b\n\t}\n\tchain b {\n\t\taccept\n\t}\n\tchain c {\n\t\ttype filter hook output priority 0;\n\t\tjump a\n\t\tjump b\n\t}\n",
      ),
    ).toEqual([]);
  });
});

/** iptables-save text of a filter table with user chains `chains` and `rules`. */
function xtSave(chains: string[], rules: string[]): string {
  return `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${chains.map((c) => `:${c} - [0:0]\n`).join("")}${rules.join("\n")}\nCOMMIT\n`;
}

const ctx: MatchContext = {
  in: "eth0",
  out: "eth1",
  bridged: false,
  ethType: "0x0800",
  ctState: "NEW",
  addrType: () => "UNICAST",
};

describe("jump loops in iptables and ebtables (kernel 6.18)", () => {
  it("refuses a loop a built-in chain reaches at the rule that closes it, as iptables-nft-restore did ('RULE_APPEND failed (Too many links)')", () => {
    const r = parseIptablesSave(xtSave(["LA", "LB"], ["-A FORWARD -j LA", "-A LA -j LB", "-A LB -g LA"]), {
      file: "l.rules",
    });
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      '9:10 chain LB goes back to chain LA (LA -> LB -> LA), a loop chain FORWARD reaches: the kernel refuses it (iptables-nft-restore: "RULE_APPEND failed (Too many links)"; iptables-legacy-restore fails at COMMIT)',
    ]);
  });

  it("takes a loop no built-in chain reaches, as both iptables-restore did", () => {
    expect(parseIptablesSave(xtSave(["LA", "LB"], ["-A LA -j LB", "-A LB -j LA"])).diagnostics).toEqual([]);
  });

  it("refuses an ebtables loop, as ebtables-restore did", () => {
    const r = parseEbtables(
      "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n:LA RETURN\n-A FORWARD -j LA\n-A LA -j LA\n",
    );
    expect(r.diagnostics.map((d) => `${d.position.line} ${d.message}`)).toEqual([
      '7 chain LA goes back to chain LA (LA -> LA), a loop chain FORWARD reaches: ebtables-restore refuses it ("RULE_APPEND failed (Too many links)")',
    ]);
  });

  it("the engine ends on a loop it is given anyway (a goto loop, jumps into a chain on the way) and on a loop-free table whose paths double at each chain", () => {
    const table = (rules: string[], chains: string[]) =>
      parseIptablesSave(xtSave(chains, rules)).rules.tables.get("filter") as TableDef;
    const gotoLoop = runChain(
      table(["-A FORWARD -g LA", "-A LA -g LB", "-A LB -g LA"], ["LA", "LB"]),
      "FORWARD",
      icmpPacket(),
      ctx,
    );
    expect(gotoLoop.verdict).toBe("ACCEPT");
    expect(gotoLoop.unmodelled.length).toBeGreaterThan(0);
    const selfJumps = runChain(
      table(["-A FORWARD -j LA", "-A LA -j LA", "-A LA -j LA", "-A LA -j DROP"], ["LA"]),
      "FORWARD",
      icmpPacket(),
      ctx,
    );
    // The jumps back are not followed; the rule after them is.
    expect(selfJumps.verdict).toBe("DROP");
    expect(selfJumps.unmodelled.map((u) => u.line)).toEqual([7, 8]);
    // 40 chains, each jumping twice into the next: 2^40 paths, cut at the jump cap.
    const names = Array.from({ length: 40 }, (_, i) => `C${i}`);
    const doubling = names.flatMap((c, i) =>
      i === names.length - 1 ? [`-A ${c} -j ACCEPT`] : [`-A ${c} -j C${i + 1}`, `-A ${c} -j C${i + 1}`],
    );
    const run = runChain(table(["-A FORWARD -j C0", ...doubling], names), "FORWARD", icmpPacket(), ctx);
    expect(run.verdict).toBe("ACCEPT");
  });
});
