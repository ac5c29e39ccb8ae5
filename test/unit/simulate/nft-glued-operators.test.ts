/**
 * An operator glued to its value or key (`tcp dport !=22`, `ct state!=new`, `tcp flags !syn`, `meta mark
 * &0xff ==1`): nft's scanner makes each operator a token of its own, so nft 1.0.6 (`unshare -n nft -c -f`)
 * took every rule below and listed it spaced (`tcp dport != 22`, `ct state != new`, `tcp flags ! syn`,
 * `meta mark & 0x000000ff == 0x00000001`, `tcp dport != { 22, 80 }`, ...), as the spaced form on the right
 * of each row. The reader kept the glued word whole: it refused some as a
 * value of the wrong form ('!=22' is not a port, '!=1.1.1.1' not an address, '==1' not a mark, '!=new'
 * not a state) and left the others unmodelled.
 */
import { describe, expect, it } from "vitest";
import { nftInputText, onlyInputRule } from "./helpers.ts";

/** The conditions the reader makes of `rule` in an inet input chain, with its diagnostics. */
const read = (rule: string) => {
  const { rule: r, diagnostics } = onlyInputRule(nftInputText("inet", rule), "t.nft");
  return { conditions: r.conditions, diagnostics };
};

describe("an operator glued to its value", () => {
  it.each([
    ["tcp dport !=22", "tcp dport != 22"],
    ["tcp dport!=22", "tcp dport != 22"],
    ["ip saddr !=1.1.1.1", "ip saddr != 1.1.1.1"],
    ["meta mark ==1", "meta mark == 1"],
    ["tcp flags ==syn", "tcp flags == syn"],
    ["tcp flags &syn ==syn", "tcp flags & syn == syn"],
    ["tcp flags & syn==syn", "tcp flags & syn == syn"],
    ["tcp flags !syn", "tcp flags ! syn"],
    ["ct state !=new", "ct state != new"],
    ["ct state!=new", "ct state != new"],
    ["tcp dport >=1024", "tcp dport >= 1024"],
    ["tcp dport<1024", "tcp dport < 1024"],
    ["meta mark &0xff ==1", "meta mark & 0xff == 1"],
    ["meta mark and 0xff==1", "meta mark and 0xff == 1"],
    ["tcp dport !={22,80}", "tcp dport != { 22, 80 }"],
  ])("reads '%s' as '%s'", (glued, spaced) => {
    const got = read(glued);
    expect(got.diagnostics).toEqual([]);
    expect(got.conditions).toEqual(read(spaced).conditions);
    expect(got.conditions.some((c) => c.kind === "unknown")).toBe(false);
  });
});
