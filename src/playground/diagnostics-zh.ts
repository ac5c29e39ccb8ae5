/**
 * The problems the parser and the ruleset readers report (the nft reader's every one), in Traditional
 * Chinese, for the zh-TW playground: loaded only there, and only once a problem is shown, so no other
 * page pays for it. Each message is known by a code and the shape of its English words (the core
 * builds them from the values it found); a hint by the core's own hint string, or by its shape when
 * the core builds it from values (a name, a line, an example). A message not known here stays
 * English, and a translated one keeps its English line under it: that line is what the CLI prints
 * and what a bug report quotes.
 */
import type { Diagnostic } from "../core/model/packet.ts";
import { REPEATED_HINT } from "../core/parse/log-loss.ts";
import {
  ARP_PREFIX_HINT,
  FORWARD_DEVICE_HINT,
  LOST_HINT,
  NETDEV_HINT,
  PREFIX_HINT,
  TRACE_USER_CHAIN_HINT,
  TRAILING_SPACE_HINT,
  UNLISTED_HINT,
  UNPLACED_CHAIN_HINT,
} from "../core/parse/parse-hints.ts";
import { SPACED_VALUE_HINT } from "../core/parse/read-log-fields.ts";
import { PARTLY_REDACTED_HINT, REDACTED_LOG_HINT } from "../core/parse/redacted-address.ts";
import { TRACE_USER_CHAIN_REFUSED_HINT } from "../core/parse/trace-user-chain-refused.ts";
import { UNKNOWN_PROTOCOL_HINT } from "../core/simulate/nft-protocol-names.ts";
import { REDACTED_ADDRESS_HINT } from "../core/simulate/redacted-address.ts";
import { DEVICE_HOOK_HINT, MISSING_IPSET_HINT, TABLE_TWICE_HINT } from "../core/simulate/ruleset-hints.ts";
import { OWNER_HINT } from "../core/simulate/socket-owner.ts";
import { OPEN_QUOTE_HINT } from "../core/simulate/tokenize-rule.ts";
import {
  CHANCE_HINT,
  CT_UNCERTAIN_HINT,
  CT_UNMODELLED_MATCH_HINT,
  DECIDES_NOTHING_HINT,
  RATE_HINT,
  STATE_HINT,
  UNCERTAIN_HINT,
  UNMODELLED_MATCH_HINT,
  XT_HINT,
  XT_MASQUERADE_HINT,
  XT_MATCH_HINT,
} from "../core/simulate/unmodelled-hints.ts";
import { XT_HELPER_HINT } from "../core/simulate/xt-helper-listing.ts";
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
/** A set's flags as the English message quotes them, or 「沒有」 for none. */
const zhNone = (quoted: string | undefined) => (quoted === "none" ? "沒有" : (quoted ?? ""));
const lines = (n: string | undefined) => (n ? `（${n} 行）` : "");

/** What a bitmask match's mask or value should have been, as the nft reader names it. */
function maskKind(what: string, bits: string | undefined): string {
  return bits ? `${bits} 位元的數字` : `${what.includes("IPv6") ? "IPv6" : "IPv4"} 位址`;
}

/** `word` after a Chinese one: a half-width space first when it starts with a Latin letter or digit (`不是 hook`). */
const afterZh = (word: string) => (/^[\x21-\x7e]/.test(word) ? ` ${word}` : word);

/** What a value should have been, as the nft readers name it after "is not" (`'x' is not a port or port range`). */
const NOT_A: Record<string, string> = {
  "a chain policy": "chain 的 policy",
  "a hook": "hook",
  "a priority": "priority",
  "an IPv4 address range": "IPv4 位址範圍",
  "an IPv4 address or prefix": "IPv4 位址或前綴",
  "an IPv4 address or CIDR": "IPv4 位址或 CIDR",
  "an IPv6 address or CIDR": "IPv6 位址或 CIDR",
  "an IPv6 address or prefix": "IPv6 位址或前綴",
  "a number from 0 to 255 or a range": "0 到 255 的數字或範圍",
  "a port or port range": "連接埠或連接埠範圍",
  "an ICMP type": "ICMP 類型",
  "an ICMPv6 type": "ICMPv6 類型",
  "an ICMP code": "ICMP 代碼",
  "a conntrack state": "conntrack 狀態",
  "a zone": "zone 編號",
  "a mark": "mark 值",
  "a packet type": "封包類型",
  "a MAC address": "MAC 位址",
  "a DSCP": "DSCP 值",
  "a conntrack status": "conntrack status 值",
  "a TCP flag": "TCP 旗標",
  "an Ethernet type": "Ethernet 類型",
  "a netfilter family": "netfilter 協定族",
};

/** What a script command lacks after its verb, as the nft reader names it. */
const NEEDS: Record<string, string> = {
  "a table": "table",
  "a table and a name": "table 和名稱",
  "a table, a chain and a rule": "table、chain 和規則",
};

/** Alternatives of a regexp made of `words` (taken as written, so their dots and brackets too). */
const oneOf = (words: readonly string[]) =>
  words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");

