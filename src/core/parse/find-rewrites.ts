/**
 * Finds the NAT rewrites along one packet's events: where the source or
 * destination (address or port) differs from the previous event that showed
 * the IP header.
 */
import type { Endpoints, IpInfo, L4Info, Rewrite, TraceEvent } from "../model/packet.ts";

function endpoints(ip: IpInfo, l4: L4Info | undefined): Endpoints {
  const e: Endpoints = { src: ip.src, dst: ip.dst };
  if (l4?.sport !== undefined) e.sport = l4.sport;
  if (l4?.dport !== undefined) e.dport = l4.dport;
  return e;
}

/** Rewrites between successive IP-bearing events (events without IP data are skipped over). */
export function findRewrites(events: readonly TraceEvent[]): Rewrite[] {
  const out: Rewrite[] = [];
  let prev: TraceEvent | undefined;
  for (let index = 0; index < events.length; index++) {
    const ev = events[index] as TraceEvent;
    const ip = ev.ip;
    if (!ip) continue;
    const p = prev?.ip;
    // A line read from the same field text as the one before shares its records: nothing changed.
    if (prev && p && (p !== ip || prev.l4 !== ev.l4)) {
      const ps = prev.l4?.sport;
      const cs = ev.l4?.sport;
      // Ports only count when both events show them (ebtables lines may omit them).
      const portsKnown = ps !== undefined && cs !== undefined;
      const srcChanged = p.src !== ip.src || (portsKnown && ps !== cs);
      const dstChanged = p.dst !== ip.dst || (portsKnown && prev.l4?.dport !== ev.l4?.dport);
      if (srcChanged || dstChanged) {
        out.push({
          atEvent: index,
          afterHook: prev.hook,
          beforeHook: ev.hook,
          kind: srcChanged && dstChanged ? "both" : srcChanged ? "snat" : "dnat",
          from: endpoints(p, prev.l4),
          to: endpoints(ip, ev.l4),
        });
      }
    }
    prev = ev;
  }
  return out;
}
