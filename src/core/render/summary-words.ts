/**
 * A packet's one-line summary in the reader's language. The parser writes it in English
 * (`parse/summarize-packet.ts`: `TCP SYN 198.51.100.10:40000 -> 198.51.100.2:8080, DNAT to
 * 172.18.0.2:80`), and that text stays as it is in the packets and in `--json` (scripts read it);
 * this renders it where a page shows it: figure titles, trace pages, the playground. Pure.
 *
 * zh-TW: the words around the addresses become Chinese, spaced as the zh-TW lessons are (a
 * half-width space between Chinese and Latin words or numbers, none beside full-width punctuation):
 * `, DNAT to X` → `，DNAT 到 X` and `, SNAT to X` → `，SNAT 到 X` (the lessons' 「DNAT 到」),
 * `, un-SNAT to X` → `，還原 SNAT 為 X` and `, un-DNAT to X` → `，還原 DNAT 為 X` (conntrack undoing
 * the request's translation, as the lessons call it: 「來源 NAT 的還原」); ARP's tcpdump phrases
 * (`who-has … tell`, `is-at`), a frame, a trace without headers, `type N`, `(protocol N)`, TCP's `none` and `empty packet`
 * too; a fragment's place (`, first fragment`, `, fragment at byte N`) and a TEE copy's note in Chinese as well. Kept as written, being names a reader meets again in rules and tool output: protocol names
 * (TCP, UDP, ICMPv6, GRE), TCP flag names (`SYN-ACK`, as the lessons write them), ICMP type and code
 * names (`echo-request`, `port-unreachable`: what `--icmp-type` and nft's `icmp type` take),
 * addresses, MACs and the `->` arrow.
 */

import type { DescribeLang } from "./describe-path.ts";

/** The NAT connectors `summarizePacket` writes, in zh-TW. */
const REWRITE_ZH: Record<string, string> = {
  DNAT: "DNAT 到",
  SNAT: "SNAT 到",
  "un-SNAT": "還原 SNAT 為",
  "un-DNAT": "還原 DNAT 為",
};

// One rewrite after the first part: `, DNAT to 172.18.0.2:80` (an endpoint holds no space or comma).
const REWRITE = /, (un-SNAT|un-DNAT|DNAT|SNAT) to ([^\s,]+)/g;
// Where the rewrites start: the first part's end.
const REWRITES_START = /, (?:un-SNAT|un-DNAT|DNAT|SNAT) to /;

/** What a packet is (`ICMP type 42`, `GRE (protocol 47)`, `ESP (IPsec) (protocol 50)`, `TCP none`) in zh-TW. */
function whatZh(what: string): string {
  return what
    .replace(/^(ICMP|ICMPv6) type (\d+)$/, "$1 類型 $2")
    .replace(/^TCP none$/, "TCP 無旗標")
    .replace(/^IP protocol (\d+)$/, "IP 協定 $1")
    .replace(/ \((.+)\) \(protocol (\d+)\)$/, "（$1，協定 $2）")
    .replace(/ \(protocol (\d+)\)$/, "（協定 $1）");
}

// A copy the host made of a packet it received (`summarizePacket`'s last part).
const COPY = /, a copy \(TEE or dup\) of the packet of line (\d+)$/;

// Where a fragment sits in its datagram, after the addresses (`fragmentWords` in `summarize-packet.ts`).
const FRAGMENT = /, (first fragment|(last )?fragment at byte (\d+))$/;

/** A fragment's place in zh-TW (`，第一個分片`, `，分片，位移 1480 位元組`). */
function fragmentZh(m: RegExpExecArray): string {
  if (m[1] === "first fragment") return "，第一個分片";
  return `，${m[2] ? "最後一個分片" : "分片"}，位移 ${m[3]} 位元組`;
}

/** The first part of a summary (before its rewrites) in zh-TW. */
function headZh(head: string): string {
  const fragment = FRAGMENT.exec(head);
  if (fragment) return headZh(head.slice(0, fragment.index)) + fragmentZh(fragment);
  if (head === "empty packet") return "空封包";
  let m = /^ARP who-has (\S+) tell (\S+)$/.exec(head);
  if (m) return `ARP 詢問：誰是 ${m[1]}？請告訴 ${m[2]}`;
  m = /^ARP reply (\S+) is-at (\S+)$/.exec(head);
  if (m) return `ARP 回覆：${m[1]} 的 MAC 是 ${m[2]}`;
  m = /^ARP opcode (\S+)$/.exec(head);
  if (m) return `ARP 操作碼 ${m[1]}`;
  m = /^trace (\S+): no line shows its headers$/.exec(head);
  if (m) return `追蹤 ${m[1]}：沒有日誌行顯示它的標頭`;
  m = /^frame (\S+) -> (\S+)(?: type (\S+))?$/.exec(head);
  if (m) return `訊框 ${m[1]} -> ${m[2]}${m[3] ? `（EtherType ${m[3]}）` : ""}`;
  m = /^(.+) (\S+) -> (\S+)$/.exec(head);
  if (m) {
    const what = whatZh(m[1] as string);
    // No space beside full-width punctuation: `GRE（協定 47）198.51.100.10 -> ...`.
    return `${what}${what.endsWith("）") ? "" : " "}${m[2]} -> ${m[3]}`;
  }
  return head;
}

/**
 * `summary` (as `summarizePacket` writes it) for a page in `lang`: English as it is; zh-TW with
 * its words in Chinese, addresses, protocol, flag and ICMP names kept. Text it does not recognise
 * is left as it is.
 */
export function summaryWords(summary: string, lang: DescribeLang): string {
  if (lang !== "zh-TW") return summary;
  const copy = COPY.exec(summary);
  if (copy)
    return `${summaryWords(summary.slice(0, copy.index), lang)}，第 ${copy[1]} 行封包的複本（TEE 或 dup）`;
  const at = summary.search(REWRITES_START);
  const head = at < 0 ? summary : summary.slice(0, at);
  const rewrites = at < 0 ? "" : summary.slice(at);
  return (
    headZh(head) +
    rewrites.replace(REWRITE, (_, kind: string, to: string) => `，${REWRITE_ZH[kind] ?? kind} ${to}`)
  );
}
