/**
 * The one map packetwalk draws every packet of a lab on, like the classic
 * netfilter packet-flow picture turned upright: packets come in at the top
 * and leave at the bottom; one box per hook of the bridge layer (ebtables)
 * and of the IP layer (iptables), listing the tables and conntrack in the
 * order the kernel runs them on that hook; the bridging and routing
 * decisions; the local process; the lab's own endpoints. For an nftables lab
 * the hook boxes list the base chains its rulesets attach there instead
 * (`hook-chains.ts`). The map never depends on a trace: a trace only colours
 * and numbers it. Pure data.
 */

import { mapHookOf } from "../parse/base-chain-hook.ts";
import { type ChainAtHook, chainLabel, conntrackAt, formatPriority, type HookChains } from "./hook-chains.ts";
import { type MapLang, mapWords } from "./map-words.ts";

/** Which bridge filtering implementation is drawn: `legacy` ebtables has the broute table, ebtables-nft has not. */
export const EBTABLES_FLAVOURS = ["nft", "legacy"] as const;
/** One of {@link EBTABLES_FLAVOURS}. */
export type EbtablesFlavour = (typeof EBTABLES_FLAVOURS)[number];

/** The band a box belongs to. */
export type Layer = "bridge" | "ip" | "host";

/** What a box is. */
export type NodeKind = "hook" | "decision" | "local" | "endpoint" | "port";

/** One slot of a hook box: a table or base chain (hook id), or conntrack. */
export interface MapSlot {
  /** `conntrack`, `confirm`, the table name, or a base chain's `family table chain (priority)`. */
  label: string;
  /** The hook id of a table or chain slot (`ip:mangle:PREROUTING`, `ip:docker-bridges:filter-FORWARD`); absent for conntrack. */
  hook?: string;
  /** A base chain only some of the lab's rulesets have: their names. */
  only?: string[];
  /** A base chain's table as nft writes it (`ip docker-bridges`): drawn once over a box whose chains share it. */
  table?: string;
  /** A base chain's label without its table (`filter-FORWARD (filter 0)`), under that table's heading. */
  name?: string;
}

/** One box of the map. */
export interface MapNode {
  /** Mermaid node id (without the caller's prefix). */
  key: string;
  kind: NodeKind;
  /** Title drawn in the box (`IP PREROUTING`, `routing decision`, an endpoint's name). */
  label: string;
  layer: Layer;
  /** The tables and conntrack run on this hook, in the kernel's order (hook boxes only). */
  slots: MapSlot[];
  /** True for a hook box of an nftables lab: its slots are the base chains that exist there (maybe none). */
  chains?: boolean;
}

/** Keys of the decision boxes and the local process: boxes that are neither hooks, endpoints nor the port junction. */
export const DECISION = {
  bridging: "br_decide",
  routing: "ip_route",
  outputRouting: "ip_route_out",
  local: "local",
} as const;

/**
 * Key of the junction box (kind `port`, no decision: the bridge chose the port before) where bridge and IP
 * POSTROUTING meet and a frame goes out by one of the bridge ports, one arrow per port from here.
 */
export const PORT_JUNCTION = "br_port_out";

/** One place a packet comes from or goes to: a lab host behind a bridge port or a routed interface. */
export interface MapEndpoint {
  /** Short id (letters, digits, `_`): the boxes are `in_<id>` and `out_<id>`. */
  id: string;
  /** Name drawn in the box, e.g. `c1 172.17.0.2`. */
  label: string;
  /** `bridge` for a bridge port (frames pass ebtables), `ip` for a routed interface. */
  layer: "bridge" | "ip";
  /** Interfaces of the traced host that lead there (e.g. `veth-c1`). */
  interfaces: string[];
  /** Addresses that belong there. */
  addresses: string[];
}

/** The endpoints drawn when no lab names them: any bridge port, any routed interface. */
export function genericEndpoints(lang: MapLang = "en"): readonly MapEndpoint[] {
  const w = mapWords(lang);
  return [
    { id: "port", label: w.anyBridgePort, layer: "bridge", interfaces: [], addresses: [] },
    { id: "routed", label: w.anyRoutedInterface, layer: "ip", interfaces: [], addresses: [] },
  ];
}

/** {@link genericEndpoints} in English. */
export const GENERIC_ENDPOINTS: readonly MapEndpoint[] = genericEndpoints("en");

/** The Mermaid-safe key of a hook id: `bridge:nat:PREROUTING` -> `bridge_nat_PREROUTING`. */
export function hookKey(hook: string): string {
  return hook.replace(/[^A-Za-z0-9]/g, "_");
}

