/**
 * Escaping for text that goes inside a quoted Mermaid label (`A["..."]`,
 * `-->|"..."|`), safe for Mermaid's parser AND for the HTML it renders.
 *
 * Every character outside a small safe set is written as a Mermaid entity
 * code (`#60;`), which Mermaid turns into the HTML numeric reference
 * `&#60;` only after sanitising, so nothing from a trace file can open a
 * tag, close the quote, start a markdown string or spoof an entity.
 */

// Letters, digits, space and punctuation that mean nothing to Mermaid or HTML.
const SAFE_ASCII = /[A-Za-z0-9 .,_\-+=@%/*!?$^~']/;

// Mermaid's own entity placeholders (ﬂ ° ¶ ß) must never appear literally, or its decoder would rewrite them.
const MERMAID_PLACEHOLDERS = new Set([0xfb02, 0xb0, 0xb6, 0xdf]);

/** Escapes `text` for a double-quoted Mermaid label; line breaks become spaces. */
export function escapeMermaidLabel(text: string): string {
  let out = "";
  for (const ch of text.replace(/\r\n|[\r\n\t]/g, " ")) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) {
      if (SAFE_ASCII.test(ch)) out += ch;
      else if (cp < 0x20 || cp === 0x7f) out += " ";
      else out += `#${cp};`;
    } else if (isInvisible(cp) || MERMAID_PLACEHOLDERS.has(cp)) {
      out += `#${cp};`;
    } else {
      out += ch;
    }
  }
  return out;
}

// C1 controls, bidi overrides/isolates, line/paragraph separators, BOM: kept but spelled as references.
function isInvisible(cp: number): boolean {
  return (
    (cp >= 0x80 && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff
  );
}

/** Turns free text into a Mermaid node id part: `[A-Za-z0-9_]` only, never empty. */
export function toMermaidId(text: string): string {
  const id = text.replace(/[^A-Za-z0-9_]/g, "_");
  return id === "" ? "_" : id;
}
