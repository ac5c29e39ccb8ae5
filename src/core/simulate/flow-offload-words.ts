/**
 * A `flow add` note in words (see `flow-offload.ts`): why the packet did not offload its connection, or
 * what happens to the connection's later packets.
 */
import type { FlowOffloadNote } from "./flow-offload.ts";

/** Hooks a later packet of an offloaded connection skips on a flowtable device (their chains and conntrack). */
export const OFFLOAD_SKIPS = "prerouting, forward and postrouting";

const ENDS = "this packet does not offload it and the rule ends here";

/** The note's sentence. */
export function flowOffloadWords(n: FlowOffloadNote): string {
  switch (n.why) {
    case "missing":
      return `there is no flowtable ${n.flowtable} (nft refuses the rule)`;
    case "untracked":
      return "the packet is untracked: no connection to offload";
    case "proto":
      return "only TCP and UDP connections are offloaded (and GRE without NAT)";
    case "fin":
      return "a TCP FIN or RST is never offloaded: the rule ends here";
    case "already":
      return `the connection is already offloaded (line ${n.by})`;
    case "handshake":
      return `the TCP handshake is not complete (conntrack calls a connection established only once the client's ACK answers the SYN-ACK): ${ENDS}`;
    case "first":
      return `the connection's first packet (conntrack confirms a connection only once its first packet leaves): ${ENDS}; its next packet, either way, does`;
    case "offloads": {
      const outside = n.outside.length
        ? `; ${n.outside.join(" and ")} is not a device of ${n.flowtable}, so packets entering there still cross every hook`
        : "";
      return `offloads the connection to flowtable ${n.flowtable}: its later packets, both ways, entering on ${n.devices.join(" or ") || "no device"} skip ${OFFLOAD_SKIPS} (every table's chains and conntrack) and keep their NAT; a packet over the MTU takes the normal path, a TCP FIN or RST marks the flow closing${outside}`;
    }
  }
}
