/**
 * The legend of a map figure: what the colours, numbers, faded boxes and
 * the simulator badges of the listing mean, in the figure's language.
 */
import type { HookChains } from "../core/render/hook-chains.ts";
import { escapeHtml } from "./html.ts";

/** The legend's words in one language. */
export interface LegendStrings {
  bridge: string;
  ip: string;
  path: string;
  /** The way on after the trace's last line, which no line shows (dashed orange). */
  notSeen: string;
  step: string;
  decision: string;
  faded: string;
  endpoint: string;
  dropped: string;
  /** Explains the `simulator: JUMP/ACCEPT` badges of recorded LOG traces. */
  simulator: string;
  /** Label of the button that opens the full-screen view. */
  zoom: string;
  /** nftables lab: what a bridge hook box lists. */
  bridgeChains: string;
  /** nftables lab: what an IP hook box lists. */
  ipChains: string;
  /** nftables lab: the verdict beside a base chain. */
  verdict: string;
  /** nftables lab: a chain marked † exists only with the rulesets named. */
  only: (rulesets: string) => string;
}

const STRINGS: Record<"en" | "zh-tw", LegendStrings> = {
  en: {
    bridge: "bridge hook (ebtables), tables in kernel order",
    ip: "IP hook (iptables; ip6tables for IPv6), with conntrack",
    path: "this packet's way, in at the top, out at the bottom",
    notSeen: "not in the trace: where the packet likely went after its last line",
    step: "step N of the list",
    decision: "decision taken, or the bridge port it left by",
    faded: "not crossed by this packet",
    endpoint: "sender and receiver",
    dropped: "dropped here",
    simulator:
      "“simulator: …” in the list (JUMP, ACCEPT, a policy): a LOG line only shows that the packet reached the chain; the rule that matched is predicted by packetwalk's simulator from the lab's ruleset.",
    zoom: "Full screen",
    bridgeChains: "bridge hook: the bridge family's base chains there, if any",
    ipChains:
      "IP hook: every base chain there as family table chain (priority), in the order the kernel runs them; when all belong to one table, it is named once above them",
    verdict:
      "the base chain's verdict, where the TRACE shows it: an accept ends only its own base chain, a drop ends the packet",
    only: (rulesets) => `only in the rulesets ${rulesets}`,
  },
  "zh-tw": {
    bridge: "橋接層 hook（ebtables）：依核心順序列出各 table",
    ip: "IP 層 hook（iptables；IPv6 為 ip6tables），conntrack 標在查詢與確認的位置",
    path: "這個封包走的路，由上（進入）到下（離開）",
    notSeen: "追蹤記錄裡沒有：封包在最後一行之後可能走的路",
    step: "步驟 N：看到封包的 table",
    decision: "途中做出的判斷（路由、橋接），或封包送出的 bridge 埠",
    faded: "這個封包沒有經過",
    endpoint: "封包的來源與去處",
    dropped: "封包在這裡被丟棄",
    simulator:
      "清單中的「模擬器：…」（JUMP、ACCEPT、預設策略）：LOG 只證明封包到過這個 chain；命中的規則是 packetwalk 模擬器依實驗環境的規則集推算的。",
    zoom: "全螢幕",
    bridgeChains: "橋接層 hook：bridge family 掛在這裡的 base chain（若有）",
    ipChains:
      "IP 層 hook：掛在這裡的每個 base chain，寫成 family table chain（priority），依核心執行順序；同屬一個 table 時，table 只在上方寫一次",
    verdict:
      "base chain 的判決（TRACE 有記錄時；地圖用顏色，路徑圖寫出字）：accept 只結束它自己的 base chain，drop 結束整個封包",
    only: (rulesets) => `只存在於規則集 ${rulesets}`,
  },
};

/** The legend strings for `locale` (English for anything else). */
export function legendStrings(locale: string): LegendStrings {
  return locale === "zh-tw" ? STRINGS["zh-tw"] : STRINGS.en;
}

/** What a figure's diagrams show, so that its legend keys only that. Every field defaults to true. */
export interface LegendShown {
  /** A path diagram has a bridge hook (a map always draws the bridge's boxes). */
  bridge?: boolean;
  /** A packet of the figure ends dropped. */
  dropped?: boolean;
  /** A step carries a base chain's verdict (TRACE lines, a host firewall's drop prefix). */
  verdicts?: boolean;
  /** A packet's trace ends before its way out: the rest is drawn as not in the trace. */
  notSeen?: boolean;
}

/**
 * The legend's HTML for a figure.
 * @param view `map` gets the whole key; `path` only colours (its nodes write their step numbers)
 * @param recordedLog true for a recorded LOG trace, whose listing carries simulator badges
 * @param chains an nftables lab's base chains per hook: the boxes list base chains, some marked †
 * @param shown what the figure's diagrams show (default: all of it, as the playground's legend, which serves any packet)
 */
export function figureLegend(
  locale: string,
  view: "map" | "path",
  recordedLog: boolean,
  chains?: Pick<HookChains, "boxes">,
  shown: LegendShown = {},
): string {
  const { bridge = true, dropped = true, verdicts = true, notSeen = true } = shown;
  const s = legendStrings(locale);
  const item = (key: string, text: string, inner = "") =>
    `<li><span class="pw-key pw-key-${key}" aria-hidden="true">${inner}</span>${escapeHtml(text)}</li>`;
  // Words as their own key, drawn as the diagram draws them.
  const words = (html: string, text: string) =>
    `<li><span class="pw-key" style="width:auto;border:0;font-weight:700" aria-hidden="true">${html}</span>${escapeHtml(text)}</li>`;
  const partial = [
    ...new Set(
      [...(chains?.boxes.values() ?? [])].flat().flatMap((c) => (c.only ? [c.only.join(", ")] : [])),
    ),
  ];
  const items = [
    ...(view === "map" || bridge ? [item("bridge", chains ? s.bridgeChains : s.bridge)] : []),
    item("ip", chains ? s.ipChains : s.ip),
    ...(chains && verdicts
      ? [words('<span class="pw-v-accept">accept</span> / <span class="pw-v-drop">drop</span>', s.verdict)]
      : []),
    ...partial.map((names) => words("†", s.only(names))),
    item("path", s.path),
    ...(notSeen ? [item("notseen", s.notSeen)] : []),
    ...(view === "map"
      ? [
          item("step", s.step, "N"),
          item("decision", s.decision),
          item("faded", s.faded),
          item("endpoint", s.endpoint),
        ]
      : []),
    ...(dropped ? [item("dropped", s.dropped)] : []),
  ];
  const note = recordedLog ? `<p class="pw-legend-note">${escapeHtml(s.simulator)}</p>` : "";
  return `<ul class="pw-legend">${items.join("")}</ul>${note}`;
}
