/**
 * The characters a reader can be shown by the built site: every character of every page (text, labels of
 * the inline diagram SVGs, attributes such as `alt` and `aria-label`), by the page's language; and those
 * any page may show: `content:` strings of the stylesheets, strings of the scripts the pages load, and
 * printable ASCII (the playground draws whatever log a reader pastes).
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { decodeHTML } from "entities";
import { filesUnder } from "./files-under.ts";

/** What {@link siteCharacters} found. */
export interface SiteCharacters {
  /** Code points of the pages of each language (the `<html lang>` value, e.g. `en`, `zh-TW`). */
  byLang: Map<string, Set<number>>;
  /** Code points any page may show, whatever its language. */
  everywhere: Set<number>;
  /**
   * CJK code points of the scripts the pages load later (`import()`, workers): the playground's zh-TW
   * problems and rule notes. Only those: the libraries' later chunks (Mermaid's, KaTeX's) carry Unicode
   * tables no page shows, while the site's own later text is ASCII or Traditional Chinese.
   */
  later: Set<number>;
}

/** CJK punctuation, kana, ideographs, compatibility ideographs and full-width forms. */
const CJK = /[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;

/** Printable ASCII, U+0020 to U+007E. */
export const PRINTABLE_ASCII: readonly number[] = Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i);

/** The distinct code points of `text`; ASCII is skipped when `allAscii` says it is counted already. */
function codePoints(text: string, allAscii = false): number[] {
  const seen = new Set<number>();
  // Most of a page is ASCII markup: look only at the rest when ASCII is always kept.
  for (const [ch] of allAscii ? text.matchAll(/[\u0080-\u{10ffff}]/gu) : [...text].map((c) => [c])) {
    seen.add(ch?.codePointAt(0) ?? 0);
  }
  return [...seen];
}

/**
 * Every distinct code point of an HTML document, its character references decoded; markup is ASCII and
 * harmless. With `allAscii`, only those outside ASCII.
 */
export function htmlCodePoints(html: string, allAscii = false): number[] {
  return codePoints(html.includes("&") ? decodeHTML(html) : html, allAscii);
}

/** Every code point of a stylesheet, `\2192 ` escapes decoded (they are how `content:` strings carry symbols). */
export function cssCodePoints(css: string): number[] {
  return codePoints(css.replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, hex: string) => fromHex(hex)));
}

/** Every code point of a script, `\uXXXX` and `\u{X…}` escapes decoded. */
export function jsCodePoints(js: string): number[] {
  return codePoints(
    js.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})/g, (_, long?: string, short?: string) =>
      fromHex(long ?? short ?? "0"),
    ),
  );
}

function fromHex(hex: string): string {
  const p = Number.parseInt(hex, 16);
  // A lone surrogate escape is half of a pair: it draws nothing by itself.
  return p > 0x10ffff || (p >= 0xd800 && p <= 0xdfff) ? "" : String.fromCodePoint(p);
}

/** The `lang` of a page's `<html>` element, or `und` when it has none. */
export function pageLang(html: string): string {
  return /<html\b[^>]*\slang="([^"]+)"/i.exec(html)?.[1] ?? "und";
}

/** `<script src>` URLs of a page, and the `./x.js` files a script imports statically (not `import()`). */
const scriptSrcs = (html: string) =>
  [...html.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/gi)].map((m) => m[1] ?? "");
const staticImports = (js: string) =>
  [...js.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.m?js)["']/g)].map((m) => m[1] ?? "");
/** Scripts a script loads later: `import("./x.js")` (any quotes) and workers, `new URL("/_astro/x.js", ...)`. */
const laterImports = (js: string) => [
  ...[...js.matchAll(/\bimport\(\s*[`"'](\.{1,2}\/[^`"']+\.m?js)[`"']\s*\)/g)].map((m) => m[1] ?? ""),
  ...[...js.matchAll(/\bnew URL\(\s*[`"']([^`"']+\.m?js)[`"']/g)].map((m) => m[1] ?? ""),
];

/**
 * Reads the characters of a built site.
 * @param distDir the build output
 * @param base the URL path the site is served under (`/` or `/packetwalk/`), to find the scripts on disk
 */
export function siteCharacters(distDir: string, base: string): SiteCharacters {
  const byLang = new Map<string, Set<number>>();
  const everywhere = new Set<number>(PRINTABLE_ASCII);
  const scripts = new Set<string>();
  const files = filesUnder(distDir);
  for (const file of files) {
    if (file.endsWith(".html")) {
      const html = readFileSync(file, "utf8");
      const lang = pageLang(html);
      const set = byLang.get(lang) ?? new Set<number>();
      byLang.set(lang, set);
      for (const p of htmlCodePoints(html, true)) set.add(p);
      for (const src of scriptSrcs(html)) {
        if (src.startsWith(base)) scripts.add(join(distDir, src.slice(base.length)));
      }
    } else if (file.endsWith(".css")) {
      for (const p of cssCodePoints(readFileSync(file, "utf8"))) everywhere.add(p);
    }
  }
  // The pages' scripts and what they import up front; then what they load later, whose CJK alone counts.
  const seen = new Set<string>();
  const later = new Set<number>();
  const queue: { file: string; now: boolean }[] = [...scripts].map((file) => ({ file, now: true }));
  const resolve = (from: string, spec: string) =>
    spec.startsWith(base) ? join(distDir, spec.slice(base.length)) : join(dirname(from), spec);
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const { file, now } = next;
    const key = `${now}\n${file}`;
    if (seen.has(key) || relative(distDir, file).startsWith("..")) continue;
    seen.add(key);
    let js: string;
    try {
      js = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const p of jsCodePoints(js)) {
      if (now) everywhere.add(p);
      else if (CJK.test(String.fromCodePoint(p))) later.add(p);
    }
    for (const spec of staticImports(js)) queue.push({ file: join(dirname(file), spec), now });
    for (const spec of laterImports(js)) queue.push({ file: resolve(file, spec), now: false });
  }
  return { byLang, everywhere, later };
}
