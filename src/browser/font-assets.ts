/**
 * The site font for build-time rendering: Noto Sans (Latin and more) and
 * Noto Sans TC (Traditional Chinese), both shipped through npm by
 * @fontsource, so labels measured at build fit on the page using the same font.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DIAGRAM_FONT_FAMILY } from "./mermaid-config.ts";

export { DIAGRAM_FONT_FAMILY } from "./mermaid-config.ts";

const require = createRequire(import.meta.url);

/** A @fontsource package's folder, its version and the CSS file of one weight. */
export interface FontPackage {
  name: string;
  dir: string;
  version: string;
  css: string;
}

/** The @fontsource packages used, weight 400. */
export function fontPackages(): FontPackage[] {
  return ["@fontsource/noto-sans", "@fontsource/noto-sans-tc"].map((name) => {
    const pkgJson = require.resolve(`${name}/package.json`);
    const dir = dirname(pkgJson);
    const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
    return { name, dir, version, css: join(dir, "400.css") };
  });
}

/** Identifies the font for cache keys: family and package versions. */
export function fontFingerprint(): string {
  return [DIAGRAM_FONT_FAMILY, ...fontPackages().map((p) => `${p.name}@${p.version}`)].join("|");
}
