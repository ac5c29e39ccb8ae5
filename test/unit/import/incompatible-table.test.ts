/**
 * iptables-nft-save leaves out the chains of a table it cannot show (nft chains of the host's own in
 * a table named like iptables' `nat`), saying so only in a comment: an import built from that save
 * ran without the host's masquerade and disagreed with its own kernel log. The comment stops the import.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";

const INPUT = join(import.meta.dirname, "../../fixtures/import/routed-lan-peer/input");

function plan(edit: (save: string) => string, nft?: string) {
  const material = readMaterial(INPUT, {}, () => "");
  const m = {
    ...material,
    iptablesSave: edit(material.iptablesSave ?? ""),
    ...(nft ? { nftRuleset: nft } : {}),
  };
  return planImport(m, {
    lab: "x",
    date: "2026-12-01",
    containers: [],
    peers: [parseNamedAddress("wan=198.51.100.10", "--peer")],
  });
}

describe("a save that says it left chains out", () => {
  it("stops the import at the comment's line, with what to give instead", () => {
    const comment = "# Table `nat' contains incompatible base-chains, use 'nft' tool to list them.";
    const p = plan((save) => save.replace(/^\*nat$/m, `${comment}\n*nat`));
    const hit = p.questions.find((q) => q.includes("left chains of table 'nat' out"));
    expect(hit).toMatch(/\/iptables-save\.txt:\d+:1: iptables-save left chains of table 'nat' out/);
    expect(hit).toContain("give `nft list ruleset` from the same moment");
    expect(p.lab).toBeUndefined();
  });

  it("with nft list ruleset given, says to leave the saves out", () => {
    const comment = "# Table `filter' is incompatible, use 'nft' tool.";
    const p = plan((save) => `${comment}\n${save}`, "table ip filter {\n}\n");
    expect(p.questions.find((q) => q.includes("table 'filter'"))).toMatch(
      /\/iptables-save\.txt:1:1: .*take the ruleset from nft list ruleset alone/,
    );
  });

  it("says nothing of a save without the comment", () => {
    expect(plan((save) => save).questions.filter((q) => q.includes("left chains"))).toEqual([]);
  });
});
