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
 * Sets `owner` on the unmodelled conditions of each `-m owner` of an iptables rule (`matches`: where
 * each match's conditions start), per xt_owner's owner_mt for the whole match: without a socket it
 * holds only when every option is negated (`(match ^ invert) == 0`); with a kernel socket (no file)
 * it fails on a negated `--socket-exists` and otherwise holds when every `--uid-owner` and
 * `--gid-owner` is negated. The match's result goes on its first option, `true` on the others.
 */
export function xtOwner(
  conditions: readonly Condition[],
  matches: readonly { module: string; from: number }[],
): void {
  for (const [k, m] of matches.entries()) {
    if (m.module !== "owner") continue;
    const held = conditions
      .slice(m.from, matches[k + 1]?.from ?? conditions.length)
      .filter(
        (c): c is Extract<Condition, { kind: "unknown" }> =>
          c.kind === "unknown" && c.text.includes("-m owner"),
      );
    // Each option with its `!` (written before it or, in older saves, before `-m owner`).
    const options: { option: string; negated: boolean }[] = [];
    for (const c of held) {
      let negated = false;
      for (const word of c.text.split(" "))
        if (word === "!") negated = true;
        else if (word.startsWith("--")) {
          options.push({ option: word, negated });
          negated = false;
        }
    }
    const userOrGroup = options.filter((o) => o.option === "--uid-owner" || o.option === "--gid-owner");
    const none = options.every((o) => o.negated);
    const kernel =
      !options.some((o) => o.option === "--socket-exists" && o.negated) &&
      userOrGroup.every((o) => o.negated);
    held.forEach((c, i) => {
      c.owner = i === 0 ? { none, kernel } : { none: true, kernel: true };
    });
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
