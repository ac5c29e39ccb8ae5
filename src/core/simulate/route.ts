/**
 * The routing decision of one host: longest-prefix match over its connected subnets (from its
 * interface addresses) and the routes the lab lists, as `ip route get` (or `ip -6 route get`) would
 * answer. An IPv6 destination takes IPv6 routes only, an IPv4 one IPv4 routes.
 */
import { addressFamily, addressInIpCidr, canonicalAddress, parseIpCidr } from "./ip-address.ts";
import { ipv6Source } from "./ipv6-source.ts";
import { hostIfaces, type IfaceInfo, isLocalAddress, type Topology } from "./topology.ts";

/** Where a packet to an address goes from one host. */
export type RouteResult =
  | { kind: "local" /** The path MTU: lo's. */; mtu: number }
  | {
      kind: "unicast";
      dev: string;
      via?: string;
      /** Preferred source address on `dev`. */
      src?: string;
      /** The path MTU: the route's own, else `dev`'s. */
      mtu: number;
    }
  | {
      kind: "unreachable";
      /** The route that refuses it (`ip route add TYPE PREFIX`); undefined: no route at all. */
      type?: RefusingRoute;
    };

/** A route type that refuses what it matches. */
export type RefusingRoute = "unreachable" | "prohibit" | "blackhole";

/**
 * Looks up the route from `host` to `dst`; `from`, the source the packet is sent from when the sender
 * chose one, places a limited broadcast on the device holding it.
 */
export function routeLookup(topo: Topology, host: string, dst: string, from?: string): RouteResult {
  if (isLocalAddress(topo, host, dst))
    return { kind: "local", mtu: hostIfaces(topo, host).find((i) => i.kind === "loopback")?.mtu ?? 65536 };
  const family = addressFamily(dst);
  if (family === undefined) return { kind: "unreachable" };
  const d = canonicalAddress(dst);
  const v6 = family === 6;
  const ifaces = hostIfaces(topo, host);
  let best:
    | { len: number; dev: string; via?: string; anyFamily?: boolean; mtu?: number; refuses?: RefusingRoute }
    | undefined;
  for (const i of ifaces) {
    if (i.bridge) continue; // a bridge port has no IP role of its own
    for (const a of i.addresses) {
      if (!!a.v6 !== v6) continue;
      if (addressInIpCidr(d, a.subnet) && (!best || a.len > best.len)) best = { len: a.len, dev: i.name };
    }
  }
  for (const r of topo.hosts.get(host)?.routes ?? []) {
    // `default` is of the family of its gateway (either family without one).
    const anyFamily = r.to === "default" && !r.via;
    const routeV6 = r.to === "default" ? (r.via ? r.via.includes(":") : v6) : r.to.includes(":");
    if (routeV6 !== v6) continue;
    const cidr = r.to === "default" ? parseIpCidr(v6 ? "::/0" : "0.0.0.0/0") : parseIpCidr(r.to);
    // At an equal length a route of the packet's family (`::/0`, a default via a gateway) beats a gatewayless `default`.
    const better =
      !best ||
      (cidr !== undefined && cidr.len > best.len) ||
      (cidr?.len === best.len && !!best.anyFamily && !anyFamily);
    if (cidr && addressInIpCidr(d, cidr) && better)
      best = {
        len: cidr.len,
        dev: r.dev ?? "",
        ...(r.type !== undefined && r.type !== "unicast" ? { refuses: r.type } : {}),
        via: r.via && canonicalAddress(r.via),
        ...(anyFamily ? { anyFamily } : {}),
        ...(r.mtu !== undefined ? { mtu: r.mtu } : {}),
      };
  }
  // A limited broadcast from a given source leaves by the device holding it, whatever the routes
  // (ip_route_output_key_hash_rcu: __ip_dev_find(saddr)); without one, by its route.
  const owner =
    d === "255.255.255.255" && from
      ? ifaces.find((i) => !i.bridge && i.addresses.some((a) => a.address === from))
      : undefined;
  if (owner) best = { len: 32, dev: owner.name };
  if (!best) return { kind: "unreachable" };
  if (best.refuses) return { kind: "unreachable", type: best.refuses };
  const dev = best.dev;
  const iface = ifaces.find((i) => i.name === dev);
  const src = v6 ? ipv6Source(topo, host, dev, d) : ipv4Source(ifaces, dev, best.via ?? d);
  return { kind: "unicast", dev, via: best.via, src, mtu: best.mtu ?? iface?.mtu ?? 1500 };
}

/**
 * The IPv4 source the kernel gives a packet leaving by `dev` toward `nexthop` (inet_select_addr): `dev`'s
 * first address whose subnet holds the next hop, else its first; when `dev` has none, the first address
 * of another device in the lab's order (the kernel's ifindex order) that is neither host- nor link-scoped
 * (127/8 is host-scoped; a lab gives no other scope). Checked on kernel 6.18 with `ip route get` and
 * counters: a route `dev x0`, x0 without an address, took h0's 198.51.100.1 (its primary, not the
 * secondary), and of two other devices the first in ifindex order with a global address, a link-scoped
 * one skipped. Undefined when no device has one (the packet then leaves from 0.0.0.0, zero-source.ts).
 */
function ipv4Source(ifaces: IfaceInfo[], dev: string, nexthop: string): string | undefined {
  const own = ifaces.find((i) => i.name === dev)?.addresses.filter((a) => !a.v6) ?? [];
  const chosen = own.find((a) => addressInIpCidr(nexthop, a.subnet)) ?? own[0];
  if (chosen) return chosen.address;
  // An address's subnet's primary is listed before its secondaries, so the first found is a primary.
  for (const i of ifaces)
    for (const a of i.addresses) if (!a.v6 && !a.address.startsWith("127.")) return a.address;
  return undefined;
}
