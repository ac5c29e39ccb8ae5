/**
 * Socket owner matches (iptables `-m owner`, nft `meta skuid` / `skgid`) decided where the packet's
 * socket is known to the model: a forwarded packet has none, and the kernel's own replies (echo
 * replies, ICMP errors, the TCP stack's resets) come from its sockets without a file, so without a
 * user. A packet a program sends has a user the lab does not give: followed both ways. Per the kernel's
 * source (xt_owner.c owner_mt, nft_meta.c nft_meta_get_eval_skugid); kernel 6.18 matched
 * `--uid-owner 0` for root's ping.
 */
import type { Condition } from "./ruleset.ts";

/** The socket a packet is sent from, as the owner matches see it (see {@link SimPacket}'s `socket`). */
export type PacketSocket = "program" | "kernel" | "none";

/** The hint of the reader's warning at an owner match. */
export const OWNER_HINT =
  "the user and group of a program's socket are not in the lab, so a packet a program sends is followed both ways; a forwarded packet (no socket) and the kernel's own echo replies, ICMP errors and resets (no user) are decided";

/**
 * Sets `owner` on the unmodelled conditions of an iptables rule's `-m owner`: without a socket
 * xt_owner holds only when every option is negated (`(match ^ invert) == 0`), so each option holds
 * when negated; with a kernel socket `--socket-exists` holds unless negated, `--uid-owner` and
 * `--gid-owner` only negated.
 */
export function xtOwner(conditions: readonly Condition[]): void {
  for (const c of conditions) {
    // The `!` is written before the option or, in older saves, before `-m owner`.
    const m = c.kind === "unknown" ? /^(! )?-m owner (! )?(--[a-z-]+)/.exec(c.text) : null;
    if (!m || c.kind !== "unknown") continue;
    const negated = m[1] !== undefined || m[2] !== undefined;
    c.owner = { none: negated, kernel: m[3] === "--socket-exists" ? !negated : negated };
  }
}

/** nft's socket owner expressions, as a rule's words start. */
export const OWNER_WORDS = /^(meta )?sk[ug]id\b/;

/**
 * Sets `owner` on nft's unmodelled `meta skuid` / `meta skgid` (and their short forms): a packet
 * without a full socket, or from one without a file, ends the rule (NFT_BREAK), negated or not.
 */
export function nftOwner(conditions: readonly Condition[]): void {
  for (const c of conditions)
    if (c.kind === "unknown" && OWNER_WORDS.test(c.text)) c.owner = { none: false, kernel: false };
}

/**
 * The socket the owner matches see at IP hook `hook` for a packet sent from `socket` (undefined: not
 * sent by the netfilter host): at INPUT, unknown (early demux may have given a received packet its
 * socket); a packet the host did not send has none.
 */
export function socketAt(
  hook: string | undefined,
  socket: PacketSocket | undefined,
): PacketSocket | undefined {
  if (hook === "INPUT") return undefined;
  if (hook === "OUTPUT" || hook === "POSTROUTING") return socket ?? "none";
  return hook === "PREROUTING" || hook === "FORWARD" ? "none" : undefined;
}
