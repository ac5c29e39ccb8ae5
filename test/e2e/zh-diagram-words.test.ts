/**
 * A zh-TW page's diagrams speak Chinese: the words a diagram carries besides hook and table names
 * (decisions, the local process, where a packet was dropped or last seen) are never the English
 * ones, in the boxes' labels nor in the diagram's description for screen readers. (A dropped
 * packet's end box once read `dropped: DROP in INPUT policy` on the zh-TW ufw lesson, and the
 * path views' ends `c1 172.17.0.2 via veth-c1`.)
 */
import { describe, expect, it } from "vitest";
import { mapWords } from "../../src/core/render/map-words.ts";
import { listPages, readPageHtml } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();

const en = mapWords("en");
const zh = mapWords("zh-TW");
/** English words of a diagram, each with the Chinese a zh-TW page says instead. */
const ENGLISH: [string, string][] = [
  [en.bridgingDecision, zh.bridgingDecision],
  [en.routingDecision, zh.routingDecision],
  [en.localProcess, zh.localProcess],
  [en.noBaseChain, zh.noBaseChain],
  [
    en.dropped("DROP", "X", false).split(":")[0] as string,
    zh.dropped("DROP", "X", false).split("：")[0] as string,
  ],
  ["not seen after", "就不見了"],
  [en.via("", "").trim(), zh.via("", "").trim()],
  [en.bridgePortOut, zh.bridgePortOut],
];

/** The labels of a page's diagrams and their descriptions: `nodeLabel` text and `.pw-diagram` aria-labels. */
function diagramText(html: string): string[] {
  const labels = [...html.matchAll(/class="nodeLabel"[^>]*>([\s\S]*?)<\/span>/g)].map((m) =>
    (m[1] ?? "").replace(/<[^>]+>/g, ""),
  );
  const described = [...html.matchAll(/class="pw-diagram"[^>]*aria-label="([^"]*)"/g)].map((m) => m[1] ?? "");
  return [...labels, ...described];
}

describe("zh-TW diagrams", () => {
  const pages = listPages().filter((p) => p.path.includes("/zh-tw/"));
  it("carry no English diagram words, and say a drop in Chinese", () => {
    let drops = 0;
    let checked = 0;
    for (const page of pages) {
      const text = diagramText(readPageHtml(page));
      checked += text.length;
      for (const t of text) {
        for (const [word] of ENGLISH) expect(t, `${page.path}: "${t}"`).not.toContain(word);
        if (t.includes(zh.dropped("DROP", "X", false).split("：")[0] as string)) drops++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(drops, "zh-TW diagrams with a drop").toBeGreaterThan(0);
  });
});
