/**
 * The ICMP errors a host's own IP stack sends, with no rule asking for them: time exceeded when a
 * forwarded packet's TTL (hop limit) runs out, port unreachable for a UDP datagram no socket takes,
 * and the destination unreachable of a route that refuses the packet (an `unreachable` or `prohibit`
 * route, or none at all). Codes checked on kernel 6.18 (sim-r router namespace; ping's report and the
 * router's nft counters, which saw each error RELATED at OUTPUT and POSTROUTING, no nat chain run;
 * the MTU errors by `nft monitor trace` in a router whose way out had a 1300-byte MTU).
 */
import type { RejectAnswer } from "./reject-answer.ts";

/** Why the kernel sends an error of its own about a packet. */
export type KernelErrorCause = "ttl" | "port" | "no-route" | "unreachable" | "prohibit" | "mtu";

/**
 * The error for `cause` in the packet's family: time exceeded in transit (ICMP 11/0, ICMPv6 3/0); port
 * unreachable (3/3, 1/4); no route at all, net unreachable (3/0, 1/0: ip_error's and ip6_pkt_drop's
 * ENETUNREACH); an `unreachable` route, host unreachable (3/1, 1/0: IPv6 answers no route for it too);
 * a `prohibit` route, administratively prohibited (3/13, 1/1); a packet longer than the way out's MTU
 * that may not be fragmented, fragmentation needed (3/4) or packet too big (2/0), carrying that MTU.
 */
export function kernelError(cause: KernelErrorCause, v6: boolean): RejectAnswer & { kind: "icmp" } {
  const codes: Record<KernelErrorCause, [number, number, number, number]> = {
    ttl: [11, 0, 3, 0],
    port: [3, 3, 1, 4],
    "no-route": [3, 0, 1, 0],
    unreachable: [3, 1, 1, 0],
    prohibit: [3, 13, 1, 1],
    mtu: [3, 4, 2, 0],
  };
  const [t4, c4, t6, c6] = codes[cause];
  return { kind: "icmp", type: v6 ? t6 : t4, code: v6 ? c6 : c4 };
}

/** The error's name as ping reports it (iputils, kernel 6.18): `time exceeded`, `port unreachable`, ... */
export function kernelErrorName(cause: KernelErrorCause, v6: boolean): string {
  if (cause === "ttl") return "time exceeded";
  if (cause === "port") return "port unreachable";
  if (cause === "prohibit") return "administratively prohibited";
  if (cause === "mtu") return v6 ? "packet too big" : "fragmentation needed";
  if (cause === "unreachable" && !v6) return "host unreachable";
  return v6 ? "no route to destination" : "net unreachable";
}
