/**
 * Text for the playground's page with its words with a hyphen kept whole ({@link keepWords}), as
 * the lesson pages print them: on a phone no line breaks `-j` or `->` after its `-`.
 */
import { keepWords } from "../core/render/keep-words.ts";

/** `text` as nodes: text, and each word with a hyphen in a `.pw-nb` span (which does not wrap). */
export function keepPieces(text: string): Node[] {
  return keepWords(text).map((p) => {
    if (!p.keep) return document.createTextNode(p.text);
    const span = document.createElement("span");
    span.className = "pw-nb";
    span.textContent = p.text;
    return span;
  });
}
