/**
 * A plain-language note for one iptables-save / ebtables rule line, in
 * English and Traditional Chinese: "if the destination is one of this
 * host's addresses, continue in chain DOCKER". Covers the options of
 * Docker's default rulesets; any other option is named honestly as not
 * explained rather than guessed.
 */

import { ctTupleOption } from "../simulate/ct-tuple-option.ts";
import { readRecent, tcpFlagList } from "../simulate/parse-rule-args.ts";
import { type Token, tokenizeRule } from "../simulate/tokenize-rule.ts";
import { ARP_OPTION_FIELDS, type ArpField, arpFieldWords } from "./arp-field-words.ts";
import { ctTupleWords } from "./ct-tuple-words.ts";
import { explainRecent } from "./explain-recent.ts";
import { keepsWholeBytes, maskedAddressWords, maskedValueWords, parseMaskedAddress } from "./mask-words.ts";
import { tcpFlagsWords } from "./tcp-flags-words.ts";

/** The note for one rule, in both languages. */
export interface RuleNote {
  /** The explanation in English (or, for a line whose quote is not closed, why there is none). */
  en: string;
  /** The explanation in Traditional Chinese. */
  "zh-TW": string;
  /** Options packetwalk does not explain (e.g. `--foo`), for tooling. */
  unknown: string[];
}

type Pair = [en: string, zh: string];

/** A Chinese character (CJK ideograph). */
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
/** A half-width character other than a space: a Latin letter, a digit or ASCII punctuation (`eth0`, `1/s`). */
const HALF = /[\x21-\x7e]/;

/** `a` then `b`, a half-width space between them where a Chinese character meets a half-width one. */
function glue(a: string, b: string): string {
  const [x, y] = [a.slice(-1), b.charAt(0)];
  return (HAN.test(x) && HALF.test(y)) || (HALF.test(x) && HAN.test(y)) ? `${a} ${b}` : a + b;
}

/**
 * Chinese pieces of a note joined by `sep` as the zh-TW pages write them (Taiwan practice): a
 * half-width space where a Chinese character meets a Latin word or a number (`如果 mark 是 0x1 且來源是
 * 10.0.0.1`), none beside full-width punctuation or between two Chinese characters.
 */
export function joinZh(pieces: readonly string[], sep = ""): string {
  return pieces.reduce((out, piece, k) => (k === 0 ? piece : glue(glue(out, sep), piece)), "");
}

/** What a rule does, in Chinese: its clauses one after another, a comma between two, none before a remark `（...）`. */
function actionsZh(clauses: readonly string[]): string {
  return clauses.reduce(
    (out, c, k) => (k === 0 ? c : c.startsWith("（") ? glue(out, c) : joinZh([out, c], "，")),
    "",
  );
}

/** What notrack does, in both languages (iptables' `-j CT --notrack`, nft's `notrack`). */
export const NOTRACK_WORDS: Pair = [
  "leave it untracked if conntrack has not seen it yet (no connection, no NAT)",
  "若 conntrack 尚未看到它，讓它不被追蹤（沒有連線，不做 NAT）",
];

/**
 * What a zone template does (`-j CT --zone N`, nft `ct zone set N` with `nft`), for one direction with
 * `dir`. nft's also takes an untracked packet (kernel 6.18: tracked again, see nft-notrack-ct-state).
 */
export function zoneWords(zone: number, dir?: "original" | "reply", nft = false): Pair {
  const en = dir === "original" ? " (original direction)" : dir === "reply" ? " (reply direction)" : "";
  const zh = dir === "original" ? "（原方向）" : dir === "reply" ? "（回覆方向）" : "";
  return [
    `if conntrack has not seen it yet${nft ? " (untracked too)" : ""}, look it up in conntrack zone ${zone}${en}`,
    joinZh([
      `若 conntrack 尚未看到它${nft ? "（未追蹤的也算）" : ""}，在 conntrack zone ${zone}${zh}`,
      "查找它的連線",
    ]),
  ];
}

const TARGETS: Record<string, Pair> = {
  ACCEPT: [
    "accept the packet (stop checking this table's chains)",
    "接受封包（不再檢查這個 table 的其他規則）",
  ],
  DROP: ["drop the packet silently", "直接丟棄封包"],
  REJECT: ["drop the packet and send an error back", "丟棄封包並回送錯誤"],
  RETURN: ["return to the calling chain", "返回呼叫它的 chain"],
  LOG: ["write the packet to the kernel log and go on", "把封包記錄到 kernel log，然後繼續"],
  TRACE: ["trace the packet through every later rule", "追蹤封包之後經過的每條規則"],
  MASQUERADE: [
    "rewrite the source to the outgoing interface's address (SNAT)",
    "把來源改成送出介面的位址（SNAT）",
  ],
  REDIRECT: [
    "rewrite the destination to this host's address on the input interface (DNAT to the host itself)",
    "把目的地改成這台主機在進來介面上的位址（DNAT 到主機自己）",
  ],
  CONTINUE: ["go on with the next rule", "繼續下一條規則"],
  NFLOG: [
    "pass the packet to a userspace logger over netlink (NFLOG) and go on",
    "把封包經 netlink 交給 userspace 的記錄程式（NFLOG），然後繼續",
  ],
  NOTRACK: NOTRACK_WORDS,
};

/**
 * Target extensions a rule may jump to besides the verdicts, in words: a `-j NAME` that is none of
 * these and carries options is another extension (a jump to a chain takes none), never a chain.
 */
const EXTENSION_TARGETS: Record<string, Pair> = {
  TCPMSS: ["clamp the TCP MSS option and go on", "調整 TCP 的 MSS 選項，然後繼續"],
  CHECKSUM: ["fill in the packet's checksum and go on", "填入封包的 checksum，然後繼續"],
  NFQUEUE: [
    "hand the packet to a userspace program (NFQUEUE), which decides its fate",
    "把封包交給 userspace 的程式（NFQUEUE），由它決定封包的去向",
  ],
  CLASSIFY: [
    "set the packet's traffic-control class and go on",
    "設定封包的 traffic control class，然後繼續",
  ],
  SECMARK: ["set the packet's security label and go on", "設定封包的安全標籤，然後繼續"],
  CONNSECMARK: [
    "copy the security label between packet and connection and go on",
    "在封包和連線之間複製安全標籤，然後繼續",
  ],
  AUDIT: ["record an audit message and go on", "寫一筆 audit 訊息，然後繼續"],
  IDLETIMER: ["restart an idle timer and go on", "重設一個閒置計時器，然後繼續"],
};

