/**
 * IPv6 extension header matches: ip6tables' `-m rt|frag|hbh|dst|ah|mh|esp` and `-m ipv6header`, read
 * into conditions and decided for the simulator's packets, which carry no extension header. ufw puts
 * `-m rt --rt-type 0 -j DROP` first in every IPv6 chain, so without this every IPv6 packet on a ufw
 * host was undecided.
 */

import type { Condition } from "./ruleset.ts";
import type { SimPacket } from "./sim-packet.ts";
import type { Token } from "./tokenize-rule.ts";
import { optionTwice } from "./xt-option-once.ts";

/** A header match module: the header it needs and its options. */
export interface ExthdrModule {
  /** The header's name as nft calls it (`rt`, `frag`, `hbh`, `dst`, `ah`, `mh`, `esp`). */
  header: string;
  /** Option -> how many values it takes. */
  options: Record<string, number>;
}

/**
 * Per header match module: its header's name (as nft calls it) and its options with the number of
 * values each takes (ip6tables-extensions(8)). `esp` and `ah` also exist for IPv4, where they match
 * the protocol: a packet of the simulator is neither.
 */
export const EXTHDR_MODULES: ReadonlyMap<string, ExthdrModule> = new Map<string, ExthdrModule>([
  [
    "rt",
    {
      header: "rt",
      options: {
        "--rt-type": 1,
        "--rt-segsleft": 1,
        "--rt-len": 1,
        "--rt-0-res": 0,
        "--rt-0-addrs": 1,
        "--rt-0-not-strict": 0,
      },
    },
  ],
  [
    "frag",
    {
      header: "frag",
      options: {
        "--fragid": 1,
        "--fraglen": 1,
        "--fragres": 0,
        "--fragfirst": 0,
        "--fragmore": 0,
        "--fraglast": 0,
      },
    },
  ],
  ["hbh", { header: "hbh", options: { "--hbh-len": 1, "--hbh-opts": 1 } }],
  ["dst", { header: "dst", options: { "--dst-len": 1, "--dst-opts": 1 } }],
  ["ah", { header: "ah", options: { "--ahspi": 1, "--ahlen": 1, "--ahres": 0 } }],
  ["mh", { header: "mh", options: { "--mh-type": 1 } }],
  ["esp", { header: "esp", options: { "--espspi": 1 } }],
]);

/** iptables' (IPv4) `-m ah`: libipt_ah has only `--ahspi`; `--ahlen` and `--ahres` are ip6tables'. */
const AH_V4: ExthdrModule = { header: "ah", options: { "--ahspi": 1 } };

/** ip6tables' ah options iptables does not know (it refuses each: unknown option). */
const AH_V6_ONLY = ["--ahlen", "--ahres"];

/** The kernel's bits for `-m ipv6header` (`MASK_HOPOPTS` ... `MASK_PROTO`). */
const BITS = { hbh: 128, dst: 64, rt: 32, frag: 16, ah: 8, esp: 4, none: 2, proto: 1 } as const;

/** `--header` names as ip6tables accepts and prints them (names, protocol names, numbers). */
const HEADER_NAMES: Record<string, number> = {
  "hop-by-hop": BITS.hbh,
  hop: BITS.hbh,
  hopopts: BITS.hbh,
  "0": BITS.hbh,
  dst: BITS.dst,
  "ipv6-opts": BITS.dst,
  "60": BITS.dst,
  route: BITS.rt,
  "ipv6-route": BITS.rt,
  "43": BITS.rt,
  frag: BITS.frag,
  "ipv6-frag": BITS.frag,
  "44": BITS.frag,
  auth: BITS.ah,
  ah: BITS.ah,
  "51": BITS.ah,
  esp: BITS.esp,
  "50": BITS.esp,
  none: BITS.none,
  "ipv6-nonxt": BITS.none,
  "59": BITS.none,
  protocol: BITS.proto,
  prot: BITS.proto,
  "255": BITS.proto,
};

/** `--header hop-by-hop,route` as the kernel's bit mask, or undefined for a name it does not take. */
export function ipv6HeaderMask(list: string): number | undefined {
  let mask = 0;
  for (const name of list.toLowerCase().split(",")) {
    const bit = HEADER_NAMES[name];
    if (bit === undefined) return undefined;
    mask |= bit;
  }
  return mask;
}

/** What reading a header match gives: its condition and the index after its last word, or an error. */
export type ExthdrRead =
  | { ok: true; condition: Condition; next: number }
  | { ok: false; column: number; message: string; hint: string };

/**
 * Reads `-m MODULE [!] --opt [value] ...` from `tokens[at]` (the module name) for a module of
 * {@link EXTHDR_MODULES} or `ipv6header`: the options that belong to it, up to the first that does not.
 * In an iptables rule (`family` `ip`) `-m ah` knows only `--ahspi`, as libipt_ah.
 */
