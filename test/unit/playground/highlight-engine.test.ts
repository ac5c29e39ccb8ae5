/**
 * The playground colours rules with Shiki's JavaScript regex engine (no WebAssembly to fetch); the
 * lesson pages with Oniguruma at build time. With packetwalk's grammar both give every rule of the
 * committed iptables and ebtables rulesets the same tokens in the same colours.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createHighlighter } from "shiki";
import { createHighlighterCore } from "shiki/core";
import { createJavaScriptRegexEngine } from "shiki/engine/javascript";
import githubDark from "shiki/themes/github-dark-high-contrast.mjs";
import githubLight from "shiki/themes/github-light-high-contrast.mjs";
import { describe, expect, it } from "vitest";
import { iptablesLanguage } from "../../../src/core/highlight/iptables-language.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const THEMES = { light: "github-light-high-contrast", dark: "github-dark-high-contrast" };

/** Every line of every committed xtables ruleset (nft ones have no grammar yet). */
const LINES = [
  ...new Set(
    ["docker-bridge", "user-network"].flatMap((lab) =>
      readdirSync(path.join(ROOT, "traces", lab, "rulesets")).flatMap((f) =>
        readFileSync(path.join(ROOT, "traces", lab, "rulesets", f), "utf8")
          .split("\n")
          .filter((l) => l.trim() !== ""),
      ),
    ),
  ),
];

describe("the playground's Shiki engine", () => {
  it("colours every committed rule as the build's engine does", async () => {
    const build = await createHighlighter({ themes: [githubLight, githubDark], langs: [iptablesLanguage] });
    const page = await createHighlighterCore({
      themes: [githubLight, githubDark],
      langs: [iptablesLanguage],
      engine: createJavaScriptRegexEngine(),
    });
    expect(LINES.length).toBeGreaterThan(100);
    const tokens = (h: typeof page, line: string) =>
      h
        .codeToTokens(line, { lang: "iptables", themes: THEMES })
        .tokens.map((row) => row.map((t) => [t.content, t.htmlStyle]));
    for (const line of LINES) expect(tokens(page, line), line).toEqual(tokens(build, line));
  });
});
