/**
 * A plain-language note for one nftables rule, in English and Traditional Chinese:
 * `iifname "docker0" oifname != "docker0" accept` reads "from docker0 to another interface: accept
 * (ends this base chain only)". It reads the rule with the simulator's nft rule parser, so it explains
 * what packetwalk models; any other expression is named as not explained, never guessed.
 */

import { CT_ADDR_KEYS, CT_ENTRY_KEYS, conditionLoad } from "../simulate/ct-break.ts";
import { CT_STATUS_BITS, CT_STATUS_NAT } from "../simulate/ct-status.ts";
import { formatIpCidr, type IpCidr } from "../simulate/ip-address.ts";
import { maskType, readMaskWord } from "../simulate/nft-bitmask.ts";
import { parseNftRule } from "../simulate/parse-nft-rule.ts";
import type {
  Condition,
  CtAddrKey,
  NftKey,
  NftSet,
  NftValue,
  PortRange,
  Target,
} from "../simulate/ruleset.ts";
import { tokenizeNft } from "../simulate/tokenize-nft.ts";
import { arpFieldWords } from "./arp-field-words.ts";
import { ctTupleWords } from "./ct-tuple-words.ts";
import { joinZh, NOTRACK_WORDS, type RuleNote, randomNatWords, zoneWords } from "./explain-rule.ts";
import { keepsWholeBytes, type MaskForm, maskedAddressWords, maskedValueWords } from "./mask-words.ts";
import { tcpFlagsWords } from "./tcp-flags-words.ts";

type Pair = [en: string, zh: string];

const CT_STATE: Record<string, Pair> = {
  new: ["new", "新"],
  established: ["established", "已建立"],
  related: ["related", "相關"],
  invalid: ["invalid", "無效"],
  untracked: ["untracked", "未追蹤"],
};

const KEY_WORDS: Record<NftKey, Pair> = {
  iifname: ["the input interface", "進入介面"],
  oifname: ["the output interface", "送出介面"],
  "ip saddr": ["the source address", "來源位址"],
  "ip daddr": ["the destination address", "目的位址"],
  "ip protocol": ["the protocol", "協定"],
  "ip6 saddr": ["the IPv6 source address", "IPv6 來源位址"],
  "ip6 daddr": ["the IPv6 destination address", "IPv6 目的位址"],
  "ip6 nexthdr": ["the IPv6 next header", "IPv6 下一個標頭"],
  "ip ttl": ["the TTL", "TTL"],
  "ip6 hoplimit": ["the hop limit", "hop limit"],
  "meta l4proto": ["the protocol", "協定"],
  "meta nfproto": ["the address family", "位址族"],
  "meta protocol": ["the ether type", "乙太網路類型"],
  "ether type": ["the ether type", "乙太網路類型"],
  "tcp dport": ["the TCP destination port", "TCP 目的埠"],
  "tcp sport": ["the TCP source port", "TCP 來源埠"],
  "udp dport": ["the UDP destination port", "UDP 目的埠"],
  "udp sport": ["the UDP source port", "UDP 來源埠"],
  "th dport": ["the destination port", "目的埠"],
  "th sport": ["the source port", "來源埠"],
  "tcp flags": ["the TCP flag byte", "TCP 旗標位元組"],
  "icmp type": ["the ICMP type", "ICMP 類型"],
  "icmpv6 type": ["the ICMPv6 type", "ICMPv6 類型"],
  "icmp code": ["the ICMP code", "ICMP 代碼"],
  "icmpv6 code": ["the ICMPv6 code", "ICMPv6 代碼"],
  "ct state": ["the connection state", "連線狀態"],
  "meta mark": ["the mark", "mark"],
  "ct mark": ["the connection's mark", "連線的 mark"],
  "ct zone": ["the connection's conntrack zone", "連線的 conntrack zone"],
  "ct original zone": ["the connection's zone in the original direction", "連線在原方向的 zone"],
  "ct reply zone": ["the connection's zone in the reply direction", "連線在回覆方向的 zone"],
  "ct direction": ["the packet's direction in its connection", "封包在連線中的方向"],
  "ct protocol": ["the protocol of its connection", "連線的協定"],
  "ct l3proto": ["the address family of its connection", "連線的位址家族"],
  "ct helper": ["the helper that expected its connection", "預期這條連線的 helper"],
  // `ct original ip saddr`, `ct reply ip6 daddr`: worded as ct-tuple-words.ts words the tuple's matches.
  ...(Object.fromEntries(
    CT_ADDR_KEYS.map((k) => {
      const [, dir, ip, f] = k.split(" ");
      const v6 = ip === "ip6" ? "IPv6 " : "";
      const [side, sideZh] = f === "saddr" ? ["source", "來源"] : ["destination", "目的"];
      const zh = `${v6 && ` ${v6}`}${sideZh}位址`;
      return [
        k,
        dir === "original"
          ? [`the connection's original ${v6}${side} address (before NAT)`, `連線原本（NAT 之前）的${zh}`]
          : [`the ${v6}${side} address of the connection's replies`, `連線回覆封包的${zh}`],
      ];
    }),
  ) as Record<CtAddrKey, Pair>),
  "fib daddr type": ["the destination address type", "目的位址類型"],
  "fib saddr type": ["the source address type", "來源位址類型"],
  "fib daddr . iif type": [
    "the destination address type on the input interface",
    "目的位址在進入介面上的類型",
  ],
  "fib daddr . oif type": [
    "the destination address type on the output interface",
    "目的位址在送出介面上的類型",
  ],
  "fib saddr . iif type": ["the source address type on the input interface", "來源位址在進入介面上的類型"],
  "fib saddr . oif type": ["the source address type on the output interface", "來源位址在送出介面上的類型"],
  "meta pkttype": ["how the frame was addressed (packet type)", "訊框的定址方式（封包類型）"],
  "ether saddr": ["the source MAC", "來源 MAC"],
  "ether daddr": ["the destination MAC", "目的 MAC"],
  "ip dscp": ["the DSCP", "DSCP"],
  "ip6 dscp": ["the IPv6 DSCP", "IPv6 DSCP"],
  "meta length": ["the packet's length in bytes", "封包長度（位元組）"],
  "ip length": ["the IPv4 total length in bytes", "IPv4 總長度（位元組）"],
  "ip6 length": ["the IPv6 payload length in bytes", "IPv6 payload 長度（位元組）"],
};

/** Packet types (`meta pkttype`) in words. */
const PKTTYPE_WORDS: Record<string, Pair> = {
  host: ["addressed to this host", "送給這台主機"],
  broadcast: ["broadcast", "廣播"],
  multicast: ["multicast", "多播"],
  other: ["addressed to another host (bridged past this one)", "送給其他主機（橋接經過這台）"],
};

/** Ethertypes a reader knows by name (the rest are written as numbers). */
const ETHERTYPE_WORDS: Record<string, string> = {
  "0x0800": "IPv4",
  "0x86dd": "IPv6",
  "0x0806": "ARP",
  "0x8100": "802.1Q (VLAN-tagged)",
};