/**
 * Key of the box a hook's tables are drawn in: `ip:mangle:PREROUTING` -> `ip_PREROUTING`; an nftables
 * chain named for its hook (`ip:firewalld:filter_INPUT`) is drawn there too when no ruleset places it.
 */
export function boxKey(hook: string): string {
  const [family, , chain] = hook.split(":");
  const layer = family === "bridge" ? "br" : family === "ip6" ? "ip" : (family ?? "x");
  const named = chain === undefined ? undefined : mapHookOf(chain);
  return hookKey(`${layer}_${named ?? chain ?? hook}`);
}

/** Key of the box where a packet from `endpoint` enters the map. */
export function entryKey(endpoint: MapEndpoint): string {
  return `in_${endpoint.id}`;
}

/** Key of the box where a packet to `endpoint` leaves the map. */
export function exitKey(endpoint: MapEndpoint): string {
  return `out_${endpoint.id}`;
}

const CONNTRACK: MapSlot = { label: "conntrack" };
const CONFIRM: MapSlot = { label: "confirm" };

function tableBox(layer: "bridge" | "ip", chain: string, slots: Array<string | MapSlot>): MapNode {
  const family = layer === "bridge" ? "bridge" : "ip";
  return {
    key: boxKey(`${family}:x:${chain}`),
    kind: "hook",
    label: `${layer === "bridge" ? "bridge" : "IP"} ${chain}`,
    layer,
    slots: slots.map((s) => (typeof s === "string" ? { label: s, hook: `${family}:${s}:${chain}` } : s)),
  };
}

function chainSlot(c: ChainAtHook): MapSlot {
  const mark = c.only ? " †" : "";
  const slot: MapSlot = {
    label: `${chainLabel(c)}${mark}`,
    hook: c.hook,
    table: `${c.family} ${c.table}`,
    name: `${c.chain} (${formatPriority(c)})${mark}`,
  };
  if (c.only) slot.only = c.only;
  return slot;
}

/** A hook box of an nftables lab: the base chains that exist there, conntrack where it runs among them. */
function chainBox(layer: "bridge" | "ip", chain: string, chains: HookChains): MapNode {
  const node = tableBox(layer, chain, []);
  const slots = (chains.boxes.get(node.key) ?? []).map(chainSlot);
  const ct = layer === "ip" ? conntrackAt(chain) : undefined;
  if (ct) {
    const before = (chains.boxes.get(node.key) ?? []).findIndex((c) => c.runsAt >= ct.priority);
    slots.splice(before < 0 ? slots.length : before, 0, { label: ct.label });
  }
  return { ...node, slots, chains: true };
}

/**
 * The map's boxes for one ebtables flavour and set of endpoints, in drawing order.
 * @param chains an nftables lab's base chains per hook ({@link HookChains}); default: the iptables and ebtables tables
 */
export function mapNodes(
  ebtables: EbtablesFlavour,
  endpoints: readonly MapEndpoint[] = GENERIC_ENDPOINTS,
  lang: MapLang = "en",
  chains?: HookChains,
): MapNode[] {
  const w = mapWords(lang);
  const hookBox = (layer: "bridge" | "ip", chain: string, slots: Array<string | MapSlot>): MapNode =>
    chains ? chainBox(layer, chain, chains) : tableBox(layer, chain, slots);
  const ends = (side: "in" | "out"): MapNode[] =>
    endpoints.map((e) => ({
      key: side === "in" ? entryKey(e) : exitKey(e),
      kind: "endpoint",
      label: side === "in" ? w.from(e.label) : w.to(e.label),
      layer: e.layer,
      slots: [],
    }));
  const decision = (key: string, label: string, layer: Layer): MapNode => ({
    key,
    kind: "decision",
    label,
    layer,
    slots: [],
  });
  return [
    ...ends("in"),
    ...(ebtables === "legacy" ? [hookBox("bridge", "BROUTING", ["broute"])] : []),
    hookBox("bridge", "PREROUTING", ["nat"]),
    hookBox("ip", "PREROUTING", ["raw", CONNTRACK, "mangle", "nat"]),
    decision(DECISION.bridging, w.bridgingDecision, "bridge"),
    hookBox("bridge", "INPUT", ["filter"]),
    hookBox("bridge", "FORWARD", ["filter"]),
    decision(DECISION.routing, w.routingDecision, "ip"),
    hookBox("ip", "INPUT", ["mangle", "filter", "nat", CONFIRM]),
    hookBox("ip", "FORWARD", ["mangle", "filter"]),
    { key: DECISION.local, kind: "local", label: w.localProcess, layer: "host", slots: [] },
    decision(DECISION.outputRouting, w.routingDecision, "ip"),
    hookBox("ip", "OUTPUT", ["raw", CONNTRACK, "mangle", "nat", "filter"]),
    hookBox("ip", "POSTROUTING", ["mangle", "nat", CONFIRM]),
    // ebtables-nft runs filter OUTPUT (priority -200) before nat OUTPUT (100); legacy ebtables the other way.
    hookBox("bridge", "OUTPUT", ebtables === "legacy" ? ["nat", "filter"] : ["filter", "nat"]),
    hookBox("bridge", "POSTROUTING", ["nat"]),
    ...(portJunction(endpoints)
      ? [
          {
            key: PORT_JUNCTION,
            kind: "port",
            label: w.bridgePortOut,
            layer: "bridge",
            slots: [],
          } as MapNode,
        ]
      : []),
    ...ends("out"),
  ];
}

