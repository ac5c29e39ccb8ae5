/**
 * Hints of the parser's commonest warnings, shared with what translates them (the zh-TW
 * playground keys its Chinese hints by these very strings).
 */

/** How to name LOG prefixes so that the parser knows them: the start of every unknown-prefix hint. */
export const PREFIX_NAMING_HINT =
  "name LOG prefixes like 'iptable/<table>-<CHAIN>' or 'ebtable/<table>-<CHAIN>' (a tag such as 'ctc/' in front is fine)";

/** An unknown LOG prefix: how to name prefixes, or map one (the CLI's flag; the playground words its own). */
export const PREFIX_HINT = `${PREFIX_NAMING_HINT}, or map this prefix with --prefix-map FILE (JSON: {"<prefix>": "ip:filter:INPUT"}; an nftables chain is "ip:<table>:<chain>"), or give the ruleset that logged it with --ruleset FILE`;

/** {@link PREFIX_HINT} for an ARP line: the map names an arp chain (`arp:filter:INPUT`), not an ip one. */
export const ARP_PREFIX_HINT = `${PREFIX_NAMING_HINT}, or map this prefix with --prefix-map FILE (JSON: {"<prefix>": "arp:filter:INPUT"}; an nftables arp chain is "arp:<table>:<chain>"), or give the ruleset that logged it with --ruleset FILE`;

/** Whether `hint` is an unknown LOG prefix's (an IP line's or an ARP line's). */
export function isPrefixHint(hint: string | undefined): boolean {
  return hint === PREFIX_HINT || hint === ARP_PREFIX_HINT;
}

/** Messages lost around here (rate limits, a full buffer): what that does to the packets read. */
export const LOST_HINT =
  "a packet whose LOG lines were lost looks as if it skipped hooks, and check disagrees on it: read the packets logged around here with care; a narrower LOG rule (fewer lines) avoids the loss";

/** The note closing a list of problems cut at `maxDiagnostics`. */
export const UNLISTED_HINT =
  "fix the ones above first: problems of one cause repeat, and fixing it clears the ones not listed too";

/** A LOG line without its last space: why that is most often harmless (a copy), or else a cut. */
export const TRAILING_SPACE_HINT =
  "if the log lost its trailing spaces (an editor, a copy and paste), the values are whole; otherwise it was truncated";

/** A line over the reader's length limit (`--max-line-bytes`), skipped unread. */
export const LONG_LINE_HINT =
  "a kernel log line is under 1 KiB; was the file cut or binary? Raise the limit with --max-line-bytes N";

/** Lines of a netdev chain are skipped: what the other families show is read as usual. */
export const NETDEV_HINT =
  "the packet's path through the other families is read as usual; a netdev ingress or egress chain is not drawn";

/** The warning for skipped lines of netdev table `table`, chain `chain` (`what`: the kind of lines). */
export function netdevSkipped(what: string, table: string, chain: string): string {
  return `${what} of the netdev family (table ${table}, chain ${chain}) were skipped: packetwalk models the ip, ip6, inet, bridge and arp families`;
}

/** A chain of an nft trace whose hook is not known: where its hook can come from. */
export const UNPLACED_CHAIN_HINT =
  "nft trace lines name no hook: give the trace's ruleset (--ruleset FILE), which places each base chain at its hook";

/** The warning for the packet lines of nft trace chain `chain` (`<family> <table> <chain>`), whose name says no hook. */
export function unplacedChainMessage(chain: string): string {
  return `packet lines of the nft trace at chain '${chain}', whose name does not say its hook: its steps are drawn beside the map`;
}

/**
 * A line a `--prefix-map` entry places at FORWARD though one of its devices is empty: the map's
 * entry is likely for another chain (see `forwardWithoutDevice` in trace-parser.ts).
 */
export const FORWARD_DEVICE_HINT =
  "map the prefix to the chain whose rule logs it (iptables -S | grep -- --log-prefix): a line with IN= empty was logged in OUTPUT or POSTROUTING, one with OUT= empty in PREROUTING or INPUT";

/** A legacy TRACE packet whose first line is in a user chain: how to get the lines before it. */
export const TRACE_USER_CHAIN_HINT =
  "paste the trace from the packet's first line on (TRACE starts at raw PREROUTING or raw OUTPUT): until then the chain is drawn under its own name, at no hook";

/** The base chains that see a packet with IN= set or not and OUT= set or not (in hook order). */
function chainsByDevices(inSet: boolean, outSet: boolean): string[] {
  if (inSet) return outSet ? ["FORWARD"] : ["PREROUTING", "INPUT"];
  return outSet ? ["OUTPUT", "POSTROUTING"] : [];
}

/**
 * The warning for packets whose first legacy TRACE line is at user chain `chain` of `table`: xt_TRACE
 * prints the base chain's line (`nat:PREROUTING:rule:1`) before any chain it jumps to, so the paste
 * lost the lines before. `baseChains`: the base chains `table` has; the line's IN= and OUT= (set or
 * empty) name those that see such a packet, the earliest first: said as the likely one, not taken.
 */
export function traceUserChainMessage(
  table: string,
  chain: string,
  baseChains: readonly string[],
  inSet: boolean,
  outSet: boolean,
): string {
  const fits = chainsByDevices(inSet, outSet).filter((c) => baseChains.includes(c));
  const head = `packets whose first TRACE line is at ${table} chain '${chain}', a user chain: iptables' TRACE prints the base chain that jumps to it first (${table}:${fits[0] ?? "<CHAIN>"}:rule:N), so the lines before are missing from the paste`;
  const devices = `IN= ${inSet ? "set" : "empty"}, OUT= ${outSet ? "set" : "empty"}`;
  if (fits.length === 0) return `${head}; its ${devices} fit no base chain of ${table}`;
  const more = fits.length > 1 ? ` (${fits.slice(1).join(", ")} also sees such packets)` : "";
  return `${head}; with ${devices}, most likely ${table} ${fits[0]} jumped to it${more}`;
}