/** `-j TTL` / `-j HL` with their one option (`--ttl-set 1`), in words; undefined for another option. */
function ttlWords(target: string, opt: string | undefined, n: string | undefined): Pair | undefined {
  const what = target === "HL" ? "hop limit" : "TTL";
  const m = opt && n !== undefined ? /^--(?:ttl|hl)-(set|dec|inc)$/.exec(opt) : null;
  if (!m) return undefined;
  if (m[1] === "set") return [`set the ${what} to ${n} and go on`, `把 ${what} 設為 ${n}，然後繼續`];
  return m[1] === "dec"
    ? [`lower the ${what} by ${n} and go on`, `把 ${what} 減 ${n}，然後繼續`]
    : [`raise the ${what} by ${n} and go on`, `把 ${what} 加 ${n}，然後繼續`];
}

/** Options of the IP header's part of an iptables rule, which the kernel checks before the matches. */
const HEADER_OPTIONS = new Set([
  "-s",
  "--source",
  "-d",
  "--destination",
  "-i",
  "--in-interface",
  "-o",
  "--out-interface",
  "-p",
  "--protocol",
]);

/**
 * The rule's conditions and what an always-matching match records, in the order the kernel runs them:
 * the IP header's part first, then the matches as written. A `-m recent --set` records any packet that
 * reaches it (checked in a namespace: iptables-save writes `-p tcp -m recent --set ... -m tcp --dport 22`,
 * and a packet to port 80 was recorded), so the conditions after it are said after the recording.
 */
function conditionsAndRecords(
  conds: readonly Pair[],
  header: ReadonlySet<number>,
  records: ReadonlyArray<{ note: Pair; at: number }>,
): Pair {
  const stage = (k: number) => (header.has(k) ? 0 : records.filter((r) => r.at <= k).length);
  let en = "";
  const zh: string[] = [];
  for (let s = 0; s <= records.length; s++) {
    const these = conds.filter((_, k) => stage(k) === s);
    if (these.length) {
      en += `${s ? "then if" : "if"} ${these.map((c) => c[0]).join(" and ")}, `;
      zh.push(
        s ? "然後如果" : "如果",
        joinZh(
          these.map((c) => c[1]),
          "且",
        ),
        "，",
      );
    }
    const r = records[s];
    if (r) {
      en += `${r.note[0]}, `;
      zh.push(r.note[1], "，");
    }
  }
  return [en, joinZh(zh)];
}

/** An address under a mask that is no prefix's (`10.0.0.0/255.0.255.0`) in words; undefined for any other. */
function maskedOf(text: string, neg: boolean) {
  const c = parseMaskedAddress(text);
  return c && maskedAddressWords(c, neg);
}

/** `--and-mark`, `--or-mark`, `--xor-mark` (MARK and CONNMARK): the bit operation in words. */
const MARK_BITS: Record<string, Pair> = {
  "--and-mark": ["AND", "AND"],
  "--or-mark": ["OR", "OR"],
  "--xor-mark": ["XOR", "XOR"],
};

/** `-A OUTPUT ... -j REDIRECT`: the host's own packet goes to the loopback address. */
const REDIRECT_OUT: Pair = [
  "rewrite the destination to this host's loopback address (127.0.0.1 or ::1; DNAT to the host itself)",
  "把目的地改成這台主機的 loopback 位址（127.0.0.1 或 ::1；DNAT 到主機自己）",
];

/** A CONNMARK mask that is not full (`--nfmask 0xf`): which bits of which mark take part. */
function connmarkMask(opt: string, m: string): Pair {
  if (opt === "--nfmask")
    return [
      `(only the packet's mark bits ${m} are copied or replaced)`,
      `（只複製或取代封包 mark 的 ${m} 位元）`,
    ];
  if (opt === "--ctmask")
    return [
      `(only the connection's mark bits ${m} are copied or replaced)`,
      `（只複製或取代連線 mark 的 ${m} 位元）`,
    ];
  return [`(only the mark bits ${m} are copied or replaced)`, `（只複製或取代 mark 的 ${m} 位元）`];
}

/** `--pkt-type` / ebtables `--pkttype-type` values in words. */
const PKT_TYPES: Record<string, Pair> = {
  unicast: ["addressed to this host (unicast)", "送給這台主機（單播）"],
  host: ["addressed to this host (unicast)", "送給這台主機（單播）"],
  broadcast: ["broadcast", "廣播"],
  multicast: ["multicast", "多播"],
  otherhost: ["addressed to another host", "送給其他主機"],
};

const CTSTATES: Record<string, string> = {
  NEW: "新連線",
  ESTABLISHED: "已建立",
  RELATED: "相關",
  INVALID: "無效",
  UNTRACKED: "未追蹤",
  DNAT: "DNAT",
  SNAT: "SNAT",
};

/**
 * Explains one rule line (`-A CHAIN ...` or an ebtables rule); pure. Words are read as the iptables
 * reader reads them: a quoted word (`--log-prefix "-j DROP "`) is a value, never an option or a `!`.
 */