export function readExthdrMatch(
  tokens: readonly Token[],
  at: number,
  module: string,
  family: "ip" | "ip6" = "ip6",
): ExthdrRead {
  const name = tokens[at] as Token;
  let j = at + 1;
  const fields: string[] = [];
  let neg = false;
  let header: string | undefined;
  let soft = false;
  const spec = module === "ah" && family === "ip" ? AH_V4 : EXTHDR_MODULES.get(module);
  // The options met so far: each may be given once (ip6tables: rt: option "--rt-len" can only be used once.).
  const seen = new Set<string>();
  while (j < tokens.length) {
    const bang = tokens[j]?.value === "!";
    const opt = tokens[bang ? j + 1 : j] as Token | undefined;
    if (!opt) break;
    const arity = spec
      ? spec.options[opt.value]
      : opt.value === "--header"
        ? 1
        : opt.value === "--soft"
          ? 0
          : undefined;
    if (arity === undefined) {
      // getopt_long takes a start of one name (`--ahr`): ip6tables' --ahres, an unknown option to iptables.
      const v6Only =
        spec === AH_V4 && opt.value.length > 4 && AH_V6_ONLY.some((o) => o.startsWith(opt.value));
      if (v6Only)
        return {
          ok: false,
          column: opt.column,
          message: `'${opt.value}' is no option of this rule's matches: iptables-restore refuses it (unknown option "${opt.value}")`,
          hint: "iptables' -m ah has only --ahspi: --ahlen and --ahres are ip6tables' (IPv6's AH header)",
        };
      break;
    }
    const twice = optionTwice(module, opt.value, seen);
    if (twice) return { ok: false, column: opt.column, ...twice };
    const value = tokens[bang ? j + 2 : j + 1] as Token | undefined;
    if (arity === 1 && (!value || value.value === "!" || value.value.startsWith("-")))
      return {
        ok: false,
        column: opt.column,
        message: `${opt.value} needs a value`,
        hint:
          module === "ipv6header"
            ? "write e.g. --header hop-by-hop,route"
            : `write e.g. -m ${module} ${opt.value} 0`,
      };
    if (spec)
      fields.push(
        [bang ? "!" : "", opt.value, arity ? (value as Token).value : ""].filter(Boolean).join(" "),
      );
    else if (opt.value === "--header") {
      header = (value as Token).value;
      neg = bang;
    } else soft = true;
    j += (bang ? 2 : 1) + arity;
  }
  if (spec)
    return {
      ok: true,
      next: j,
      condition: {
        kind: "exthdr",
        header: spec.header,
        ...(fields.length ? { field: fields.join(" ") } : {}),
        neg: false,
      },
    };
  const mask = header === undefined ? undefined : ipv6HeaderMask(header);
  if (mask === undefined)
    return {
      ok: false,
      column: name.column,
      message:
        header === undefined ? "-m ipv6header needs --header" : `'${header}' is not a list of IPv6 headers`,
      hint: "write e.g. -m ipv6header --header hop-by-hop,route --soft (names: hop-by-hop, dst, route, frag, auth, esp, none, protocol)",
    };
  return { ok: true, next: j, condition: { kind: "ipv6-headers", mask, soft, neg } };
}

/**
 * Decides `-m ipv6header` for a packet without extension headers, as `ipv6header_mt6` does: its headers
 * are just the upper-layer protocol (`proto`).
 */
export function ipv6HeadersMatch(c: { mask: number; soft: boolean; neg: boolean }, p: SimPacket): boolean {
  if (!p.v6) return false;
  const present: number = BITS.proto;
  if (c.soft) {
    // Soft: every listed header is there (with `!`, none of them is).
    const inv = c.neg ? c.mask : 0;
    return ((present ^ c.mask ^ inv) & c.mask) === 0;
  }
  return c.neg ? present !== c.mask : present === c.mask;
}

/** nft's IPv6 extension headers (and AH, ESP) and the fields it reads from each (nft(8)). */
const NFT_EXTHDR_FIELDS: Record<string, readonly string[]> = {
  hbh: ["nexthdr", "hdrlength"],
  rt: ["nexthdr", "hdrlength", "type", "seg-left"],
  rt0: ["reserved"],
  rt2: ["addr"],
  srh: ["last-entry", "flags", "tag"],
  frag: ["nexthdr", "reserved", "frag-off", "reserved2", "more-fragments", "id"],
  dst: ["nexthdr", "hdrlength"],
  mh: ["nexthdr", "hdrlength", "type", "reserved", "checksum"],
  // Not extension headers in IPv4, but no packet of the simulator carries them either.
  ah: ["nexthdr", "hdrlength", "reserved", "spi", "sequence"],
  esp: ["spi", "sequence"],
};

/** An nft extension header expression read at a word: presence (`missing` for the negation) or a field. */
export interface NftExthdr {
  header: string;
  /** The field compared (`type` in `rt type 0`); undefined for `exthdr rt exists|missing`. */
  field?: string;
  missing: boolean;
  /** Index after the header and field words (the field's operand follows), or after exists/missing. */
  next: number;
}

/**
 * Reads `exthdr NAME exists|missing` or `[exthdr] NAME FIELD` at `tokens[at]`, or undefined when the
 * words there are no extension header expression (`rt mtu` is routing information, not a header).
 */
export function readExthdr(tokens: readonly { value: string }[], at: number): NftExthdr | undefined {
  const lead = tokens[at]?.value === "exthdr" ? 1 : 0;
  const header = tokens[at + lead]?.value ?? "";
  const fields = NFT_EXTHDR_FIELDS[header];
  if (!fields) return undefined;
  const word = tokens[at + lead + 1]?.value ?? "";
  if (lead && (word === "exists" || word === "missing"))
    return { header, missing: word === "missing", next: at + lead + 2 };
  if (fields.includes(word)) return { header, field: word, missing: false, next: at + lead + 2 };
  return undefined;
}