/** IPv6 extension headers (and AH, ESP) by nft's names. */
const EXTHDR_WORDS: Record<string, Pair> = {
  hbh: ["hop-by-hop options", "逐跳選項"],
  rt: ["routing", "路由"],
  rt0: ["type 0 routing", "type 0 路由"],
  rt2: ["type 2 routing", "type 2 路由"],
  srh: ["segment routing", "分段路由"],
  frag: ["fragment", "分段"],
  dst: ["destination options", "目的地選項"],
  mh: ["mobility", "行動"],
  ah: ["authentication (AH)", "認證（AH）"],
  esp: ["ESP", "ESP"],
};

const ACCEPT: Pair = ["accept (ends this base chain only)", "接受（只結束這個 base chain）"];
const DROP: Pair = ["drop (final: the packet ends here)", "丟棄（最終結果：封包到此為止）"];

function ports(r: PortRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}-${r.hi}`;
}

function cidr(c: IpCidr): string {
  return formatIpCidr(c);
}

/** How `key`'s masked values are read and written (a mark in hex, a port in decimal); undefined if it takes no mask. */
function maskForm(key: NftKey): MaskForm | undefined {
  const t = maskType(key);
  return t && ("family" in t ? t : { bits: t.bits, hex: key.endsWith("mark") });
}

/** `src`/`dst`: the address, a prefix as written, else under its mask in words. */
function addressCondition(c: Extract<Condition, { kind: "src" | "dst" }>): Pair {
  const [to, toZh] = c.kind === "src" ? ["from", "來源位址"] : ["to", "目的位址"];
  const m = maskedAddressWords(c.cidr, c.neg);
  if (m) return [`${to} ${m.en}`, `${toZh}${m.zhPredicate}`];
  return c.neg
    ? [`${to} an address outside ${cidr(c.cidr)}`, `${toZh}不在 ${cidr(c.cidr)}`]
    : [`${to} ${cidr(c.cidr)}`, `${toZh}是 ${cidr(c.cidr)}`];
}

// nft's `veth*` wildcard is read as iptables' `veth+`.
function itf(name: string): Pair {
  return name.endsWith("+")
    ? [`an interface named ${name.slice(0, -1)}*`, `名稱為 ${name.slice(0, -1)}* 的介面`]
    : [name, ` ${name} `];
}

function valueText(v: NftValue): string {
  if (v.kind === "concat") return v.parts.map(valueText).join(" . ");
  if (v.kind === "prefix") return cidr(v.cidr);
  if (v.kind === "range") return `${v.lo}-${v.hi}`;
  return v.value;
}

/** The words for a key, or for a concatenation's keys together (`ip daddr . th dport`). */
function keyWords(keys: readonly NftKey[]): Pair {
  const words = keys.map((k) => KEY_WORDS[k]);
  if (words.length === 1) return words[0] as Pair;
  return [
    `the combination ${words.map((w) => w[0]).join(" . ")}`,
    `組合 ${words.map((w) => w[1]).join(" . ")}`,
  ];
}

/** `in`/`out` conditions as one phrase; `from docker0 to another interface` when they name the same one. */
function interfaces(conds: Condition[]): Pair[] {
  type Itf = Extract<Condition, { kind: "in" | "out" }>;
  const i = conds.find((c): c is Itf => c.kind === "in");
  const o = conds.find((c): c is Itf => c.kind === "out");
  const out: Pair[] = [];
  if (i && o && i.name === o.name && i.neg !== o.neg) {
    out.push(
      i.neg
        ? [`from another interface into ${i.name}`, `從其他介面進來、往 ${i.name} 出去`]
        : [`from ${i.name} to another interface`, `從 ${i.name} 進來、往其他介面出去`],
    );
    return out;
  }
  if (i) {
    const [en, zh] = itf(i.name);
    out.push(i.neg ? [`not from ${en}`, `不是從${zh}進來`] : [`from ${en}`, `從${zh}進來`]);
  }
  if (o) {
    const [en, zh] = itf(o.name);
    out.push(o.neg ? [`not to ${en}`, `不是往${zh}出去`] : [`to ${en}`, `往${zh}出去`]);
  }
  return out;
}

/** `ct state ...`: established and related together are "a connection conntrack already knows". */
function ctState(states: string[], neg: boolean): Pair {
  // No state passes a mask with a value outside it (`ct state & established == related`).
  if (!states.length)
    return neg
      ? ["any connection state (ct state)", "任何連線狀態（ct state）"]
      : [
          "never: no connection state passes the masked test (ct state)",
          "永遠不成立：沒有連線狀態通過這個遮罩測試（ct state）",
        ];
  // `ct status dnat|snat` is read as the iptables conntrack states DNAT/SNAT: a connection NAT rewrote.
  if (states.every((x) => x === "dnat" || x === "snat")) {
    const what = states.map((x) => x.toUpperCase());
    return neg
      ? [
          `a connection without ${what.join(" or ")} (ct status)`,
          `連線沒有經過 ${what.join("或")}（ct status）`,
        ]
      : [
          `a connection conntrack rewrote by ${what.join(" or ")} (ct status)`,
          `conntrack 以 ${what.join("或")} 改寫過的連線（ct status）`,
        ];
  }
  const w = states.map((x) => CT_STATE[x] ?? [x, x]);
  const en = w.map((x) => x[0]).join(" or ");
  const zh = w.map((x) => x[1]).join("或");
  const known = states.every((x) => x === "established" || x === "related");
  if (known && !neg)
    return [`part of a connection conntrack already knows (${en})`, `屬於 conntrack 已知的連線（${zh}）`];
  return neg
    ? [`connection state not ${en}`, `連線狀態不是${zh}`]
    : [`connection state ${en}`, `連線狀態是${zh}`];
}

/** `ct state == a,b` / `!=`: the whole state word against the values' bits together. */
function exactCtState(states: string[], neg: boolean): Pair {
  const list = states.map((x) => x.toLowerCase()).join("|");
  return neg
    ? [
        `any connection state (ct state != ${list} compares the whole state, which is one of them at a time)`,
        `任何連線狀態（ct state != ${list} 比較整個狀態值，而狀態一次只有一種）`,
      ]
    : [
        `never: ct state == ${list} compares the whole state, which is one of them at a time`,
        `永遠不符合：ct state == ${list} 比較整個狀態值，而狀態一次只有一種`,
      ];
}

/** The names of the status bits in `word` (`seen-reply|confirmed`). */
function statusNames(word: number): string {
  const names = Object.entries(CT_STATUS_BITS)
    .filter(([, bit]) => (word & bit) !== 0)
    .map(([name]) => name);
  return names.length ? names.join("|") : "0";
}

/** `ct status ...`: a bit of the connection's status word, or the whole word. */
function ctStatus(c: Extract<Condition, { kind: "ctstatus" }>): Pair {
  if (c.set !== undefined)
    return [
      `the connection's status word is${c.neg ? " not" : ""} exactly one of set @${c.set}'s (ct status)`,
      `連線的狀態值${c.neg ? "不" : ""}完全等於 set @${c.set} 的其中一個（ct status）`,
    ];
  // `ct status & (snat|dnat) == snat`, `ct status snat / snat,dnat`: the word under the mask.
  if (c.values && c.mask !== undefined) {
    // `ct status & dnat | snat == 0`: no word is ever equal (the reader keeps no value of it).
    if (c.values.length === 0)
      return c.neg
        ? [
            "the connection's status always passes its masked test (ct status)",
            "連線的狀態旗標測試一定通過（ct status）",
          ]
        : [
            "the connection's status never passes its masked test (ct status)",
            "連線的狀態旗標測試永遠不通過（ct status）",
          ];
    const m = statusNames(c.mask);
    const names = c.values.map(statusNames);
    const [en, zh] = [names.map((n) => (n === "0" ? "none" : n)), names.map((n) => (n === "0" ? "無" : n))];
    const not = c.neg ? " not" : "";
    return [
      `of the connection's status bits ${m}, those on are${not} exactly ${en.length > 1 ? `one of ${en.join(", ")}` : en[0]} (ct status)`,
      `連線的狀態旗標 ${m} 之中，有的${c.neg ? "不" : ""}剛好是 ${zh.length > 1 ? `${zh.join("、")} 其中之一` : zh[0]}（ct status）`,
    ];
  }
  if (c.values) {
    const list = c.values.map(statusNames);
    const en = list.length === 1 ? `exactly ${list[0]}` : `exactly one of ${list.join(", ")}`;
    const zh = list.length === 1 ? `完全等於 ${list[0]}` : `完全等於 ${list.join("、")} 其中之一`;
    // Which other bits a word carries: where the ruleset has nat chains, the NAT-done bits on every connection.
    const other =
      "the word also carries the NAT-done bits (where the ruleset has nat chains), assured, snat and dnat";
    const otherZh = "狀態值還帶有 NAT 已處理的位元（規則集有 nat 鏈時）、assured、snat 與 dnat";
    return c.neg
      ? [
          `the connection's status word is not ${en} (ct status; ${other})`,
          `連線的狀態值不${zh}（ct status；${otherZh}）`,
        ]
      : [
          `the connection's status word is ${en} (ct status; ${other})`,
          `連線的狀態值${zh}（ct status；${otherZh}）`,
        ];
  }
  const mask = c.mask ?? 0;
  if (mask !== 0 && (mask & ~CT_STATUS_NAT) === 0) return ctState(statusNames(mask).split("|"), c.neg);
  const names = statusNames(mask).split("|");
  const en = names.join(" or ");
  const zh = names.join("或");
  return c.neg
    ? [`the connection's status has none of ${en} (ct status)`, `連線的狀態旗標沒有 ${zh}（ct status）`]
    : [`the connection's status has ${en} (ct status)`, `連線的狀態旗標有 ${zh}（ct status）`];
}

