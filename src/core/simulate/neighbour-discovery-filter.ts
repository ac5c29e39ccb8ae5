/**
 * Where an ip6 ruleset may stop neighbour discovery. The walk sends no neighbour solicitation (neighbours
 * are taken as resolved), but the kernel does, and conntrack leaves it and its advertisement untracked, so
 * `ct state established,related accept` before a drop does not let them through. Kernel 6.18 in namespaces
 * (simcheck8 D1): an ip6tables INPUT with policy DROP that accepted established traffic and echo requests
 * dropped the router's solicitations, the sender's neighbour entry stayed FAILED and every ping was lost
 * ("Address unreachable"); an ip6tables FORWARD DROP with bridge-nf-call-ip6tables=1 did the same between two
 * bridge ports. The solicitation and the advertisement are run through the hooks they cross, unseen.
 */
import { formatIpv6, parseIpv6 } from "../parse/ipv6.ts";
import type { HookSlot } from "./hook-order.ts";
import type { MatchContext } from "./match-rule.ts";
import { runChain } from "./rule-engine.ts";
import type { SimPacket } from "./sim-packet.ts";

/** One hook a neighbour discovery message crosses, with the devices it sees there. */
export interface NdLeg {
  /** `ip6` (ip6tables, nft ip6 and inet), `bridge` (ebtables, nft bridge) or `arp` (nft arp, for ARP). */
  family: "ip6" | "bridge" | "arp";
  /** `PREROUTING`, `INPUT`, `FORWARD`, `OUTPUT` or `POSTROUTING`. */
  hook: string;
  /** The input device (a bridge hook: the port). Default: none (sent by the host). */
  in?: string;
  /** The output device (a bridge hook: the port). Default: none (received by the host). */
  out?: string;
  /** The bridge port it came in on, at an ip6 hook br_netfilter calls. Default: none. */
  physIn?: string;
  /** The bridge port it goes out of, at an ip6 hook br_netfilter calls. Default: none. */
  physOut?: string;
  /** An ip6 hook br_netfilter calls for a bridged frame. Default: false. */
  bridged?: boolean;
  /** A bridge hook's bridge (its `logicalIn`/`logicalOut`). */
  bridge?: string;
  /** Sent by this host itself: `host` to `meta pkttype`, whatever group it goes to. Default: false. */
  own?: boolean;
}

/** The solicited-node multicast address of `target` (ff02::1:ffXX:XXXX, from its last 24 bits). */
export function solicitedNode(target: string): string {
  const g = parseIpv6(target) ?? [0, 0, 0, 0, 0, 0, 0, 0];
  return formatIpv6([0xff02, 0, 0, 0, 0, 1, 0xff00 | ((g[6] ?? 0) & 0xff), g[7] ?? 0]);
}

/**
 * The link-local address a device solicits from when the packet's source is not its own (a forwarded
 * packet: ndisc_solicit takes the device's link-local address): the one the lab lists, else the EUI-64
 * address of its MAC (fe80::1 without one).
 */
export function linkLocalOf(addresses: readonly { address: string }[], mac: string | undefined): string {
  const listed = addresses.find((a) => a.address.toLowerCase().startsWith("fe80:"));
  if (listed) return listed.address;
  const b = mac?.split(":").map((x) => Number.parseInt(x, 16));
  if (b?.length !== 6 || b.some((x) => Number.isNaN(x))) return "fe80::1";
  const [m0, m1, m2, m3, m4, m5] = b as [number, number, number, number, number, number];
  return formatIpv6([0xfe80, 0, 0, 0, ((m0 ^ 2) << 8) | m1, (m2 << 8) | 0xff, 0xfe00 | m3, (m4 << 8) | m5]);
}

/** An ICMPv6 neighbour solicitation (135) or advertisement (136), untracked as conntrack leaves it. */
export function ndPacket(type: 135 | 136, src: string, dst: string): SimPacket {
  return {
    v6: true,
    src,
    dst,
    proto: "icmpv6",
    icmpType: type,
    icmpCode: 0,
    ttl: 255,
    id: 0,
    len: 72,
    ipFlags: [],
    mark: 0,
    untracked: true,
  };
}

/**
 * The first drop of `p` along `legs`: each hook's base chains (`slots`, nat chains left out: an untracked
 * packet passes them unseen) run on a copy of the packet in the context `ctx` gives; undefined when every
 * chain lets it through.
 */
export function ndDropAlong(
  p: SimPacket,
  legs: readonly NdLeg[],
  slots: (leg: NdLeg) => readonly HookSlot[],
  ctx: (p: SimPacket, leg: NdLeg) => MatchContext,
): { line: number; certain: boolean; family: NdLeg["family"]; rejects?: true; policy?: string } | undefined {
  for (const leg of legs)
    for (const slot of slots(leg)) {
      if (slot.nat || !slot.table.chains.has(slot.chain)) continue;
      const copy = { ...p, ipFlags: [...p.ipFlags] };
      const run = runChain(slot.table, slot.chain, copy, ctx(copy, leg));
      if (run.verdict !== "DROP" && run.verdict !== "REJECT") {
        // A way not followed past an unmodelled match may drop it.
        const maybe = run.unmodelled.find((u) => u.alternatives?.some((a) => /: (?:DROP|REJECT)\b/.test(a)));
        if (maybe) return { line: maybe.line, certain: false, family: leg.family };
        continue;
      }
      const step = run.steps.at(-1);
      return {
        line: step?.line ?? 0,
        certain: run.unmodelled.length === 0,
        family: leg.family,
        ...(run.verdict === "REJECT" ? { rejects: true as const } : {}),
        ...(step?.kind === "policy" ? { policy: step.chain } : {}),
      };
    }
  return undefined;
}
