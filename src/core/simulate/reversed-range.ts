/**
 * nft refuses a range whose upper bound is below its lower one (`100-50`, `10.0.0.9-10.0.0.1`:
 * "Range has zero or negative size"), in a set's elements and in a rule's anonymous set alike: the
 * whole file then fails to load, so such a ruleset never ran on a kernel.
 */
import { parseIpv6 } from "../parse/ipv6.ts";
import { rangeReversed } from "./nat-address-spec.ts";
import type { NftValue } from "./ruleset.ts";

/** The first range of `v` (itself, or a part of a concatenation) whose upper bound is below its lower one. */
export function reversedRange(v: NftValue): Extract<NftValue, { kind: "range" }> | undefined {
  if (v.kind === "concat") {
    for (const p of v.parts) {
      const r = reversedRange(p);
      if (r) return r;
    }
    return undefined;
  }
  if (v.kind !== "range") return undefined;
  const number = (t: string) => (/^(0x[0-9a-f]+|\d+)$/i.test(t) ? Number(t) : undefined);
  const [lo, hi] = [number(v.lo), number(v.hi)];
  if (lo !== undefined && hi !== undefined) return lo > hi ? v : undefined;
  const v6 = parseIpv6(v.lo) !== undefined;
  return rangeReversed({ addr: v.lo, addrHi: v.hi, v6 }) ? v : undefined;
}

/** nft's refusal of the reversed range `text` (`100-50`), in the words the ruleset reader says it. */
export function reversedRangeMessage(text: string): string {
  return `range '${text}' has zero or negative size: nft refuses it, and with it the whole file`;
}