function setCondition(c: Extract<Condition, { kind: "nft-set" }>, sets?: Map<string, NftSet>): Pair {
  if (c.key === "ct state" && c.elements) {
    return ctState(c.elements.map(valueText), c.neg);
  }
  const [key, keyZh] = keyWords(c.concat ?? [c.key]);
  const masked = c.mask === undefined ? undefined : maskedSet(c, sets);
  if (masked) return masked;
  if (c.set) {
    const n = sets?.get(c.set)?.elements.length;
    const size = n === undefined ? "" : ` (${n} element${n === 1 ? "" : "s"})`;
    const sizeZh = n === undefined ? "" : `（${n} 個元素）`;
    return c.neg
      ? [`${key} is not in set @${c.set}${size}`, joinZh([keyZh, `不在集合 @${c.set} 中${sizeZh}`])]
      : [`${key} is in set @${c.set}${size}`, joinZh([keyZh, `在集合 @${c.set} 中${sizeZh}`])];
  }
  const list = (c.elements ?? []).map(valueText);
  // One value (`ct zone 1`, `icmp code 3`) is read as one; `joinZh` spaces a Latin key's end (`mark 是`).
  if (list.length === 1)
    return c.neg
      ? [`${key} is not ${list[0]}`, joinZh([keyZh, `不是 ${list[0]}`])]
      : [`${key} is ${list[0]}`, joinZh([keyZh, `是 ${list[0]}`])];
  return c.neg
    ? [`${key} is none of ${list.join(", ")}`, joinZh([keyZh, `不是 ${list.join("、")} 之一`])]
    : [`${key} is one of ${list.join(", ")}`, joinZh([keyZh, `是 ${list.join("、")} 之一`])];
}

/**
 * A set match under a mask (`tcp dport & 65280 == 256`, `meta mark & 0xff00 == { 0x100, 0x200 }`) in
 * words; undefined when the mask keeps every bit (then it reads as the plain match).
 */
function maskedSet(c: Extract<Condition, { kind: "nft-set" }>, sets?: Map<string, NftSet>): Pair | undefined {
  const form = maskForm(c.key);
  const type = maskType(c.key);
  const mask = type && c.mask !== undefined ? readMaskWord(c.mask, type) : undefined;
  if (!form || !type || mask === undefined) return undefined;
  const width = "family" in type ? (type.family === 4 ? 32 : 128) : type.bits;
  if (mask === (1n << BigInt(width)) - 1n) return undefined;
  const subject = KEY_WORDS[c.key];
  if (c.set) {
    const n = sets?.get(c.set)?.elements.length;
    return maskedValueWords(
      subject,
      form,
      mask,
      { set: c.set, ...(n === undefined ? {} : { count: n }) },
      c.neg,
    );
  }
  const elements = c.elements ?? [];
  const values = elements.map((e) => (e.kind === "value" ? readMaskWord(e.value, type) : undefined));
  if (values.every((v) => v !== undefined))
    return maskedValueWords(subject, form, mask, { values: values as bigint[] }, c.neg);
  // A range or prefix of values under the mask: its bounds in the form the mask is written in.
  const written = elements.map((e) => {
    if (e.kind !== "range" || "family" in type) return valueText(e);
    const [lo, hi] = [readMaskWord(e.lo, type), readMaskWord(e.hi, type)];
    return lo === undefined || hi === undefined ? valueText(e) : `0x${lo.toString(16)}-0x${hi.toString(16)}`;
  });
  return maskedValueWords(subject, form, mask, { written }, c.neg);
}

/**
 * An IPsec test in words (`meta secpath exists|missing`, `ipsec in reqid 1`), with what the simulator
 * makes of it: its packets never come through IPsec.
 */
function ipsecWords(c: Extract<Condition, { kind: "ipsec" }>): Pair {
  if (c.field !== undefined)
    return [
      `whose IPsec transform matches '${c.field}' (a packet not from or into an IPsec tunnel never matches)`,
      `其 IPsec 轉換符合「${c.field}」（不經 IPsec 通道的封包不會符合）`,
    ];
  return c.neg
    ? ["not from an IPsec tunnel (no IPsec decrypted it)", "不是來自 IPsec 通道（沒有經 IPsec 解密）"]
    : ["from an IPsec tunnel (IPsec decrypted it)", "來自 IPsec 通道（經 IPsec 解密）"];
}