/** True when the map draws {@link PORT_JUNCTION}: for two bridge ports or more (one needs no junction). */
export function portJunction(endpoints: readonly MapEndpoint[]): boolean {
  return endpoints.filter((e) => e.layer === "bridge").length >= 2;
}

/**
 * The map's arrows (box keys) in drawing order: every move the kernel makes
 * between two boxes, with br_netfilter (`bridge-nf-call-iptables=1`) and without.
 */
export function mapEdges(
  ebtables: EbtablesFlavour,
  endpoints: readonly MapEndpoint[] = GENERIC_ENDPOINTS,
): Array<[string, string]> {
  const b = (chain: string) => boxKey(`bridge:x:${chain}`);
  const ip = (chain: string) => boxKey(`ip:x:${chain}`);
  const bridgeIn = ebtables === "legacy" ? b("BROUTING") : b("PREROUTING");
  const ports = endpoints.filter((e) => e.layer === "bridge");
  const routed = endpoints.filter((e) => e.layer === "ip");
  const edges: Array<[string, string]> = [
    ...ports.map((e): [string, string] => [entryKey(e), bridgeIn]),
    ...routed.map((e): [string, string] => [entryKey(e), ip("PREROUTING")]),
    ...(ebtables === "legacy" ? [[b("BROUTING"), b("PREROUTING")] as [string, string]] : []),
    // br_netfilter runs IP PREROUTING from the bridge's PREROUTING, before the bridge decides.
    [b("PREROUTING"), ip("PREROUTING")],
    [b("PREROUTING"), DECISION.bridging],
    [ip("PREROUTING"), DECISION.routing],
    [ip("PREROUTING"), DECISION.bridging],
    [DECISION.bridging, b("INPUT")],
    [DECISION.bridging, b("FORWARD")],
    // Up to IP: the routing decision (br_netfilter already ran PREROUTING), or all of IP PREROUTING (without it).
    [b("INPUT"), DECISION.routing],
    [b("INPUT"), ip("PREROUTING")],
    [b("FORWARD"), ip("FORWARD")],
    [b("FORWARD"), b("POSTROUTING")],
    [DECISION.routing, ip("INPUT")],
    [DECISION.routing, ip("FORWARD")],
    [ip("INPUT"), DECISION.local],
    [DECISION.local, DECISION.outputRouting],
    [DECISION.outputRouting, ip("OUTPUT")],
    [ip("OUTPUT"), ip("POSTROUTING")],
    [ip("FORWARD"), ip("POSTROUTING")],
    [ip("FORWARD"), b("POSTROUTING")],
    // Routed out of the bridge device: the bridge's OUTPUT, then its POSTROUTING.
    [ip("POSTROUTING"), b("OUTPUT")],
    [b("OUTPUT"), b("POSTROUTING")],
    // A bridged frame's IP POSTROUTING runs after the bridge's (br_netfilter).
    [b("POSTROUTING"), ip("POSTROUTING")],
    ...routed.map((e): [string, string] => [ip("POSTROUTING"), exitKey(e)]),
    // A frame leaves by a port after the bridge's POSTROUTING, or after IP POSTROUTING (br_netfilter runs it
    // last in the bridge's): with several ports both meet first, so N ports cost N arrows, not 2N crossing ones.
    ...(portJunction(endpoints)
      ? [
          [b("POSTROUTING"), PORT_JUNCTION] as [string, string],
          [ip("POSTROUTING"), PORT_JUNCTION] as [string, string],
          ...ports.map((e): [string, string] => [PORT_JUNCTION, exitKey(e)]),
        ]
      : ports.flatMap(
          (e): Array<[string, string]> => [
            [b("POSTROUTING"), exitKey(e)],
            [ip("POSTROUTING"), exitKey(e)],
          ],
        )),
  ];
  return edges;
}
