import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHighlighter } from "shiki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nftLanguage } from "../../../src/core/highlight/nft-language.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

type Highlighter = Awaited<ReturnType<typeof createHighlighter>>;
let hl: Highlighter;
beforeAll(async () => {
  hl = await createHighlighter({ langs: [nftLanguage], themes: ["github-light"] });
});
afterAll(() => hl.dispose());

/** Each non-blank piece of `line` with its innermost TextMate scope. */
// `as never`: the bundled-language union does not know custom languages loaded at run time.
function pieces(line: string): [text: string, scope: string][] {
  const tokens =
    hl.codeToTokens(line, { lang: "nft" as never, theme: "github-light", includeExplanation: true })
      .tokens[0] ?? [];
  return tokens.flatMap((t) =>
    (t.explanation ?? [])
      .filter((e) => e.content.trim())
      .map((e): [string, string] => [e.content.trim(), e.scopes[e.scopes.length - 1]?.scopeName ?? ""]),
  );
}
const scopes = (line: string) => Object.fromEntries(pieces(line));

const root = join(import.meta.dirname, "../../..");
/** Every rule of every committed nftables ruleset (the lab's and the instrumented ones), with its file. */
const committedRules = readdirSync(join(root, "traces")).flatMap((lab) => {
  const dir = join(root, "traces", lab, "rulesets");
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".rules"));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const parsed = parseRulesetFile(readFileSync(join(dir, f), "utf8"), f);
    return (parsed.nft ?? []).flatMap((t) =>
      [...t.chains.values()].flatMap((c) => c.rules.map((r) => ({ file: `${lab}/${f}`, text: r.text }))),
    );
  });
});

describe("nft Shiki language", () => {
  it("is registered under its name and alias", () => {
    expect(hl.getLoadedLanguages()).toEqual(expect.arrayContaining(["nft", "nftables"]));
  });

  it("scopes keywords, interface names, operators, addresses, verdicts and rule comments", () => {
    expect(
      scopes('ip daddr 172.17.0.2 iifname != "docker0" counter drop comment "DROP DIRECT ACCESS"'),
    ).toEqual({
      ip: "keyword.other.expression.nft",
      daddr: "keyword.other.expression.nft",
      "172.17.0.2": "constant.numeric.address.nft",
      iifname: "keyword.other.expression.nft",
      "!=": "keyword.operator.comparison.nft",
      '"docker0"': "string.quoted.double.interface.nft",
      counter: "keyword.other.expression.nft",
      drop: "keyword.control.verdict.nft",
      comment: "comment.line.keyword.nft",
      '"DROP DIRECT ACCESS"': "comment.line.text.nft",
    });
  });

  it("scopes verdict maps, named sets, jumps and the chains they name", () => {
    expect(scopes("oifname vmap @filter-forward-in-jumps")).toMatchObject({
      vmap: "keyword.operator.vmap.nft",
      "@filter-forward-in-jumps": "variable.other.map.nft",
    });
    expect(scopes("ip saddr @blocked drop")).toMatchObject({ "@blocked": "variable.other.set.nft" });
    expect(scopes("fib daddr type local counter jump nat-prerouting-and-output")).toMatchObject({
      local: "constant.language.nft",
      jump: "keyword.control.verdict.nft",
      "nat-prerouting-and-output": "entity.name.function.chain.nft",
    });
    expect(scopes('elements = { "docker0" : jump filter-forward-in__docker0 }')).toMatchObject({
      '"docker0"': "string.quoted.double.interface.nft",
      "filter-forward-in__docker0": "entity.name.function.chain.nft",
    });
  });

  it("scopes NAT statements, ports, prefixes, conntrack states, numbers and marks", () => {
    expect(scopes('iifname != "docker0" tcp dport 8080 counter dnat to 172.17.0.2:80')).toMatchObject({
      "8080": "constant.numeric.nft",
      dnat: "keyword.control.nat.nft",
      "172.17.0.2:80": "constant.numeric.address.nft",
    });
    expect(scopes('oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade')).toMatchObject({
      "172.17.0.0/16": "constant.numeric.address.nft",
      masquerade: "keyword.control.nat.nft",
    });
    expect(scopes("ct state established,related counter accept")).toMatchObject({
      established: "constant.language.nft",
      related: "constant.language.nft",
      accept: "keyword.control.verdict.nft",
    });
    expect(scopes("meta mark 0x1 accept")).toMatchObject({ "0x1": "constant.numeric.hex.nft" });
    expect(scopes("meta l4proto icmp meta nftrace set 1")).toMatchObject({
      icmp: "constant.language.protocol.nft",
      "1": "constant.numeric.nft",
    });
  });

  it("scopes declarations: table, chain, base chain hook, priority and policy, # comments", () => {
    expect(scopes("table ip docker-bridges {")).toMatchObject({
      table: "storage.type.table.nft",
      ip: "support.type.family.nft",
      "docker-bridges": "entity.name.section.table.nft",
    });
    expect(scopes("type nat hook output priority -100; policy accept;")).toMatchObject({
      nat: "support.type.chain-type.nft",
      output: "constant.language.hook.nft",
      "-100": "constant.numeric.nft",
      accept: "constant.language.verdict.policy.nft",
    });
    expect(pieces("type filter hook forward priority filter; policy drop;")).toEqual([
      ["type", "keyword.other.declaration.nft"],
      ["filter", "support.type.chain-type.nft"],
      ["hook", "keyword.other.declaration.nft"],
      ["forward", "constant.language.hook.nft"],
      ["priority", "keyword.other.declaration.nft"],
      ["filter", "constant.language.priority.nft"],
      [";", "punctuation.terminator.nft"],
      ["policy", "keyword.other.declaration.nft"],
      ["drop", "constant.language.verdict.policy.nft"],
      [";", "punctuation.terminator.nft"],
    ]);
    expect(scopes("# nft -s list ruleset")).toEqual({
      "# nft -s list ruleset": "comment.line.number-sign.nft",
    });
  });

  it("leaves no word of a committed nftables rule unscoped or only caught by the fallback", () => {
    expect(committedRules.length).toBeGreaterThan(50);
    const loose: string[] = [];
    for (const rule of committedRules) {
      const got = pieces(rule.text);
      // Every character of the rule (but blanks) is covered by a piece.
      expect(
        got
          .map((p) => p[0])
          .join("")
          .replace(/\s+/g, ""),
        rule.text,
      ).toBe(rule.text.replace(/\s+/g, ""));
      for (const [text, scope] of got)
        if (scope === "source.nft" || scope === "variable.other.word.nft")
          loose.push(`${rule.file}: '${text}' in ${rule.text}`);
    }
    expect(loose).toEqual([]);
  });

  it("still scopes an expression it does not know, as a plain word", () => {
    expect(scopes("quota over 10 mbytes drop")).toMatchObject({
      quota: "variable.other.word.nft",
      drop: "keyword.control.verdict.nft",
    });
  });
});
