/**
 * The nft lab's instrumentation: every logging base chain sits one step before the Docker base chain
 * its prefix names (at the same hook), each prefix maps back to that base chain's hook id, the
 * tables read back without a problem, and the saved ruleset drops packetwalk's own tables.
 */
import { describe, expect, it } from "vitest";
import { withoutOwnTables } from "../../../src/capture/capture-lab.ts";
import { dockerNftRuleset } from "../../../src/capture/docker-nft-ruleset.ts";
import {
  NFT_LOG_CHAINS,
  nftLogPrefix,
  nftLogRulesText,
  nftTraceRulesText,
} from "../../../src/capture/nft-log-rules.ts";
import { prefixToHook } from "../../../src/core/parse/prefix-to-hook.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";

describe("nft lab log chains", () => {
  const docker = parseNftRuleset(dockerNftRuleset()).tables[0];

  it("run just before the Docker base chain they name, at its hook", () => {
    for (const c of NFT_LOG_CHAINS) {
      if (c.names.table !== "docker-bridges") continue;
      const base = docker?.chains.get(c.names.chain)?.base;
      expect(base?.hook, c.names.chain).toBe(c.hook);
      expect(c.priority, c.names.chain).toBe((base?.priority ?? 0) - 1);
    }
  });

  it("name their base chain in a prefix the parser maps back", () => {
    for (const c of NFT_LOG_CHAINS)
      expect(prefixToHook(nftLogPrefix("pwab", c))).toBe(`${c.family}:${c.names.table}:${c.names.chain}`);
  });

  it("read back as nft text without a problem, and come out of a saved ruleset", () => {
    const text = nftLogRulesText("pwab");
    const parsed = parseNftRuleset(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.tables.map((t) => `${t.family} ${t.name}`)).toEqual(["ip packetwalk", "bridge packetwalk"]);
    expect(parseNftRuleset(nftTraceRulesText()).diagnostics).toEqual([]);
    const listed = `${dockerNftRuleset()}${text}table ip filter {\n\tchain FORWARD {\n\t}\n}\n`;
    const kept = parseNftRuleset(withoutOwnTables(listed)).tables.map((t) => t.name);
    expect(kept).toEqual(["docker-bridges", "filter"]);
  });
});
