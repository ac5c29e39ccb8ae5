/**
 * An ARP header match in words (nft `arp operation request`, `arp daddr ip X`; ebtables `--arp-op`,
 * `--arp-ip-dst`), in English and Chinese, for both rule grammars' explanations.
 */
import type { Condition } from "../simulate/ruleset.ts";

/** The ARP header fields packetwalk reads. */
export type ArpField = Extract<Condition, { kind: "arp-field" }>["field"];

/** ebtables' ARP options by the field each reads. */
export const ARP_OPTION_FIELDS: Readonly<Record<string, ArpField>> = {
  "--arp-op": "operation",
  "--arp-ip-src": "saddr ip",
  "--arp-ip-dst": "daddr ip",
  "--arp-mac-src": "saddr ether",
  "--arp-mac-dst": "daddr ether",
};

/** What each field is, in English and Chinese. */
const NAMES: Readonly<Record<ArpField, [string, string]>> = {
  operation: ["the ARP operation", "ARP 操作"],
  "saddr ip": ["the ARP sender's address", "ARP 發送端位址"],
  "daddr ip": ["the ARP target's address", "ARP 目標位址"],
  "saddr ether": ["the ARP sender's MAC", "ARP 發送端 MAC"],
  "daddr ether": ["the ARP target's MAC", "ARP 目標 MAC"],
};

/** An operation's value as said (`1` is a request, `2` a reply). */
function said(field: ArpField, v: string): string {
  if (field !== "operation") return v;
  const x = v.toLowerCase();
  return x === "1" ? "request" : x === "2" ? "reply" : x;
}

/** `the ARP operation is request`, `the ARP target's address is not one of 198.51.100.1, 198.51.100.2`. */
export function arpFieldWords(field: ArpField, values: readonly string[], not: boolean): [string, string] {
  const [en, zh] = NAMES[field];
  const list = values.map((v) => said(field, v));
  const one = list.length === 1;
  const what = list.join(", ");
  return [
    `${en} is ${not ? "not " : ""}${one ? what : `one of ${what}`}`,
    `${zh}${not ? "不" : ""}是 ${one ? what : `${what} 其中之一`}`,
  ];
}
