/**
 * robots.txt, generated so its sitemap URL follows PACKETWALK_SITE and PACKETWALK_BASE.
 * (Under a sub-path it is served at `<base>robots.txt`, where crawlers do not look; harmless there, right at a root.)
 */
import type { APIRoute } from "astro";
import { absoluteUrl, withBase } from "../site-config.ts";

/** The file's body. */
export const GET: APIRoute = () =>
  new Response(`User-agent: *\nAllow: /\nSitemap: ${absoluteUrl(withBase("/sitemap-index.xml"))}\n`, {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
