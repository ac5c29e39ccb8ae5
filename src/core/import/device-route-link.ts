/**
 * The host link a route without a gateway puts an address on, for `packetwalk import`: `ip route add
 * 100.64.0.0/10 dev tailscale0` (scope link) says every address of that prefix is a neighbour on
 * tailscale0, as an interface's own subnet does, though no address of the interface covers it (a
 * Tailscale router holds `100.90.0.1/32` only; kernel 6.18: its peer 100.90.0.2 came IN=tailscale0).
 * Pure.
 */
import { addressFamily, addressInIpCidr, formatIpCidr, parseIpCidr } from "../simulate/ip-address.ts";

/** A route as `ip -j route` / `ip -6 -j route` prints it (only the keys read here). */
type RouteJson = Record<string, unknown>;

/** The link found for an address: the device and the route's prefix, `100.64.0.0/10`. */
export interface DeviceRouteLink {
  dev: string;
  prefix: string;
}

/** A route's destination as a prefix: `default` of `addr`'s family is /0, a bare address its host prefix. */
function routePrefix(r: RouteJson, family: 4 | 6): string | undefined {
  const dst = String(r.dst ?? "");
  if (dst === "default") return family === 6 ? "::/0" : "0.0.0.0/0";
  if (!dst || addressFamily(dst.split("/")[0] as string) !== family) return undefined;
  return dst.includes("/") ? dst : `${dst}/${family === 6 ? 128 : 32}`;
}

/**
 * The device route that decides where `addr` is, when the host's most specific route to it (longest
 * prefix, as the kernel's lookup in the main table) has no gateway and leaves by one of `devices`:
 * that device and the route's prefix. Undefined when the winning route has a gateway (the address is
 * behind it), is no unicast route (blackhole, unreachable), or leaves by another device.
 */
export function deviceRouteLink(
  addr: string,
  routes: readonly RouteJson[],
  devices: ReadonlySet<string>,
): DeviceRouteLink | undefined {
  const family = addressFamily(addr);
  if (family === undefined) return undefined;
  let best: { r: RouteJson; len: number; prefix: string } | undefined;
  for (const r of routes) {
    const prefix = routePrefix(r, family);
    const c = prefix ? parseIpCidr(prefix) : undefined;
    if (!prefix || !c || !addressInIpCidr(addr, c)) continue;
    // Of two routes of one length the first listed wins, as `ip route` lists the one the kernel takes first.
    if (!best || c.len > best.len) best = { r, len: c.len, prefix: formatIpCidr(c) };
  }
  if (!best) return undefined;
  const { r } = best;
  if (typeof r.gateway === "string" || typeof r.dev !== "string") return undefined;
  if ((r.type ?? "unicast") !== "unicast" || !devices.has(r.dev)) return undefined;
  const len = best.len;
  // formatIpCidr writes a host prefix without its length; the lab keeps it written.
  const prefix = best.prefix.includes("/") ? best.prefix : `${best.prefix}/${len}`;
  return { dev: r.dev, prefix };
}
