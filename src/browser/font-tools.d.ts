/** Types of the two font packages that ship none (only what packetwalk calls). */
declare module "fontverter" {
  /** Converts a font between formats; `truetype` is the plain sfnt. */
  export function convert(
    font: Buffer,
    to: "truetype" | "woff" | "woff2" | "sfnt",
    from?: "truetype" | "woff" | "woff2" | "sfnt",
  ): Promise<Buffer>;
  /** The format of a font buffer. */
  export function detectFormat(font: Buffer): "truetype" | "woff" | "woff2";
  const fontverter: { convert: typeof convert; detectFormat: typeof detectFormat };
  export default fontverter;
}

declare module "subset-font" {
  /** Subsets `font` to the glyphs of `text` with HarfBuzz's hb-subset (WebAssembly). */
  export default function subsetFont(
    font: Buffer,
    text: string,
    options?: { targetFormat?: "sfnt" | "woff" | "woff2"; noHinting?: boolean },
  ): Promise<Buffer>;
}