/** A NAT map named by the reader (`map @m`, `the rule's map`), in Chinese. */
const natMap = (where: string) => (where.startsWith("map ") ? where : "規則裡的 map");

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
    code: "table-two-backends",
    english:
      /^table '(.*)' appears twice, saved by iptables-nft and by iptables-legacy: the host runs both, and the second does not replace the first$/s,
    zh: (m) =>
      `table '${m[1]}' 出現兩次，分別由 iptables-nft 與 iptables-legacy 存出：主機兩者都在執行，後者並不取代前者`,
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
      /^the line ends without the space the kernel prints after every field: its last field '(.*)' may be cut short(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `這一行結尾少了核心在每個欄位後面都會印出的空白：最後一個欄位 '${m[1]}' 可能被截斷了${lines(m[2])}`,
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
      /^expected a JSON record with a message \(journalctl's MESSAGE, a log shipper's message, msg or log\) or a ulogd JSON packet record, found another JSON object: not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是含訊息的 JSON 紀錄（journalctl 的 MESSAGE，或日誌傳送工具的 message、msg、log）或 ulogd 的 JSON 封包紀錄，卻是別種 JSON 物件：沒有讀取${lines(m[1])}`,
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
    code: "nft-ct-state-exact",
    english:
      /^'(ct state [^']+)' (never matches|holds for every packet): nft compares the whole state with (\S+), and a packet has one state$/,
    zh: (m) =>
      `'${m[1]}' ${m[2] === "never matches" ? "永遠不會符合" : "對每個封包都成立"}：nft 把整個狀態值和 ${m[3]} 比較，而封包一次只有一種狀態`,
  },
  {
    code: "nft-xt-helper",
    english:
      /^'(ct helper [^']*)' in table (\S+ \S+) is not modelled: nft lists iptables-nft's -m helper ! --helper the same way, and on a connection no helper expected the two differ \(xt_helper's negation holds, nft's own expression ends the rule\)$/,
    zh: (m) =>
      `'${m[1]}' 在 table ${m[2]} 中未建模：nft 把 iptables-nft 的 -m helper ! --helper 列成同樣的寫法，而對於不是 helper 預期的連線，兩者結果不同（xt_helper 的反向條件成立，nft 自己的運算式則結束這條規則）`,
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
    code: "nft-include-pattern",
    english:
      /^'(include "[^']*")' is not followed: packetwalk reads only the file it is given, without the rules of the files the pattern matches$/,
    zh: (m) =>
      `不會跟著 '${m[1]}' 去讀其他檔案：packetwalk 只讀給它的那個檔案，不含這個樣式對到的檔案裡的規則`,
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
  // The parser's rarer warnings.
  {
    code: "conntrack-full",
    english:
      /^the conntrack table was full here: the kernel dropped packets before any netfilter rule saw them$/,
    zh: () => "conntrack 表在這裡滿了：核心在任何 netfilter 規則看到封包之前就把它們丟掉了",
  },
  {
    code: "netdev-skipped",
    english:
      /^(LOG lines|nft monitor trace lines) of the netdev family \(table (\S+), chain (\S+)\) were skipped: packetwalk models the ip, ip6, inet, bridge and arp families(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `略過了 netdev family（table ${m[2]}、chain ${m[3]}）的 ${m[1] === "LOG lines" ? "LOG 行" : "nft monitor trace 行"}：packetwalk 模擬的是 ip、ip6、inet、bridge 和 arp family${lines(m[4])}`,
  },
  {
    code: "unplaced-chain",
    english:
      /^packet lines of the nft trace at chain '(.*)', whose name does not say its hook: its steps are drawn beside the map(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `nft trace 在 chain '${m[1]}' 的 packet 行：這條 chain 的名字看不出 hook，所以它的步驟畫在地圖旁邊${lines(m[2])}`,
  },
  {
    code: "json-pretty-bytes",
    english:
      /^expected MESSAGE on one line, found a message journald stored as bytes \(not UTF-8\) spread over the lines of journalctl -o json-pretty: it was not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是寫在一行裡的 MESSAGE，卻是 journald 以位元組（不是 UTF-8）儲存、在 journalctl -o json-pretty 裡分成好幾行的訊息：沒有讀取${lines(m[1])}`,
  },
  {
    code: "legacy-tables",
    english:
      /^the host also has (ip6?tables)-legacy tables, which this file does not hold: what their rules drop or rewrite is not predicted$/,
    zh: (m) => `這台主機還有 ${m[1]}-legacy 的 table，這個檔案裡卻沒有：它們的規則丟掉或改寫了什麼，無法預測`,
  },
  // The nft reader: its tokenizer and variables.
  {
    code: "nft-backslash",
    english: /^a '(\\)' continuing a rule must be the last character of its line$/,
    zh: (m) => `接續規則的 '${m[1]}' 必須是這一行的最後一個字元`,
  },
  {
    code: "nft-typographic-quote",
    english: /^'(.)' is a typographic quote: nft refuses it \("syntax error, unexpected junk"\)$/,
    zh: (m) => `'${m[1]}' 是排版用的引號：nft 會拒絕（「syntax error, unexpected junk」）`,
  },
  {
    code: "nft-unterminated-string",
    english: /^unterminated string$/,
    zh: () => "字串沒有結束",
  },
  {
    code: "nft-comment-variable",
    english: /^a comment cannot be a variable \('(comment .*)'\): nft refuses it$/s,
    zh: (m) => `註解不能是變數（'${m[1]}'）：nft 會拒絕`,
  },
  {
    code: "nft-map-variable",
    english: /^nft cannot use a variable as a rule's map \('(.*)'\): it stops with an internal error$/s,
    zh: (m) => `nft 無法把變數當成規則的 map（'${m[1]}'）：它會因內部錯誤而停止`,
  },
  {
    code: "nft-define-verdict",
    english: /^a variable cannot hold the verdict '(.*)': nft refuses '(.*)'$/s,
    zh: (m) => `變數不能存放判決 '${m[1]}'：nft 會拒絕 '${m[2]}'`,
  },
  {
    code: "nft-define-words",
    english: /^a variable holds one value: nft refuses '(.*)' after '(.*)'$/s,
    zh: (m) => `變數只能存放一個值：nft 不接受 '${m[2]}' 後面的 '${m[1]}'`,
  },
  // The nft reader: tables, chains, sets and the commands of a script.
  {
    code: "nft-line-end",
    english: /^expected a line end or ';' before '(.*)'$/s,
    zh: (m) => `'${m[1]}' 前面少了換行或 ';'`,
  },
  {
    code: "nft-not-closed",
    english: /^(set|map|chain|flowtable|table) (.+) is not closed$/s,
    zh: (m) => `${m[1]} ${m[2]} 沒有結束`,
  },
  {
    code: "nft-anonymous-not-closed",
    english: /^the anonymous chain after '(.*)' is not closed$/s,
    zh: (m) => `'${m[1]}' 後面的匿名 chain 沒有結束`,
  },
  {
    code: "nft-nested-anonymous",
    english:
      /^an anonymous chain cannot hold another \('(.*)' inside '(.*)'\): nft refuses it \((too many levels of nesting)\)$/s,
    zh: (m) => `匿名 chain 裡不能再有匿名 chain（'${m[2]}' 裡的 '${m[1]}'）：nft 會以「${m[3]}」拒絕`,
  },
  {
    code: "nft-brace-expected",
    english: /^expected '\{' after (set|map|chain|table) (.+)$/s,
    zh: (m) => `${m[1]} ${m[2]} 後面應該是 '{'`,
  },
  {
    code: "nft-form-expected",
    english: /^expected '(flowtable NAME \{|elements = \{ \.\.\. \})'$/,
    zh: (m) => `這裡應該是 '${m[1]}'`,
  },
  {
    code: "nft-needs-name",
    english: /^(set|map|chain) needs a name$/,
    zh: (m) => `${m[1]} 少了名稱`,
  },
  {
    code: "nft-table-needs-name",
    english: /^table needs a family and a name$/,
    zh: () => "table 少了 family 和名稱",
  },
  {
    code: "nft-command-needs",
    english: new RegExp(`^'(.*)' needs (${oneOf(Object.keys(NEEDS))})$`, "s"),
    zh: (m) => `'${m[1]}' 後面少了${afterZh(NEEDS[m[2] as string] as string)}`,
  },
  {
    code: "nft-unexpected-in",
    english: /^unexpected '(.*)' in (set|map|table) (.+)$/s,
    zh: (m) => `${m[2]} ${m[3]} 裡不該出現 '${m[1]}'`,
  },
  {
    code: "nft-not-a",
    english: new RegExp(`^'(.*)' is not (${oneOf(Object.keys(NOT_A))})$`, "s"),
    zh: (m) => `'${m[1]}' 不是${afterZh(NOT_A[m[2] as string] as string)}`,
  },
  {
    code: "nft-no-priority",
    english: /^base chain with hook (\S+) has no priority$/,
    zh: (m) => `hook ${m[1]} 上的 base chain 沒有 priority`,
  },
  {
    code: "nft-chain-redeclared",
    english: /^chain (\S+) was declared '(.*)' above; it cannot change to '(.*)'$/s,
    zh: (m) => `chain ${m[1]} 在前面宣告為 '${m[2]}'，這裡不能改成 '${m[3]}'`,
  },
  {
    code: "nft-chain-made-base",
    english: /^chain (\S+) was declared above without a hook; it cannot become a base chain here$/,
    zh: (m) => `chain ${m[1]} 在前面宣告時沒有 hook，這裡不能再把它變成 base chain`,
  },
  {
    code: "nft-map-jump-missing",
    english: /^map (\S+) jumps to chain '(.*)', which does not exist in table (\S+) (\S+)$/s,
    zh: (m) => `map ${m[1]} 會跳到 chain '${m[2]}'，但 table ${m[3]} ${m[4]} 裡沒有這條 chain`,
  },
  {
    code: "nft-missing",
    english: /^(set|map|chain|flowtable|verdict map) (.+) does not exist in table (\S+) (\S+)$/s,
    zh: (m) => `table ${m[3]} ${m[4]} 裡沒有 ${m[1]} ${m[2]}`,
  },
  {
    code: "nft-table-missing",
    english: /^table (\S+) (\S+) does not exist here$/,
    zh: (m) => `這裡還沒有 table ${m[1]} ${m[2]}`,
  },
  {
    code: "nft-create-table",
    english: /^table (\S+) (\S+) exists already: '(create table)' refuses it$/,
    zh: (m) => `table ${m[1]} ${m[2]} 已經存在：'${m[3]}' 會拒絕它`,
  },
  {
    code: "nft-create-chain",
    english:
      /^(chain|set|map) (\S+) exists already in table (\S+) (\S+): '(create (?:chain|set|map))' refuses it$/,
    zh: (m) => `table ${m[3]} ${m[4]} 裡已經有 ${m[1]} ${m[2]}：'${m[5]}' 會拒絕它`,
  },
  {
    code: "nft-not-command",
    english: /^'(.*)' is not a ruleset command$/s,
    zh: (m) => `'${m[1]}' 不是規則集的指令`,
  },
  {
    code: "nft-index-past",
    english: /^'(index \d+)': chain (\S+) has (?:no rules|rules at index 0 to (\d+) only) here$/,
    zh: (m) =>
      m[3]
        ? `'${m[1]}'：chain ${m[2]} 在這裡只有 index 0 到 ${m[3]} 的規則`
        : `'${m[1]}'：chain ${m[2]} 在這裡還沒有任何規則`,
  },
  {
    code: "nft-rule-empty",
    english: /^'(.*)' has no rule after chain (\S+)$/s,
    zh: (m) => `'${m[1]}' 在 chain ${m[2]} 後面沒有寫規則`,
  },
  {
    code: "nft-flowtable-hook",
    english: /^flowtable (\S+) needs '(hook ingress)'$/,
    zh: (m) => `flowtable ${m[1]} 需要 '${m[2]}'`,
  },
  {
    code: "nft-flowtable-devices",
    english: /^flowtable (\S+) has no devices: no connection is offloaded through it$/,
    zh: (m) => `flowtable ${m[1]} 沒有任何裝置：不會有連線經由它卸載`,
  },
  {
    code: "nft-flow-forward",
    english: /^flow add @(\S+) works only in a forward chain of an ip, ip6 or inet table$/,
    zh: (m) => `flow add @${m[1]} 只能用在 ip、ip6 或 inet table 的 forward chain 裡`,
  },
  {
    code: "nft-map-element",
    english: /^map element '(.*)' is not '(KEY : (?:VALUE|VERDICT))'$/s,
    zh: (m) => `map 元素 '${m[1]}' 不是 '${m[2]}' 的形式`,
  },
  {
    code: "nft-dynamic-set",
    english: /^match '(.*)' on dynamic set @(\S+) is not modelled$/s,
    zh: (m) => `比對條件 '${m[1]}' 查的是動態 set @${m[2]}（規則在封包經過時才填入），不在模擬範圍內`,
  },
  {
    code: "nft-nat-map-reversed",
    english:
      /^(dnat|snat) to '(.*)' \(an element of (map @\S+|the rule's map)\): the range has zero or negative size$/s,
    zh: (m) => `${m[1]} to '${m[2]}'（${natMap(m[3] as string)} 的元素）：範圍的大小是零或負數`,
  },
  {
    code: "nft-nat-map-unmodelled",
    english: /^(dnat|snat) to '(.*)' \(an element of (map @\S+|the rule's map)\) is not modelled$/s,
    zh: (m) => `${m[1]} to '${m[2]}'（${natMap(m[3] as string)} 的元素）不在模擬範圍內`,
  },
  // The nft reader: one rule's words.
  {
    code: "nft-after-verdict",
    english:
      /^'(.*)' after the rule's verdict or NAT does not act: the first one ends the rule, and nft refuses the rule \("Statement after terminal statement has no effect"\)$/s,
    zh: (m) =>
      `規則的判決或 NAT 之後的 '${m[1]}' 不會有作用：第一個判決或 NAT 就結束了這條規則，nft 也會拒絕這條規則（"Statement after terminal statement has no effect"）`,
  },
  {
    code: "nft-statement-after-verdict",
    english:
      /^statement '(.*)' after the rule's verdict or NAT does not act once that is reached: it ends the rule, and nft refuses the rule \("Statement after terminal statement has no effect"\)$/s,
    zh: (m) =>
      `判決或 NAT 之後的陳述式 '${m[1]}' 不會有作用：走到判決或 NAT 時，這條規則就結束了，nft 也會拒絕這條規則（"Statement after terminal statement has no effect"）`,
  },
  {
    code: "nft-needs-value",
    english: /^'(.*)' needs a value$/s,
    zh: (m) => `'${m[1]}' 後面少了值`,
  },
  {
    code: "nft-needs-chain",
    english: /^'(.*)' needs a chain name$/s,
    zh: (m) => `'${m[1]}' 後面少了 chain 名稱`,
  },
  {
    code: "nft-vmap-form",
    english: /^vmap needs '(@map)' or '(\{ key : verdict, \.\.\. \})'$/,
    zh: (m) => `vmap 後面需要 '${m[1]}' 或 '${m[2]}'`,
  },
  {
    code: "nft-unclosed-brace",
    english: /^unclosed '\{' in (an anonymous set|a verdict map)$/,
    zh: (m) => `${m[1] === "a verdict map" ? "verdict map " : "匿名集合"}的 '{' 沒有結束`,
  },
  {
    code: "nft-map-colon",
    english: /^expected ':' between a map element's key and its verdict$/,
    zh: () => "map 元素的鍵和判決之間少了 ':'",
  },
  {
    code: "nft-verdict-expected",
    english: /^expected a verdict \((accept, drop, jump CHAIN, goto CHAIN, return, continue)\)$/,
    zh: (m) => `這裡應該是判決（${(m[1] as string).split(", ").join("、")}）`,
  },
  {
    code: "nft-ct-concat",
    english:
      /^nft refuses '(.*)' in a concatenation: its size depends on the protocol \(("can not use variable sized data types \(invalid\) in concat expressions")\)$/s,
    zh: (m) => `nft 不接受串接（concatenation）裡的 '${m[1]}'：它的長度依協定而定（${m[2]}）`,
  },
  {
    code: "nft-icmp-side-by-side",
    english:
      /^'(.*)' is a range whose first value is above its last: nft 1\.0\.6 lists two comparisons of the ICMP type and code written side by side \((.*)\) so; not modelled$/s,
    zh: (m) =>
      `'${m[1]}' 是第一個值大於最後一個值的範圍：nft 1.0.6 會把並排寫的 ICMP type 和 code 兩個比較（${m[2]}）列成這樣；不在模擬範圍內`,
  },
  {
    code: "nft-side-by-side",
    english:
      /^'(.*)' is a range whose first value is above its last: nft 1\.0\.6 lists two comparisons written side by side \(another field (\S+ \S+), then (.+ \S+ \S+)\) so; not modelled$/s,
    zh: (m) =>
      `'${m[1]}' 是第一個值大於最後一個值的範圍：nft 1.0.6 會把並排寫的兩個比較（另一個欄位 ${m[2]}，接著 ${m[3]}）列成這樣；不在模擬範圍內`,
  },
  {
    code: "nft-flow-after",
    english: /^what follows '(.*)' acts only on the packet that offloads the connection$/s,
    zh: (m) => `'${m[1]}' 後面的部分只作用在卸載這條連線的那個封包上`,
  },
  {
    code: "nft-nftrace",
    english: /^meta nftrace set takes 0 or 1$/,
    zh: () => "meta nftrace set 只接受 0 或 1",
  },
  {
    code: "nft-mark-set-value",
    english: /^meta mark set needs a value$/,
    zh: () => "meta mark set 後面少了值",
  },
  {
    code: "nft-zone-range",
    english: /^zone (\d+) exceeds the valid range (0-65535)$/,
    zh: (m) => `zone ${m[1]} 超出有效範圍 ${m[2]}`,
  },
  {
    code: "nft-comment-string",
    english: /^comment needs a string$/,
    zh: () => "comment 後面需要一個字串",
  },
  {
    code: "nft-reject-type",
    english: /^'(.*)' is not a reject type$/s,
    zh: (m) => `'${m[1]}' 不是 reject 的類型`,
  },
  {
    code: "nft-nat-to",
    english: /^(\S+) needs '(to ADDRESS\[:PORT\])'$/,
    zh: (m) => `${m[1]} 後面需要 '${m[2]}'`,
  },
  {
    code: "nft-nat-address",
    english: /^(\S+) to needs an address$/,
    zh: (m) => `${m[1]} to 後面少了位址`,
  },
  {
    code: "nft-nat-form",
    english: /^'(.*)' is not (\[ADDRESS\[-ADDRESS\]\]:PORT|ADDRESS\[-ADDRESS\]\[:PORT\])$/s,
    zh: (m) => `'${m[1]}' 不是 ${m[2]} 的形式`,
  },
  {
    code: "nft-nat-reversed",
    english: /^'(.*)': the range has zero or negative size$/s,
    zh: (m) => `'${m[1]}'：範圍的大小是零或負數`,
  },
  {
    code: "unexpected",
    english: /^unexpected '(.*)'$/s,
    zh: (m) => `這裡不該出現 '${m[1]}'`,
  },
  {
    code: "nft-negated-flag-set",
    english:
      /^nft refuses 'tcp flags ! (.+)': '!' takes one flag value, not a set or a range \("negation can only be used with singleton bitmask values"\)$/s,
    zh: (m) =>
      `nft 不接受 'tcp flags ! ${m[1]}'：'!' 只能接一個旗標值，不能接集合或範圍（「negation can only be used with singleton bitmask values」）`,
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
  [RATE_HINT, `它的結果取決於之前的封包來得多快，而不是封包本身：${BOTH_WAYS}`],
  [
    STATE_HINT,
    `它的結果取決於之前看過的封包（模擬器沒有保存的名單、計數或配額），而不只是這個封包：${BOTH_WAYS}`,
  ],
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
  [UNLISTED_HINT, "先修正上面的問題：同一個原因的問題會重複出現，修正之後沒列出的那些也會一起消失"],
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
    "give the kernel log as text (journalctl -k -o short-iso-precise, dmesg) or as journalctl -o json; a netfilter packet in another tool's JSON is read only from its message field",
    "請以文字（journalctl -k -o short-iso-precise、dmesg）或 journalctl -o json 的形式提供核心日誌；其他工具的 JSON 裡的 netfilter 封包只會從它的訊息欄位讀取",
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
    "such a packet is in no LOG line and the simulator does not model it: raise net.netfilter.nf_conntrack_max, or record when the table is not full",
    "這樣的封包不會出現在任何 LOG 行，模擬器也不模擬它：請調高 net.netfilter.nf_conntrack_max，或在 conntrack 表沒滿的時候記錄",
  ],
  [NETDEV_HINT, "封包在其他 family 裡的路徑照常讀取；netdev 的 ingress 或 egress chain 不會畫出來"],
  [
    UNPLACED_CHAIN_HINT,
    // The playground's words (see playground-hints.ts): its ruleset box, not the CLI's flag.
    "nft trace 的行不會寫出 hook：請在「規則集（選填）」貼上這份 trace 執行時的規則集（nft list ruleset），它的 base chain 就會放到各自的 hook 上",
  ],
  [
    "export with journalctl -o json (one record a line), which is read whole",
    "請用 journalctl -o json 匯出（一行一筆紀錄），就能完整讀取",
  ],
  // The nft reader's hints.
  [XT_HELPER_HINT, "請提供這個 table 的 iptables-nft-save 輸出，或把規則放在你自己的 table 裡"],
  [
    "remove what follows the '\\' (spaces too), as nft refuses it",
    "刪掉 '\\' 後面的內容（空白也算），否則 nft 會拒絕",
  ],
  ['close the string with a double quote (")', '用雙引號（"）把字串結束'],
  ['write the comment as a quoted string: comment "..."', '把註解寫成加上引號的字串：comment "..."'],
  [
    "a define holds a value (an address, a port, a string, a set { a, b }, a . b), not a match or a verdict",
    "define 存放的是一個值（位址、連接埠、字串、集合 { a, b }、a . b），不是比對條件或判決",
  ],
  [
    "nft ends each rule, chain, set and table with a line end or ';' (e.g. 'tcp dport 22 accept; }'), or refuses the file",
    "nft 要求每條規則、chain、set 和 table 都以換行或 ';' 結尾（例如 'tcp dport 22 accept; }'），否則會拒絕整個檔案",
  ],
  [
    "nft ends each rule of an anonymous chain with a line end or ';' (e.g. 'jump { accept; }'), or refuses the file",
    "nft 要求匿名 chain 裡的每條規則都以換行或 ';' 結尾（例如 'jump { accept; }'），否則會拒絕整個檔案",
  ],
  ["add '}' after its devices", "在它的裝置後面加上 '}'"],
  ["add '}' after its elements", "在它的元素後面加上 '}'"],
  ["add '}' after its rules", "在它的規則後面加上 '}'"],
  ["add '}' at the end of the table", "在 table 的結尾加上 '}'"],
  ["close the element list with '}'", "用 '}' 結束元素清單"],
  ["close the set with '}'", "用 '}' 結束這個集合"],
  ["close the map with '}'", "用 '}' 結束這個 map"],
  ["write 'hook ingress priority filter;' in it", "在裡面寫上 'hook ingress priority filter;'"],
  ["add its devices, e.g. 'devices = { br-lan, eth0 };'", "加上它的裝置，例如 'devices = { br-lan, eth0 };'"],
  ["declare it above this line", "請在這一行之前宣告它"],
  ["declare the chain in the same table", "請在同一個 table 裡宣告這條 chain"],
  ["a set holds type, flags and elements lines", "set 裡只能有 type、flags 和 elements 行"],
  ["a table holds chain, set, map and flags", "table 裡只能有 chain、set、map 和 flags"],
  [
    "declare a base chain's type, hook and priority once (nft refuses a change: File exists)",
    "base chain 的 type、hook 和 priority 只能宣告一次（nft 會以「File exists」拒絕修改）",
  ],
  [
    "give the chain its 'type ... hook ... priority ...;' where it is first declared (nft refuses this: File exists)",
    "在第一次宣告這條 chain 的地方就寫上 'type ... hook ... priority ...;'（nft 會以「File exists」拒絕這樣改）",
  ],
  ["expected accept or drop", "應該是 accept 或 drop"],
  [
    "expected prerouting, input, forward, output or postrouting",
    "應該是 prerouting、input、forward、output 或 postrouting",
  ],
  [
    "expected a number or raw, mangle, dstnat, filter, security, srcnat (with + or - N)",
    "應該是數字，或 raw、mangle、dstnat、filter、security、srcnat（可再加上 + N 或 - N）",
  ],
  [
    "declare the inner chain by name ('chain NAME { ... }') and jump to it",
    "把內層的 chain 取個名字另外宣告（'chain NAME { ... }'），再跳到它",
  ],
  [
    "use 'add chain' (it adds to a chain that exists), or remove the chain above",
    "改用 'add chain'（它會加到已經存在的 chain 上），或拿掉前面的 chain",
  ],
  [
    "an index names a rule the chain already holds (from 0); nft refuses the file otherwise",
    "index 指的是 chain 裡已經有的規則（從 0 起算）；否則 nft 會拒絕整個檔案",
  ],
  [
    "the kernel refuses it elsewhere (Operation not supported); move it to the forward chain",
    "核心在其他地方會以「Operation not supported」拒絕它：請把它移到 forward chain",
  ],
  ["write the lower address first", "把較小的位址寫在前面"],
  ["keep one verdict", "只保留一個判決"],
  ["write the statement before it", "請把這個陳述式寫在判決或 NAT 前面"],
  [
    'read the rule from the file nft loaded it from, or write the two comparisons with another expression (counter) between them (nft -f refuses the range as written: "Range has zero or negative size")',
    "請改讀 nft 載入這條規則時用的檔案，或在兩個比較之間放另一個運算式（counter）（照這樣寫的範圍 nft -f 會拒絕：「Range has zero or negative size」）",
  ],
  ["the kernel ends the rule for every other packet", "其他封包，核心都會在這裡結束這條規則"],
  ["a zone is 16 bits", "zone 是 16 位元的數字"],
  [
    "write e.g. reject with tcp reset or reject with icmpx admin-prohibited",
    "例如寫成 reject with tcp reset 或 reject with icmpx admin-prohibited",
  ],
  ["write e.g. 8080 or 1024-2048", "例如寫成 8080 或 1024-2048"],
  ["write e.g. echo-request or nd-neighbor-solicit", "例如寫成 echo-request 或 nd-neighbor-solicit"],
  ["write e.g. port-unreachable or 1-3", "例如寫成 port-unreachable 或 1-3"],
  [
    "write new, established, related, invalid or untracked",
    "寫成 new、established、related、invalid 或 untracked",
  ],
  ["write a number from 0 to 65535", "寫成 0 到 65535 的數字"],
  ["write host, unicast, broadcast, multicast or other", "寫成 host、unicast、broadcast、multicast 或 other"],
  ["write e.g. cs1, af11, ef or a number from 0 to 63", "例如寫成 cs1、af11、ef，或 0 到 63 的數字"],
  [
    MISSING_IPSET_HINT,
    "把主機的 `ipset save` 輸出加進規則集檔案（packetwalk import 會讀 ipset-save.txt）；在那之前，模擬器兩種結果都會走",
  ],
]);

/** A hint the core builds from values (a name, a line, an example), by its English shape. */
interface KnownHint {
  /** The English hint, the values it was built from captured. */
  english: RegExp;
  /** The hint in Chinese, from the captured values. */
  zh: (m: string[]) => string;
}

/** Chinese hints the core builds from values; tried in order, after {@link KNOWN_HINTS}. */
export const KNOWN_HINT_SHAPES: readonly KnownHint[] = [
  {
    english: /^write '(ct state (?:!= )?\{ .+ \})' to test each state$/s,
    zh: (m) => `要逐一比對各個狀態，請寫 '${m[1]}'`,
  },
  {
    english: /^write '!=' for a flag byte that is none of them: (tcp flags != .+)$/s,
    zh: (m) => `旗標位元組不是其中任何一個，請寫 '!='：${m[1]}`,
  },
  {
    english:
      /^it was defined at line (\d+) in a table or chain block that is closed here \(nft keeps a define to its block\): define it at the top of the file$/,
    zh: (m) =>
      `它定義在第 ${m[1]} 行的 table 或 chain 區塊裡，那個區塊到這裡已經結束了（nft 的 define 只在它的區塊裡有效）：請把它定義在檔案開頭`,
  },
  {
    english: /^define it above its first use: (define \S+ = \.\.\.)$/,
    zh: (m) => `請在第一次使用它之前先定義：${m[1]}`,
  },
  {
    english: /^use '(redefine \S+ = \.\.\.)' to change its value$/,
    zh: (m) => `要改變它的值，請用 '${m[1]}'`,
  },
  {
    english: /^write the map's elements in the rule \((.*)\), or declare a named map and use (\S+ @NAME)$/s,
    zh: (m) => `把 map 的元素直接寫在規則裡（${m[1]}），或宣告一個具名的 map，再用 ${m[2]}`,
  },
  {
    english:
      /^(.+) compares IPv(4|6) addresses \(nft: ("Address family for hostname not supported")\); write e\.g\. (.+)$/s,
    zh: (m) => `${m[1]} 比較的是 IPv${m[2]} 位址（nft：${m[3]}）；例如寫成 ${m[4]}`,
  },
  {
    english: /^the kernel compares only the bits under the mask; write (\S+) to test them$/,
    zh: (m) => `核心只比較遮罩下的位元：要測試這些位元，請寫成 ${m[1]}`,
  },
  {
    english: /^match it on its own \((.*)\), or concatenate the packet's port \((tcp dport)\) instead$/s,
    zh: (m) => `請單獨比對它（${m[1]}），或改成串接封包本身的連接埠（${m[2]}）`,
  },
  {
    english: /^use '(.*)' \(it adds to a table that exists\), or remove the table above$/s,
    zh: (m) => `改用 '${m[1]}'（它會加到已經存在的 table 上），或拿掉前面的 table`,
  },
  {
    english: /^declare it above this line \('(.*)' or '(.*)'\)$/s,
    zh: (m) => `請在這一行之前宣告它（'${m[1]}' 或 '${m[2]}'）`,
  },
  {
    english: /^declare it above this line \('(.*)'\)$/s,
    zh: (m) => `請在這一行之前宣告它（'${m[1]}'）`,
  },
  {
    english: /^declare it with '(.*)'$/s,
    zh: (m) => `請用 '${m[1]}' 宣告它`,
  },
  {
    english: /^append the host's '(.*)' output to the file$/s,
    zh: (m) => `把主機的 '${m[1]}' 輸出加進這個檔案`,
  },
  {
    english: /^write e\.g\. (.+ 255) or (.+ 1-254)$/,
    zh: (m) => `例如寫成 ${m[1]} 或 ${m[2]}`,
  },
  {
    english: /^write '(.*)'$/s,
    zh: (m) => `寫成 '${m[1]}'`,
  },
  // An example alone (code, not words): `write e.g. dnat to 172.17.0.2:80`, `write e.g. 'chain forward { ... }'`.
  {
    english: /^write e\.g\. ((?:(?! or |, or ).)+)$/s,
    zh: (m) => `例如寫成 ${m[1]}`,
  },
];

/** What a LOG line's field should have held, as the parser names it (`expected a number after TTL=`). */
const FIELD_HOLDS: Record<string, string> = {
  "an IPv4 or IPv6 address": "IPv4 或 IPv6 位址",
  "an IPv4 address": "IPv4 位址",
  "a number": "數字",
  "a hex number like 0x00": "像 0x00 這樣的十六進位數字",
  "8 hex digits": "8 個十六進位數字",
  "4 hex digits": "4 個十六進位數字",
  "a VLAN tag control field (0 to 65535)": "VLAN tag 控制欄位（0 到 65535）",
  "a MAC address of 6 bytes": "6 個位元組的 MAC 位址",
};

/** What a line read joined from several is, as the parser names it. */
const WRAPPED_LINE: Record<string, string> = {
  "LOG line": "LOG 行",
  "nft monitor trace line": "nft monitor trace 行",
  "xtables-monitor line": "xtables-monitor 行",
  "ebtables log line": "ebtables 日誌行",
};

/** What an nft monitor trace packet line lacks at its end, as the parser names it. */
const NFT_ENDS: Record<string, string> = {
  "a value": "值",
  "a field and a value": "欄位和值",
  "an address": "位址",
};

/** What an nft monitor trace packet line's value should have been, as the parser names it. */
const NFT_VALUES: Record<string, string> = {
  "a MAC address of 6 bytes (00:00:5e:00:53:01)": "6 個位元組的 MAC 位址（00:00:5e:00:53:01）",
  "a number": "數字",
  "an IPv4 address": "IPv4 位址",
  "an IPv6 address": "IPv6 位址",
};

/** What an ebtables log line should have held, as the parser names it. */
const EBT_EXPECTED: Record<string, string> = {
  "IN=": "IN=",
  "OUT= after IN=": "IN= 後面的 OUT=",
  "' MAC source = ' after OUT=": "OUT= 後面的 ' MAC source = '",
  "' MAC dest = ' after the source MAC": "來源 MAC 後面的 ' MAC dest = '",
  "' proto = 0x....' after the destination MAC": "目的 MAC 後面的 ' proto = 0x....'",
  "four hex digits after 'proto = 0x'": "'proto = 0x' 後面的四個十六進位數字",
  "' IP SRC=', ' IPv6 SRC=' or ' ARP HTYPE=' after the protocol":
    "協定後面的 ' IP SRC='、' IPv6 SRC=' 或 ' ARP HTYPE='",
  "' IP SRC=', ' IPv6 SRC=' or ' ARP HTYPE=' after the protocol (or the line's end)":
    "協定後面的 ' IP SRC='、' IPv6 SRC=' 或 ' ARP HTYPE='（或行尾）",
  "' IP DST=' after ' IP SRC='": "' IP SRC=' 後面的 ' IP DST='",
  "', IP tos=0x..' after the destination address": "目的位址後面的 ', IP tos=0x..'",
  "', IP proto=N' after the TOS": "TOS 後面的 ', IP proto=N'",
  "a hex TOS like 0x00": "像 0x00 這樣的十六進位 TOS",
  "a protocol number": "協定號碼",
  "' SPT=N DPT=N' after the protocol": "協定後面的 ' SPT=N DPT=N'",
  "' SPT=N DPT=N' after the next header": "next header 後面的 ' SPT=N DPT=N'",
  "'IPv6 SRC=.. IPv6 DST=.., IPv6 priority=.., Next Header=N'":
    "'IPv6 SRC=.. IPv6 DST=.., IPv6 priority=.., Next Header=N'",
  "'ARP HTYPE=N, PTYPE=0x...., OPCODE=N'": "'ARP HTYPE=N, PTYPE=0x...., OPCODE=N'",
  "' ARP MAC SRC=..' after the opcode": "opcode 後面的 ' ARP MAC SRC=..'",
  "'ARP MAC SRC=.. ARP IP SRC=.. ARP MAC DST=.. ARP IP DST=..'":
    "'ARP MAC SRC=.. ARP IP SRC=.. ARP MAC DST=.. ARP IP DST=..'",
};

/** Where a LOG line ended too soon, as the parser names it. */
const ENDED: Record<string, string> = {
  line: "這一行",
  "quoted packet": "引用的封包",
  "ARP line": "ARP 行",
};

/** What a dropped file held instead of a kernel log, as the input reader names it. */
const FOUND_FILE: Record<string, string> = {
  "xz-compressed data": "xz 壓縮的資料",
  "zstd-compressed data": "zstd 壓縮的資料",
  "bzip2-compressed data": "bzip2 壓縮的資料",
  "lz4-compressed data": "lz4 壓縮的資料",
  "a zip archive": "zip 壓縮檔",
  "a binary systemd journal file": "二進位的 systemd journal 檔",
  "a packet capture (pcap)": "封包擷取檔（pcap）",
  "gzip data inside gzip data": "gzip 資料裡又包著 gzip 資料",
};

/** What the playground adds when a file stops being readable after some lines. */
const REST_LOST = ": the lines before were read, the rest is lost";

/** What an iptables or ebtables option lacks, as the readers name it (`-s needs an address`). */
const XT_NEEDS: Record<string, string> = {
  "a value": "值",
  "an address": "位址",
  "an address range": "位址範圍",
  "an interface name": "介面名稱",
  "a protocol": "協定",
  "a module name": "模組名稱",
  "a target": "target",
  "a chain name": "chain 名稱",
  "a rule number": "規則編號",
  "a rule number or a rule": "規則編號或一條規則",
  "a policy": "policy",
  "a text": "文字",
  "a port or range": "連接埠或範圍",
  "a port list": "連接埠清單",
  "a type": "類型",
  "an address type": "位址類型",
  states: "狀態",
  "a MAC address": "MAC 位址",
  "value[/mask]": "value[/mask]",
  "--to-destination": "--to-destination",
  "--to-source": "--to-source",
};

/** Where an extension may stand, in Chinese: `the mangle table's OUTPUT and FORWARD` is `mangle table 的 OUTPUT 和 FORWARD`. */
function placeZh(place: string): string {
  return place
    .replace(/^the /, "")
    .replace(/ tables?'s? /, " table 的 ")
    .replace(/ tables?$/, " table")
    .replace(/, /g, "、")
    .replace(/ and /g, " 和 ");
}

/**
 * Known messages the committed traces and fixtures do not all draw (a LOG line cut short, an
 * iptables-save file cut short): tried after {@link KNOWN_MESSAGES}, each tested with inputs made
 * to draw it (test/unit/playground/diagnostics-zh-more.test.ts).
 */
export const MORE_MESSAGES: readonly Known[] = [
  {
    code: "trace-user-chain-start",
    english:
      /^packets whose first TRACE line is at (\S+) chain '(.*)', a user chain: iptables' TRACE prints the base chain that jumps to it first \((\S+)\), so the lines before are missing from the paste; (?:with IN= (set|empty), OUT= (set|empty), most likely (\S+) (\S+) jumped to it(?: \((.+) also sees such packets\))?|its IN= (set|empty), OUT= (set|empty) fit no base chain of (\S+))(?: \((\d+) lines?\))?$/s,
    zh: (m) => {
      const said = (v: string | undefined) => (v === "set" ? "有值" : "空白");
      const which = m[6]
        ? `IN= ${said(m[4])}、OUT= ${said(m[5])}，最可能是 ${m[6]} ${m[7]} 跳到它${m[8] ? `（${m[8]} 也會看到這樣的封包）` : ""}`
        : `它的 IN= ${said(m[9])}、OUT= ${said(m[10])} 不符合 ${m[11]} 的任何 base chain`;
      return `第一行 TRACE 在 ${m[1]} 的 user chain '${m[2]}' 的封包：iptables 的 TRACE 會先印出跳到它的 base chain（${m[3]}），所以貼上的內容少了前面的行；${which}${lines(m[12])}`;
    },
  },
  {
    code: "trace-user-chain-after-refused",
    english:
      /^packets whose first TRACE line read is at (\S+) chain '(.*)', a user chain, right after a line that was refused with an error: that line is likely the packet's line at the base chain that jumped to it, so the packet is drawn from (\S+) '(.*)' on(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `第一行讀到的 TRACE 在 ${m[1]} 的 user chain '${m[2]}'、緊接在一行因錯誤而拒絕讀取的行後面的封包：那一行很可能就是這個封包在跳到它的 base chain 上的那一行，所以封包從 ${m[3]} '${m[4]}' 開始畫出${lines(m[5])}`,
  },
  {
    code: "log-spaces-inside-value",
    english:
      /^read the value of (.+?) as '(.*)', without the run of spaces in it: the kernel prints one space between fields and none inside a value, so the copy put them there(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `${m[1]} 的值讀成 '${m[2]}'，去掉了其中連續的空白：核心在欄位之間只印一個空白，值裡面不會有空白，所以這些空白是複製時加進來的${lines(m[3])}`,
  },
  {
    code: "log-line-wrapped-blank",
    english: new RegExp(
      `^(${oneOf(Object.keys(WRAPPED_LINE))}) wrapped over several lines with a blank line between its pieces \\(by a PDF's or a web page's text\\), read joined at a space(?: \\((\\d+) lines?\\))?$`,
    ),
    zh: (m) =>
      `${WRAPPED_LINE[m[1] as string]}被折成好幾行、每段之間還隔著空白行（PDF 或網頁的文字），已在空格處接回來讀取${lines(m[2])}`,
  },
  {
    code: "log-tail-not-joined",
    english:
      /^expected the start of a kernel LOG line, found the rest of one \(from (\S*)\): it does not go on with the LOG line cut short at line (\d+), and this part was not read$/,
    zh: (m) =>
      `這裡應該是核心 LOG 行的開頭，卻是某一行的後半段（從 ${m[1]} 開始）：它接不上第 ${m[2]} 行那條被截斷的 LOG 行，這一段沒有讀取`,
  },
  {
    code: "log-tail-first-line",
    english:
      /^expected the start of a kernel LOG line, found the rest of one as the input's first line: its start is missing \(the copy began inside the line\), and this part was not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心 LOG 行的開頭，輸入的第一行卻是某一行的後半段：它的開頭不見了（複製時從行的中間開始），這一段沒有讀取${lines(m[1])}`,
  },
  {
    code: "log-mac-malformed",
    english:
      /^expected MAC= as hex bytes joined by ':' \(52:54:00:12:34:56:\.\.\.\), found '(.*)': its addresses are not read$/s,
    zh: (m) =>
      `MAC= 應該是以 ':' 連接的十六進位位元組（52:54:00:12:34:56:...），卻是 '${m[1]}'：其中的位址沒有讀取`,
  },
  {
    code: "pve-no-trailing-space",
    english:
      /^the line ends without the space pvefw-logger prints after every field: its last field '(.*)' may be cut short(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `這一行結尾少了 pvefw-logger 在每個欄位後面都會印出的空白：最後一個欄位 '${m[1]}' 可能被截斷了${lines(m[2])}`,
  },
  {
    code: "log-mac-upper-case",
    english:
      /^expected MAC= in lower-case hex, as the kernel prints it, found upper case: the line was edited or typed, its MAC read in lower case(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `MAC= 應該是核心印出的小寫十六進位，卻是大寫：這一行被編輯過或是手打的，其中的 MAC 以小寫讀取${lines(m[1])}`,
  },
  {
    code: "log-address-redacted",
    english:
      /^expected an address after (.+?), found '(.*)': the address was redacted before the log was shared, so the line was not read(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `${m[1]} 後面應該是位址，卻是 '${m[2]}'：這個位址在分享日誌前被遮蔽了，所以這一行沒有讀取${lines(m[3])}`,
  },
  {
    code: "prefix-map-forward-device-empty",
    english:
      /^the LOG prefix '(.*)' is mapped to (\S+) \(--prefix-map\), but its line has IN= or OUT= empty \((IN=\S* OUT=\S*)\): the kernel prints both devices of every packet it forwards(, and a packet on lo with the other empty is the host's own)? \((\d+) lines?\)$/s,
    zh: (m) =>
      `LOG 前綴 '${m[1]}' 被 --prefix-map 對應到 ${m[2]}，但它的行 IN= 或 OUT= 是空的（${m[3]}）：核心轉送的每個封包都會印出兩個裝置${m[4] ? "，而在 lo 上、另一個裝置是空的封包是本機自己的" : ""}${lines(m[5])}`,
  },
  {
    code: "log-address-partly-redacted",
    english:
      /^expected an address after (.+?), found '(.*)': part of the address was redacted before the log was shared, so the line was read with it as written(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `${m[1]} 後面應該是位址，卻是 '${m[2]}'：這個位址的一部分在分享日誌前被遮蔽了，所以這一行照寫出來的樣子讀取這個位址${lines(m[3])}`,
  },
  // A dropped file that is not a kernel log, or a .gz cut short.
  {
    code: "input-not-text",
    english: new RegExp(
      `^expected kernel log text, found (${oneOf(Object.keys(FOUND_FILE))}|binary data \\(a (zero|control) byte at byte (\\d+)\\))(${oneOf([REST_LOST])})?$`,
    ),
    zh: (m) =>
      `輸入應該是核心日誌的文字，卻是${m[3] ? `二進位資料（第 ${m[3]} 個位元組是${m[2] === "zero" ? "零" : "控制字元"}）` : afterZh(FOUND_FILE[m[1] as string] as string)}${m[4] ? "：前面的行已經讀取，其餘的遺失了" : ""}`,
  },
  {
    code: "input-gzip-damaged",
    english: new RegExp(
      `^the gzip data is damaged or cut short(?: \\(after (\\d+) bytes of text\\))?(${oneOf([REST_LOST])})?$`,
    ),
    zh: (m) =>
      `gzip 資料損壞或被截斷${m[1] ? `（在 ${m[1]} 個位元組的文字之後）` : ""}${m[2] ? "：前面的行已經讀取，其餘的遺失了" : ""}`,
  },
  // The LOG line parser: a line cut short or edited.
  {
    code: "log-field-value",
    english: new RegExp(
      `^expected (${oneOf(Object.keys(FIELD_HOLDS))}|a number from 0 to (\\d+)) after (\\S+)=, found '(.*)'$`,
      "s",
    ),
    zh: (m) =>
      `${m[3]}= 後面應該是${m[2] ? ` 0 到 ${m[2]} 的數字` : afterZh(FIELD_HOLDS[m[1] as string] as string)}，${m[4] ? `卻是 '${m[4]}'` : "卻是空的"}`,
  },
  {
    code: "log-protocol",
    english: /^expected a protocol after PROTO= \(([^()]+) or a number\), found '(.*)'$/s,
    zh: (m) => `PROTO= 後面應該是協定（${(m[1] as string).split(", ").join("、")} 或數字），卻是 '${m[2]}'`,
  },
  {
    code: "log-field-missing",
    english: new RegExp(
      `^expected (\\S+=|'\\[' and the quoted packet) before the end of the (${oneOf(Object.keys(ENDED))})$`,
    ),
    zh: (m) =>
      `${ENDED[m[2] as string]}在 ${m[1] === "'[' and the quoted packet" ? "'[' 和引用的封包" : m[1]} 之前就結束了`,
  },
  {
    code: "log-field-damaged",
    english: /^expected (\S+=), found '(.*)': the line is damaged here$/s,
    zh: (m) => `這裡應該是 ${m[1]}，卻是 '${m[2]}'：這一行在這裡損壞了`,
  },
  {
    code: "log-ends-after-devices",
    english: /^expected (MAC= or SRC=|SRC=) after '(\S+)', found the end of the line$/,
    zh: (m) => `'${m[2]}' 後面應該是 ${m[1] === "SRC=" ? "SRC=" : "MAC= 或 SRC="}，這一行卻結束了`,
  },
  {
    code: "log-address-order",
    english: /^expected (SRC= before DST=|DST= after SRC=|SRC= and DST= before PROTO=)$/,
    zh: (m) =>
      m[1] === "SRC= before DST="
        ? "DST= 前面應該要有 SRC="
        : m[1] === "DST= after SRC="
          ? "SRC= 後面應該要有 DST="
          : "PROTO= 前面應該要有 SRC= 和 DST=",
  },
  {
    code: "log-not-closed",
    english:
      /^expected '([\])])' closing (the quoted packet of an ICMP error|the options '(OPT \(\.\.\.)'|'(INCOMPLETE \[n bytes)')(, found the end of the line)?$/,
    zh: (m) =>
      `${m[2] === "the quoted packet of an ICMP error" ? "ICMP 錯誤引用的封包" : m[3] ? `選項 '${m[3]}' ` : `'${m[4]}' `}少了結尾的 '${m[1]}'${m[5] ? "：這一行在那之前就結束了" : ""}`,
  },
  {
    code: "log-interface-long",
    english: /^(\S+)= names an interface of (\d+) characters, longer than Linux allows \((\d+)\)$/,
    zh: (m) => `${m[1]}= 的介面名稱有 ${m[2]} 個字元，超過 Linux 允許的長度（${m[3]}）`,
  },
  {
    code: "log-interface-bytes",
    english:
      /^(\S+)= holds bytes that are not UTF-8, read as U\+FFFD: the interface name is not known exactly$/,
    zh: (m) => `${m[1]}= 含有不是 UTF-8 的位元組，讀成 U+FFFD：無法確知介面名稱`,
  },
  {
    code: "journal-json-string",
    english: /^expected '(.*)' closing the string in this journalctl JSON record: the line ends first$/s,
    zh: (m) => `這筆 journalctl JSON 紀錄的字串少了結尾的 '${m[1]}'：這一行先結束了`,
  },
  {
    code: "xtables-monitor-error",
    english:
      /^xtables-monitor stopped with its own error \('(.*)'\): its trace ends at the rule it could not print$/s,
    zh: (m) => `xtables-monitor 因為它自己的錯誤（'${m[1]}'）而停止：追蹤結束在它無法印出的那條規則`,
  },
  {
    code: "nft-element-form",
    english:
      /^'(.*)' is not (an IPv4 address or prefix|an IPv6 address or prefix|a MAC address|a mark|an ICMP type|an ICMPv6 type|a packet type|a DSCP|a conntrack state|a conntrack status|a TCP flag|a zone|an Ethernet type|a netfilter family): nft refuses it(?: \("(.*)"\))?, and with it the whole file$/s,
    zh: (m) =>
      `'${m[1]}' 不是${afterZh(NOT_A[m[2] as string] as string)}：nft 會拒絕它${m[3] ? `（"${m[3]}"）` : ""}，連帶拒絕整個檔案`,
  },
  {
    code: "nft-value-width",
    english:
      /^(.+) value (\S+) exceeds its valid range 0-(\d+): nft refuses it \("(.*)"\), and with it the whole file$/s,
    zh: (m) => `${m[1]} 的值 ${m[2]} 超出有效範圍 0-${m[3]}：nft 會拒絕它（"${m[4]}"），連帶拒絕整個檔案`,
  },
  {
    code: "nft-unknown-service",
    english:
      /^'(.*)' is not a port or a service name of \/etc\/services: nft refuses it \("Could not resolve service"\), and with it the whole file$/s,
    zh: (m) =>
      `'${m[1]}' 不是連接埠，也不是 /etc/services 裡的服務名稱：nft 會拒絕它（"Could not resolve service"），連帶拒絕整個檔案`,
  },
  {
    code: "nft-concat-parts",
    english:
      /^the element at '(.*)' has (\d+) of the (\d+) parts of the key's concatenation: nft refuses it \("\.\.\. expected concatenation of \.\.\."\), and with it the whole file$/s,
    zh: (m) =>
      `位於 '${m[1]}' 的元素只有鍵的串接 ${m[3]} 個部分中的 ${m[2]} 個：nft 會拒絕它（"... expected concatenation of ..."），連帶拒絕整個檔案`,
  },
  {
    code: "nft-unknown-protocol",
    english:
      /^'(.*)' is not a protocol name of \/etc\/protocols: nft refuses a name it cannot resolve \("Could not resolve protocol name"\), and the simulator matches no packet with it$/s,
    zh: (m) =>
      `'${m[1]}' 不是 /etc/protocols 裡的協定名稱：nft 會拒絕它解析不了的名稱（"Could not resolve protocol name"），模擬器也不會讓任何封包符合它`,
  },
  {
    code: "tool-comment-without-hash",
    english: /^'(.*)' is the tool's comment without its '#': read as a comment(?: \((\d+) lines\))?$/s,
    zh: (m) => `'${m[1]}' 是工具自己的註解，只是少了 '#'：當作註解讀取${lines(m[2])}`,
  },
  {
    code: "ebt-split-tail",
    english:
      /^expected the start of an ebtables log line, found its IP\/ARP tail on a line of its own: the kernel split the line, and the tail was not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是 ebtables 日誌行的開頭，卻是獨立成一行的 IP/ARP 尾段：核心把這一行拆開了，尾段沒有讀取${lines(m[1])}`,
  },
  {
    code: "log-split-tail",
    english:
      /^expected the start of a kernel LOG line, found the rest of one on a line of its own: the sender split the line in two syslog messages, and this part was not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心 LOG 行的開頭，卻是獨立成一行的後半段：送出的一方把這一行拆成兩則 syslog 訊息，這一段沒有讀取${lines(m[1])}`,
  },
  {
    code: "xtm-numbered-unread",
    english:
      /^expected an xtables-monitor line after the page's line number, found one a rendered page spaced or wrapped: not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `頁面的行號之後應該是 xtables-monitor 的一行，卻是排版後的頁面加寬或折行的一行：沒有讀取${lines(m[1])}`,
  },
  {
    code: "conntrack-event",
    english: /^expected a packet's line, found a conntrack entry or event: not read(?: \((\d+) lines?\))?$/,
    zh: (m) => `這裡應該是封包的一行，卻是連線追蹤的項目或事件：沒有讀取${lines(m[1])}`,
  },
  {
    code: "sophos-record",
    english:
      /^expected a kernel LOG line, found a Sophos packet filter record: not read(?: \((\d+) lines?\))?$/,
    zh: (m) => `這裡應該是核心的 LOG 行，卻是 Sophos 封包過濾器的紀錄：沒有讀取${lines(m[1])}`,
  },
  {
    code: "trace-word-cut",
    english:
      /^expected 'TRACE: ' before a legacy TRACE line's 'table:chain:rule\|return\|policy:N': the start of the line seems cut off; read as a TRACE line at that table and chain(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `舊版 TRACE 行的 'table:chain:rule|return|policy:N' 前面應該有 'TRACE: '：這一行的開頭似乎被截掉了，已當作該 table 與 chain 的 TRACE 行讀取${lines(m[1])}`,
  },
  {
    code: "redacted-stamp",
    english:
      /^expected a dmesg time stamp \('\[ {2}123\.456789\]'\), found one redacted: read as the stamp, not as part of the LOG prefix(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是 dmesg 的時間戳記（'[  123.456789]'），卻是被遮蔽的戳記：已當作戳記讀取，不算進 LOG prefix${lines(m[1])}`,
  },
  {
    code: "tracepkt-row",
    english:
      /^expected a kernel LOG line, found a row of a packet tracer's table \(tracepkt: 'request a -> b', then the netfilter step it saw\): not a kernel line, not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心的 LOG 行，卻是封包追蹤工具表格中的一列（tracepkt：'request a -> b'，後面是它看到的 netfilter 步驟）：不是核心的行，沒有讀取${lines(m[1])}`,
  },
  {
    code: "tcpdump-output",
    english:
      /^expected a kernel LOG line, found tcpdump's output \(packets as an interface saw them\): not read(?: \((\d+) lines?\))?$/,
    zh: (m) => `這裡應該是核心的 LOG 行，卻是 tcpdump 的輸出（介面上看到的封包）：沒有讀取${lines(m[1])}`,
  },
  {
    code: "pf-filterlog",
    english:
      /^expected a kernel LOG line, found a pf filterlog record \(pfSense, OPNsense\): pf is not netfilter, not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心的 LOG 行，卻是 pf 的 filterlog 紀錄（pfSense、OPNsense）：pf 不是 netfilter，沒有讀取${lines(m[1])}`,
  },
  {
    code: "ulogd-xml",
    english: /^expected a kernel LOG line, found ulogd's XML output: not read(?: \((\d+) lines?\))?$/,
    zh: (m) => `這裡應該是核心的 LOG 行，卻是 ulogd 的 XML 輸出：沒有讀取${lines(m[1])}`,
  },
  {
    code: "pf-pflog",
    english:
      /^expected a kernel LOG line, found pf's log as tcpdump prints it \(pflog\): pf is not netfilter, not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心的 LOG 行，卻是 tcpdump 印出的 pf 日誌（pflog）：pf 不是 netfilter，沒有讀取${lines(m[1])}`,
  },
  {
    code: "mikrotik-firewall",
    english:
      /^expected a kernel LOG line, found a MikroTik RouterOS firewall log line: not read(?: \((\d+) lines?\))?$/,
    zh: (m) => `這裡應該是核心的 LOG 行，卻是 MikroTik RouterOS 防火牆的日誌行：沒有讀取${lines(m[1])}`,
  },
  {
    code: "ulogd-print",
    english:
      /^expected a kernel LOG line, found ulogd's OPRINT or GPRINT output \(its key=value fields\): not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心的 LOG 行，卻是 ulogd 的 OPRINT 或 GPRINT 輸出（它的 key=value 欄位）：沒有讀取${lines(m[1])}`,
  },

  // The iptables-save and ebtables-save readers.
  {
    code: "xt-no-commit",
    english: /^table '(.*)' was not closed with COMMIT$/s,
    zh: (m) => `table '${m[1]}' 沒有以 COMMIT 結束`,
  },
  {
    code: "xt-chain-undeclared",
    english: /^chain '(.*)' is not declared in (bridge )?table '(.*)'$/s,
    zh: (m) => `${m[2] ? "bridge " : ""}table '${m[3]}' 裡沒有宣告 chain '${m[1]}'`,
  },
  {
    code: "xt-needs",
    english: new RegExp(`^(\\S+) needs (${oneOf(Object.keys(XT_NEEDS))})$`),
    zh: (m) => `${m[1]} 後面少了${afterZh(XT_NEEDS[m[2] as string] as string)}`,
  },
  {
    code: "xt-outside-table",
    english: /^(COMMIT|'(.*)') outside a table$/s,
    zh: (m) => `table 之外出現 ${m[1]}`,
  },
  {
    code: "xt-listing",
    english: /^this looks like `iptables -S` or `iptables -L` output, which names no table$/,
    zh: () => "這看起來是 `iptables -S` 或 `iptables -L` 的輸出，裡面沒有寫出 table",
  },
  {
    code: "xt-table-name",
    english: /^'(.*)' is not a table name$/s,
    zh: (m) => `'${m[1]}' 不是 table 名稱`,
  },
  {
    code: "xt-chain-declaration",
    english: /^malformed chain declaration$/,
    zh: () => "chain 宣告的格式不對",
  },
  {
    code: "xt-user-chain-policy",
    english:
      /^'(.*)' is not a built-in chain of table '(.*)', so its policy (\S+) is ignored: iptables-nft-restore makes it a user chain, iptables-legacy-restore refuses the line$/s,
    zh: (m) =>
      `'${m[1]}' 不是 table '${m[2]}' 的內建 chain，所以它的 policy ${m[3]} 不算數：iptables-nft-restore 把它當成使用者 chain，iptables-legacy-restore 則拒絕這一行`,
  },
  {
    code: "xt-unexpected-word",
    english: /^unexpected word '(.*)'$/s,
    zh: (m) => `這裡不該出現 '${m[1]}'`,
  },
  // iptables-restore input written by hand (restore commands, states, protocols, devices, NAT targets).
  {
    code: "xt-bad-state",
    english: /^'(.*)' is not a conntrack state \(iptables: Bad ctstate\)$/s,
    zh: (m) => `'${m[1]}' 不是 conntrack 狀態（iptables：「Bad ctstate」）`,
  },
  {
    code: "xt-chain-exists",
    english: /^chain '(.*)' already exists in table '(.*)' \(iptables: Chain already exists\)$/s,
    zh: (m) => `table '${m[2]}' 裡已經有 chain '${m[1]}'（iptables：「Chain already exists」）`,
  },
  {
    code: "ebt-chain-command",
    english: /^'(.*)': ebtables-restore refuses it \("(.+)"\)$/s,
    zh: (m) => `'${m[1]}'：ebtables-restore 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-rule-number",
    english:
      /^(-[IDR]) (\d+): the chain has (\d+) rules? here(?:, so a rule goes in at 1 to (\d+))? \(iptables: (Index of (?:insertion|deletion|replacement) too big)\)$/,
    zh: (m) =>
      `${m[1]} ${m[2]}：這個 chain 在這一行之前有 ${m[3]} 條規則${m[4] ? `，所以規則只能放在 1 到 ${m[4]}` : ""}（iptables：「${m[5]}」）`,
  },
  {
    code: "xt-delete-both",
    english: /^-D takes a rule number or a rule, not both$/,
    zh: () => "-D 後面只能接規則編號或一條規則，不能兩者都給",
  },
  {
    code: "xt-delete-missing",
    english:
      /^-D (\S+): no rule of chain '(.*)' reads '(.*)' \(iptables: (Bad rule \(does a matching rule exist in that chain\?\))\)$/s,
    zh: (m) => `-D ${m[1]}：chain '${m[2]}' 裡沒有寫成 '${m[3]}' 的規則（iptables：「${m[4]}」）`,
  },
  {
    code: "xt-policy-user-chain",
    english:
      /^'(.*)' is not a built-in chain of table '(.*)', so it has no policy \(iptables: Bad built-in chain name\)$/s,
    zh: (m) =>
      `'${m[1]}' 不是 table '${m[2]}' 的內建 chain，所以沒有 policy（iptables：「Bad built-in chain name」）`,
  },
  {
    code: "xt-delete-builtin",
    english: /^'(.*)' is a built-in chain: -X deletes user chains only$/s,
    zh: (m) => `'${m[1]}' 是內建 chain：-X 只刪除使用者自訂的 chain`,
  },
  {
    code: "xt-delete-chain-used",
    english:
      /^chain '(.*)' (?:still has (\d+) rules?|is jumped to \(line (\d+)\)): -X deletes an empty chain nothing refers to \(iptables: (Directory not empty \/ Too many links)\)$/s,
    zh: (m) =>
      `chain '${m[1]}' ${m[2] ? `還有 ${m[2]} 條規則` : `還被第 ${m[3]} 行跳轉過去`}：-X 只刪除空的、沒有被參照的 chain（iptables：「${m[4]}」）`,
  },
  {
    code: "xt-negated-list",
    english:
      /^'(! \S+ \S+)': iptables takes '!' with one address only \((! not allowed with multiple source or destination IP addresses)\)$/s,
    zh: (m) => `'${m[1]}'：iptables 只接受單一位址前面加 '!'（「${m[2]}」）`,
  },
  {
    code: "xt-empty-list-address",
    english: /^'(.*)' has an empty address in its list$/s,
    zh: (m) => `'${m[1]}' 的清單裡有一個空的位址`,
  },
  {
    code: "xt-shared-file-refused",
    english: /^the -6 rules are not read: ip6tables-restore would refuse this file here \((.*)\)$/s,
    zh: (m) => `-6 的規則沒有讀取：ip6tables-restore 會在這裡拒絕這個檔案（「${m[1]}」）`,
  },
  {
    code: "xt-family-by-name",
    english:
      /^no '# Generated by' header and no rule that says its family: read as ip6tables-save output \(IPv6\), as the file's name '(.*)' says$/s,
    zh: (m) =>
      `沒有「# Generated by」標頭，也沒有能看出位址家族的規則：依檔名 '${m[1]}' 當成 ip6tables-save 的輸出（IPv6）讀取`,
  },
  {
    code: "xt-option-needs-proto",
    english:
      /^(\S+) needs -p (.+) in the rule: iptables-restore refuses it (?:with -p (.+)|in a rule without -p)$/s,
    zh: (m) =>
      `${m[1]} 需要規則裡有 -p ${(m[2] as string).replace(/, | or /g, "、")}：${m[3] ? `規則是 -p ${m[3]}` : "規則沒有 -p"}，iptables-restore 會拒絕`,
  },
  {
    code: "xt-match-requires-proto",
    english:
      /^(\S+) of -m (tcp|udp) in a rule (?:of (.+)|without -p): iptables-restore refuses it \((TCP|UDP) match requires '-p (?:tcp|udp)'\)$/s,
    zh: (m) =>
      `-m ${m[2]} 的 ${m[1]}：${m[3] ? `規則是 ${m[3]}` : "規則沒有 -p"}，iptables-restore 會拒絕（${m[4]} match requires '-p ${m[2]}'）`,
  },
  {
    code: "xt-option-twice",
    english: /^(\S+) is given twice in one rule \(iptables: (multiple -[sdpiof] flags not allowed)\)$/,
    zh: (m) => `同一條規則裡 ${m[1]} 出現了兩次（iptables：「${m[2]}」）`,
  },
  {
    code: "xt-bang-after-option",
    english: /^'((\S+) ! .+)': iptables-restore 1\.8\.9 reads this '!' as \S+'s value, not as a negation$/s,
    zh: (m) => `'${m[1]}'：iptables-restore 1.8.9 會把這個 '!' 當成 ${m[2]} 的值，而不是否定`,
  },
  {
    code: "xt-bang-alone",
    english: /^'!' negates no option: iptables-restore refuses it \((.+)\)$/,
    zh: (m) => `'!' 沒有否定任何選項：iptables-restore 會拒絕（「${m[1]}」）`,
  },
  {
    code: "xt-not-inverted",
    english:
      /^iptables refuses '! (--[\w-]+)' \(((?:\S+: option "--[\w-]+"|--[\w-]+ (?:flag|option)) cannot be inverted)\)$/,
    zh: (m) => `iptables 會拒絕 '! ${m[1]}'（「${m[2]}」）`,
  },
  {
    code: "xt-bang-second-word",
    english:
      /^'!' where (--[\w-]+) expects its second word, (the flags that must be set|the flags \(src, dst\)|the chunk types), after '(.*)': iptables-restore refuses it \((.+)\)$/,
    zh: (m) =>
      `${m[1]} 在 '${m[3]}' 之後應該接第二個值（${{ "the flags that must be set": "必須設定的 flag", "the flags (src, dst)": "方向 src 或 dst" }[m[2] as string] ?? "chunk 類型"}），卻是 '!'：iptables-restore 會拒絕（「${m[4]}」）`,
  },
  {
    code: "xt-bpf-both",
    english:
      /^-m bpf takes (--[\w-]+) or (--[\w-]+), not both: iptables-restore refuses the rule \("(.+)"\)$/,
    zh: (m) => `-m bpf 只能用 ${m[1]} 或 ${m[2]} 其中一個：兩個都寫時 iptables-restore 會拒絕（「${m[3]}」）`,
  },
  {
    code: "xt-negated-protocol-match",
    english:
      /^(\S+) in a rule of '! -p (\S+)': the kernel refuses its match when the protocol is negated \(iptables-restore: "RULE_APPEND failed \(Invalid argument\)"\)$/,
    zh: (m) =>
      `'! -p ${m[2]}' 的規則裡有 ${m[1]}：協定被否定時，核心會拒絕它的比對（iptables-restore：「RULE_APPEND failed (Invalid argument)」）`,
  },
  {
    code: "ebt-ambiguous-option",
    english:
      /^'(--[\w-]+)' is ambiguous to ebtables: it starts (.+); ebtables-restore refuses the rule(?: \(Unknown argument: '(.*)'\))?$/s,
    zh: (m) =>
      `對 ebtables 來說 '${m[1]}' 有歧義：它是 ${(m[2] as string).replace(/, /g, "、")} 的開頭；ebtables-restore 會拒絕這條規則${m[3] ? `（「Unknown argument: '${m[3]}'」）` : ""}`,
  },
  {
    code: "xt-interface-too-long",
    english:
      /^'(.*)' is longer than an interface name can be \((15) characters; iptables: (must be shorter than IFNAMSIZ)\)$/s,
    zh: (m) => `'${m[1]}' 比介面名稱能有的長度還長（最多 ${m[2]} 個字元；iptables：「${m[3]}」）`,
  },
  {
    code: "xt-too-many-ports",
    english:
      /^'(.*)' holds more than (15) ports \(a range counts as two\): iptables refuses it \((too many ports specified)\)$/s,
    zh: (m) => `'${m[1]}' 超過 ${m[2]} 個連接埠（一個範圍算兩個）：iptables 會拒絕（「${m[3]}」）`,
  },
  {
    code: "xt-replace-list",
    english:
      /^-R with an address list: iptables replaces one rule with one \((Replacement rule does not specify a unique address)\)$/,
    zh: (m) => `-R 搭配位址清單：iptables 一次只用一條規則取代一條規則（「${m[1]}」）`,
  },
  {
    code: "xt-chain-extra",
    english: /^unexpected '(.*)' after the chain(?: \(iptables: Bad argument\))?$/s,
    zh: (m) => `chain 後面不該出現 '${m[1]}'`,
  },
  {
    code: "xt-chain-target-name",
    english:
      /^'(.*)' is a target's name: a chain may not be called so \(iptables: (chain name may not clash with target name)\)$/s,
    zh: (m) => `'${m[1]}' 是 target 的名稱，chain 不能取這個名字（iptables：「${m[2]}」）`,
  },
  {
    code: "xt-reject-type",
    english: /^'(.*)' is not a reject type of (ip6?tables) \(unknown reject type\)$/s,
    zh: (m) => `'${m[1]}' 不是 ${m[2]} 的 reject 類型（「unknown reject type」）`,
  },
  {
    code: "xt-icmp-option-family",
    english:
      /^(--icmp(?:v6)?-type) is an (ip6?tables) option: (ip6?tables) refuses it \((unknown option "--icmp(?:v6)?-type")\)$/,
    zh: (m) => `${m[1]} 是 ${m[2]} 的選項，${m[3]} 會拒絕（「${m[4]}」）`,
  },
  {
    code: "xt-too-many-rules",
    english: /^the address lists make more than (\d+) rules of one line$/,
    zh: (m) => `這些位址清單讓一行變成超過 ${m[1]} 條規則`,
  },
  {
    code: "xt-listed-table",
    english:
      /^no '\*table' line: read as `iptables -S` output of table '(.*)', as (?:its chains? (.+) says?|iptables -S prints it unless -t is given)$/s,
    zh: (m) =>
      `沒有「*table」行：當成 table '${m[1]}' 的 \`iptables -S\` 輸出讀取，${m[2] ? `因為它設定了 ${(m[2] as string).split(", ").join("、")} 的 policy` : "因為 iptables -S 沒有 -t 時印的就是它"}`,
  },
  {
    code: "xt-device-in-chain",
    english:
      /^(-[io]) is not valid in (\S+): a packet there has no (input|output) device yet \(iptables: (Can't use -[io] with \S+)\)$/,
    zh: (m) =>
      `${m[2]} 裡不能用 ${m[1]}：封包在這裡還沒有${m[3] === "input" ? "輸入" : "輸出"}介面（iptables：「${m[4]}」）`,
  },
  {
    code: "xt-nat-target-place",
    english:
      /^target (\S+) is only valid in the (nat|filter) table's (.+), not in (\S+) (\S+): the kernel refuses it \(iptables-restore: "RULE_APPEND failed \(Invalid argument\)"\)$/s,
    zh: (m) =>
      `target ${m[1]} 只能用在 ${m[2]} table 的 ${(m[3] as string).replace(/, /g, "、").split(" and ").join(" 和 ")}，不能用在 ${m[4]} ${m[5]}：核心會拒絕（iptables-restore：「RULE_APPEND failed (Invalid argument)」）`,
  },
  {
    code: "xt-owner-place",
    english:
      /^match owner is only valid in OUTPUT and POSTROUTING, not in (\S+) (\S+): the kernel refuses it \(iptables-restore: "RULE_APPEND failed \(Invalid argument\)"\)$/,
    zh: (m) =>
      `match owner 只能用在 OUTPUT 和 POSTROUTING，不能用在 ${m[1]} ${m[2]}：核心會拒絕（iptables-restore：「RULE_APPEND failed (Invalid argument)」）`,
  },
  {
    code: "xt-extension-place",
    english:
      /^(target \S+|match \S+|TCPMSS --clamp-mss-to-pmtu|addrtype --limit-iface-(?:in|out)|devgroup --(?:src|dst)-group|--physdev-(?:out|is-out)) is only valid in (.+?), not in (\S+) (\S+?)(?:, which (\S+) reaches \(the jump at line (\d+)\))?: the kernel refuses it \(iptables-restore: "RULE_APPEND failed \(Invalid argument\)"\)$/s,
    zh: (m) =>
      `${(m[1] as string).startsWith("--") ? `'${m[1]}'` : m[1]} 只能用在 ${placeZh(m[2] as string)}，不能用在 ${m[3]} ${m[4]}${m[5] ? `（${m[5]} 經由第 ${m[6]} 行的跳轉會走到這裡）` : ""}：核心會拒絕（iptables-restore：「RULE_APPEND failed (Invalid argument)」）`,
  },
  {
    code: "xt-target-protocol",
    english:
      /^(target \S+|--reject-with tcp-reset) needs a rule of (-p tcp(?: or -p udp)?): the kernel refuses it for any other protocol \(iptables-restore: "RULE_APPEND failed \(Invalid argument\)"\)$/,
    zh: (m) =>
      `${m[1]} 的規則必須有 ${m[2]}：其他協定核心都會拒絕（iptables-restore：「RULE_APPEND failed (Invalid argument)」）`,
  },
  {
    code: "xt-ct-raw-table",
    english: /^target '(CT|NOTRACK)' is only valid in the raw table, not '(\S+)'$/,
    zh: (m) => `target '${m[1]}' 只能用在 raw table，不能用在 '${m[2]}'`,
  },
  {
    code: "nft-ct-address-family",
    english:
      /^'(ct (?:(?:original|reply) )?(?:saddr|daddr))' says no family, and nothing before it in the rule does: nft refuses the rule \(("cannot determine ip protocol version, use "ip \S+" or "ip6 \S+" instead")\)$/,
    zh: (m) => `'${m[1]}' 沒有指定協定族，規則裡它前面也沒有：nft 會拒絕這條規則（${m[2]}）`,
  },
  {
    code: "nft-family-exthdr",
    english: /^'(ip6?) exthdr': nft refuses it \("syntax error, unexpected exthdr"\)$/,
    zh: (m) => `'${m[1]} exthdr'：nft 會拒絕（「syntax error, unexpected exthdr」）`,
  },
  {
    code: "nft-log-group-exclusive",
    english:
      /^'log \.\.\. (flags|level) \.\.\. group': (?:flags|level) shapes the kernel's log line, and group sends the packet to a netlink listener \(ulogd\) instead: nft refuses the rule \("(?:flags|level) and group are mutually exclusive"\)$/,
    zh: (m) =>
      `'log ... ${m[1]} ... group'：${m[1]} 決定核心日誌行的樣子，group 則把封包改交給 netlink 的接收程式（ulogd）：nft 會拒絕這條規則（「${m[1]} and group are mutually exclusive」）`,
  },
  {
    code: "nft-expression-hook",
    english:
      /^'(socket|tproxy)' is only valid in a chain of hook (.+), not (\S+): the kernel refuses the rule \(nft: "Could not process rule: Operation not supported"\)$/,
    zh: (m) =>
      `'${m[1]}' 只能用在 hook 為 ${placeZh(m[2] as string)} 的 chain，不能用在 ${m[3]}：核心會拒絕這條規則（nft：「Could not process rule: Operation not supported」）`,
  },
  {
    code: "nft-expression-hooks-reached",
    english:
      /^'((?:fib|rt) [^']+|socket|tproxy)' works only in (.+) chains, and chain (\S+) (?:is at|is reached from chain (\S+) at) the (\S+) hook$/,
    zh: (m) =>
      `'${m[1]}' 只能用在 ${placeZh(m[2] as string)} 的 chain，而 chain ${m[3]} ${m[4] ? `經由 chain ${m[4]} 從 ${m[5]} hook 走到` : `掛在 ${m[5]} hook`}`,
  },
  {
    code: "nft-ct-port-protocol",
    english:
      /^'(ct (?:(?:original|reply) )?proto-(?:src|dst))' compares a port, but nothing before it says the transport protocol: nft refuses the rule \("Can't parse symbolic invalid expressions"\)$/,
    zh: (m) =>
      `'${m[1]}' 比對的是連接埠，但它前面沒有指定傳輸層協定：nft 會拒絕這條規則（「Can't parse symbolic invalid expressions」）`,
  },
  {
    code: "nft-ct-port-direction",
    english:
      /^'(ct proto-(?:src|dst))' says no direction: the kernel refuses the rule \(nft: "Could not process rule: Invalid argument"\)$/,
    zh: (m) =>
      `'${m[1]}' 沒有指定方向：核心會拒絕這條規則（nft：「Could not process rule: Invalid argument」）`,
  },
  {
    code: "xt-never-matches",
    english: /^match '(.+)' never matches: the rule is never taken$/,
    zh: (m) => `match '${m[1]}' 永遠不會符合：這條規則永遠不會被採用`,
  },
  {
    code: "xt-bare-target",
    english: /^target (\S+) needs options: iptables-restore refuses it without them \((".*")\)$/,
    zh: (m) => `target ${m[1]} 需要選項：沒有選項時 iptables-restore 會拒絕（${m[2]}）`,
  },
  {
    code: "nft-nat-port-protocol",
    english:
      /^'(.+)' maps a port, but nothing before it says the transport protocol: nft refuses the rule \("transport protocol mapping is only valid after transport protocol match"\)$/,
    zh: (m) =>
      `'${m[1]}' 對應了連接埠，但它前面沒有指定傳輸層協定：nft 會拒絕這條規則（「transport protocol mapping is only valid after transport protocol match」）`,
  },
  {
    code: "nft-set-needs-interval",
    english:
      /^(set|map) (\S+): element '(.+)' is a (prefix|range), which a (?:set|map) without 'flags interval' cannot hold: nft refuses it \(("You must add 'flags interval' to your (?:set|map) declaration if you want to add (?:prefix|range) elements")\)$/,
    zh: (m) =>
      `${m[1]} ${m[2]}：元素 '${m[3]}' 是${m[4] === "prefix" ? "網段" : "範圍"}，沒有 'flags interval' 的 ${m[1]} 放不下：nft 會拒絕（${m[5]}）`,
  },
  {
    code: "nft-jump-to-base-chain",
    english:
      /^chain '(\S+)' is a base chain \(hook (\S+)\): the kernel refuses a (jump|goto) to it \(nft: "Could not process rule: Operation not supported"\)$/,
    zh: (m) =>
      `chain '${m[1]}' 是 base chain（hook ${m[2]}）：核心不接受 ${m[3]} 到它（nft：「Could not process rule: Operation not supported」）`,
  },
  {
    code: "nft-route-chain-hook",
    english:
      /^a chain of type route is only valid at hook output, not (\S+): the kernel refuses it \(nft: "Could not process rule: Operation not supported"\)$/,
    zh: (m) =>
      `type route 的 chain 只能掛在 hook output，不能掛在 ${m[1]}：核心會拒絕（nft：「Could not process rule: Operation not supported」）`,
  },
  {
    code: "nft-priority-name-hook",
    english:
      /^priority '(dstnat|srcnat)' is only valid at hook (\S+), not (\S+): nft refuses the chain \("invalid priority expression value in this context"\)$/,
    zh: (m) =>
      `priority '${m[1]}' 只能用在 hook ${m[2]}，不能用在 ${m[3]}：nft 會拒絕這個 chain（「invalid priority expression value in this context」）`,
  },
  {
    code: "nft-ifname-length",
    english:
      /^interface name '(.+)' has (\d+) characters, a device's name 15 at most: nft refuses it \("String exceeds maximum length of 16"\)$/,
    zh: (m) =>
      `介面名稱 '${m[1]}' 有 ${m[2]} 個字元，裝置名稱最多 15 個：nft 會拒絕（「String exceeds maximum length of 16」）`,
  },
  {
    code: "nft-numgen-mod-zero",
    english:
      /^'(numgen \S+ mod 0)' draws from no value: the kernel refuses the rule \(nft: "Could not process rule: Numerical result out of range"\)$/,
    zh: (m) =>
      `'${m[1]}' 沒有可抽的值：核心會拒絕這條規則（nft：「Could not process rule: Numerical result out of range」）`,
  },
  {
    code: "nft-limit-unit",
    english: /^'(\S+)' is not a time unit: nft refuses it \("syntax error, unexpected string"\)$/,
    zh: (m) => `'${m[1]}' 不是時間單位：nft 會拒絕（「syntax error, unexpected string」）`,
  },
  {
    code: "nft-limit-zero",
    english:
      /^'(limit rate 0|burst 0 packets)' passes no packet: nft refuses it \("(Could not process rule: Invalid argument|packet limit burst must be > 0)"\)$/,
    zh: (m) => `'${m[1]}' 不讓任何封包通過：nft 會拒絕（「${m[2]}」）`,
  },
  {
    code: "nft-mark-prefix",
    english:
      /^'(.+?)': a mark (has 32 bits, and nft reads '\/' as a prefix length|is set to a value, not a prefix): nft refuses it \("(.+)"\)$/,
    zh: (m) =>
      `'${m[1]}'：${m[2]?.startsWith("has") ? "mark 只有 32 位元，而 nft 把 '/' 當成前綴長度" : "mark 只能設成一個值，不能設成前綴"}：nft 會拒絕（「${m[3]}」）`,
  },
  {
    code: "nft-queue-syntax",
    english: /^'(\S+)' where nft's queue takes no \S+: nft refuses it \("syntax error, unexpected (\S+)"\)$/,
    zh: (m) => `nft 的 queue 在這裡不接受 '${m[1]}'：nft 會拒絕（「syntax error, unexpected ${m[2]}」）`,
  },
  {
    code: "nft-queue-fanout-range",
    english:
      /^'fanout' needs a range of queues, and '(\S+ \S+)' names one: nft refuses it \("fanout requires a range to be specified"\)$/,
    zh: (m) =>
      `'fanout' 需要一段佇列範圍，而 '${m[1]}' 只指定一個：nft 會拒絕（「fanout requires a range to be specified」）`,
  },
  {
    code: "nft-fib-family",
    english:
      /^'(fib [^']+)' in an nft (bridge|arp) table: the kernel has no fib lookup for its packets and refuses the rule \(nft: "Could not process rule: No such file or directory"\)$/,
    zh: (m) =>
      `nft ${m[2]} table 裡的 '${m[1]}'：核心沒有給這類封包的 fib 查詢，會拒絕這條規則（nft：「Could not process rule: No such file or directory」）`,
  },
  {
    code: "nft-map-key-twice",
    english:
      /^map key '(.+)' is given twice with other data: the kernel refuses it \(nft: "Could not process rule: File exists"\)$/,
    zh: (m) =>
      `map 的鍵 '${m[1]}' 出現兩次，對應的資料不同：核心會拒絕（nft：「Could not process rule: File exists」）`,
  },
  {
    code: "nft-set-concat-element",
    english:
      /^(set|map) (\S+): element '(.+)' joins values with '\.', and the (?:set|map) holds one value of type (\S+): nft refuses it \("Can't parse symbolic invalid expressions"\)$/,
    zh: (m) =>
      `${m[1]} ${m[2]}：元素 '${m[3]}' 用 '.' 連接了幾個值，而這個 ${m[1]} 只存放一個 ${m[4]} 型別的值：nft 會拒絕（「Can't parse symbolic invalid expressions」）`,
  },
  {
    code: "nft-bridge-ct-address",
    english:
      /^'(ct (?:(?:original|reply) )?(?:saddr|daddr))' in a (bridge|netdev) table: the kernel refuses the rule, whatever the rule matched before \(nft: "Could not process rule: Address family not supported by protocol"\)$/,
    zh: (m) =>
      `${m[2]} table 裡的 '${m[1]}'：不論規則前面比對了什麼，核心都會拒絕（nft：「Could not process rule: Address family not supported by protocol」）`,
  },
  {
    code: "xt-statistic-range",
    english:
      /^(statistic: bad value for option "--(?:probability|every|packet)", or out of range \((?:0-1|1-4294967295|0-4294967295)\)\.|the --packet p must be 0 <= p <= n-1)$/,
    zh: (m) => `-m statistic 的值超出範圍，iptables-restore 會拒絕（「${m[1]}」）`,
  },
  {
    code: "xt-statistic-nth",
    english: /^--every and --packet must be specified when using nth mode$/,
    zh: (m) => `-m statistic 的 nth 模式需要 --every 和 --packet：iptables-restore 會拒絕（「${m[0]}」）`,
  },
  {
    code: "xt-statistic-random",
    english: /^--probability must be specified when using random mode$/,
    zh: (m) =>
      `-m statistic 的 random 模式（沒寫 --mode 時也是）需要 --probability：iptables-restore 會拒絕（「${m[0]}」）`,
  },
  {
    code: "xt-statistic-no-mode",
    english: /^statistic: option "--mode" must be specified$/,
    zh: (m) => `-m statistic 一定要寫 --mode：iptables-restore 會拒絕（「${m[0]}」）`,
  },
  {
    code: "xt-statistic-also",
    english: /^statistic: option "(--every|--packet)" also requires "(--packet|--every)"\.$/,
    zh: (m) => `-m statistic 的 ${m[1]} 需要同時寫 ${m[2]}：iptables-restore 會拒絕（「${m[0]}」）`,
  },
  {
    code: "xt-statistic-bad-mode",
    english: /^Bad mode "(.*)"$/,
    zh: (m) =>
      `「${m[1]}」不是 -m statistic 的模式（只有 random 和 nth）：iptables-restore 會拒絕（「${m[0]}」）`,
  },
  {
    code: "xt-statistic-no-value",
    english:
      /^(--[\w-]+) needs a value: iptables-restore refuses it \((option "--[\w-]+" requires an argument)\)$/,
    zh: (m) => `${m[1]} 後面需要一個值：iptables-restore 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-mark-width",
    english:
      /^'(\S+)' does not fit a mark's 32 bits: iptables-restore refuses it \("(\S+: bad integer value for option "--[\w-]+", or out of range\.)"\)$/,
    zh: (m) => `'${m[1]}' 超出 mark 的 32 位元：iptables-restore 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-rate",
    english: /^'(\S+)' is not a rate: (iptables|ebtables)-restore refuses it \((.+)\)$/,
    zh: (m) => `'${m[1]}' 不是速率：${m[2]}-restore 會拒絕（「${m[3]}」）`,
  },
  {
    code: "xt-weekday",
    english: /^'(\S+)' names a day iptables does not know: iptables-restore refuses it \("(.+)"\)$/,
    zh: (m) => `'${m[1]}' 裡有 iptables 不認得的星期：iptables-restore 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-needs-option",
    english:
      /^-m (\S+) needs (--[\w-]+(?: or --[\w-]+)?): iptables-restore refuses the rule without it \("(\S+: option "--[\w-]+" must be specified|You have to specify --hashlimit|STRING match: You must specify `--string' or `--hex-string'|bpf: one of --bytecode or --pinned is required)"\)$/,
    zh: (m) =>
      `-m ${m[1]} 需要 ${(m[2] as string).replace(" or ", " 或 ")}：少了它 iptables-restore 會拒絕這條規則（「${m[3]}」）`,
  },
  {
    code: "xt-second-command",
    english:
      /^a second command '(-[A-Z]|--[a-z-]+)' in one line: (iptables|ebtables)-restore refuses it \("(Cannot use -[A-Z] with -[A-Z]|Multiple commands are not allowed|Command -Z only allowed together with command -L)"\)$/,
    zh: (m) => `同一行裡有第二個命令 '${m[1]}'：${m[2]}-restore 會拒絕（「${m[3]}」）`,
  },
  {
    code: "xt-option-twice",
    english:
      /^'(--[\w-]+)' is given twice in (?:one -m (\S+)|the (\S+) match of the rule's -p): iptables-restore refuses it \("(.+)"\)$/,
    zh: (m) =>
      `${m[2] ? `同一個 -m ${m[2]}` : `-p 載入的 ${m[3]} match`} 裡 '${m[1]}' 出現了兩次：iptables-restore 會拒絕（「${m[4]}」）`,
  },
  {
    code: "xt-target-option-twice",
    english:
      /^'(--[\w-]+)' is given twice to -j (\S+): iptables-restore refuses it \("(\S+: option "--[\w-]+" can only be used once\.)"\)$/,
    zh: (m) => `-j ${m[2]} 的 '${m[1]}' 出現了兩次：iptables-restore 會拒絕（「${m[3]}」）`,
  },
  {
    code: "xt-option-clash",
    english:
      /^'(--[\w-]+)' cannot be given with '(--[\w-]+)' in one (-[jm] \S+): iptables-restore refuses it \("(.+)"\)$/,
    zh: (m) => `同一個 ${m[3]} 裡 '${m[1]}' 不能和 '${m[2]}' 一起寫：iptables-restore 會拒絕（「${m[4]}」）`,
  },
  {
    code: "xt-own-option-equals",
    english:
      /^'(--[\w-]+=.*)' is one word to iptables-restore, which reads it whole as the option's value and refuses it \((.+)\)$/s,
    zh: (m) => `iptables-restore 把 '${m[1]}' 整個當成選項的值，因此會拒絕（「${m[2]}」）`,
  },
  {
    code: "ebt-chain-policy",
    english:
      /^'(.*)' is not a policy of (built-in )?chain '(\S+)': ebtables-restore refuses the table \("(final implicit COMMIT failed)"\)$/,
    zh: (m) =>
      `'${m[1]}' 不是${m[2] ? "內建 " : ""} chain '${m[3]}' 的 policy：ebtables-restore 會拒絕整個 table（「${m[4]}」）`,
  },
  {
    code: "ebt-option-twice",
    english: /^(-\S+) is given twice: ebtables refuses it \("(Multiple use of same option not allowed)"\)$/,
    zh: (m) => `${m[1]} 出現了兩次：ebtables 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-policy-element-twice",
    english:
      /^'(--[\w-]+)' is given twice in one policy element: iptables-restore refuses it \("(policy match: double --[\w-]+ option)"\)$/,
    zh: (m) => `同一個 policy 元素裡 '${m[1]}' 出現了兩次：iptables-restore 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-unknown-option",
    english:
      /^'(--[^\s']*)' is no option of this rule's matches: iptables-restore refuses it \((unknown option "[^"]*")\)$/,
    zh: (m) => `'${m[1]}' 不是這條規則的 match 的選項：iptables-restore 會拒絕（「${m[2]}」）`,
  },
  {
    code: "xt-single-quote",
    english:
      /^'(.*)' is in single quotes, which (iptables|ebtables)-restore does not read as quotes: it splits the value at its space and refuses the line$/s,
    zh: (m) => `'${m[1]}' 用的是單引號，${m[2]}-restore 不把它當引號：會在空白處把值拆開，並拒絕這一行`,
  },
  {
    code: "xt-rate-fast",
    english:
      /^'(\S+)' is faster than (-m limit|-m hashlimit|--limit) counts: (iptables|ebtables)-restore refuses it \((Rate too fast "\S+")\)$/,
    zh: (m) => `'${m[1]}' 比 ${m[2]} 能計數的還快：${m[3]}-restore 會拒絕（「${m[4]}」）`,
  },
  {
    code: "ebt-no-chain",
    english:
      /^'(\S+)' is neither a chain of table '(\S+)' nor a target ebtables knows: ebtables-restore refuses the rule \("(Chain '\S+' does not exist)"\)$/,
    zh: (m) =>
      `'${m[1]}' 不是 table '${m[2]}' 的 chain，也不是 ebtables 認得的 target：ebtables-restore 會拒絕這條規則（「${m[3]}」）`,
  },
  {
    code: "log-line-folded-rest",
    english:
      /^expected the start of a kernel LOG line, found the rest of one: the lines before look folded at (\d+) characters \(fold -w \1, a terminal's copy\), and joined they do not read, so this part was not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心 LOG 行的開頭，卻是某一行的後半段：前面幾行看起來是在第 ${m[1]} 個字元處被折行的（fold -w ${m[1]} 或終端機複製時折的），接起來也讀不懂，所以這一段沒有讀取${lines(m[2])}`,
  },
  {
    code: "log-line-folded",
    english: new RegExp(
      `^(${oneOf(Object.keys(WRAPPED_LINE))}) folded at (\\d+) characters \\(by fold -w \\2 or a terminal's copy, inside a word too\\), read joined(?: \\((\\d+) lines?\\))?$`,
    ),
    zh: (m) =>
      `${WRAPPED_LINE[m[1] as string]}在第 ${m[2]} 個字元處被折行（fold -w ${m[2]} 或終端機複製時折的，連字中間也會折），已接回來讀取${lines(m[3])}`,
  },
  {
    code: "log-line-wrapped",
    english: new RegExp(
      `^(${oneOf(Object.keys(WRAPPED_LINE))}) wrapped over several lines \\(by a web page, an editor or a mail client\\), read joined at a space(?: \\((\\d+) lines?\\))?$`,
    ),
    zh: (m) =>
      `${WRAPPED_LINE[m[1] as string]}被折成好幾行（網頁、編輯器或郵件軟體折的），已在空格處接回來讀取${lines(m[2])}`,
  },
  // A line of nft monitor trace, or of ebtables, cut (or wrapped and not read joined).
  {
    code: "nft-packet-word",
    english:
      /^expected a header's name \(ether, ip, ip6, tcp, \.\.\.\) in an nft monitor trace packet line, found '(.*)'$/s,
    zh: (m) => `nft monitor trace 的 packet 行在這裡應該是標頭名稱（ether、ip、ip6、tcp……），卻是 '${m[1]}'`,
  },
  {
    code: "nft-packet-field",
    english: /^expected a field of '(.*)' in an nft monitor trace packet line, found '(.*)'$/s,
    zh: (m) => `nft monitor trace 的 packet 行裡 '${m[1]}' 後面應該是欄位名稱，卻是 '${m[2]}'`,
  },
  {
    code: "nft-packet-ends",
    english: new RegExp(
      `^expected (${oneOf(Object.keys(NFT_ENDS))}) after '(.*)' in an nft monitor trace packet line: the line ends first$`,
      "s",
    ),
    zh: (m) =>
      `nft monitor trace 的 packet 行裡 '${m[2]}' 後面應該是${NFT_ENDS[m[1] as string]}，這一行卻先結束了`,
  },
  {
    code: "nft-packet-value",
    english: new RegExp(
      `^expected (${oneOf(Object.keys(NFT_VALUES))}) after '(.*)' in an nft monitor trace packet line, found '(.*)'$`,
      "s",
    ),
    zh: (m) =>
      `nft monitor trace 的 packet 行裡 '${m[2]}' 後面應該是${afterZh(NFT_VALUES[m[1] as string] as string)}，卻是 '${m[3]}'`,
  },
  {
    code: "nft-rule-verdict-missing",
    english: /^expected '(.*)' at the end of an nft monitor trace rule line: the line ends first$/,
    zh: (m) => `nft monitor trace 的 rule 行結尾應該是 '${m[1]}'，這一行卻先結束了`,
  },
  {
    code: "nft-verdict",
    english:
      /^expected a verdict \((accept or drop|accept, drop, continue, return, jump <chain>, goto <chain>, queue)\) in an nft monitor trace line, found '(.*)'$/s,
    zh: (m) =>
      `nft monitor trace 行在這裡應該是 verdict（${(m[1] as string).replace(" or ", " 或 ").replace(/, /g, "、")}），卻是 '${m[2]}'`,
  },
  {
    code: "ebt-field",
    english: new RegExp(
      `^expected (${oneOf(Object.keys(EBT_EXPECTED))})(?:, found '(.*)')? in an ebtables log line(: the line ends first)?$`,
      "s",
    ),
    zh: (m) =>
      `ebtables 日誌行在這裡應該是${afterZh(EBT_EXPECTED[m[1] as string] as string)}${m[2] ? `，卻是 '${m[2]}'` : ""}${m[3] ? "，這一行卻先結束了" : ""}`,
  },

  {
    code: "log-lines-joined",
    english:
      /^several log lines joined on one line \(by a web page or a chat\), read apart at each line's time stamp(?: \((\d+) lines?\))?$/,
    zh: (m) => `好幾行日誌被接成一行（網頁或聊天軟體接的），已在每一行的時間戳記處拆開讀取${lines(m[1])}`,
  },
  {
    code: "log-lines-joined-bare",
    english:
      /^several log lines joined on one line \(by a web page or a chat\), read apart where each line starts(?: \((\d+) lines?\))?$/,
    zh: (m) => `好幾行日誌被接成一行（網頁或聊天軟體接的），已在每一行開頭的地方拆開讀取${lines(m[1])}`,
  },
  {
    code: "log-line-joined-record",
    english: /^expected the end of the line, found '(.*)': the start of another log line, its newline lost$/s,
    zh: (m) => `這裡應該是行尾，卻是 '${m[1]}'：這是另一行日誌的開頭，中間的換行不見了`,
  },
  {
    code: "log-fields-glued",
    english:
      /^expected a space before ([A-Z]+)=, found '(.*)': the space between ([A-Z]+)= and \1= was lost(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `${m[1]}= 前面應該有一個空格，卻是 '${m[2]}'：${m[3]}= 和 ${m[1]}= 之間的空格不見了${lines(m[4])}`,
  },
  {
    code: "log-field-empty-glued",
    english:
      /^expected a space after the empty ([A-Z]+)=, found '\1=([A-Z]+)=': \1= names no interface and the space between it and \2= was lost(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `空的 ${m[1]}= 後面應該有一個空格，卻是 '${m[1]}=${m[2]}='：${m[1]}= 沒有介面名稱，它和 ${m[2]}= 之間的空格不見了${lines(m[3])}`,
  },
  {
    code: "log-field-other-space",
    english:
      /^expected (a space after ([A-Z]+)=(.*)|a field after the space), found (a tab|white space U\+([0-9A-F]{4})): the kernel separates its fields with one space$/s,
    zh: (m) =>
      `${m[1] === "a field after the space" ? "空格後面應該是下一個欄位" : `${m[2]}=${m[3]} 後面應該是一個空格`}，卻是${m[5] ? `空白字元 U+${m[5]}` : "一個 tab"}：核心用一個空格分隔各欄位`,
  },
  {
    code: "log-field-escaped-tab",
    english:
      /^expected a space after ([A-Z]+)=(.*), found '\\t': a tab written as an escape, not the kernel's space$/s,
    zh: (m) => `${m[1]}=${m[2]} 後面應該是一個空格，卻是 '\\t'：這是寫成跳脫字元的 tab，不是核心印的空格`,
  },
  {
    code: "log-tunnel-damaged",
    english:
      /^expected two IPv4 addresses joined by '->' after TUNNEL= \(192\.0\.2\.1->198\.51\.100\.7\), found '(.*)'$/s,
    zh: (m) => `TUNNEL= 後面應該是兩個以 '->' 連接的 IPv4 位址（192.0.2.1->198.51.100.7），卻是 '${m[1]}'`,
  },
  {
    code: "nft-trace-family-missing",
    english:
      /^expected the table's family \(ip, ip6, inet, bridge, arp or netdev\) after 'trace id (\S+)', found '(.*)'(?: \((\d+) lines?\))?$/s,
    zh: (m) =>
      `'trace id ${m[1]}' 後面應該是 table 的 family（ip、ip6、inet、bridge、arp 或 netdev），卻是 '${m[2]}'${lines(m[3])}`,
  },
  {
    code: "log-quoted-printable",
    english:
      /^expected the kernel's text, found it quoted-printable \('=3D' for '=', and a '=' ending each line of a mail's raw source\): not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這裡應該是核心寫出的文字，卻是 quoted-printable 編碼（'=3D' 代表 '='，郵件原始內容的每一行結尾還有一個 '='）：沒有讀取${lines(m[1])}`,
  },
  {
    code: "ulogd-json-split",
    english:
      /^ulogd JSON record printed over several lines \(as jq \. prints it\): packetwalk reads one record a line(?: \((\d+) lines?\))?$/,
    zh: (m) => `ulogd 的 JSON 紀錄被印成好幾行（像 jq . 那樣）：packetwalk 一行讀一筆紀錄${lines(m[1])}`,
  },
  {
    code: "json-array",
    english:
      /^expected one log record a line, found a JSON array of records on one line \(as Fluent Bit's stdout output prints with format json\): not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `預期一行一筆紀錄，卻是一行裡的一整個 JSON 紀錄陣列（Fluent Bit 的 stdout 輸出用 "format json" 時就是這樣印的）：沒有讀取${lines(m[1])}`,
  },
  {
    code: "search-response",
    english:
      /^expected one log record a line, found an Elasticsearch or OpenSearch search response \(its documents in hits\.hits on this one line\): not read(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `預期一行一筆紀錄，卻是 Elasticsearch 或 OpenSearch 的整份搜尋結果（它的文件都在這一行的 "hits.hits" 裡）：沒有讀取${lines(m[1])}`,
  },
  {
    code: "audit-packet",
    english:
      /^audit record of a packet \(nft `log level audit` or iptables -j AUDIT\): it names no hook, chain or prefix, so packetwalk cannot place it(?: \((\d+) lines?\))?$/,
    zh: (m) =>
      `這是封包的 audit 紀錄（nft 的 \`log level audit\` 或 iptables -j AUDIT）：它沒寫 hook、chain 或 prefix，packetwalk 無法判斷它的位置${lines(m[1])}`,
  },
  {
    code: "log-line-ellipsis",
    english: /^expected the kernel's next field, found '(.*)': part of the line was left out$/,
    zh: (m) => `這裡應該是核心印出的下一個欄位，卻是 '${m[1]}'：這一行有一部分被省略了`,
  },
  {
    code: "nft-interval-overlap",
    english:
      /^(set|map) (\S+): element '(.*)' overlaps '(.*)': nft refuses an interval (?:set|map)'s overlapping elements \("conflicting intervals specified"\), and with them the whole file$/,
    zh: (m) =>
      `${m[1]} ${m[2]}：元素 '${m[3]}' 和 '${m[4]}' 重疊：nft 不接受 interval ${m[1]} 裡重疊的元素（「conflicting intervals specified」），整個檔案都會被拒絕`,
  },
  {
    code: "ebt-device-in-chain",
    english:
      /^(\S+) is not valid in (\S+): a frame there has no (input|output) device yet \(ebtables: (Use \S+ only in .+ chains)\)$/,
    zh: (m) =>
      `${m[2]} 裡不能用 ${m[1]}：訊框在這裡還沒有${m[3] === "input" ? "輸入" : "輸出"}介面（ebtables：「${m[4]}」）`,
  },
  {
    code: "ebtables-log-target",
    english:
      /^ebtables has no LOG target: it logs with the log watcher, options on a rule of any target, and refuses '-j LOG' \("RULE_APPEND failed \(No such file or directory\)"\)$/,
    zh: () =>
      "ebtables 沒有 LOG target：它用 log watcher 記錄，也就是寫在任何 target 規則上的選項，並會拒絕 '-j LOG'（「RULE_APPEND failed (No such file or directory)」）",
  },
  {
    code: "ebtables-mac-nat-not-followed",
    english:
      /^not followed: (-j (?:dnat --to-destination|arpreply --arpreply-mac) (\S+)): the (frame goes to that MAC, maybe out of another port|bridge answers the ARP request with that MAC)$/,
    zh: (m) =>
      `沒有跟著走：${m[1]}：${m[3]?.startsWith("frame") ? "訊框會送往那個 MAC，可能從另一個埠出去" : "bridge 會用那個 MAC 回答這個 ARP 請求"}`,
  },
  {
    code: "ebtables-broute",
    english:
      /^the broute table is not simulated: a frame its BROUTING chain DROPs is routed by the host, not bridged, and the walk bridges it$/,
    zh: () =>
      "broute table 不在模擬範圍內：被它的 BROUTING chain DROP 的訊框會由主機路由、不經 bridge 轉送，但模擬仍把它當成 bridge 轉送",
  },
  {
    code: "ebtables-mac-nat-needs-address",
    english: /^-j (snat|dnat|arpreply) needs (\S+) MAC: ebtables refuses it without$/,
    zh: (m) => `-j ${m[1]} 需要 ${m[2]} MAC：少了它 ebtables 會拒絕`,
  },
  {
    code: "nft-quoted-prefix",
    english:
      /^"(.+)" is quoted: nft takes a quoted address for a host name, and a prefix or range resolves to none \("Could not resolve hostname: Name or service not known"\)$/,
    zh: (m) =>
      `"${m[1]}" 加了引號：nft 把加引號的位址當成主機名稱去解析，而前綴或範圍解析不出任何位址（「Could not resolve hostname: Name or service not known」）`,
  },
  {
    code: "ipset-family",
    english:
      /^ipset '(.+)' is of family (inet6?): (ip6?tables) refuses a match on it \("(The protocol family of set .+ is IPv[46], which is not applicable\.)"\)$/,
    zh: (m) => `ipset '${m[1]}' 的 family 是 ${m[2]}：${m[3]} 不接受比對它（「${m[4]}」）`,
  },
  {
    code: "nft-family-table",
    english:
      /^'([^']+)' reads (IPv4|IPv6) packets, but this table (ip6?) sees (?:IPv4|IPv6) alone: nft refuses the rule \("conflicting protocols specified: ([^"]+)"\)$/,
    zh: (m) =>
      `'${m[1]}' 讀的是 ${m[2]} 封包，但這個 table ${m[3]} 只看得到 ${m[3] === "ip" ? "IPv4" : "IPv6"}：nft 會拒絕這條規則（「conflicting protocols specified: ${m[4]}」）`,
  },
  {
    code: "nft-family-rule",
    english:
      /^'([^']+)' reads (IPv4|IPv6) packets, but '([^']+)' before it already took the rule to (IPv4|IPv6): nft refuses the rule \("conflicting protocols specified: ([^"]+)"\)$/,
    zh: (m) =>
      `'${m[1]}' 讀的是 ${m[2]} 封包，但前面的 '${m[3]}' 已經讓這條規則只看 ${m[4]}：nft 會拒絕這條規則（「conflicting protocols specified: ${m[5]}」）`,
  },
  {
    code: "nft-transport-rule",
    english:
      /^'(\S+ \S+)' reads an? (\S+) header, but '([^']+)' before it already took the rule to (\S+): nft refuses the rule \("conflicting protocols specified: ([^"]+)"\)$/,
    zh: (m) =>
      `'${m[1]}' 讀的是 ${m[2]} 標頭，但前面的 '${m[3]}' 已經讓這條規則只看 ${m[4]}：nft 會拒絕這條規則（「conflicting protocols specified: ${m[5]}」）`,
  },
  {
    code: "nft-reject-tcp-reset",
    english:
      /^'reject with tcp reset' answers TCP alone, but '([^']+)' before it took the rule to (\S+): nft refuses the rule \("you cannot use tcp reset with this protocol"\)$/,
    zh: (m) =>
      `'reject with tcp reset' 只能回應 TCP，但前面的 '${m[1]}' 已經讓這條規則只看 ${m[2]}：nft 會拒絕這條規則（「you cannot use tcp reset with this protocol」）`,
  },
  {
    code: "nft-log-prefix-colon",
    english:
      /^the unquoted log prefix '([^']*)' ends at ':': nft refuses the rule \("syntax error, unexpected colon"\)$/,
    zh: (m) =>
      `沒加引號的 log prefix '${m[1]}' 在 ':' 就結束了：nft 會拒絕這條規則（「syntax error, unexpected colon」）`,
  },
  {
    code: "nft-nfproto-table",
    english:
      /^'(meta nfproto ipv[46])' in an? (\S+) table: nft refuses it \("meta nfproto is only useful in the inet family"\)$/,
    zh: (m) =>
      `${m[2]} table 裡的 '${m[1]}'：nft 會拒絕（「meta nfproto is only useful in the inet family」）`,
  },
  {
    code: "nft-vmap-unmodelled-key",
    english: /^verdict map on '(.+)' is not modelled$/,
    zh: (m) => `以 '${m[1]}' 為鍵的 verdict map 沒有模擬`,
  },
  {
    code: "nft-random-fully",
    english: /^'random-fully' is iptables' word: nft refuses it \("syntax error, unexpected newline"\)$/,
    zh: () => `'random-fully' 是 iptables 的寫法：nft 會拒絕（「syntax error, unexpected newline」）`,
  },
  {
    code: "nft-inet-nat-family",
    english:
      /^in an inet table '(dnat|snat) to' with an address needs its family: nft refuses it \("ip or ip6 must be specified with address for inet tables"\)$/,
    zh: (m) =>
      `在 inet table 裡，帶位址的 '${m[1]} to' 要寫出協定族：nft 會拒絕（「ip or ip6 must be specified with address for inet tables」）`,
  },
  {
    code: "nft-nat-chain",
    english:
      /^'(dnat|snat|masquerade|redirect)' works only in a chain of type nat at hook (\S+?)(?: or (\S+))?, not in a (\S+) chain at hook (\S+): the kernel refuses the rule when the file is loaded \("Could not process rule: Operation not supported"\), though nft -c takes it$/,
    zh: (m) =>
      `'${m[1]}' 只能放在 type nat、hook ${m[2]}${m[3] ? ` 或 ${m[3]}` : ""} 的 chain 裡，不能放在 hook ${m[5]} 的 ${m[4]} chain：載入檔案時核心會拒絕這條規則（「Could not process rule: Operation not supported」），雖然 nft -c 不會發現`,
  },
  {
    code: "nft-nat-chain-reached",
    english:
      /^'(dnat|snat|masquerade|redirect)' works only in a chain of type nat at hook (\S+?)(?: or (\S+))?, not in chain (\S+), which (\S+) \(a (\S+) chain at hook (\S+)\) reaches by the jump at line (\d+): the kernel refuses the rule when the file is loaded \("Could not process rule: Operation not supported"\), though nft -c takes it$/,
    zh: (m) =>
      `'${m[1]}' 只能放在 type nat、hook ${m[2]}${m[3] ? ` 或 ${m[3]}` : ""} 的 chain 裡，不能放在 chain ${m[4]}：hook ${m[7]} 的 ${m[6]} chain ${m[5]} 經由第 ${m[8]} 行的跳轉會走到它；載入檔案時核心會拒絕這條規則（「Could not process rule: Operation not supported」），雖然 nft -c 不會發現`,
  },
  {
    code: "iptables-chain-missing",
    english:
      /^chain '(.+)' does not exist in table '(\S+)': iptables-restore refuses the file \("Chain '(.+)' does not exist"\)$/,
    zh: (m) =>
      `table '${m[2]}' 裡沒有 chain '${m[1]}'：iptables-restore 會拒絕整個檔案（「Chain '${m[3]}' does not exist」）`,
  },
  {
    code: "iptables-chain-below",
    english:
      /^chain '(.+)' is declared below this jump, at line (\d+): iptables-restore refuses the file \("Chain '(.+)' does not exist"\)$/,
    zh: (m) =>
      `chain '${m[1]}' 宣告在這個跳轉的下面（第 ${m[2]} 行）：iptables-restore 會拒絕整個檔案（「Chain '${m[3]}' does not exist」）`,
  },
  {
    code: "nft-object-missing",
    english:
      /^(set|counter|quota|limit|synproxy|secmark|ct helper|ct timeout|ct expectation) '(.+)' does not exist in table (\S+) (\S+): nft refuses the rule(?: \('(.+)'\))?$/s,
    zh: (m) =>
      `table ${m[3]} ${m[4]} 裡沒有 ${m[1]} '${m[2]}'${m[5] ? `（'${m[5]}'）` : ""}：nft 會拒絕這條規則`,
  },
  {
    code: "nft-nat-map-port-without-protocol",
    english:
      /^nft refuses a port in (dnat|snat)'s map data without a transport protocol match before it \("transport protocol mapping is only valid after transport protocol match"\)$/,
    zh: (m) =>
      `${m[1]} 的 map 資料裡有連接埠，但前面沒有比對傳輸層協定：nft 會拒絕（「transport protocol mapping is only valid after transport protocol match」）`,
  },
  {
    code: "nft-set-redeclared",
    english:
      /^(set|map) (\S+) is declared again (?:as a (?:set|map), a (set|map)|with type (.+), (.+)|with flags, timeout and expressions (.+), (.+)) at line (\d+): nft refuses the file \("Could not process rule: File exists"\)$/,
    zh: (m) =>
      `${m[1]} ${m[2]} 又宣告了一次，${m[3] ? `但第 ${m[8]} 行宣告的是 ${m[3]}` : m[4] ? `型別是 ${m[4]}，第 ${m[8]} 行是 ${m[5]}` : `flags、timeout 和元素運算式是${afterZh(zhNone(m[6]))}，第 ${m[8]} 行是${afterZh(zhNone(m[7]))}`}：nft 會拒絕整個檔案（「Could not process rule: File exists」）`,
  },
  {
    code: "registration-tie",
    english:
      /^chain (\S+) \((\S+) (\S+), hook (\S+) priority (.+)\) and (ip6?tables|ebtables)' (\S+) (\S+) run at the same priority: the kernel runs the one registered last first, and the file does not say which that was$/,
    zh: (m) =>
      `chain ${m[1]}（${m[2]} ${m[3]}，hook ${m[4]} priority ${m[5]}）和 ${m[6]} 的 ${m[7]} ${m[8]} 的 priority 相同：核心會先跑最後註冊的那一個，而檔案沒有說是哪一個`,
  },
  {
    code: "brnf-tie",
    english:
      /^chain (\S+) \(bridge (\S+), hook (\S+) priority (.+)\) has br_netfilter's priority: it runs before IP (PREROUTING|FORWARD) only if its table was created after the namespace's first bridge, and the file does not say when that was$/,
    zh: (m) =>
      `chain ${m[1]}（bridge ${m[2]}，hook ${m[3]} priority ${m[4]}）的 priority 和 br_netfilter 相同：只有在它的 table 是在這個 namespace 的第一個 bridge 之後建立時，它才會在 IP ${m[5]} 之前跑，而檔案沒有說是什麼時候建立的`,
  },
  {
    code: "queue-target",
    english:
      /^'(.*)' hands the packet to a userspace program \(a netfilter queue\), which decides its fate$/s,
    zh: (m) => `'${m[1]}' 把封包交給 userspace 的程式（netfilter queue），由它決定封包的去向`,
  },
  {
    code: "tproxy-target",
    english:
      /^'(.*)' hands the packet to a transparent proxy socket on this host, which the simulator does not model$/s,
    zh: (m) => `'${m[1]}' 把封包交給這台主機上的透明代理 socket，模擬器沒有模擬這一步`,
  },
  {
    code: "nft-set-datatype",
    english:
      /^datatype mismatch, (?:expected|map expects) (.+?), (?:expression|mapping expression) has type (.+): '(.+)' (?:is looked up in (set|map) @(\S+) \(type (.+)\), and nft refuses the rule|looks up a key the map \(type (.+)\) does not hold, and nft refuses the rule)$/,
    zh: (m) =>
      m[4]
        ? `型別不符（datatype mismatch）：'${m[3]}' 在 ${m[4]} @${m[5]}（type ${m[6]}）裡查找，但兩者的型別不同，nft 會拒絕這條規則（"datatype mismatch, expected ${m[1]}, expression has type ${m[2]}"）`
        : `型別不符（datatype mismatch）：'${m[3]}' 查找的 key 不是這個 map（type ${m[7]}）所存的型別，nft 會拒絕這條規則（"datatype mismatch, map expects ${m[1]}, mapping expression has type ${m[2]}"）`,
  },
  {
    code: "nft-element-family",
    english:
      /^(set|map) (\S+): '(.+)' is an (IPv4|IPv6) address, but the set holds (IPv4|IPv6) addresses \(type (\S+)\): nft refuses it \("Could not resolve hostname: Address family for hostname not supported"\)$/,
    zh: (m) =>
      `${m[1]} ${m[2]}：'${m[3]}' 是 ${m[4]} 位址，但這個 set 存的是 ${m[5]} 位址（type ${m[6]}）：nft 會拒絕它（"Could not resolve hostname: Address family for hostname not supported"）`,
  },
  {
    code: "nft-element-timeout-unset",
    english:
      /^set (\S+): an element with (a timeout|an expires) needs a set that times its elements out: the kernel refuses it \("Could not process rule: Invalid argument"\)$/,
    zh: (m) =>
      `set ${m[1]}：元素帶有 ${m[2] === "a timeout" ? "timeout" : "expires"}，但這個 set 不會讓元素逾時：核心會拒絕它（"Could not process rule: Invalid argument"）`,
  },
  {
    code: "nft-element-expires-alone",
    english:
      /^set (\S+): 'expires' counts down from a timeout, and neither the element nor the set has one: the kernel refuses it \("Could not process rule: Operation not supported"\)$/,
    zh: (m) =>
      `set ${m[1]}：'expires' 是從 timeout 倒數的，但元素和 set 都沒有 timeout：核心會拒絕它（"Could not process rule: Operation not supported"）`,
  },
  {
    code: "nft-element-expires-late",
    english:
      /^set (\S+): the element expires after its timeout ends \((\S+) > (\S+)\): the kernel refuses it \("Could not process rule: Numerical result out of range"\)$/,
    zh: (m) =>
      `set ${m[1]}：元素的 expires 比它的 timeout 還長（${m[2]} > ${m[3]}）：核心會拒絕它（"Could not process rule: Numerical result out of range"）`,
  },
  {
    code: "nft-time-unit",
    english:
      /^'(timeout|expires) (\S+)': nft reads a time with its unit \(10s, 5m, 1h30m, 500ms\) and refuses a bare number \("syntax error, unexpected number, expecting string"\)$/,
    zh: (m) =>
      `'${m[1]} ${m[2]}'：nft 讀的時間要有單位（10s、5m、1h30m、500ms），只有數字會被拒絕（"syntax error, unexpected number, expecting string"）`,
  },
  {
    code: "nft-comment-not-last",
    english:
      /^unexpected '(.+)' after the rule's comment: nft takes a comment only at the rule's end \("syntax error, unexpected (.+), expecting newline or semicolon"\)$/,
    zh: (m) =>
      `規則的 comment 後面出現 '${m[1]}'：nft 只接受放在規則最後的 comment（"syntax error, unexpected ${m[2]}, expecting newline or semicolon"）`,
  },
  {
    code: "xt-addrtype-name",
    english: /^iptables refuses the address type '(.+)' \(addrtype: bad type "(.+)"\)$/,
    zh: (m) => `iptables 不接受位址類型 '${m[1]}'（addrtype: bad type "${m[2]}"）`,
  },
  {
    code: "ebt-port-protocol",
    english:
      /^(--ip6?-\S+) needs (--ip6?-proto) tcp, udp, udplite, sctp or dccp, not negated, in the same rule \(ebtables refuses it: Invalid argument\)$/,
    zh: (m) =>
      `${m[1]} 需要同一條規則裡有 ${m[2]} tcp、udp、udplite、sctp 或 dccp（不能是反向比對）：ebtables 會拒絕它（Invalid argument）`,
  },
  {
    code: "nft-string-escape",
    english:
      /^nft's strings have no escapes: the '"' after '\\' ends the string, and nft refuses what follows it \("syntax error, unexpected junk"\)$/,
    zh: () =>
      `nft 的字串沒有跳脫字元：'\\' 後面的 '"' 就結束了字串，nft 會拒絕接在後面的文字（"syntax error, unexpected junk"）`,
  },
  {
    code: "nft-dup-table",
    english:
      /^'dup to (\S+)' in a table (\S+): nft copies packets to an address only in an ip or ip6 table, and refuses it here \("unsupported family"\)$/,
    zh: (m) =>
      `table ${m[2]} 裡的 'dup to ${m[1]}'：nft 只在 ip 或 ip6 table 裡把封包複製到某個位址，這裡會拒絕它（"unsupported family"）`,
  },
  {
    code: "nft-dup-family",
    english:
      /^'(\S+)' is an (IPv4|IPv6) address, but dup in a table (\S+) copies to an (IPv4|IPv6) one: nft refuses it \("Could not resolve hostname: Address family for hostname not supported"\)$/,
    zh: (m) =>
      `'${m[1]}' 是 ${m[2]} 位址，但 table ${m[3]} 裡的 dup 只能複製到 ${m[4]} 位址：nft 會拒絕它（"Could not resolve hostname: Address family for hostname not supported"）`,
  },
  {
    code: "xt-open-quote",
    english:
      /^the quote is never closed: (iptables-restore|ebtables-restore) reads the rest of the line as one word \('(.*)'\), and the rule is read so$/s,
    zh: (m) => `引號沒有關上：${m[1]} 會把這一行剩下的部分當成一個字（'${m[2]}'），規則也照這樣讀`,
  },
  {
    code: "nft-quoted-name",
    english:
      /^"(.*)" is quoted: nft takes no quoted (table|chain|set|map) name \("syntax error, unexpected quoted string, expecting string"\)$/s,
    zh: (m) =>
      `"${m[1]}" 加了引號：nft 不接受加引號的 ${m[2]} 名稱（"syntax error, unexpected quoted string, expecting string"）`,
  },
  {
    code: "nft-protocol-names-joined",
    english:
      /^'(.*)' is two protocol names nft reads as one: nft refuses it \("Could not resolve protocol name"\), and with it the whole file$/s,
    zh: (m) =>
      `'${m[1]}' 是兩個協定名稱，nft 卻讀成一個名稱：nft 會拒絕它（"Could not resolve protocol name"），連帶拒絕整個檔案`,
  },
  {
    code: "nft-not-apart",
    english:
      /^'! (\S+)': '!' takes a value, not another operator: nft refuses it \("syntax error, unexpected (.+)"\)$/,
    zh: (m) =>
      `'! ${m[1]}'：'!' 後面要接值，不能再接另一個運算子，nft 會拒絕（"syntax error, unexpected ${m[2]}"）`,
  },
  {
    code: "nft-object-without-name",
    english:
      /^'((counter|quota|limit|synproxy|ct timeout|ct expectation) .+)': a [a-z ]+ object is named after '(name|set)': nft refuses it \("(.+)"\)$/s,
    zh: (m) => `'${m[1]}'：要用 ${m[2]} 物件，名稱得寫在 '${m[3]}' 後面，nft 會拒絕（"${m[4]}"）`,
  },
  {
    code: "nft-quoted-jump",
    english:
      /^'(jump|goto) "(.*)"': a quoted chain name: nft refuses it \("syntax error, unexpected quoted string, expecting '\{'"\)$/s,
    zh: (m) =>
      `'${m[1]} "${m[2]}"'：chain 名稱加了引號，nft 會拒絕（"syntax error, unexpected quoted string, expecting '{'"）`,
  },
  {
    code: "nft-reserved-name",
    english:
      /^'(\S+)' is an nft keyword and cannot name a (table|chain|set|map): nft refuses it \("syntax error, unexpected (\S+), expecting string"\)$/,
    zh: (m) =>
      `'${m[1]}' 是 nft 的關鍵字，不能當 ${m[2]} 的名稱：nft 會拒絕它（"syntax error, unexpected ${m[3]}, expecting string"）`,
  },
  {
    code: "synproxy-target",
    english:
      /^'(.*)' answers a SYN with the host's own SYN cookie and takes the client's ACK, which the simulator does not model$/s,
    zh: (m) => `'${m[1]}' 用主機自己的 SYN cookie 回覆 SYN，並接手用戶端的 ACK，模擬器沒有模擬這一步`,
  },
  {
    code: "nft-log-option-value",
    english:
      /^'log (\S+)' needs (a number|a string|a level|a flag) after it(?:, not '(.*)')?: nft refuses it, and with it the whole file$/s,
    zh: (m) =>
      `'log ${m[1]}' 後面要寫${{ "a number": "數字", "a string": "字串", "a level": "等級", "a flag": "旗標" }[m[2] as string]}${m[3] ? `，不是 '${m[3]}'` : ""}：nft 會拒絕它，連帶拒絕整個檔案`,
  },
  {
    code: "nft-log-level",
    english:
      /^'(.*)' is not a log level: nft refuses it \("invalid log level"\), and with it the whole file$/s,
    zh: (m) => `'${m[1]}' 不是 log 等級：nft 會拒絕它（"invalid log level"），連帶拒絕整個檔案`,
  },
  {
    code: "nft-log-audit-options",
    english:
      /^'log level audit' takes no other option: nft refuses it \("log level audit doesn't support any further options"\), and with it the whole file$/,
    zh: () =>
      `'log level audit' 不接受其他選項：nft 會拒絕它（"log level audit doesn't support any further options"），連帶拒絕整個檔案`,
  },
  {
    code: "nft-log-bare-string",
    english: /^'(.*)': a log's prefix follows the word prefix: nft refuses it, and with it the whole file$/s,
    zh: (m) => `'${m[1]}'：log 的前綴要寫在 prefix 這個字後面：nft 會拒絕它，連帶拒絕整個檔案`,
  },
  {
    code: "nft-secmark-compared",
    english:
      /^'(meta|ct) secmark' is set, never compared: nft refuses it(?: \("(.*)"\))?, and with it the whole file$/s,
    zh: (m) =>
      `'${m[1]} secmark' 只能設定，不能比對：nft 會拒絕它${m[2] ? `（"${m[2]}"）` : ""}，連帶拒絕整個檔案`,
  },
  {
    code: "nft-ct-secmark-constant",
    english:
      /^'ct secmark set (.*)': a connection's secmark is copied from its packet's: nft refuses it(?: \("(.*)"\))?, and with it the whole file$/s,
    zh: (m) =>
      `'ct secmark set ${m[1]}'：連線的 secmark 要從封包的 secmark 複製：nft 會拒絕它${m[2] ? `（"${m[2]}"）` : ""}，連帶拒絕整個檔案`,
  },
  {
    code: "nft-object-name-empty",
    english:
      /^'(counter|quota|limit) name ""': an empty name: nft refuses it \("Empty string is not allowed"\), and with it the whole file$/,
    zh: (m) =>
      `'${m[1]} name ""'：名稱是空的：nft 會拒絕它（"Empty string is not allowed"），連帶拒絕整個檔案`,
  },
  {
    code: "nft-object-name-missing",
    english:
      /^'(counter|quota|limit) name' needs the name of a (?:counter|quota|limit) object(?:, not '(.*)')?: nft refuses it, and with it the whole file$/s,
    zh: (m) =>
      `'${m[1]} name' 後面要寫 ${m[1]} 物件的名稱${m[2] ? `，不是 '${m[2]}'` : ""}：nft 會拒絕它，連帶拒絕整個檔案`,
  },
];

