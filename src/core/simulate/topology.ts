/**
 * An index over a lab's topology for the simulator: hosts, interfaces, addresses, bridges and the
 * veth links between hosts. Built once per lab; lookups are map reads.
 */
import type { Lab, LabHost } from "../trace-file/schema.ts";
import { addressFamily, canonicalAddress, type IpCidr, parseIpCidr } from "./ip-address.ts";
import { parseIpv4, prefixMask } from "./ipv4.ts";

/** One interface with its host and parsed addresses. */
export interface IfaceInfo {
  host: string;
  name: string;
  mac?: string;
  kind: "bridge" | "veth" | "loopback" | "other";
  /** Bridge this interface is a port of. */
  bridge?: string;
  /** `host/iface` at the other end of a veth. */
  peer?: string;
  addresses: IfaceAddress[];
  /** The device's MTU: lab.json's, else 65536 for a loopback and 1500 for the rest (the kernel's defaults). */
  mtu: number;
}

/** One address of an interface with its prefix length (`address` canonical). */
export interface IfaceAddress {
  address: string;
  /** IPv4: the address as a 32-bit number; IPv6: 0 (see `subnet`). */
  value: number;
  len: number;
  /** An IPv6 address. Default: IPv4. */
  v6?: boolean;
  /** The connected subnet. */
  subnet: IpCidr;
}

/** Reads `172.17.0.2/16` or `fd00:a::2/64` (a bare address: /32 or /128); undefined when malformed. */
export function interfaceAddress(text: string): IfaceAddress | undefined {
  const [addrText, lenText] = text.split("/", 2) as [string, string | undefined];
  const family = addressFamily(addrText);
  if (!family) return undefined;
  const max = family === 6 ? 128 : 32;
  const len = lenText === undefined ? max : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > max) return undefined;
  const address = canonicalAddress(addrText);
  const subnet = parseIpCidr(`${address}/${len}`) as IpCidr;
  return family === 6
    ? { address, value: 0, len, v6: true, subnet }
    : { address, value: parseIpv4(address) as number, len, subnet };
}

/** The lab, indexed. */
export interface Topology {
  lab: Lab;
  hosts: Map<string, LabHost>;
  /** Interfaces by `host/name`. */
  ifaces: Map<string, IfaceInfo>;
  /** Which host owns an address (first one wins). */
  addressOwner: Map<string, IfaceInfo>;
  /** The host netfilter rules run on (role `docker-host`). */
  netfilterHost: string | undefined;
}

/** `host/iface` key. */
export function ifaceKey(host: string, name: string): string {
  return `${host}/${name}`;
}

/** Indexes a validated lab. */
export function buildTopology(lab: Lab): Topology {
  const hosts = new Map<string, LabHost>();
  const ifaces = new Map<string, IfaceInfo>();
  const addressOwner = new Map<string, IfaceInfo>();
  for (const host of lab.hosts) {
    hosts.set(host.name, host);
    for (const i of host.interfaces) {
      const addresses = i.addresses.flatMap((a) => {
        const parsed = interfaceAddress(a);
        return parsed ? [parsed] : [];
      });
      const info: IfaceInfo = {
        host: host.name,
        name: i.name,
        mac: i.mac,
        kind: i.kind,
        bridge: i.bridge,
        peer: i.peer,
        addresses,
        mtu: i.mtu ?? (i.kind === "loopback" ? 65536 : 1500),
      };
      ifaces.set(ifaceKey(host.name, i.name), info);
      for (const a of addresses)
        if (!addressOwner.has(a.address) && !a.address.startsWith("127.") && a.address !== "::1")
          addressOwner.set(a.address, info);
    }
  }
  // A bridge whose MTU was never set takes its ports' smallest (br_mtu_auto; kernel 6.18: a 1400-byte
  // port made it 1400, a lone 9000-byte one 9000).
  for (const host of lab.hosts)
    for (const i of host.interfaces) {
      if (i.kind !== "bridge" || i.mtu !== undefined) continue;
      const ports = host.interfaces.filter((p) => p.bridge === i.name);
      const info = ifaces.get(ifaceKey(host.name, i.name));
      if (info && ports.length > 0)
        info.mtu = Math.min(...ports.map((p) => ifaces.get(ifaceKey(host.name, p.name))?.mtu ?? 1500));
    }
  const netfilterHost = lab.hosts.find((h) => h.role === "docker-host")?.name;
  return { lab, hosts, ifaces, addressOwner, netfilterHost };
}

