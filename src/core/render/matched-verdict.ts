/** iptables' NAT targets: the kernel's trace reports them as `accept`. */
const XT_NAT = /(?:^|\s)-j\s+(MASQUERADE|SNAT|DNAT|REDIRECT|NETMAP)(?:\s|$)/;
/** nft's NAT statements, outside quoted text (a comment). */
const NFT_NAT = /^(?:[^"]|"[^"]*")*?(?:^|\s)(masquerade|snat|dnat|redirect)(?:\s|$)/;

/** nft's reject statement, outside quoted text: the kernel's trace reports it as `drop`. */
const NFT_REJECT = /^(?:[^"]|"[^"]*")*?(?:^|\s)(reject)(?:\s|$)/;

/**
 * What a matched rule's badge says it did: the kernel's verdict, with the NAT the rule chose before it
 * when the rule is a NAT rule (`MASQUERADE (ACCEPT)`), and nft's reject before the drop nft monitor
 * trace prints for it (`reject (drop)`). Why: a trace reports a NAT rule's verdict as accept and a
 * reject as drop, which alone read as if the rule only accepted or silently dropped the packet.
 * @param ruleText the rule as listed (`-A POSTROUTING ... -j MASQUERADE`, `... masquerade`)
 * @param verdict the verdict as the trace gives it (`ACCEPT`, `accept`)
 */
export function matchedVerdict(ruleText: string, verdict: string): string {
  const word = verdict.toLowerCase();
  if (word === "drop" && !/^\s*-[AI]\s/.test(ruleText)) {
    const reject = NFT_REJECT.exec(ruleText)?.[1];
    return reject ? `${verdict === word ? reject : reject.toUpperCase()} (${verdict})` : verdict;
  }
  if (word !== "accept") return verdict;
  const nat = (/^\s*-[AI]\s/.test(ruleText) ? XT_NAT : NFT_NAT).exec(ruleText)?.[1];
  return nat ? `${nat} (${verdict})` : verdict;
}
