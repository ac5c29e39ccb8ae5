/**
 * Bitmask matches in plain words, for the rule notes in English and Traditional Chinese: an address
 * under a mask that is no prefix's (nft `ip saddr & 0.0.0.255 == 0.0.0.2`, iptables `-s
 * 10.0.0.0/255.0.255.0`: "any address whose bits under 0.0.0.255 are 0.0.0.2 (last byte 2)") and a
 * number under a mask (nft `tcp dport & 65280 == 256`: "the high byte of the TCP destination port is 1
 * (256-511)"; `meta mark & 0xff00 == 0x100`, iptables `--mark 0x100/0xff00`). A mask that keeps whole
 * bytes (IPv6: whole groups) is said by them; a value with bits outside its mask, as never (or, negated,
 * always) holding.
 */

import { formatIpv6, groupsValue, parseIpv6, valueGroups } from "../parse/ipv6.ts";
import { type IpCidr, isPrefixMask } from "../simulate/ip-address.ts";
import { formatIpv4, parseIpv4 } from "../simulate/ipv4.ts";

type Pair = [en: string, zh: string];

/**
 * What a masked value is: an address of IP family 4 or 6, or a number of `bits` bits that people
 * write in hex (`hex`: a mark) or in decimal (a port, a TTL, a zone).
 */
export type MaskForm = { family: 4 | 6 } | { bits: number; hex: boolean };

/** How a value of a form is cut into bytes (IPv6: groups), named, and written. */
interface Layout {
  width: number;
  unit: number;
  /** The units' names, most significant first. */
  names: Pair[];
  /** One unit's value as people write it. */
  unitText: (n: bigint) => string;
  /** A whole value (mask or value) as the note writes it. */
  text: (n: bigint) => string;
  /** Whether the note lists the values a mask lets through (decimal numbers only). */
  lists: boolean;
}

const IPV4_BYTES: Pair[] = [
  ["first byte", "第一個位元組"],
  ["second byte", "第二個位元組"],
  ["third byte", "第三個位元組"],
  ["last byte", "最後一個位元組"],
];

const IPV6_GROUPS: Pair[] = [
  ...["first", "second", "third", "fourth", "fifth", "sixth", "seventh"].map(
    (w, k): Pair => [`${w} group`, `第${"一二三四五六七"[k]}組`],
  ),
  ["last group", "最後一組"],
];

// A number's bytes by weight: people read a mark's `0xff00` as its second-lowest byte.
const NUMBER_BYTES: Record<number, Pair[]> = {
  32: [
    ["highest byte", "最高位元組"],
    ["second-highest byte", "次高位元組"],
    ["second-lowest byte", "次低位元組"],
    ["lowest byte", "最低位元組"],
  ],
  16: [
    ["high byte", "高位元組"],
    ["low byte", "低位元組"],
  ],
};

const hex = (n: bigint): string => `0x${n.toString(16)}`;

function layoutOf(form: MaskForm): Layout {
  if ("family" in form && form.family === 4)
    return {
      width: 32,
      unit: 8,
      names: IPV4_BYTES,
      unitText: String,
      text: (n) => formatIpv4(Number(n)),
      lists: false,
    };
  if ("family" in form)
    return {
      width: 128,
      unit: 16,
      names: IPV6_GROUPS,
      unitText: (n) => n.toString(16),
      text: (n) => formatIpv6(valueGroups(n)),
      lists: false,
    };
  return {
    width: form.bits,
    unit: 8,
    names: NUMBER_BYTES[form.bits] ?? [],
    unitText: form.hex ? (n) => `0x${n.toString(16).padStart(2, "0")}` : String,
    // A mask's bits show in hex, whatever form the rule writes its number in.
    text: hex,
    lists: !form.hex,
  };
}

