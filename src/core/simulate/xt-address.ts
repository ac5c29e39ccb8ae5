/**
 * Addresses as iptables and ip6tables read `-s`, `-d` and `--src-range` in a hand-written rules file,
 * not only as their saves print them: iptables 1.8.9 takes each part of a dotted address in C's
 * base 0 (`020` is octal 16, `0x0a` hex, `08` refused), completes a short one with zero bytes
 * (`10/8` is 10.0.0.0/8, `0/0` everything), then falls back to the resolver's numeric forms
 * (`0x0a000001`); a mask is a length or a dotted (ip6tables: colon) mask. `localhost` is the one host
 * name every resolver knows; any other is refused by the callers with a hint.
 */
import { type Cidr6, groupsValue, parseCidr6, parseIpv6, prefixMask6 } from "../parse/ipv6.ts";
import { type Cidr, prefixMask } from "./ipv4.ts";

/** An unsigned number written in C's base 0 (`0x1f` hex, `017` octal, `15` decimal), or undefined. */
function base0(text: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return Number.parseInt(text, 8);
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  return undefined;
}

/** xtables' numeric address: up to four base-0 bytes, the missing ones zero (`10.1` is 10.1.0.0). */
function numericIpv4(text: string, mask: boolean): number | undefined {
  const parts = text.split(".");
  if (parts.length > 4 || (mask && parts.length !== 4)) return undefined;
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const part = parts[k];
    const byte = part === undefined ? 0 : base0(part);
    if (byte === undefined || byte > 255) return undefined;
    value = value * 256 + byte;
  }
  return value >>> 0;
}

/** inet_aton's forms, which the resolver takes: `a`, `a.b` (b 24 bits), `a.b.c` (c 16 bits), `a.b.c.d`. */
function atonIpv4(text: string): number | undefined {
  const parts = text.split(".").map(base0);
  if (parts.length > 4 || parts.some((p) => p === undefined)) return undefined;
  const n = parts as number[];
  const lastBits = 8 * (5 - n.length);
  let value = 0;
  for (let k = 0; k < n.length - 1; k++) {
    if ((n[k] as number) > 255) return undefined;
    value = value * 256 + (n[k] as number);
  }
  const last = n[n.length - 1] as number;
  if (last >= 2 ** Math.min(32, lastBits)) return undefined;
  return (value * 2 ** lastBits + last) >>> 0;
}

/** An IPv4 address as iptables reads one (see the module comment), as a 32-bit number; undefined if none. */
export function xtIpv4(text: string): number | undefined {
  if (text.toLowerCase() === "localhost") return 0x7f000001;
  return numericIpv4(text, false) ?? atonIpv4(text);
}

/** The length of a contiguous 32-bit mask, or 32 for one with holes (iptables takes those too). */
function maskLength(mask: number): number {
  const len = 32 - Math.log2((~mask >>> 0) + 1);
  return Number.isInteger(len) ? len : 32;
}

/** An address as libxt_iprange reads each end of a range: xtables' numeric form only, no resolver. */
export function xtNumericIpv4(text: string): number | undefined {
  return numericIpv4(text, false);
}

/**
 * `-s`/`-d` of iptables: an address (see {@link xtIpv4}), `/len` or `/a.b.c.d`; the host bits cleared.
 * `resolved`: the address as the resolver alone reads it (libxt_conntrack's `--ctorigsrc` and friends:
 * `10.1` is 10.0.0.1, `10` is 0.0.0.10). Default false.
 */
export function parseXtCidr(text: string, resolved = false): Cidr | undefined {
  const slash = text.indexOf("/");
  const head = slash < 0 ? text : text.slice(0, slash);
  const addr = resolved ? (head.toLowerCase() === "localhost" ? 0x7f000001 : atonIpv4(head)) : xtIpv4(head);
  if (addr === undefined) return undefined;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    const bits = m.includes(".") ? undefined : base0(m);
    const dotted = m.includes(".") ? numericIpv4(m, true) : undefined;
    if (bits !== undefined && bits <= 32) mask = prefixMask(bits);
    else if (dotted !== undefined) mask = dotted;
    else return undefined;
  }
  return { net: (addr & mask) >>> 0, len: maskLength(mask), mask };
}

/** `-s`/`-d` of ip6tables: what ip6tables-save prints, `localhost`, and a mask written as an address. */
export function parseXtCidr6(text: string): Cidr6 | undefined {
  const slash = text.indexOf("/");
  const head = slash < 0 ? text : text.slice(0, slash);
  const tail = slash < 0 ? "" : text.slice(slash);
  const addr = head.toLowerCase() === "localhost" ? "::1" : head;
  const m = tail.slice(1);
  if (!m.includes(":")) {
    // The length in base 0 as well (`/0x40`).
    const bits = m === "" ? undefined : base0(m);
    return parseCidr6(bits === undefined ? `${addr}${tail}` : `${addr}/${bits}`);
  }
  const g = parseIpv6(m);
  const whole = parseCidr6(addr);
  if (!g || !whole) return undefined;
  const mask = groupsValue(g);
  let len = 0;
  while (len < 128 && (mask & prefixMask6(len + 1)) === prefixMask6(len + 1)) len++;
  // A mask with holes: matched by the mask, with no prefix length (128, as an IPv4 one gets 32).
  return { v6: true, net: whole.net & mask, len: mask === prefixMask6(len) ? len : 128, mask };
}
