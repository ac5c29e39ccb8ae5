/**
 * rehype plugin: gives every body cell of a table with a header row the text of its column's header
 * (`data-label`), so a narrow screen can show each row as a card of labelled cells instead of a table
 * wider than the screen (see `global.css`). Tables without a header row are left as they are.
 */
import type { Element, ElementContent, Root } from "hast";
import { visit } from "unist-util-visit";

function textOf(node: ElementContent): string {
  if (node.type === "text") return node.value;
  return node.type === "element" ? node.children.map(textOf).join("") : "";
}

const cells = (row: Element) =>
  row.children.filter(
    (c): c is Element => c.type === "element" && (c.tagName === "td" || c.tagName === "th"),
  );
const rows = (part: Element | undefined) =>
  (part?.children ?? []).filter((c): c is Element => c.type === "element" && c.tagName === "tr");

/** Sets `data-label` on the `td`s of tables whose `thead` names their columns. */
export default function rehypeTableLabels() {
  return (tree: Root) => {
    visit(tree, "element", (table) => {
      if (table.tagName !== "table") return;
      const part = (name: string) =>
        table.children.find((c): c is Element => c.type === "element" && c.tagName === name);
      const head = rows(part("thead"))[0];
      if (!head) return;
      const labels = cells(head).map((c) => textOf(c).trim());
      if (labels.every((l) => l === "")) return;
      table.properties.className = [...((table.properties.className as string[]) ?? []), "labelled-table"];
      for (const row of rows(part("tbody")))
        cells(row).forEach((cell, i) => {
          const label = labels[i];
          if (label) cell.properties.dataLabel = label;
        });
    });
  };
}
