/**
 * Vite plugin: drops the legacy `.woff` fallback from @fontsource's
 * `@font-face` rules, so dist ships only the `.woff2` files every supported
 * browser loads (the `.woff` copies were never fetched, only carried).
 */
import type { Plugin } from "vite";

/** Removes `, url(….woff) format('woff')` from a `src:` list of font CSS. */
export function dropWoffFallback(css: string): string {
  return css.replace(/,\s*url\([^)]*\.woff\)\s*format\(\s*['"]woff['"]\s*\)/g, "");
}

/** The plugin: applies {@link dropWoffFallback} to every CSS file of an `@fontsource/*` package. */
export function woff2Only(): Plugin {
  return {
    name: "packetwalk:woff2-only",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]@fontsource[\\/][^?]*\.css(\?|$)/.test(id)) return undefined;
      const out = dropWoffFallback(code);
      return out === code ? undefined : { code: out, map: null };
    },
  };
}
