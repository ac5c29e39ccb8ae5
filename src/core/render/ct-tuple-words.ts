/**
 * A connection tuple's match in words (iptables `--ctorigdstport 8080`, nft `ct reply ip saddr`), for
 * the iptables and nftables rule explainers alike.
 */

/** English and Traditional Chinese. */
type Pair = [string, string];

/**
 * `dir`: the tuple of the connection's first packet (`orig`) or of its replies (`repl`); `field`: which
 * of its fields; `value` as the rule writes it (`8080`, `1000-1100`, `192.168.1.30`), or a phrase in
 * each language (an address under a mask, see `mask-words.ts`); `neg` for `!`.
 */
export function ctTupleWords(
  dir: "orig" | "repl",
  field: "src" | "dst" | "sport" | "dport",
  value: string | Pair,
  neg: boolean,
): Pair {
  const [en, zhValue] = typeof value === "string" ? [value, value] : value;
  // A Chinese phrase follows a Chinese word directly; a written value, after a space.
  const zh = /^[\x21-\x7e]/.test(zhValue) ? ` ${zhValue}` : zhValue;
  const src = field === "src" || field === "sport";
  const port: Pair = field.endsWith("port") ? ["port ", "埠"] : ["", ""];
  if (dir === "orig")
    return [
      `the connection's original ${src ? "source" : "destination"} ${port[0]}(before NAT) is ${neg ? "not " : ""}${en}`,
      `連線原本（NAT 之前）的${src ? "來源" : "目的地"}${port[1]}${neg ? "不" : ""}是${zh}`,
    ];
  return [
    `the connection's replies ${neg ? "do not " : ""}${src ? "come from" : "go to"} ${port[0]}${en}`,
    `連線的回覆封包${neg ? "不" : ""}${src ? "來自" : "送往"}${port[1]}${zh}`,
  ];
}
