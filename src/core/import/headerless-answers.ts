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
import { ruleNamedIcmp } from "../parse/traced-transport.ts";
import { canonicalAddress } from "../simulate/ip-address.ts";

/**
 * Whether every event of `p` shows IP addresses and no protocol, as xtables-monitor prints an ICMP
 * packet, or only the ICMP a matched `-p icmp` rule named (`ruleNamedIcmp`: no type is known either).
 */
function headerless(p: Packet): boolean {
  return (
    p.events.length > 0 &&
    p.events.every((e) => e.ip && e.source === "xtables-monitor" && (!e.l4 || ruleNamedIcmp(e)))
  );
}

/**
 * The packet a `-j REJECT` rule dropped at its last event: its source address, and the lines between
 * which its answer is printed (from its rejecting hook's first line to the REJECT rule's own line:
 * the error is sent while the target runs); undefined when no REJECT dropped it.
 */
function rejectedFrom(p: Packet): { from: string; start: number; end: number } | undefined {
  const last = p.events[p.events.length - 1];
  const verdict = last?.verdicts?.[last.verdicts.length - 1];
  if (!last?.ip || verdict?.kind !== "rule" || !/(?:^|\s)-j REJECT(?:\s|$)/.test(verdict.text ?? ""))
    return undefined;
  const start = last.position.line;
  // xtables-monitor's verdicts carry no line of their own: the error comes within a few lines of the hook's.
  return { from: canonicalAddress(last.ip.src), start, end: verdict.position?.line ?? start + ANSWER_LINES };
}

/**
 * Lines after the rejecting hook's first one within which its answer's first line is printed: the
 * error crosses the output hooks while the REJECT target runs (PACKET and TRACE lines at raw, mangle,
 * nat, filter OUTPUT and POSTROUTING: 2 to 4 lines each; 1 line after it in the capture).
 */
const ANSWER_LINES = 24;

/** The flows of `parsed` with each REJECT answer xtables-monitor printed without a protocol moved into the flow it answers. */
export function attachHeaderlessAnswers(parsed: ParsedTrace): ParsedTrace {
  const byId = new Map(parsed.packets.map((p) => [p.id, p]));
  // The packets a REJECT dropped, in log order, with the flow each belongs to.
  const rejected = parsed.flows
    .filter((f) => f.proto !== "ip")
    .flatMap((f) =>
      f.packets.flatMap((id) => {
        const p = byId.get(id);
        const r = p && rejectedFrom(p);
        // xtables-monitor prints the REJECT rule's own line after the error's (the error is sent while
        // the target runs: lines 46-50 between the hook's line 45 and the rule's line 51 in the capture).
        return r ? [{ flow: f.id, ...r }] : [];
      }),
    )
    .sort((a, b) => a.start - b.start);
  if (!rejected.length) return parsed;
  const moved = new Map<number, number>(); // answer packet id -> the flow it joins
  for (const f of parsed.flows) {
    if (f.proto !== "ip" && f.proto !== "icmp") continue;
    for (const id of f.packets) {
      const p = byId.get(id);
      const first = p?.events[0];
      if (!p || !first?.ip || !headerless(p)) continue;
      const to = canonicalAddress(first.ip.dst);
      // A rejected packet whose sender it goes back to, printed while the REJECT ran: a later packet
      // to that sender (a ping it still answers) is no answer of the REJECT.
      const line = first.position.line;
      const answered = rejected.filter((r) => r.start < line && line <= r.end && r.from === to).at(-1);
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
