/** Words of a trace figure in each lesson language. */
export const FIGURE_LOCALES = ["en", "zh-tw"] as const;
/** One of {@link FIGURE_LOCALES}. */
export type FigureLocale = (typeof FIGURE_LOCALES)[number];

/** The strings of a figure. */
export interface FigureStrings {
  request: string;
  reply: string;
  recorded: string;
  simulated: string;
  mode: { log: string; trace: string };
  source: string;
  copy: string;
  copied: string;
  witness: string;
  steps: string;
  noReply: string;
  tracePage: string;
  rules: string;
  noRules: string;
  matched: string;
  predicted: string;
  policy: string;
  /** Summary of an nftables step's listing. */
  nftRules: string;
  /** Note on a step whose own chain is packetwalk's logging or tracing chain (`name`: family table chain). */
  nftInstrumentation: (name: string, others: boolean) => string;
  /** A rewrite after the packet's last line (`rewrite`: `SNAT a -> b`), read off the other direction. */
  unseenRewrite: (rewrite: string, other: string) => string;
}

const STRINGS: Record<FigureLocale, FigureStrings> = {
  en: {
    request: "Request",
    reply: "Reply",
    recorded: "recorded from a real kernel",
    simulated: "simulated by packetwalk",
    mode: { log: "LOG rules", trace: "TRACE" },
    source: "Mermaid source of this diagram",
    copy: "Copy",
    copied: "Copied",
    witness: "Log line",
    steps: "Steps",
    noReply: "No reply was seen in this trace.",
    tracePage: "trace page",
    rules: "Rules of this chain",
    // The recording rules are the capture lab's or the contributor's own: "inserted" would not always be true.
    noRules:
      "No rules in this chain in the lab's ruleset, besides any LOG or TRACE rule that recorded the packet.",
    matched: "matched",
    predicted: "simulator",
    policy: "policy",
    nftRules: "Base chains at this step, their rules and verdicts",
    nftInstrumentation: (name, others) =>
      `${name} is a logging or tracing chain added for the recording: not part of the lab's ruleset, it decides nothing.${others ? " The lab's base chains that ran from here on:" : ""}`,
    unseenRewrite: (rewrite, other) => `then ${rewrite}: no line shows it, the ${other}'s addresses do`,
  },
  "zh-tw": {
    request: "請求",
    reply: "回應",
    recorded: "真實核心錄製",
    simulated: "packetwalk 模擬",
    mode: { log: "LOG 規則", trace: "TRACE" },
    source: "此圖的 Mermaid 原始碼",
    copy: "複製",
    copied: "已複製",
    witness: "日誌",
    steps: "步驟",
    noReply: "這份追蹤紀錄中沒有回應封包。",
    tracePage: "追蹤紀錄頁面",
    rules: "此 chain 的規則",
    noRules: "實驗環境的規則集在此 chain 沒有規則（記錄封包的 LOG 或 TRACE 規則除外）。",
    matched: "命中",
    predicted: "模擬器",
    policy: "預設策略",
    nftRules: "此步驟的 base chain、規則與判決",
    nftInstrumentation: (name, others) =>
      `${name} 是為錄製而加入的記錄（或追蹤）chain，不屬於實驗環境的規則集，不做任何判決。${others ? "從這裡開始執行的實驗環境 base chain:" : ""}`,
    unseenRewrite: (rewrite, other) => `之後 ${rewrite}：沒有日誌行顯示，${other}的位址顯示了它`,
  },
};

/** The figure strings for `locale` (English for anything else). */
export function figureStrings(locale: string): FigureStrings {
  return STRINGS[(FIGURE_LOCALES as readonly string[]).includes(locale) ? (locale as FigureLocale) : "en"];
}
