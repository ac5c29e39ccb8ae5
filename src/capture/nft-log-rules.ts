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
import { planNftLogChains } from "../core/simulate/nft-log-tables.ts";
import { DOCKER_NFT_TABLE, dockerNftRuleset } from "./docker-nft-ruleset.ts";

/** packetwalk's own table name in the lab's Docker host namespace (one per family). */
export const NFT_OWN_TABLE = "packetwalk";

/** One logging base chain: its hook, priority, and the base chain it reports. */
export interface NftLogChain {
  family: "ip" | "bridge";
  hook: string;
  priority: number;
  /** The table and chain the log line names. */
  names: { table: string; chain: string };
  /** The named table's family when it is not `family` (an `inet` table at an IP hook). Default: `family`. */
  tableFamily?: string;
}

/**
 * Docker 29's base chains (hook, priority, name) and packetwalk's own at hooks Docker does not use, plus
 * the bridge hooks: what {@link nftLogChains} plans for Docker's ruleset (a test holds the two equal).
 */
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

const HOOK_ORDER = ["prerouting", "input", "forward", "output", "postrouting"];

/** The log prefix of one chain for run tag `tag`. */
export function nftLogPrefix(tag: string, c: NftLogChain): string {
  return `${tag}/nft/${c.tableFamily ?? c.family}/${c.names.table}/${c.names.chain}`;
}

/**
 * The log chains for the ruleset the lab loads (`rulesetText`, `nft list ruleset` or `nft -f` text),
 * planned as `packetwalk simulate` plans its own (`planNftLogChains`): one step before every base chain
 * of every table at its hook, and packetwalk's own where a hook has none. So a committed ruleset with
 * tables beyond Docker's is logged where its chains run, and capture and simulate name the same chains.
 */
export function nftLogChains(rulesetText: string): NftLogChain[] {
  // IP before bridge, in the packet's hook order, then by priority: the order the lab has always written them in.
  const at = (hook: string) => HOOK_ORDER.indexOf(hook);
  const plans = planNftLogChains(rulesetText, undefined, "ip").sort(
    (a, b) =>
      Number(a.family === "bridge") - Number(b.family === "bridge") ||
      at(a.hook) - at(b.hook) ||
      a.priority - b.priority,
  );
  return plans.map((p) => ({
    family: p.family === "bridge" ? "bridge" : "ip",
    hook: p.hook,
    priority: p.priority,
    names: { table: p.names.table, chain: p.names.chain },
    ...(p.names.family !== p.family ? { tableFamily: p.names.family } : {}),
  }));
}

// Our own chains are named after what they report, so nft monitor trace and the ruleset read plainly.
const chainName = (c: NftLogChain) => `log-${c.names.chain}`;

/**
 * `nft -f` text that adds the logging tables of run tag `tag` for the ruleset the lab loads,
 * `rulesetText` (see {@link nftLogChains}). Default: Docker 29's built-in one.
 */
export function nftLogRulesText(tag: string, rulesetText: string = dockerNftRuleset()): string {
  const out: string[] = [];
  const chains = nftLogChains(rulesetText);
  for (const family of ["ip", "bridge"] as const) {
    out.push(`table ${family} ${NFT_OWN_TABLE} {`);
    const used = new Set<string>();
    for (const c of chains.filter((x) => x.family === family)) {
      // Two tables may have chains of one name at a hook: the second gets its table's name too.
      let name = chainName(c);
      if (used.has(name)) name = `log-${c.names.table}-${c.names.chain}`;
      for (let n = 2; used.has(name); n++) name = `${chainName(c)}-${n}`;
      used.add(name);
      out.push(`\tchain ${name} {`);
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
  const own = mode === "log" ? nftLogRulesText(tag, loadedFirst) : nftTraceRulesText();
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
