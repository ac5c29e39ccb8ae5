/**
 * Plain-text spellings shared by the diagram, the text alternative and the
 * listing: a packet's endpoints, a NAT rewrite, a hook's readable name.
 */

import { splitHookId } from "../model/hook.ts";
import type { Endpoints, Packet, Rewrite, TraceEvent } from "../model/packet.ts";
import { canonicalIpv6 } from "../parse/ipv6.ts";

/** `172.17.0.2:80`, or the bare address when there is no port. */
export function formatEndpoint(written: string, port?: number): string {
  // IPv6 short (`fd00:a::2`): the kernel's 32 digits are for the log line, not for a label.
  const address = shortAddress(written);
  if (port === undefined) return address;
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** An address as a reader writes it: IPv6 in its short form, IPv4 as it is. */
export function shortAddress(address: string): string {
  return address.includes(":") ? (canonicalIpv6(address) ?? address) : address;
}

/** `SRC -> DST` of one event, with ports when the line showed them. */
export function formatAddresses(event: TraceEvent): string {
  if (!event.ip) return "";
  return `${formatEndpoint(event.ip.src, event.l4?.sport)} -> ${formatEndpoint(event.ip.dst, event.l4?.dport)}`;
}

function side(ep: Endpoints, which: "src" | "dst"): string {
  return which === "src" ? formatEndpoint(ep.src, ep.sport) : formatEndpoint(ep.dst, ep.dport);
}

/**
 * `DNAT 203.0.113.2:8080 -> 172.17.0.2:80` (the destination before and after),
 * `SNAT 172.17.0.2 -> 198.51.100.1` (the source), both joined with `; ` for `both`.
 * On a reply no NAT rule runs: conntrack undoes the request's rewrite, so a new
 * destination reads `un-SNAT` (the request's SNAT/MASQUERADE reversed) and a new
 * source `un-DNAT`.
 */
export function formatRewrite(
  rewrite: Pick<Rewrite, "kind" | "from" | "to">,
  direction: "request" | "reply" = "request",
): string {
  const reply = direction === "reply";
  const dnat = `${reply ? "un-SNAT" : "DNAT"} ${side(rewrite.from, "dst")} -> ${side(rewrite.to, "dst")}`;
  const snat = `${reply ? "un-DNAT" : "SNAT"} ${side(rewrite.from, "src")} -> ${side(rewrite.to, "src")}`;
  if (rewrite.kind === "dnat") return dnat;
  if (rewrite.kind === "snat") return snat;
  return `${dnat}; ${snat}`;
}

/** The rewrites of a packet keyed by the 0-based index of the first event that shows them. */
export function rewritesByEvent(packet: Packet): Map<number, Rewrite[]> {
  const map = new Map<number, Rewrite[]>();
  for (const rw of packet.rewrites) {
    const list = map.get(rw.atEvent) ?? [];
    list.push(rw);
    map.set(rw.atEvent, list);
  }
  return map;
}

/** The tables iptables, ip6tables, ebtables and arptables have: any other table is nftables'. */
const XT_TABLES = new Set(["raw", "mangle", "nat", "filter", "security", "broute"]);

/**
 * `ebtables nat PREROUTING` / `iptables raw PREROUTING`, `nft firewalld filter_INPUT` for an nftables
 * table no iptables tool has; falls back to the id for odd hooks.
 */
export function hookTitle(hook: string): string {
  const parts = splitHookId(hook);
  if (!parts) return hook;
  const tool = XT_TABLES.has(parts.table)
    ? { bridge: "ebtables", ip: "iptables", ip6: "ip6tables", arp: "arptables" }[parts.family]
    : "nft";
  return `${tool} ${parts.table} ${parts.chain}`;
}

/** The interface a packet came in on (the bridge port when known), for default entry names. */
export function inInterface(event: TraceEvent): string | undefined {
  return event.physIn || event.in || undefined;
}

/** The interface a packet leaves by (the bridge port when known), for default exit names. */
export function outInterface(event: TraceEvent): string | undefined {
  return event.physOut || event.out || undefined;
}
