/**
 * Infers a lab's topology (`lab.json` hosts) for `packetwalk import` from what the contributor has:
 * `ip -j addr` / `ip -j link` / `ip -j route` / `bridge -j link` of the Docker host, and the log's
 * addresses, MACs and IN/OUT/PHYSIN/PHYSOUT. The Docker host comes from the `ip` outputs; every
 * other address the log shows is a container (inside a bridge's subnet), a peer on one of the
 * host's links (no gateway between; routed through the host when it forwarded the peer's packets
 * off that link), or a remote address behind a gateway (one `wan` host).
 * What the material does not say is returned as a question naming the flag that answers it. Pure.
 */
import { isGroupMac } from "../model/mac-address.ts";
import type { Packet } from "../model/packet.ts";
import {
  addressFamily,
  addressInIpCidr,
  canonicalAddress,
  formatIpCidr,
  parseIpCidr,
} from "../simulate/ip-address.ts";
import { directedBroadcast, formatIpv4 } from "../simulate/ipv4.ts";
import type { LabHost } from "../trace-file/schema.ts";
import { deviceRouteLink } from "./device-route-link.ts";
import { switchSharedLinks } from "./shared-link-switch.ts";

/** A name given on the command line: `--container NAME=IP[,port=PORT][,mac=MAC]` or `--peer NAME=IP[,mac=MAC]`. */
export interface NamedAddress {
  name: string;
  ip: string;
  port?: string;
  mac?: string;
}

/** The `ip`/`bridge` JSON outputs, as parsed JSON (any may be missing). */
export interface HostMaterial {
  addr?: unknown;
  link?: unknown;
  route?: unknown;
  /** `ip -6 -j route` (IPv6 routes; `ip -j route` lists IPv4 ones only). */
  route6?: unknown;
  bridgeLink?: unknown;
  /** `bridge -j fdb show`: learnt MACs by port. */
  bridgeFdb?: unknown;
}

/** Options of {@link inferLab}. */
export interface InferOptions {
  /** The Docker host's name in `lab.json`. Default `host`. */
  hostName?: string;
  /** What the capture shows that host to be, its label in `lab.json` (see {@link hostKind}). Default `Docker host`. */
  hostLabel?: HostKind;
  containers: NamedAddress[];
  peers: NamedAddress[];
  /** The hosts of the lab on disk, when adding to it: a MAC one of them has is not asked for again. */
  known?: readonly LabHost[];
}

/** The inferred hosts, and what could not be inferred. */
export interface InferredLab {
  hosts: LabHost[];
  /** Address → host name, for `from`/`to`. */
  owner: Map<string, string>;
  /** Precise questions (each names the flag or file that answers it); empty when complete. */
  questions: string[];
  /** Facts worth telling the reviewer. */
  notes: string[];
  /** Names given on the command line for addresses no packet of the log has (so no host has them). */
  unusedNames: string[];
  /**
   * The bridge ports of the lab in hairpin mode (a frame may leave by the port it came in by), each
   * with what says so: the saves (`ip -j -d link`, `bridge -d -j link`) or a log line.
   */
  hairpinPorts: { port: string; from: string }[];
}

/** One of the Docker host's devices as its saves give it (exported for routeThroughHost's test). */
export interface Iface {
  name: string;
  mac?: string;
  addresses: string[];
  master?: string;
  kind: "bridge" | "veth" | "loopback" | "other";
  mtu?: number;
  /** A bridge port's hairpin mode, with the file that says it (`-d` outputs only print it). */
  hairpin?: { on: boolean; file: string };
}

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function hostIfaces(m: HostMaterial): Iface[] {
  const byName = new Map<string, Iface>();
  const get = (name: string) => {
    let i = byName.get(name);
    if (!i) {
      i = { name, addresses: [], kind: "other" };
      byName.set(name, i);
    }
    return i;
  };
  for (const l of [...arr(m.addr), ...arr(m.link)]) {
    const name = String(l.ifname ?? "").replace(/@.*$/, "");
    if (!name) continue;
    const i = get(name);
    if (l.link_type === "loopback") i.kind = "loopback";
    else if (typeof l.address === "string" && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(l.address))
      i.mac = l.address;
    if (typeof l.master === "string") i.master = l.master;
    if (typeof l.mtu === "number" && l.mtu >= 68 && l.mtu <= 65536) i.mtu = l.mtu;
    const kind = (l.linkinfo as Json | undefined)?.info_kind;
    // `ip -j -d link` prints a bridge port's flags under its linkinfo's info_slave_data.
    const slave = (l.linkinfo as Json | undefined)?.info_slave_data as Json | undefined;
    if (typeof slave?.hairpin === "boolean") i.hairpin = { on: slave.hairpin, file: "ip-link.json" };
    if (kind === "bridge" || kind === "veth") i.kind = kind;
    else if (i.kind === "other" && (l.link_netnsid !== undefined || l.link_index !== undefined))
      i.kind = "veth";
    for (const a of arr(l.addr_info)) {
      // IPv6: global and unique local addresses (link-local ones name no host of the lab).
      const v6 = a.family === "inet6" && a.scope !== "link" && a.scope !== "host";
      // A multicast group joined with `autojoin` is listed as an address, but names no host.
      const group = typeof a.local === "string" && /^(ff|2(2[4-9]|3\d)\.)/i.test(a.local);
      if ((a.family === "inet" || v6) && typeof a.local === "string" && !group) {
        const cidr = `${canonicalAddress(a.local)}/${a.prefixlen}`;
        if (!i.addresses.includes(cidr)) i.addresses.push(cidr);
      }
    }
  }
  for (const b of arr(m.bridgeLink)) {
    const name = String(b.ifname ?? "");
    const master = typeof b.master === "string" ? b.master : typeof b.link === "string" ? b.link : undefined;
    if (name && master) get(name).master = master;
    // `bridge -d -j link` prints it; plain `bridge -j link` does not.
    if (name && typeof b.hairpin === "boolean")
      get(name).hairpin = { on: b.hairpin, file: "bridge-link.json" };
  }
  for (const i of byName.values()) if (i.master) get(i.master).kind = "bridge";
  return [...byName.values()];
}

