/**
 * Finds the LOG lines `packetwalk import` cannot read as the contributor meant them: one packet
 * logged twice at one hook (a LOG rule in the built-in chain and another in a user chain it jumps
 * to, e.g. `FORWARD` and `DOCKER-ISOLATION-STAGE-2`). The parser takes one line per packet and
 * hook, so the second line reads as another packet and the check disagrees; each is a positioned
 * warning that says which rules to keep. Pure.
 */
import type { Diagnostic, Packet, TraceEvent } from "../model/packet.ts";

function samePacket(a: TraceEvent, b: TraceEvent): boolean {
  return (
    !!a.ip &&
    !!b.ip &&
    a.ip.src === b.ip.src &&
    a.ip.dst === b.ip.dst &&
    a.ip.id === b.ip.id &&
    a.ip.ttl === b.ip.ttl &&
    a.in === b.in &&
    a.out === b.out &&
    a.l4?.icmpId === b.l4?.icmpId &&
    a.l4?.sport === b.l4?.sport &&
    a.l4?.dport === b.l4?.dport
  );
}

/** Warnings for packets that begin with a second LOG line of the packet just before them at one hook. */
export function repeatedHookWarnings(packets: readonly Packet[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A packet's events by the line of its last event, to find the one just above a line.
  const byLastLine = new Map<string, TraceEvent[]>();
  for (const p of packets) {
    const evs = p.events.filter((e) => e.source === "log");
    const last = evs[evs.length - 1];
    if (last) byLastLine.set(`${last.position.file}:${last.position.line}`, evs);
  }
  for (const p of packets) {
    const first = p.events[0];
    if (first?.source !== "log") continue;
    const above = byLastLine.get(`${first.position.file}:${first.position.line - 1}`);
    const twin = above?.find((e) => e.hook === first.hook && samePacket(e, first));
    if (!twin) continue;
    out.push({
      severity: "warning",
      message: `the packet of line ${twin.position.line} is logged again at ${first.hook} (prefixes '${twin.prefix.trim()}' and '${first.prefix.trim()}'): packetwalk reads one LOG line per packet and hook, so this line reads as another packet and the check will disagree`,
      hint: "keep one LOG rule per built-in chain a packet crosses (remove the one in the user chain: the check still shows which rule dropped the packet), record again and import",
      position: first.position,
    });
  }
  return out;
}
