/**
 * The LOG prefixes of firewall front-ends beyond ufw, firewalld and OpenWrt (see
 * `host-firewall-prefixes.ts`), read from each tool's source: the chains that may print one (the
 * line's `IN=` and `OUT=` choose among them) and the drop it announces, if it always comes right after.
 *
 * - Shorewall: `Shorewall:<chain>:<disposition>:` (its LOGFORMAT before 5.1, kept on upgrades) and
 *   `<chain> <disposition> ` (5.1's sample `LOGFORMAT="%s %s "`); zone-pair chains (`net2fw`,
 *   `loc-net`, decorated `@net2fw`, `~blacklist`) hang off INPUT, FORWARD or OUTPUT; `<zone>_dnat`
 *   is in nat PREROUTING, `rplog` in mangle PREROUTING, `OUTPUT:DNAT` in nat OUTPUT.
 * - ConfigServer Firewall (csf): `Firewall: *TCP_IN Blocked* ` and friends, INPUT or OUTPUT only.
 * - FireHOL: `[<ACTION> UNMATCHED ]IN-<name>:` (INPUT), `OUT-` (OUTPUT), `PASS-` (FORWARD), quoted
 *   in 1.x (`'IN-internet':`), and its catch-all `IN-unknown:`, `OUT-unknown:`, `PASS-unknown:` for
 *   traffic no interface or router statement took, with the user's FIREHOL_LOG_PREFIX in front
 *   (`[firehol]PASS-unknown:`); `BLOCKED ...:` and `BLACKLIST-IN:` hang off an interface (INPUT) or a
 *   router (FORWARD).
 * - foomuuri (nftables) writes Shorewall 5's `<zone>-<zone> DROP` and `OUTPUT REJECT` forms: they are
 *   placed at the filter hook the line's devices allow, the drop announced by either tool.
 * - APF: `** IN_TCP DROP ** `; Arno's iptables firewall: `AIF:<text>: `; NixOS: `refused connection: `.
 * - Guides' prefixes: `[INPUT] `, `[FILTER_INPUT] `, `[filter-forward]`, `[NAT_PREROUTING] `, `IPTables-Dropped: `.
 * - Routers: DD-WRT's, Tomato's and Asuswrt's `logdrop`/`logaccept` chains (filter, off INPUT and
 *   FORWARD) write `DROP ` and `ACCEPT ` before their verdict, as psad's setup and many guides do; VyOS 1.4+ writes
 *   `[<ipv4|ipv6|bri>-<FWD|INP|OUT|PRE|NAM>-<ruleset>-<rule|default>-<A|D|R|...>]` (a named ruleset's
 *   hook is the devices'), and `[DST-NAT-<n>]`/`[SRC-NAT-<n>]` in its nat chains; EdgeOS, VyOS 1.3 and
 *   UniFi write `[<NAME>_<IN|LOCAL|OUT>-<rule|default|RET>-<A|D|R|n>]`, IN and OUT rulesets on forwarded
 *   traffic, LOCAL on the router's own; UniFi Network 9 writes zone pairs `[<FROM>_<TO>-<A|D|R>-<rule>]` and
 *   EdgeOS's zone policies `[<from>-<to>-<rule|default>-<A|D|R>]`.
 * - Calico's Log action: `calico-packet: `, in the filter chains of workloads and host endpoints.
 * - kube-router's network policies (k3s's default): `DROP by policy <namespace>/<policy>`, logged in a
 *   pod's firewall chain (off FORWARD, INPUT and OUTPUT) before it rejects the packet.
 * - IPFire: its rule chains `INPUTFW`, `FORWARDFW` and `OUTGOINGFW` log with their own name; its policies
 *   `DROP_INPUT`, `DROP_FORWARD`, `DROP_OUTPUT`, and its protections `DROP_CTINVALID`, `DROP_SPOOF`,
 *   `DROP_NEWNOTSYN`, `DROP_HOSTILE` and `DROP_<TCP|UDP|ICMP|FRAG> Scan`, log right before their drop.
 * - AFWall+ (Android): `{AFL}` in its reject chain; Firewall Builder: `RULE <n> -- <action>`.
 * - A bare built-in chain name (`INPUT`, `FORWARD:`), as guides write it: that filter chain.
 * - Firestarter: `Inbound ` (its LSI chain, then DROP), `Outbound ` (LSO, then REJECT) and the catch-alls
 *   `Unknown Input`, `Unknown Output`, `Unknown Forward` at the end of those filter chains.
 * - SuSEfirewall2: `SFW2-<IN|OUT|FWD><zone>-<what>` (`SFW2-INext-DROP-DEFLT`, `SFW2-FWDint-ACC-TCP`,
 *   `SFW2-OUT-ERROR`), in INPUT, OUTPUT or FORWARD; a DROP or REJECT in the name is the verdict after it.
 */
