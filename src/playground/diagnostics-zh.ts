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

/** The count a warning said once for many lines ends with (`(3 lines)`), in Chinese; empty without one. */
const lines = (n: string | undefined) => (n ? `（${n} 行）` : "");

/** What a bitmask match's mask or value should have been, as the nft reader names it. */
function maskKind(what: string, bits: string | undefined): string {
  return bits ? `${bits} 位元的數字` : `${what.includes("IPv6") ? "IPv6" : "IPv4"} 位址`;
}

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
    zh: (m) => `syslog 服務把前一行的另外 ${m[1]} 份相同內容併進了這一行（'${m[2]}'）：那些 LOG 行不在日誌裡`,
  },
  {
    code: "journal-json-no-message",
    english:
      /^expected MESSAGE in this journalctl JSON record, found none: the record was not read \(was it exported with --output-fields without MESSAGE\?\)(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這筆 journalctl JSON 紀錄裡沒有 MESSAGE：這筆紀錄沒有讀取（匯出時是不是用了不含 MESSAGE 的 --output-fields？）${lines(m[1])}`,
  },
  {
    code: "ulogd-json-no-address",
    english:
      /^expected the packet's addresses \(src_ip and dest_ip\) in this ulogd JSON record, found none: the packet was not read(?: \((\d+) lines?\))?$/,
    zh: (m) => `這筆 ulogd JSON 紀錄裡沒有封包的位址（src_ip 和 dest_ip）：這個封包沒有讀取${lines(m[1])}`,
  },
  {
    code: "ulogd-json-flow",
    english:
      /^expected a logged packet, found a ulogd conntrack or accounting record \(its NFCT or NFACCT input, JSON output\): flows and counters are not packets, not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是記錄下來的封包，卻是 ulogd 的 conntrack 或計量紀錄（來自它的 NFCT 或 NFACCT 輸入、JSON 輸出）：連線流和計數器不是封包，沒有讀取${lines(m[1])}`,
  },
  {
    code: "json-record",
    english:
      /^expected a journalctl JSON record \(with MESSAGE\) or a ulogd JSON packet record, found another JSON object: not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是 journalctl 的 JSON 紀錄（含 MESSAGE）或 ulogd 的 JSON 封包紀錄，卻是別種 JSON 物件：沒有讀取${lines(m[1])}`,
  },
  {
    code: "pve-queue-full",
    english:
      /^pvefw-logger skipped (\d+) log entries here \(its queue was full\): LOG lines of the firewall are among them$/,
    zh: (m) => `pvefw-logger 在這裡跳過了 ${m[1]} 筆日誌（它的佇列滿了）：其中有防火牆的 LOG 行`,
  },
  {
    code: "pve-ipv6",
    english:
      /^expected the packet's fields, found '(IPV6 logging not implemented)': Proxmox VE's firewall logger prints no IPv6 packet, not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是封包的欄位，卻是 '${m[1]}'：Proxmox VE 的防火牆記錄程式不會印出 IPv6 封包，沒有讀取${lines(m[2])}`,
  },
  {
    code: "nft-mask-outside",
    english:
      /^'(.*)' (never matches|holds for every packet that has this field): (\S+) has bits outside the mask (\S+)$/s,
    zh: (m) =>
      `'${m[1]}' ${m[2] === "never matches" ? "永遠不會符合" : "對每個有這個欄位的封包都成立"}：${m[3]} 有位元落在遮罩 ${m[4]} 之外`,
  },
  {
    code: "nft-mask-no-value",
    english: /^'(.*)' needs a value to compare the masked (.+) with$/s,
    zh: (m) => `'${m[1]}' 少了要和遮罩後的 ${m[2]} 比較的值`,
  },
  {
    code: "nft-mask-missing",
    english: /^'(.*)' needs a mask after '(.*)'$/s,
    zh: (m) => `'${m[1]}' 的 '${m[2]}' 後面少了遮罩`,
  },
  {
    code: "nft-mask-type",
    english:
      /^'(.*)' is not a (mask|value) of (.+): (an IPv4 address|an IPv6 address|a number of (\d+) bits) is expected$/s,
    zh: (m) =>
      `'${m[1]}' 不是 ${m[3]} 的${m[2] === "mask" ? "遮罩" : "值"}：這裡要的是 ${maskKind(m[4] as string, m[5])}`,
  },
  {
    code: "nft-undefined-variable",
    english: /^variable '(.*)' is not defined$/s,
    zh: (m) => `變數 '${m[1]}' 沒有定義`,
  },
  {
    code: "nft-undefine-undefined",
    english: /^variable '(.*)' is not defined, so it cannot be undefined$/s,
    zh: (m) => `變數 '${m[1]}' 沒有定義，所以無法 undefine`,
  },
  {
    code: "nft-define-twice",
    english: /^variable '(.*)' is already defined$/s,
    zh: (m) => `變數 '${m[1]}' 已經定義過了`,
  },
  {
    code: "nft-define-no-value",
    english: /^expected '((?:re)?define \S+ = VALUE)'$/,
    zh: (m) => `應該寫成 '${m[1]}'：變數少了值`,
  },
  {
    code: "nft-define-no-name",
    english: /^'((?:re)?define)' needs a variable name$/,
    zh: (m) => `'${m[1]}' 後面少了變數名稱`,
  },
  {
    code: "nft-include",
    english: /^'include' is not followed: packetwalk reads only the file it is given$/,
    zh: () => "不會跟著 'include' 去讀其他檔案：packetwalk 只讀給它的那個檔案",
  },
  {
    code: "nft-rule-placed",
    english: /^'(.*)' is not modelled: a handle is only known to the kernel that loaded the rules$/s,
    zh: (m) => `'${m[1]}' 不在模擬範圍內：只有載入這些規則的核心才知道 handle`,
  },
  {
    code: "nft-rule-handle",
    english: /^'(.*)' is not modelled: a rule's handle is only known to the kernel that loaded it$/s,
    zh: (m) => `'${m[1]}' 不在模擬範圍內：規則的 handle 只有載入它的核心才知道`,
  },
  {
    code: "nft-script-command",
    english: /^'(.*)' is not modelled$/s,
    zh: (m) => `'${m[1]}' 不在模擬範圍內`,
  },
  {
    code: "reversed-range",
    english: /^range '(.*)' has zero or negative size: nft refuses it, and with it the whole file$/s,
    zh: (m) => `範圍 '${m[1]}' 的大小是零或負數：nft 會拒絕它，連帶拒絕整個檔案`,
  },
  {
    code: "headerless-ip6",
    english: /^no '(# Generated by)' header: read as ip6tables-save output \(IPv6\), as this rule is$/,
    zh: (m) => `沒有 '${m[1]}' 標頭：依這條規則，當成 ip6tables-save 的輸出（IPv6）來讀`,
  },
  {
    code: "headerless-mixed",
    english:
      /^an IPv6 rule among IPv4 rules \(line (\d+)\) with no '(# Generated by)' header: read as iptables-save output \(IPv4\)$/,
    zh: (m) =>
      `IPv4 規則（第 ${m[1]} 行）之間有一條 IPv6 規則，又沒有 '${m[2]}' 標頭：當成 iptables-save 的輸出（IPv4）來讀`,
  },
  {
    code: "unexpected",
    english: /^unexpected '(.*)'$/s,
    zh: (m) => `這裡不該出現 '${m[1]}'`,
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
  // Hints the core writes inline (each given by a real diagnostic in the test).
  [
    "export the messages too: journalctl -k -o json (every field), or --output-fields=MESSAGE,__REALTIME_TIMESTAMP,_TRANSPORT",
    "連同訊息一起匯出：journalctl -k -o json（所有欄位），或 --output-fields=MESSAGE,__REALTIME_TIMESTAMP,_TRANSPORT",
  ],
  [
    "ulogd's JSON output names the addresses only through its IP2STR filter: put ip2str1:IP2STR in the stack before json1:JSON, or log with its LOGEMU output (LOG-style text lines, also read)",
    "ulogd 的 JSON 輸出要經過 IP2STR 過濾器才會寫出位址：請在 stack 裡 json1:JSON 的前面加上 ip2str1:IP2STR，或改用它的 LOGEMU 輸出（LOG 樣式的文字行，一樣讀得懂）",
  ],
  [
    "log the packets themselves: an NFLOG rule and ulogd's NFLOG input, or a LOG rule and the kernel log",
    "請記錄封包本身：NFLOG 規則配上 ulogd 的 NFLOG 輸入，或 LOG 規則配上核心日誌",
  ],
  [
    "give the kernel log as text (journalctl -k -o short-iso-precise, dmesg) or as journalctl -o json; a netfilter packet in another tool's JSON is not read",
    "請以文字（journalctl -k -o short-iso-precise、dmesg）或 journalctl -o json 的形式提供核心日誌；其他工具的 JSON 裡的 netfilter 封包不會被讀取",
  ],
  [
    "log IPv6 with a LOG rule (the kernel log prints every field), or read the firewall's counters",
    "用 LOG 規則記錄 IPv6（核心日誌會印出每個欄位），或改看防火牆的計數器",
  ],
  ["remove the undefine, or define the variable above it", "拿掉這個 undefine，或在它上面先定義這個變數"],
  [
    "write e.g. define LAN = 192.168.1.0/24 (a set: define PORTS = { 22, 443 })",
    "例如寫成 define LAN = 192.168.1.0/24（集合則寫成 define PORTS = { 22, 443 }）",
  ],
  ["write e.g. define LAN = 192.168.1.0/24", "例如寫成 define LAN = 192.168.1.0/24"],
  [
    "paste the included file's rules in place of the include line (or give 'nft list ruleset' output)",
    "把被 include 的檔案裡的規則貼在 include 那一行的位置（或提供 'nft list ruleset' 的輸出）",
  ],
  [
    "write the rules in the order they run, or use 'index N' (from 0)",
    "依規則執行的順序寫出規則，或改用 'index N'（從 0 起算）",
  ],
  [
    "give the ruleset the script leaves behind: run it, then 'nft list ruleset' (or nft -s list ruleset)",
    "請提供腳本執行完留下的規則集：先執行腳本，再用 'nft list ruleset'（或 nft -s list ruleset）取得",
  ],
  [
    "nft ruleset text is a list of 'table FAMILY NAME { ... }' blocks (an nft -f script may also hold define, flush, add and insert lines)",
    "nft 規則集文字是一連串 'table FAMILY NAME { ... }' 區塊（nft -f 腳本裡也可以有 define、flush、add 和 insert 行）",
  ],
  ["write the lower bound first", "把下限寫在前面"],
  [
    "start the file with the header line ip6tables-save prints, or save IPv4 rules with iptables-save",
    "在檔案開頭放上 ip6tables-save 印出的標頭行，或用 iptables-save 儲存 IPv4 規則",
  ],
  [
    "keep each save's header line (iptables-save, then ip6tables-save): the IPv6 tables start at theirs",
    "保留每份輸出的標頭行（先 iptables-save，再 ip6tables-save）：IPv6 的 table 從它們自己的標頭行開始",
  ],
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
