/**
 * rehype plugin: a command in a table cell (`ip route get 198.51.100.10 from 172.17.0.2 iif docker0`)
 * may wrap at its spaces. Kept on one line, it widened its column and left the table's other columns
 * a word or two wide; its words with a hyphen (`-ni`, `veth-c1`) stay whole, as in rule text.
 * Code without a space (an identifier) is left alone: it never wraps in a table (see `global.css`).
 */
import type { ElementContent, Root } from "hast";
import { visit } from "unist-util-visit";
import { keepWords } from "../core/render/keep-words.ts";

/** Class of a cell's code that may wrap at its spaces. */
export const CODE_WORDS_CLASS = "pw-code-words";

/** The pieces of `text` as hast: words with a hyphen in a `span.pw-nb`, the rest as text. */
function pieces(text: string): ElementContent[] {
  return keepWords(text).map((p) =>
    p.keep
      ? {
          type: "element",
          tagName: "span",
          properties: { className: ["pw-nb"] },
          children: [{ type: "text", value: p.text }],
        }
      : { type: "text", value: p.text },
  );
}

/** Marks the `code` of table cells whose only content is text with a space, its hyphenated words kept whole. */
export default function rehypeTableCodeWords() {
  return (tree: Root) => {
    visit(tree, "element", (cell) => {
      if (cell.tagName !== "td" && cell.tagName !== "th") return;
      for (const code of cell.children) {
        if (code.type !== "element" || code.tagName !== "code") continue;
        const [only] = code.children;
        if (code.children.length !== 1 || only?.type !== "text" || !/\s/.test(only.value.trim())) continue;
        code.properties.className = [...((code.properties.className as string[]) ?? []), CODE_WORDS_CLASS];
        code.children = pieces(only.value);
      }
    });
  };
}
