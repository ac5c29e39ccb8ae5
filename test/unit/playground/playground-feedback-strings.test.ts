/**
 * The playground's words where it used to be silent or wrong: a log whose LOG prefixes name no chain
 * (said as the CLI says it, and pointing to the page's prefix form by its title), the ruleset's
 * problems counted in the status (pointing to their list by its title), and a Parse with nothing to
 * parse; in English and in Chinese.
 */
import { describe, expect, it } from "vitest";
import { fill, PLAYGROUND_STRINGS } from "../../../src/playground/strings.ts";

const { en, "zh-tw": zh } = PLAYGROUND_STRINGS;

describe("the playground's feedback strings", () => {
  it("say that no packet could be placed, and where to say which chain wrote each prefix", () => {
    expect(en.noPacketsPlaced).toMatch(
      /^No packet could be placed: the netfilter lines' LOG prefixes name no chain\./,
    );
    expect(en.noPacketsPlaced).toContain(`"${en.unknownTitle}"`);
    expect(zh.noPacketsPlaced).toContain(`「${zh.unknownTitle}」`);
    expect(zh.noPacketsPlaced).toContain("LOG 前綴");
    // Not the words for an input without any netfilter line.
    expect(en.noPacketsPlaced).not.toBe(en.noPackets);
    expect(zh.noPacketsPlaced).not.toBe(zh.noPackets);
  });

  it("count the ruleset's errors and warnings, in the singular for one, and name their list", () => {
    expect(fill(en.rulesetCount, { errors: 1, warnings: 0 })).toBe(
      'Ruleset: 1 error, 0 warnings (see "Problems in the ruleset").',
    );
    expect(fill(en.rulesetCount, { errors: 2, warnings: 1 })).toMatch(/^Ruleset: 2 errors, 1 warning /);
    expect(fill(zh.rulesetCount, { errors: 1, warnings: 2 })).toBe(
      "規則集：1 個錯誤、2 個警告（見「規則集中的問題」）。",
    );
    expect(en.rulesetCount).toContain(en.rulesetProblems);
    expect(zh.rulesetCount).toContain(zh.rulesetProblems);
  });

  it("tell a reader who parses an empty box what to give", () => {
    expect(en.emptyInput).toBe("Paste kernel log lines first, or open a log file.");
    expect(zh.emptyInput).toBe("請先貼上核心日誌的行，或開啟日誌檔。");
  });

  it("space Chinese from Latin words and numbers, as the zh-TW pages do", () => {
    for (const text of [zh.noPacketsPlaced, zh.rulesetCount, zh.emptyInput]) {
      expect(text).not.toMatch(/[\u3400-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u3400-\u9fff]/);
      expect(text).not.toMatch(/[\u3000-\u303f\uff00-\uffef] | [\u3000-\u303f\uff00-\uffef]/);
    }
  });
});
