/**
 * Match options iptables-restore refuses after a `!` (`-m limit ! --limit 5/s`: limit: option "--limit"
 * cannot be inverted). Each was probed with `unshare -n iptables-restore --test` (ip6tables-restore for
 * the IPv6 header matches), iptables-nft 1.8.9; the options of these matches not listed were taken
 * inverted (`-m recent ! --rcheck`, `-m string ! --string`, `-m time ! --weekdays`, `-m hashlimit !
 * --hashlimit-upto`, `-m connlimit ! --connlimit-above`, `-m statistic ! --probability`, `-m connbytes !
 * --connbytes`, `-m owner ! --uid-owner`, `-m cluster ! --cluster-local-node`, `-m connlabel ! --label`,
 * `-m set ! --update-counters`, `-m policy ! --spi`, ...). `-m addrtype`, `-m conntrack --ctdir`, `-m
 * comment` and `-m policy --dir`/`--pol` are refused where they are read.
 */
import type { Token } from "./tokenize-rule.ts";

/** Per match, its options (without `--`) that cannot be inverted. */
const NOT_INVERTED: Readonly<Record<string, string>> = {
  limit: "limit limit-burst",
  recent: "seconds reap hitcount rttl name mask rsource rdest",
  string: "algo from to icase",
  time: "datestart datestop timestart timestop kerneltz localtz utc contiguous",
  hashlimit:
    "hashlimit-name hashlimit-mode hashlimit-srcmask hashlimit-dstmask hashlimit-burst hashlimit-htable-size hashlimit-htable-max hashlimit-htable-gcinterval hashlimit-htable-expire hashlimit-rate-match hashlimit-rate-interval",
  connlimit: "connlimit-mask connlimit-saddr connlimit-daddr",
  statistic: "mode packet",
  connbytes: "connbytes-dir connbytes-mode",
  socket: "nowildcard transparent restore-skmark",
  rpfilter: "loose validmark accept-local invert",
  owner: "suppl-groups",
  cluster: "cluster-total-nodes cluster-hash-seed",
  nfacct: "nfacct-name",
  osf: "ttl log",
  connlabel: "set",
  bpf: "bytecode object-pinned",
  ipvs: "vdir",
  ttl: "ttl-gt ttl-lt",
  hl: "hl-gt hl-lt",
  policy: "strict next",
  set: "return-nomatch packets-lt packets-gt bytes-lt bytes-gt",
  frag: "fragres fragfirst fragmore fraglast",
  rt: "rt-0-res rt-0-addrs rt-0-not-strict",
  hbh: "hbh-opts",
  dst: "dst-opts",
  ipv6header: "soft",
  // ip6tables' ah only: iptables' has no --ahres (unknown option).
  ah6: "ahres",
};

/** Words that end a match's options: the next match or the target. */
const END = new Set(["-m", "--match", "-j", "--jump", "-g", "--goto"]);

/**
 * The first option of `-m module` (its words from `tokens[from]` up to the next `-m` or `-j`) that a `!`
 * negates and the match cannot invert, with what iptables-restore says, or undefined. A `!` right after an
 * option that takes a value is that value (`--name ! --rsource` names the list '!'), not a negation:
 * `noValue` tells the options that take none.
 */
export function notInvertedOption(
  module: string,
  family: "ip" | "ip6",
  tokens: readonly Token[],
  from: number,
  noValue: (word: string) => boolean,
): { token: Token; said: string } | undefined {
  const names = NOT_INVERTED[module === "ah" && family === "ip6" ? "ah6" : module]?.split(" ");
  for (let k = from; names && k < tokens.length; k++) {
    const [bang, t, before] = [tokens[k] as Token, tokens[k + 1], tokens[k - 1]];
    if (!bang.quoted && END.has(bang.value)) return undefined;
    const negates = !/^-\D/.test(before?.value ?? "") || before?.quoted || noValue(before?.value ?? "");
    if (bang.quoted || bang.value !== "!" || !t?.value.startsWith("--") || t.quoted || !negates) continue;
    // The option whole, or shortened as getopt_long takes it (`! --limit-b 5`).
    const w = t.value.slice(2);
    const starts = names.filter((n) => w && n.startsWith(w));
    const name = names.includes(w) ? w : starts.length === 1 ? starts[0] : undefined;
    if (!name) continue;
    // libxt_set says it in words of its own.
    const said =
      module === "set"
        ? `--${name} ${name === "return-nomatch" ? "flag" : "option"} cannot be inverted`
        : `${module}: option "--${name}" cannot be inverted`;
    return { token: { ...t, value: `--${name}` }, said };
  }
  return undefined;
}
