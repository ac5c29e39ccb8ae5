/**
 * A simulated packet's summary with the NAT done after its last logged hook, which no log line can
 * show: MASQUERADE or SNAT at nat POSTROUTING, a published port's reply getting its source back
 * there. The simulator knows the packet as it arrived; a trace read from the log does not, so the
 * trace's own summary stays what its lines say and only the simulator's report says this.
 */
import type { Packet, Rewrite, TraceEvent } from "../model/packet.ts";
import { canonicalAddress } from "./ip-address.ts";
import type { SimulatedPacket } from "./simulate-packet.ts";
import { summarizeLogged } from "./to-kernel-log.ts";

/** The rewrite between the packet's last logged line and the packet as received (none when equal or not received). */
function unloggedRewrite(events: readonly TraceEvent[], sp: SimulatedPacket): Rewrite[] {
  const last = events[events.length - 1];
  const got = sp.received;
  const ip = last?.ip;
  if (!last || !got || !ip) return [];
  const seen = {
    src: canonicalAddress(ip.src),
    dst: canonicalAddress(ip.dst),
    sport: last.l4?.sport,
    dport: last.l4?.dport,
  };
  const src = seen.src !== got.src || (got.sport !== undefined && seen.sport !== got.sport);
  const dst = seen.dst !== got.dst || (got.dport !== undefined && seen.dport !== got.dport);
  if (!src && !dst) return [];
  return [
    {
      atEvent: events.length,
      afterHook: last.hook,
      beforeHook: last.hook,
      kind: src && dst ? "both" : src ? "snat" : "dnat",
      from: seen,
      to: { src: got.src, dst: got.dst, sport: got.sport, dport: got.dport },
    },
  ];
}

/** `packet`'s summary (a packet of the simulated trace of `sp`), with the NAT no line of it shows. */
export function summaryWithUnloggedNat(packet: Packet, sp: SimulatedPacket): string {
  const extra = unloggedRewrite(packet.events, sp);
  if (!extra.length || !packet.events.length) return packet.summary;
  return summarizeLogged(packet.events, [...packet.rewrites, ...extra], packet.direction);
}
