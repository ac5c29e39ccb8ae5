/**
 * rehype plugin: puts the site's base path in front of every root-absolute
 * link and source in a lesson (`[x](/lessons/y/)` → `/packetwalk/lessons/y/`),
 * so lessons written for `/` work when the site is served from a sub-path.
 */
import type { Root } from "hast";
import { visit } from "unist-util-visit";

/** Options of {@link rehypeBaseLinks}. */
export interface BaseLinkOptions {
  /** URL path the site is served under, with leading and trailing slash. Default `/` (nothing changes). */
  base?: string;
}

/** Attributes that hold a URL a reader's browser requests or follows. */
const URL_PROPERTIES = ["href", "src", "poster"] as const;

/** The base followed by a root-absolute `value`; anything else (relative, `//host`, `#x`, `https:`) as is. */
export function prefixBase(value: string, base: string): string {
  if (base === "/" || !value.startsWith("/") || value.startsWith("//")) return value;
  return `${base}${value.slice(1)}`;
}

/** Rewrites root-absolute `href`, `src` and `poster` attributes under `options.base`. */
export default function rehypeBaseLinks(options: BaseLinkOptions = {}) {
  const base = options.base ?? "/";
  return (tree: Root) => {
    if (base === "/") return;
    visit(tree, "element", (node) => {
      for (const name of URL_PROPERTIES) {
        const value = node.properties[name];
        if (typeof value === "string") node.properties[name] = prefixBase(value, base);
      }
    });
  };
}
