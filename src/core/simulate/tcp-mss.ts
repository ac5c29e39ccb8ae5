/**
 * The TCP MSS values the kernel derives from a route's MTU: what a socket advertises in its SYN or
 * SYN-ACK, and what `-j TCPMSS --clamp-mss-to-pmtu` and nft's `rt mtu` clamp to.
 */
import type { RouteResult } from "./route.ts";

/** IP and TCP headers without options: 40 bytes for IPv4, 60 for IPv6. */
function headers(v6: boolean): number {
  return v6 ? 60 : 40;
}

/**
 * The MSS a socket puts in its SYN or SYN-ACK for a route of MTU `mtu` (the route's `advmss` metric as
 * ipv4_default_advmss and ip6_default_advmss compute it): the MTU less the headers, at least 256 (1220
 * for IPv6), at most 65495 for IPv4, so 65495 over a 65536-byte loopback.
 */
export function advertisedMss(mtu: number, v6: boolean): number {
  const mss = mtu - headers(v6);
  return v6 ? Math.max(mss, 1220) : Math.min(Math.max(mss, 256), 65535 - 40);
}

/**
 * The MSS `--clamp-mss-to-pmtu` and `tcp option maxseg size set rt mtu` (`nft`) clamp to: the smaller MTU
 * of the route the packet takes (`toDst`) and of the route back to its source (`toSrc`), less the headers
 * (tcpmss_reverse_mtu, nft_rt's get_tcpmss). IPv4 caps an MTU at 65535, IPv6 does not, and nft takes 536
 * for an MTU past 65535 (kernel 6.18 over a 65536-byte loopback: IPv4 65495 both ways, IPv6 65476 for
 * xt_TCPMSS and 536 for nft). An unreachable way back leaves the forward MTU alone.
 */
export function clampMss(toDst: RouteResult, toSrc: RouteResult, v6: boolean, nft = false): number {
  const forward = toDst.kind === "unreachable" ? 1500 : toDst.mtu;
  const back = toSrc.kind === "unreachable" ? forward : toSrc.mtu;
  const mtu = v6 ? Math.min(forward, back) : Math.min(forward, back, 65535);
  if (nft && (mtu > 65535 || mtu <= headers(v6))) return 536;
  return mtu - headers(v6);
}