/** The units `mask` keeps, most significant first: undefined unless it keeps each one whole or not at all. */
function keptUnits(mask: bigint, l: Layout): { name: Pair; shift: bigint }[] | undefined {
  const ones = (1n << BigInt(l.unit)) - 1n;
  const kept: { name: Pair; shift: bigint }[] = [];
  for (let k = 0; k < l.width / l.unit; k++) {
    const shift = BigInt(l.width - l.unit * (k + 1));
    const u = (mask >> shift) & ones;
    if (u !== 0n && u !== ones) return undefined;
    if (u === 0n) continue;
    const name = l.names[k];
    // A number too narrow to name its bytes (a TTL) is said by its bits.
    if (!name) return undefined;
    kept.push({ name, shift });
  }
  return kept.length ? kept : undefined;
}

/** A unit's value in `v`, as people write it. */
function unitOf(v: bigint, at: { shift: bigint }, l: Layout): string {
  return l.unitText((v >> at.shift) & ((1n << BigInt(l.unit)) - 1n));
}

/** The `k`-th smallest value (from 0) with `v`'s bits under the mask: `k`'s bits spread over `free`. */
function nthValue(v: bigint, free: bigint, k: bigint): bigint {
  let out = v;
  let rest = k;
  for (let bit = 1n; rest > 0n && bit <= free; bit <<= 1n) {
    if ((free & bit) === 0n) continue;
    if (rest & 1n) out |= bit;
    rest >>= 1n;
  }
  return out;
}

/** The numbers a mask lets through with `v` under it: a range when its free bits are the low ones. */
function throughWords(v: bigint, mask: bigint, l: Layout, neg: boolean): Pair {
  const free = ((1n << BigInt(l.width)) - 1n) ^ mask;
  if (free === 0n) return ["", ""];
  if ((free & (free + 1n)) === 0n) {
    const r = `${v}-${v | free}`;
    return neg ? [` (not ${r})`, `（不在 ${r}）`] : [` (${r})`, `（${r}）`];
  }
  const bits = free.toString(2).replaceAll("0", "").length;
  const count = 1n << BigInt(bits);
  const shown = count > 4n ? 3n : count;
  const vs: string[] = [];
  for (let k = 0n; k < shown; k++) vs.push(String(nthValue(v, free, k)));
  const more = count > shown;
  const en = `${vs.join(", ")}${more ? ", …" : ""}`;
  const zh = `${vs.join("、")}${more ? "…" : ""}`;
  return neg ? [` (none of ${en})`, `（不是 ${zh}）`] : [` (${en})`, `（${zh}）`];
}

/** Why a value with bits outside its mask never holds (negated: always does). */
function outsideWords(v: string, neg: boolean): Pair {
  return neg
    ? [` (always: ${v} has bits outside the mask)`, `（永遠成立：${v} 有遮罩以外的位元）`]
    : [` (never: ${v} has bits outside the mask)`, `（永遠不成立：${v} 有遮罩以外的位元）`];
}

/** `zh` then `more`, with a space between a Latin word and a Chinese one (`mark 的`). */
function zhThen(zh: string, more: string): string {
  return /[A-Za-z0-9]$/.test(zh) ? `${zh} ${more}` : `${zh}${more}`;
}

/** The words of an address match: `noun` in English and Chinese, `zhPredicate` after a Chinese subject. */
export interface MaskedAddressWords {
  /** "any address whose bits under 0.0.0.255 are 0.0.0.2 (last byte 2)", after "from", "the source is". */
  en: string;
  /** "在遮罩 0.0.0.255 下的位元是 0.0.0.2（最後一個位元組是 2）", after "來源位址". */
  zhPredicate: string;
  /** "遮罩 0.0.0.255 下位元為 0.0.0.2 的位址（最後一個位元組是 2）", after "來源是". */
  zhNoun: string;
}

/**
 * An address match in words when its mask is no prefix's, or its address has bits outside the mask
 * (nft `ip saddr & 255.255.0.0 == 10.1.2.3`); undefined for a prefix, which reads as written
 * (`10.1.0.0/16`). `neg`: the match is negated (`!=`, `! -s`).
 */
