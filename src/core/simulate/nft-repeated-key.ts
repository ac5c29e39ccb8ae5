/**
 * A map element whose key an earlier element holds with other data: the kernel refuses the second
 * ("Could not process rule: File exists"), in a rule's own map and in a named one; the same key with
 * the same data is taken once. Checked with nft 1.0.6 on kernel 6.18: `vmap { 22 : accept, 22 : drop }`
 * and a concatenated or NAT map's twice-given key refused at that key, `{ 22 : accept, 22 : accept }` loaded.
 * A key is the same whatever its spelling: `{ ssh : accept, 22 : drop }`, `{ tcp : accept, 6 : drop }`,
 * `{ echo-request : accept, 8 : drop }`, `{ cs1 : accept, 8 : drop }` and `{ 0x1 : accept, 1 : drop }`
 * were refused at the second key too.
 */
import { formatIpCidr } from "./ip-address.ts";
import { dscpValue, NFT_ICMP_NAMES, nftInteger, nftProtoNumber } from "./nft-names.ts";
import type { NftValue } from "./ruleset.ts";
import { servicePort } from "./service-ports.ts";

/** Value `v` of `key` as one number when it names one (`ssh`, `tcp`, `echo-request`, `cs1`, `0x1`). */
function sameValue(key = "", v: NftValue): NftValue {
  if (v.kind !== "value" || /ifname|^$/.test(key)) return v;
  const w = v.value;
  // A number as nft reads it first: `022` is octal (18), another key than `22`.
  const n =
    nftInteger(w) ??
    (key.endsWith("port")
      ? servicePort(w)
      : (NFT_ICMP_NAMES[key]?.[w] ?? (key.endsWith("dscp") ? dscpValue(w) : nftProtoNumber(w))));
  const number = typeof n === "string" ? nftInteger(n) : n;
  return number === undefined ? v : { kind: "value", value: `${number}` };
}

/**
 * The first element of `elements` whose key an earlier one maps to other data, or undefined; `keys`
 * (one per part of a concatenation) tell which spellings of a value are the same.
 */
export function repeatedKey<T extends { key: NftValue }>(
  elements: readonly T[],
  keys: readonly (string | undefined)[] = [],
): T | undefined {
  const seen = new Map<string, string>();
  // An IPv6 prefix holds bigints, which JSON writes only as strings.
  const text = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}` : x));
  for (const e of elements) {
    const { key, ...data } = e;
    const k = text(
      key.kind === "concat" ? key.parts.map((p, n) => sameValue(keys[n], p)) : sameValue(keys[0], key),
    );
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
