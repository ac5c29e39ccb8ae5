/**
 * A one-packet {@link TraceFacts} for diff tests: the packet crosses `hooks`, matching
 * `matched[i]` at hook i, with a diagram whose nodes are the hooks.
 */
import type { TraceFacts } from "../../src/core/diff/trace-facts.ts";

/** Facts of trace `name` (default `l/t`); `summary` default `ICMP echo-request a -> b`. */
export function oneTraceFacts(
  hooks: string[],
  matched: string[][] = [],
  name = "l/t",
  summary = "ICMP echo-request a -> b",
): TraceFacts {
  return {
    name,
    title: `Trace ${name}`,
    origin: "recorded",
    mode: "log",
    ruleset: "r",
    packets: [
      {
        id: 1,
        direction: "request",
        summary,
        steps: hooks.map((hook, i) => ({ hook, matched: matched[i] ?? [] })),
        rewrites: [],
      },
    ],
    mermaid: { request: `flowchart TB\n${hooks.join("\n")}` },
    diagramNodes: { request: { packet: 1, nodes: hooks.map((h) => `q_${h.replace(/:/g, "_")}`) } },
  };
}
