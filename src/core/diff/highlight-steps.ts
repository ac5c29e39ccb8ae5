/**
 * Marks the changed steps on a diagram: the Mermaid lines that give the nodes
 * of the steps that differ (a hook gone or new, other matched rules) a red
 * outline, appended to the diagram's own source before it is rendered.
 */
import type { TraceChange } from "./diff-facts.ts";

/** The outline of a changed step; a later classDef, so it wins over the path's own. */
export const CHANGED_CLASS_DEF = "classDef pwchanged stroke:#d00000,stroke-width:6px";

/** 0-based indexes of the steps of `direction`'s diagram that changed, on one side. */
export function changedSteps(
  t: TraceChange,
  direction: "request" | "reply",
  side: "before" | "after",
): number[] {
  const drawn = t[side]?.diagramNodes[direction];
  if (!drawn) return [];
  const change = t.packets.find((p) => p.id === drawn.packet && p.direction === direction);
  if (!change) return [];
  const steps = new Set<number>();
  if (change.hooks) {
    let index = 0;
    const mine = side === "before" ? "del" : "add";
    for (const line of change.hooks) {
      if (line.op === mine) steps.add(index);
      if (line.op === "same" || line.op === mine) index++;
    }
  }
  for (const m of change.matched) steps.add((side === "after" ? (m.stepAfter ?? m.step) : m.step) - 1);
  return [...steps].sort((a, b) => a - b);
}

/** The diagram's source with its changed steps outlined (unchanged when none changed). */
export function highlightChangedSteps(
  t: TraceChange,
  direction: "request" | "reply",
  side: "before" | "after",
): string | undefined {
  const source = t[side]?.mermaid[direction];
  const nodes = t[side]?.diagramNodes[direction]?.nodes ?? [];
  if (source === undefined) return undefined;
  const ids = [
    ...new Set(
      changedSteps(t, direction, side)
        .map((i) => nodes[i])
        .filter((id) => id !== undefined),
    ),
  ];
  if (ids.length === 0) return source;
  return `${source.replace(/\n*$/, "")}\n${CHANGED_CLASS_DEF}\nclass ${ids.join(",")} pwchanged\n`;
}
