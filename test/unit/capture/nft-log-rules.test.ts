/**
 * The nft lab's instrumentation: every logging base chain sits one step before the Docker base chain
 * its prefix names (at the same hook), each prefix maps back to that base chain's hook id, the
 * tables read back without a problem, and the saved ruleset drops packetwalk's own tables.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withoutOwnTables } from "../../../src/capture/capture-lab.ts";
import { dockerNftRuleset } from "../../../src/capture/docker-nft-ruleset.ts";
import {
  NFT_LOG_CHAINS,
  nftInstrumentation,
  nftLogChains,
  nftLogPrefix,
  nftLogRulesText,
  nftTraceRulesText,
} from "../../../src/capture/nft-log-rules.ts";
import { prefixToHook } from "../../../src/core/parse/prefix-to-hook.ts";
import { hookSlots } from "../../../src/core/simulate/hook-order.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { hostFirewall, tableNames } from "../../helpers/nft-tables.ts";

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

  it("are what the simulator plans for Docker's ruleset, in hook order", () => {
    expect(nftLogChains(dockerNftRuleset())).toEqual(NFT_LOG_CHAINS);
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

describe("the nft lab's instrumentation file", () => {
  const lab = join(import.meta.dirname, "../../../traces/docker-bridge-nft/rulesets");
  // A table of the host's own, committed in the lab's ruleset next to Docker's: nft -f creates it
  // with the lab, before the capture loads its log tables.
  const hostTable = hostFirewall("tcp dport 22 accept");
  const base = `${readFileSync(join(lab, "docker-29-nft.rules"), "utf8")}${hostTable}`;
  // A scenario's setup adds the host's iptables-nft table afterwards (the forward-drop variant).
  const variantOnly = readFileSync(join(lab, "docker-29-nft-forward-drop.rules"), "utf8").split(
    /^(?=table ip filter \{)/m,
  )[1];
  const variant = `${base}${variantOnly}`;

  it("lists the committed ruleset's tables before the capture's log tables, as they were created", () => {
    const { text } = nftInstrumentation(base, "log", "pwab");
    expect(tableNames(text)).toEqual([
      "ip docker-bridges",
      "inet host-fw",
      "ip packetwalk",
      "bridge packetwalk",
    ]);
    const traced = nftInstrumentation(base, "trace", "").text;
    expect(tableNames(traced)).toEqual(["ip docker-bridges", "inet host-fw", "ip packetwalk"]);
  });

  it("lists a table a scenario's setup added after them, when given the ruleset loaded first", () => {
    expect(variantOnly).toMatch(/^table ip filter \{/);
    const { text } = nftInstrumentation(variant, "log", "pwab", base);
    expect(tableNames(text)).toEqual([
      "ip docker-bridges",
      "inet host-fw",
      "ip packetwalk",
      "bridge packetwalk",
      "ip filter",
    ]);
  });

  it("logs a committed table's chain one step before it, named, as simulate does; the setup's table changes nothing", () => {
    const order = (text: string) =>
      hookSlots(parseRulesetFile(text), "ip", "INPUT").map(
        (s) => `${s.table.family} ${s.table.name} ${s.chain}`,
      );
    // The host's input chain (priority 0) gets its own log chain at -1, whose prefix names it: the
    // packet is logged before the host's chain decides, as the simulator's own plan logs it.
    const text = nftInstrumentation(base, "log", "pwab").text;
    expect(order(text)).toEqual(["ip packetwalk log-input", "inet host-fw input"]);
    expect(text).toContain('log prefix "pwab/nft/inet/host-fw/input" level debug');
    expect(prefixToHook("pwab/nft/inet/host-fw/input")).toBe("ip:host-fw:input");
    // The setup's table, created after the log tables, leaves that order as it is.
    const withSetup = nftInstrumentation(variant, "log", "pwab", base).text;
    expect(order(withSetup)).toEqual(["ip packetwalk log-input", "inet host-fw input"]);
    // At forward its FORWARD ties with Docker's filter-FORWARD (priority 0): created last, it runs first.
    expect(
      hookSlots(parseRulesetFile(withSetup), "ip", "FORWARD").map((s) => `${s.table.name} ${s.chain}`),
    ).toEqual(["packetwalk log-filter-FORWARD", "filter FORWARD", "docker-bridges filter-FORWARD"]);
  });
});
