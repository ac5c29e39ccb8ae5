/**
 * A map element whose key an earlier element holds with other data: the kernel refuses the second
 * ("Could not process rule: File exists"), in a rule's own map and in a named one; the same key with
 * the same data is taken once. Checked with nft 1.0.6 on kernel 6.18: `vmap { 22 : accept, 22 : drop }`
 * and a concatenated or NAT map's twice-given key refused at that key, `{ 22 : accept, 22 : accept }` loaded.
 */
import { formatIpCidr } from "./ip-address.ts";
import type { NftValue } from "./ruleset.ts";

/** The first element of `elements` whose key an earlier one maps to other data, or undefined. */
export function repeatedKey<T extends { key: NftValue }>(elements: readonly T[]): T | undefined {
  const seen = new Map<string, string>();
  // An IPv6 prefix holds bigints, which JSON writes only as strings.
  const text = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}` : x));
  for (const e of elements) {
    const { key, ...data } = e;
    const k = text(key);
    const d = text(data);
    if ((seen.get(k) ?? d) !== d) return e;
    seen.set(k, d);
  }
  return undefined;
}

/** How nft writes the element key `v` (`22`, `10.0.0.0/8`, `1.2.3.4 . 22`). */
export function keyText(v: NftValue): string {
  return v.kind === "concat"
    ? v.parts.map(keyText).join(" . ")
    : v.kind === "value"
      ? v.value
      : v.kind === "range"
        ? `${v.lo}-${v.hi}`
        : formatIpCidr(v.cidr);
}

/** The problem of the twice-given key `v`. */
export function repeatedKeyProblem(v: NftValue): { message: string; hint: string } {
  return {
    message: `map key '${keyText(v)}' is given twice with other data: the kernel refuses it (nft: "Could not process rule: File exists")`,
    hint: "keep one element for each key",
  };
}