/** The condition kinds {@link condition} puts in words; any other is named as not explained. */
const EXPLAINED = new Set<Condition["kind"]>([
  "arp-field",
  "flow-offloads",
  "tcpmss",
  "ctstatus",
  "rpfilter",
  "in",
  "out",
  "src",
  "dst",
  "proto",
  "dport",
  "sport",
  "icmp-type",
  "tcp-flags",
  "ctstate",
  "ct-tuple",
  "ctmark",
  "addrtype",
  "mark",
  "nft-set",
  "ethertype",
  "exthdr",
  "fragment",
  "ttl",
  "pkttype",
  "tos",
  "mac-src",
  "mac-dst",
  "ipsec",
  "unknown",
]);

/** One condition in words; undefined for those phrased together ({@link interfaces}) or implied. */
function condition(c: Condition, all: Condition[], sets?: Map<string, NftSet>): Pair | undefined {
  const not = c.neg;
  switch (c.kind) {
    case "in":
    case "out":
      return undefined;
    case "flow-offloads":
      return ["if it offloaded the connection", "若它卸載了連線"];
    case "src":
    case "dst":
      return addressCondition(c);
    case "proto":
      // `tcp dport 80` implies tcp: the port says it.
      if (!not && all.some((d) => d.kind === "dport" || d.kind === "sport")) return undefined;
      if (!not && all.some((d) => d.kind === "nft-set" && d.key.startsWith(`${c.proto} `))) return undefined;
      if (!not && all.some((d) => d.kind === "icmp-type") && (c.proto === "icmp" || c.proto === "icmpv6"))
        return undefined;
      if (!not && c.proto === "tcp" && all.some((d) => d.kind === "tcp-flags" || d.kind === "tcpmss"))
        return undefined;
      return not ? [`not ${c.proto}`, `不是 ${c.proto}`] : [c.proto, c.proto];
    case "dport":
    case "sport": {
      const proto = all.find((d) => d.kind === "proto" && !d.neg) as
        | Extract<Condition, { kind: "proto" }>
        | undefined;
      const p = proto ? `${proto.proto} ` : "";
      const which: Pair = c.kind === "dport" ? ["to", "目的"] : ["from", "來源"];
      return not
        ? [`${which[0]} a ${p}port other than ${ports(c.range)}`, `${p}${which[1]}埠不是 ${ports(c.range)}`]
        : [`${which[0]} ${p}port ${ports(c.range)}`, `${p}${which[1]}埠是 ${ports(c.range)}`];
    }
    case "tcp-flags":
      return tcpFlagsWords(c.mask, c.set, not, c.values);
    case "icmp-type": {
      const icmp = c.family === 6 ? "ICMPv6" : "ICMP";
      return not
        ? [`${icmp} type other than ${c.type}`, `${icmp} 類型不是 ${c.type}`]
        : [`${icmp} type ${c.type}`, `${icmp} 類型是 ${c.type}`];
    }
    case "ct-tuple": {
      // An address under a mask that is no prefix's is said as a phrase that carries the negation.
      const m = c.cidr && maskedAddressWords(c.cidr, not);
      if (m) return ctTupleWords(c.dir, c.field, [m.en, m.zhNoun], false);
      return ctTupleWords(c.dir, c.field, c.range ? ports(c.range) : c.cidr ? cidr(c.cidr) : "?", not);
    }
    case "ctstate":
      if (c.exact) return exactCtState(c.states, not);
      return ctState(
        c.states.map((x) => x.toLowerCase()),
        not,
      );
    case "ctstatus":
      return ctStatus(c);
    case "addrtype": {
      const local = c.types.length === 1 && c.types[0] === "LOCAL";
      const dst = c.which === "dst";
      // `fib daddr . iif type local`: an address of the interface itself, not of any of the host's.
      const on: Pair =
        c.iface === "in"
          ? [" on the interface it came in on", "（且在它進來的介面上）"]
          : c.iface === "out"
            ? [" on the interface it goes out on", "（且在它出去的介面上）"]
            : ["", ""];
      if (local && dst)
        return not
          ? [`to an address that is not this host's${on[0]}`, `目的地不是這台主機自己的位址${on[1]}`]
          : [`to an address of this host${on[0]}`, `目的地是這台主機自己的位址${on[1]}`];
      if (local)
        return not
          ? [`from an address that is not this host's${on[0]}`, `來源不是這台主機自己的位址${on[1]}`]
          : [`from an address of this host${on[0]}`, `來源是這台主機自己的位址${on[1]}`];
      const t = c.types.join(", ").toLowerCase();
      const who: Pair = dst ? ["destination", "目的"] : ["source", "來源"];
      return not
        ? [`the ${who[0]} address type${on[0]} is not ${t}`, `${who[1]}位址類型不是 ${t}${on[1]}`]
        : [`the ${who[0]} address type${on[0]} is ${t}`, `${who[1]}位址類型是 ${t}${on[1]}`];
    }
    case "pkttype": {
      const w = c.types.map((x) => PKTTYPE_WORDS[x] ?? [x, x]);
      const en = w.map((x) => x[0]).join(" or ");
      const zh = w.map((x) => x[1]).join("或");
      return not ? [`a frame not ${en}`, `訊框不是${zh}`] : [`a frame ${en}`, `訊框是${zh}`];
    }
    case "tos": {
      const ip = c.family === 6 ? "IPv6 " : c.family === 4 ? "IPv4 " : "";
      if (c.mask === 0xfc) {
        const d = c.values.map((v) => String(v >> 2)).join(" or ");
        return not ? [`${ip}DSCP not ${d}`, `${ip}DSCP 不是 ${d}`] : [`${ip}DSCP ${d}`, `${ip}DSCP 是 ${d}`];
      }
      const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
      const v = c.values.map(hex).join(" or ");
      return [
        `whose TOS byte, masked with ${hex(c.mask)}, is ${not ? "not " : ""}${v}`,
        `TOS 位元組與 ${hex(c.mask)} 遮罩後${not ? "不" : ""}是 ${v}`,
      ];
    }
    case "mac-src":
    case "mac-dst": {
      const who: Pair = c.kind === "mac-src" ? ["from MAC", "來源 MAC"] : ["to MAC", "目的 MAC"];
      const mac = `${c.mac}${c.mask ? `/${c.mask}` : ""}`;
      return not
        ? [`${who[0]} other than ${mac}`, `${who[1]}不是 ${mac}`]
        : [`${who[0]} ${mac}`, `${who[1]}是 ${mac}`];
    }
    case "mark":
    case "ctmark": {
      const hex = (n: number) => `0x${n.toString(16)}`;
      const [whose, whoseZh] =
        c.kind === "ctmark" ? ["whose connection's mark", "連線的 mark"] : ["whose mark", "mark"];
      const [mask, value] = [BigInt(c.mask >>> 0), BigInt(c.value >>> 0)];
      const form = { bits: 32, hex: true };
      const masked = c.mask >>> 0 !== 0xffffffff;
      // A mask of whole bytes is said by them; a value with bits outside the mask never holds.
      if (masked && (keepsWholeBytes(mask, form) || (value & ~mask) !== 0n))
        return maskedValueWords(
          c.kind === "ctmark" ? ["the connection's mark", "連線 mark"] : ["the mark", "mark"],
          form,
          mask,
          { values: [value] },
          not,
        );
      const en = masked
        ? `${whose}, masked with ${hex(c.mask)}, is ${not ? "not " : ""}${hex(c.value)}`
        : `${whose} is ${not ? "not " : ""}${hex(c.value)}`;
      const zh = masked
        ? `${whoseZh} 與 ${hex(c.mask)} 遮罩後${not ? "不" : ""}是 ${hex(c.value)}`
        : `${whoseZh} ${not ? "不" : ""}是 ${hex(c.value)}`;
      return [en, zh];
    }
    case "nft-set":
      return setCondition(c, sets);
    case "arp-field":
      return arpFieldWords(c.field, c.values, c.neg);
    case "ethertype": {
      if (c.ethertype === "length")
        return not
          ? [
              "not an 802.3 frame (its type field is 0x0600 or more)",
              "不是 802.3 訊框（類型欄位至少 0x0600）",
            ]
          : [
              "an 802.3 frame (its type field, below 0x0600, holds a length)",
              "802.3 訊框（類型欄位小於 0x0600，記的是長度）",
            ];
      const v = c.hi
        ? `ethertype ${c.ethertype}-${c.hi}`
        : (ETHERTYPE_WORDS[c.ethertype] ?? `ethertype ${c.ethertype}`);
      return not ? [`not ${v}`, `不是 ${v}`] : [`an ${v} packet`, `${v} 封包`];
    }
    case "exthdr": {
      const h = EXTHDR_WORDS[c.header] ?? [c.header, c.header];
      return c.field
        ? [
            `with an IPv6 ${h[0]} header matching '${c.field}' (a packet without one never matches)`,
            `帶有 IPv6 ${h[1]}標頭且符合「${c.field}」（沒有這個標頭的封包不會符合）`,
          ]
        : not
          ? [`without an IPv6 ${h[0]} header`, `沒有 IPv6 ${h[1]}標頭`]
          : [`with an IPv6 ${h[0]} header`, `帶有 IPv6 ${h[1]}標頭`];
    }
    case "fragment":
      return not
        ? ["not a later fragment of a packet", "不是封包的後續分段"]
        : ["a later fragment of a packet (not its first)", "封包的後續分段（不是第一段）"];
    case "ttl": {
      const what: Pair = c.family === 4 ? ["TTL", "TTL"] : ["hop limit", "hop limit"];
      return [
        `whose ${what[0]} is ${not ? "not " : ""}${ports(c.range)}`,
        `${what[1]} ${not ? "不" : ""}是 ${ports(c.range)}`,
      ];
    }
    case "tcpmss":
      if (!c.range)
        return not
          ? [
              "a packet without a TCP MSS option (all but a TCP SYN or SYN-ACK, other protocols included)",
              "沒有 TCP MSS 選項的封包（TCP 的 SYN 或 SYN-ACK 以外都是，其他協定的封包也算）",
            ]
          : [
              "a TCP segment with an MSS option (a SYN or SYN-ACK)",
              "帶有 MSS 選項的 TCP 區段（SYN 或 SYN-ACK）",
            ];
      return [
        `whose TCP MSS option is ${not ? "not " : ""}${ports(c.range)} (a segment without one, anything but a SYN or SYN-ACK, ends the rule)`,
        `TCP 的 MSS 選項${not ? "不" : ""}是 ${ports(c.range)}（沒有這個選項的區段，也就是 SYN 或 SYN-ACK 以外的，會在這裡結束這條規則）`,
      ];
    case "ipsec":
      return ipsecWords(c);
    case "rpfilter": {
      const way: Pair = c.strict
        ? [
            "route back to its source that leaves by the interface it came in on",
            "一條從進來的介面出去、回到來源的路由",
          ]
        : ["route back to its source", "一條回到來源的路由"];
      return not
        ? [`with no ${way[0]} (reverse path check)`, `沒有${way[1]}（反向路徑檢查）`]
        : [`with a ${way[0]} (reverse path check)`, `有${way[1]}（反向路徑檢查）`];
    }
    default:
      // Unknown expressions are named after the note; iptables-only kinds never come out of the nft reader.
      return undefined;
  }
}

