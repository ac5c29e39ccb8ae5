/**
 * Which packets a figure of a trace draws for a `packet=` (or `render --packet`): one rule for
 * the lessons' `::trace` and `packetwalk render`, so a contributor's `render` shows what the
 * lesson will. Kept apart from the figure's drawing code so that `render` loads only this.
 */
import type { Packet } from "../core/model/packet.ts";

/** The packet of each direction a figure draws, when its flow has one. */
export interface Chosen {
  request?: Packet;
  reply?: Packet;
}

/**
 * The request and the reply of packet `wanted`'s flow (default: the trace's first packet).
 * Request: packet `wanted` itself when it is a request, else the one it answers: the last request
 * of its flow before it (the flow's first request when the flow starts with the reply).
 * Reply: packet `wanted` itself when it is a reply, else the first reply of its flow after it.
 * Undefined when the trace has no packet numbered `wanted` (or no packet at all).
 */
export function choosePackets(packets: readonly Packet[], wanted?: number): Chosen | undefined {
  const anchor = wanted === undefined ? packets[0] : packets.find((p) => p.id === wanted);
  if (!anchor) return undefined;
  const flow = packets.filter((p) => p.flow === anchor.flow);
  const requests = flow.filter((p) => p.direction === "request");
  // The SYN-ACK's request is the SYN, a later ACK's reply answers the ACK before it, not the SYN.
  const request =
    anchor.direction === "request" ? anchor : (requests.findLast((p) => p.id < anchor.id) ?? requests[0]);
  // A reply before the anchor answered an earlier packet (`packet="3"` is the ACK, not the SYN).
  const reply =
    anchor.direction === "reply" ? anchor : flow.find((p) => p.direction === "reply" && p.id > anchor.id);
  const chosen: Chosen = {};
  if (request) chosen.request = request;
  if (reply) chosen.reply = reply;
  return chosen;
}
