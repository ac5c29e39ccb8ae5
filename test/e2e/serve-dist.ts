/**
 * A tiny static file server for the built site (`dist/`), the way a static
 * host serves it: from the build's base path (`/` or e.g. `/packetwalk/`, as
 * GitHub Pages serves a project site), directories answer with their
 * `index.html`, unknown paths under the base with `404.html` and status 404,
 * anything outside the base with a bare 404. Listens on 127.0.0.1 on a random port.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { normalizeBase } from "../../src/site-config.ts";

/** The built site: `dist/` at the repository root, or `PACKETWALK_E2E_DIST` (to check another build). */
export const DIST_DIR = path.resolve(import.meta.dirname, "../..", process.env.PACKETWALK_E2E_DIST ?? "dist");

/** Content types by file extension; anything else is served as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  // Pagefind's index files: compressed binary chunks fetched by its script.
  ".pagefind": "application/octet-stream",
  ".pf_meta": "application/octet-stream",
  ".pf_index": "application/octet-stream",
  ".pf_fragment": "application/octet-stream",
};

/** A running server. */
export interface DistServer {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:41234`; pages are at `url + base + ...`. */
  url: string;
  /** The base path the site is served under, e.g. `/` or `/packetwalk/`. */
  base: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** A folder as the reader of an error knows it: relative to the working directory when inside it. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel === "" || rel.startsWith("..") ? dir : rel;
}

/**
 * Throws a clear error when `dist/` has not been built: these tests check the
 * built site and never build it themselves.
 * @param root folder to check; default {@link DIST_DIR}
 */
export function assertDistBuilt(root: string = DIST_DIR): void {
  if (!existsSync(path.join(root, "index.html"))) {
    throw new Error(
      `${shown(root)}/index.html is missing: the end-to-end tests check the built site.\n` +
        "hint: run `npm run build` first (`npm test` does it before vitest).",
    );
  }
}

/** Where a build expects to be served: read from its home page, so the tests follow any build. */
export interface BuildLocation {
  /** Base path with leading and trailing slash (`/`, `/packetwalk/`). */
  base: string;
  /** Origin of the deployed site (`https://owner.github.io`), from the canonical link. */
  site: string;
}

const locations = new Map<string, BuildLocation>();

/**
 * The base path and site a build was made for, read from `index.html` (its canonical link and favicon).
 * Throws when `PACKETWALK_BASE` is set and names another base than the build's.
 * @param root built site; default {@link DIST_DIR}
 */
export function buildLocation(root: string = DIST_DIR): BuildLocation {
  const known = locations.get(root);
  if (known) return known;
  assertDistBuilt(root);
  const html = readFileSync(path.join(root, "index.html"), "utf8");
  const canonical = /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1];
  if (!canonical)
    throw new Error(`${shown(root)}/index.html has no <link rel="canonical">: cannot tell its base`);
  const url = new URL(canonical);
  const location = { base: url.pathname, site: url.origin };
  if (!html.includes(`href="${location.base}favicon.svg"`)) {
    throw new Error(
      `${shown(root)}/index.html: canonical URL says base ${location.base}, but the favicon is not under it`,
    );
  }
  const wanted = process.env.PACKETWALK_BASE;
  if (wanted !== undefined && normalizeBase(wanted) !== location.base) {
    throw new Error(
      `${shown(root)} was built with base ${location.base}, but PACKETWALK_BASE is '${wanted}'.\n` +
        "hint: rebuild with the same PACKETWALK_BASE (`PACKETWALK_BASE=... npm run build`), or unset it for the tests.",
    );
  }
  locations.set(root, location);
  return location;
}

/** Maps a URL path to a file under `root`, or undefined when nothing is there. */
function resolveFile(root: string, urlPath: string): { file: string } | { redirect: string } | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.join(root, path.normalize(decoded));
  // Never serve anything outside dist/ (e.g. `/../package.json`).
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  if (!existsSync(file)) return undefined;
  if (statSync(file).isDirectory()) {
    // Like a static host: `/lessons/x` redirects to `/lessons/x/`.
    if (!urlPath.endsWith("/")) return { redirect: `${urlPath}/` };
    const index = path.join(file, "index.html");
    return existsSync(index) ? { file: index } : undefined;
  }
  return { file };
}

/**
 * Serves `root` on 127.0.0.1 at a random free port, under the build's base path.
 * @param root folder to serve; default {@link DIST_DIR}
 * @param base base path to serve it under; default the one the build was made for ({@link buildLocation})
 */
export async function serveDist(
  root: string = DIST_DIR,
  base: string = buildLocation(root).base,
): Promise<DistServer> {
  assertDistBuilt(root);
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      const { pathname } = new URL(req.url ?? "/", "http://localhost");
      // A host serving the site from a sub-path knows nothing outside it (`/packetwalk` itself redirects).
      if (base !== "/" && pathname === base.slice(0, -1)) {
        res.writeHead(301, { location: base }).end();
        return;
      }
      if (!pathname.startsWith(base)) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`outside the base ${base}\n`);
        return;
      }
      const found = resolveFile(root, `/${pathname.slice(base.length)}`);
      if (found && "redirect" in found) {
        res.writeHead(301, { location: `${base}${found.redirect.slice(1)}` }).end();
        return;
      }
      const file = found?.file ?? path.join(root, "404.html");
      const status = found ? 200 : 404;
      try {
        const body = await readFile(file);
        const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
        res.writeHead(status, {
          "content-type": type,
          "content-length": body.length,
          "cache-control": "no-store",
        });
        res.end(req.method === "HEAD" ? undefined : body);
      } catch {
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