function vmapAction(t: Extract<Target, { kind: "vmap" }>, sets?: Map<string, NftSet>): Pair {
  const [key, keyZh] = keyWords(t.concat ?? [t.key]);
  const elements = t.elements ?? sets?.get(t.map ?? "")?.verdicts;
  const where = t.map ? `map @${t.map}` : "the rule's map";
  const whereZh = t.map ? `map @${t.map}` : "規則中的 map";
  const ifName = t.key === "iifname" || t.key === "oifname";
  const en = ifName
    ? `jumps to the chain named for the ${t.key === "iifname" ? "input" : "output"} interface`
    : `takes the verdict ${where} gives for ${key}`;
  const zh = ifName
    ? joinZh(["跳到", keyZh, "對應的 chain"])
    : joinZh(["依", keyZh, "採用", whereZh, "的判決"]);
  if (elements === undefined)
    return [`${en} (${where} is not in this ruleset)`, `${zh}（規則集中沒有 ${whereZh}）`];
  const named = elements.map((e) => `${valueText(e.key)} → ${verdictWord(e.verdict)}`).join(", ");
  const label = t.map ? `${where}: ` : "";
  const labelZh = t.map ? `${whereZh}：` : "";
  return [
    `${en} (${label}${named ? `${named}; ` : ""}any other: next rule)`,
    `${zh}（${labelZh}${named ? `${named}；` : ""}其他：下一條規則）`,
  ];
}

/** `dnat to tcp dport map @fwd`: which map rewrites what, and its elements when known. */
function natMapAction(t: Extract<Target, { kind: "nat-map" }>, sets?: Map<string, NftSet>): Pair {
  const [key, keyZh] = keyWords(t.concat ?? [t.key]);
  const where = t.map ? `map @${t.map}` : "the rule's map";
  const whereZh = t.map ? ` map @${t.map} ` : "規則中的 map ";
  const [field, fieldZh] = t.nat === "DNAT" ? ["destination", "目的地"] : ["source", "來源"];
  const elements = t.elements ?? sets?.get(t.map ?? "")?.data;
  const named = (elements ?? []).map((e) => `${valueText(e.key)} → ${e.data.join(" . ")}`).join(", ");
  const [list, listZh] =
    elements === undefined
      ? [
          `${where} is not in this ruleset; a key it lacks: next rule`,
          `規則集中沒有${whereZh.trimEnd()}；它沒有的鍵：下一條規則`,
        ]
      : [`${named ? `${named}; ` : ""}any other: next rule`, `${named ? `${named}；` : ""}其他：下一條規則`];
  return [
    `rewrite the ${field} to what ${where} gives for ${key} (${t.nat}; ${list}), which accepts (ends this base chain only)`,
    `${joinZh(["把", fieldZh, "改成", whereZh, "依", keyZh, "給出的位址"])}（${t.nat}；${listZh}），並接受（只結束這個 base chain）`,
  ];
}

