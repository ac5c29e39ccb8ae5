/**
 * The playground's Content-Security-Policy: the page may load its own files
 * (fonts also inline, as data: URLs) and nothing else, and may connect nowhere but to its own origin (the
 * search index). Inline scripts run only by their hash, filled in after the
 * build (`src/plugin/playground-csp.ts`) because Astro writes them.
 */

/** Written in the page at build time; replaced by {@link playgroundPolicy} with the hashes once the HTML is final. */
export const CSP_PLACEHOLDER = "packetwalk-playground-csp";

/**
 * The policy for a page whose inline scripts have these hashes (`sha256-...`, base64).
 * `wasm-unsafe-eval` lets the site search (Pagefind) compile its WebAssembly; styles may be
 * inline because Mermaid writes a `<style>` into every SVG it draws.
 */
export function playgroundPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval'${scriptHashes.map((h) => ` '${h}'`).join("")}`,
    "worker-src 'self'",
    "connect-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}
