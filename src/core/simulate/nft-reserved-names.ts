/**
 * Words nft's grammar reads as keywords where a table, chain, set or map name is expected: nft 1.0.6
 * refuses `chain fwd { ... }` ("syntax error, unexpected fwd, expecting string"), and the same word as a
 * table's or a set's name. Each word here was declared as a chain, a table and a set with `nft -c -f`
 * (nft 1.0.6): all refused. Words nft takes as names though they are keywords elsewhere (`input`,
 * `filter`, `nat`, `state`, `new`, `protocol`, `saddr`, ...) are not listed: a name is refused only
 * when nft was seen to refuse it.
 */
import type { NftToken } from "./tokenize-nft.ts";

const RESERVED = new Set(
  (
    "fwd log counter dup queue accept drop jump goto return continue ip ip6 inet tcp udp icmp icmpv6 " +
    "limit quota meta ct notrack synproxy flow reject masquerade redirect snat dnat tproxy set map vmap " +
    "element elements table chain rule type hook priority policy device devices flags comment mark iif " +
    "oif iifname oifname ether vlan arp th sctp dccp esp ah fib rt socket osf numgen jhash symhash random " +
    "update add delete flush insert replace create define include secmark timeout netdev bridge exists " +
    "missing nftrace index handle position"
  ).split(" "),
);

/** Whether nft's grammar reads `word`, unquoted, as one of its keywords (a statement or an expression). */
export function isNftKeyword(word: string): boolean {
  return RESERVED.has(word);
}

/**
 * A name nft's lexer reads whole, unquoted: a letter, `_` or `.` first, then letters, digits, `/`, `_`,
 * `.` or `-` (nft 1.0.6 took `chain _x`, `.x`, `a/b`; refused `a\\b` and `1abc`).
 */
const PLAIN_NAME = /^[a-z_.][a-z0-9/_.-]*$/i;

/**
 * `name` as a declaration writes it: quoted when it is one of the words above. nft -j -f takes any name
 * (its JSON parser has no keywords), so a listing of such a ruleset holds one; quoted, it is read as a name.
 */
export function declaredName(name: string): string {
  // A name with a space or another sign nft's lexer splits (`my chain`, made with nft -j) is quoted too.
  return RESERVED.has(name) || !PLAIN_NAME.test(name) ? JSON.stringify(name) : name;
}

/** nft's refusal of `name` as the name of a `what`, or undefined when nft takes it. */
export function reservedName(
  name: NftToken,
  what: "table" | "chain" | "set" | "map",
): { message: string; hint: string } | undefined {
  if (name.type !== "word" || !RESERVED.has(name.value)) return undefined;
  return {
    message: `'${name.value}' is an nft keyword and cannot name a ${what}: nft refuses it ("syntax error, unexpected ${name.value}, expecting string")`,
    hint: `give the ${what} another name (e.g. '${name.value}-${what === "chain" ? "rules" : what}')`,
  };
}

/**
 * nft's refusal of a quoted `name` (`chain "in"`, `table inet "t"`, `add rule inet t "c" ...`): nft 1.0.6
 * takes no quoted table, chain, set or map name ("syntax error, unexpected quoted string, expecting
 * string"), keyword or not; undefined for an unquoted one.
 */
export function quotedName(
  name: NftToken,
  what: "table" | "chain" | "set" | "map",
): { message: string; hint: string } | undefined {
  if (name.type !== "string") return undefined;
  const plain = PLAIN_NAME.test(name.value) && !RESERVED.has(name.value);
  return {
    message: `"${name.value}" is quoted: nft takes no quoted ${what} name ("syntax error, unexpected quoted string, expecting string")`,
    hint: plain
      ? `write the name without quotes: ${name.value}`
      : `give the ${what} a name of letters, digits, '-', '_' and '.' that is no nft keyword (e.g. '${what}-1')`,
  };
}