/** A verdict as nft writes it (`jump filter-forward-in__docker0`). */
function verdictWord(t: Target): string {
  if (t.kind === "jump" || t.kind === "goto") return `${t.kind} ${t.chain}`;
  return t.kind.toLowerCase();
}

function action(t: Target, sets?: Map<string, NftSet>): Pair | undefined {
  switch (t.kind) {
    case "ACCEPT":
      return ACCEPT;
    case "DROP":
      return DROP;
    case "REJECT":
      return [
        `reject: drop and send an error back${t.with ? ` (${t.with})` : ""} (final)`,
        `拒絕：丟棄並回送錯誤${t.with ? `（${t.with}）` : ""}（最終結果）`,
      ];
    case "RETURN":
      return ["return to the calling chain", "返回呼叫它的 chain"];
    case "CONTINUE":
      return ["go on with the next rule", "繼續下一條規則"];
    case "jump":
      return [`continue in chain ${t.chain}, then come back`, `跳到 chain ${t.chain}，之後回來`];
    case "goto":
      return [`go to chain ${t.chain} (no return here)`, `跳到 chain ${t.chain}（不會回來）`];
    case "vmap":
      return vmapAction(t, sets);
    case "pick": {
      const named = t.choices
        .map((c, k) => `${k} → ${c.kind === "NONE" ? "next rule" : verdictWord(c)}`)
        .join(", ");
      return [
        `draws a number by chance and takes its verdict (${named}); the simulator follows every choice`,
        `隨機抽一個數字並採用對應的判決（${named}）；模擬器會走過每一種選擇`,
      ];
    }
    case "DNAT":
    case "SNAT": {
      const [field, fieldZh] = t.kind === "DNAT" ? ["destination", "目的地"] : ["source", "來源"];
      // A range's every address (`snat to 198.51.100.0/30` is 198.51.100.0-198.51.100.3), not its first.
      const port = t.port ? `:${ports(t.port)}` : "";
      // An IPv6 address before a port in brackets, as nft reads it (`fd00::1:80` is one address).
      const v6 = port !== "" && (t.addr ?? "").includes(":");
      const one = (a: string) => (v6 ? `[${a}]` : a);
      const addr = `${t.addr !== undefined ? one(t.addr) : ""}${t.addrHi !== undefined ? `-${one(t.addrHi)}` : ""}`;
      const [r, rZh] = randomWords(t);
      const [how, howZh] = t.netmap
        ? [
            `map the ${field} into ${addr}${port}, each host keeping its host bits`,
            `把${fieldZh}對應到 ${addr}${port}，每台主機保留自己的主機位元`,
          ]
        : t.addrHi !== undefined
          ? [
              `rewrite the ${field} to one address of ${addr}${port}`,
              `把${fieldZh}改成 ${addr}${port} 其中一個位址`,
            ]
          : [`rewrite the ${field} to ${addr}${port}`, `把${fieldZh}改成 ${addr}${port}`];
      const kind = t.netmap ? `${t.kind} prefix` : t.kind;
      return [
        `${how} (${kind})${r}, which accepts (ends this base chain only)`,
        `${howZh}（${kind}）${rZh}，並接受（只結束這個 base chain）`,
      ];
    }
    case "MASQUERADE": {
      const port = t.port ? `, port ${ports(t.port)}` : "";
      const portZh = t.port ? `、埠 ${ports(t.port)}` : "";
      const [r, rZh] = randomWords(t);
      return [
        `rewrite the source to the outgoing interface's address${port} (masquerade)${r}, which accepts (ends this base chain only)`,
        `把來源改成送出介面的位址${portZh}（masquerade）${rZh}，並接受（只結束這個 base chain）`,
      ];
    }
    case "REDIRECT": {
      const port = t.port ? `, port ${ports(t.port)}` : "";
      const portZh = t.port ? `、埠 ${ports(t.port)}` : "";
      const [r, rZh] = randomWords(t);
      return [
        `rewrite the destination to this host's address on the input interface${port} (redirect)${r}, which accepts (ends this base chain only)`,
        `把目的地改成這台主機在進來介面上的位址${portZh}（redirect）${rZh}，並接受（只結束這個 base chain）`,
      ];
    }
    case "nat-map":
      return natMapAction(t, sets);
    case "unknown":
      return [`'${t.text}' (not explained by packetwalk)`, `「${t.text}」（packetwalk 未說明）`];
    default:
      return undefined;
  }
}

/** A NAT's `random` / `fully-random` flag in words, after its target (empty without the flag). */
function randomWords(t: Extract<Target, { kind: "DNAT" | "SNAT" | "MASQUERADE" | "REDIRECT" }>): Pair {
  if (!t.random) return ["", ""];
  const source = t.kind === "SNAT" || t.kind === "MASQUERADE";
  const [en, zh] = randomNatWords(source, t.port !== undefined && t.port.hi !== t.port.lo);
  // A bracketed remark follows the target as one; a clause, after a comma.
  return en.startsWith("(") ? [` ${en}`, zh] : [`, ${en}`, `，${zh}`];
}

/** What `flow add @NAME` does (the kernel's nft_flow_offload_eval, 6.18 source), in both languages. */
function flowWords(ft: string): Pair {
  return [
    `offload its connection to flowtable ${ft} once established (TCP: at the ACK ending the handshake; UDP: at its second packet); its later packets entering on the flowtable's devices then skip prerouting, forward and postrouting, NAT kept; any other packet ends the rule here`,
    `連線建立後把它卸載到 flowtable ${ft}（TCP：結束交握的 ACK；UDP：第二個封包）；之後從 flowtable 裝置進來的封包略過 prerouting、forward 與 postrouting，NAT 照舊；其他封包在此結束規則`,
  ];
}

