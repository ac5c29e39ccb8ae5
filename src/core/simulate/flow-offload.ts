/**
 * What nft's `flow add @NAME` does at one packet, as the kernel's nft_flow_offload_eval (6.18 source;
 * this repository's test kernel has no flowtable support, so it is unverified on a running kernel): it
 * offloads the packet's connection to the flowtable, or says why this packet does not. It never decides
 * the packet's verdict.
 */
import type { MatchContext } from "./match-rule.ts";
import type { Target } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";

/** One `flow add` met by a packet: whether it offloaded the connection there, and why in words. */
export interface FlowOffloadNote {
  /** The flowtable named. */
  flowtable: string;
  /** Its devices (empty: none, or no such flowtable). */
  devices: string[];
  /** 1-based line of the rule. */
  line: number;
  /** True when this packet hands the connection to the flowtable. */
  offloads: boolean;
  /** Why, or what happens to the connection's later packets. */
  why: string;
}

/** Hooks a later packet of an offloaded connection skips on a flowtable device (their chains and conntrack). */
export const OFFLOAD_SKIPS = "prerouting, forward and postrouting";

/** Whether `flow add` at this packet offloads its connection (see the module's comment). */
export function flowOffload(
  t: Extract<Target, { kind: "FLOWOFFLOAD" }>,
  p: SimPacket,
  ctx: MatchContext,
  line: number,
): FlowOffloadNote {
  const devices = t.devices ?? [];
  const note = (offloads: boolean, why: string): FlowOffloadNote => ({
    flowtable: t.flowtable,
    devices,
    line,
    offloads,
    why,
  });
  const flags = p.tcpFlags ?? [];
  const entry = p.ct?.entry;
  if (!t.devices) return note(false, `there is no flowtable ${t.flowtable} (nft refuses the rule)`);
  if (!entry || p.untracked) return note(false, "the packet is untracked: no connection to offload");
  if (p.proto !== "tcp" && p.proto !== "udp")
    return note(false, "only TCP and UDP connections are offloaded (and GRE without NAT)");
  if (flags.includes("FIN") || flags.includes("RST"))
    return note(false, "a TCP FIN or RST is never offloaded: the rule ends here");
  if (entry.offloaded)
    return note(false, `the connection is already offloaded (line ${entry.offloaded.line})`);
  if (p.proto === "tcp" && !(entry.seenReply && flags.includes("ACK") && !flags.includes("SYN")))
    return note(
      false,
      "the TCP handshake is not complete (conntrack calls a connection established only once the client's ACK answers the SYN-ACK): this packet does not offload it and the rule ends here",
    );
  if (entry.unconfirmed)
    return note(
      false,
      "the connection's first packet (conntrack confirms a connection only once its first packet leaves): this packet does not offload it and the rule ends here; its next packet, either way, does",
    );
  // Later packets are caught at the ingress hook of the device they enter on, if it is the flowtable's.
  const outside = [ctx.in, ctx.out].filter((d) => d !== undefined && !devices.includes(d));
  return note(
    true,
    `offloads the connection to flowtable ${t.flowtable}: its later packets, both ways, entering on ${devices.join(" or ") || "no device"} skip ${OFFLOAD_SKIPS} (every table's chains and conntrack) and keep their NAT; a packet over the MTU takes the normal path, a TCP FIN or RST marks the flow closing${outside.length ? `; ${outside.join(" and ")} is not a device of ${t.flowtable}, so packets entering there still cross every hook` : ""}`,
  );
}
