/** Shared test helper: the stable, reviewable projection of a parse result stored in expected.json. */
import type { ParsedTrace } from "../../../src/core/model/packet.ts";

/** Packets with flow, direction, summary, hooks, interfaces, rewrites, source lines and logged drops; flows; diagnostics. */
export function project(r: ParsedTrace) {
  return {
    skippedLines: r.skippedLines,
    diagnostics: r.diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.position.line,
      column: d.position.column,
    })),
    flows: r.flows,
    packets: r.packets.map((p) => ({
      packet: p.id,
      flow: p.flow,
      direction: p.direction,
      summary: p.summary,
      hooks: p.hooks,
      interfaces: p.events.map((e) =>
        [
          `IN=${e.in ?? ""}`,
          `OUT=${e.out ?? ""}`,
          e.physIn ? `PHYSIN=${e.physIn}` : "",
          e.physOut ? `PHYSOUT=${e.physOut}` : "",
        ]
          .filter(Boolean)
          .join(" "),
      ),
      lines: p.events.map((e) => e.position.line),
      verdicts: p.events.map((e) =>
        (e.verdicts ?? []).map((v) => `${v.chain}:${v.kind}${v.verdict ? `:${v.verdict}` : ""}`),
      ),
      rewrites: p.rewrites,
      // Only packets a drop-announcing LOG prefix (ufw's) marks: the other fixtures stay as they were.
      ...(p.events.some((e) => e.drop)
        ? { drops: p.events.map((e) => (e.drop ? `${e.drop.verdict} (${e.drop.by})` : "")) }
        : {}),
    })),
  };
}
