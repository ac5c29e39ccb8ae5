/**
 * remark plugin: a line break in a paragraph's source between two CJK characters (`…的，\n所以…`)
 * joins them without the space HTML would show there. Chinese, Japanese and Korean prose does
 * not put spaces between words, so a lesson may wrap its lines anywhere; Latin words, code and
 * numbers next to a break keep their space.
 */
import type { Root } from "mdast";
import { visit } from "unist-util-visit";

// Han ideographs, CJK punctuation, kana, Hangul, and full-width forms (，：；（）).
const CJK =
  "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3000-\\u303f\\uff00-\\uffef";
const BREAK = new RegExp(`([${CJK}])[ \\t]*\\r?\\n[ \\t]*(?=[${CJK}])`, "gu");

/** Joins the soft line breaks between two CJK characters in every text node. */
export default function remarkCjkLineBreaks() {
  return (tree: Root) => {
    visit(tree, "text", (node) => {
      if (node.value.includes("\n")) node.value = node.value.replace(BREAK, "$1");
    });
  };
}
