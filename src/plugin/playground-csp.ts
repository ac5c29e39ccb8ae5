/**
 * After the build: fills the playground pages' Content-Security-Policy with the
 * SHA-256 of each inline script Astro wrote into them, so those scripts run and
 * no other inline script could.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { CSP_PLACEHOLDER, playgroundPolicy } from "../playground/content-security-policy.ts";

/** Hashes (`sha256-<base64>`) of the inline scripts of `html` that a browser would run (not JSON data blocks). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attrs = "", body = ""] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*"?([^"\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
    if (type && type !== "module" && type !== "text/javascript") continue;
    hashes.push(`sha256-${createHash("sha256").update(body, "utf8").digest("base64")}`);
  }
  return [...new Set(hashes)];
}

/** Fills the placeholder of one built page; returns false when the page has no placeholder. */
export function fillPlaygroundCsp(file: string): boolean {
  const html = readFileSync(file, "utf8");
  if (!html.includes(CSP_PLACEHOLDER)) return false;
  writeFileSync(file, html.replace(CSP_PLACEHOLDER, playgroundPolicy(inlineScriptHashes(html))));
  return true;
}