import type { HookId } from "../model/hook.ts";
import type { LoggedDrop } from "../model/packet.ts";

/** What a tool's prefix says: the chains that may print it, and the drop it announces (if any). */
export interface ToolPrefix {
  /** The chains that may print it; the line's devices choose the one (see `chainFitsDevices`). */
  hooks: readonly HookId[];
  /** The drop or reject the tool does right after the line, when it always does. Default: none. */
  drop?: LoggedDrop;
}

const INPUT: readonly HookId[] = ["ip:filter:INPUT"];
const OUTPUT: readonly HookId[] = ["ip:filter:OUTPUT"];
const FORWARD: readonly HookId[] = ["ip:filter:FORWARD"];
const IN_OUT: readonly HookId[] = ["ip:filter:INPUT", "ip:filter:OUTPUT"];
const IN_FWD: readonly HookId[] = ["ip:filter:INPUT", "ip:filter:FORWARD"];
const FWD_OUT: readonly HookId[] = ["ip:filter:FORWARD", "ip:filter:OUTPUT"];
const FILTER: readonly HookId[] = ["ip:filter:INPUT", "ip:filter:FORWARD", "ip:filter:OUTPUT"];

const TABLES = new Set(["raw", "mangle", "nat", "filter", "security"]);
const CHAINS = new Set(["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]);

/** The drop a disposition or action word names, by `by`; undefined for any other word. */
function dropOf(word: string | undefined, by: string): LoggedDrop | undefined {
  const w = word?.toUpperCase().replace(/^A_/, "");
  return w === "DROP" || w === "REJECT" ? { verdict: w, by } : undefined;
}

/** A Shorewall chain's hooks (see the module comment). */
function shorewallHooks(chain: string, disposition: string): readonly HookId[] {
  if (chain === "OUTPUT" && /^(DNAT|REDIRECT)/.test(disposition)) return ["ip:nat:OUTPUT"];
  if (chain === "INPUT") return INPUT;
  if (chain === "FORWARD") return FORWARD;
  if (chain === "OUTPUT") return OUTPUT;
  if (chain.endsWith("_dnat")) return ["ip:nat:PREROUTING", "ip:nat:OUTPUT"];
  if (chain === "rplog") return ["ip:mangle:PREROUTING"];
  if (/_(mac|rec)$/.test(chain)) return IN_FWD;
  return FILTER;
}

/** Firestarter's prefixes (trimmed), each logged right before a drop or reject (see {@link toolPrefix}). */
export const FIRESTARTER_DROPS: ReadonlySet<string> = new Set([
  "Inbound",
  "Outbound",
  "Unknown Input",
  "Unknown Output",
  "Unknown Forward",
]);
/** Firestarter's catch-all at the end of INPUT, OUTPUT and FORWARD (`--log-prefix "Unknown Input"`). */
const FIRESTARTER_UNKNOWN = /^Unknown (Input|Output|Forward)$/;
const SHOREWALL = /^Shorewall:([^:\s]+):([A-Za-z_]*)(?::.*)?$/;
/** Shorewall 5.1's `net-fw DROP`: a zone pair (or a built-in chain) and an upper-case disposition. */
const SHOREWALL_5 = /^([A-Za-z0-9]+[-2][A-Za-z0-9]+|INPUT|FORWARD|OUTPUT) (A_)?(ACCEPT|DROP|REJECT)$/;
const CSF = /^Firewall: \*([^*]+)\*$/;
/**
 * FireHOL's unmatched traffic: `DROP UNMATCHED IN-wan:` (since 2017), or 1.x's quoted `'IN-internet':`.
 * A bare `IN-wan:` is left to a prefix map: people write such prefixes for chains of their own.
 */
const FIREHOL_UNMATCHED =
  /^(?:.*?\s)??(?:(DROP|REJECT|ACCEPT|RETURN) UNMATCHED (IN|OUT|PASS)-[^\s:']+:|'(IN|OUT|PASS)-[^\s:']+'?:'?)$/;
/** FireHOL's catch-all for traffic no statement took (its own word `unknown`), any FIREHOL_LOG_PREFIX before it. */
const FIREHOL_UNKNOWN = /^(?:.*[\s\]:])?(IN|OUT|PASS)-unknown:$/;
/** FireHOL's protections, by their own words (`BLOCKED SYN FLOOD:`), not any `BLOCKED ...:`. */
const FIREHOL_BLOCKED =
  /^(?:.*\s)?BLOCKED (?:NEW TCP w\/o SYN|SYN FLOOD|ICMP FLOOD|ALL FLOOD|MALFORMED (?:XMAS|NULL|BAD)|CLIENT CONNECTION RATE REACHED|MAC MISSMATCH)[^:]*:$/;
const FIREHOL_BLACKLIST = /^(?:.*\s)?BLACKLIST-(IN|OUT):$/;
const APF = /^\*\* (.+) \*\*$/;
const AIF = /^AIF:(.+):$/;
const NIXOS = /^refused (connection|packet|broadcast|multicast):$/;
/** kube-router's NFLOG prefix for a packet its network policies refuse. */
const KUBE_ROUTER = /^DROP by policy \S+\/\S+$/;
/** SuSEfirewall2's prefixes: the chain's direction, its zone, then what it does. */
const SUSEFIREWALL = /^SFW2-(IN|OUT|FWD)[A-Za-z0-9]*-(\S+)$/;
/** VyOS 1.4+: family, hook, ruleset, rule, action (see the module comment). */
const VYOS = /^\[(ipv4|ipv6|bri)-(FWD|INP|OUT|PRE|NAM)-[A-Za-z0-9_.-]+?-(?:\d+|default)-([A-Z])\]$/;
const VYOS_NAT = /^\[(DST|SRC)-NAT(?:66)?-\d+\]$/;
/** EdgeOS, VyOS 1.3, UniFi: `[WAN_IN-10-A]`, `[WAN_LOCAL-default-D]`, `[LAN_LOCAL-RET-2147483647]`. */
const EDGEOS = /^\[[A-Za-z0-9_]+_(IN|LOCAL|OUT)((?:-[A-Za-z0-9]+)+)\]$/;

/**
 * UniFi Network 9's zone pairs, `[<FROM>_<TO>-<A|D|R>-<rule>]` (`[LAN_CUSTOM3-A-10000]`, `[WAN_LAN-A-10001]`),
 * and EdgeOS's zone policies, `[<from>-<to>-<rule|default>-<A|D|R>]` (`[wan-lan-default-D]`): the
 * router's own zone is LOCAL (`local`), as the packet's destination (INPUT) or source (OUTPUT).
 */
const UNIFI_ZONES = /^\[([A-Z][A-Z0-9]*)_([A-Z][A-Z0-9]*)-([ADR])-\d+\]$/;
const EDGEOS_ZONES = /^\[([a-z][a-z0-9_]*)-([a-z][a-z0-9_]*)-(?:default|\d+)-([ADR])\]$/;
const IPFIRE_CHAIN = /^(INPUT|FORWARD|OUTGOING)FW$/;
const IPFIRE_DROP =
  /^DROP_(INPUT|FORWARD|OUTPUT|CTINVALID|SPOOF|NEWNOTSYN|HOSTILE|(?:TCP|UDP|ICMP|FRAG) Scan)$/;
const FWBUILDER = /^RULE \d+ -- ([A-Z]+)$/;
const BARE_CHAIN = /^(INPUT|FORWARD|OUTPUT):?$/;
const BRACKETED =
  /^\[(?:(RAW|MANGLE|NAT|FILTER|SECURITY)[_-])?(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)\]$/i;

/** What a trimmed prefix says as one of the tools' (see the module comment), or undefined. */
export function toolPrefix(prefix: string): ToolPrefix | undefined {
  // A LOG prefix is at most 29 characters: a longer text is no tool's, and its patterns stay cheap.
  if (prefix.length > 128) return undefined;
  const sw = SHOREWALL.exec(prefix);
  if (sw) {
    const [, chain, disposition] = sw as unknown as [string, string, string];
    // LOGALLNEW's debug rules name the table and the chain: `Shorewall:nat:PREROUTING:`.
    if (TABLES.has(chain) && CHAINS.has(disposition)) return { hooks: [`ip:${chain}:${disposition}`] };
    const drop = dropOf(disposition, "Shorewall");
    return { hooks: shorewallHooks(chain, disposition), ...(drop ? { drop } : {}) };
  }
  const sw5 = SHOREWALL_5.exec(prefix);
  if (sw5) {
    // foomuuri (nftables) writes the same `<zone>-<zone> DROP` and `OUTPUT REJECT` forms.
    const drop = dropOf(sw5[3], "Shorewall or foomuuri");
    return { hooks: shorewallHooks(sw5[1] as string, sw5[3] as string), ...(drop ? { drop } : {}) };
  }
  const csf = CSF.exec(prefix);
  if (csf) {
    const what = csf[1] as string;
    // Its LOGDROPIN and LOGDROPOUT chains end in DROP, or in REJECT when csf.conf says so.
    const drop: LoggedDrop = { verdict: "DROP or REJECT", by: "csf" };
    if (/^(?:INVALID|INV_)/.test(what)) return { hooks: IN_OUT, drop };
    return { hooks: /(?:_|6)OUT\b|^UDPFLOOD/.test(what) ? OUTPUT : INPUT, drop };
  }
  const fh = FIREHOL_UNMATCHED.exec(prefix);
  if (fh) {
    const drop = dropOf(fh[1], "FireHOL");
    const where = fh[2] ?? fh[3];
    return { hooks: where === "IN" ? INPUT : where === "OUT" ? OUTPUT : FORWARD, ...(drop ? { drop } : {}) };
  }
  const unknown = FIREHOL_UNKNOWN.exec(prefix);
  if (unknown) return { hooks: unknown[1] === "IN" ? INPUT : unknown[1] === "OUT" ? OUTPUT : FORWARD };
  if (FIREHOL_BLOCKED.test(prefix)) return { hooks: IN_FWD, drop: { verdict: "DROP", by: "FireHOL" } };
  const blacklist = FIREHOL_BLACKLIST.exec(prefix);
  if (blacklist) return { hooks: blacklist[1] === "IN" ? IN_FWD : FWD_OUT };
  const apf = APF.exec(prefix);
  if (apf) {
    const what = apf[1] as string;
    const hooks = what.startsWith("IN_") ? INPUT : what.startsWith("OUT_") ? OUTPUT : IN_OUT;
    return { hooks, ...(/\bDROP\b/.test(what) ? { drop: { verdict: "DROP", by: "APF" } } : {}) };
  }
  const aif = AIF.exec(prefix);
  if (aif) {
    const denied = /denied|Dropped|Rejected|Blocked/i.test(aif[1] as string);
    return { hooks: FILTER, ...(denied ? { drop: { verdict: "DROP or REJECT", by: "AIF" } } : {}) };
  }
  if (NIXOS.test(prefix)) return { hooks: INPUT, drop: { verdict: "DROP or REJECT", by: "NixOS" } };
  const bracketed = BRACKETED.exec(prefix);
  if (bracketed)
    return { hooks: [`ip:${(bracketed[1] ?? "filter").toLowerCase()}:${bracketed[2]?.toUpperCase()}`] };
  // Routers' logdrop and logaccept chains.
  // A rule named for what follows it: routers' logdrop chains, psad's setup, many guides (IPv6 too).
  if (prefix === "DROP" || prefix === "DROP:")
    return {
      hooks: FILTER,
      drop: {
        verdict: "DROP",
        by: "a LOG rule named so (DD-WRT's, Tomato's and Asuswrt's logdrop chains, psad's setup)",
      },
    };
  // Tomato's and Asuswrt's logreject chain: a reset follows for TCP alone, so no drop is announced.
  if (prefix === "ACCEPT" || prefix === "REJECT") return { hooks: FILTER };
  const bare = BARE_CHAIN.exec(prefix);
  if (bare) return { hooks: [`ip:filter:${bare[1]}` as HookId] };
  const ipfire = IPFIRE_CHAIN.exec(prefix);
  if (ipfire) return { hooks: ipfire[1] === "INPUT" ? INPUT : ipfire[1] === "FORWARD" ? FORWARD : OUTPUT };
  const ipfireDrop = IPFIRE_DROP.exec(prefix);
  if (ipfireDrop) {
    const at = ipfireDrop[1];
    return {
      hooks: at === "INPUT" ? INPUT : at === "FORWARD" ? FORWARD : at === "OUTPUT" ? OUTPUT : FILTER,
      drop: { verdict: "DROP", by: "IPFire" },
    };
  }
  if (prefix === "{AFL}") return { hooks: FILTER, drop: { verdict: "REJECT", by: "AFWall+" } };
  // Firestarter: its LSI chain (off INPUT, and FORWARD for a forwarded port) drops after `Inbound `,
  // its LSO chain (off OUTPUT and FORWARD) rejects after `Outbound `; the catch-alls end the filter
  // chains, whose policy it sets to DROP.
  if (prefix === "Inbound") return { hooks: IN_FWD, drop: { verdict: "DROP", by: "Firestarter" } };
  if (prefix === "Outbound") return { hooks: FWD_OUT, drop: { verdict: "REJECT", by: "Firestarter" } };
  const firestarter = FIRESTARTER_UNKNOWN.exec(prefix);
  if (firestarter)
    return {
      hooks: firestarter[1] === "Input" ? INPUT : firestarter[1] === "Output" ? OUTPUT : FORWARD,
      drop: { verdict: "DROP", by: "Firestarter" },
    };
  const fwb = FWBUILDER.exec(prefix);
  if (fwb) {
    const drop = dropOf(fwb[1] === "DENY" ? "DROP" : fwb[1], "Firewall Builder");
    return { hooks: FILTER, ...(drop ? { drop } : {}) };
  }
  if (prefix === "calico-packet:") return { hooks: FILTER };
  if (KUBE_ROUTER.test(prefix))
    return { hooks: FILTER, drop: { verdict: "DROP or REJECT", by: "kube-router" } };
  const sfw = SUSEFIREWALL.exec(prefix);
  if (sfw) {
    const verdict = /(?:^|-)DROP(?:-|$)/.test(sfw[2] as string)
      ? "DROP"
      : /(?:^|-)REJ(?:ECT)?(?:-|$)/.test(sfw[2] as string)
        ? "REJECT"
        : undefined;
    return {
      hooks: sfw[1] === "IN" ? INPUT : sfw[1] === "OUT" ? OUTPUT : FORWARD,
      ...(verdict ? { drop: { verdict, by: "SuSEfirewall2" } } : {}),
    };
  }
  const vyos = VYOS.exec(prefix);
  if (vyos) {
    const family = vyos[1] === "bri" ? "bridge" : vyos[1] === "ipv6" ? "ip6" : "ip";
    const at = vyos[2] as string;
    const chains =
      at === "NAM"
        ? ["INPUT", "FORWARD", "OUTPUT"]
        : [at === "FWD" ? "FORWARD" : at === "INP" ? "INPUT" : at === "OUT" ? "OUTPUT" : "PREROUTING"];
    const drop = vyos[3] === "D" ? "DROP" : vyos[3] === "R" ? "REJECT" : undefined;
    return {
      hooks: chains.map((c) => `${family}:filter:${c}` as HookId),
      ...(drop ? { drop: { verdict: drop, by: "VyOS" } } : {}),
    };
  }
  const nat = VYOS_NAT.exec(prefix);
  if (nat) return { hooks: [nat[1] === "DST" ? "ip:nat:PREROUTING" : "ip:nat:POSTROUTING"] };
  const edge = EDGEOS.exec(prefix);
  if (edge) {
    const parts = (edge[2] as string).split("-");
    const drop = parts.includes("D") ? "DROP" : parts.includes("R") ? "REJECT" : undefined;
    return {
      hooks: edge[1] === "LOCAL" ? INPUT : FORWARD,
      ...(drop ? { drop: { verdict: drop, by: "EdgeOS, VyOS 1.3 or UniFi" } } : {}),
    };
  }
  const zones = UNIFI_ZONES.exec(prefix) ?? EDGEOS_ZONES.exec(prefix);
  if (zones) {
    const [from, to] = [(zones[1] as string).toUpperCase(), (zones[2] as string).toUpperCase()];
    const drop = zones[3] === "D" ? "DROP" : zones[3] === "R" ? "REJECT" : undefined;
    return {
      hooks: to === "LOCAL" ? INPUT : from === "LOCAL" ? OUTPUT : FORWARD,
      ...(drop ? { drop: { verdict: drop, by: zones[1] === from ? "UniFi" : "EdgeOS" } } : {}),
    };
  }
  if (prefix === "IPTables-Dropped:")
    return { hooks: FILTER, drop: { verdict: "DROP", by: "the LOGGING chain of a common guide" } };
  return undefined;
}
