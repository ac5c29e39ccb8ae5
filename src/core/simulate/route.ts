/**
 * The routing decision of one host: longest-prefix match over its connected subnets (from its
 * interface addresses) and the routes the lab lists, as `ip route get` would answer.
 */
import { inCidr, parseCidr, parseIpv4 } from "./ipv4.ts";
import { hostIfaces, isLocalAddress, type Topology } from "./topology.ts";

/** Where a packet to an address goes from one host. */
export type RouteResult =
  | { kind: "local" }
  | { kind: "unicast"; dev: string; via?: string /** Preferred source address on `dev`. */; src?: string }
  | { kind: "unreachable" };

/** Looks up the route from `host` to `dst`. */
export function routeLookup(topo: Topology, host: string, dst: string): RouteResult {
  if (isLocalAddress(topo, host, dst)) return { kind: "local" };
  const d = parseIpv4(dst);
  if (d === undefined) return { kind: "unreachable" };
  const ifaces = hostIfaces(topo, host);
  let best: { len: number; dev: string; via?: string } | undefined;
  for (const i of ifaces) {
    if (i.bridge) continue; // a bridge port has no IP role of its own
    for (const a of i.addresses) {
      const cidr = parseCidr(`${a.address}/${a.len}`);
      if (cidr && inCidr(d, cidr) && (!best || a.len > best.len)) best = { len: a.len, dev: i.name };
    }
  }
  for (const r of topo.hosts.get(host)?.routes ?? []) {
    const cidr = r.to === "default" ? parseCidr("0.0.0.0/0") : parseCidr(r.to);
    if (cidr && inCidr(d, cidr) && (!best || cidr.len > best.len))
      best = { len: cidr.len, dev: r.dev, via: r.via };
  }
  if (!best) return { kind: "unreachable" };
  const src = ifaces.find((i) => i.name === best.dev)?.addresses[0]?.address;
  return { kind: "unicast", dev: best.dev, via: best.via, src };
}
