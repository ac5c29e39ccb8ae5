import { keepWords } from "../core/render/keep-words.ts";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped `text` whose words with a hyphen ({@link keepWords}) wrap as a whole: `-j`, `--dport`, `->`. */
export function keepWordsHtml(text: string): string {
  return keepWords(text)
    .map((p) => (p.keep ? `<span class="pw-nb">${escapeHtml(p.text)}</span>` : escapeHtml(p.text)))
    .join("");
}