export function explainRule(line: string): RuleNote {
  const tk = tokenizeRule(line.trim());
  if (!tk.ok)
    return {
      en: `(not explained: ${tk.message} at column ${tk.column})`,
      "zh-TW": `（未說明：第 ${tk.column} 欄的引號沒有結束）`,
      unknown: [],
    };
  const tokens = tk.tokens;
  const word = (k: number): string => tokens[k]?.value ?? "";
  const conds: Pair[] = [];
  // What a match that always matches does on the way (`-m recent --set` records the source), and how
  // many conditions were written before it.
  const records: Array<{ note: Pair; at: number }> = [];
  // Conditions on the IP header's part (-s, -d, -i, -o, -p): the kernel checks them before any match.
  const headerConds = new Set<number>();
  const actions: Pair[] = [];
  const unknown: string[] = [];
  const comments: Pair[] = [];
  let logged = false;
  // `-m connmark --mark` and `-j CONNMARK --set-xmark` name the connection's mark, not the packet's.
  let connmarkMatch = false;
  let connmarkTarget = false;
  // `--to` is NETMAP's prefix only after `-j NETMAP` (the string match has a `--to` offset of its own).
  let netmapTarget = false;
  // The match whose options come now, and whether the target was reached: an option of a match this
  // note does not know is a condition said as written, never left out as if the rule had none.
  let matchModule: string | undefined;
  let targetSeen = false;
  const unexplained = new Map<string, string[]>();
  const asCondition = new Set<string>();
  // Whether the current `-m conntrack` has a `--ctstate` a packet without a connection can meet (UNTRACKED,
  // INVALID, or a negated other): it alone then decides such a packet.
  let ctstateSeen = false;
  // The chain appended to: at OUTPUT a REDIRECT goes to the loopback address, not an input interface's.
  let chain = "";
  // Inside a `-m policy`: its transform's options (`--reqid 1`, `--mode tunnel`) qualify its test.
  let policyMatch = false;
  let policyTest: Pair | undefined;
  let policyAt = -1;
  const policyOptions: Pair[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    const condsBefore = conds.length;
    // A quoted word where an option belongs is an unexplained option's value (`--nflog-prefix "-s x"`).
    if (tok.quoted) continue;
    let negate = false;
    let opt = tok.value;
    if (opt === "!") {
      negate = true;
      const next = tokens[++i];
      opt = next && !next.quoted ? next.value : "";
    }
    /** An option this note does not know: skipped with its value, said as written when a match's. */
    const unexplainedOption = (): void => {
      unknown.push(opt);
      // Skip the option's argument, if it has one (a quoted word is one, whatever it starts with).
      const next = tokens[i + 1];
      const value = next !== undefined && (next.quoted || !next.value.startsWith("-")) ? next : undefined;
      if (value) i++;
      if (targetSeen || matchModule === undefined) return;
      const written = `${negate ? "! " : ""}${opt}${value ? ` ${value.quoted ? JSON.stringify(value.value) : value.value}` : ""}`;
      unexplained.set(matchModule, [...(unexplained.get(matchModule) ?? []), written]);
      asCondition.add(opt);
    };
    const arg = (): string => {
      let a = tokens[++i];
      if (a && !a.quoted && a.value === "!") {
        negate = true;
        a = tokens[++i];
      }
      return a?.value ?? "";
    };
    const tuple = ctTupleOption(opt);
    if (tuple) {
      // The connection's tuples: what its first packet was sent to, or where its replies come from.
      const a = arg();
      const port = tuple.field === "sport" || tuple.field === "dport";
      const m = port ? undefined : maskedOf(a, negate);
      const words = m
        ? ctTupleWords(tuple.dir, tuple.field, [m.en, m.zhNoun], false)
        : ctTupleWords(tuple.dir, tuple.field, port ? a.replace(":", "-") : a, negate);
      // xt_conntrack passes a packet without a connection once its --ctstate held (kernel 6.18).
      conds.push(
        ctstateSeen
          ? [
              `${words[0]} (a packet without a connection has no tuple: it matches on the state alone)`,
              `${words[1]}（沒有連線的封包沒有 tuple，只要狀態符合就算符合）`,
            ]
          : words,
      );
      continue;
    }
    switch (opt) {
      case "-A":
      case "--append":
      case "-I":
        chain = arg();
        break;
      case "--arp-op":
      case "--arp-ip-src":
      case "--arp-ip-dst":
      case "--arp-mac-src":
      case "--arp-mac-dst": {
        conds.push(arpFieldWords(ARP_OPTION_FIELDS[opt] as ArpField, [arg()], negate));
        break;
      }
      case "-s":
      case "--source":
      case "--ip-src":
      case "--ip-source":
      case "--ip6-src":
      case "--ip6-source": {
        const a = arg();
        const m = maskedOf(a, negate);
        conds.push(
          m
            ? [`the source is ${m.en}`, `來源位址${m.zhPredicate}`]
            : negate
              ? [`the source is not ${a}`, `來源不是 ${a}`]
              : [`the source is ${a}`, `來源是 ${a}`],
        );
        break;
      }
      case "-d":
      case "--destination":
      case "--ip-dst":
      case "--ip-destination":
      case "--ip6-dst":
      case "--ip6-destination": {
        const a = arg();
        const m = maskedOf(a, negate);
        conds.push(
          m
            ? [`the destination is ${m.en}`, `目的位址${m.zhPredicate}`]
            : negate
              ? [`the destination is not ${a}`, `目的地不是 ${a}`]
              : [`the destination is ${a}`, `目的地是 ${a}`],
        );
        break;
      }
      case "-i":
      case "--in-interface": {
        const a = arg();
        conds.push(
          negate
            ? [`it did not come in on ${a}`, `不是從 ${a} 進來`]
            : [`it came in on ${a}`, `從 ${a} 進來`],
        );
        break;
      }
      case "-o":
      case "--out-interface": {
        const a = arg();
        conds.push(
          negate
            ? [`it does not go out on ${a}`, `不是從 ${a} 出去`]
            : [`it goes out on ${a}`, `從 ${a} 出去`],
        );
        break;
      }
      case "-p":
      case "--protocol":
      case "--ip-proto":
      case "--ip-protocol":
      case "--ip6-proto":
      case "--ip6-protocol": {
        const a = arg();
        // ebtables' two -p values whose names say little: 802.3 frames, and VLAN-tagged ones.
        if (opt === "-p" && a.toLowerCase() === "length")
          conds.push([
            `it is ${negate ? "not " : ""}an 802.3 frame (a type field below 0x0600, holding a length)`,
            `${negate ? "不" : ""}是 802.3 訊框（類型欄位小於 0x0600，記的是長度）`,
          ]);
        else if (opt === "-p" && /^(802_1q|8021q|802\.1q|1q|dot1q)$/i.test(a))
          conds.push([
            `it is ${negate ? "not " : ""}a VLAN-tagged (802.1Q) frame`,
            `${negate ? "不" : ""}是帶 VLAN 標籤（802.1Q）的訊框`,
          ]);
        else conds.push([`it is ${negate ? "not " : ""}protocol ${a}`, `${negate ? "不" : ""}是協定 ${a}`]);
        break;
      }
      case "--dport":
      case "--destination-port":
      case "--ip-dport": {
        const a = arg();
        conds.push(
          negate
            ? [`the destination port is not ${a}`, `目的埠不是 ${a}`]
            : [`the destination port is ${a}`, `目的埠是 ${a}`],
        );
        break;
      }
      case "--sport":
      case "--source-port":
      case "--ip-sport": {
        const a = arg();
        conds.push(
          negate
            ? [`the source port is not ${a}`, `來源埠不是 ${a}`]
            : [`the source port is ${a}`, `來源埠是 ${a}`],
        );
        break;
      }
      case "--dports":
      case "--sports": {
        const a = arg().split(",").join(", ");
        const which = opt === "--dports" ? ["destination", "目的"] : ["source", "來源"];
        conds.push([
          `the ${which[0]} port is ${negate ? "none" : "one"} of ${a}`,
          `${which[1]}埠${negate ? "不" : ""}是 ${a} 之一`,
        ]);
        break;
      }
      case "-m":
      case "--match": {
        const module = arg(); // The module's own options follow and are explained one by one.
        matchModule = module;
        connmarkMatch = module === "connmark";
        policyMatch = module === "policy";
        ctstateSeen = false;
        policyOptions.length = 0;
        policyTest = policyMatch ? policyWords(tokens, i + 1) : undefined;
        policyAt = conds.length;
        if (policyTest) conds.push(policyTest);
        if (module === "recent") {
          const read = readRecent(tokens, i + 1);
          const r = explainRecent(read.words);
          if (r.outcome === "always") records.push({ note: r.note, at: conds.length });
          else conds.push(r.note);
          i = read.next - 1;
        }
        if (module === "rpfilter") {
          const rest = tokens.slice(i + 1);
          const upTo = rest.findIndex(
            (t) =>
              !t.quoted &&
              t.value.startsWith("-") &&
              !["--loose", "--validmark", "--accept-local", "--invert"].includes(t.value),
          );
          const opts = (upTo < 0 ? rest : rest.slice(0, upTo)).map((t) => t.value);
          const invert = opts.includes("--invert");
          const way: Pair = opts.includes("--loose")
            ? ["route back to its source", "一條回到來源的路由"]
            : [
                "route back to its source that leaves by the interface it came in on",
                "一條從進來的介面出去、回到來源的路由",
              ];
          conds.push(
            invert
              ? [`there is no ${way[0]} (reverse path check)`, `沒有${way[1]}（反向路徑檢查）`]
              : [`there is a ${way[0]} (reverse path check)`, `有${way[1]}（反向路徑檢查）`],
          );
        }
        break;
      }
      case "--ctstate":
      case "--state": {
        const states = arg().split(",");
        ctstateSeen =
          opt === "--ctstate" && states.some((x) => x === "UNTRACKED" || x === "INVALID") !== negate;
        conds.push([
          `the connection is ${negate ? "not " : ""}${states.join(" or ")}`,
          joinZh([
            `連線狀態${negate ? "不" : ""}是`,
            joinZh(
              states.map((s) => CTSTATES[s] ?? s),
              "或",
            ),
          ]),
        ]);
        break;
      }
      case "--ctdir": {
        const reply = arg().toUpperCase() === "REPLY";
        const words: [string, string] = reply
          ? ["the packet goes in its connection's reply direction", "封包在連線的回覆方向上"]
          : ["the packet goes in its connection's original direction", "封包在連線的原方向上"];
        // xt_conntrack passes a packet without a connection once its --ctstate held (kernel 6.18).
        conds.push(
          ctstateSeen
            ? [
                `${words[0]} (a packet without a connection has no direction: it matches on the state alone)`,
                `${words[1]}（沒有連線的封包沒有方向，只要狀態符合就算符合）`,
              ]
            : words,
        );
        break;
      }
      case "--ctproto": {
        const proto = arg().toLowerCase();
        const name = { "6": "tcp", "17": "udp", "1": "icmp" }[proto] ?? proto;
        const words: Pair = negate
          ? [`its connection's protocol is not ${name}`, `連線的協定不是 ${name}`]
          : [`its connection's protocol is ${name}`, `連線的協定是 ${name}`];
        // xt_conntrack passes a packet without a connection once its --ctstate held (kernel 6.18).
        conds.push(
          ctstateSeen
            ? [
                `${words[0]} (a packet without a connection has no protocol there: it matches on the state alone)`,
                `${words[1]}（沒有連線的封包沒有連線的協定，只要狀態符合就算符合）`,
              ]
            : words,
        );
        break;
      }
      case "--helper": {
        if (matchModule !== "helper") break;
        // xt_helper reads the helper of the connection's master: only a connection a helper expected has one.
        const name = arg();
        conds.push(
          negate
            ? [
                `its connection is not one that helper ${name} expected (every connection but, e.g., FTP data ones, the control connection the helper watches included)`,
                `連線不是 helper ${name} 預期的連線（除了例如 FTP 資料連線以外的所有連線，包括 helper 所監看的控制連線）`,
              ]
            : [
                `its connection is one that helper ${name} expected (e.g. an FTP data connection; never the control connection the helper watches)`,
                `連線是 helper ${name} 預期的連線（例如 FTP 資料連線；絕不是 helper 所監看的控制連線）`,
              ],
        );
        break;
      }
      case "--ctstatus": {
        // NONE adds no bit to the others.
        const all = arg().toUpperCase().split(",");
        const names = all.some((x) => x !== "NONE") ? all.filter((x) => x !== "NONE") : all;
        const none = names.every((x) => x === "NONE");
        const en = names.join(" or ");
        const words: [string, string] = none
          ? negate
            ? [
                "the packet has a connection (! --ctstatus NONE holds for every one)",
                "封包有連線（! --ctstatus NONE 對每個連線都成立）",
              ]
            : [
                "never (--ctstatus NONE tests no status bit)",
                "永遠不符合（--ctstatus NONE 不檢查任何狀態位元）",
              ]
          : negate
            ? [`the connection's status has none of ${en}`, `連線的狀態旗標沒有 ${names.join("或")}`]
            : [`the connection's status has ${en}`, `連線的狀態旗標有 ${names.join("或")}`];
        // xt_conntrack passes a packet without a connection once its --ctstate held (kernel 6.18).
        conds.push(
          ctstateSeen
            ? [
                `${words[0]} (a packet without a connection has no status: it matches on the state alone)`,
                `${words[1]}（沒有連線的封包沒有狀態旗標，只要狀態符合就算符合）`,
              ]
            : words,
        );
        break;
      }
      case "--dst-type":
      case "--src-type": {
        const t = arg();
        const who = opt === "--dst-type" ? ["destination", "目的地"] : ["source", "來源"];
        if (t === "LOCAL") {
          conds.push([
            `the ${who[0]} is ${negate ? "not " : ""}one of this host's addresses`,
            `${who[1]}${negate ? "不" : ""}是這台主機自己的位址`,
          ]);
        } else
          conds.push([
            `the ${who[0]} address type is ${negate ? "not " : ""}${t}`,
            `${who[1]}位址類型${negate ? "不" : ""}是 ${t}`,
          ]);
        break;
      }
      case "--limit-iface-in":
      case "--limit-iface-out": {
        // Qualifies the address type test just before it: only the interface's own addresses count.
        const last = conds[conds.length - 1];
        const where: Pair =
          opt === "--limit-iface-in"
            ? ["on the interface it came in on", "進來的介面上"]
            : ["on the interface it goes out on", "出去的介面上"];
        if (last) conds[conds.length - 1] = [`${last[0]} (${where[0]})`, `${last[1]}（限${where[1]}）`];
        break;
      }
      case "--pkt-type":
      case "--pkttype-type": {
        const a = arg();
        const w = PKT_TYPES[a.toLowerCase()] ?? [a, a];
        conds.push([
          `the frame is ${negate ? "not " : ""}${w[0]}`,
          joinZh([`訊框${negate ? "不是" : "是"}`, w[1]]),
        ]);
        break;
      }
      case "--mac-source": {
        const a = arg();
        conds.push([
          `the source MAC is ${negate ? "not " : ""}${a}`,
          `來源 MAC ${negate ? "不" : ""}是 ${a}`,
        ]);
        break;
      }
      case "--dscp":
      case "--dscp-class": {
        const a = arg();
        conds.push([`the DSCP is ${negate ? "not " : ""}${a}`, `DSCP ${negate ? "不" : ""}是 ${a}`]);
        break;
      }
      case "--tos":
      case "--ip-tos":
      case "--ip6-tclass": {
        const a = arg();
        conds.push([`the TOS byte is ${negate ? "not " : ""}${a}`, `TOS 位元組${negate ? "不" : ""}是 ${a}`]);
        break;
      }
      case "--set-dscp":
      case "--set-dscp-class":
        actions.push([`set the DSCP to ${arg()} and go on`, `把 DSCP 設為 ${word(i)}，然後繼續`]);
        break;
      case "--set-tos":
      case "--and-tos":
      case "--or-tos":
      case "--xor-tos": {
        const how: Pair =
          opt === "--set-tos"
            ? ["set the TOS byte to", "把 TOS 位元組設為"]
            : [`${opt.slice(2, -4)} the TOS byte with`, `把 TOS 位元組 ${opt.slice(2, -4)} 上`];
        actions.push([`${how[0]} ${arg()} and go on`, `${how[1]} ${word(i)}，然後繼續`]);
        break;
      }
      case "--physdev-in": {
        const a = arg();
        conds.push([
          `it entered the bridge ${negate ? "not " : ""}by port ${a}`,
          `${negate ? "不是" : ""}從 bridge 埠 ${a} 進入`,
        ]);
        break;
      }
      case "--physdev-out": {
        const a = arg();
        conds.push([
          `it leaves the bridge ${negate ? "not " : ""}by port ${a}`,
          `${negate ? "不是" : ""}從 bridge 埠 ${a} 離開`,
        ]);
        break;
      }
      case "--physdev-is-bridged":
        conds.push([`it is ${negate ? "not " : ""}bridged`, `${negate ? "不是" : ""}經過橋接`]);
        break;
      case "--rt-type":
      case "--rt-segsleft":
      case "--fragmore":
      case "--fragfirst":
      case "--fraglast":
      case "--hbh-len":
      case "--dst-len": {
        const takes = !["--fragmore", "--fragfirst", "--fraglast"].includes(opt);
        const a = takes ? ` ${negate ? "!= " : ""}${arg()}` : "";
        conds.push([
          `it carries an IPv6 extension header with ${opt.slice(2)}${a} (a packet without one never matches)`,
          `帶有 IPv6 延伸標頭且 ${opt.slice(2)}${a}（沒有這個標頭的封包不會符合）`,
        ]);
        break;
      }
      case "--syn":
        conds.push(tcpFlagsWords(["FIN", "SYN", "RST", "ACK"], ["SYN"], negate));
        break;
      case "--tcp-flags": {
        const mask = tcpFlagList(arg());
        const set = tcpFlagList(arg());
        if (mask && set) conds.push(tcpFlagsWords(mask, set, negate));
        else unknown.push(opt);
        break;
      }
      case "--icmp-type":
      case "--icmpv6-type":
      case "--ip-icmp-type":
      case "--ip6-icmp-type": {
        const a = arg();
        const icmp = opt === "--icmp-type" || opt === "--ip-icmp-type" ? "ICMP" : "ICMPv6";
        conds.push([
          `the ${icmp} type is ${negate ? "not " : ""}${a}`,
          `${icmp} 類型${negate ? "不" : ""}是 ${a}`,
        ]);
        break;
      }
      case "--limit": {
        const a = arg();
        conds.push([`it is within the rate limit ${a}`, `在速率限制 ${a} 之內`]);
        break;
      }
      case "--limit-burst": {
        const a = arg();
        const last = conds[conds.length - 1];
        if (last) conds[conds.length - 1] = [`${last[0]} (bursts of ${a})`, `${last[1]}（突發上限 ${a}）`];
        break;
      }
      case "--hl-eq":
      case "--hl-lt":
      case "--hl-gt":
      case "--ttl-eq":
      case "--ttl-lt":
      case "--ttl-gt": {
        const a = arg();
        const what = opt.startsWith("--hl") ? "hop limit" : "TTL";
        const rel: Record<string, Pair> = { eq: ["", ""], lt: ["below ", "小於 "], gt: ["above ", "大於 "] };
        const [en, zh] = rel[opt.slice(-2)] as Pair;
        conds.push([
          `the ${what} is ${negate ? "not " : ""}${en}${a}`,
          `${what} ${negate ? "不" : ""}${zh || "是 "}${a}`,
        ]);
        break;
      }
      case "--comment": {
        const a = arg();
        comments.push([`(comment: "${a}")`, `（註解：「${a}」）`]);
        break;
      }
      case "--length": {
        const [lo, hi] = arg().split(":");
        const span: Pair =
          hi === undefined || hi === lo
            ? [`${lo} bytes`, `${lo} 位元組`]
            : [`from ${lo} to ${hi} bytes`, `${lo} 到 ${hi} 位元組`];
        conds.push([
          `the packet's IP length is ${negate ? "not " : ""}${span[0]}`,
          `封包的 IP 長度${negate ? "不" : ""}是 ${span[1]}`,
        ]);
        break;
      }
      case "--mss": {
        const [lo, hi] = arg().split(":");
        const v = hi === undefined || hi === lo ? lo : `${lo || 0}-${hi || 65535}`;
        conds.push([
          `the TCP MSS option is ${negate ? "not " : ""}${v} (a segment without one, anything but a SYN or SYN-ACK, ${negate ? "matches" : "does not"})`,
          `TCP 的 MSS 選項${negate ? "不" : ""}是 ${v}（沒有這個選項的區段，也就是 SYN 或 SYN-ACK 以外的，${negate ? "算符合" : "不符合"}）`,
        ]);
        break;
      }
      // -m policy's direction and policy were said at its -m (see policyWords); the transform's options qualify them.
      case "--dir":
      case "--pol":
        if (policyMatch) arg();
        else unknown.push(opt);
        break;
      case "--strict":
      case "--next":
        if (!policyMatch) unknown.push(opt);
        break;
      case "--reqid":
      case "--spi":
      case "--proto":
      case "--mode":
      case "--tunnel-src":
      case "--tunnel-dst": {
        if (!policyTest) {
          unknown.push(opt);
          break;
        }
        const a = arg();
        policyOptions.push([
          `${opt.slice(2)} ${negate ? "not " : ""}${a}`,
          `${opt.slice(2)} ${negate ? "不是 " : ""}${a}`,
        ]);
        const said = policyOptions.map((o) => o[0]).join(", ");
        const saidZh = policyOptions.map((o) => o[1]).join("、");
        conds[policyAt] = [
          `${policyTest[0]} (IPsec policy: ${said})`,
          joinZh([policyTest[1], `（IPsec 政策：${saidZh}）`]),
        ];
        break;
      }
      case "--match-set": {
        const name = arg();
        const flags = word(++i).split(",");
        const fields = flags.map((f) => (f === "src" ? ["source", "來源"] : ["destination", "目的"]));
        conds.push(
          flags.length === 1
            ? [
                `the ${fields[0]?.[0]} is ${negate ? "not " : ""}in ipset ${name}`,
                `${fields[0]?.[1]}${negate ? "不" : ""}在 ipset ${name} 中`,
              ]
            : [
                `the packet is ${negate ? "not " : ""}in ipset ${name} (looked up by ${fields.map((f) => f[0]).join(", ")})`,
                `封包${negate ? "不" : ""}在 ipset ${name} 中（依${fields.map((f) => f[1]).join("、")}查詢）`,
              ],
        );
        break;
      }
      case "--return-nomatch": {
        // Qualifies the set lookup just before it.
        const last = conds[conds.length - 1];
        if (last)
          conds[conds.length - 1] = [
            `${last[0]} (--return-nomatch: an entry marked nomatch counts as in, any other as not)`,
            `${last[1]}（--return-nomatch：標為 nomatch 的項目算在內，其他不算）`,
          ];
        break;
      }
      case "--packets-eq":
      case "--packets-lt":
      case "--packets-gt":
      case "--bytes-eq":
      case "--bytes-lt":
      case "--bytes-gt": {
        const n = arg();
        const what = opt.startsWith("--packets") ? ["packets", "個封包"] : ["bytes", "位元組"];
        const cmp = opt.endsWith("eq")
          ? ["exactly", "剛好"]
          : opt.endsWith("lt")
            ? ["fewer than", "少於"]
            : ["more than", "多於"];
        conds.push([
          `its set entry has ${negate ? "not " : ""}counted ${cmp[0]} ${n} ${what[0]}`,
          `該 set 項目${negate ? "不是" : ""}已計數${cmp[1]} ${n} ${what[1]}`,
        ]);
        break;
      }
      case "--timeout": {
        const n = arg();
        actions.push([`for ${n} seconds`, `保留 ${n} 秒`]);
        break;
      }
      case "--update-counters":
      case "--update-subcounters":
        break;
      case "--add-set":
      case "--del-set": {
        const name = arg();
        const flags = word(++i)
          .split(",")
          .map((f) => (f === "src" ? ["source", "來源"] : ["destination", "目的"]));
        actions.push(
          opt === "--add-set"
            ? [
                `add the packet's ${flags.map((f) => f[0]).join(", ")} to ipset ${name}`,
                `把封包的${flags.map((f) => f[1]).join("、")}加入 ipset ${name}`,
              ]
            : [
                `remove the packet's ${flags.map((f) => f[0]).join(", ")} from ipset ${name}`,
                `把封包的${flags.map((f) => f[1]).join("、")}移出 ipset ${name}`,
              ],
        );
        break;
      }
      case "--exist":
        break;
      // -m rpfilter: its options come after the module name, --invert negating the whole check.
      case "--loose":
      case "--validmark":
      case "--accept-local":
      case "--invert":
        break;
      case "--mark": {
        const a = arg();
        const [whose, whoseZh] = connmarkMatch
          ? ["the connection's mark", "連線的 mark"]
          : ["the mark", "mark"];
        // xt_connmark fails a packet without a connection, `!` or not (kernel 6.18: `! --mark 0x5` and `--mark 0x0` missed untracked packets).
        const none: Pair = connmarkMatch
          ? [" (a packet without a connection never matches)", "（沒有連線的封包一律不符合）"]
          : ["", ""];
        const [value, mask] = a
          .split("/")
          .map((x) => (/^(0x[0-9a-f]+|\d+)$/i.test(x) ? BigInt(x) : undefined));
        const form = { bits: 32, hex: true };
        // A mask of whole bytes is said by them, a value with bits outside the mask as never holding;
        // any other mask keeps its written form.
        const said: Pair =
          value !== undefined &&
          mask !== undefined &&
          mask !== 0xffffffffn &&
          (keepsWholeBytes(mask, form) || (value & ~mask) !== 0n)
            ? maskedValueWords(
                [whose, connmarkMatch ? "連線 mark" : whoseZh],
                form,
                mask,
                { values: [value] },
                negate,
              )
            : [`${whose} is ${negate ? "not " : ""}${a}`, `${whoseZh} ${negate ? "不" : ""}是 ${a}`];
        conds.push([`${said[0]}${none[0]}`, `${said[1]}${none[1]}`]);
        break;
      }
      case "--set-mark":
      case "--set-xmark":
        actions.push(
          connmarkTarget
            ? [`set the connection's mark to ${arg()}`, `把連線的 mark 設為 ${word(i)}`]
            : [`set the mark to ${arg()}`, `把 mark 設為 ${word(i)}`],
        );
        break;
      case "--and-mark":
      case "--or-mark":
      case "--xor-mark": {
        const [op, opZh] = MARK_BITS[opt] as Pair;
        actions.push(
          connmarkTarget
            ? [`${op} the connection's mark with ${arg()}`, `把連線的 mark ${opZh} ${word(i)}`]
            : [`${op} the mark with ${arg()}`, `把 mark ${opZh} ${word(i)}`],
        );
        break;
      }
      case "--nflog-prefix":
        actions.push([`with prefix "${arg()}"`, `前綴為「${word(i)}」`]);
        break;
      case "--nflog-group":
        actions.push([`(netlink group ${arg()})`, `（netlink 群組 ${word(i)}）`]);
        break;
      case "--save-mark":
        actions.push(["copy the packet's mark to its connection", "把封包的 mark 複製到連線"]);
        break;
      case "--restore-mark":
        actions.push(["copy the connection's mark to the packet", "把連線的 mark 複製到封包"]);
        break;
      case "--nfmask":
      case "--ctmask":
      case "--mask": {
        // CONNMARK's masks: which bits are copied (iptables-save writes them in full, which says nothing).
        const m = arg();
        if (connmarkTarget && Number(m) !== 0xffffffff) actions.push(connmarkMask(opt, m));
        break;
      }
      case "--left-shift-mark":
      case "--right-shift-mark": {
        const [dir, dirZh] = opt === "--left-shift-mark" ? ["left", "左"] : ["right", "右"];
        actions.push([`(the mark shifted ${dir} by ${arg()} bits)`, `（mark ${dirZh}移 ${word(i)} 位元）`]);
        break;
      }
      case "--to-destination":
        actions.push([`to ${arg()}`, `改成 ${word(i)}`]);
        break;
      case "--to":
        if (netmapTarget)
          actions.push([
            `to ${arg()}, each host keeping its host bits (the destination at PREROUTING and OUTPUT, the source at POSTROUTING and INPUT)`,
            `對應到 ${word(i)}，每台主機保留自己的主機位元（在 PREROUTING 與 OUTPUT 改目的地，在 POSTROUTING 與 INPUT 改來源）`,
          ]);
        else unexplainedOption();
        break;
      case "--to-source":
        actions.push([`to ${arg()}`, `改成 ${word(i)}`]);
        break;
      case "--to-ports":
        actions.push([`to port ${arg()}`, `埠改成 ${word(i)}`]);
        break;
      case "--random":
      case "--random-fully": {
        // The port the NAT target gives (source targets: always drawn; destination ones: only within a range).
        const target = word(tokens.findIndex((x) => x.value === "-j" || x.value === "--jump") + 1);
        const to = tokens.find((x) => ["--to-ports", "--to-source", "--to-destination"].includes(x.value));
        const value = to ? (tokens[tokens.indexOf(to) + 1]?.value ?? "") : "";
        // A port range ends the value (`2000-3000`, `192.0.2.1:2000-3000`); an address range has dots.
        const range = /-\d+$/.test(value.slice(value.lastIndexOf(":") + 1));
        actions.push(randomNatWords(target === "SNAT" || target === "MASQUERADE", range));
        break;
      }
      case "--log-prefix":
      case "--log-level":
      case "--log-ip":
      case "--log-arp":
      case "--log-ip6":
      case "--log-uid":
      case "--log-tcp-options":
      case "--log-ip-options":
        // ebtables logs through these watcher options alone, before its -j target.
        if (!logged) {
          logged = true;
          actions.push(TARGETS.LOG as Pair);
        }
        if (opt === "--log-prefix") actions.push([`with prefix "${arg()}"`, `前綴為「${word(i)}」`]);
        else if (opt === "--log-level") arg();
        break;
      case "--log":
        if (!logged) actions.push(TARGETS.LOG as Pair);
        logged = true;
        break;
      case "--reject-with":
        actions.push([`with ${arg()}`, `回送 ${word(i)}`]);
        break;
      case "-j":
      case "--jump":
      case "-g":
      case "--goto": {
        targetSeen = true;
        const t = arg();
        const known = TARGETS[t];
        if (t === "LOG" && logged) break;
        // ebtables watchers (--log ...) run before the target: keep the target after them.
        const place = (p: Pair): void => {
          if (logged) actions.push(p);
          else actions.unshift(p);
        };
        if (t === "LOG") logged = true;
        if (t === "REDIRECT" && chain === "OUTPUT") place(REDIRECT_OUT);
        // `-j CT --notrack` is `-j NOTRACK` (xt_CT); another CT option (a zone, a helper) is not explained.
        else if (
          t === "CT" &&
          word(i + 1) === "--notrack" &&
          !tokens[i + 1]?.quoted &&
          tokens.length === i + 2
        ) {
          place(TARGETS.NOTRACK as Pair);
          i++;
        } else if (
          t === "CT" &&
          /^--zone(-orig|-reply)?$/.test(word(i + 1) ?? "") &&
          tokens.length === i + 3
        ) {
          // `-j CT --zone N` alone: a zone template (a zone from the mark, `--zone mark`, is not explained).
          const zone = Number(word(i + 2));
          const w = word(i + 1);
          if (!Number.isInteger(zone)) break;
          place(
            zoneWords(zone, w === "--zone-orig" ? "original" : w === "--zone-reply" ? "reply" : undefined),
          );
          i += 2;
        } else if (known) place(known);
        else if (t === "DNAT") place(["rewrite the destination (DNAT)", "改寫目的地（DNAT）"]);
        else if (t === "SNAT") place(["rewrite the source (SNAT)", "改寫來源（SNAT）"]);
        else if (t === "NETMAP") {
          netmapTarget = true;
          place(["map the address (NETMAP)", "對應位址（NETMAP）"]);
        } else if (t === "MARK") place(["mark the packet", "標記封包"]);
        else if (t === "redirect") {
          // ebtables' redirect: the frame becomes the bridge's own, then --redirect-target's verdict (ACCEPT).
          const then = word(i + 1) === "--redirect-target" ? word(i + 2) : undefined;
          if (then) i += 2;
          const next = then && then !== "ACCEPT" ? TARGETS[then] : undefined;
          place([
            `send the frame up to the bridge itself (its destination MAC becomes the bridge's): the host routes it instead of the bridge forwarding it${next ? `, then ${next[0]}` : ""}`,
            joinZh([
              "把訊框交給 bridge 自己（目的 MAC 改成 bridge 的）：由主機路由它，而不是由 bridge 轉送",
              ...(next ? [`然後${next[1]}`] : []),
            ]),
          ]);
        } else if (t === "CONNMARK") connmarkTarget = true;
        // SET's, DSCP's and TOS's own options (--add-set, --set-dscp, ...) say what they do.
        else if (t === "SET" || t === "DSCP" || t === "TOS") break;
        else if ((t === "TTL" || t === "HL") && ttlWords(t, word(i + 1), word(i + 2))) {
          place(ttlWords(t, word(i + 1), word(i + 2)) as Pair);
          i += 2;
        } else if (t === "TCPMSS" && word(i + 1) === "--clamp-mss-to-pmtu") {
          place([
            "lower the TCP MSS option to what the smaller MTU of the route on and the route back allows and go on",
            "把 TCP 的 MSS 選項降到去程與回程路由中較小的 MTU 允許的值，然後繼續",
          ]);
          i += 1;
        } else if (t === "TCPMSS" && word(i + 1) === "--set-mss" && /^\d+$/.test(word(i + 2) ?? "")) {
          place([
            `lower the TCP MSS option to ${word(i + 2)} and go on`,
            `把 TCP 的 MSS 選項降到 ${word(i + 2)}，然後繼續`,
          ]);
          i += 2;
        } else if (EXTENSION_TARGETS[t]) place(EXTENSION_TARGETS[t] as Pair);
        else if (opt === "-g" || opt === "--goto")
          place([`go to chain ${t} (no return here)`, `跳到 chain ${t}（不會回來）`]);
        // A chain takes no options: a target followed by some is an extension this note does not know.
        else if (word(i + 1)?.startsWith("--") && !tokens[i + 1]?.quoted)
          place([`apply the ${t} target`, `套用 ${t} target`]);
        else place([`continue in chain ${t}`, `接著檢查 chain ${t}`]);
        break;
      }
      default:
        if (opt.startsWith("-")) unexplainedOption();
    }
    if (HEADER_OPTIONS.has(opt)) for (let k = condsBefore; k < conds.length; k++) headerConds.add(k);
  }
  for (const [module, written] of unexplained)
    conds.push([
      `the ${module} match '${written.join(" ")}' holds (not explained by packetwalk)`,
      `${module} match「${written.join(" ")}」成立（packetwalk 未說明）`,
    ]);
  if (actions.length === 0)
    actions.push(["count the packet and go on (no target)", "只計數，繼續下一條規則（沒有 target）"]);
  actions.push(...comments);
  const [said, saidZh] = conditionsAndRecords(conds, headerConds, records);
  const en = `${said}${actions.map((a) => a[0]).join(" ")}`;
  // Those said as conditions above are not repeated.
  const trailing = unknown.filter((u) => !asCondition.has(u));
  const unknownEn = trailing.map((u) => ` (option ${u}: not explained by packetwalk)`).join("");
  const unknownZh = trailing.map((u) => `（選項 ${u}：packetwalk 未說明）`);
  return {
    en: `${en}${unknownEn}`,
    "zh-TW": joinZh([saidZh, actionsZh(actions.map((a) => a[1])), ...unknownZh]),
    unknown,
  };
}

