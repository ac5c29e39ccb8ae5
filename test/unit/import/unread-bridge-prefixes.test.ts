/**
 * A log whose LOG prefixes are printed by an nft bridge table of the host's own, saved next to an
 * ebtables-save (test/fixtures/import/vlan-nftbr: kernel 6.18, iptables-nft 1.8.9, `table bridge
 * pwbr` logging VLAN 10 frames, ebtables-save of empty chains). import reads the bridge family from
 * a given ebtables-save, so the prefixes were unknown; the warning said they were "in none of"
 * iptables-save.txt, ip6tables-save.txt, nft-ruleset.txt (`grep -c br-pre-v10 nft-ruleset.txt`: 1)
 * and the question "printed by no logging rule of the saved ruleset". Now both say which file was
 * read for which family, which table prints them, why it was not read, and how to import it: the
 * hint's answer (leave ebtables-save.txt out) is run here and the import goes through.
 *
 * ebtables-nft's tables are in `nft list ruleset` too (checked in a network namespace: ebtables
 * 1.8.9 (nf_tables), `ebtables -P FORWARD DROP` and a `--log` rule listed by nft 1.0.6 as `table
 * bridge filter { chain FORWARD { ... policy drop; ether type ip log prefix "eb-x" ... } }`), so
 * leaving the ebtables-save out loses nothing when ebtables runs on nf_tables or the save is empty.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { prefixHint, rulesetReading } from "../../../src/core/import/prefix-sources.ts";

const input = join(import.meta.dirname, "../../fixtures/import/vlan-nftbr/material");
const material = readMaterial(input, {}, () => "");
const log = material.logFile;

const plan = (m: ImportMaterial) =>
  planImport(m, {
    lab: "vlan-nftbr",
    date: "2026-12-07",
    containers: ["a=192.0.2.2", "b=192.0.2.3"].map((c) => parseNamedAddress(c, "--container")),
    peers: [],
  });

const files = {
  iptablesSave: "iptables-save.txt",
  ip6tablesSave: "ip6tables-save.txt",
  ebtablesSave: "ebtables-save.txt",
  nftRuleset: "nft-ruleset.txt",
};

describe("LOG prefixes of an nft bridge table next to an ebtables-save", () => {
  it("are said to be in that table, not read because the ebtables-save is, with the way to read it", () => {
    const p = plan(material);
    expect(p.lab).toBeUndefined();
    expect(p.questions).toEqual([
      `${log}: 'br-pre-v10', 'br-fwd-v10', 'br-post', 'br-fwd-ip' are printed by nft-ruleset.txt's table bridge pwbr, which the lab's ruleset leaves out (a given ebtables-save.txt is read for the bridge family instead of nft-ruleset.txt's bridge tables), so their lines would be left out: ebtables-save.txt holds no rule and no chain that drops, so leave ebtables-save.txt out (move it out of the folder, or drop --ebtables-save): import then reads every bridge table from nft-ruleset.txt`,
    ]);
    const hints = p.diagnostics.filter((d) => /unknown LOG prefix/.test(d.message)).map((d) => d.hint);
    expect(hints).toHaveLength(4);
    expect(hints[0]).toBe(
      "import places each prefix at the hook of the logging rule that prints it, in the rules it read: IPv4 rules from iptables-save.txt, bridge rules from ebtables-save.txt; none prints this one, nft-ruleset.txt's table bridge pwbr does, but a given ebtables-save.txt is read for the bridge family instead of nft-ruleset.txt's bridge tables: ebtables-save.txt holds no rule and no chain that drops, so leave ebtables-save.txt out (move it out of the folder, or drop --ebtables-save): import then reads every bridge table from nft-ruleset.txt",
    );
    expect(hints.join("\n")).not.toMatch(/none of them/);
    // The question says it all: the note that says it again is not added.
    expect(p.notes.join("\n")).not.toMatch(/bridge tables ebtables-save does not show/);
  });

  it("import goes through once the ebtables-save is left out, the lines placed at pwbr's chains", () => {
    const { ebtablesSave: _, ...rest } = material;
    const p = plan({ ...rest, rulesetFiles: { ...material.rulesetFiles, ebtablesSave: undefined } });
    expect(p.questions).toEqual([]);
    expect(p.lab).toBeDefined();
    const hooks = p.scenarios.flatMap((s) => s.packets.flatMap((x) => x.events.map((e) => e.hook)));
    expect(new Set(hooks)).toEqual(
      new Set(["bridge:pwbr:brpre", "bridge:pwbr:brfwd", "ip:filter:FORWARD", "bridge:pwbr:brpost"]),
    );
  });

  it("a prefix no saved file prints keeps its question, and its hint names what was read", () => {
    const p = plan({ ...material, log: material.log.replaceAll("br-post ", "br-gone ") });
    expect(p.questions).toContain(
      `${log}: 'br-gone' is printed by no logging rule of the saved ruleset, so their lines would be left out: save the ruleset while the rules that print them are installed, or cut those lines out of the log`,
    );
    const hint = p.diagnostics.find((d) => d.message.includes("'br-gone'"))?.hint;
    expect(hint).toBe(
      "import places each prefix at the hook of the logging rule that prints it, in the rules it read: IPv4 rules from iptables-save.txt, bridge rules from ebtables-save.txt; none prints this one",
    );
  });
});

describe("rulesetReading: an ebtables-save with rules", () => {
  const nftRuleset = material.nftRuleset;
  const reading = (ebtablesSave: string, ebtablesVersion?: string) =>
    rulesetReading({
      ebtablesSave,
      ebtablesVersion,
      nftRuleset,
      nftOnly: false,
      nativeTables: [],
      ipRules: true,
      ip6Rules: false,
      files,
    });
  const rules = "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -p IPv4 -j ACCEPT\n";

  it("on nf_tables (its header or ebtables --version says so): leaving it out loses nothing", () => {
    for (const r of [
      reading(`# Generated by ebtables-save v1.8.9 (nf_tables) on Mon Dec  7 14:28:22 2026\n${rules}`),
      reading(rules, "ebtables 1.8.9 (nf_tables)"),
    ])
      expect(r.unread.map((u) => u.fix)).toEqual([
        "ebtables runs on nf_tables (as ebtables-save.txt or ebtables --version says), so nft-ruleset.txt holds ebtables-save.txt's tables too: leave ebtables-save.txt out (move it out of the folder, or drop --ebtables-save): import then reads every bridge table from nft-ruleset.txt",
        "ebtables runs on nf_tables (as ebtables-save.txt or ebtables --version says), so nft-ruleset.txt holds ebtables-save.txt's tables too: leave ebtables-save.txt out (move it out of the folder, or drop --ebtables-save): import then reads every bridge table from nft-ruleset.txt",
        "ebtables runs on nf_tables (as ebtables-save.txt or ebtables --version says), so nft-ruleset.txt holds ebtables-save.txt's tables too: leave ebtables-save.txt out (move it out of the folder, or drop --ebtables-save): import then reads every bridge table from nft-ruleset.txt",
      ]);
  });

  it("of an unknown backend: the way out only if it is nf_tables, else the lines are cut", () => {
    const r = reading(rules.replace(":FORWARD ACCEPT", ":FORWARD DROP").replace(/^-A.*\n/m, ""));
    expect(r.read).toBe("IPv4 rules from iptables-save.txt, bridge rules from ebtables-save.txt");
    expect(r.unread.map((u) => u.what)).toEqual([
      "table bridge filter",
      "table bridge nat",
      "table bridge pwbr",
    ]);
    expect(r.unread[0]?.fix).toMatch(
      /^if ebtables runs on nf_tables \(ebtables --version says so\), .*; with ebtables-legacy a lab holds only one of the two, so cut those lines out of the log$/,
    );
  });

  it("without an ebtables-save, the bridge tables are read, and nothing is left unread", () => {
    const r = rulesetReading({
      nftRuleset,
      nftOnly: false,
      nativeTables: [],
      ipRules: true,
      ip6Rules: false,
      files,
    });
    expect(r).toEqual({
      read: "IPv4 rules from iptables-save.txt, bridge rules from nft-ruleset.txt's bridge tables",
      unread: [],
      missing: ["IPv6 (ip6tables-save.txt missing or empty)"],
    });
    expect(prefixHint({ kind: "absent" }, r)).toMatch(
      /bridge rules from nft-ruleset.txt's bridge tables; none prints this one$/,
    );
    // An IPv6 line's prefix: the IPv6 save nothing was read from is what to give.
    expect(prefixHint({ kind: "absent" }, r, "IPv6")).toMatch(
      /none prints this one, and no rule was read for IPv6 \(ip6tables-save.txt missing or empty\), the family of its lines: give that save/,
    );
    expect(prefixHint({ kind: "absent" }, r, "IPv4")).toMatch(/none prints this one$/);
  });
});