/** A route's own MTU as `ip -j route` lists it (`"metrics":[{"mtu":1400}]`), for lab.json's route. */
function routeMtu(r: Json): { mtu?: number } {
  const mtu = arr(r.metrics).find((m) => typeof m.mtu === "number")?.mtu as number | undefined;
  return mtu !== undefined && mtu >= 68 && mtu <= 65536 ? { mtu } : {};
}

/** What a capture shows its netfilter host to be: the words `lab.json` and the ruleset files use for it. */
export type HostKind = "Docker host" | "router" | "host";

/**
 * What the capture shows the host to be: a `Docker host` when it has a bridge and its rules are
 * Docker's (a `DOCKER` chain, a `docker-bridges` table); else a `router` when it forwards
 * (`net.ipv4.ip_forward` or `net.ipv6.conf.all.forwarding` is 1), else a `host`.
 */
export function hostKind(
  material: HostMaterial,
  rulesets: string,
  sysctls: Readonly<Record<string, string | undefined>>,
): HostKind {
  // A plain router has no bridge; a libvirt or LXD bridge without Docker's rules is no Docker bridge.
  if (hostIfaces(material).some((i) => i.kind === "bridge") && /docker/i.test(rulesets)) return "Docker host";
  const forwards = sysctls["net.ipv4.ip_forward"] === "1" || sysctls["net.ipv6.conf.all.forwarding"] === "1";
  return forwards ? "router" : "host";
}

/**
 * The names of the host's devices (`ip -j addr`, `ip -j -d link`, `bridge -j link`), or undefined
 * when none of them was given: a LOG line naming another device was printed by another machine or
 * network namespace (`nf_log_all_netns`), not by this host.
 */
export function hostDevices(material: HostMaterial): ReadonlySet<string> | undefined {
  const names = hostIfaces(material).map((i) => i.name);
  return names.length ? new Set(names) : undefined;
}

/** The Docker host's interface addresses with their prefix (`172.20.0.1/16`); IPv6 link-local ones left out. */
export function hostAddresses(material: HostMaterial): string[] {
  return hostIfaces(material).flatMap((i) => i.addresses);
}

/** The subnet of an interface address (`172.20.0.1/16` is `172.20.0.0/16`, `fd00:a::1/64` is `fd00:a::/64`). */
function subnetOf(cidr: string): string {
  const c = parseIpCidr(cidr);
  const len = cidr.split("/")[1] ?? "";
  // A host prefix keeps its length written.
  return c ? `${formatIpCidr(c)}${formatIpCidr(c).includes("/") ? "" : `/${len}`}` : cidr;
}

function within(cidr: string, addr: string): boolean {
  const c = parseIpCidr(cidr);
  return !!c && addressInIpCidr(addr, c);
}

/** The length of a host prefix in `addr`'s family. */
function hostLen(addr: string): number {
  return addressFamily(addr) === 6 ? 128 : 32;
}

/** The one link of a host beside the Docker host: its `eth0`, whose other end is `peer` on the Docker host. */
interface Eth0 {
  /** Omitted from lab.json when unknown. */
  mac?: string;
  addresses: string[];
  kind: "veth" | "other";
  /** The Docker host's end, `host/iface`. */
  peer: string;
}

/**
 * Gives `wan` a route to `to` (a prefix holding `dst`, a destination the log shows it reached through
 * the host) via the host's address on `link` that shares a subnet with `wan`'s own address of `dst`'s
 * family. Returns the gateway; undefined (no route added) when there is no such address, `wan`
 * routes `to` already, or `dst` is an address no host routes (see {@link unroutable}; said in `notes`).
 * Exported for its unit test.
 */
export function routeThroughHost(
  wan: LabHost,
  link: Iface,
  dst: string,
  to: string,
  notes: string[],
): string | undefined {
  const why = unroutable(dst);
  if (why) {
    notes.push(`no route to ${dst} is written for '${wan.name}': ${why}`);
    return undefined;
  }
  const family = addressFamily(dst);
  const wanAddrs = wan.interfaces[1]?.addresses ?? [];
  const via = link.addresses.find((a) =>
    wanAddrs.some((w) => {
      const own = w.split("/")[0] as string;
      return addressFamily(own) === family && within(a, own);
    }),
  );
  if (!via || wan.routes.some((r) => r.to === to)) return undefined;
  const gw = via.split("/")[0] as string;
  wan.routes.push({ to, via: gw, dev: "eth0" });
  return gw;
}

/**
 * Requests from the internet addressed to a container itself, with no rewrite seen (a routed or
 * nat-unprotected Docker network, or any network the host routes without NAT): the `wan` host must
 * route that bridge's network to the host, as the upstream router that delivered them did. Adds one
 * route per network through the host's address on the link, and a note for the reviewer.
 */
function routeToAddressedNetworks(
  wan: LabHost,
  packets: readonly Packet[],
  ifaces: readonly Iface[],
  owner: ReadonlyMap<string, string>,
  notes: string[],
): void {
  const dev = wan.interfaces[1]?.peer?.split("/")[1];
  const link = ifaces.find((i) => i.name === dev);
  for (const p of packets) {
    // A reply is addressed to the container after conntrack undid a MASQUERADE; a rewritten request was DNATed.
    if (p.direction !== "request" || p.rewrites.length > 0) continue;
    const first = p.events.find((e) => e.ip);
    if (!first?.ip || !link || first.in !== dev) continue;
    const dst = canonicalAddress(first.ip.dst);
    const cidr = ifaces
      .filter((i) => i.kind === "bridge")
      .flatMap((b) => b.addresses)
      .find((a) => within(a, dst));
    if (!cidr) continue;
    const to = subnetOf(cidr);
    const gw = routeThroughHost(wan, link, dst, to, notes);
    if (gw === undefined) continue;
    notes.push(
      `the internet side sends to ${dst}${owner.has(dst) ? ` (${owner.get(dst)})` : ""} itself, not to a published port: '${wan.name}' routes ${to} to the host's ${gw} on ${dev}, as the router that delivered it does`,
    );
  }
}