/**
 * What `-m policy` tests, from its `--dir` and `--pol` among the words after `at` (no `--pol` is
 * `--pol ipsec`): whether the packet came from an IPsec tunnel (`in`) or goes into one (`out`).
 */
function policyWords(tokens: readonly Token[], at: number): Pair {
  // The match's own words end at the next match or target.
  const end = tokens.findIndex(
    (t, j) => j >= at && !t.quoted && ["-m", "--match", "-j", "--jump", "-g", "--goto"].includes(t.value),
  );
  const value = (opt: string) => {
    const k = tokens.findIndex((t, j) => j >= at && (end < 0 || j < end) && !t.quoted && t.value === opt);
    return k < 0 ? undefined : tokens[k + 1]?.value;
  };
  const none = value("--pol") === "none";
  if (value("--dir") === "out")
    return none
      ? ["it will not go into an IPsec tunnel", "它不會進入 IPsec 通道"]
      : ["it will go into an IPsec tunnel (IPsec encrypts it)", "它會進入 IPsec 通道（經 IPsec 加密）"];
  return none
    ? ["it did not come from an IPsec tunnel", "它不是來自 IPsec 通道"]
    : ["it came from an IPsec tunnel (IPsec decrypted it)", "它來自 IPsec 通道（經 IPsec 解密）"];
}

/**
 * What a NAT's `--random` / `--random-fully` (nft `random`, `fully-random`) does to the port, in both
 * languages: a source NAT always draws it (from its range, or the kernel's by the packet's own port), a
 * destination NAT only from a port range it is given, else it keeps the packet's (nf_nat_l4proto_unique_tuple).
 */
export function randomNatWords(source: boolean, range: boolean): [en: string, zh: string] {
  if (!source && !range)
    return [
      "(random: without a port range the destination port is kept)",
      "（random：沒有埠範圍，目的埠不變）",
    ];
  const from = range ? [" from that range", "從該範圍"] : ["", ""];
  const who = source ? ["source ", "來源"] : ["", ""];
  return [
    `with a ${who[0]}port the kernel draws at random${from[0]}`,
    `${who[1]}埠由 kernel ${from[1]}隨機選取`,
  ];
}
