/**
 * Where a title may wrap around an identifier with hyphens. A browser breaks a line after any
 * hyphen, so on a phone a caption read `bridge-nf-` / `call-iptables=0`; the identifiers are
 * marked so that the page's CSS (`.pw-id`) moves each to the next line whole. The text keeps its
 * ASCII hyphens (no U+2011, no joiners), so a reader who copies it gets what the kernel takes.
 */
import { escapeHtml } from "./html.ts";

/** A run of text: an identifier with hyphens (`id`) or the text between two of them. */
export interface IdentifierPiece {
  text: string;
  id: boolean;
  /**
   * A sysctl's dotted path (`net.bridge.`): the length of it before the hyphenated name. Drawn as a block
   * within the block, so the whole moves to the next line when it fits one, and a line too narrow for it
   * breaks after the path, not inside the name. Absent when there is none.
   */
  path?: number;
}

/**
 * ASCII words joined by hyphens, with an optional `=value`: `bridge-nf-call-iptables=0`,
 * `net.bridge.bridge-nf-call-ip6tables`, `DOCKER-USER`, `container-to-wan-nobrnf`. A `/` ends
 * one, so a trace's name may still wrap after its lab.
 */
const IDENTIFIER = /[A-Za-z0-9_][A-Za-z0-9_.]*(?:-[A-Za-z0-9_.]+)+(?:=[A-Za-z0-9_.-]+)?/g;

/** `net.bridge.` and the hyphenated name after it (`bridge-nf-call-iptables=1`). */
const DOTTED_PATH = /^((?:[A-Za-z_][A-Za-z0-9_]*\.)+)([A-Za-z0-9_]+-.*)$/;

/** `text` cut into identifiers and the runs between them, in order (joined, they give `text` back). */
export function identifierPieces(text: string): IdentifierPiece[] {
  const pieces: IdentifierPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(IDENTIFIER)) {
    if (m.index > last) pieces.push({ text: text.slice(last, m.index), id: false });
    const path = DOTTED_PATH.exec(m[0])?.[1]?.length;
    pieces.push(path ? { text: m[0], id: true, path } : { text: m[0], id: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), id: false });
  return pieces;
}

/** Escaped `text` with each identifier with hyphens in a `.pw-id` span, which wraps as a whole. */
export function keepIdentifiersHtml(text: string): string {
  return identifierPieces(text)
    .map((p) => {
      if (!p.id) return escapeHtml(p.text);
      const inner = p.path
        ? `${escapeHtml(p.text.slice(0, p.path))}<span class="pw-id">${escapeHtml(p.text.slice(p.path))}</span>`
        : escapeHtml(p.text);
      return `<span class="pw-id">${inner}</span>`;
    })
    .join("");
}
