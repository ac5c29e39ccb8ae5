/**
 * nft refuses a named interval set (or map) whose elements overlap, unless it is declared
 * `auto-merge` (checked with nft 1.0.6, `nft -c -f`: `{ 10.2.0.0/24, 10.2.0.2-10.2.0.5 }`,
 * `{ 10.0.0.0/8, 10.1.0.0/16 }`, `{ 10.0.0.0/24, 10.0.0.7 }`, ranges sharing a bound and `{ 80,
 * 80-90 }` all fail with "conflicting intervals specified"; an element written twice and ranges that
 * only touch are fine). The whole file then fails to load, so such a ruleset never ran. Anonymous
 * sets are always merged. Elements are compared as numbers per kind (IPv4, IPv6, plain number);
 * names and concatenations are left alone.
 */
import { groupsValue, parseIpv6 } from "../parse/ipv6.ts";
import { formatIpCidr } from "./ip-address.ts";
import { parseIpv4 } from "./ipv4.ts";
import type { NftValue } from "./ruleset.ts";

/** One element as the interval it covers, of one kind of value. */
interface Interval<T> {
  kind: "v4" | "v6" | "number";
  lo: bigint;
  hi: bigint;
  /** What the caller keeps with it (the element's token). */
  at: T;
  text: string;
}

/** One bound of a range, or a single value: its kind and number, or undefined for a name. */
function scalar(text: string): { kind: Interval<unknown>["kind"]; value: bigint } | undefined {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(text)) return { kind: "number", value: BigInt(text) };
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { kind: "v4", value: BigInt(v4) };
  const v6 = text.includes(":") ? parseIpv6(text) : undefined;
  return v6 ? { kind: "v6", value: groupsValue(v6) } : undefined;
}

/** The interval element `v` covers, or undefined for a name or a concatenation. */
function intervalOf<T>(v: NftValue, at: T): Interval<T> | undefined {
  if (v.kind === "prefix") {
    const c = v.cidr;
    if ("v6" in c) {
      const free = ((1n << 128n) - 1n) ^ c.mask;
      return { kind: "v6", lo: c.net, hi: c.net | free, at, text: formatIpCidr(v.cidr) };
    }
    const lo = BigInt(c.net >>> 0);
    return { kind: "v4", lo, hi: lo | BigInt(~c.mask >>> 0), at, text: formatIpCidr(v.cidr) };
  }
  if (v.kind === "value") {
    const s = scalar(v.value);
    return s && { kind: s.kind, lo: s.value, hi: s.value, at, text: v.value };
  }
  if (v.kind === "range") {
    const lo = scalar(v.lo);
    const hi = scalar(v.hi);
    if (!lo || !hi || lo.kind !== hi.kind || lo.value > hi.value) return undefined;
    return { kind: lo.kind, lo: lo.value, hi: hi.value, at, text: `${v.lo}-${v.hi}` };
  }
  return undefined;
}

/** An element that overlaps one before it: where it is, as written, and the earlier one it overlaps. */
export interface Overlap<T> {
  at: T;
  text: string;
  other: string;
}

/**
 * The first element of `elements` (in file order, each with what the caller keeps to point at it)
 * that overlaps an element before it, as nft's "conflicting intervals specified", or undefined. An
 * element equal to an earlier one is no conflict. Sorted by start, so 90,000 elements cost a sort.
 */
export function firstIntervalOverlap<T>(
  elements: readonly { value: NftValue; at: T }[],
): Overlap<T> | undefined {
  let first: (Overlap<T> & { order: number }) | undefined;
  const all = elements
    .map((e, order) => ({ iv: intervalOf(e.value, e.at), order }))
    .filter((e): e is { iv: Interval<T>; order: number } => e.iv !== undefined);
  for (const kind of ["v4", "v6", "number"] as const) {
    const list = all
      .filter((e) => e.iv.kind === kind)
      .sort((a, b) => (a.iv.lo < b.iv.lo ? -1 : a.iv.lo > b.iv.lo ? 1 : a.order - b.order));
    // The element reaching furthest so far: any later start at or below its end overlaps it.
    let reach: { iv: Interval<T>; order: number } | undefined;
    for (const e of list) {
      if (reach && e.iv.lo <= reach.iv.hi && !(e.iv.lo === reach.iv.lo && e.iv.hi === reach.iv.hi)) {
        const [later, earlier] = e.order > reach.order ? [e, reach] : [reach, e];
        if (!first || later.order < first.order)
          first = { at: later.iv.at, text: later.iv.text, other: earlier.iv.text, order: later.order };
      }
      if (!reach || e.iv.hi > reach.iv.hi) reach = e;
    }
  }
  return first && { at: first.at, text: first.text, other: first.other };
}