export function maskedAddressWords(c: IpCidr, neg: boolean): MaskedAddressWords | undefined {
  const v6 = "v6" in c;
  const mask = v6 ? c.mask : BigInt(c.mask >>> 0);
  const net = v6 ? c.net : BigInt(c.net >>> 0);
  const outside = (net & ~mask) !== 0n;
  if (isPrefixMask(mask, v6 ? 128 : 32) && !outside) return undefined;
  const l = layoutOf({ family: v6 ? 6 : 4 });
  const [m, v] = [l.text(mask), l.text(net)];
  const kept = outside ? undefined : keptUnits(mask, l);
  const parts = kept?.map((u) => [u.name, unitOf(net, u, l)] as const) ?? [];
  const [why, whyZh] = outside
    ? outsideWords(v, neg)
    : !parts.length
      ? ["", ""]
      : neg
        ? [
            ` (${parts.map(([n, x]) => `${n[0]} not ${x}`).join(", or ")})`,
            `（${parts.map(([n, x]) => `${n[1]}不是 ${x}`).join("，或")}）`,
          ]
        : [
            ` (${parts.map(([n, x]) => `${n[0]} ${x}`).join(", ")})`,
            `（${parts.map(([n, x]) => `${n[1]}是 ${x}`).join("、")}）`,
          ];
  return neg
    ? {
        en: `an address whose bits under ${m} are not ${v}${why}`,
        zhPredicate: `在遮罩 ${m} 下的位元不是 ${v}${whyZh}`,
        zhNoun: `遮罩 ${m} 下位元不為 ${v} 的位址${whyZh}`,
      }
    : {
        en: `any address whose bits under ${m} are ${v}${why}`,
        zhPredicate: `在遮罩 ${m} 下的位元是 ${v}${whyZh}`,
        zhNoun: `遮罩 ${m} 下位元為 ${v} 的位址${whyZh}`,
      };
}

/**
 * `a.b.c.d/m.m.m.m` or `addr/mask` (IPv6) as iptables takes it, the address under the mask as the
 * kernel compares it (iptables clears the bits outside the mask); undefined for anything else,
 * a prefix length included.
 */
export function parseMaskedAddress(text: string): IpCidr | undefined {
  const [a, m] = text.split("/", 2) as [string, string | undefined];
  if (m === undefined) return undefined;
  if (a.includes(":") && m.includes(":")) {
    const [ga, gm] = [parseIpv6(a), parseIpv6(m)];
    if (!ga || !gm) return undefined;
    const mask = groupsValue(gm);
    return { v6: true, net: groupsValue(ga) & mask, len: 128, mask };
  }
  const [na, nm] = [parseIpv4(a), m.includes(".") ? parseIpv4(m) : undefined];
  return na === undefined || nm === undefined ? undefined : { net: (na & nm) >>> 0, len: 32, mask: nm };
}

/** What a masked key is compared with: values, one range or prefix or more, or a named set. */
export type MaskedOperand = { values: bigint[] } | { written: string[] } | { set: string; count?: number };

/** Whether `mask` keeps whole bytes of a number of `form` (`0xff00`), so {@link maskedValueWords} names them. */
export function keepsWholeBytes(mask: bigint, form: MaskForm): boolean {
  return keptUnits(mask, layoutOf(form)) !== undefined;
}

/**
 * A match of `subject` (`["the TCP destination port", "TCP 目的埠"]`, read in `form`) under `mask`
 * in words: by the bytes the mask keeps when it keeps whole ones ("the high byte of the TCP
 * destination port is 1 (256-511)"), else as the notes say a masked mark or TOS byte ("the TTL,
 * masked with 0xf0, is 0x40 (64-79)"). A decimal number's note names the numbers that pass. `neg`:
 * negated.
 */
