/**
 * What nft's `flow add @NAME` does at one packet, as the kernel's nft_flow_offload_eval (6.18 source;
 * this repository's test kernel has no flowtable support, so it is unverified on a running kernel): it
 * offloads the packet's connection to the flowtable, or says why this packet does not. It never decides
 * the packet's verdict. The words are in `flow-offload-words.ts`, out of the playground worker's rule code.
 */
import type { MatchContext } from "./match-rule.ts";
import type { Target } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";

/**
 * Why a packet did not offload its connection (`offloads`: it did): no such flowtable, untracked, not TCP
 * or UDP, a TCP FIN or RST, already offloaded, the handshake not complete, the connection's first packet.
 */
export type FlowWhy =
  | "offloads"
  | "missing"
  | "untracked"
  | "proto"
  | "fin"
  | "already"
  | "handshake"
  | "first";

/** One `flow add` met by a packet: whether it offloaded the connection there, and why. */
export interface FlowOffloadNote {
  /** The flowtable named. */
  flowtable: string;
  /** Its devices (empty: none, or no such flowtable). */
  devices: string[];
  /** 1-based line of the rule. */
  line: number;
  /** True when this packet hands the connection to the flowtable. */
  offloads: boolean;
  why: FlowWhy;
  /** With `offloads`: the packet's input and output devices that are not the flowtable's. */
  outside: string[];
  /** With `why` `already`: the line of the `flow add` that offloaded it. */
  by?: number;
}

/** Whether `flow add` at this packet offloads its connection (see the module's comment). */
export function flowOffload(
  t: Extract<Target, { kind: "FLOWOFFLOAD" }>,
  p: SimPacket,
  ctx: MatchContext,
  line: number,
): FlowOffloadNote {
  const devices = t.devices ?? [];
  const flags = p.tcpFlags ?? [];
  const entry = p.ct?.entry;
  // Checked in the kernel's order: flowtable, conntrack, protocol, TCP flags and state, confirmation.
  const why: FlowWhy = !t.devices
    ? "missing"
    : !entry || p.untracked
      ? "untracked"
      : p.proto !== "tcp" && p.proto !== "udp"
        ? "proto"
        : flags.includes("FIN") || flags.includes("RST")
          ? "fin"
          : entry.offloaded
            ? "already"
            : p.proto === "tcp" && !(entry.seenReply && flags.includes("ACK") && !flags.includes("SYN"))
              ? "handshake"
              : entry.unconfirmed
                ? "first"
                : "offloads";
  return {
    flowtable: t.flowtable,
    devices,
    line,
    offloads: why === "offloads",
    why,
    // Later packets are caught at the ingress hook of the device they enter on, if it is the flowtable's.
    outside: [ctx.in, ctx.out].filter((d): d is string => d !== undefined && !devices.includes(d)),
    ...(why === "already" ? { by: entry?.offloaded?.line } : {}),
  };
}
