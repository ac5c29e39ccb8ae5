/**
 * After the build: every `@font-face` rule of the built stylesheets is cut down to the characters the
 * built pages use ({@link siteCharacters}). A rule whose font draws none of them is dropped with its file;
 * the others get a font file holding only those glyphs and a `unicode-range` listing exactly them, so a
 * browser fetches a font only for characters the page shows, and the stylesheet shrinks to a few rules.
 *
 * Each family keeps every used character its full font draws, so the font that renders a character is the
 * one that rendered it before subsetting (the diagrams were measured at build time with the full fonts).
 * Within one font file, characters used by the pages of one language only get a file of their own: an
 * English page with the word "中文" fetches a few Chinese glyphs, not every one the Chinese pages use.
 * Files and stylesheets are named after their content, so a cached copy is never stale.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { formatUnicodeRange, parseUnicodeRange, rangesOf } from "../browser/embed-fonts.ts";
import { fontCodePoints, subsetWoff2 } from "../browser/font-coverage.ts";
import { filesUnder } from "./files-under.ts";
import { canDraw, distinctStacks, fontStacks } from "./font-stacks.ts";
import { type SiteCharacters, siteCharacters } from "./site-characters.ts";

/** Sizes before and after, for the build log. */
export interface FontSubsetReport {
  /** Font files the stylesheets referenced, and their bytes (inline `data:` fonts included). */
  before: { files: number; bytes: number };
  /** Font files written. */
  after: { files: number; bytes: number };
  /** Stylesheets rewritten: old and new name, bytes before and after. */
  stylesheets: { from: string; to: string; bytesBefore: number; bytesAfter: number }[];
}

/** One `@font-face` rule as found in a stylesheet. */
interface FaceRule {
  text: string;
  family: string;
  url: string;
  ranges: [number, number][];
}

const FACE = /@font-face\s*\{[^}]*\}/g;

function parseFace(text: string): FaceRule | undefined {
  const url = /src:[^;}]*?url\(\s*["']?([^"')]+\.woff2|data:font\/woff2;base64,[^"')]+)["']?\s*\)/.exec(
    text,
  )?.[1];
  const family = /font-family:\s*["']?([^;"'}]+?)["']?\s*[;}]/.exec(text)?.[1];
  if (!url || !family) return undefined;
  const range = /unicode-range:\s*([^;}]+)/.exec(text)?.[1];
  return { text, family, url, ranges: parseUnicodeRange(range ?? "U+0-10FFFF") };
}

/**
 * Which pages use a code point: `*` for any page, else the languages, sorted (`en`, `en+zh-TW`, ...), or
 * `later` for one only a script loaded later shows (a file no page fetches until it shows one).
 */
function usageOf(p: number, chars: SiteCharacters, langs: string[]): string {
  if (chars.everywhere.has(p)) return "*";
  const users = langs.filter((l) => chars.byLang.get(l)?.has(p));
  if (users.length === 0 && chars.later.has(p)) return "later";
  return users.length === langs.length ? "*" : users.join("+");
}

const hash8 = (data: string | Uint8Array) =>
  createHash("sha256").update(data).digest("base64url").slice(0, 8);

/** A face of a stylesheet with its font and the used characters it draws. */
interface LoadedFace extends FaceRule {
  cssFile: string;
  weight: string;
  font: Buffer;
  source: string | undefined;
  drawn: number[];
}

/**
 * A disk cache for what HarfBuzz computes (cmaps and subsets), by the hash of its input: a rebuild that
 * uses the same characters reads every font it ships from here.
 */
