/**
 * rehype plugin: append a self-link to every h2-h4 that has an id, so a reader
 * can copy a link to a section. Runs after the heading ids are assigned.
 */
import type { Element, Root } from "hast";
import { visit } from "unist-util-visit";

/** Options of {@link rehypeHeadingAnchors}. */
export interface HeadingAnchorOptions {
  /** Accessible name of the link, given the heading text. Default `Link to section: <text>`. */
  label?: (text: string) => string;
}

const LINKED = new Set(["h2", "h3", "h4"]);

function textOf(node: Element): string {
  let out = "";
  visit(node, "text", (t) => {
    out += t.value;
  });
  return out;
}

/** Adds `<a class="heading-anchor" href="#id">#</a>` to headings h2-h4 that have an id. */
export default function rehypeHeadingAnchors(options: HeadingAnchorOptions = {}) {
  const label = options.label ?? ((text: string) => `Link to section: ${text}`);
  return (tree: Root) => {
    visit(tree, "element", (node) => {
      if (!LINKED.has(node.tagName)) return;
      const id = node.properties.id;
      if (typeof id !== "string" || id === "") return;
      node.children.push({
        type: "element",
        tagName: "a",
        properties: { className: ["heading-anchor"], href: `#${id}`, ariaLabel: label(textOf(node)) },
        children: [{ type: "text", value: "#" }],
      });
    });
  };
}