/** Interfaces of one host. */
export function hostIfaces(topo: Topology, host: string): IfaceInfo[] {
  const h = topo.hosts.get(host);
  return h ? h.interfaces.map((i) => topo.ifaces.get(ifaceKey(host, i.name)) as IfaceInfo) : [];
}

/** True when `addr` is one of `host`'s own addresses (any interface, or 127/8, or ::1). */
export function isLocalAddress(topo: Topology, host: string, addr: string): boolean {
  if (addr.startsWith("127.")) return true;
  const a = canonicalAddress(addr);
  if (a === "::1") return true;
  return hostIfaces(topo, host).some((i) => i.addresses.some((x) => x.address === a));
}

/**
 * The source `host` gives a packet it sends to its own address `dst` (a `local` route's): the local route's
 * preferred source, which the kernel sets to the subnet's primary address (the first of the interface's
 * addresses in it) when `dst` is a secondary one (fib_add_ifaddr; checked on kernel 6.18: a connection
 * to 203.0.113.11 left from 203.0.113.10). Any 127/8 address is lo's `local 127.0.0.0/8 ... src
 * 127.0.0.1` (kernel 6.18: `ip route get 127.0.0.5` said `src 127.0.0.1`), listed in the lab or not. IPv6:
 * `dst` itself (RFC 6724's first rule, the same address).
 */
export function localSource(topo: Topology, host: string, dst: string): string {
  const v = parseIpv4(dst);
  if (v === undefined) return dst;
  const ifaces = hostIfaces(topo, host);
  const primaryOf = (i: IfaceInfo, len: number) =>
    i.addresses.find((a) => !a.v6 && a.len === len && ((a.value ^ v) & prefixMask(len)) >>> 0 === 0);
  for (const i of ifaces) {
    const own = i.addresses.find((a) => !a.v6 && a.value === v);
    if (own) return primaryOf(i, own.len)?.address ?? dst;
  }
  // A loopback device's whole subnet is local (127.0.0.5 with lo's 127.0.0.1/8).
  for (const i of ifaces)
    if (i.kind === "loopback")
      for (const a of i.addresses)
        if (!a.v6 && ((a.value ^ v) & prefixMask(a.len)) >>> 0 === 0)
          return primaryOf(i, a.len)?.address ?? dst;
  return dst.startsWith("127.") ? "127.0.0.1" : dst;
}

/** True when `addr` is a broadcast address for `host` (limited, or a subnet's directed broadcast). */
export function isBroadcastAddress(topo: Topology, host: string, addr: string): boolean {
  const v = parseIpv4(addr);
  if (v === undefined) return false;
  if (v === 0xffffffff) return true;
  return hostIfaces(topo, host).some((i) =>
    i.addresses.some((a) => !a.v6 && a.len < 31 && (a.value | ~prefixMask(a.len)) >>> 0 === v),
  );
}

/** The interface at the other end of a link: the veth peer, or the interface that names this one as its peer. */
export function linkPeer(topo: Topology, iface: IfaceInfo): IfaceInfo | undefined {
  if (iface.peer) {
    const p = topo.ifaces.get(iface.peer);
    if (p) return p;
  }
  const me = ifaceKey(iface.host, iface.name);
  for (const other of topo.ifaces.values()) if (other.peer === me) return other;
  return undefined;
}

/**
 * What `addr` is to interface `dev` of `host` alone, as the kernel's local routing table holds it per
 * device: `local` for one of its own addresses (127/8 and ::1 are `lo`'s), `broadcast` for its subnet's
 * directed broadcast; undefined for anything else (an address of another interface included).
 */
export function addressOnInterface(
  topo: Topology,
  host: string,
  dev: string,
  addr: string,
): "local" | "broadcast" | undefined {
  const a = canonicalAddress(addr);
  if (a.startsWith("127.") || a === "::1") return dev === "lo" ? "local" : undefined;
  const iface = topo.ifaces.get(ifaceKey(host, dev));
  if (!iface) return undefined;
  if (iface.addresses.some((x) => x.address === a)) return "local";
  const v = parseIpv4(a);
  const directed = iface.addresses.some(
    (x) => !x.v6 && x.len < 31 && (x.value | ~prefixMask(x.len)) >>> 0 === v,
  );
  return v !== undefined && directed ? "broadcast" : undefined;
}
