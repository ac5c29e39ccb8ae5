/**
 * The words of an nftables listing in each language: what each base chain decided ("accept in ip
 * docker-bridges filter-FORWARD ends only this base chain; drop in ip filter FORWARD (policy) is
 * final"), why one did not run, and which base chain decided the packet. Table, chain, hook and
 * verdict names stay as nft prints them.
 */
import type { MapLang } from "./map-words.ts";
import type { ListedBaseChain } from "./to-nft-listing.ts";

/** `ip docker-bridges filter-FORWARD`: family, table and chain, as `nft monitor trace` names a chain. */
export function baseChainName(b: Pick<ListedBaseChain, "family" | "table" | "chain">): string {
  return `${b.family} ${b.table} ${b.chain}`;
}

/** `hook forward, priority filter (0)` in words. */
export function baseChainPlace(b: ListedBaseChain, lang: MapLang = "en"): string {
  const prio = /^-?\d+$/.test(b.priorityText) ? b.priorityText : `${b.priorityText} (${b.priority})`;
  return lang === "zh-TW"
    ? `hook ${b.hook},priority ${prio}，預設策略 ${b.policy.toLowerCase()}`
    : `hook ${b.hook}, priority ${prio}, policy ${b.policy.toLowerCase()}`;
}

/** What one base chain did, in one clause; undefined when the trace does not say. */
export function baseChainClause(b: ListedBaseChain, lang: MapLang = "en"): string | undefined {
  const name = baseChainName(b);
  const zh = lang === "zh-TW";
  if (b.status === "not-reached")
    return zh
      ? `${name} 沒有執行：之前的 drop 已是最終結果`
      : `${name} never ran: the drop before it was final`;
  if (b.status === "nat-skipped")
    return zh
      ? `${name} 沒有執行：nat chain 只看連線的第一個封包`
      : `${name} did not run: nat chains see only the first packet of a connection`;
  if (b.status === "not-run")
    return zh ? `${name} 沒有執行（模擬器）` : `${name} did not run for this packet (simulator)`;
  const v = b.verdict;
  if (!v) return undefined;
  const where = v.policy
    ? zh
      ? "（預設策略）"
      : " (policy)"
    : v.chain !== b.chain
      ? zh
        ? `（經由 ${v.chain}）`
        : ` (via ${v.chain})`
      : "";
  if (v.final)
    return zh ? `${name}${where} 的 ${v.verdict} 是最終結果` : `${v.verdict} in ${name}${where} is final`;
  if (v.verdict !== "accept")
    return zh
      ? `${name}${where} 的 ${v.verdict} 即 accept，只結束這個 base chain`
      : `${v.verdict} in ${name}${where} accepts, which ends only this base chain`;
  return zh
    ? `${name}${where} 的 accept 只結束這個 base chain`
    : `accept in ${name}${where} ends only this base chain`;
}

/** The clauses of a step's base chains, joined: `accept in ... ends only this base chain; drop in ... is final`. */
export function stepVerdicts(chains: readonly ListedBaseChain[], lang: MapLang = "en"): string {
  return chains
    .map((b) => baseChainClause(b, lang))
    .filter((c) => c !== undefined)
    .join(lang === "zh-TW" ? ";" : "; ");
}

/**
 * Which base chain decided the packet, given the base chains of all its steps: the one whose drop was
 * final, or none (every base chain accepted it, each ending only itself). Undefined when no verdict is known.
 */
export function packetDecision(
  steps: readonly { n: number; chains: readonly ListedBaseChain[] }[],
  lang: MapLang = "en",
): string | undefined {
  const zh = lang === "zh-TW";
  for (const step of steps) {
    const final = step.chains.find((b) => b.status === "ran" && b.verdict?.final);
    if (final?.verdict) {
      const clause = baseChainClause(final, lang) as string;
      return zh ? `決定這個封包的是步驟 ${step.n}：${clause}。` : `Decided at step ${step.n}: ${clause}.`;
    }
  }
  const known = steps.some((s) => s.chains.some((b) => b.verdict));
  if (!known) return undefined;
  return zh
    ? "沒有任何 base chain 丟棄這個封包：每個 accept 都只結束自己的 base chain，封包繼續往下走。"
    : "No base chain dropped this packet: each accept ended only its own base chain, and the packet went on.";
}
