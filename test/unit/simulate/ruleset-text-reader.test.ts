/**
 * `readRulesetText` with only the readers a text needs (as the playground fetches them) reads every
 * ruleset of the traces and fixtures as `parseRulesetText` (every reader) does: an iptables-save needs
 * no nft reader, `nft list ruleset` the reader without the script part, an `nft -f` script the whole
 * reader, an `ipset save` its own, bridge rules the bridge reader (Docker's empty bridge part none); a
 * reader missing for a part it needs is an error, not a misreading.
 * And the nft tokenizer ends on any blank (a non-breaking space, a BOM, a lone CR looped forever).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readNftRuleset } from "../../../src/core/simulate/nft-ruleset-reader.ts";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { parseIpsetSave, takeIpsetSection } from "../../../src/core/simulate/parse-ipset-save.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRulesetText } from "../../../src/core/simulate/read-ruleset-text.ts";
import {
  ebtablesNeeded,
  mayHoldIpsetSave,
  nftNeeded,
  readRulesetText,
} from "../../../src/core/simulate/ruleset-text-reader.ts";
import { isNftScript, tokenizeNft } from "../../../src/core/simulate/tokenize-nft.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const IPSET = { takeIpsetSection, parseIpsetSave };

/** What the playground reads `text` with (`readPastedRuleset` in parse-session.ts), and what it reads. */
function asPasted(text: string) {
  const ipset = mayHoldIpsetSave(text) ? IPSET : undefined;
  const needed = nftNeeded(text, ipset);
  const nft = needed === "script" ? parseNftRuleset : needed === "listing" ? readNftRuleset : undefined;
  const ebtables = ebtablesNeeded(text, ipset) ? parseEbtables : undefined;
  return {
    needed,
    ipset: ipset !== undefined,
    ebtables: ebtables !== undefined,
    ruleset: readRulesetText(text, "r.rules", { nft, ipset, ebtables }),
  };
}

/** Every `.rules`, `.nft` and `.conf` file under `dir`. */
function rulesFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => /\.(rules|nft|conf)$/.test(f) && statSync(path.join(ROOT, f)).isFile());
}

const SCRIPT = read("test/fixtures/nft-script/docker-29-nftables.conf");

describe("the readers a ruleset text needs", () => {
  it.each([
    ["traces/docker-bridge/rulesets/docker-28.rules", "none", false, false],
    ["traces/docker-bridge/rulesets/docker-28.instrumented-pwid.rules", "none", false, true],
    ["traces/docker-bridge-nft/rulesets/docker-29-nft.rules", "listing", false, false],
    ["traces/fail2ban-ipset/rulesets/fail2ban-ipset.rules", "none", true, false],
    ["test/fixtures/nft-script/docker-29-nftables.conf", "script", false, false],
    ["test/fixtures/simulate/ebt-mark-among/ebtables-save.rules", "none", false, true],
  ] as const)(
    "%s: nft reader %s, ipset reader %s, bridge reader %s, read as parseRulesetText reads it",
    (file, nft, ipset, ebtables) => {
      const text = read(file);
      const pasted = asPasted(text);
      expect([pasted.needed, pasted.ipset, pasted.ebtables]).toEqual([nft, ipset, ebtables]);
      expect(pasted.ruleset).toEqual(parseRulesetText(text, "r.rules"));
    },
  );

  it("reads every ruleset of the traces and fixtures as parseRulesetText does", () => {
    const files = [...rulesFiles("traces"), ...rulesFiles("test/fixtures")];
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = read(file);
      expect(asPasted(text).ruleset, file).toEqual(parseRulesetText(text, "r.rules"));
    }
  });

  it("takes a rule's set statements for no script; variables and commands make one", () => {
    const listing = (rule: string) => `table inet t {\n\tchain c {\n\t\t${rule}\n\t}\n}\n`;
    expect(isNftScript(listing("ip saddr @seen drop"))).toBe(false);
    expect(isNftScript(listing("flow add @ft"))).toBe(false);
    expect(isNftScript(listing('add @meter { ip saddr limit rate 10/second } comment "add"'))).toBe(false);
    expect(isNftScript(listing("ip saddr $LAN accept"))).toBe(true);
    expect(isNftScript(`define LAN = 10.0.0.0/8\n${listing("accept")}`)).toBe(true);
    expect(isNftScript(`${listing("accept")}add rule inet t c drop\n`)).toBe(true);
    expect(isNftScript("flush ruleset\n")).toBe(true);
    // Text the tokenizer refuses is read with the script reader, to be safe.
    expect(isNftScript('table ip t { comment "open\n}')).toBe(true);
  });

  it("reads a listing alike without the script reader; a script's variables and commands need it", () => {
    const listing = read("traces/docker-bridge-nft/rulesets/docker-29-nft.rules");
    expect(readNftRuleset(listing)).toEqual(parseNftRuleset(listing));
    expect(parseNftRuleset(SCRIPT).diagnostics).toEqual([]);
    expect(readNftRuleset(SCRIPT).diagnostics.map((d) => d.message)).toContain(
      "'flush ruleset' is not modelled",
    );
  });

  it("leaves the script's ruleset as the listing it was written from, rules and maps alike", () => {
    const listed = parseRulesetText(read("traces/docker-bridge-nft/rulesets/docker-29-nft.rules"));
    const script = parseRulesetText(SCRIPT);
    /** Each chain's rules (what they match and do) and each map's elements, lines and texts apart. */
    const shape = (r: typeof listed) =>
      r.nft?.map((t) => ({
        name: t.name,
        chains: [...t.chains.values()].map((c) => ({
          name: c.name,
          base: c.base,
          policy: c.policy,
          rules: c.rules.map(({ conditions, target, index }) => ({ conditions, target, index })),
        })),
        sets: [...(t.sets?.values() ?? [])].map(({ line: _, ...set }) => set),
      }));
    expect(script.diagnostics).toEqual([]);
    expect(shape(script)).toEqual(shape(listed));
  });

  it("refuses to read a part without its reader", () => {
    const nft = read("traces/docker-bridge-nft/rulesets/docker-29-nft.rules");
    expect(() => readRulesetText(nft, "r.rules", {})).toThrow(/nft rules/);
    const ipset = read("traces/fail2ban-ipset/rulesets/fail2ban-ipset.rules");
    expect(() => readRulesetText(ipset, "r.rules", {})).toThrow(/ipset save/);
    const bridge = read("test/fixtures/simulate/ebt-mark-among/ebtables-save.rules");
    expect(() => readRulesetText(bridge, "r.rules", {})).toThrow(/bridge rules/);
  });
});

describe("nft tokenizer", () => {
  it("ends on any blank: a non-breaking space, a byte order mark, a lone carriage return", () => {
    const tk = tokenizeNft("\ufefftable ip t {\u00a0chain c {\r}\u2003}\n");
    expect(tk.ok && tk.tokens.filter((t) => t.type !== "nl").map((t) => t.value)).toEqual([
      "table",
      "ip",
      "t",
      "{",
      "chain",
      "c",
      "{",
      "}",
      "}",
    ]);
  });
});
