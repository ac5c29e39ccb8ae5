/**
 * The fixed map packetwalk draws every packet on: the hooks of the bridge
 * layer (ebtables) and of the IP layer (iptables), the two decisions between
 * them, the local process, and the arrows of the classic netfilter packet
 * flow picture. Pure data; `to-mermaid.ts` lays the packet's path over it.
 */
import type { HookId } from "../model/hook.ts";

/** Which bridge filtering implementation is drawn: `legacy` ebtables has the broute table, ebtables-nft has not. */
export const EBTABLES_FLAVOURS = ["nft", "legacy"] as const;
/** One of {@link EBTABLES_FLAVOURS}. */
export type EbtablesFlavour = (typeof EBTABLES_FLAVOURS)[number];

/** The layer a node is drawn in. */
export type Layer = "bridge" | "ip" | "host";

/**
 * Where a node sits relative to the decisions, so a step can be routed
 * through the decision it passes (e.g. nat PREROUTING -> routing -> mangle INPUT).
 */
export type Stage =
  | "br-pre"
  | "br-decided"
  | "br-out"
  | "ip-pre"
  | "ip-routed"
  | "ip-out"
  | "ip-post"
  | "other";

/** One box of the map. */
export interface MapNode {
  /** Mermaid node id (without the caller's prefix). */
  key: string;
  /** The hook, for hook boxes; absent for decisions and the local process. */
  hook?: HookId;
  /** Text drawn in the box. */
  label: string;
  layer: Layer;
  stage: Stage;
}

/** Node keys of the non-hook boxes. */
export const DECISION = {
  bridging: "br_decide",
  routing: "ip_route",
  outputRouting: "ip_route_out",
  local: "local",
} as const;

function hookNode(hook: HookId, stage: Stage): MapNode {
  const [family, table, chain] = hook.split(":") as [string, string, string];
  return {
    key: hookKey(hook),
    hook,
    label: `${table} ${chain}`,
    layer: family === "bridge" ? "bridge" : "ip",
    stage,
  };
}

/** The Mermaid node key of a hook: `bridge:nat:PREROUTING` -> `bridge_nat_PREROUTING`. */
export function hookKey(hook: string): string {
  return hook.replace(/[^A-Za-z0-9]/g, "_");
}

/** The map's boxes for one ebtables flavour, in drawing order. */
export function mapNodes(ebtables: EbtablesFlavour): MapNode[] {
  const bridge: MapNode[] = [
    ...(ebtables === "legacy" ? [hookNode("bridge:broute:BROUTING", "br-pre")] : []),
    hookNode("bridge:nat:PREROUTING", "br-pre"),
    { key: DECISION.bridging, label: "bridging decision", layer: "bridge", stage: "br-pre" },
    hookNode("bridge:filter:INPUT", "br-decided"),
    hookNode("bridge:filter:FORWARD", "br-decided"),
    hookNode("bridge:nat:OUTPUT", "br-out"),
    hookNode("bridge:filter:OUTPUT", "br-out"),
    hookNode("bridge:nat:POSTROUTING", "br-out"),
  ];
  const ip: MapNode[] = [
    hookNode("ip:raw:PREROUTING", "ip-pre"),
    hookNode("ip:mangle:PREROUTING", "ip-pre"),
    hookNode("ip:nat:PREROUTING", "ip-pre"),
    { key: DECISION.routing, label: "routing decision", layer: "ip", stage: "ip-pre" },
    hookNode("ip:mangle:INPUT", "ip-routed"),
    hookNode("ip:filter:INPUT", "ip-routed"),
    hookNode("ip:nat:INPUT", "ip-routed"),
    hookNode("ip:mangle:FORWARD", "ip-routed"),
    hookNode("ip:filter:FORWARD", "ip-routed"),
    { key: DECISION.outputRouting, label: "routing decision", layer: "ip", stage: "ip-out" },
    hookNode("ip:raw:OUTPUT", "ip-out"),
    hookNode("ip:mangle:OUTPUT", "ip-out"),
    hookNode("ip:nat:OUTPUT", "ip-out"),
    hookNode("ip:filter:OUTPUT", "ip-out"),
    hookNode("ip:mangle:POSTROUTING", "ip-post"),
    hookNode("ip:nat:POSTROUTING", "ip-post"),
  ];
  return [...bridge, ...ip, { key: DECISION.local, label: "local process", layer: "host", stage: "other" }];
}

/** The map's arrows (node keys), for one ebtables flavour, in drawing order. */
export function mapEdges(ebtables: EbtablesFlavour): Array<[string, string]> {
  const k = hookKey;
  const chain = (...keys: string[]): Array<[string, string]> =>
    keys.slice(1).map((to, i) => [keys[i] as string, to]);
  return [
    ...(ebtables === "legacy" ? chain(k("bridge:broute:BROUTING"), k("bridge:nat:PREROUTING")) : []),
    ...chain(
      k("bridge:nat:PREROUTING"),
      DECISION.bridging,
      k("bridge:filter:FORWARD"),
      k("bridge:nat:POSTROUTING"),
    ),
    ...chain(DECISION.bridging, k("bridge:filter:INPUT"), k("ip:raw:PREROUTING")),
    ...chain(k("ip:raw:PREROUTING"), k("ip:mangle:PREROUTING"), k("ip:nat:PREROUTING"), DECISION.routing),
    ...chain(DECISION.routing, k("ip:mangle:INPUT"), k("ip:filter:INPUT"), k("ip:nat:INPUT"), DECISION.local),
    ...chain(DECISION.routing, k("ip:mangle:FORWARD"), k("ip:filter:FORWARD"), k("ip:mangle:POSTROUTING")),
    ...chain(
      DECISION.local,
      DECISION.outputRouting,
      k("ip:raw:OUTPUT"),
      k("ip:mangle:OUTPUT"),
      k("ip:nat:OUTPUT"),
      k("ip:filter:OUTPUT"),
      k("ip:mangle:POSTROUTING"),
    ),
    ...chain(k("ip:mangle:POSTROUTING"), k("ip:nat:POSTROUTING"), k("bridge:nat:OUTPUT")),
    ...chain(k("bridge:nat:OUTPUT"), k("bridge:filter:OUTPUT"), k("bridge:nat:POSTROUTING")),
  ];
}

/** The decision a step into a node of `stage` passes first, when coming from another stage. */
export function decisionBefore(stage: Stage): string | undefined {
  if (stage === "br-decided") return DECISION.bridging;
  if (stage === "ip-routed") return DECISION.routing;
  if (stage === "ip-out") return DECISION.outputRouting;
  return undefined;
}