/** Chinese hints of {@link MORE_MESSAGES} (and of known messages whose hints were missing), by the core's English hint. */
export const MORE_HINTS: ReadonlyMap<string, string> = new Map([
  [
    SPACED_VALUE_HINT,
    "終端機把一行折行時，或網頁，會在斷開的地方加上空白；請從日誌檔或用 journalctl -k 複製，才能確定那裡沒有少掉字元",
  ],
  [
    TRACE_USER_CHAIN_REFUSED_HINT,
    "修正那一行被拒絕的行（它的錯誤訊息說明了哪裡不對），或重新複製這段 trace：讀到它之後，封包就會從它的 base chain 開始",
  ],
  [
    "the tracer prints the TRACE positions in its own table: give the kernel's TRACE lines instead (iptables -t raw ... -j TRACE, read with dmesg or xtables-monitor --trace), or nft monitor trace",
    "這個追蹤工具把 TRACE 的位置印在自己的表格裡：請改給核心的 TRACE 行（iptables -t raw ... -j TRACE，用 dmesg 或 xtables-monitor --trace 讀取），或 nft monitor trace 的輸出",
  ],
  [
    "a dmesg stamp is the seconds since the machine booted, which says nothing about the machine: keep it, and the packets keep their times",
    "dmesg 的戳記是機器開機以來的秒數，不會透露機器的任何資訊：保留它，封包就能保有各自的時間",
  ],
  [
    "a legacy TRACE line starts 'TRACE: table:chain:rule|return|policy:N': copy whole lines (dmesg, journalctl -k), not columns of them",
    "舊版 TRACE 行以 'TRACE: table:chain:rule|return|policy:N' 開頭：請複製完整的行（dmesg、journalctl -k），不要只複製其中幾欄",
  ],
  [
    TRACE_USER_CHAIN_HINT,
    "請從封包的第一行開始貼上 trace（TRACE 從 raw PREROUTING 或 raw OUTPUT 開始）：在那之前，這條 chain 以自己的名字顯示，不放在任何 hook 上",
  ],
  [
    "the kernel prints a 6in4 (SIT) tunnel's outer addresses so; check that the line was not cut or edited",
    "核心就是這樣印出 6in4（SIT）通道外層的位址：請檢查這一行有沒有被截斷或編輯過",
  ],
  [
    "an editor or a web page put other white space between the fields; replace it with a space, or copy the log from its file or with journalctl -k",
    "編輯器或網頁在欄位之間放了別種空白字元：請換成一個空格，或從日誌檔本身或用 journalctl -k 複製",
  ],
  [
    "the log went through a tool that wrote its tabs as '\\t'; replace it with a space, or copy the log from its file or with journalctl -k",
    "日誌經過某個工具，把 tab 寫成了 '\\t'：請換成一個空格，或從日誌檔本身或用 journalctl -k 複製",
  ],
  [
    "nft monitor trace prints a packet as statements '<header> <field> <value>' ('ip saddr 198.51.100.1 ip daddr 203.0.113.5 tcp dport 22'); the line looks cut, wrapped or edited",
    "nft monitor trace 把封包印成 '<header> <field> <value>' 這樣的敘述（'ip saddr 198.51.100.1 ip daddr 203.0.113.5 tcp dport 22'）：這一行看起來被截斷、折行或編輯過",
  ],
  [
    "nft monitor trace ends a rule line in '(verdict accept)', a chain's end in 'verdict continue' or 'policy accept'; the line looks cut, wrapped or edited",
    "nft monitor trace 的 rule 行以 '(verdict accept)' 結尾，chain 的結尾則是 'verdict continue' 或 'policy accept'：這一行看起來被截斷、折行或編輯過",
  ],
  [
    "the line looks like ebtables --log output (it has 'MAC source = ') but is cut or edited",
    "這一行看起來是 ebtables --log 的輸出（它有 'MAC source = '），但被截斷或編輯過",
  ],
  [
    "the MAC address is printed whole; the line looks cut, wrapped or edited there",
    "MAC 位址會完整印出：這一行看起來在這裡被截斷、折行或編輯過",
  ],
  [
    FORWARD_DEVICE_HINT,
    "請把這個前綴對應到記錄它的規則所在的 chain（iptables -S | grep -- --log-prefix）：IN= 是空的行記錄於 OUTPUT 或 POSTROUTING，OUT= 是空的行記錄於 PREROUTING 或 INPUT",
  ],
  [
    PARTLY_REDACTED_HINT,
    "packetwalk 依照寫出來的位址配對封包的各行和它的回覆，所以同一個位址遮蔽得不一樣的行（一行是 203.0.113.x，另一行是 203.0.x.5）會被當成不同的主機：請改用匿名化：packetwalk import --anonymize（以及 playground 的「匿名化」按鈕）會把每個公開位址在各處都換成同一個 TEST-NET 替代位址，私有位址則保留",
  ],
  [
    REDACTED_LOG_HINT,
    "packetwalk 靠位址追蹤封包（它在各個 hook 的行、它的回覆），所以需要位址：請放回真實的位址，或改用匿名化而不是遮蔽：packetwalk import --anonymize（以及 playground 的「匿名化」按鈕）會把每個公開位址在各處都換成同一個 TEST-NET 替代位址，私有位址則保留",
  ],
  [
    "copy the log as the kernel wrote it (journalctl -k, dmesg, the log file): an edited line may hold other changes too",
    "請照核心寫下的樣子複製日誌（journalctl -k、dmesg、日誌檔）：編輯過的行可能還有別的改動",
  ],
  [
    ARP_PREFIX_HINT,
    // The playground's words, as for PREFIX_HINT (see playground-hints.ts): its form names an arp chain too.
    "把 LOG 前綴取成 'iptable/<table>-<CHAIN>' 或 'ebtable/<table>-<CHAIN>' 的樣子（前面加上 'ctc/' 之類的標記也可以），" +
      "或在下方「未知的 LOG 前綴」指定是哪條 chain 寫了這個前綴，或貼上記錄它的規則集（「規則集（選填）」）：其中的 LOG 規則會說明每個前綴屬於哪條 chain",
  ],
  [
    "copy the log from the start of a line (its time stamp), or drop this first line: the packet it ends cannot be read without its start",
    "請從某一行的開頭（它的時間戳記）開始複製日誌，或拿掉這第一行：少了開頭，它結尾的封包無法讀取",
  ],
  [
    "the kernel prints the frame's link-layer header byte by byte; the line was edited (an address hidden or made up) or garbled, its other fields are read",
    "核心會逐一位元組印出封包的鏈路層標頭；這一行被編輯過（位址被隱藏或捏造）或損壞了，其他欄位照常讀取",
  ],
  [
    "xt_recent's inverted --set adds the source and answers false; drop the '!' for a match that records and matches",
    "xt_recent 反向的 --set 會加入來源位址並回答不符合；拿掉 '!' 就是會記錄也會符合的 match",
  ],
  [
    "iptables warns that the range is reversed: write the lower address first",
    "iptables 會警告這個範圍顛倒了：請把較小的位址寫在前面",
  ],
  [
    "write the name as 'ip link' shows it; a prefix with '*' (\"cali*\") matches the longer ones",
    "照 'ip link' 顯示的寫名稱；以 '*' 結尾的前綴（\"cali*\"）可以比對較長的名稱",
  ],
  [
    "write '!=' as one word (tcp dport != 22), or '!' before a flag (tcp flags ! syn)",
    "'!=' 要連在一起寫（tcp dport != 22），或在旗標前寫 '!'（tcp flags ! syn）",
  ],
  [
    "write the range with spaces ('ip - ip6') or from a number ('0x800-ip6')",
    "範圍請加空格寫（'ip - ip6'），或從數字開始寫（'0x800-ip6'）",
  ],
  ["write mod N with N the number of choices, 1 or more", "寫成 mod N，N 是選項的數目，至少 1"],
  ["write second, minute, hour, day or week", "請寫 second、minute、hour、day 或 week"],
  ["write a rate of 1 or more", "速率請寫 1 以上"],
  ["write a burst of 1 or more", "burst 請寫 1 以上"],
  [
    "mask the bits instead: 'meta mark and 0xff == 0x1', 'meta mark set meta mark and 0xff00 or 0x1'",
    "請改用遮罩處理這些位元：'meta mark and 0xff == 0x1'、'meta mark set meta mark and 0xff00 or 0x1'",
  ],
  [
    "write 'queue flags bypass,fanout to 1-4' or 'queue num 1 bypass'",
    "請寫 'queue flags bypass,fanout to 1-4' 或 'queue num 1 bypass'",
  ],
  ["write a range ('to 1-4'), or leave fanout out", "請寫一段範圍（'to 1-4'），或拿掉 fanout"],
  ["look routes up in an ip, ip6 or inet table", "請在 ip、ip6 或 inet table 裡查路由"],
  ["keep one element for each key", "每個鍵只保留一個元素"],
  ["write the port's number (e.g. 587 for submission)", "請寫連接埠的號碼（例如 submission 是 587）"],
  [
    "nft reads a word from a letter as one service name, dashes and all: write the range's first port as a number (22-http, 22-80)",
    "nft 把以字母開頭的字連同其中的破折號讀成一個服務名稱：請把範圍的第一個連接埠寫成數字（22-http、22-80）",
  ],
  [
    "write a value for each part, joined by ' . ' (e.g. 192.0.2.1 . 22)",
    "每個部分都要寫一個值，用 ' . ' 連接（例如 192.0.2.1 . 22）",
  ],
  ["write a mark from 0 to 0xffffffff", "請寫 0 到 0xffffffff 之間的 mark"],
  [
    "write N/second, N/minute, N/hour or N/day (or s, m, h, d), N from 1",
    "請寫 N/second、N/minute、N/hour 或 N/day（或 s、m、h、d），N 至少 1",
  ],
  [
    "write Mon, Tue, Wed, Thu, Fri, Sat, Sun or 1 to 7 (Monday is 1), joined by commas",
    "請寫 Mon、Tue、Wed、Thu、Fri、Sat、Sun 或 1 到 7（星期一是 1），用逗號連接",
  ],
  [
    "name the rule's hash table, e.g. --hashlimit-name ssh",
    "替這條規則的雜湊表命名，例如 --hashlimit-name ssh",
  ],
  ["write --algo bm (or kmp)", "請寫 --algo bm（或 kmp）"],
  [
    'quote with double quotes, as the save tools print a value: "one two"',
    '請改用雙引號，像 save 工具印出值那樣："one two"',
  ],
  [
    "a match's options follow its -m (iptables-extensions(8) lists them)",
    "match 的選項要寫在它的 -m 之後（iptables-extensions(8) 列出了它們）",
  ],
  [
    "write -N CHAIN (-P POLICY) or -P CHAIN POLICY; a policy is ACCEPT, DROP or, in a chain of your own, RETURN",
    "請寫 -N CHAIN（-P POLICY）或 -P CHAIN POLICY；policy 是 ACCEPT、DROP，自訂的 chain 也可以是 RETURN",
  ],
  ["give it once: a second test needs a -m of its own", "請只寫一次：第二個條件要有自己的 -m"],
  ["give it once: write one rule for each value", "請只寫一次：每個值各寫一條規則"],
  [
    "a built-in chain's policy is ACCEPT or DROP (upper case)",
    "內建 chain 的 policy 是 ACCEPT 或 DROP（大寫）",
  ],
  [
    "a user chain's policy is ACCEPT, DROP or RETURN (upper case; RETURN goes back to the caller)",
    "自訂 chain 的 policy 是 ACCEPT、DROP 或 RETURN（大寫；RETURN 會回到呼叫它的 chain）",
  ],
  ["give each option of the mark target once", "mark target 的每個選項只能寫一次"],
  [
    "give it once: the next element's options follow --next (with --strict)",
    "請只寫一次：下一個元素的選項要寫在 --next 後面（並加上 --strict）",
  ],
  [
    "give one of them: --syn is --tcp-flags FIN,SYN,RST,ACK SYN",
    "請只寫其中一個：--syn 就是 --tcp-flags FIN,SYN,RST,ACK SYN",
  ],
  [
    "put each rule on a line of its own: a pasted text may have joined two lines",
    "每條規則各寫一行：貼上的文字可能把兩行接在一起了",
  ],
  [
    "write --hashlimit-upto N/second to match up to a rate, or --hashlimit-above N/second past it",
    "請寫 --hashlimit-upto N/second 比對不超過速率的封包，或寫 --hashlimit-above N/second 比對超過的",
  ],
  [
    "write the bytes to look for: --string GET or --hex-string |474554|",
    "請寫要找的位元組：--string GET 或 --hex-string |474554|",
  ],
  [
    "-m limit counts at most 10000/second: write a rate up to that, or leave the limit out",
    "-m limit 最多只能計到 10000/second：請寫不超過這個的速率，或拿掉這個限制",
  ],
  [
    "--limit counts at most 10000/second: write a rate up to that, or leave the limit out",
    "--limit 最多只能計到 10000/second：請寫不超過這個的速率，或拿掉這個限制",
  ],
  [
    "-m hashlimit counts at most 1000000/second: write a rate up to that, or leave the limit out",
    "-m hashlimit 最多只能計到 1000000/second：請寫不超過這個的速率，或拿掉這個限制",
  ],

  [
    "match the connection's addresses in an ip, ip6 or inet table (`ct original ip saddr`)",
    "請在 ip、ip6 或 inet table 裡比對連線的位址（`ct original ip saddr`）",
  ],
  [
    "iptables' -m ah has only --ahspi: --ahlen and --ahres are ip6tables' (IPv6's AH header)",
    "iptables 的 -m ah 只有 --ahspi：--ahlen 和 --ahres 是 ip6tables 的（IPv6 的 AH 標頭）",
  ],
  ["write a probability from 0 to 1, e.g. --probability 0.5", "寫 0 到 1 之間的機率，例如 --probability 0.5"],
  [
    "write --mode random --probability P, or --mode nth --every N --packet P (P from 0 to N-1)",
    "寫 --mode random --probability P，或 --mode nth --every N --packet P（P 是 0 到 N-1）",
  ],
  [
    "give the chance a packet matches: --mode random --probability 0.5 matches about half of them",
    "寫出封包符合的機率：--mode random --probability 0.5 大約符合一半的封包",
  ],
  [
    "-m statistic without --mode is random mode: write --mode random --probability P, or --mode nth --every N --packet P",
    "沒寫 --mode 的 -m statistic 是 random 模式：請寫 --mode random --probability P，或 --mode nth --every N --packet P",
  ],
  [
    "give both: --mode nth --every 3 --packet 0 matches the first of every 3 packets",
    "兩個都要寫：--mode nth --every 3 --packet 0 符合每 3 個封包中的第一個",
  ],
  [
    "add --packet, counted from 0: --every 3 --packet 0 matches the first of every 3 packets",
    "加上 --packet（從 0 開始數）：--every 3 --packet 0 符合每 3 個封包中的第一個",
  ],
  [
    "add --every: --every 3 --packet 0 matches the first of every 3 packets",
    "加上 --every：--every 3 --packet 0 符合每 3 個封包中的第一個",
  ],
  [
    "--packet counts packets in nth mode only: remove it, or write --mode nth --every N --packet P",
    "只有 nth 模式才用 --packet 數封包：請拿掉它，或寫 --mode nth --every N --packet P",
  ],
  [
    "write which packet of the round matches, counted from 0: --every 3 --packet 0",
    "寫出一輪中第幾個封包符合（從 0 開始數）：--every 3 --packet 0",
  ],
  [
    "write how many packets make a round, 1 or more: --every 2 takes every second packet",
    "寫一輪有幾個封包，至少 1：--every 2 取每第二個封包",
  ],
  [
    "use 'type filter' here: a route chain re-routes what the host itself sends when a rule changes its mark or addresses",
    "這裡請用 'type filter'：route chain 是在規則改了本機送出封包的 mark 或位址後，重新查路由用的",
  ],
  ["put the rule in *filter, in INPUT, FORWARD or OUTPUT", "把規則放到 *filter 的 INPUT、FORWARD 或 OUTPUT"],
  [
    "put the rule in *mangle, in POSTROUTING as the guides do",
    "把規則放到 *mangle 的 POSTROUTING，和一般教學的做法一樣",
  ],
  ["put the rule in *security (or *mangle)", "把規則放到 *security（或 *mangle）"],
  [
    "classify a packet on its way out: *mangle POSTROUTING (or OUTPUT, FORWARD)",
    "在封包出去的路上分類：*mangle POSTROUTING（或 OUTPUT、FORWARD）",
  ],
  [
    "put the rule in *mangle PREROUTING, where a packet is taken before routing",
    "把規則放到 *mangle PREROUTING，封包在路由之前就在那裡被接走",
  ],
  [
    "put the rule in INPUT (the host's own services) or FORWARD, after a raw rule that marks the SYNs NOTRACK",
    "把規則放到 INPUT（本機自己的服務）或 FORWARD，並在前面用一條 raw 規則把 SYN 標成 NOTRACK",
  ],
  [
    "put the rule in *raw PREROUTING (or *mangle PREROUTING): the reverse path is checked as a packet comes in",
    "把規則放到 *raw PREROUTING（或 *mangle PREROUTING）：反向路徑是在封包進來時檢查的",
  ],
  [
    "match a frame's source MAC where it came in: PREROUTING, INPUT or FORWARD",
    "在訊框進來的地方比對來源 MAC：PREROUTING、INPUT 或 FORWARD",
  ],
  [
    "look a packet's socket up as it comes in: PREROUTING (mangle, as TPROXY setups do) or INPUT",
    "在封包進來時查它的 socket：PREROUTING（mangle，TPROXY 的設定就是這樣）或 INPUT",
  ],
  [
    "clamp where the output route is known: FORWARD (a router's usual place), OUTPUT or POSTROUTING; or write --set-mss N",
    "在已知輸出路由的地方調整：FORWARD（路由器通常放這裡）、OUTPUT 或 POSTROUTING；或改寫成 --set-mss N",
  ],
  [
    "a packet has an input device in PREROUTING, INPUT and FORWARD; use --limit-iface-out on the way out",
    "封包在 PREROUTING、INPUT 和 FORWARD 才有輸入介面；出去的路上請用 --limit-iface-out",
  ],
  [
    "a packet has an output device in FORWARD, OUTPUT and POSTROUTING; use --limit-iface-in on the way in",
    "封包在 FORWARD、OUTPUT 和 POSTROUTING 才有輸出介面；進來的路上請用 --limit-iface-in",
  ],
  [
    "a packet has an input device in PREROUTING, INPUT and FORWARD",
    "封包在 PREROUTING、INPUT 和 FORWARD 才有輸入介面",
  ],
  [
    "a packet has an output device in FORWARD, OUTPUT and POSTROUTING",
    "封包在 FORWARD、OUTPUT 和 POSTROUTING 才有輸出介面",
  ],
  [
    "a packet the host sends has no bridge port yet in OUTPUT: match it in FORWARD or POSTROUTING, or add --physdev-is-bridged",
    "本機送出的封包在 OUTPUT 還沒有 bridge 連接埠：請在 FORWARD 或 POSTROUTING 比對，或加上 '--physdev-is-bridged'",
  ],
  [
    "add -p tcp to the rule, and reject other protocols with an ICMP error in a rule of their own (--reject-with icmp-port-unreachable)",
    "在規則加上 -p tcp，其他協定另寫一條規則用 ICMP 錯誤拒絕（--reject-with icmp-port-unreachable）",
  ],
  [
    "write -p tcp --tcp-flags SYN,RST SYN before -j TCPMSS",
    "在 -j TCPMSS 前寫上 -p tcp --tcp-flags SYN,RST SYN",
  ],
  ["write -p tcp before -j SYNPROXY", "在 -j SYNPROXY 前寫上 -p tcp"],
  [
    "write -p tcp (or -p udp) before -j TPROXY, one rule per protocol",
    "在 -j TPROXY 前寫上 -p tcp（或 -p udp），每個協定一條規則",
  ],
  [
    "put the rule in *raw, in PREROUTING or OUTPUT (the kernel refuses it elsewhere)",
    "把規則放到 *raw 的 PREROUTING 或 OUTPUT（其他地方核心會拒絕）",
  ],
  [
    "put the rule in a prerouting chain (type filter, priority mangle), where a packet is taken before routing",
    "把規則放到 prerouting chain（type filter、priority mangle），封包在路由之前就在那裡被接走",
  ],
  [
    "look the socket up in prerouting or input (a packet coming in) or output (one the host sends)",
    "在 prerouting 或 input（進來的封包）或 output（本機送出的封包）查 socket",
  ],
  [
    "the simulator takes a proxy as listening: the packet is accepted there with the --tproxy-mark (the rules after this one do not run), and the kernel drops it when none listens; its local delivery needs a policy route on that mark (ip rule fwmark ... lookup ...), which a lab does not hold, so the result is uncertain from there",
    "模擬器假設有代理程式在聽：封包在這裡帶著 --tproxy-mark 被接受（之後的規則不會執行）；沒有程式在聽時核心會丟掉它。它要送到本機還需要一條依這個 mark 的策略路由（ip rule fwmark ... lookup ...），實驗室裡沒有，所以從這裡起結果不確定",
  ],
  [
    "the simulator drops a SYN there, as the kernel does after sending its cookie, and ends the walk of the client's ACK (the host then opens the connection to the server itself); other packets go on to the next rule",
    "模擬器在這裡丟掉 SYN，和核心送出 cookie 後的做法一樣；用戶端的 ACK 也在這裡結束（之後由主機自己向伺服器建立連線）；其他封包繼續走下一條規則",
  ],
  [
    "paste the line as the kernel wrote it (dmesg, journalctl -k): a line shortened by hand cannot be read",
    "請貼上核心寫出的原始那一行（dmesg、journalctl -k）：手動縮短過的行無法讀取",
  ],
  [
    "when the pattern matches no file (nft then includes nothing) the ruleset is whole; else paste those files' rules in place of the include line, or give 'nft list ruleset' output",
    "樣式沒有對到任何檔案時（nft 就什麼都不引入），規則集是完整的；否則請把那些檔案的規則貼在 include 這一行的位置，或給 'nft list ruleset' 的輸出",
  ],
  [
    "the kernel writes each line whole: copy the log from a file or a terminal (journalctl -k, dmesg) to keep its lines as they were",
    "核心每一行都是完整寫出的：請從檔案或終端機複製日誌（journalctl -k、dmesg），才能保留原本的行",
  ],
  [
    "the kernel writes each line whole and never a blank line inside one: the blank lines came with the copy (a PDF or a page putting each piece in a paragraph of its own); copy the log from a file or a terminal (journalctl -k, dmesg) to keep its lines as they were",
    "核心每一行都是完整寫出的，行內絕不會有空白行：這些空白行是複製時帶進來的（PDF 或網頁把每一段放成自己的段落）；請從檔案或終端機複製日誌（journalctl -k、dmesg），才能保留原本的行",
  ],
  [
    "the pieces of a wrapped line are joined only when each follows the one before, with at most one blank line between them: put the pieces back on one line as the kernel wrote it",
    "被折行的各段只有在緊接著前一段、中間最多隔一行空白行時才會接起來：請把各段接回核心寫出的那一行",
  ],
  [
    "the kernel writes one record a line: copy the log from a file or a terminal (journalctl -k, dmesg) to keep its line breaks",
    "核心一筆紀錄寫一行：請從檔案或終端機複製日誌（journalctl -k、dmesg），才能保留換行",
  ],
  [
    "nft monitor trace names the family before the table ('trace id 9c01f8a1 inet filter input ...'): a line without it was shortened by hand; put the family back",
    "nft monitor trace 會在 table 前面寫出 family（'trace id 9c01f8a1 inet filter input ...'）：少了它的行是被手動縮短過的，請把 family 補回去",
  ],
  [
    "decode the mail first (python3 -m quopri -d < mail.txt > log.txt), or copy the lines as the mail program shows them",
    "請先把郵件解碼（python3 -m quopri -d < mail.txt > log.txt），或照郵件軟體顯示的樣子複製這幾行",
  ],
  [
    "iptables-restore resolves a host name when it loads the rules; the simulator does not: write the address it stands for",
    "iptables-restore 載入規則時會解析主機名稱，模擬器不會：請寫出它代表的位址",
  ],
  ["declare each chain once", "每個 chain 只宣告一次"],
  ["write one rule for each", "請每個各寫一條規則"],
  [
    "put '!' before the option it negates: ! -s 10.0.0.0/8, -p tcp ! --dport 22",
    "請把 '!' 寫在它否定的選項前面：! -s 10.0.0.0/8、-p tcp ! --dport 22",
  ],
  ["remove the '!': a target's option is not negated", "請拿掉 '!'：target 的選項不能否定"],
  ["remove the '!': this option is not negated", "請拿掉 '!'：這個選項不能否定"],
  [
    'give the program: --bytecode "N,..." (nfbpf_compile\'s output) or --object-pinned PATH',
    '請給出程式：--bytecode "N,..."（nfbpf_compile 的輸出）或 --object-pinned PATH',
  ],
  ["write the option whole (ebtables -h lists them)", "請寫出完整的選項名稱（ebtables -h 會列出）"],
  [
    "write the protocol without '!', or its options in a rule of their own",
    "協定前面不要寫 '!'，或把它的選項寫在另一條規則裡",
  ],
  ["write -f once: it matches every fragment but the first", "-f 只寫一次：它比對第一個以外的每個片段"],
  [
    "give iptables-save output to name each table; for one table, iptables -t TABLE -S",
    "請給 iptables-save 的輸出，它會寫出每個 table；只要一個 table 時用 iptables -t TABLE -S",
  ],
  [
    "replace with one address, then add the others with -I or -A",
    "請用一個位址取代，其他的再用 -I 或 -A 加上",
  ],
  [
    "name the chain otherwise, e.g. in lower case or with a prefix",
    "請替 chain 取別的名字，例如用小寫或加上前綴",
  ],
  ["match ICMP types with -p icmp --icmp-type", "請用 -p icmp --icmp-type 比對 ICMP 類型"],
  ["match ICMPv6 types with -p icmpv6 --icmpv6-type", "請用 -p icmpv6 --icmpv6-type 比對 ICMPv6 類型"],
  [
    "match long lists with an ipset (-m set --match-set NAME src)",
    "很長的清單請用 ipset 比對（-m set --match-set NAME src）",
  ],
  [
    "write the name as the host's ip link shows it, or a start of it with '+' (veth+)",
    "請照主機上 ip link 顯示的寫法寫出名稱，或寫開頭再加 '+'（veth+）",
  ],
  [
    "split the list over two rules, or match the ports with an ipset",
    "請把清單分成兩條規則，或用 ipset 比對這些連接埠",
  ],
  [
    "write e.g. -D INPUT 2, or -D INPUT -p tcp --dport 22 -j ACCEPT",
    "例如寫成 -D INPUT 2，或 -D INPUT -p tcp --dport 22 -j ACCEPT",
  ],
  [
    "rules are numbered from 1 in the order the lines before this one left them",
    "規則依照這一行之前各行留下的順序，從 1 開始編號",
  ],
  [
    "delete by number (-D CHAIN N), or write the rule as it was added",
    "請用編號刪除（-D CHAIN N），或照加入時的寫法寫出這條規則",
  ],
  ["empty it with -F instead", "請改用 -F 清空它"],
  [
    "write one rule per address, each with '!', or match the list with an ipset",
    "請每個位址各寫一條規則、各自加上 '!'，或用 ipset 比對這份清單",
  ],
  [
    "separate addresses with single commas, e.g. -s 10.0.0.1,10.0.0.2",
    "位址之間用一個逗號分隔，例如 -s 10.0.0.1,10.0.0.2",
  ],
  [
    "mark the rules of one family with -4 (iptables-restore) or -6 (ip6tables-restore), or keep two files",
    "請用 -4（iptables-restore）或 -6（ip6tables-restore）標出只屬於一個位址家族的規則，或分成兩個檔案",
  ],
  [
    "start the file with the header line ip6tables-save prints to say so in the file itself",
    "在檔案開頭加上 ip6tables-save 印出的標頭行，讓檔案本身說明這一點",
  ],
  [
    "match the output device in FORWARD, OUTPUT or POSTROUTING",
    "請在 FORWARD、OUTPUT 或 POSTROUTING 比對輸出介面",
  ],
  [
    "match the input port in PREROUTING, INPUT, FORWARD or BROUTING",
    "請在 PREROUTING、INPUT、FORWARD 或 BROUTING 比對輸入埠",
  ],
  [
    "match the output port in FORWARD, OUTPUT or POSTROUTING",
    "請在 FORWARD、OUTPUT 或 POSTROUTING 比對輸出埠",
  ],
  [
    "match the input device in PREROUTING, INPUT or FORWARD",
    "請在 PREROUTING、INPUT 或 FORWARD 比對輸入介面",
  ],
  [
    "packetwalk reads the lines netfilter's LOG and TRACE rules write, not captured packets: add LOG rules (see traces/README.md) and save dmesg or journalctl -k",
    "packetwalk 讀的是 netfilter 的 LOG 和 TRACE 規則寫出的行，不是擷取下來的封包：請加上 LOG 規則（見 traces/README.md），再存下 dmesg 或 journalctl -k 的輸出",
  ],
  [
    "the kernel prints addresses like 172.17.0.2 or fd00:0000:...:0002; check that the line was not cut or edited",
    "核心印出的位址像 172.17.0.2 或 fd00:0000:...:0002 這樣：請確認這一行沒有被截斷或編輯過",
  ],
  [
    "the line looks cut short (the kernel always prints this field here); check that the log was not truncated or edited",
    "這一行看起來被截斷了（核心在這裡一定會印出這個欄位）：請確認日誌沒有被截斷或編輯過",
  ],
  [
    "the kernel prints this field here; the line was edited or garbled (a web page, a mail), so its fields from here on cannot be trusted",
    "核心會在這裡印出這個欄位；這一行被編輯過或弄亂了（網頁、郵件），從這裡起的欄位都不可靠",
  ],
  [
    "the line looks like kernel LOG output but this field is damaged; check that the line was not cut or edited",
    "這一行看起來是核心的 LOG 輸出，但這個欄位壞了：請確認這一行沒有被截斷或編輯過",
  ],
  [
    "the field is wider than its header allows; check that the line was not edited",
    "這個值超出了標頭中這個欄位的寬度：請確認這一行沒有被編輯過",
  ],
  ["the line may be cut short", "這一行可能被截斷了"],
  ["the line may be cut or edited", "這一行可能被截斷或編輯過"],
  [
    "the line may be damaged or made up; interface names are 1 to 15 characters (IFNAMSIZ)",
    "這一行可能壞了或是捏造的：介面名稱是 1 到 15 個字元（IFNAMSIZ）",
  ],
  [
    "the log is not UTF-8 text, or the interface has a name of raw bytes; rename it or fix the log's encoding",
    "日誌不是 UTF-8 文字，或介面名稱是原始位元組：請替介面改名，或修正日誌的編碼",
  ],
  [
    "journalctl -o json prints one record a line (-o json-seq the same after an RS byte); was the line cut or edited? Text works too: journalctl -k -o short-iso-precise > kernel.log",
    "journalctl -o json 一行印一筆紀錄（-o json-seq 也一樣，只是前面多一個 RS 位元組）：這一行是不是被截斷或編輯過？文字格式也可以：journalctl -k -o short-iso-precise > kernel.log",
  ],
  [
    "the packets it traced are read, also those below this line: with its output and its errors in one file, the output it held back comes after the error; record again with `nft monitor trace`, which prints every rule, or with a newer iptables",
    "它追蹤到的封包照常讀取，包括這一行下面的：輸出和錯誤寫進同一個檔案時，它暫存的輸出會排在錯誤之後；請改用會印出每條規則的 `nft monitor trace` 重新記錄，或用較新版的 iptables",
  ],
  [
    "a page that renders Markdown shows a line that starts with # as a heading; copy the ruleset from a code block or from the file itself",
    "會轉譯 Markdown 的網頁會把以 # 開頭的行顯示成標題；請從程式碼區塊或檔案本身複製規則集",
  ],
  [
    UNKNOWN_PROTOCOL_HINT,
    "請照 /etc/protocols 裡的寫法寫協定名稱（tcp、udp、icmp、gre、esp、sctp……），或寫它的編號",
  ],
  [
    "write expected, seen-reply, assured, confirmed, snat, dnat or dying",
    "請寫 'expected'、'seen-reply'、'assured'、'confirmed'、'snat'、'dnat' 或 'dying'",
  ],
  ["write fin, syn, rst, psh, ack, urg, ecn or cwr", "請寫 fin、syn、rst、psh、ack、urg、ecn 或 cwr"],
  [
    REDACTED_ADDRESS_HINT,
    "分享規則集之前有位址被換掉了：請把它放回去，或填一個扮演同樣角色的位址（例如 198.51.100.1，IPv6 則如 2001:db8::1）",
  ],
  [
    "the frame's line before it is read without its IP data; log fewer frames at once, or use nft/iptables LOG, which prints each line whole",
    "它前面那個訊框的行會讀取，但少了 IP 資料：請一次記錄少一點訊框，或改用 nft/iptables 的 LOG，它會把每一行完整印出",
  ],
  [
    "add COMMIT at the end of the table (iptables-restore rejects a table without it; was the file cut short?)",
    "在 table 的結尾加上 COMMIT（iptables-restore 會拒絕沒有 COMMIT 的 table；檔案是不是被截斷了？）",
  ],
  [
    "add COMMIT before the next *table line (iptables-restore rejects a table without it)",
    "在下一個 *table 行之前加上 COMMIT（iptables-restore 會拒絕沒有 COMMIT 的 table）",
  ],
  [
    "give iptables-save output: it starts each table with *filter, *nat, ...",
    "請提供 iptables-save 的輸出：它的每個 table 都以 *filter、*nat 等行開頭",
  ],
  [
    "the simulator follows each element's verdict and the way past the map (no element), and reports the rule uncertain only where they differ",
    "模擬器會走每個元素的 verdict，也會走沒有符合任何元素、越過這個 map 的那條路，只在結果不同的地方把這條規則報告為不確定",
  ],
  ["write 'fully-random', as nft spells the flag", "請寫成 nft 的拼法 'fully-random'"],
  [
    "a rule matches one transport protocol: write one rule per protocol, or match ports of several with 'meta l4proto { tcp, udp } th dport'",
    "一條規則只比對一種傳輸協定：每種協定各寫一條規則，或用 'meta l4proto { tcp, udp } th dport' 同時比對多種協定的埠",
  ],
  [
    "reject other protocols with 'reject' (an ICMP port unreachable) or 'reject with icmpx type port-unreachable'",
    "其他協定請用 'reject'（回 ICMP port unreachable）或 'reject with icmpx type port-unreachable'",
  ],
  [
    "print one record a line: Fluent Bit's format json_lines, or jq -c '.[]' FILE",
    "請印成一行一筆紀錄：Fluent Bit 的 \"format json_lines\"，或 jq -c '.[]' FILE",
  ],
  [
    "print one document a line: jq -c '.hits.hits[]._source' response.json > docs.json (each is read by its message), or search again with ?pretty",
    "請把文件印成一行一筆：jq -c '.hits.hits[]._source' response.json > docs.json（每筆都會從它的 message 讀取），或加上 ?pretty 重新搜尋",
  ],
  ["log the packets with a LOG or NFLOG rule", "請用 LOG 或 NFLOG 規則記錄封包"],
  [
    "tcpdump shows no hook, chain or rule a packet crossed: log the packets with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k), or trace them with nft monitor trace",
    "tcpdump 不會顯示封包經過的 hook、鏈或規則：請用 iptables -j LOG 或 nft 的 log 規則記錄封包，再提供那份日誌（dmesg、journalctl -k），或用 nft monitor trace 追蹤封包",
  ],
  [
    "packetwalk draws the hooks of Linux netfilter, which pf does not have: log on a Linux host with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k)",
    "packetwalk 畫的是 Linux netfilter 的 hook，pf 沒有這些 hook：請在 Linux 主機上用 iptables -j LOG 或 nft 的 log 規則記錄，再提供那份日誌（dmesg、journalctl -k）",
  ],
  [
    "RouterOS names a rule's chain but not its table, and packetwalk cannot read its ruleset: log on a Linux host with iptables -j LOG or an nft log rule and give that log (dmesg, journalctl -k)",
    "RouterOS 只寫出規則的鏈，沒有寫出它的表，packetwalk 也讀不了它的規則集：請在 Linux 主機上用 iptables -j LOG 或 nft 的 log 規則記錄，再提供那份日誌（dmesg、journalctl -k）",
  ],
  [
    "packetwalk reads ulogd's LOGEMU output (LOG-style lines) and its JSON output: end the stack with print1:PRINTPKT,emu1:LOGEMU or with json1:JSON (each after ip2str1:IP2STR) instead",
    "packetwalk 讀得懂 ulogd 的 LOGEMU 輸出（LOG 格式的行）和它的 JSON 輸出：請改用 print1:PRINTPKT,emu1:LOGEMU 或 json1:JSON 作為 stack 的結尾（都放在 ip2str1:IP2STR 之後）",
  ],
  [
    "copy the lines from xtables-monitor itself, or from the page's source",
    "請從 xtables-monitor 本身複製這些行，或從頁面的原始碼複製",
  ],
  [
    "the line before holds the start of the packet's line; read the log where the kernel's lines are whole (the gateway's own /var/log/messages or dmesg), or have the syslog server keep longer messages",
    "前一行是這個封包那一行的開頭；請讀取核心的行保持完整的日誌（閘道器自己的 /var/log/messages 或 dmesg），或讓 syslog 伺服器保留較長的訊息",
  ],
  [
    "print the records one a line, as ulogd writes them: jq -c . FILE",
    "請把紀錄印成一行一筆，和 ulogd 寫出來的一樣：jq -c . FILE",
  ],
  [
    'log to the kernel log instead: nft `log prefix "..."` (without `level audit`) or iptables -j LOG --log-prefix "..."',
    '改記到核心日誌：nft 用 `log prefix "..."`（不加 `level audit`），iptables 用 -j LOG --log-prefix "..."',
  ],
  [
    "a rule matches one family: write one rule for IPv4 and another for IPv6",
    "一條規則只比對一個協定族：IPv4 和 IPv6 各寫一條規則",
  ],
  ["a table starts with a *name line", "table 從 *name 那一行開始"],
  [
    "expected ':CHAIN POLICY [pkts:bytes]', e.g. ':FORWARD DROP [0:0]'",
    "應該寫成 ':CHAIN POLICY [pkts:bytes]'，例如 ':FORWARD DROP [0:0]'",
  ],
  ["expected ACCEPT, DROP or - for a user chain", "應該是 ACCEPT 或 DROP；使用者自訂的 chain 則寫 -"],
  [
    "expected a rule '-A CHAIN ...', a ':CHAIN POLICY' line, COMMIT or *table",
    "這裡應該是規則 '-A CHAIN ...'、':CHAIN POLICY' 行、COMMIT 或 *table",
  ],
  ["expected an option such as -s, -p, -m or -j", "這裡應該是 -s、-p、-m 或 -j 之類的選項"],
  ["expected a.b.c.d or a.b.c.d/len", "應該是 a.b.c.d 或 a.b.c.d/len"],
  [
    "expected e.g. fd00:a::/64 (an ip6tables-save table)",
    "應該像 fd00:a::/64 這樣（這是 ip6tables-save 的 table）",
  ],
  [
    "an IPv6 address in an iptables-save table: put ip6tables-save output after its '# Generated by ip6tables-save' line",
    "iptables-save 的 table 裡出現 IPv6 位址：請把 ip6tables-save 的輸出放在它的 '# Generated by ip6tables-save' 那一行之後",
  ],
  ["expected N or N:M (0..65535)", "應該是 N 或 N:M（0..65535）"],
  ["write e.g. -i docker0 or -i veth+", "例如寫成 -i docker0 或 -i veth+"],
  [
    "match a packet's sending user in OUTPUT (or POSTROUTING); a packet that comes in has no socket yet",
    "請在 OUTPUT（或 POSTROUTING）比對送出封包的使用者：進來的封包還沒有 socket",
  ],
  [
    "write an address of the set's family, or declare the set with the other type",
    "寫成 set 那個家族的位址，或把 set 宣告成另一個型別",
  ],
  [
    "add 'flags timeout;' (or a 'timeout' of its own) to the set's declaration",
    "在 set 的宣告裡加上 'flags timeout;'（或給 set 自己的 'timeout'）",
  ],
  [
    "give the element a 'timeout' (or the set a 'timeout') at least as long as its 'expires'",
    "給元素一個 'timeout'（或給 set 一個 'timeout'），至少和它的 'expires' 一樣長",
  ],
  ["make 'expires' at most the timeout", "讓 'expires' 不超過 timeout"],
  [OPEN_QUOTE_HINT, "在值結束的地方關上引號；現在它後面的東西（例如 -j target）都算在這個值裡"],
  ["move the rule to a table ip (or ip6) at the same hook", "把規則移到同一個 hook 的 ip（或 ip6）table"],
  [
    "write the string without double quotes inside it (single quotes are fine)",
    "字串裡不要寫雙引號（單引號可以）",
  ],
  [
    "move the comment to the end of the rule (e.g. 'tcp dport 22 accept comment \"ssh\"')",
    "把 comment 移到規則的最後（例如 'tcp dport 22 accept comment \"ssh\"'）",
  ],
  [
    'write e.g. log prefix "drop: " level info, or log group 2',
    '請寫成例如 log prefix "drop: " level info，或 log group 2',
  ],
  [
    "write emerg, alert, crit, err, warn, notice, info, debug or audit",
    "請寫 emerg、alert、crit、err、warn、notice、info、debug 或 audit",
  ],
  [
    "write 'log level audit' alone: an audit record has no prefix or flags",
    "請只寫 'log level audit'：稽核紀錄沒有前綴也沒有旗標",
  ],
  [
    'write meta secmark set "NAME" (a secmark object), or copy it: ct secmark set meta secmark',
    '請寫 meta secmark set "NAME"（secmark 物件），或用 ct secmark set meta secmark 複製它',
  ],
  [
    "write ip, ip6, arp, vlan, 8021ad or a number such as 0x0800",
    "請寫 ip、ip6、arp、vlan、8021ad，或像 0x0800 這樣的數字",
  ],
  ["write ipv4 or ipv6", "請寫 ipv4 或 ipv6"],
  [
    OWNER_HINT,
    "實驗室沒有給程式 socket 的使用者和群組，所以程式送出的封包兩種結果都會跟著走；轉送的封包（沒有 socket）和核心自己送的 echo reply、ICMP 錯誤與 reset（沒有使用者）則會決定",
  ],
]);

