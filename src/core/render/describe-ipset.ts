/**
 * What an ipset holds, in the words of a rule's note: a rule that looks packets up in a set says
 * nothing of its elements, and `iptables-save` does not print them, so the listing shows them.
 */
import { formatIpCidr } from "../simulate/ip-address.ts";
import type { IpSet, IpSetPart } from "../simulate/ruleset.ts";

/** Elements shown before "and N more". */
const SHOWN = 6;

function partText(p: IpSetPart): string {
  switch (p.kind) {
    case "addr":
      return formatIpCidr(p.cidr);
    case "range":
      return `${p.lo}-${p.hi}`;
    case "port":
      if (p.proto === "icmp" || p.proto === "icmpv6") return `${p.proto}:${p.lo}/${p.code ?? 0}`;
      return `${p.proto}:${p.lo === p.hi ? p.lo : `${p.lo}-${p.hi}`}`;
    case "iface":
      return p.physdev ? `physdev:${p.name}` : p.name;
    case "mac":
      return p.mac;
    case "mark":
      return `0x${p.value.toString(16)}`;
  }
}

/**
 * The sentence the note of a rule on `set` ends with, in English and Traditional Chinese: its
 * type and its first elements (`nomatch` ones marked), or its members for a `list:set`.
 */
export function describeIpset(set: IpSet): { en: string; zh: string } {
  const items = set.members
    ? set.members
    : set.entries.map((e) => `${e.parts.map(partText).join(",")}${e.nomatch ? " nomatch" : ""}`);
  const shown = items.slice(0, SHOWN).join(", ");
  const more = items.length - SHOWN;
  if (items.length === 0)
    return { en: `ipset ${set.name} (${set.type}) is empty`, zh: `ipset ${set.name}（${set.type}）是空的` };
  return {
    en: `ipset ${set.name} (${set.type}) holds ${shown}${more > 0 ? ` and ${more} more` : ""}`,
    zh: `ipset ${set.name}（${set.type}）裡有 ${shown}${more > 0 ? ` 等，另有 ${more} 筆` : ""}`,
  };
}