function effect(t: Target): Pair | undefined {
  if (t.kind === "LOG" && t.group !== undefined)
    return [
      `send a copy to nfnetlink_log group ${t.group} (ulogd), not to the kernel log`,
      `把副本送到 nfnetlink_log 群組 ${t.group}（ulogd），不寫入 kernel log`,
    ];
  if (t.kind === "LOG" && t.level === "audit")
    return [
      "write an audit record of it (auditd), not a kernel log line",
      "為它寫一筆稽核紀錄（auditd），不寫入 kernel log",
    ];
  if (t.kind === "LOG")
    return t.prefix
      ? [`write it to the kernel log with prefix "${t.prefix}"`, `記錄到 kernel log，前綴為「${t.prefix}」`]
      : ["write it to the kernel log", "記錄到 kernel log"];
  if (t.kind === "TRACE")
    return [
      "turn on nftrace for it (nft monitor trace shows it)",
      "為它開啟 nftrace（nft monitor trace 會顯示）",
    ];
  if ((t.kind === "MARK" || t.kind === "CONNMARK") && t.lookup) {
    const [key, keyZh] = keyWords(t.lookup.concat ?? [t.lookup.key]);
    const [whose, whoseZh] = t.kind === "MARK" ? ["its", " "] : ["its connection's", "連線的 "];
    return [
      `set ${whose} mark to the value the map gives for ${key}`,
      joinZh(["依", keyZh, `把${whoseZh}mark 設為 map 給的值`]),
    ];
  }
  if (t.kind === "MARK")
    return [`set its mark to 0x${t.value.toString(16)}`, `把 mark 設為 0x${t.value.toString(16)}`];
  if (t.kind === "CONNMARK") {
    if (t.op === "save") return ["copy its mark to its connection", "把它的 mark 複製到連線"];
    if (t.op === "restore") return ["copy its connection's mark to it", "把連線的 mark 複製給它"];
    const v = `0x${t.value.toString(16)}`;
    if (t.mask !== 0xffffffff) {
      const m = `0x${t.mask.toString(16)}`;
      return [`set the bits ${m} of its connection's mark to ${v}`, `把連線 mark 的 ${m} 位元設為 ${v}`];
    }
    return [`set its connection's mark to ${v}`, `把連線的 mark 設為 ${v}`];
  }
  if (t.kind === "TOS" && t.mask === 0xfc)
    return [`set its DSCP to ${t.value >> 2}`, `把 DSCP 設為 ${t.value >> 2}`];
  if (t.kind === "TOS") return ["rewrite its TOS byte", "改寫 TOS 位元組"];
  if (t.kind === "TTL" && t.op === "set") return [`set its TTL to ${t.value}`, `把 TTL 設為 ${t.value}`];
  if (t.kind === "NOTRACK") return NOTRACK_WORDS;
  if (t.kind === "TCPMSS")
    return t.mss === undefined
      ? [
          "lower its TCP MSS option to what the smaller MTU of the route on and the route back allows",
          "把 TCP 的 MSS 選項降到去程與回程路由中較小的 MTU 允許的值",
        ]
      : [`lower its TCP MSS option to ${t.mss}`, `把 TCP 的 MSS 選項降到 ${t.mss}`];
  if (t.kind === "CTZONE") return zoneWords(t.zone, t.dir, true);
  if (t.kind === "FLOWOFFLOAD") return flowWords(t.flowtable);
  return undefined;
}

/**
 * Where a packet without a connection ends `rule` (nft_ct's NFT_BREAK, see `ct-break.ts`): the first
 * expression, in evaluation order, that loads a value from the connection (a match, a statement such as
 * `meta mark set ct mark`, a map's key), with the words it loads; undefined when none does.
 */
function firstLoad(
  rule: ReturnType<typeof parseNftRule>,
): { item: Condition | Target; at: string } | undefined {
  const tAt = rule.targetAt;
  const place = (j: number) => rule.effectAt[j] ?? tAt;
  // Order keys: statements at place k run before condition k; those written after the target, after it.
  const found: { item: Condition | Target; at: string | undefined; order: [number, number] }[] = [
    ...rule.conditions.map((c, k) => ({ item: c, at: conditionLoad(c), order: [k, 1] as [number, number] })),
    ...rule.effects.map((e, j) => ({
      item: e,
      at: e.kind === "CONNMARK" && e.fromCt ? "ct mark" : undefined,
      order: (place(j) > tAt ? [place(j) - 1, 0.7] : [place(j), 0]) as [number, number],
    })),
  ];
  const t = rule.target;
  if (t.kind === "vmap" || t.kind === "nat-map")
    found.push({ item: t, at: (t.concat ?? [t.key]).find((k) => CT_ENTRY_KEYS.has(k)), order: [tAt, 0.5] });
  const first = found
    .filter((f) => f.at !== undefined)
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])[0];
  return first ? { item: first.item, at: first.at as string } : undefined;
}

/** What a packet without a connection meets at `at`: the rule ends there, unmatched. */
function breakWords(at: string): Pair {
  // nft_ct reads the helper of the connection's master: only an expected connection (FTP data) has one.
  if (at === "ct helper")
    return [
      " (a packet without a connection, or whose connection no helper expected, as most (all but e.g. FTP data connections), ends the rule at 'ct helper': no match, negated or not, nothing after it runs)",
      "（沒有連線的封包，或連線不是 helper 預期的連線（大多數都不是，例如 FTP 資料連線才是），在「ct helper」就結束這條規則：不論是否反向都不符合，之後的都不執行）",
    ];
  return [
    ` (a packet without a connection, e.g. untracked, ends the rule at '${at}': no match, nothing after it runs)`,
    `（沒有連線的封包（例如未追蹤）在「${at}」就結束這條規則：不符合，之後的都不執行）`,
  ];
}

/**
 * Explains one nftables rule as written in `nft list ruleset` (`sets`: its table's named sets and
 * maps, to name a verdict map's elements); pure. Where the rule loads a value from the packet's
 * connection (`ct mark`, `ct helper`), the note says that a packet without one ends the rule there.
 */
