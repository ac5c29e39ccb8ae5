/**
 * A lesson's zh-TW prose may wrap anywhere: a source line break between two CJK characters
 * (ideographs or full-width punctuation) shows no space; next to Latin words, code and numbers,
 * and in English prose, a break stays a space.
 */
import type { Root } from "mdast";
import { toString as mdastToString } from "mdast-util-to-string";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import remarkCjkLineBreaks from "../../../src/plugin/remark-cjk-line-breaks.ts";

async function text(markdown: string): Promise<string> {
  const processor = unified().use(remarkParse).use(remarkCjkLineBreaks);
  return mdastToString((await processor.run(processor.parse(markdown))) as Root);
}

describe("remarkCjkLineBreaks", () => {
  it("joins a break between ideographs and full-width punctuation", async () => {
    expect(
      await text(
        "想看封包有沒有走到那裡。\n使用者 chain 是在跳到它的 hook 裡執行的，\n所以這兩行是同一個封包",
      ),
    ).toBe("想看封包有沒有走到那裡。使用者 chain 是在跳到它的 hook 裡執行的，所以這兩行是同一個封包");
    expect(await text("（172.20.0.0/16，有 a1）\n和 b1")).toBe("（172.20.0.0/16，有 a1）和 b1");
  });

  it("keeps a break next to Latin words, code and digits, and in English prose", async () => {
    expect(await text("貢獻者還在\n`DOCKER-USER` 裡")).toBe("貢獻者還在\nDOCKER-USER 裡");
    expect(await text("ping a1。\nb1 也 ping")).toBe("ping a1。\nb1 也 ping");
    expect(await text("Besides a\nLOG rule")).toBe("Besides a\nLOG rule");
  });
});