/**
 * Packets from behind the gateway that the log shows arriving for an address on another of the
 * host's links than the gateway's, with no rewrite seen (a LAN peer, the host's address there):
 * the internet side had a route to it through the host, which `wan` must have too, or the check
 * stops at "no route". The route is to that link's subnet as the host's saves give it (its
 * address's prefix, else a route of `ip -j route` by another device), through the host's address
 * on the gateway's link; each is said in a note, with the log line that shows it.
 */
function routeToOtherLinks(
  wan: LabHost,
  packets: readonly Packet[],
  ifaces: readonly Iface[],
  hostRoutes: readonly Json[],
  owner: ReadonlyMap<string, string>,
  notes: string[],
): void {
  const dev = wan.interfaces[1]?.peer?.split("/")[1];
  const link = ifaces.find((i) => i.name === dev);
  if (!link) return;
  const flows = new Map<number, Packet[]>();
  for (const p of packets) flows.set(p.flow, [...(flows.get(p.flow) ?? []), p]);
  for (const flow of flows.values()) {
    // A flow NAT touched was sent to a NAT's address (see routeToTranslated); a reply's lines may show
    // the addresses conntrack gave back (a MASQUERADE after the last LOG rule), not those it was sent to.
    // Only a request, or a flow of answers conntrack matched to no request (nothing undid a NAT).
    if (flow.some((p) => p.rewrites.length > 0)) continue;
    const p =
      flow.find((x) => x.direction === "request") ??
      (flow.every((x) => x.direction === "reply") ? flow[0] : undefined);
    const first = p?.events.find((e) => e.ip);
    if (!first?.ip || !first.in || first.in === "lo") continue;
    const src = canonicalAddress(first.ip.src);
    const dst = canonicalAddress(first.ip.dst);
    if (owner.get(src) !== wan.name || owner.get(dst) === wan.name) continue;
    // Bridges are routeToAddressedNetworks's; the gateway's own link is on-link for `wan`.
    const other = ifaces.filter(
      (i) => i.name !== dev && i.kind !== "bridge" && i.kind !== "loopback" && !i.master,
    );
    const cidr =
      other.flatMap((i) => i.addresses).find((a) => within(a, dst)) ??
      hostRoutes
        .filter((r) => r.dst !== "default" && r.dev !== dev && other.some((i) => i.name === r.dev))
        .map((r) => String(r.dst ?? ""))
        .find((d) => d.includes("/") && within(d, dst));
    if (!cidr) continue;
    const to = subnetOf(cidr);
    const gw = routeThroughHost(wan, link, dst, to, notes);
    if (gw === undefined) continue;
    const came =
      first.in === dev
        ? ""
        : `; it came in on ${first.in}, where the lab has no host, and '${wan.name}' stands for every remote address`;
    notes.push(
      `${src} ('${wan.name}') reaches ${dst}${owner.has(dst) ? ` (${owner.get(dst)})` : ""} through the host (the log's line ${first.position.line}${came}), so it had a route there, which no save of '${wan.name}' gives: '${wan.name}' routes ${to} to the host's ${gw} on ${dev}`,
    );
  }
}

/**
 * The addresses the log shows only as a NAT's side of the host (the destination a packet had before
 * a DNAT or a reply's un-SNAT, the source one had after an SNAT or a reply's un-DNAT): addresses the
 * host answers for by translating them (NETMAP, `snat prefix to`, SNAT to an address it does not
 * own), which no host of the lab holds; not one that a packet no NAT touched shows as well.
 */
function translatedAddresses(packets: readonly Packet[]): Set<string> {
  const out = new Set<string>();
  // An address a packet NAT did not touch shows too is a real one (a DNS server a hijack also rewrites).
  const plain = new Set<string>();
  for (const p of packets) {
    if (p.rewrites.length === 0)
      for (const e of p.events)
        if (e.ip) plain.add(canonicalAddress(e.ip.src)).add(canonicalAddress(e.ip.dst));
    for (const r of p.rewrites) {
      if (r.from.dst !== r.to.dst) out.add(canonicalAddress(r.from.dst));
      if (r.from.src !== r.to.src) out.add(canonicalAddress(r.to.src));
    }
  }
  for (const a of plain) out.delete(a);
  return out;
}

/**
 * Routes the `wan` host's packets to addresses the host translates (see {@link translatedAddresses})
 * through the host's address on their link, as the upstream router that delivered them must, instead
 * of giving them to `wan` itself (where the simulation would deliver a reply without reaching the host).
 */
function routeToTranslated(
  wan: LabHost,
  addrs: readonly string[],
  ifaces: readonly Iface[],
  notes: string[],
): void {
  const dev = wan.interfaces[1]?.peer?.split("/")[1];
  const link = ifaces.find((i) => i.name === dev);
  if (!link) return;
  for (const addr of addrs) {
    const to = `${addr}/${hostLen(addr)}`;
    const gw = routeThroughHost(wan, link, addr, to, notes);
    if (gw === undefined) continue;
    notes.push(
      `${addr} is an address the host translates (a NAT's side of it, owned by no host): '${wan.name}' routes it to the host's ${gw} on ${dev}, as the router that delivered it does`,
    );
  }
}

