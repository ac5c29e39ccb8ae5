/**
 * The nft lab's instrumentation, as `nft -f` text: base chains of packetwalk's own (`table ip
 * packetwalk`, `table bridge packetwalk`) one priority step before each of Docker's base chains, and
 * at the hooks where Docker has none, with a `log prefix` rule each (LOG mode); or `meta nftrace set 1`
 * early in prerouting and output (TRACE mode). Pure: nothing here runs a command.
 *
 * A log prefix is `<tag>/nft/<family>/<table>/<chain>`, naming the base chain the packet is about to
 * enter (Docker's, e.g. `pwk3/nft/ip/docker-bridges/raw-PREROUTING`) or packetwalk's own chain at a hook
 * Docker leaves alone (`.../nft/ip/packetwalk/INPUT`). nft keeps 127 characters of a prefix.
 */
import { DOCKER_NFT_TABLE } from "./docker-nft-ruleset.ts";

/** packetwalk's own table name in the lab's Docker host namespace (one per family). */
export const NFT_OWN_TABLE = "packetwalk";

/** One logging base chain: its hook, priority, and the base chain it reports. */
export interface NftLogChain {
  family: "ip" | "bridge";
  hook: string;
  priority: number;
  /** The table and chain the log line names. */
  names: { table: string; chain: string };
}

/** Docker 29's base chains (hook, priority, name) and packetwalk's own at hooks Docker does not use, plus the bridge hooks. */
export const NFT_LOG_CHAINS: readonly NftLogChain[] = [
  {
    family: "ip",
    hook: "prerouting",
    priority: -301,
    names: { table: DOCKER_NFT_TABLE, chain: "raw-PREROUTING" },
  },
  {
    family: "ip",
    hook: "prerouting",
    priority: -101,
    names: { table: DOCKER_NFT_TABLE, chain: "nat-PREROUTING" },
  },
  { family: "ip", hook: "input", priority: 0, names: { table: NFT_OWN_TABLE, chain: "INPUT" } },
  {
    family: "ip",
    hook: "forward",
    priority: -1,
    names: { table: DOCKER_NFT_TABLE, chain: "filter-FORWARD" },
  },
  { family: "ip", hook: "output", priority: -101, names: { table: DOCKER_NFT_TABLE, chain: "nat-OUTPUT" } },
  {
    family: "ip",
    hook: "postrouting",
    priority: 99,
    names: { table: DOCKER_NFT_TABLE, chain: "nat-POSTROUTING" },
  },
  {
    family: "bridge",
    hook: "prerouting",
    priority: -300,
    names: { table: NFT_OWN_TABLE, chain: "PREROUTING" },
  },
  { family: "bridge", hook: "input", priority: -200, names: { table: NFT_OWN_TABLE, chain: "INPUT" } },
  { family: "bridge", hook: "forward", priority: -200, names: { table: NFT_OWN_TABLE, chain: "FORWARD" } },
  { family: "bridge", hook: "output", priority: -200, names: { table: NFT_OWN_TABLE, chain: "OUTPUT" } },
  {
    family: "bridge",
    hook: "postrouting",
    priority: 300,
    names: { table: NFT_OWN_TABLE, chain: "POSTROUTING" },
  },
];

/** The packets the lab logs and traces: its ICMP and TCP to or from ports 80 and 8080. */
export const NFT_MATCHES = ["meta l4proto icmp", "tcp dport { 80, 8080 }", "tcp sport { 80, 8080 }"];

/** The log prefix of one chain for run tag `tag`. */
export function nftLogPrefix(tag: string, c: NftLogChain): string {
  return `${tag}/nft/${c.family}/${c.names.table}/${c.names.chain}`;
}

// Our own chains are named after what they report, so nft monitor trace and the ruleset read plainly.
const chainName = (c: NftLogChain) => `log-${c.names.chain}`;

/** `nft -f` text that adds the logging tables of run tag `tag`. */
export function nftLogRulesText(tag: string): string {
  const out: string[] = [];
  for (const family of ["ip", "bridge"] as const) {
    out.push(`table ${family} ${NFT_OWN_TABLE} {`);
    for (const c of NFT_LOG_CHAINS.filter((x) => x.family === family)) {
      out.push(`\tchain ${chainName(c)} {`);
      out.push(`\t\ttype filter hook ${c.hook} priority ${c.priority}; policy accept;`);
      for (const m of NFT_MATCHES)
        out.push(`\t\t${m} log prefix ${JSON.stringify(nftLogPrefix(tag, c))} level debug`);
      out.push("\t}");
    }
    out.push("}");
  }
  return `${out.join("\n")}\n`;
}

/** `nft -f` text that marks the lab's packets for `nft monitor trace` before any other base chain sees them. */
export function nftTraceRulesText(): string {
  const out = [`table ip ${NFT_OWN_TABLE} {`];
  for (const hook of ["prerouting", "output"]) {
    out.push(`\tchain trace-${hook} {`);
    out.push(`\t\ttype filter hook ${hook} priority -301; policy accept;`);
    for (const m of NFT_MATCHES) out.push(`\t\t${m} meta nftrace set 1`);
    out.push("\t}");
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

/** A line opening a table in `nft list ruleset` text: `table <family> <name> {`. */
const TABLE_HEAD = /^table \S+ \S+ \{$/;

/**
 * The nft lab's instrumentation file for a trace: the saved ruleset `rulesetText` with the tables
 * `packetwalk capture` loaded for `mode` (run tag `tag` in LOG mode) written in where they were
 * registered: after every table of `loadedFirst` (the ruleset the capture loaded before them:
 * Docker's table and whatever else the lab's committed ruleset holds) and before any table a
 * scenario's setup adds later (the host's iptables-nft `ip filter`). nft lists tables in creation
 * order, and among base chains of equal priority the kernel runs the one registered last first, so
 * the file's order is what the simulator needs. `loadedFirst` defaults to `rulesetText` itself.
 * `suffix` names the file (`<ruleset>.instrumented-<suffix>`): the tag, or `nftrace`.
 */
export function nftInstrumentation(
  rulesetText: string,
  mode: "log" | "trace",
  tag: string,
  loadedFirst: string = rulesetText,
): { suffix: string; text: string } {
  const own = mode === "log" ? nftLogRulesText(tag) : nftTraceRulesText();
  const lines = rulesetText.replace(/\n$/, "").split("\n");
  const before = new Set(loadedFirst.split("\n").filter((l) => TABLE_HEAD.test(l)));
  // The end of the last table loaded before the capture's; with none, just before the first table.
  let at = lines.findIndex((l) => TABLE_HEAD.test(l));
  if (at < 0) at = lines.length;
  lines.forEach((l, i) => {
    if (!before.has(l)) return;
    const end = lines.findIndex((m, j) => j > i && m === "}");
    at = end < 0 ? lines.length : end + 1;
  });
  // Worded as in the files already committed, whose pins hold their bytes.
  const note = `# packetwalk capture's ${mode === "log" ? "log" : "nftrace"} tables, loaded with nft -f after Docker's`;
  const text = [...lines.slice(0, at), note, own.replace(/\n$/, ""), ...lines.slice(at)].join("\n");
  return { suffix: mode === "log" ? tag : "nftrace", text: `${text}\n` };
}
