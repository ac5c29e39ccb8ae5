/**
 * What a font file really draws, and a font cut down to the characters a site uses: HarfBuzz
 * (WebAssembly, from npm: nothing is downloaded or compiled at install) reads the cmap and subsets,
 * keeping every layout table, so a kept glyph is drawn and spaced exactly as in the full font.
 */
import fontverter from "fontverter";
import * as hb from "harfbuzzjs";
import subsetFont from "subset-font";

/** The code points a font file (TTF, OTF, WOFF or WOFF2) maps to a glyph. */
export async function fontCodePoints(font: Uint8Array): Promise<Set<number>> {
  const sfnt = await fontverter.convert(Buffer.from(font), "truetype");
  // harfbuzzjs frees the WebAssembly objects when they are garbage collected.
  return new Set(new hb.Face(new hb.Blob(sfnt)).collectUnicodes());
}

/**
 * `font` cut down to the glyphs of `codePoints` (and those its layout reaches from them, e.g. ligatures),
 * as WOFF2. Hinting and every OpenType feature are kept.
 */
export async function subsetWoff2(font: Uint8Array, codePoints: Iterable<number>): Promise<Buffer> {
  return subsetFont(Buffer.from(font), String.fromCodePoint(...codePoints), { targetFormat: "woff2" });
}
