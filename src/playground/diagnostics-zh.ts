/**
 * The commonest problems the parser and the ruleset readers report, in Traditional Chinese, for the
 * zh-TW playground: loaded only there, and only once a problem is shown, so no other page pays for
 * it. Each message is known by a code and the shape of its English words (the core builds them
 * from the values it found); a hint by the core's own hint string. A message not known here stays
 * English, and a translated one keeps its English line under it: that line is what the CLI prints
 * and what a bug report quotes.
 */
import type { Diagnostic } from "../core/model/packet.ts";
import { REPEATED_HINT } from "../core/parse/log-loss.ts";
import { LOST_HINT, PREFIX_HINT, TRAILING_SPACE_HINT, UNLISTED_HINT } from "../core/parse/parse-hints.ts";
import { DEVICE_HOOK_HINT, MISSING_IPSET_HINT, TABLE_TWICE_HINT } from "../core/simulate/ruleset-hints.ts";
import {
  CHANCE_HINT,
  CT_UNCERTAIN_HINT,
  CT_UNMODELLED_MATCH_HINT,
  DECIDES_NOTHING_HINT,
  UNCERTAIN_HINT,
  UNMODELLED_MATCH_HINT,
  XT_HINT,
  XT_MASQUERADE_HINT,
  XT_MATCH_HINT,
} from "../core/simulate/unmodelled-hints.ts";
import { keepPieces } from "./keep-pieces.ts";

/** One known message: its code, its English shape, and its Chinese words made from the same values. */
interface Known {
  /** Stable name of the message, whatever its values (tests and reports name it). */
  code: string;
  /** The English message, the values it was built from captured. */
  english: RegExp;
  /** The message in Chinese, from the captured values. */
  zh: (m: string[]) => string;
}

/** What an unmodelled piece of a rule is, as the readers name it. */
const PIECE: Record<string, string> = {
  match: "比對條件",
  expression: "運算式",
  statement: "陳述式",
  target: "target",
};

const MAY_HOLD_LOG = "其中可能有 LOG 行";

