/**
 * The bridging decision: which port of a bridge a destination MAC lives behind, from the lab's
 * topology (the forwarding database a running bridge learns is assumed learned).
 */
import { parseIpv4 } from "./ipv4.ts";
import { hostIfaces, type IfaceInfo, linkPeer, type Topology } from "./topology.ts";

/** Where a frame goes inside a bridge. */
export type FdbResult = { kind: "local" } | { kind: "port"; port: string } | { kind: "unknown" };

/** Ports (interfaces) of `bridge` on `host`. */
export function bridgePorts(topo: Topology, host: string, bridge: string): IfaceInfo[] {
  return hostIfaces(topo, host).filter((i) => i.bridge === bridge);
}

/** Looks `mac` up in `bridge`'s forwarding database. */
export function fdbLookup(topo: Topology, host: string, bridge: string, mac: string | undefined): FdbResult {
  const br = hostIfaces(topo, host).find((i) => i.name === bridge);
  if (!mac) return { kind: "unknown" };
  if (br?.mac === mac) return { kind: "local" };
  for (const port of bridgePorts(topo, host, bridge)) {
    if (port.mac === mac) return { kind: "local" };
    const peer = linkPeer(topo, port);
    if (peer?.mac === mac) return { kind: "port", port: port.name };
  }
  return { kind: "unknown" };
}

/** The MAC that answers ARP for `addr` behind `dev` of `host` (the neighbour table), if any. */
export function neighbourMac(topo: Topology, host: string, dev: string, addr: string): string | undefined {
  const me = hostIfaces(topo, host).find((i) => i.name === dev);
  if (!me) return undefined;
  const candidates: IfaceInfo[] = [];
  if (me.kind === "bridge") {
    for (const port of bridgePorts(topo, host, dev)) {
      const p = linkPeer(topo, port);
      if (p) candidates.push(p);
    }
  } else {
    const p = linkPeer(topo, me);
    if (p) {
      candidates.push(p);
      // The peer may be a bridge port: the whole bridge segment answers.
      if (p.bridge) {
        const br = hostIfaces(topo, p.host).find((i) => i.name === p.bridge);
        if (br) candidates.push(br);
        for (const port of bridgePorts(topo, p.host, p.bridge)) {
          const q = linkPeer(topo, port);
          if (q && q !== me) candidates.push(q);
        }
      }
    }
  }
  const own = candidates.find((c) => c.addresses.some((a) => a.address === addr))?.mac;
  if (own || !arpAnswersForHost(addr)) return own;
  // arp_ignore 0 (the default): a host answers ARP for an address it holds on any of its interfaces.
  return candidates.find(
    (c) => !c.bridge && hostIfaces(topo, c.host).some((i) => i.addresses.some((a) => a.address === addr)),
  )?.mac;
}

/**
 * Whether a host answers ARP for `addr` held on another of its interfaces: IPv4 only (neighbour
 * discovery answers for the receiving interface's own addresses) and never loopback or multicast
 * targets, which arp_process ignores.
 */
function arpAnswersForHost(addr: string): boolean {
  const v = parseIpv4(addr);
  if (v === undefined) return false;
  const first = v >>> 24;
  return first !== 127 && (first < 224 || first > 239);
}
