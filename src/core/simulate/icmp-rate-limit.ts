/**
 * The kernel's per-destination limit on the ICMP errors a host sends (icmpv4_xrlim_allow,
 * icmpv6_xrlim_allow): a token bucket per destination that lets 6 errors go at once, then one per
 * net.ipv4.icmp_ratelimit (1000 ms) for IPv4, per net.ipv6.icmp.ratelimit (100 ms) divided by 2 for each
 * 32 bits the route back is wider than /128 for IPv6. Checked on kernel 6.18: 10 UDP datagrams 10 ms
 * apart to a closed port drew 6 port unreachables (IcmpOutRateLimitHost 4); over IPv6 on a /64, 7
 * (Icmp6OutRateLimitHost 3), and all 10 when 300 ms apart. The global limit (icmp_msgs_per_sec 1000,
 * burst 50) needs 50 errors, more than a scenario sends. The simulator keeps no time, so it says when an
 * error is past the burst rather than dropping it.
 */

/** The errors one destination gets at once (XRLIM_BURST_FACTOR). */
export const ICMP_ERROR_BURST = 6;

/**
 * Whether an error of this type is limited: IPv4's icmp_ratemask (destination unreachable but
 * fragmentation needed, source quench, time exceeded, parameter problem), IPv6's ratemask 0-1,3-127
 * (all errors but packet too big).
 */
export function icmpErrorLimited(type: number, code: number, v6: boolean): boolean {
  if (v6) return type <= 127 && type !== 2;
  return (type === 3 && code !== 4) || type === 4 || type === 11 || type === 12;
}

/** The note on the `nth` limited error `host` sends `dst` (1-based), past the burst. */
export function icmpErrorLimitNote(host: string, dst: string, nth: number, v6: boolean): string {
  const pace = v6
    ? "one per net.ipv6.icmp.ratelimit (100 ms, shorter the wider the route back)"
    : "one per second (net.ipv4.icmp_ratelimit=1000 ms)";
  return `${host} sent ${dst} ${nth - 1} ICMP${v6 ? "v6" : ""} errors before this one: the kernel lets ${ICMP_ERROR_BURST} go to one destination at once, then ${pace}, so it is sent only if the packets came slower than that (the simulator keeps no time)`;
}
