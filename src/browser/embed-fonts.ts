/**
 * The diagram font as inline CSS for a standalone SVG: the @fontsource
 * `@font-face` rules (one per unicode-range slice) whose range covers a
 * character of the text, each with its woff2 file as a base64 data URL.
 * Only the slices the text needs are embedded, so an English diagram carries
 * the Latin slice of Noto Sans, not the thousands of CJK glyphs of Noto Sans TC.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fontPackages } from "./font-assets.ts";

/** One `@font-face` rule of a @fontsource CSS file. */
export interface FontFaceSlice {
  family: string;
  weight: string;
  /** Inclusive code point ranges the slice covers. */
  ranges: [number, number][];
  /** Absolute path of its woff2 file. */
  woff2: string;
}

/** `U+0000-00FF,U+0131,U+4E??` → code point ranges (`?` wildcards widen the range). */
export function parseUnicodeRange(value: string): [number, number][] {
  return value
    .split(",")
    .map((part) => part.trim().replace(/^U\+/i, ""))
    .filter(Boolean)
    .map((part): [number, number] => {
      const [from = "", to] = part.split("-");
      if (to !== undefined) return [Number.parseInt(from, 16), Number.parseInt(to, 16)];
      return [Number.parseInt(from.replace(/\?/g, "0"), 16), Number.parseInt(from.replace(/\?/g, "F"), 16)];
    });
}

/** Sorted code points → inclusive ranges of consecutive ones: `[65,66,67,97]` → `[[65,67],[97,97]]`. */
export function rangesOf(codePoints: Iterable<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (const p of [...new Set(codePoints)].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last && last[1] === p - 1) last[1] = p;
    else ranges.push([p, p]);
  }
  return ranges;
}

/** Ranges → a CSS `unicode-range` value: `[[65,67],[97,97]]` → `U+41-43,U+61`. */
export function formatUnicodeRange(ranges: [number, number][]): string {
  return ranges
    .map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`))
    .join(",");
}

/**
 * The `@font-face` rules of one CSS file.
 * @param cssFile path of a @fontsource CSS file (e.g. `400.css`); its `url(./files/...)` are resolved next to it
 */
export function readFontFaces(cssFile: string): FontFaceSlice[] {
  const css = readFileSync(cssFile, "utf8");
  const slices: FontFaceSlice[] = [];
  for (const block of css.matchAll(/@font-face\s*\{([^}]*)\}/g)) {
    const body = block[1] ?? "";
    const family = /font-family:\s*['"]?([^;'"]+)['"]?;/.exec(body)?.[1];
    const woff2 = /url\(([^)]+\.woff2)\)/.exec(body)?.[1];
    if (!family || !woff2) continue;
    slices.push({
      family,
      weight: /font-weight:\s*([^;]+);/.exec(body)?.[1]?.trim() ?? "400",
      ranges: parseUnicodeRange(/unicode-range:\s*([^;]+);/.exec(body)?.[1] ?? "U+0-10FFFF"),
      woff2: join(dirname(cssFile), woff2.replace(/^['"]|['"]$/g, "")),
    });
  }
  return slices;
}

/**
 * The slices, among `slices`, that draw at least one character of `text`. Families are taken in the order
 * they first appear (the font stack's order): a character an earlier family covers never pulls in a later one.
 */
export function slicesFor(text: string, slices: FontFaceSlice[]): FontFaceSlice[] {
  let left = new Set<number>();
  for (const ch of text) left.add(ch.codePointAt(0) ?? 0);
  const covers = (s: FontFaceSlice, p: number) => s.ranges.some(([a, b]) => p >= a && p <= b);
  const chosen: FontFaceSlice[] = [];
  for (const family of new Set(slices.map((s) => s.family))) {
    const own = slices.filter((s) => s.family === family);
    chosen.push(...own.filter((s) => [...left].some((p) => covers(s, p))));
    left = new Set([...left].filter((p) => !own.some((s) => covers(s, p))));
  }
  return chosen;
}

/**
 * `@font-face` CSS with inline woff2 data for the diagram font slices `text` needs.
 * @param text every character the document shows
 * @param slices font slices to pick from; default the diagram font's (Noto Sans, Noto Sans TC; weight 400)
 */
export function embeddedFontCss(
  text: string,
  slices: FontFaceSlice[] = fontPackages().flatMap((p) => readFontFaces(p.css)),
): string {
  return slicesFor(text, slices)
    .map((s) => {
      const data = readFileSync(s.woff2).toString("base64");
      const range = formatUnicodeRange(s.ranges);
      return `@font-face{font-family:"${s.family}";font-style:normal;font-weight:${s.weight};src:url(data:font/woff2;base64,${data}) format("woff2");unicode-range:${range}}`;
    })
    .join("\n");
}
