/**
 * The kernel's reverse path filter (`net.ipv4.conf.*.rp_filter`), run by the routing decision of a
 * received IPv4 packet, after PREROUTING (fib_validate_source): 1 (strict) drops a packet whose source
 * the host would not route back out of the device it came in by, 2 (loose) one whose source it has no
 * route back to at all; a source that is the host's own fails both. The device's value and `all`'s,
 * the larger, apply. With the filter off, a source that is the host's own address is still dropped.
 * Kernel 6.18: a spoofed source crossed PREROUTING (counter 1) and never reached
 * FORWARD (0), with TcpExtIPReversePathFilter counting it.
 */
import { routeLookup } from "./route.ts";
import { hostIfaces, isLocalAddress, type Topology } from "./topology.ts";

/**
 * The key of `dev`'s IPv4 `setting` as sysctl names it: `net.ipv4.conf.<dev>.<setting>`, the device
 * name's dots written as slashes (`net.ipv4.conf.eth0/100.route_localnet` for eth0.100).
 */
export function confKey(dev: string, setting: string): string {
  return `net.ipv4.conf.${dev.replaceAll(".", "/")}.${setting}`;
}

/** Which rp_filter applies on `dev` (`all`'s or the device's, the larger) and its value; undefined when off. */
export function rpFilterOn(
  sysctls: Readonly<Record<string, string>>,
  dev: string,
): { key: string; mode: 1 | 2 } | undefined {
  const all = Number(sysctls["net.ipv4.conf.all.rp_filter"] ?? "0");
  const own = Number(sysctls[confKey(dev, "rp_filter")] ?? "0");
  const mode = Math.max(all, own);
  if (mode !== 1 && mode !== 2) return undefined;
  return { key: own >= all ? confKey(dev, "rp_filter") : "net.ipv4.conf.all.rp_filter", mode };
}

/**
 * Why `host`'s reverse path filter drops an IPv4 packet from `src` that came in by `dev`, or undefined
 * when it passes (or no filter is on, or `dev` is the loopback).
 */
export function reversePathDrop(
  topo: Topology,
  sysctls: Readonly<Record<string, string>>,
  host: string,
  dev: string,
  src: string,
): string | undefined {
  if (dev === "lo" || src === "0.0.0.0") return undefined;
  const on = rpFilterOn(sysctls, dev);
  // Whatever the filter, a source that is one of the host's own addresses is a martian (kernel 6.x
  // fib_validate_source: inet_lookup_ifaddr_rcu), unless accept_local lets it in.
  if (!on) {
    // Of 127.0.0.0/8 only an address an interface holds (lo's 127.0.0.1): fib_validate_source looks the
    // source up among the addresses (inet_lookup_ifaddr_rcu), not the local routes. Kernel 6.18, route_localnet
    // 1 on wan0 (test/fixtures/replay-needs/remote-loopback/loopback-martians/host-source-6.18.txt): from 127.0.0.1 INPUT
    // counted 0 (1 with accept_local 1), from 127.0.0.2 it counted 1.
    const local = src.startsWith("127.")
      ? hostIfaces(topo, host).some((i) => i.addresses.some((a) => a.address === src))
      : isLocalAddress(topo, host, src);
    const accept = ["all", dev.replaceAll(".", "/")].some(
      (d) => sysctls[`net.ipv4.conf.${d}.accept_local`] === "1",
    );
    return local && !accept
      ? `${host} drops it at routing: its source ${src} is an address of ${host}'s own (a martian source; ${confKey(dev, "accept_local")} would let it in)`
      : undefined;
  }
  const back = routeLookup(topo, host, src);
  const setting = `reverse path filter, ${on.key}=${on.mode}`;
  if (back.kind === "local")
    return `${host} drops it at routing: its source ${src} is an address of ${host}'s own (${setting})`;
  if (back.kind === "unreachable")
    return `${host} drops it at routing: it has no route back to its source ${src} (${setting})`;
  if (on.mode === 1 && back.dev !== dev)
    return `${host} drops it at routing: it came in by ${dev}, but ${host} routes its source ${src} out of ${back.dev} (${setting}, strict)`;
  return undefined;
}
