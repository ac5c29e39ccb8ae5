/**
 * Finds the NAT rewrites along one packet's events: where the source or
 * destination (address or port) differs from the previous event that showed
 * the IP header.
 */
import type { Endpoints, Rewrite, TraceEvent } from "../model/packet.ts";

function endpoints(ev: TraceEvent): Endpoints | undefined {
  if (!ev.ip) return undefined;
  const e: Endpoints = { src: ev.ip.src, dst: ev.ip.dst };
  if (ev.l4?.sport !== undefined) e.sport = ev.l4.sport;
  if (ev.l4?.dport !== undefined) e.dport = ev.l4.dport;
  return e;
}

/** Rewrites between successive IP-bearing events (events without IP data are skipped over). */
export function findRewrites(events: readonly TraceEvent[]): Rewrite[] {
  const out: Rewrite[] = [];
  let prev: Endpoints | undefined;
  let prevHook: TraceEvent["hook"] | undefined;
  events.forEach((ev, index) => {
    const cur = endpoints(ev);
    if (!cur) return;
    if (prev && prevHook) {
      // Ports only count when both events show them (ebtables lines may omit them).
      const portsKnown = prev.sport !== undefined && cur.sport !== undefined;
      const srcChanged = prev.src !== cur.src || (portsKnown && prev.sport !== cur.sport);
      const dstChanged = prev.dst !== cur.dst || (portsKnown && prev.dport !== cur.dport);
      if (srcChanged || dstChanged) {
        out.push({
          atEvent: index,
          afterHook: prevHook,
          beforeHook: ev.hook,
          kind: srcChanged && dstChanged ? "both" : srcChanged ? "snat" : "dnat",
          from: prev,
          to: cur,
        });
      }
    }
    prev = cur;
    prevHook = ev.hook;
  });
  return out;
}