export function maskedValueWords(
  subject: Pair,
  form: MaskForm,
  mask: bigint,
  operand: MaskedOperand,
  neg: boolean,
): Pair {
  const l = layoutOf(form);
  const [s, sZh] = subject;
  const m = l.text(mask);
  const bits: Pair = [`${s}, masked with ${m}, is`, zhThen(sZh, `與 ${m} 遮罩後`)];
  if ("set" in operand) {
    const n = operand.count;
    const size = n === undefined ? "" : ` (${n} element${n === 1 ? "" : "s"})`;
    const sizeZh = n === undefined ? "" : `（${n} 個元素）`;
    return neg
      ? [`${bits[0]} not in set @${operand.set}${size}`, `${bits[1]}不在集合 @${operand.set} 中${sizeZh}`]
      : [`${bits[0]} in set @${operand.set}${size}`, `${bits[1]}在集合 @${operand.set} 中${sizeZh}`];
  }
  if ("written" in operand) {
    const [one, en, zh] = [
      operand.written.length === 1,
      operand.written.join(", "),
      operand.written.join("、"),
    ];
    if (one)
      return neg
        ? [`${bits[0]} not in ${en}`, `${bits[1]}不在 ${zh} 之內`]
        : [`${bits[0]} in ${en}`, `${bits[1]}在 ${zh} 之內`];
    return neg
      ? [`${bits[0]} none of ${en}`, `${bits[1]}不是 ${zh} 之一`]
      : [`${bits[0]} one of ${en}`, `${bits[1]}是 ${zh} 之一`];
  }
  const vs = operand.values;
  const outside = vs.filter((v) => (v & ~mask) !== 0n);
  const kept = outside.length ? undefined : keptUnits(mask, l);
  if (vs.length === 1) {
    const v = vs[0] as bigint;
    const [why, whyZh] = outside.length
      ? outsideWords(l.text(v), neg)
      : l.lists
        ? throughWords(v, mask, l, neg)
        : ["", ""];
    if (!kept)
      return neg
        ? [`${bits[0]} not ${l.text(v)}${why}`, `${bits[1]}不是 ${l.text(v)}${whyZh}`]
        : [`${bits[0]} ${l.text(v)}${why}`, `${bits[1]}是 ${l.text(v)}${whyZh}`];
    const parts = kept.map((u) => [u.name, unitOf(v, u, l)] as const);
    const en = parts
      .map(([n, x], k) => `${k ? "its" : "the"} ${n[0]}${k ? "" : ` of ${s}`} is ${neg ? "not " : ""}${x}`)
      .join(neg ? " or " : " and ");
    const zh = parts.map(([n, x]) => `${n[1]}${neg ? "不" : ""}是 ${x}`).join(neg ? "，或" : "、");
    return [`${en}${why}`, `${zhThen(sZh, "的")}${zh}${whyZh}`];
  }
  // Several values: by their one kept unit when the mask keeps one, else by the bits.
  const one = kept?.length === 1 ? kept[0] : undefined;
  const list = vs.map((v) => (one ? unitOf(v, one, l) : l.text(v)));
  const never = outside.map((v) => l.text(v));
  const [note, noteZh] = !never.length
    ? ["", ""]
    : never.length === 1
      ? [
          ` (${never[0]} has bits outside the mask, so it never matches)`,
          `（${never[0]} 有遮罩以外的位元，永遠不會符合）`,
        ]
      : [
          ` (${never.join(", ")} have bits outside the mask, so they never match)`,
          `（${never.join("、")} 有遮罩以外的位元，永遠不會符合）`,
        ];
  const [en, zh] = [`${list.join(", ")}${note}`, `${list.join("、")}`];
  const [head, headZh] = one
    ? [`the ${one.name[0]} of ${s} is`, zhThen(sZh, `的${one.name[1]}`)]
    : [`${bits[0]}`, bits[1]];
  return neg
    ? [`${head} none of ${en}`, `${headZh}不是 ${zh} 之一${noteZh}`]
    : [`${head} one of ${en}`, `${headZh}是 ${zh} 之一${noteZh}`];
}
