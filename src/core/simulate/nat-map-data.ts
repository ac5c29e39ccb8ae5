/**
 * The NAT an nftables data map's element gives (`dnat to tcp dport map { 8080 : 192.168.1.30 . 80 }`):
 * the rule reader checks a map's data with it, the rule engine rewrites the packet by it.
 */
import { addressFamily, canonicalAddress } from "./ip-address.ts";
import type { Target } from "./ruleset.ts";

/**
 * The NAT target of one element's data (`192.168.1.30`, `192.168.1.30 . 80`, `fd00:a::2 . 80`): one
 * address, and a port when the map's data has one; undefined for any other data (a range, a prefix,
 * a port alone), which the simulator does not model.
 */
export function natOfData(nat: "DNAT" | "SNAT", data: readonly string[]): Target | undefined {
  const [addr, port, ...rest] = data;
  if (!addr || rest.length || !addressFamily(addr)) return undefined;
  const n = port === undefined ? undefined : Number(port);
  if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 65535)) return undefined;
  return { kind: nat, addr: canonicalAddress(addr), ...(n !== undefined ? { port: { lo: n, hi: n } } : {}) };
}
