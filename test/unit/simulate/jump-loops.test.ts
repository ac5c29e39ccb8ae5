/**
 * Jump loops: refused, at the jump that closes them, when a base chain reaches them, as the kernel
 * refuses them (kernel 6.18, nft 1.0.6: an output chain jumping into `u -> v -> u` failed with "Could
 * not process rule: Too many links"; the same loop alone, and a chain jumping to itself that no base
 * chain reaches, loaded).
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

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