/** Chinese hints of {@link MORE_MESSAGES} the readers build from values; tried after {@link KNOWN_HINT_SHAPES}. */
export const MORE_HINT_SHAPES: readonly KnownHint[] = [
  {
    english:
      /^(nft monitor trace|xtables-monitor --trace) writes each line whole: save its output to a file \((.+) > trace\.txt\) and share that file(?:; a file folded at (\d+) columns unwraps with (awk '.*' FILE))?$/,
    zh: (m) =>
      `${m[1]} 會把每一行完整寫出：請把它的輸出存成檔案（${m[2]} > trace.txt）再分享那個檔案${m[3] ? `；折在 ${m[3]} 欄的檔案可以用 ${m[4]} 接回來` : ""}`,
  },
  { english: /^write (! .+)$/s, zh: (m) => `請寫成 ${m[1]}` },
  {
    english:
      /^a web page or a forum dropped the space where it wrapped the line: put it back \('([A-Z]+)=\.\.\. ([A-Z]+)=\.\.\.'\), or copy the log from its file or with journalctl -k$/,
    zh: (m) =>
      `網頁或論壇在折行的地方吃掉了空格：請把它補回來（'${m[1]}=... ${m[2]}=...'），或從日誌檔本身或用 journalctl -k 複製`,
  },
  {
    english:
      /^a web page or a forum dropped the space after the empty field: put it back \('([A-Z]+)= ([A-Z]+)=\.\.\.'\), or copy the log from its file or with journalctl -k$/,
    zh: (m) =>
      `網頁或論壇吃掉了空欄位後面的空格：請把它補回來（'${m[1]}= ${m[2]}=...'），或從日誌檔本身或用 journalctl -k 複製`,
  },
  {
    english: /^to negate the test put '!' before the option: (! .+)$/s,
    zh: (m) => `要否定這個比對，請把 '!' 寫在選項前面：${m[1]}`,
  },
  {
    english:
      /^the kernel writes each line whole: copy the log from its file or with journalctl -k; a file folded at (\d+) columns unwraps with (awk '.*' FILE)$/,
    zh: (m) =>
      `核心會把每一行完整寫出：請從日誌檔本身或用 journalctl -k 複製；折在 ${m[1]} 欄的檔案可以用 ${m[2]} 接回來`,
  },
  {
    english: /^write (--[\w-]+) (.*): iptables' own options take their value as the next word$/s,
    zh: (m) => `請寫成 ${m[1]} ${m[2]}：iptables 自己的選項要把值寫成下一個字`,
  },
  {
    english: /^udplite has no match of its own: write -m multiport (--[sd]ports) N, which reads its ports$/,
    zh: (m) => `udplite 沒有自己的 match：請寫 -m multiport ${m[1]} N，它會讀 udplite 的 port`,
  },
  {
    english: /^give it once: -j (\S+) takes one (--[\w-]+)$/,
    zh: (m) => `請只寫一次：-j ${m[1]} 只接受一個 ${m[2]}`,
  },
  {
    english: /^give one of (--[\w-]+(?:, --[\w-]+)+): another change needs a rule of its own$/,
    zh: (m) => `${m[1]} 只能寫其中一個：另一個修改要寫在另一條規則`,
  },
  {
    english: /^give one of (--[\w-]+(?:, --[\w-]+)+): a second test needs a -m of its own$/,
    zh: (m) => `${m[1]} 只能寫其中一個：第二個條件要有自己的 -m`,
  },
  {
    english: /^give it once: for several ports write -m multiport (--[sd]ports) a,b \(or one rule each\)$/,
    zh: (m) => `請只寫一次：要比對多個 port 請寫 -m multiport ${m[1]} a,b（或每個 port 各寫一條規則）`,
  },
  { english: /^write a value from 0 to (\d+)$/, zh: (m) => `請寫 0 到 ${m[1]} 的值` },
  {
    english: /^did you mean (--[\w-]+)\?$/,
    zh: (m) => `是不是要寫 ${m[1]}？`,
  },
  {
    english:
      /^declare the chain \(':(\S+) ACCEPT' after \*(\S+)\), or jump to ACCEPT, DROP, CONTINUE or RETURN$/,
    zh: (m) =>
      `宣告這個 chain（在 *${m[2]} 後面寫 ':${m[1]} ACCEPT'），或改跳到 ACCEPT、DROP、CONTINUE 或 RETURN`,
  },
  {
    english:
      /^write one value per element, or declare the (set|map) with a concatenated type \(e\.g\. 'type ipv4_addr \. inet_service'\)$/,
    zh: (m) => `每個元素只寫一個值，或把這個 ${m[1]} 宣告成串接型別（例如 'type ipv4_addr . inet_service'）`,
  },
  {
    english: /^match the protocol first, e\.g\. '(meta l4proto tcp ct .+)'$/,
    zh: (m) => `先比對協定，例如 '${m[1]}'`,
  },
  {
    english:
      /^name the direction: '(ct original proto-(?:src|dst))' \(the side that opened the connection\) or '(ct reply proto-(?:src|dst))'$/,
    zh: (m) => `請指定方向：'${m[1]}'（開啟連線的那一方）或 '${m[2]}'`,
  },
  {
    english:
      /^the kernel refuses the ruleset \(Operation not supported\): move the rule to a chain at one of those hooks(, or look the type up without an interface \('fib daddr type'\), which works at all five IP hooks)?(, e\.g\. clamp the MSS in forward \('tcp option maxseg size set rt mtu'\))?$/,
    zh: (m) =>
      `核心會拒絕這個 ruleset（「Operation not supported」）：請把規則移到掛在上述 hook 的 chain${m[1] ? "，或不指定介面查位址類型（'fib daddr type'），它在五個 IP hook 都能用" : ""}${m[2] ? "，例如在 forward 裡調整 MSS（'tcp option maxseg size set rt mtu'）" : ""}`,
  },
  {
    english: /^write the name without quotes: (.+)$/s,
    zh: (m) => `名稱不要加引號：${m[1]}`,
  },
  {
    english:
      /^give the (table|chain|set|map) a name of letters, digits, '-', '_' and '\.' that is no nft keyword \(e\.g\. '(\S+)'\)$/,
    zh: (m) =>
      `給這個 ${m[1]} 取一個只用字母、數字、'-'、'_' 和 '.'，又不是 nft 關鍵字的名稱（例如 '${m[2]}'）`,
  },
  {
    english:
      /^write '((counter|quota|limit|synproxy|ct timeout|ct expectation) (?:name|set) ".*")' for the [a-z ]+ object (.+?)(?:, or '([^']+)'(?: alone)? for the rule's own)?$/s,
    zh: (m) => `要用 ${m[2]} 物件 ${m[3]}，請寫 '${m[1]}'${m[4] ? `；規則自己的請寫 '${m[4]}'` : ""}`,
  },
  {
    english: /^write the range with spaces: '(\S+ - \S+)' \((\d+-\d+)\), or one protocol by its number$/,
    zh: (m) => `範圍請加空格寫：'${m[1]}'（${m[2]}）；若指的是單一協定，請寫它的編號`,
  },
  {
    english: /^write the chain's name without quotes: '(jump|goto) (.+)'$/s,
    zh: (m) => `chain 名稱不要加引號：'${m[1]} ${m[2]}'`,
  },
  {
    english: /^give the (table|chain|set|map) another name \(e\.g\. '(\S+)'\)$/,
    zh: (m) => `給這個 ${m[1]} 取別的名稱（例如 '${m[2]}'）`,
  },
  {
    english: /^write an (IPv4|IPv6) address, or move the rule to a table (ip6?)$/,
    zh: (m) => `寫成 ${m[1]} 位址，或把規則移到 table ${m[2]}`,
  },
  {
    english: /^write one of ([A-Z, ]+), or several joined by commas$/,
    zh: (m) => `請寫 ${m[1]} 其中之一，或用逗號連接幾個`,
  },
  {
    english: /^write e\.g\. -p (IPv6 --ip6-proto tcp|IPv4 --ip-proto tcp) (--ip6?-\S+) 22$/,
    zh: (m) => `例如寫成 -p ${m[1]} ${m[2]} 22`,
  },
  {
    english:
      /^look it up with a key of the (set|map)'s type, or declare the (?:set|map) with 'typeof (.+?)( : verdict)?'$/,
    zh: (m) => `用 ${m[1]} 型別的 key 來查找，或把 ${m[1]} 宣告成 'typeof ${m[2]}${m[3] ?? ""}'`,
  },
  {
    english: /^write e\.g\. '(timeout|expires) (\S+)'$/,
    zh: (m) => `例如寫成 '${m[1]} ${m[2]}'`,
  },
  {
    english: /^write host, unicast, broadcast, multicast or other \(ebtables' otherhost is nft's other\)$/,
    zh: () => "寫成 host、unicast、broadcast、multicast 或 other（ebtables 的 otherhost 在 nft 叫 other）",
  },
  {
    english: /^count the packet from 0: with --every (\d+), --packet is 0 to (\d+)$/,
    zh: (m) => `封包從 0 開始數：--every ${m[1]} 時，--packet 是 0 到 ${m[2]}`,
  },
  {
    english: /^write the options -j (\S+) takes after it \(iptables-extensions\(8\) lists them\)$/,
    zh: (m) => `在 -j ${m[1]} 後面寫上它需要的選項（iptables-extensions(8) 有列出）`,
  },
  {
    english: /^match the protocol first: '(tcp dport 8080 .+)' or '(meta l4proto tcp .+)'$/,
    zh: (m) => `先比對協定：'${m[1]}' 或 '${m[2]}'`,
  },
  {
    english: /^add 'flags interval;' to the (set|map)'s declaration$/,
    zh: (m) => `在這個 ${m[1]} 的宣告裡加上 'flags interval;'`,
  },
  {
    english:
      /^(jump|goto) to a regular chain \(one without 'type \.\.\. hook \.\.\.'\), and let the hook call '(\S+)' itself$/,
    zh: (m) => `${m[1]} 到一般的 chain（沒有 'type ... hook ...' 的），'${m[2]}' 就讓 hook 自己呼叫`,
  },
  {
    english: /^write the number instead: 'priority (-?\d+)'$/,
    zh: (m) => `改寫成數字：'priority ${m[1]}'`,
  },
  {
    english: /^put the rule in \*mangle \(the kernel registers (\S+) there alone\)$/,
    zh: (m) => `把規則放到 *mangle（核心只在那裡註冊 ${m[1]}）`,
  },
  {
    english: /^put the rule in \*nat, in (?:a chain only )?(.+?)(?: jumps to)?$/,
    zh: (m) =>
      `把規則放到 *nat${/jumps to$/.test(m[0] as string) ? `，放在只有 ${(m[1] as string).replace(/ or /g, " 或 ")} 會跳到的 chain` : ` 的 ${(m[1] as string).replace(/ or /g, " 或 ")}`}`,
  },
  {
    english:
      /^write 'ct ((?:original|reply) )?ip (saddr|daddr)' \(or ip6\), or match 'meta nfproto ipv4' before it$/,
    zh: (m) => `寫成 'ct ${m[1] ?? ""}ip ${m[2]}'（或 ip6），或在它前面比對 'meta nfproto ipv4'`,
  },
  {
    english: /^write the extension header without the family: 'exthdr (\S+) exists'$/,
    zh: (m) => `擴充標頭前面不要寫協定族：'exthdr ${m[1]} exists'`,
  },
  {
    english: /^keep 'group N' for ulogd, or drop it for a kernel log line with its (flags|level)$/,
    zh: (m) => `要交給 ulogd 就留著 'group N'；要核心日誌行和它的 ${m[1]} 就拿掉 group`,
  },
  {
    english: /^write the log options with a target, e\.g\. '(.+)'$/s,
    zh: (m) => `把記錄的選項和一個 target 寫在一起，例如 '${m[1]}'`,
  },
  {
    english: /^quote the prefix: log prefix "(.*)"$/,
    zh: (m) => `把 prefix 加上引號：log prefix "${m[1]}"`,
  },
  {
    english: /^move the rule to a table of family (ip6?) or inet$/,
    zh: (m) => `把這條規則移到協定族為 ${m[1]} 或 inet 的 table`,
  },
  {
    english:
      /^an? (ip6?|bridge|netdev|arp) table's chains see (IPv4 alone|IPv6 alone|frames of every protocol): match the family with 'meta protocol ip' or 'meta protocol ip6' \(bridge, netdev\), or drop the match$/,
    zh: (m) =>
      `${m[1]} table 的 chain ${m[2] === "IPv4 alone" ? "只看得到 IPv4" : m[2] === "IPv6 alone" ? "只看得到 IPv6" : "看得到各種協定的訊框"}：要分協定族請用 'meta protocol ip' 或 'meta protocol ip6'（bridge、netdev），不然就拿掉這個比對`,
  },
  {
    english: /^write '(dnat|snat) ip to \.\.\.' for IPv4 \(or '(?:dnat|snat) ip6 to \.\.\.'\)$/,
    zh: (m) => `IPv4 寫成 '${m[1]} ip to ...'（IPv6 寫成 '${m[1]} ip6 to ...'）`,
  },
  {
    english: /^write straight double quotes \("\.\.\."\) around a string$/,
    zh: () => `字串兩邊改用一般的直式雙引號（"..."）`,
  },
  {
    english: /^write it without quotes: (\S+) \(in its define too\)$/,
    zh: (m) => `拿掉引號寫成 ${m[1]}（define 裡也一樣）`,
  },
  {
    english: /^match it from (ip6?tables), or name a set created with 'family (inet6?)'$/,
    zh: (m) => `改在 ${m[1]} 裡比對它，或改用以 'family ${m[2]}' 建立的 set`,
  },
  {
    english:
      /^put it in a chain declared 'type nat hook (\S+) priority (\S+);'(, or jump to it from such chains alone)?$/,
    zh: (m) =>
      `把它放進宣告為 'type nat hook ${m[1]} priority ${m[2]};' 的 chain${m[3] ? "，或只從這樣的 chain 跳到它" : ""}`,
  },
  {
    english:
      /^ebtables-nft has no broute table \(ebtables-restore: "table name 'broute' invalid"\); on ebtables-legacy, read the path of such a frame as routed$/,
    zh: () =>
      "ebtables-nft 沒有 broute table（ebtables-restore：「table name 'broute' invalid」）；在 ebtables-legacy 上，請把這種訊框的路徑當成經過路由",
  },
  {
    english:
      /^declare it with ':(.+) - \[0:0\]' after \*(\S+), above the rules that jump to it \(was the listing cut from a larger save\?\)$/,
    zh: (m) =>
      `在 *${m[2]} 之後、跳到它的規則之前，用 ':${m[1]} - [0:0]' 宣告它（這份清單是不是從更大的 save 截下來的？）`,
  },
  {
    english:
      /^did you mean the target (\S+)\? Else declare the chain with ':(.+) - \[0:0\]' after \*(\S+), above the rules that jump to it$/,
    zh: (m) =>
      `是不是要寫 target ${m[1]}？不然請在 *${m[3]} 之後、跳到它的規則之前，用 ':${m[2]} - [0:0]' 宣告這個 chain`,
  },
  {
    english: /^move ':(.+) - \[0:0\]' up, next to the table's other chain lines$/,
    zh: (m) => `把 ':${m[1]} - [0:0]' 往上移，和這個 table 其他的 chain 行放在一起`,
  },
  {
    english: /^declare it in the same table, e\.g\. '(.+)'$/s,
    zh: (m) => `請在同一個 table 裡宣告它，例如 '${m[1]}'`,
  },
  {
    english: /^match the protocol first, as kube-proxy does: '(.+)'$/,
    zh: (m) => `先比對協定，像 kube-proxy 那樣寫：'${m[1]}'`,
  },
  {
    english:
      /^use 'add (set|map)' \(it adds to a (?:set|map) that exists\), or remove the (?:set|map) above$/,
    zh: (m) => `改用 'add ${m[1]}'（它會加到已經存在的 ${m[1]} 上），或拿掉前面的 ${m[1]}`,
  },
  {
    english:
      /^declare the (set|map) once, or declare it again with the same type, flags, timeout and counter to add elements \(or add them with '(.+)'\)$/,
    zh: (m) =>
      `這個 ${m[1]} 只宣告一次；或再宣告時用同樣的型別、flags、timeout 和 counter 來加元素（或用 '${m[2]}' 加上去）`,
  },
  {
    english:
      /^merge or split the elements so that none overlaps, or declare the (set|map) 'auto-merge' \(nft then merges them\)$/,
    zh: (m) => `合併或拆開這些元素，讓它們不再重疊；或把這個 ${m[1]} 宣告成 'auto-merge'（nft 會把它們合併）`,
  },
  {
    english:
      /^taken as created after the (\S+) tables, so chain (\S+) runs first; write '# created before the iptables tables' above the nft text if it was loaded first \(a firewall started at boot, before Docker\), or '# created after the iptables tables' to confirm$/,
    zh: (m) =>
      `當成在 ${m[1]} 的 table 之後建立，所以 chain ${m[2]} 先跑；如果 nft 的部分是先載入的（開機時就啟動的防火牆，比 Docker 早），請在 nft 文字上方寫 '# created before the iptables tables'，或寫 '# created after the iptables tables' 來確認`,
  },
  {
    english:
      /^taken as created after the bridge, so chain (\S+) runs first; if the table was created before, it (never sees the frames br_netfilter hands to IP FORWARD|runs after IP PREROUTING) \(kernel 6\.18\); priority -1 or 1 makes the order sure$/,
    zh: (m) =>
      `當成在 bridge 之後建立，所以 chain ${m[1]} 先跑；如果 table 是在 bridge 之前建立的，${
        m[2] === "runs after IP PREROUTING"
          ? "它會在 IP PREROUTING 之後才跑"
          : "br_netfilter 交給 IP FORWARD 的 frame 它一個也看不到"
      }（核心 6.18）；把 priority 改成 -1 或 1 就能確定順序`,
  },
  {
    english: /^write (.+), comma-separated \(a word's first letters are enough\)$/s,
    zh: (m) => `請寫 ${(m[1] as string).split(", ").join("、")}，以逗號分隔（只寫開頭幾個字母也可以）`,
  },
  {
    english: /^write one rule per (source|destination), or a list: (-[sd]) a,b$/,
    zh: (m) => `請每個${m[1] === "source" ? "來源" : "目的地"}各寫一條規則，或寫成清單：${m[2]} a,b`,
  },
  {
    english: /^write one of (.+)$/s,
    zh: (m) => `請寫 ${(m[1] as string).split(", ").join("、")} 其中之一`,
  },
  {
    english: /^flush it first \(-F (\S+)\), and delete the rules that jump to it$/,
    zh: (m) => `請先清空它（-F ${m[1]}），並刪除跳轉到它的規則`,
  },
  {
    english: /^add -p (\S+) to the rule$/,
    zh: (m) => `在規則裡加上 -p ${m[1]}`,
  },
  {
    english: /^add -p (\S+) to the rule, or load the match of its protocol$/,
    zh: (m) => `在規則裡加上 -p ${m[1]}，或改載入該協定自己的 match`,
  },
  {
    english: /^put the rule in \*(nat|filter), in (.+)$/s,
    zh: (m) => `把規則放在 *${m[1]} 的 ${(m[2] as string).replace(/, /g, "、").split(" or ").join(" 或 ")}`,
  },
  {
    english: /^-P sets the policy of (.+)$/s,
    zh: (m) => `-P 設定的是 ${(m[1] as string).split(", ").join("、")} 的 policy`,
  },
  {
    english: /^((?:xz|zstd|bzip2|lz4) -dc .+ > kernel\.log)$/s,
    zh: (m) => `請先解壓縮成文字：${m[1]}`,
  },
  {
    english: /^decompress it once: (gzip -dc .+ > kernel\.log)$/s,
    zh: (m) => `解壓縮一次就好：${m[1]}`,
  },
  {
    english: /^(unzip -p .+ > kernel\.log)$/s,
    zh: (m) => `請先取出成文字：${m[1]}`,
  },
  {
    english: /^(journalctl --file .+ -k -o short-iso-precise > kernel\.log)$/s,
    zh: (m) => `請先轉成文字：${m[1]}`,
  },
  {
    english:
      /^packetwalk reads the kernel log as text \(dmesg, journalctl -k, \/var\/log\/kern\.log\); check that (.+) is the saved log and not another file$/s,
    zh: (m) =>
      `packetwalk 讀的核心日誌是文字（dmesg、journalctl -k、/var/log/kern.log）：請確認${m[1] === "the file" ? "這個檔案" : ` ${m[1]} `}是存下來的日誌，而不是別的檔案`,
  },
  {
    english: /^test the file with (gzip -t .+); a log still being written is read whole once it is rotated$/s,
    zh: (m) => `請用 ${m[1]} 檢查這個檔案；還在寫入的日誌，要等它輪替（rotate）之後才能完整讀取`,
  },
  {
    english: /^add '(:.*)' after (\*\S+)$/s,
    zh: (m) => `在 ${m[2]} 後面加上 '${m[1]}'`,
  },
  {
    english: /^write '(:\S+ - \[0:0\])' for a user chain(?: \(the built-in ones: (.+)\))?$/s,
    zh: (m) =>
      `使用者自訂的 chain 請寫成 '${m[1]}'${m[2] ? `（內建的有：${(m[2] as string).split(", ").join("、")}）` : ""}`,
  },
  { english: /^write log prefix (".*")$/s, zh: (m) => `請寫成 log prefix ${m[1]}` },
  {
    english:
      /^declare it in the table \('(counter|quota|limit) NAME \{ \.\.\. \}'\) and write (?:counter|quota|limit) name "NAME"$/,
    zh: (m) => `請在 table 裡宣告它（'${m[1]} NAME { ... }'），再寫 ${m[1]} name "NAME"`,
  },
  {
    english: /^expected \*raw, \*mangle, \*nat, \*filter or \*security(?:; did you mean (\*\S+)\?)?$/,
    zh: (m) => `應該是 *raw、*mangle、*nat、*filter 或 *security${m[1] ? `；是不是要寫 ${m[1]}？` : ""}`,
  },
  {
    english:
      /^the simulator takes the program as accepting the packet: it goes on at the next hook \(the rules after this one do not run\), and the result is uncertain from there; (with bypass|when no program listens)/,
    zh: (m) =>
      `模擬器假設程式接受封包：封包在下一個 hook 繼續（這條之後的規則不會執行），從這裡起結果不確定；${
        m[1] === "with bypass"
          ? "有 bypass 時，沒有程式在聽的封包也一樣繼續"
          : "佇列沒有程式在聽時，核心會丟棄封包（加上 --queue-bypass，nft 則是 'bypass'，就會放行）"
      }`,
  },
];

/** `hint` in Chinese, or undefined when it is not a known one. */
function hintZh(hint: string): string | undefined {
  const exact = KNOWN_HINTS.get(hint) ?? MORE_HINTS.get(hint);
  if (exact) return exact;
  for (const known of [...KNOWN_HINT_SHAPES, ...MORE_HINT_SHAPES]) {
    const m = known.english.exec(hint);
    if (m) return known.zh([...m].map((v) => v ?? ""));
  }
  return undefined;
}

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
  for (const known of [...KNOWN_MESSAGES, ...MORE_MESSAGES]) {
    const m = known.english.exec(d.message);
    if (!m) continue;
    const hint = d.hint === undefined ? undefined : hintZh(d.hint);
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