export function explainNftRule(text: string, sets?: Map<string, NftSet>): RuleNote {
  const tk = tokenizeNft(text);
  if (!tk.ok)
    return {
      en: `this rule could not be read (${tk.message}): not explained by packetwalk`,
      "zh-TW": `無法讀取這條規則（${tk.message}）：packetwalk 未說明`,
      unknown: [text],
    };
  const rule = parseNftRule(tk.tokens.filter((t) => t.type !== "nl"));
  const errors = rule.problems.filter((p) => p.severity === "error");
  if (errors.length)
    return {
      en: `this rule could not be read (${errors[0]?.message}): not explained by packetwalk`,
      "zh-TW": `無法讀取這條規則（${errors[0]?.message}）：packetwalk 未說明`,
      unknown: [text],
    };
  const t = rule.target;
  const load = firstLoad(rule);
  // The words of the expression a packet without a connection stops at, with that said after them.
  const stop = (item: Condition | Target, words: Pair | undefined): Pair | undefined => {
    if (!words || item !== load?.item) return words;
    const w = breakWords(load.at);
    return [`${words[0]}${w[0]}`, `${words[1]}${w[1]}`];
  };
  // `dnat ip6 to ADDR` rewrites IPv6 packets only: said as the family test it acts as.
  const family: Condition[] =
    (t.kind === "DNAT" || t.kind === "SNAT") && t.family === "ip6"
      ? [{ kind: "ethertype", ethertype: "0x86dd", neg: false }]
      : [];
  const said = (cs: Condition[], extra: Condition[] = []): Pair[] => {
    const pairs = [
      ...interfaces(cs),
      ...[...cs, ...extra]
        .map((c) => stop(c, condition(c, rule.conditions, sets)))
        .filter((c) => c !== undefined),
    ];
    // `meta nfproto ipv6 ... dnat ip6 to` says "an IPv6 packet" once.
    return pairs.filter((p, k) => pairs.findIndex((q) => q[0] === p[0]) === k);
  };
  const n = rule.conditions.length;
  // How many matches are written before the target: the ones after it are read only when it goes on.
  const tAt = rule.targetAt;
  const at = (k: number) => rule.effectAt[k] ?? tAt;
  const effectsAt = (keep: (place: number) => boolean): Pair[] =>
    rule.effects
      .filter((_, k) => keep(at(k)))
      .map((e) => stop(e, effect(e)))
      .filter((e) => e !== undefined);
  // Whom a part applies to: its matches, and the ones this note cannot explain by their words (a
  // statement after a rate limit acts only on the packets the limit lets through).
  const whom = (cs: Condition[]): Pair | undefined => {
    const known = said(cs);
    // An unexplained statement that acts (`ct zone set 1`) lets every packet through: it names no one.
    const passed = cs.flatMap((c) =>
      c.kind === "unknown" ? (c.acts ? [] : [c.text]) : EXPLAINED.has(c.kind) ? [] : [`${c.kind} match`],
    );
    const en = [...known.map((c) => c[0]), ...passed.map((u) => `packets that pass '${u}'`)];
    const zh = [...known.map((c) => c[1]), ...passed.map((u) => `通過「${u}」的封包`)];
    return en.length ? [en.join(", "), zh.join("，")] : undefined;
  };
  // A statement written before a match acts on every packet that gets that far, matched or not (nft
  // evaluates a rule left to right): said as a part of its own, before the matches after it. So are
  // the statements before a NAT of one family: they act on every packet, the NAT on that family only.
  const cuts = [
    ...new Set([
      ...rule.effectAt.filter((k) => k < tAt),
      ...(family.length && rule.effectAt.some((k) => k === tAt) ? [tAt] : []),
    ]),
  ].sort((a, b) => a - b);
  const early = cuts.map((cut, k): Pair => {
    const cs = whom(rule.conditions.slice(k === 0 ? 0 : (cuts[k - 1] as number), cut));
    const doing = effectsAt((place) => place === cut);
    return [
      `${cs ? `${cs[0]}: ` : "every packet: "}${doing.map((d) => d[0]).join(", then ")}; then, `,
      `${cs ? `${cs[1]}：` : "所有封包："}${joinZh(
        doing.map((d) => d[1]),
        "，然後",
      )}；然後`,
    ];
  });
  const last = cuts[cuts.length - 1] ?? 0;
  const conds = said(rule.conditions.slice(last, tAt), family);
  const doing: Pair[] = cuts.includes(tAt) ? [] : effectsAt((place) => place === tAt);
  const verdict = stop(rule.target, action(rule.target, sets));
  if (verdict) doing.push(verdict);
  else if (doing.length) doing.push(["go on with the next rule", "繼續下一條規則"]);
  else doing.push(["no verdict, go on with the next rule", "沒有判決，繼續下一條規則"]);
  // What is written after a verdict map acts only when the rule goes on past it: its statements and
  // matches in order, then a second verdict when every match held.
  // Each part keyed by the matches and statements written before it, so they are said in order.
  const parts: { key: [number, number, number]; say: Pair | undefined }[] = [];
  rule.effects.forEach((e, j) => {
    if (at(j) > tAt) parts.push({ key: [at(j) - 1, j, 1], say: stop(e, effect(e)) });
  });
  for (const v of rule.afterVerdicts ?? [])
    parts.push({ key: [v.conditions, v.effects, 0], say: action(v.verdict, sets) });
  for (let k = tAt; k < n; k++) {
    const c = rule.conditions[k];
    const w = c && whom([c]);
    parts.push({ key: [k, Number.POSITIVE_INFINITY, 2], say: w && [`if ${w[0]}`, joinZh(["若", w[1]])] });
  }
  parts.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
  const after = parts.flatMap((x) => (x.say ? [x.say] : []));
  // A verdict map alone says whom it applies to (its key).
  const mapAlone = rule.target.kind === "vmap" && doing.length === 1;
  if (after.length)
    doing.push([
      `if the rule goes on past that, ${after.map((a) => a[0]).join(", then ")}`,
      `若規則繼續往下，${joinZh(
        after.map((a) => a[1]),
        "，然後",
      )}`,
    ]);
  // Unknown expressions by their words; a match the reader models but this note does not, by its kind.
  const unknownConds = rule.conditions.flatMap((c) =>
    c.kind === "unknown" ? [c.text] : EXPLAINED.has(c.kind) ? [] : [`${c.kind} match`],
  );
  const unknown = [...unknownConds, ...(rule.target.kind === "unknown" ? [rule.target.text] : [])];
  const comment: Pair | undefined = rule.comment
    ? [` (comment: "${rule.comment}")`, `（註解：「${rule.comment}」）`]
    : undefined;
  // An unexplained expression is said here by its words: so is a packet without a connection stopping at it.
  const unexplained = load?.item.kind === "unknown" ? load.item.text : undefined;
  const stopped = (u: string): Pair => (u === unexplained ? breakWords(load?.at ?? "") : ["", ""]);
  const unknownEn = unknownConds
    .map((u) => ` (expression '${u}': not explained by packetwalk${stopped(u)[0]})`)
    .join("");
  const unknownZh = unknownConds.map((u) => `（運算式「${u}」：packetwalk 未說明${stopped(u)[1]}）`).join("");
  // Whether the matches of the last part (before the target) include one this note does not explain.
  const lastUnknown = rule.conditions
    .slice(last, tAt)
    .some((c) => (c.kind === "unknown" ? !c.acts : !EXPLAINED.has(c.kind)));
  // A verdict map alone says whom it applies to (its key); other rules without conditions apply to every packet.
  const everyEn = mapAlone
    ? ""
    : lastUnknown
      ? "when what packetwalk does not explain matches: "
      : early.length
        ? "for every packet that gets this far: "
        : "every packet: ";
  const everyZh = !everyEn
    ? ""
    : lastUnknown
      ? "當 packetwalk 未說明的條件成立時："
      : early.length
        ? "走到這裡的所有封包："
        : "所有封包：";
  const en = `${early.map((e) => e[0]).join("")}${conds.length ? `${conds.map((c) => c[0]).join(", ")}: ` : everyEn}${doing.map((d) => d[0]).join(", then ")}${comment?.[0] ?? ""}${unknownEn}`;
  // Joined where Chinese meets a Latin word (`；然後 tcp`), as the zh-TW pages space them.
  const zh = joinZh([
    ...early.map((e) => e[1]),
    conds.length
      ? `${joinZh(
          conds.map((c) => c[1]),
          "，",
        )}：`
      : everyZh,
    joinZh(
      doing.map((d) => d[1]),
      "，然後",
    ),
    comment?.[1] ?? "",
    unknownZh,
  ]);
  return { en, "zh-TW": zh, unknown };
}