/** The known messages, commonest first. */
export const KNOWN_MESSAGES: readonly Known[] = [
  {
    code: "unknown-prefix",
    english: /^unknown LOG prefix '(.*)' \((\d+) lines?\): which table and chain wrote it\?$/s,
    zh: (m) => `不認得的 LOG 前綴 '${m[1]}'（${m[2]} 行）：是哪個 table 的哪條 chain 寫的？`,
  },
  {
    code: "no-prefix",
    english:
      /^LOG line without a prefix \((\d+) lines?\): which table and chain wrote it\? Give the LOG rule a --log-prefix, or map the empty prefix$/,
    zh: (m) =>
      `沒有前綴的 LOG 行（${m[1]} 行）：是哪個 table 的哪條 chain 寫的？請替 LOG 規則加上 --log-prefix，或替空的前綴指定對應。`,
  },
  {
    code: "not-modelled",
    english: /^(match|expression|statement|target) '(.*)' is not modelled$/s,
    zh: (m) => `${PIECE[m[1] as string]} '${m[2]}' 不在模擬範圍內`,
  },
  {
    code: "xt-masquerade",
    english:
      /^'(.*)': nft does not print the options of this iptables-nft target; read as a masquerade that keeps the port of the packet$/s,
    zh: (m) =>
      `'${m[1]}'：nft 不會印出這個 iptables-nft target 的選項；當成保留封包原本連接埠的 masquerade 來讀`,
  },
  {
    code: "ipset-not-in-file",
    english: /^match '(.*)' is not modelled: ipset '(.*)' is not in this file$/s,
    zh: (m) => `比對條件 '${m[1]}' 不在模擬範圍內：這個檔案裡沒有 ipset '${m[2]}'`,
  },
  {
    code: "device-hook",
    english: /^base chain at hook (\S+) \(family (\S+)\) is not simulated$/,
    zh: (m) => `hook ${m[1]}（family ${m[2]}）上的 base chain 不在模擬範圍內`,
  },
  {
    code: "table-twice",
    english: /^table '(.*)' appears twice; the later one replaces it$/s,
    zh: (m) => `table '${m[1]}' 出現兩次；後面那個取代前面的`,
  },
  {
    code: "unlisted",
    english: /^(\d+) more problems were not listed$/,
    zh: (m) => `還有 ${m[1]} 個問題沒有列出`,
  },
  {
    code: "no-trailing-space",
    english:
      /^the line ends without the space the kernel prints after every field: its last field '(.*)' may be cut short$/s,
    zh: (m) => `這一行結尾少了核心在每個欄位後面都會印出的空白：最後一個欄位 '${m[1]}' 可能被截斷了`,
  },
  {
    code: "rate-limited",
    english:
      /^the kernel's rate limit (?:\((.+)\) )?suppressed (\d+) messages? here: LOG lines may be among them$/,
    zh: (m) => `核心的速率限制${m[1] ? `（${m[1]}）` : ""}在這裡壓下了 ${m[2]} 則訊息：${MAY_HOLD_LOG}`,
  },
  {
    code: "buffer-full",
    english:
      /^the kernel dropped (\d+) messages? here \(its log buffer was full\): LOG lines may be among them$/,
    zh: (m) => `核心在這裡丟掉了 ${m[1]} 則訊息（它的日誌緩衝區滿了）：${MAY_HOLD_LOG}`,
  },
  {
    code: "journald-missed",
    english:
      /^journald missed (\d+) kernel messages? here \(it read the kernel's log too slowly\): LOG lines may be among them$/,
    zh: (m) => `journald 在這裡漏掉了 ${m[1]} 則核心訊息（它讀核心日誌讀得太慢）：${MAY_HOLD_LOG}`,
  },
  {
    code: "syslog-rate-limited",
    english: /^the syslog daemon's rate limit dropped (\d+) messages? here: LOG lines may be among them$/,
    zh: (m) => `syslog 服務的速率限制在這裡丟掉了 ${m[1]} 則訊息：${MAY_HOLD_LOG}`,
  },
  {
    code: "syslog-repeated",
    english:
      /^the syslog daemon folded (\d+) more cop(?:y|ies) of the line before into this one \('(message repeated \d+ times)'\): (?:that LOG line is|those \d+ LOG lines are) not in the log$/,
    zh: (m) =>
      `syslog 服務把前一行的另外 ${m[1]} 份相同內容併進了這一行（'${m[2]}'）：那些 LOG 行不在日誌裡`,
  },
];

const BOTH_WAYS = "模擬器兩種結果（符合與不符合）都會走，只在兩者不同的地方把這條規則報告為不確定";
/** What the kernel does with a rule loading a connection value from a packet without one (see `ct-break.ts`). */
const NO_CONNECTION_ZH = "沒有連線的封包（未追蹤，或還沒查過 conntrack）會在這裡結束這條規則，和核心一樣";
const GIVE_SAVE =
  "nft 不會印出這個 iptables-nft 擴充模組的選項：請給這個 table 的 iptables-save 輸出；在那之前，";

/** Chinese hints, by the core's English hint. */
export const KNOWN_HINTS: ReadonlyMap<string, string> = new Map([
  [
    REPEATED_HINT,
    "相同的 LOG 行（同樣標頭的封包再送一次、記錄時沒有時間戳記）會被 rsyslog 的 $RepeatedMsgReduction 併成一行：請在 rsyslog.conf 關掉它，或用 journalctl -k 或 dmesg 讀核心日誌",
  ],
  [
    PREFIX_HINT,
    // The playground's words (see playground-hints.ts): its form and a pasted ruleset, not the CLI's flag.
    "把 LOG 前綴取成 'iptable/<table>-<CHAIN>' 或 'ebtable/<table>-<CHAIN>' 的樣子（前面加上 'ctc/' 之類的標記也可以），" +
      "或在下方「未知的 LOG 前綴」指定是哪條 chain 寫了這個前綴，或貼上記錄它的規則集（「規則集（選填）」）：其中的 LOG 規則會說明每個前綴屬於哪條 chain",
  ],
  [UNMODELLED_MATCH_HINT, BOTH_WAYS],
  [CHANCE_HINT, `它的結果取決於機率，而不是封包本身：${BOTH_WAYS}`],
  [UNCERTAIN_HINT, "封包走到這條規則時，模擬器把它的結果報告為不確定"],
  [CT_UNMODELLED_MATCH_HINT, `${NO_CONNECTION_ZH}；有連線的封包則${BOTH_WAYS}`],
  [CT_UNCERTAIN_HINT, `${NO_CONNECTION_ZH}；有連線的封包走到這條規則時，模擬器把它的結果報告為不確定`],
  [DECIDES_NOTHING_HINT, "它不改變模擬器判定的任何 verdict；它後面的規則仍然判定得出來"],
  [XT_HINT, `${GIVE_SAVE}封包走到這條規則時結果不確定`],
  [XT_MATCH_HINT, `${GIVE_SAVE}${BOTH_WAYS}`],
  [
    XT_MASQUERADE_HINT,
    "--to-ports、--random 或 --random-fully 會給出另一個來源連接埠：請給這個 table 的 iptables-save 輸出才看得到它們",
  ],
  [
    LOST_HINT,
    "LOG 行遺失的封包看起來像是跳過了某些 hook，check 也會和它不一致：請小心解讀這附近記錄到的封包；範圍較窄的 LOG 規則（行數較少）可以避免遺失",
  ],
  [UNLISTED_HINT, "先修正上面的問題，或調高 maxDiagnostics"],
  [TRAILING_SPACE_HINT, "如果日誌的行尾空白是被編輯器或複製貼上拿掉的，這些值就是完整的；否則這一行被截斷了"],
  [TABLE_TWICE_HINT, "iptables-restore 保留最後給的那一個"],
  [DEVICE_HOOK_HINT, "模擬器從 prerouting 走到 postrouting；這條 chain 丟掉或改寫什麼都不會被預測"],
  [
    MISSING_IPSET_HINT,
    "把主機的 `ipset save` 輸出加進規則集檔案（packetwalk import 會讀 ipset-save.txt）；在那之前，模擬器兩種結果都會走",
  ],
]);

/** A diagnostic's words in Chinese. */
export interface DiagnosticZh {
  /** {@link Known.code} of the message. */
  code: string;
  /** `警告：...` or `錯誤：...`. */
  message: string;
  /** The hint in Chinese; undefined when it has none, or an unknown one (then it stays English). */
  hint?: string;
}

/** `d` in Chinese, or undefined when its message is not a known one. */
export function diagnosticZh(d: Diagnostic): DiagnosticZh | undefined {
  for (const known of KNOWN_MESSAGES) {
    const m = known.english.exec(d.message);
    if (!m) continue;
    const hint = d.hint === undefined ? undefined : KNOWN_HINTS.get(d.hint);
    return {
      code: known.code,
      message: `${d.severity === "error" ? "錯誤" : "警告"}：${known.zh([...m].map((v) => v ?? ""))}`,
      ...(hint ? { hint } : {}),
    };
  }
  return undefined;
}

/**
 * Puts the Chinese words at the top of each item of a problem list (`items[i]` shows
 * `diagnostics[i]`: its English line in a `<code>`, then its hint) and keeps the English line
 * under them, marked as English. A translated hint replaces the English one; an item whose
 * message is not known is left as it is.
 */
export function showDiagnosticsZh(items: readonly HTMLElement[], diagnostics: readonly Diagnostic[]): void {
  items.forEach((item, i) => {
    const d = diagnostics[i];
    const zh = d && diagnosticZh(d);
    const line = item.querySelector(":scope > code");
    const hint = item.querySelector(":scope > .pg-hint");
    if (!zh || !d || !line) return;
    const head = document.createElement("p");
    head.className = "pg-zh";
    const where = document.createElement("code");
    const { file, line: n, column } = d.position;
    where.textContent = `${file}:${n}:${column}`;
    // A quoted value with a hyphen ('[raw-pre]', '-m limit') wraps whole, as rule text does.
    head.append(where, " ", ...keepPieces(zh.message));
    if (hint && zh.hint) hint.textContent = `提示：${zh.hint}`;
    const english = document.createElement("p");
    english.className = "pg-english";
    english.lang = "en";
    english.append(line);
    item.prepend(head);
    // The English line goes under the hint, above a note of the lines that repeat it.
    (hint ?? head).after(english);
  });
}
