/**
 * The few words a diagram itself carries besides hook and table names (which
 * stay English in every language, as the kernel and the tools print them).
 */

/** A diagram's language: `en` (default) or `zh-TW`. */
export type MapLang = "en" | "zh-TW";

/** The words of one language. */
export interface MapWords {
  from: (what: string) => string;
  to: (what: string) => string;
  via: (peer: string, itf: string) => string;
  /** A packet's end when the log names no address (ebtables without --log-ip): `packet via vweb`. */
  packet: string;
  bridgingDecision: string;
  routingDecision: string;
  /** Where a frame leaves the bridge by the port it was sent to. */
  bridgePortOut: string;
  localProcess: string;
  anyBridgePort: string;
  anyRoutedInterface: string;
  /** An nftables hook box where the lab's rulesets attach no base chain. */
  noBaseChain: string;
  /** The exit of a packet the recording lost after box `where`, on its way to `to`. */
  notSeenAfter: (where: string, to: string) => string;
  /** {@link MapWords.notSeenAfter} as two lines, for a box that must stay narrow (a path view on a phone). */
  notSeenAfterLines: (where: string, to: string) => [string, string];
  /** The exit of a dropped packet: `verdict` in `chain` (its policy when `policy`). */
  dropped: (verdict: string, chain: string, policy: boolean) => string;
  /** The label of the arrow after a packet's last line when a NAT `rewrite` came after it (the other direction shows it). */
  unseenRewrite: (rewrite: string) => string;
  /** The label of the arrow after a trace's last line when the way on crosses `hooks` no line shows: one line each. */
  notInTraceLines: (hooks: readonly string[]) => string[];
}

const WORDS: Record<MapLang, MapWords> = {
  en: {
    from: (what) => `from ${what}`,
    to: (what) => `to ${what}`,
    via: (peer, itf) => `${peer} via ${itf}`,
    packet: "packet",
    bridgingDecision: "bridging decision",
    routingDecision: "routing decision",
    bridgePortOut: "out a bridge port",
    localProcess: "local process",
    anyBridgePort: "a bridge port",
    anyRoutedInterface: "a routed interface",
    noBaseChain: "no base chain",
    notSeenAfter: (where, to) => WORDS.en.notSeenAfterLines(where, to).join(" "),
    notSeenAfterLines: (where, to) => [`not seen after ${where}`, `(on its way to ${to})`],
    dropped: (verdict, chain, policy) => `dropped: ${verdict} in ${policy ? `${chain} policy` : chain}`,
    unseenRewrite: (rewrite) => `then ${rewrite} (not logged)`,
    notInTraceLines: (hooks) => ["not in the trace:", ...hooks],
  },
  "zh-TW": {
    from: (what) => `來自 ${what}`,
    to: (what) => `送往 ${what}`,
    via: (peer, itf) => `${peer} 經由 ${itf}`,
    packet: "封包",
    bridgingDecision: "橋接決策",
    routingDecision: "路由決策",
    bridgePortOut: "從 bridge 埠送出",
    localProcess: "本機行程",
    anyBridgePort: "任一 bridge 埠",
    anyRoutedInterface: "任一路由介面",
    noBaseChain: "沒有 base chain",
    notSeenAfter: (where, to) => WORDS["zh-TW"].notSeenAfterLines(where, to).join(""),
    notSeenAfterLines: (where, to) => [`過了 ${where} 就不見了`, `（原本要送往 ${to}）`],
    dropped: (verdict, chain, policy) => `被丟棄：${chain} ${policy ? "預設策略的" : "的"} ${verdict}`,
    unseenRewrite: (rewrite) => `之後 ${rewrite}（未記錄）`,
    notInTraceLines: (hooks) => ["追蹤記錄裡沒有：", ...hooks],
  },
};

/** The words of `lang` (default English). */
export function mapWords(lang: MapLang = "en"): MapWords {
  return WORDS[lang];
}
