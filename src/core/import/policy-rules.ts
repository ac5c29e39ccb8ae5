/**
 * The host's routing policy (`ip -j rule`, `ip -6 -j rule`): packetwalk routes by the main table
 * alone (`ip -j route`), so a host with rules of its own (wg-quick, Tailscale, a VPN client, a
 * second uplink) may route a flow where the lab does not. The rules are not modelled; they are
 * named, so the contributor and the reader know which flows to doubt. Pure.
 */

/** One element of `ip -j rule` as iproute2 prints it (only what is read here). */
interface RuleJson {
  priority?: number;
  not?: unknown;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  iif?: string;
  oif?: string;
  fwmark?: string;
  fwmask?: string;
  ipproto?: string;
  sport_start?: number;
  sport_end?: number;
  dport_start?: number;
  dport_end?: number;
  uid_start?: number;
  uid_end?: number;
  table?: string;
  action?: string;
  goto?: number;
  suppress_prefixlen?: number;
}

/** The rules every host has: the local, main and default tables looked up for every packet. */
const DEFAULT_RULES = new Set(["0 local", "32766 main", "32767 default"]);

/** A port range as `ip rule` writes it: `80` or `80-90`. */
function range(start: number | undefined, end: number | undefined): string {
  return start === end || end === undefined ? String(start) : `${start}-${end}`;
}

/** Whether `r` has any selector beyond "all sources". */
function selects(r: RuleJson): boolean {
  return (
    r.not !== undefined ||
    (r.src !== undefined && r.src !== "all") ||
    r.dst !== undefined ||
    r.iif !== undefined ||
    r.oif !== undefined ||
    r.fwmark !== undefined ||
    r.ipproto !== undefined ||
    r.sport_start !== undefined ||
    r.dport_start !== undefined ||
    r.uid_start !== undefined
  );
}

/** `r` written as `ip rule` lists it, e.g. `100: from 10.9.0.0/24 fwmark 0x5/0xff lookup 100`. */
export function describeRule(r: RuleJson): string {
  const words: string[] = [];
  if (r.not !== undefined) words.push("not");
  words.push(`from ${r.src ?? "all"}${r.srclen !== undefined ? `/${r.srclen}` : ""}`);
  if (r.dst !== undefined) words.push(`to ${r.dst}${r.dstlen !== undefined ? `/${r.dstlen}` : ""}`);
  if (r.fwmark !== undefined) words.push(`fwmark ${r.fwmark}${r.fwmask !== undefined ? `/${r.fwmask}` : ""}`);
  if (r.iif !== undefined) words.push(`iif ${r.iif}`);
  if (r.oif !== undefined) words.push(`oif ${r.oif}`);
  if (r.ipproto !== undefined) words.push(`ipproto ${r.ipproto}`);
  if (r.sport_start !== undefined) words.push(`sport ${range(r.sport_start, r.sport_end)}`);
  if (r.dport_start !== undefined) words.push(`dport ${range(r.dport_start, r.dport_end)}`);
  if (r.uid_start !== undefined) words.push(`uidrange ${r.uid_start}-${r.uid_end ?? r.uid_start}`);
  if (r.table !== undefined) words.push(`lookup ${r.table}`);
  if (r.suppress_prefixlen !== undefined) words.push(`suppress_prefixlength ${r.suppress_prefixlen}`);
  if (r.goto !== undefined) words.push(`goto ${r.goto}`);
  if (r.action !== undefined) words.push(r.action);
  return `${r.priority ?? 0}: ${words.join(" ")}`;
}

/** The rules of one `ip -j rule` array that are not every host's own, as `ip rule` lists them. */
export function ownRules(rules: unknown): string[] {
  if (!Array.isArray(rules)) return [];
  return rules
    .filter((r): r is RuleJson => typeof r === "object" && r !== null)
    .filter((r) => selects(r) || r.table === undefined || !DEFAULT_RULES.has(`${r.priority ?? 0} ${r.table}`))
    .map(describeRule);
}

/**
 * A lab note naming the host's own routing rules, or undefined when it has none beyond the
 * defaults. `v4` and `v6` are the parsed `ip -j rule` and `ip -6 -j rule` (either may be missing).
 */
export function policyRoutingNote(v4: unknown, v6: unknown): string | undefined {
  const parts = [...ownRules(v4).map((r) => `IPv4 ${r}`), ...ownRules(v6).map((r) => `IPv6 ${r}`)];
  if (!parts.length) return undefined;
  return `The host routes by policy (ip rule): ${parts.join("; ")}. packetwalk routes by the main table alone (ip -j route), so a packet these rules send elsewhere (another table, a blackhole, an unreachable) is simulated as the main table routes it: doubt the check of such a flow.`;
}
