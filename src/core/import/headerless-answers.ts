/**
 * A REJECT's ICMP error in an `xtables-monitor --trace` capture. xtables-monitor prints a protocol's
 * fields for TCP and UDP only: the error's PACKET line names none (iptables 1.8.9, kernel 6.18:
 * `PACKET: 2 c8f09dec OUT=wan0 SRC=203.0.113.10 DST=198.51.100.66 LEN=88 TOS=0xc0 TTL=64 ID=50012`),
 * so the parser makes it a flow of its own, of protocol `ip`. import left that flow out ("the
 * simulator follows ICMP, TCP and UDP only") and wrote the rejected flow's trace without it, which
 * its own check then refused: the simulator sends the error, the trace had "no such packet".
 *
 * Such a packet, sent back to the source of a packet a `-j REJECT` rule had just dropped, is that
 * REJECT's answer: it is moved into the rejected packet's flow, so the flow's scenario keeps its
 * lines, and `check` knows it by its addresses (`scenarioFromRecorded`). Any other packet without a
 * protocol stays a flow of its own, left out for that reason (`unmodelledFlow`). Pure.
 */
import type { Flow, Packet, ParsedTrace } from "../model/packet.ts";
import { canonicalAddress } from "../simulate/ip-address.ts";

/** Whether every event of `p` shows IP addresses and no protocol, as xtables-monitor prints an ICMP packet. */
function headerless(p: Packet): boolean {
  return p.events.length > 0 && p.events.every((e) => e.ip && !e.l4 && e.source === "xtables-monitor");
}

/** The source address of the packet a `-j REJECT` rule dropped at its last event, undefined when none did. */
function rejectedFrom(p: Packet): string | undefined {
  const last = p.events[p.events.length - 1];
  const verdict = last?.verdicts?.[last.verdicts.length - 1];
  if (!last?.ip || verdict?.kind !== "rule" || !/(?:^|\s)-j REJECT(?:\s|$)/.test(verdict.text ?? ""))
    return undefined;
  return canonicalAddress(last.ip.src);
}

/** The flows of `parsed` with each REJECT answer xtables-monitor printed without a protocol moved into the flow it answers. */
export function attachHeaderlessAnswers(parsed: ParsedTrace): ParsedTrace {
  const byId = new Map(parsed.packets.map((p) => [p.id, p]));
  // The packets a REJECT dropped, in log order, with the flow each belongs to.
  const rejected = parsed.flows
    .filter((f) => f.proto !== "ip")
    .flatMap((f) =>
      f.packets.flatMap((id) => {
        const p = byId.get(id);
        const from = p && rejectedFrom(p);
        // Where its rejecting hook's lines start: xtables-monitor prints the REJECT rule's own line after
        // the error's (the error is sent while the target runs: lines 46-50 before line 51 in the capture).
        const at = p?.events.at(-1)?.position.line;
        return p && from && at !== undefined ? [{ flow: f.id, from, line: at }] : [];
      }),
    )
    .sort((a, b) => a.line - b.line);
  if (!rejected.length) return parsed;
  const moved = new Map<number, number>(); // answer packet id -> the flow it joins
  for (const f of parsed.flows) {
    if (f.proto !== "ip") continue;
    for (const id of f.packets) {
      const p = byId.get(id);
      const first = p?.events[0];
      if (!p || !first?.ip || !headerless(p)) continue;
      const to = canonicalAddress(first.ip.dst);
      // The latest rejected packet before it whose sender it goes back to.
      const answered = rejected.filter((r) => r.line < first.position.line && r.from === to).at(-1);
      if (answered) moved.set(id, answered.flow);
    }
  }
  if (!moved.size) return parsed;
  const flows: Flow[] = parsed.flows.flatMap((f) => {
    const kept = f.packets.filter((id) => !moved.has(id));
    const joined = [...moved].filter(([, flow]) => flow === f.id).map(([id]) => id);
    if (!kept.length && !joined.length) return [];
    return [{ ...f, packets: [...kept, ...joined].sort((a, b) => a - b) }];
  });
  const packets = parsed.packets.map((p) => {
    const flow = moved.get(p.id);
    return flow === undefined ? p : { ...p, flow, direction: "reply" as const };
  });
  return { ...parsed, flows, packets };
}
