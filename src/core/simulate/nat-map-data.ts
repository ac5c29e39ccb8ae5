/**
 * The NAT an nftables data map's element gives (`dnat to tcp dport map { 8080 : 192.168.1.30 . 80 }`):
 * the rule reader checks a map's data with it, the rule engine rewrites the packet by it.
 */
import { canonicalAddress } from "./ip-address.ts";
import { type NatAddressSpec, parseNatAddressSpec, rangeReversed } from "./nat-address-spec.ts";
import type { Target } from "./ruleset.ts";

/**
 * The NAT target of one element's data (`192.168.1.30`, `192.168.1.30 . 80`, `fd00:a::2 . 80`, a range
 * `203.0.113.5-203.0.113.9` or a prefix `198.51.100.0/30`, with or without a port): one address or the
 * first and last of a range (a prefix's network and broadcast address included, as the kernel takes it),
 * and a port when the map's data has one; undefined for any other data (a port alone, a port range).
 */
export function natOfData(nat: "DNAT" | "SNAT", data: readonly string[]): Target | undefined {
  const spec = dataAddress(data);
  const port = data[1];
  if (!spec?.addr || rangeReversed(spec)) return undefined;
  const n = port === undefined ? undefined : Number(port);
  if (n !== undefined && !(/^\d+$/.test(port ?? "") && n <= 65535)) return undefined;
  return {
    kind: nat,
    addr: canonicalAddress(spec.addr),
    ...(spec.addrHi !== undefined ? { addrHi: canonicalAddress(spec.addrHi) } : {}),
    ...(n !== undefined ? { port: { lo: n, hi: n } } : {}),
  };
}

/** The address part of one element's data (`A`, `A-B`, `P/len`, then `. port` or nothing), or undefined. */
function dataAddress(data: readonly string[]): NatAddressSpec | undefined {
  const [addr, , ...rest] = data;
  if (!addr || rest.length || addr.startsWith("[")) return undefined;
  const spec = parseNatAddressSpec(addr);
  // A bare address only: a port inside the first word (`a:80`) is no map data nft prints.
  return spec?.addr && !spec.port ? spec : undefined;
}

/** Whether an element's data is an address range nft refuses, its last address below its first. */
export function reversedData(data: readonly string[]): boolean {
  const spec = dataAddress(data);
  return spec !== undefined && rangeReversed(spec);
}
