import type { Element, ElementContent, Root } from "hast";
import { toHtml } from "hast-util-to-html";
import { describe, expect, it } from "vitest";
import rehypeTableCodeWords from "../../../src/plugin/rehype-table-code-words.ts";

const el = (tagName: string, ...children: ElementContent[]): Element => ({
  type: "element",
  tagName,
  properties: {},
  children,
});
const text = (value: string): ElementContent => ({ type: "text", value });

/** A page of `nodes` as HTML once the plugin ran on it. */
function run(...nodes: Element[]): string {
  const tree: Root = { type: "root", children: nodes };
  rehypeTableCodeWords()(tree);
  return toHtml(tree);
}

describe("rehypeTableCodeWords", () => {
  it("lets a command in a table cell wrap at its spaces, its words with a hyphen kept whole", () => {
    const out = run(el("table", el("tr", el("td", el("code", text("tcpdump -ni veth-c1 icmp"))))));
    expect(out).toBe(
      '<table><tr><td><code class="pw-code-words">tcpdump <span class="pw-nb">-ni</span> <span class="pw-nb">veth-c1</span> icmp</code></td></tr></table>',
    );
  });

  it("leaves an identifier in a cell, code outside tables and code inside other markup alone", () => {
    const out = run(
      el(
        "table",
        el(
          "tr",
          el("td", el("code", text("bridge-nf-call-iptables"))),
          el("th", el("strong", el("code", text("a b")))),
        ),
      ),
      el("p", text("Run "), el("code", text("ip route get 203.0.113.1"))),
    );
    // An identifier never wraps in a table (global.css); prose code wraps as its paragraph does.
    expect(out).toBe(
      "<table><tr><td><code>bridge-nf-call-iptables</code></td><th><strong><code>a b</code></strong></th></tr></table><p>Run <code>ip route get 203.0.113.1</code></p>",
    );
  });

  it("keeps the cell's text as written, spaces included", () => {
    const command = "iptables -t nat -L -v -n  --line-numbers";
    const out = run(el("table", el("tr", el("th", el("code", text(command))))));
    expect(out.replace(/<[^>]+>/g, "")).toBe(command);
    expect(out).toContain('<th><code class="pw-code-words">');
  });
});