function fontCache(dir: string | false) {
  const at = (key: string, ext: string) => (dir ? join(dir, `${key}.${ext}`) : undefined);
  const read = (file: string | undefined) => {
    try {
      return file ? readFileSync(file) : undefined;
    } catch {
      return undefined;
    }
  };
  const write = (file: string | undefined, data: string | Uint8Array) => {
    if (!file || !dir) return;
    mkdirSync(dir, { recursive: true });
    // Write then rename, so a crashed build never leaves half a file in the cache.
    writeFileSync(`${file}.${process.pid}.tmp`, data);
    renameSync(`${file}.${process.pid}.tmp`, file);
  };
  const sha = (...parts: (string | Uint8Array)[]) => {
    const h = createHash("sha256").update(FONT_CACHE_FORMAT);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  };
  return {
    async codePoints(font: Buffer): Promise<Set<number>> {
      const file = at(sha("cmap", font), "json");
      const hit = read(file);
      if (hit) return new Set(JSON.parse(hit.toString("utf8")) as number[]);
      const points = await fontCodePoints(font);
      write(file, JSON.stringify([...points]));
      return points;
    },
    async subset(font: Buffer, points: number[]): Promise<Buffer> {
      const file = at(sha("subset", font, points.join(",")), "woff2");
      const hit = read(file);
      if (hit) return hit;
      const data = await subsetWoff2(font, points);
      write(file, data);
      return data;
    },
  };
}

// Bumped when what is cached changes (the subsetter's options), so old entries are not reused.
const FONT_CACHE_FORMAT = "packetwalk-fonts/1\n";

/**
 * Subsets the fonts of the built site in place.
 * @param distDir the build output
 * @param base the URL path the site is served under (`/` or `/packetwalk/`)
 * @param cacheDir where cmaps and subsets are kept by content, or `false`; default `node_modules/.cache/packetwalk/fonts`
 */
