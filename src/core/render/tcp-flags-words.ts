/**
 * A TCP flags match in words (iptables `--syn`, `--tcp-flags SYN,ACK SYN`, nft `tcp flags syn /
 * fin,syn,rst,ack`, `tcp flags ! syn,ack`), for the iptables and nftables rule explainers alike, with the
 * simulator's reading of it: of the flags in `mask`, exactly those in `set` are on (`neg`: not so).
 */

/** English and Traditional Chinese. */
type Pair = [string, string];

/** Every flag of the TCP header: a mask of all of them compares the flags whole. */
const ALL_FLAGS = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];

/**
 * `mask`, `set` and `neg` as the simulator's `tcp-flags` condition holds them; `values`, nft's set of
 * exact values (`tcp flags & (fin | syn | rst | ack) { syn, syn | ack }`), when it has one.
 */
export function tcpFlagsWords(
  mask: readonly string[],
  set: readonly string[],
  neg: boolean,
  values?: readonly (readonly string[])[],
): Pair {
  const en = (fs: readonly string[]) => fs.join(", ");
  const zh = (fs: readonly string[]) => fs.join("、");
  if (values) {
    // Each value as its flags (`none` for 0x0), one marked when it names a flag the mask drops.
    const outside = (v: readonly string[]) => v.some((f) => !mask.includes(f));
    const list = (lang: 0 | 1) =>
      values
        .map(
          (v) =>
            (v.length ? [en, zh][lang](v) : ["none", "都沒有"][lang]) +
            (outside(v) ? [" (never: outside the mask)", "（永遠不符合：超出遮罩）"][lang] : ""),
        )
        .join(["; ", "；"][lang]);
    const whole = ALL_FLAGS.every((f) => mask.includes(f));
    const head: Pair = whole
      ? ["the TCP flags", "TCP 旗標"]
      : [`of the TCP flags ${en(mask)}, those set`, `TCP 旗標 ${zh(mask)} 之中，有設的`];
    return neg
      ? [`${head[0]} are not exactly any of: ${list(0)}`, `${head[1]}不是下列任何一組：${list(1)}`]
      : [`${head[0]} are exactly one of: ${list(0)}`, `${head[1]}剛好是下列之一：${list(1)}`];
  }
  // A flag asked on outside the mask is never among the masked bits: the test never holds.
  if (set.some((f) => !mask.includes(f)))
    return neg
      ? [
          `any TCP flags (the test it negates asks ${en(set)} set but looks at ${en(mask)} only: it never holds)`,
          `任何 TCP 旗標（被反向的測試要求設 ${zh(set)}，卻只看 ${zh(mask)}：永遠不成立）`,
        ]
      : [
          `never: it asks ${en(set)} set but looks at the TCP flags ${en(mask)} only`,
          `永遠不符合：要求設 ${zh(set)}，卻只看 TCP 旗標 ${zh(mask)}`,
        ];
  const one = mask.length === 1;
  if (set.length === 0 && mask.length < ALL_FLAGS.length)
    return neg
      ? [
          one ? `the TCP flag ${mask[0]} is set` : `any of the TCP flags ${en(mask)} is set`,
          one ? `TCP 旗標 ${mask[0]} 有設` : `TCP 旗標 ${zh(mask)} 至少一個有設`,
        ]
      : [
          one ? `the TCP flag ${mask[0]} is not set` : `none of the TCP flags ${en(mask)} is set`,
          one ? `TCP 旗標 ${mask[0]} 沒設` : `TCP 旗標 ${zh(mask)} 都沒設`,
        ];
  if (ALL_FLAGS.every((f) => mask.includes(f))) {
    if (set.length === 0)
      return neg
        ? ["some TCP flag is set", "有設某個 TCP 旗標"]
        : ["no TCP flag is set", "沒有設任何 TCP 旗標"];
    return neg
      ? [`the TCP flags are not exactly ${en(set)}`, `TCP 旗標不是剛好 ${zh(set)}`]
      : [`the TCP flags are exactly ${en(set)}`, `TCP 旗標剛好是 ${zh(set)}`];
  }
  // `--syn`: SYN without ACK, RST or FIN, how a connection opens.
  const opening =
    set.length === 1 && set[0] === "SYN" && ["FIN", "RST", "ACK"].every((f) => mask.includes(f));
  const note: Pair = !opening
    ? ["", ""]
    : neg
      ? [" (anything but a connection's opening SYN)", "（連線開頭的 SYN 以外）"]
      : [" (a connection's opening SYN)", "（連線開頭的 SYN）"];
  const value: Pair = set.length ? [`exactly ${en(set)}`, `剛好 ${zh(set)}`] : ["none", "都沒有"];
  return neg
    ? [
        `of the TCP flags ${en(mask)}, those set are not ${value[0]}${note[0]}`,
        `TCP 旗標 ${zh(mask)} 之中，有設的不是${value[1]}${note[1]}`,
      ]
    : [
        `of the TCP flags ${en(mask)}, those set are ${value[0]}${note[0]}`,
        `TCP 旗標 ${zh(mask)} 之中，有設的是${value[1]}${note[1]}`,
      ];
}
