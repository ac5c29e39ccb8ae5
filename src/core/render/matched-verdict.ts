/** iptables' NAT targets: the kernel's trace reports them as `accept`. */
const XT_NAT = /(?:^|\s)-j\s+(MASQUERADE|SNAT|DNAT|REDIRECT|NETMAP)(?:\s|$)/;
/** nft's NAT statements, outside quoted text (a comment). */
const NFT_NAT = /^(?:[^"]|"[^"]*")*?(?:^|\s)(masquerade|snat|dnat|redirect)(?:\s|$)/;

/**
 * What a matched rule's badge says it did: the kernel's verdict, with the NAT the rule chose before it
 * when the rule is a NAT rule (`MASQUERADE (ACCEPT)`). Why: a trace reports a NAT rule's verdict as
 * accept, which alone reads as if the rule only accepted the packet.
 * @param ruleText the rule as listed (`-A POSTROUTING ... -j MASQUERADE`, `... masquerade`)
 * @param verdict the verdict as the trace gives it (`ACCEPT`, `accept`)
 */
export function matchedVerdict(ruleText: string, verdict: string): string {
  if (verdict.toLowerCase() !== "accept") return verdict;
  const nat = (/^\s*-[AI]\s/.test(ruleText) ? XT_NAT : NFT_NAT).exec(ruleText)?.[1];
  return nat ? `${nat} (${verdict})` : verdict;
}