export async function subsetSiteFonts(
  distDir: string,
  base: string,
  cacheDir: string | false = "node_modules/.cache/packetwalk/fonts",
): Promise<FontSubsetReport> {
  const cache = fontCache(cacheDir);
  const chars = siteCharacters(distDir, base);
  const langs = [...chars.byLang.keys()].sort();
  const used = new Set([
    ...chars.everywhere,
    ...[...chars.byLang.values()].flatMap((s) => [...s]),
    ...chars.later,
  ]);
  const report: FontSubsetReport = {
    before: { files: 0, bytes: 0 },
    after: { files: 0, bytes: 0 },
    stylesheets: [],
  };
  const files = filesUnder(distDir);
  const cssFiles = files.filter((f) => f.endsWith(".css"));

  // 1. Every face, and the used characters its font really draws.
  const faces: LoadedFace[] = [];
  for (const cssFile of cssFiles) {
    const seen = new Set<string>();
    for (const m of readFileSync(cssFile, "utf8").matchAll(FACE)) {
      const face = parseFace(m[0]);
      if (!face || seen.has(face.text)) continue;
      seen.add(face.text);
      const inline = face.url.startsWith("data:");
      const source = inline ? undefined : fontPath(distDir, base, cssFile, face.url);
      const font = source
        ? readFileSync(source)
        : Buffer.from(face.url.slice(face.url.indexOf(",") + 1), "base64");
      const wanted = [...used].filter((p) => face.ranges.some(([a, b]) => p >= a && p <= b));
      const cmap = wanted.length ? await cache.codePoints(font) : new Set<number>();
      const weight = /font-weight:\s*([^;}]+)/.exec(face.text)?.[1]?.trim() ?? "400";
      faces.push({ ...face, cssFile, weight, font, source, drawn: wanted.filter((p) => cmap.has(p)) });
      report.before.files++;
      report.before.bytes += font.length;
    }
  }
  if (faces.length === 0) return report;

  // 2. Which family can draw what: a family's character that an earlier family of every stack draws is never its to draw.
  const families = new Set(faces.map((f) => f.family));
  const stacks = distinctStacks(
    files
      .filter((f) => /\.(css|html)$/.test(f))
      .flatMap((f) => fontStacks(readFileSync(f, "utf8"), families)),
  );
  const drawnBy = new Map<string, Map<string, Set<number>>>();
  for (const face of faces) {
    const weights = drawnBy.get(face.family) ?? new Map<string, Set<number>>();
    drawnBy.set(face.family, weights);
    const set = weights.get(face.weight) ?? new Set<number>();
    weights.set(face.weight, set);
    for (const p of face.drawn) set.add(p);
  }
  const covers = (family: string, p: number) =>
    [...(drawnBy.get(family)?.values() ?? [])].every((set) => set.has(p)) && drawnBy.has(family);
  // A family no stack names (a script may still set it) keeps every character it draws.
  const named = new Set(stacks.flat());
  const needed = (family: string, p: number) => !named.has(family) || canDraw(family, p, stacks, covers);

  // 3. One file per face and group of pages, holding exactly the glyphs it can be asked for.
  const written = new Map<string, number>();
  const replacements = new Map<string, Map<string, string>>();
  for (const face of faces) {
    const groups = new Map<string, number[]>();
    for (const p of face.drawn.filter((q) => needed(face.family, q))) {
      const key = usageOf(p, chars, langs);
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    const stem = face.source
      ? basename(face.source).replace(/\.[^.]+\.woff2$|\.woff2$/, "")
      : `${face.family.replace(/\W+/g, "-").toLowerCase()}-${face.weight}-inline`;
    const rules: string[] = [];
    for (const key of [...groups.keys()].sort()) {
      const points = (groups.get(key) ?? []).sort((a, b) => a - b);
      const data = await cache.subset(face.font, points);
      const name = `${stem}.${hash8(data)}.woff2`;
      const target = join(dirname(face.cssFile), name);
      if (!written.has(target)) {
        writeFileSync(target, data);
        written.set(target, data.length);
      }
      const url = face.source ? face.url.replace(/[^/]+$/, name) : `./${name}`;
      rules.push(
        face.text
          .replace(face.url, url)
          .replace(
            /unicode-range:\s*[^;}]+|(?=\}$)/,
            `unicode-range:${formatUnicodeRange(rangesOf(points))}`,
          ),
      );
    }
    const own = replacements.get(face.cssFile) ?? new Map<string, string>();
    replacements.set(face.cssFile, own);
    own.set(face.text, rules.join(""));
  }

  // 4. Stylesheets rewritten under names from their new content; old font files removed.
  for (const [cssFile, own] of replacements) {
    const css = readFileSync(cssFile, "utf8");
    const out = css.replace(FACE, (rule) => own.get(rule) ?? rule);
    const name = `${basename(cssFile).replace(/\.[^.]+\.css$|\.css$/, "")}.${hash8(out)}.css`;
    writeFileSync(cssFile, out);
    renameSync(cssFile, join(dirname(cssFile), name));
    report.stylesheets.push({
      from: basename(cssFile),
      to: name,
      bytesBefore: Buffer.byteLength(css),
      bytesAfter: Buffer.byteLength(out),
    });
  }
  for (const face of faces)
    if (face.source && !written.has(face.source)) rmSync(face.source, { force: true });
  report.after.files = written.size;
  report.after.bytes = [...written.values()].reduce((a, b) => a + b, 0);
  // Pages and scripts name the stylesheets: point them at the new names.
  const renames = report.stylesheets.filter((r) => r.from !== r.to);
  for (const file of files.filter((f) => /\.(html|js|css|json|xml)$/.test(f))) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // a stylesheet renamed above
    }
    let out = text;
    for (const r of renames) out = out.replaceAll(r.from, r.to);
    if (out !== text) writeFileSync(file, out);
  }
  return report;
}

/** Where a font URL of a stylesheet is on disk: under the base from the site root, or next to the stylesheet. */
function fontPath(distDir: string, base: string, cssFile: string, url: string): string {
  if (url.startsWith(base)) return join(distDir, url.slice(base.length));
  if (url.startsWith("/")) throw new Error(`${cssFile}: font URL ${url} is outside the site base ${base}`);
  return join(dirname(cssFile), url);
}
