/**
 * The address (or range) and port (or range) a NAT target rewrites to, in every form iptables-save,
 * ip6tables-save and `nft list ruleset` print it: `198.51.100.5`, `198.51.100.5-198.51.100.9:80-81`,
 * `198.51.100.0/30` (nft), `:80`, `2001:db8::5`, `2001:db8::5-2001:db8::9`, `[2001:db8::5]:80`,
 * `[2001:db8::5-2001:db8::9]:1000-2000`, `[2001:db8::4]-[2001:db8::5]:80` and, as nft lists that one,
 * `2001:db8::4/127:80`. One reader, so both rule languages accept the same forms.
 */
import { canonicalIpv6, formatIpv6, groupsValue, parseIpv6 } from "../parse/ipv6.ts";
import { formatIpCidr, parseIpCidr } from "./ip-address.ts";
import { formatIpv4, parseCidr, parseIpv4 } from "./ipv4.ts";
import type { PortRange } from "./ruleset.ts";

/** A NAT target's new address and port; `addrHi`: the last address of a range starting at `addr`. */
export interface NatAddressSpec {
  addr?: string;
  addrHi?: string;
  port?: PortRange;
  v6: boolean;
}

/** `80` or `1000-2000` (iptables' `1000:2000` is not a NAT form). */
function ports(text: string): PortRange | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= 65535 ? { lo, hi } : undefined;
}

/** One address, a range `A-B` or (nft) a prefix `A/len`, of family `v6`; undefined when not one. */
function addresses(text: string, v6: boolean): { addr: string; addrHi?: string } | undefined {
  const one = (t: string) => (v6 ? canonicalIpv6(t) : parseIpv4(t) === undefined ? undefined : t);
  if (text.includes("/")) {
    const c = parseIpCidr(text);
    if (!c || "v6" in c !== v6) return undefined;
    const last = lastOfPrefix(text, v6);
    const first = formatIpCidr({ ...c, len: v6 ? 128 : 32 });
    return last === undefined || last === first ? { addr: first } : { addr: first, addrHi: last };
  }
  const dash = text.indexOf("-");
  if (dash < 0) {
    const a = one(text);
    return a === undefined ? undefined : { addr: a };
  }
  const lo = one(text.slice(0, dash));
  const hi = one(text.slice(dash + 1));
  if (lo === undefined || hi === undefined) return undefined;
  return lo === hi ? { addr: lo } : { addr: lo, addrHi: hi };
}

/** The last address of prefix `text`. */
function lastOfPrefix(text: string, v6: boolean): string | undefined {
  if (!v6) {
    const c = parseCidr(text);
    return c ? formatIpv4((c.net | ~c.mask) >>> 0) : undefined;
  }
  const [addr, len] = text.split("/");
  const groups = parseIpv6(addr ?? "");
  if (!groups) return undefined;
  const bits = Number(len);
  return formatIpv6(
    groups.map((g, i) => {
      const keep = Math.max(0, Math.min(16, bits - 16 * i));
      const host = keep === 16 ? 0 : 0xffff >> keep;
      return (g | host) & 0xffff;
    }),
  );
}

/**
 * `[A]:P`, `[A-B]:P`, `[A]-[B]:P` (as written) or `A/LEN:P` (how nft lists the range it took) as
 * [whole, addresses, port?]; null when `text` has no port or brackets to take apart.
 */
function bracketedV6(text: string): (string | undefined)[] | null {
  const one = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
  if (one) return [...one];
  const two = /^\[([^\]]+)\]-\[([^\]]+)\](?::(.+))?$/.exec(text);
  if (two) return [text, `${two[1]}-${two[2]}`, two[3]];
  const prefix = /^([^[\]]+\/\d{1,3}):(.+)$/.exec(text);
  return prefix ? [...prefix] : null;
}

/**
 * Reads `text` as a NAT target's `to` value. `v6`: the rule's family is IPv6 (ip6tables, `table ip6`,
 * `snat ip6 to`); undefined: found from the text. Undefined when `text` is none of the forms.
 */
export function parseNatAddressSpec(
  text: string,
  v6?: boolean,
  readPorts: (text: string) => PortRange | undefined = ports,
): NatAddressSpec | undefined {
  const six = v6 ?? (text.startsWith("[") || (text.match(/:/g)?.length ?? 0) > 1);
  if (six) {
    const m = bracketedV6(text);
    const addrText = m ? (m[1] as string) : text;
    const port = m?.[2] === undefined ? undefined : readPorts(m[2]);
    if (m?.[2] !== undefined && !port) return undefined;
    const a = addresses(addrText, true);
    return a ? { ...a, ...(port ? { port } : {}), v6: true } : undefined;
  }
  const colon = text.indexOf(":");
  const addrText = colon < 0 ? text : text.slice(0, colon);
  const port = colon < 0 ? undefined : readPorts(text.slice(colon + 1));
  if (colon >= 0 && !port) return undefined;
  if (addrText === "") return port ? { port, v6: false } : undefined;
  const a = addresses(addrText, false);
  return a ? { ...a, ...(port ? { port } : {}), v6: false } : undefined;
}

/**
 * Whether a range's last address is below its first (`198.51.100.9-198.51.100.5`): nft refuses one
 * ("Range has zero or negative size", nft 1.0.6, in a statement and in map data); iptables takes it.
 */
export function rangeReversed(spec: Pick<NatAddressSpec, "addr" | "addrHi" | "v6">): boolean {
  if (spec.addr === undefined || spec.addrHi === undefined) return false;
  if (!spec.v6) return (parseIpv4(spec.addr) ?? 0) > (parseIpv4(spec.addrHi) ?? 0);
  const lo = parseIpv6(spec.addr);
  const hi = parseIpv6(spec.addrHi);
  return lo !== undefined && hi !== undefined && groupsValue(lo) > groupsValue(hi);
}