/** A container, peer or `wan` host: loopback (127.0.0.1/8) and `eth0`, with its routes. */
function labHost(
  name: string,
  role: LabHost["role"],
  label: string,
  eth0: Eth0,
  routes: LabHost["routes"],
): LabHost {
  const { mac, addresses, kind, peer } = eth0;
  return {
    name,
    role,
    label,
    interfaces: [
      { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
      { name: "eth0", ...(mac ? { mac } : {}), addresses, kind, peer },
    ],
    routes,
  };
}

/** The limited broadcast and the directed broadcast of each IPv4 prefix in `cidrs` that has one. */
function broadcastsOf(cidrs: readonly string[]): string[] {
  const directed = cidrs.map(directedBroadcast).filter((b) => b !== undefined);
  return ["255.255.255.255", ...directed.map(formatIpv4)];
}

/**
 * Why a host never routes `addr` through a gateway, or undefined: a loopback address (its own kernel
 * keeps 127.0.0.0/8 and ::1 to itself, its local table before any route: kernel 6.18, a route
 * 127.0.0.1/32 via a neighbour left `ping 127.0.0.1` on lo), the unspecified address or 0.0.0.0/8
 * (a martian destination), a multicast group or the limited broadcast (sent to the link, not a gateway).
 */
function unroutable(addr: string): string | undefined {
  const v6 = addr.includes(":");
  if (v6 ? addr === "::1" : addr.startsWith("127."))
    return `it is a loopback address, which its own kernel keeps to itself (its local table comes before any route), so such a route would have no effect; a hand-made frame to the host's loopback is simulate --via`;
  if (v6 ? addr === "::" : addr.startsWith("0."))
    return "it is the unspecified address (0.0.0.0/8, ::), which names no host and is never routed";
  if (v6 ? /^ff/i.test(addr) : Number(addr.split(".")[0]) >= 224)
    return "it is a multicast or broadcast address, which a host sends on the link, not through a gateway";
  return undefined;
}

/** An address that names no host of a lab: unspecified, loopback, multicast, IPv6 link-local. */
function notAHost(addr: string): boolean {
  if (addr.includes(":")) return addr === "::" || addr === "::1" || /^(ff|fe[89ab])/i.test(addr);
  return addr === "0.0.0.0" || addr.startsWith("127.") || Number(addr.split(".")[0]) >= 224;
}

/** A MAC as `lab.json` writes it (xtables-monitor drops leading zeros: `2:42:a:4d:0:2`). */
function normalMac(mac: string | undefined): string | undefined {
  if (!mac || !/^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/.test(mac)) return undefined;
  return mac
    .split(":")
    .map((b) => b.toLowerCase().padStart(2, "0"))
    .join(":");
}

/**
 * Whether a (normal) MAC can be one interface's own: not a group address (broadcast, multicast:
 * the low bit of the first byte) and not all zeros. A frame to ff:ff:ff:ff:ff:ff names no host.
 */
function hostMac(mac: string): boolean {
  return !isGroupMac(mac) && mac !== "00:00:00:00:00:00";
}

/** What {@link gatewayMac} looks the gateway's MAC up in. */
interface MacSources {
  /** The MACs given on the command line, by address. */
  given: ReadonlyMap<string, NamedAddress>;
  /** `device|sender address` -> the source MAC of the frames that came in on that device from it. */
  senderMac: ReadonlyMap<string, string>;
  /** What the log shows of each address (its MAC from ARP lines and frames it sent). */
  seen: ReadonlyMap<string, { mac?: string }>;
  packets: readonly Packet[];
  known?: readonly LabHost[];
}

/**
 * Gives the `wan` host the MAC its `eth0` has on the host's link: the one given for a gateway
 * (`--peer NAME=GW,mac=MAC`), else the source MAC of any frame that came in on the gateway's
 * device from the gateway or from any address behind it (a routed frame's source MAC is the
 * router's), else the gateway's from ARP lines, else the lab's on disk. When none says it and the
 * log routes packets out of that device, the check could not deliver them: a question.
 */
function gatewayMac(
  wan: LabHost,
  gateways: readonly string[],
  from: MacSources,
  questions: string[],
  notes: string[],
): void {
  const eth0 = wan.interfaces[1] as LabHost["interfaces"][number];
  const dev = eth0.peer?.split("/")[1] ?? "";
  const gw = gateways[0] ?? "";
  // Every address `wan` stands for: the gateways first, then the others sorted (the log's order varies).
  const owned = wan.interfaces.flatMap((i) => i.addresses.map((a) => a.split("/")[0] as string));
  const behind = [...gateways, ...owned.filter((a) => !gateways.includes(a) && !notAHost(a)).sort()];
  const given = gateways.map((g) => from.given.get(g)?.mac).find((m) => m !== undefined);
  const found =
    behind.map((a) => from.senderMac.get(`${dev}|${a}`)).find((m) => m !== undefined) ??
    gateways.map((g) => from.seen.get(g)?.mac).find((m) => m !== undefined);
  const known = from.known?.find((h) => h.name === wan.name)?.interfaces.find((i) => i.name === "eth0")?.mac;
  if (given && found && given !== found)
    notes.push(
      `the gateway ${gw}'s MAC is given as ${given}, but the frames that came in on ${dev} from behind it came from ${found}: '${wan.name}' takes ${given}, as given`,
    );
  const mac = given ?? found ?? known;
  if (mac) {
    // The key order lab.json writes (name, mac, addresses, ...).
    const { name, mac: _unknown, ...rest } = eth0;
    wan.interfaces[1] = { name, mac, ...rest };
    return;
  }
  // Only a packet the host routed out of the gateway's device needs the gateway's MAC in the check.
  const routed = from.packets.some((p) => p.events.some((e) => e.ip && e.out === dev));
  const what = `the gateway ${gw} ('${wan.name}', on ${dev}): no frame of the log came in on ${dev} from it or from an address behind it, so its MAC is unknown`;
  const hint = `add it as --peer ${wan.name}=${gw},mac=MAC (\`ip neigh show ${gw} dev ${dev}\` on the host prints it)`;
  if (routed)
    questions.push(
      `${what}, and the check needs it to send '${wan.name}' the packets this log routes out of ${dev} (else: "no neighbour answers for ${gw}"): ${hint}`,
    );
  else notes.push(`${what}; the lab's '${wan.name}' has none (no packet of this log needs it): ${hint}`);
}

/** Infers the hosts; see the module comment. `packets` are the log's parsed packets. */
export function inferLab(
  material: HostMaterial,
  packets: readonly Packet[],
  options: InferOptions,
): InferredLab {
  const events = packets.flatMap((p) => p.events);
  const questions: string[] = [];
  const notes: string[] = [];
  const hostName = options.hostName ?? "host";
  const ifaces = hostIfaces(material);
  if (!ifaces.some((i) => i.addresses.length)) {
    questions.push(
      "the Docker host's interfaces and addresses are unknown: give `ip -j addr` of the host (file ip-addr.json in the folder, or --ip-addr FILE)",
    );
    return { hosts: [], owner: new Map(), questions, notes, unusedNames: [], hairpinPorts: [] };
  }
  const local = new Set(ifaces.flatMap((i) => i.addresses.map((a) => a.split("/")[0] as string)));
  // A broadcast of the host's subnets (or the limited one) is the host's: the kernel takes it at INPUT.
  for (const b of broadcastsOf(ifaces.flatMap((i) => i.addresses))) local.add(b);
  const bridges = ifaces.filter((i) => i.kind === "bridge");
  const owner = new Map<string, string>();
  for (const a of local) owner.set(a, hostName);

  // Every address the log shows, with what the lines say about its MAC and bridge port.
  const seen = new Map<string, { mac?: string; port?: string; dev?: string }>();
  const note = (addr: string, info: { mac?: string; port?: string; dev?: string }) => {
    const s = seen.get(addr) ?? {};
    if (info.mac && !s.mac && hostMac(info.mac)) s.mac = info.mac;
    if (info.port && !s.port) s.port = info.port;
    if (info.dev && !s.dev) s.dev = info.dev;
    seen.set(addr, s);
  };
  // The source MAC of frames that came in on a device, per sender: behind a gateway, the gateway's.
  const senderMac = new Map<string, string>();
  // Bridge lines without IP data (TRACE's bridge family, ebtables without --log-ip), and TRACE's
  // bridge lines whose IP header xtables-monitor gave in NH= (their MACs, from its PACKET line's
  // LL= or MACSRC=, are the event's own): the port a packet left by is its destination's, the port
  // it came in by its source's.
  for (const p of packets) {
    const ips = p.events.filter((e) => e.ip);
    const first = ips[0]?.ip;
    const last = ips[ips.length - 1]?.ip;
    for (const e of p.events) {
      if (!e.hook.startsWith("bridge:")) continue;
      if (e.ip && (e.source !== "xtables-monitor" || !e.macSrc)) continue;
      const dst = e.ip?.dst ?? last?.dst;
      const src = e.ip?.src ?? first?.src;
      if (e.out && !e.in && dst) note(canonicalAddress(dst), { port: e.out, mac: normalMac(e.macDst) });
      if (e.in && !e.out && src) note(canonicalAddress(src), { port: e.in, mac: normalMac(e.macSrc) });
    }
  }
  for (const e of events) {
    if (e.arp?.ipSrc && e.arp.macSrc) note(e.arp.ipSrc, { mac: normalMac(e.arp.macSrc) });
    if (!e.ip) continue;
    // The log writes IPv6 in full (`fd00:000a:...`): one key per address.
    const src = canonicalAddress(e.ip.src);
    const dst = canonicalAddress(e.ip.dst);
    // A frame that came in: its source MAC is the sender's when the sender is on that link.
    const inDev = e.physIn || e.in;
    // An ebtables line names the ports themselves in IN= and OUT=.
    const bridgeLine = e.hook.startsWith("bridge:");
    note(src, { port: (bridgeLine ? e.in : e.physIn) || undefined, dev: e.in || undefined });
    if (bridgeLine && e.out) note(dst, { port: e.out });
    const macSrc = normalMac(e.macSrc);
    if (macSrc && inDev && !e.out?.startsWith("lo")) {
      senderMac.set(`${inDev}|${src}`, macSrc);
      note(src, { mac: macSrc });
    }
    // A frame bridged from port to port (IN and OUT the same bridge) is addressed to its receiver's MAC.
    const bridged = !bridgeLine && e.physOut !== undefined && e.in !== undefined && e.in === e.out;
    note(dst, { port: e.physOut || undefined, mac: bridged ? normalMac(e.macDst) : undefined });
  }
  // Where each source sent the packets the host routed on: a peer that sent one off its own link
  // had a route through the host (a LAN client behind a router), which import must give it.
  // Only a connection's first request counts, at the destination before any DNAT: a later packet of
  // a published port's connection may be logged only after the DNAT, at a container's address.
  const routedTo = new Map<string, string[]>();
  const opened = new Set<number>();
  for (const p of packets) {
    if (p.direction !== "request" || opened.has(p.flow)) continue;
    const first = p.events.find((e) => e.ip && !e.hook.startsWith("bridge:"));
    // A request that shows no routing (a fragment logged only in an early chain, hv46) leaves the flow to its next one.
    if (!first?.ip || !p.events.some((e) => e.in && e.out && e.ip && !e.hook.startsWith("bridge:"))) continue;
    opened.add(p.flow);
    const dnat = p.rewrites.find((r) => r.kind !== "snat");
    const src = canonicalAddress(first.ip.src);
    const dst = canonicalAddress(dnat ? dnat.from.dst : first.ip.dst);
    routedTo.set(src, [...(routedTo.get(src) ?? []), dst]);
  }
  const given = new Map<string, NamedAddress>();
  for (const c of [...options.containers, ...options.peers]) given.set(canonicalAddress(c.ip), c);

  const hosts: LabHost[] = [];
  const hostEntry: LabHost = {
    name: hostName,
    role: "docker-host",
    label: options.hostLabel ?? "Docker host",
    interfaces: [],
    routes: [],
  };
  hosts.push(hostEntry);

  // Containers: addresses inside a bridge's subnet; a dual-stack container is named once per address.
  const usedPorts = new Set<string>();
  type Container = {
    addrs: { addr: string; bridge: Iface }[];
    bridge: Iface;
    name: string;
    port?: string;
    mac?: string;
  };
  const containers: Container[] = [];
  const missingNames: string[] = [];
  for (const [addr, info] of [...seen].sort()) {
    if (local.has(addr)) continue;
    const bridge = bridges.find((b) => b.addresses.some((a) => within(a, addr)));
    if (!bridge) continue;
    const named = given.get(addr);
    if (!named) {
      missingNames.push(`--container NAME=${addr}`);
      continue;
    }
    let c = containers.find((x) => x.name === named.name);
    if (!c) {
      c = { addrs: [], bridge, name: named.name };
      containers.push(c);
    }
    c.addrs.push({ addr, bridge });
    c.port ??= named.port ?? info.port;
    c.mac ??= named.mac ?? info.mac;
    if (c.port) usedPorts.add(c.port);
  }
  // An address given for a container the log shows by another address (a dual-stack container whose
  // IPv4 no packet has) is still its own: kept on it, with its subnet's routes, and said.
  const keptUnseen = new Set<string>();
  for (const named of options.containers) {
    const addr = canonicalAddress(named.ip);
    const c = containers.find((x) => x.name === named.name);
    if (!c || seen.has(addr) || local.has(addr) || c.addrs.some((a) => a.addr === addr)) continue;
    const cidr = c.bridge.addresses.find((a) => within(a, addr));
    if (!cidr) continue;
    c.addrs.push({ addr, bridge: c.bridge });
    c.addrs.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    c.port ??= named.port;
    c.mac ??= named.mac;
    if (c.port) usedPorts.add(c.port);
    keptUnseen.add(addr);
    notes.push(
      `--container ${named.name}=${named.ip} is given, but no packet of the log has ${addr}: it is kept as an address of '${named.name}' on ${c.bridge.name}, with a route to ${subnetOf(cidr)} and a default route through ${cidr.split("/")[0]}`,
    );
  }
  const firstAddr = (c: Container) => (c.addrs[0] as { addr: string }).addr;
  // A port= that is no port of the container's bridge would be written as a link to nowhere.
  for (const c of containers) {
    const ports = ifaces.filter((i) => i.master === c.bridge.name).map((i) => i.name);
    const named = options.containers.find((x) => x.name === c.name && x.port === c.port);
    if (!named || !c.port || ports.length === 0 || ports.includes(c.port)) continue;
    questions.push(
      `--container ${c.name}=${named.ip},port=${c.port}: ${c.bridge.name} has no port '${c.port}' (its ports: ${ports.join(", ")}; bridge -j link lists them): give one of those, or leave port= out`,
    );
    c.port = undefined;
  }
  // The bridge's forwarding database: the port a container's MAC was learnt on (TRACE lines name no port).
  for (const c of containers) {
    if (c.port || !c.mac) continue;
    const learnt = arr(material.bridgeFdb).find(
      (f) =>
        f.mac === c.mac &&
        f.master === c.bridge.name &&
        f.state !== "permanent" &&
        typeof f.ifname === "string",
    );
    if (learnt && !usedPorts.has(String(learnt.ifname))) {
      c.port = String(learnt.ifname);
      usedPorts.add(c.port);
    }
  }
  // The other way round: the one MAC the bridge learnt on a container's port (its request was dropped, no reply shows it).
  for (const c of containers) {
    if (c.mac || !c.port) continue;
    const learnt = arr(material.bridgeFdb).filter(
      (f) =>
        f.ifname === c.port &&
        f.master === c.bridge.name &&
        f.state !== "permanent" &&
        typeof f.mac === "string",
    );
    if (learnt.length === 1) c.mac = String((learnt[0] as { mac: string }).mac);
  }
  for (const c of containers) {
    if (!c.port) {
      // One unassigned port of the bridge left for one unassigned container: that one.
      const free = ifaces.filter((i) => i.master === c.bridge.name && !usedPorts.has(i.name));
      const unplaced = containers.filter((x) => x.bridge === c.bridge && !x.port);
      if (free.length === 1 && unplaced.length === 1) {
        c.port = (free[0] as Iface).name;
        usedPorts.add(c.port);
      } else
        questions.push(
          `${firstAddr(c)} (${c.name}) is on ${c.bridge.name}, but no line or file says which port: give bridge-fdb.json (bridge -j fdb show), or add it as --container ${c.name}=${firstAddr(c)},port=PORT (bridge -j link lists the ports)`,
        );
    }
    if (!c.mac)
      questions.push(
        `${firstAddr(c)} (${c.name}): no line shows its MAC: add it as --container ${c.name}=${firstAddr(c)}${c.port ? `,port=${c.port}` : ""},mac=MAC (ip -j link in the container)`,
      );
  }

  // Peers: on-link (a host interface's subnet) or remote (through a route's gateway).
  const routes4 = arr(material.route).filter((r) => !String(r.dst ?? "").includes(":"));
  // `ip -6 route`'s link-local and multicast routes name no lab host's network.
  const routes6 = arr(material.route6).filter((r) => {
    const dst = String(r.dst ?? "");
    return (
      (dst === "default" || dst.includes(":")) &&
      !/^(fe[89ab]|ff)/i.test(dst) &&
      (r.type ?? "unicast") === "unicast"
    );
  });
  // The host links a peer can sit on: no bridge (containers are there), no bridge port, no loopback.
  const peerLinks = ifaces.filter((i) => i.kind !== "bridge" && i.kind !== "loopback" && !i.master);
  /**
   * The host link `addr` is a neighbour on: the one whose own subnet holds it, else the one a route
   * without a gateway puts it on (deviceRouteLink), unless the log shows it coming in by another device.
   */
  const onLinkOf = (addr: string, inDev: string | undefined, routes: readonly Json[]) => {
    const own = peerLinks.find((i) => i.addresses.some((a) => within(a, addr)));
    if (own) {
      const cidr = own.addresses.find((a) => within(a, addr)) as string;
      const [hostAddr, len] = cidr.split("/") as [string, string];
      return { name: own.name, prefix: subnetOf(cidr), len, hostAddr, route: false };
    }
    const byRoute = deviceRouteLink(addr, routes, new Set(peerLinks.map((i) => i.name)));
    if (!byRoute || (inDev && inDev !== byRoute.dev)) return undefined;
    const dev = peerLinks.find((i) => i.name === byRoute.dev) as Iface;
    const family = addressFamily(addr);
    const mine = dev.addresses
      .map((a) => a.split("/")[0] as string)
      .filter((a) => addressFamily(a) === family);
    const hostAddr = mine.find((a) => within(byRoute.prefix, a)) ?? mine[0];
    return {
      name: dev.name,
      prefix: byRoute.prefix,
      len: byRoute.prefix.split("/")[1] as string,
      hostAddr,
      route: true,
    };
  };
  const peers = new Map<string, LabHost>();
  let wan: LabHost | undefined;
  const translated = translatedAddresses(packets);
  // Addresses behind the gateway that the host translates: routed to the host, held by no one.
  const routedToHost: string[] = [];
  // The default gateways the `wan` host stands for (one per family).
  const gateways: string[] = [];
  for (const [addr, info] of [...seen].sort()) {
    if (local.has(addr) || containers.some((c) => c.addrs.some((a) => a.addr === addr))) continue;
    if (bridges.some((b) => b.addresses.some((a) => within(a, addr)))) continue;
    if (notAHost(addr)) continue;
    const v6 = addressFamily(addr) === 6;
    const via = (v6 ? routes6 : routes4).find((r) => r.dst === "default" && typeof r.gateway === "string");
    // The default gateway is on a host link, but it is the `wan` host itself, not a peer to name.
    const isGateway = via !== undefined && canonicalAddress(String(via.gateway)) === addr;
    const link = isGateway ? undefined : onLinkOf(addr, info.dev, v6 ? routes6 : routes4);
    if (link) {
      const named = given.get(addr);
      if (!named) {
        missingNames.push(`--peer NAME=${addr}`);
        continue;
      }
      const mac = named.mac ?? info.mac;
      if (!mac)
        questions.push(
          `${addr} (${named.name}): no line shows its MAC: add it as --peer ${named.name}=${addr},mac=MAC`,
        );
      const known = [...peers.values()].find((p) => p.name === named.name);
      const offLink = (routedTo.get(addr) ?? []).some((d) => !notAHost(d) && !within(link.prefix, d));
      // The host's address on the link is the peer's gateway, as a container's bridge address is; one
      // outside the link's prefix (a device route's link) is reached by a host route of its own.
      const toHost =
        link.hostAddr && !within(link.prefix, link.hostAddr)
          ? [{ to: `${link.hostAddr}/${hostLen(link.hostAddr)}`, dev: "eth0" }]
          : [];
      const viaHost =
        offLink && link.hostAddr ? [...toHost, { to: "default", via: link.hostAddr, dev: "eth0" }] : [];
      if (known) {
        // The same peer's address of the other family.
        const eth0 = known.interfaces[1] as { addresses: string[] };
        eth0.addresses.push(`${addr}/${link.len}`);
        known.routes.push(...viaHost, { to: link.prefix, dev: "eth0" });
      } else
        peers.set(
          addr,
          labHost(
            named.name,
            // On the link the default route leaves by, a peer is the outside; on another, a LAN client.
            via === undefined || String(via.dev) === link.name ? "wan" : "lan",
            `peer ${named.name}`,
            {
              mac,
              addresses: [`${addr}/${link.len}`],
              kind: "other",
              peer: `${hostName}/${link.name}`,
            },
            [...viaHost, { to: link.prefix, dev: "eth0" }],
          ),
        );
      owner.set(addr, named.name);
      if (link.route)
        notes.push(
          `${addr} (${named.name}) is on the host's ${link.name}: the host's route ${link.prefix} dev ${link.name} has no gateway, so its addresses are neighbours there (no address of ${link.name} covers ${addr})`,
        );
      continue;
    }
    if (!via) {
      questions.push(
        v6
          ? `${addr} is on none of the host's links and the host's IPv6 routes are unknown: give \`ip -6 -j route\` of the host (ip6-route.json, or --ip6-route FILE)`
          : `${addr} is on none of the host's links and the host's routes are unknown: give \`ip -j route\` of the host (ip-route.json, or --ip-route FILE)`,
      );
      continue;
    }
    const gw = canonicalAddress(String(via.gateway));
    const dev = String(via.dev);
    const link2 = ifaces.find((i) => i.name === dev);
    const cidr = link2?.addresses.find((a) => within(a, gw));
    if (!wan) {
      // Its MAC is found once every address behind it is known (see gatewayMac).
      wan = labHost(
        given.get(gw)?.name ?? "wan",
        "wan",
        "internet (behind the host's gateway)",
        {
          addresses: [`${gw}/${cidr?.split("/")[1] ?? (v6 ? "64" : "24")}`],
          kind: "other",
          peer: `${hostName}/${dev}`,
        },
        cidr ? [{ to: subnetOf(cidr), dev: "eth0" }] : [],
      );
      owner.set(gw, wan.name);
      gateways.push(gw);
      notes.push(
        `remote addresses are put behind the host's gateway ${gw} on ${dev}, in one host '${wan.name}'`,
      );
    } else if (!owner.has(gw)) {
      // The other family's gateway: the same host when it is on the same link.
      const eth0 = wan.interfaces[1] as { addresses: string[]; peer?: string };
      if (eth0.peer !== `${hostName}/${dev}`) {
        questions.push(
          `the host's IPv4 and IPv6 default routes leave by different devices (${eth0.peer?.split("/")[1]} and ${dev}): a lab has one '${wan.name}' host behind one link; import the two families' flows separately`,
        );
        continue;
      }
      eth0.addresses.push(`${gw}/${cidr?.split("/")[1] ?? (v6 ? "64" : "24")}`);
      if (cidr) wan.routes.push({ to: subnetOf(cidr), dev: "eth0" });
      owner.set(gw, wan.name);
      gateways.push(gw);
      notes.push(
        `remote ${v6 ? "IPv6" : "IPv4"} addresses are put behind the host's gateway ${gw}, in '${wan.name}' too`,
      );
    }
    if (!isGateway && translated.has(addr)) {
      routedToHost.push(addr);
      continue;
    }
    if (!isGateway) (wan.interfaces[0] as { addresses: string[] }).addresses.push(`${addr}/${hostLen(addr)}`);
    owner.set(addr, wan.name);
    const named = given.get(addr);
    // A name given for an address behind the gateway names no host: say so rather than drop it unsaid.
    if (named && !isGateway)
      notes.push(
        `${named.name}=${addr} is given, but ${addr} is on none of the host's links: it is an address of '${wan.name}', behind the host's gateway ${gw}, so its name${named.mac ? " and MAC are" : " is"} not used (name the gateway instead: --peer NAME=${gw}[,mac=MAC])`,
      );
  }
  if (wan)
    gatewayMac(wan, gateways, { given, senderMac, seen, packets, known: options.known }, questions, notes);
  // The same for a peer the log shows by another address, on the same link of the host's.
  for (const named of options.peers) {
    const addr = canonicalAddress(named.ip);
    if (seen.has(addr) || local.has(addr) || owner.has(addr)) continue;
    const known = [...peers.values()].find((p) => p.name === named.name);
    const eth0 = known?.interfaces[1] as { addresses: string[]; peer?: string } | undefined;
    const link = ifaces.find((i) => eth0?.peer === `${hostName}/${i.name}`);
    const cidr = link?.addresses.find((a) => within(a, addr));
    if (!known || !eth0 || !link || !cidr) continue;
    eth0.addresses.push(`${addr}/${cidr.split("/")[1]}`);
    known.routes.push({ to: subnetOf(cidr), dev: "eth0" });
    owner.set(addr, named.name);
    keptUnseen.add(addr);
    notes.push(
      `--peer ${named.name}=${named.ip} is given, but no packet of the log has ${addr}: it is kept as an address of '${named.name}' on the host's ${link.name}, with a route to ${subnetOf(cidr)}`,
    );
  }
  // A name given for an address no packet shows would be left out without a word (a typo, another capture's host).
  const unusedNames: string[] = [];
  for (const [flag, list] of [
    ["--container", options.containers],
    ["--peer", options.peers],
  ] as const)
    for (const c of list) {
      const addr = canonicalAddress(c.ip);
      // A log without packets is its own question: every name would be noted.
      if (
        packets.length === 0 ||
        seen.has(addr) ||
        gateways.includes(addr) ||
        local.has(addr) ||
        keptUnseen.has(addr)
      )
        continue;
      unusedNames.push(
        `${flag} ${c.name}=${c.ip} is given, but no packet of the log has ${addr}: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)`,
      );
    }
  if (missingNames.length)
    questions.push(
      `name every container and peer the log shows (a name cannot be inferred): add ${[...new Set(missingNames)].join(" ")}`,
    );

  // The Docker host's interfaces: loopback first, then bridges, ports, the rest.
  for (const i of ifaces) {
    const c = containers.find((x) => x.port === i.name);
    const peer = [...peers.values()].find((p) => p.interfaces[1]?.peer === `${hostName}/${i.name}`);
    const wanPeer = wan?.interfaces[1]?.peer === `${hostName}/${i.name}` ? wan : undefined;
    if (i.master && !c) continue; // a port with nothing behind it in this log
    hostEntry.interfaces.push({
      name: i.name,
      ...(i.mac && i.kind !== "loopback" && !i.master ? { mac: i.mac } : {}),
      addresses: i.addresses,
      ...(i.master ? { bridge: i.master } : {}),
      kind: i.kind === "other" && (c || peer || wanPeer) ? "veth" : i.kind,
      // The MTU sets the MSS the simulator's SYNs carry and clamp to; the kernel's default left out.
      ...(i.mtu !== undefined && i.mtu !== (i.kind === "loopback" ? 65536 : 1500) ? { mtu: i.mtu } : {}),
      ...(c
        ? { peer: `${c.name}/eth0` }
        : peer
          ? { peer: `${peer.name}/eth0` }
          : wanPeer
            ? { peer: `${wanPeer.name}/eth0` }
            : {}),
    });
  }
  for (const r of [...routes4, ...routes6]) {
    const dst = String(r.dst ?? "");
    if (!dst || typeof r.dev !== "string") continue;
    hostEntry.routes.push({
      to: dst === "default" ? "default" : dst.includes("/") ? dst : `${dst}/${hostLen(dst)}`,
      ...(typeof r.gateway === "string" ? { via: canonicalAddress(r.gateway) } : {}),
      dev: r.dev,
      ...routeMtu(r),
    });
  }
  for (const c of containers) {
    const addresses: string[] = [];
    const routes: LabHost["routes"] = [];
    for (const { addr, bridge } of c.addrs) {
      const gw = bridge.addresses.find((a) => within(a, addr)) as string;
      addresses.push(`${addr}/${gw.split("/")[1]}`);
      routes.push(
        { to: "default", via: gw.split("/")[0] as string, dev: "eth0" },
        { to: subnetOf(gw), dev: "eth0" },
      );
      owner.set(addr, c.name);
    }
    hosts.push(
      labHost(
        c.name,
        "container",
        `container ${c.name}`,
        { mac: c.mac, addresses, kind: "veth", peer: `${hostName}/${c.port ?? "?"}` },
        routes,
      ),
    );
  }
  if (wan) routeToAddressedNetworks(wan, packets, ifaces, owner, notes);
  if (wan) routeToOtherLinks(wan, packets, ifaces, [...routes4, ...routes6], owner, notes);
  if (wan) routeToTranslated(wan, routedToHost, ifaces, notes);
  hosts.push(...peers.values());
  if (wan) hosts.push(wan);
  // The far end of a host link has the host end's MTU, as both ends of a veth (or a cable) do.
  for (const h of hosts)
    for (const i of h.interfaces) {
      const mtu = ifaces.find((x) => i.peer === `${hostName}/${x.name}`)?.mtu;
      if (mtu !== undefined && mtu !== 1500 && i.mtu === undefined) i.mtu = mtu;
    }
  // Two hosts on one link of the host's (a peer beside the gateway): a switch between them, not a one-way peer.
  switchSharedLinks(hosts, hostName, notes);
  return {
    hosts,
    owner,
    questions,
    notes,
    unusedNames,
    hairpinPorts: hairpinPorts(ifaces, hostEntry, events),
  };
}

/**
 * The lab's bridge ports (those with a host behind them) in hairpin mode: as the saves say, else
 * as the log shows it: a frame bridged out of the port it came in by (PHYSIN = PHYSOUT), which the
 * bridge does only in hairpin mode.
 */
function hairpinPorts(
  ifaces: readonly Iface[],
  hostEntry: LabHost,
  events: readonly Packet["events"][number][],
): InferredLab["hairpinPorts"] {
  const out: InferredLab["hairpinPorts"] = [];
  for (const i of hostEntry.interfaces) {
    if (!i.bridge) continue;
    const saved = ifaces.find((x) => x.name === i.name)?.hairpin;
    const line = events.find((e) => e.physIn === i.name && e.physOut === i.name);
    const logged = line && `the log's line ${line.position.line} (PHYSIN=${i.name} PHYSOUT=${i.name})`;
    // The kernel bridged that frame back: the log decides over a save that says off (taken at another moment).
    if (saved?.on) out.push({ port: i.name, from: saved.file });
    else if (logged)
      out.push({ port: i.name, from: saved ? `${logged}, though ${saved.file} says off` : logged });
  }
  return out;
}
