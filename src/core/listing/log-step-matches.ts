/**
 * Which rules matched at each step of a LOG packet that comes with no lab: every logged hook's
 * chain is run by the simulator's own rule engine ({@link runChain}) on the packet as its line
 * shows it. What a line does not say is never guessed: the conntrack state comes from the flow
 * (a reply, or a request after one, is ESTABLISHED; a connection's opening packet, or any packet
 * a nat chain logged, NEW; in a chain before conntrack, at raw priority, no connection yet: INVALID;
 * after a notrack an earlier chain took, UNTRACKED; a packet of a flow whose earlier packets were
 * all left untracked finds no connection: see {@link noEntryState}), a local address from the hooks that saw it, a bridge port's bridge from
 * the lines that name both; a rule that needs a fact still unknown is undecided (`UNKNOWN`), as the
 * simulator marks unmodelled matches. A step whose run contradicts the log (a drop before a later
 * hook, or its own LOG rule not firing) gets no marks at all.
 */

import { splitHookId } from "../model/hook.ts";
import { isGroupMac } from "../model/mac-address.ts";
import type { MatchedRule, Packet, TraceEvent } from "../model/packet.ts";
import { optionMss } from "../parse/tcp-option-mss.ts";
import { isIcmpError, tcpLooseOf } from "../simulate/conntrack.ts";
import { CT_ENTRY_KEYS } from "../simulate/ct-break.ts";
import { CT_STATUS_NAT } from "../simulate/ct-status.ts";
import { CONNTRACK_PRIORITY, IP_HOOK_TABLES } from "../simulate/hook-order.ts";
import { canonicalAddress } from "../simulate/ip-address.ts";
import type { MatchContext } from "../simulate/match-rule.ts";
import { type ChainRun, runChain } from "../simulate/rule-engine.ts";
import type { ChainDef, Condition, PktType, Rule, Ruleset, TableDef } from "../simulate/ruleset.ts";
import type { CtState, SimPacket } from "../simulate/sim-packet.ts";
import type { HookEvent } from "../simulate/simulate-packet.ts";
import { matchedRules } from "../simulate/to-kernel-log.ts";

/** What the whole log says about the host, for facts one line does not print. */
export interface LogFacts {
  /** Addresses seen delivered to the host (DST at INPUT) or sent by it (SRC at OUTPUT). */
  local: Set<string>;
  /** Addresses the host routed on (DST at FORWARD): not its own. */
  routed: Set<string>;
  /** Bridge port -> bridge, from lines that print both (`IN=docker0 PHYSIN=veth1`). */
  bridgeOf: Map<string, string>;
}

/** Collects {@link LogFacts} from `packets` (the whole parse: facts from any packet help every other). */
export function logFacts(packets: readonly Packet[]): LogFacts {
  const facts: LogFacts = { local: new Set(), routed: new Set(), bridgeOf: new Map() };
  for (const p of packets) {
    for (const e of p.events) {
      const chain = splitHookId(e.hook)?.chain.toUpperCase() ?? "";
      const family = splitHookId(e.hook)?.family;
      const ipFamily = family === "ip" || family === "ip6";
      if (e.ip && ipFamily) {
        // IPv6 addresses in short form, as the simulator's packets carry them.
        const src = canonicalAddress(e.ip.src);
        const dst = canonicalAddress(e.ip.dst);
        if (chain.endsWith("INPUT")) facts.local.add(dst);
        if (chain.endsWith("OUTPUT")) facts.local.add(src);
        if (chain.endsWith("FORWARD")) facts.routed.add(dst);
        // Sent out of a real interface, or received on one: not the host's own address.
        if (chain.endsWith("POSTROUTING") && e.out && e.out !== "lo") facts.routed.add(dst);
      }
      if (ipFamily && e.in && e.physIn) facts.bridgeOf.set(e.physIn, e.in);
      if (ipFamily && e.out && e.physOut) facts.bridgeOf.set(e.physOut, e.out);
    }
  }
  for (const a of facts.local) facts.routed.delete(a);
  return facts;
}

/**
 * The packet's conntrack state, from its flow's earlier packets; undefined when the log cannot tell.
 * An ICMP error the parser put in the flow of the packet it quotes is RELATED once the flow's first
 * packet opened a connection (kernel 6.18: the port unreachable answering a tracked echo request or
 * UDP datagram met `ct state related`).
 */
export function flowState(packet: Packet, earlier: readonly Packet[]): CtState | undefined {
  const flow = earlier.filter((p) => p.flow === packet.flow && p.id < packet.id);
  if (isIcmpErrorPacket(packet)) {
    const first = flow[0];
    return first && flowState(first, earlier) === "NEW" ? "RELATED" : undefined;
  }
  if (packet.direction === "reply") return "ESTABLISHED";
  if (flow.some((p) => p.direction === "reply")) return "ESTABLISHED";
  // No answer yet: still NEW, if the flow's first packet is one that opens a connection.
  const first = flow[0] ?? packet;
  const l4 = firstL4(first);
  if (!l4) return undefined;
  if (l4.proto === "tcp")
    return l4.tcpFlags?.includes("SYN") && !l4.tcpFlags.includes("ACK") ? "NEW" : undefined;
  if (l4.proto === "icmp") return l4.icmpType === 8 ? "NEW" : undefined;
  if (l4.proto === "icmpv6") return l4.icmpType === 128 ? "NEW" : undefined;
  if (l4.proto === "udp") return "NEW";
  return undefined;
}

/** Whether the packet's lines print an ICMP error (which conntrack relates to the packet it quotes). */
function isIcmpErrorPacket(packet: Packet): boolean {
  const l4 = firstL4(packet);
  return l4 !== undefined && isIcmpError(l4);
}

/** The first layer-4 header a packet's lines print (an ebtables line may give the protocol only). */
function firstL4(packet: Packet): TraceEvent["l4"] {
  return packet.events.find((e) => e.l4?.tcpFlags || e.l4?.icmpType !== undefined || e.l4?.sport)?.l4;
}

/**
 * The state conntrack gives `packet` when it finds no connection for it, as kernel 6.18 did for the
 * replies to a request a raw-priority notrack left untracked (see test/unit/listing/notrack-reply.test.ts):
 * an echo request, a SYN, a bare ACK when `tcpLoose` (picked up mid-stream, nf_conntrack_tcp_loose 1,
 * the default; with 0 it is INVALID) and any UDP datagram open a connection (NEW); an echo reply, a
 * SYN/ACK, a FIN, an RST and an ICMP error (its quoted packet has no connection) are INVALID.
 * Undefined for what the log cannot tell (another ICMP type, a protocol conntrack tracks otherwise).
 */
export function noEntryState(packet: Packet, tcpLoose = true): CtState | undefined {
  const l4 = firstL4(packet);
  if (!l4) return undefined;
  // Kernel 6.18: a port unreachable quoting an untracked UDP datagram or echo request met `ct state invalid`.
  if (isIcmpError(l4)) return "INVALID";
  // Other ICMP types (timestamps, ...) were not checked: the log cannot tell.
  if (l4.proto === "icmp") return l4.icmpType === 8 ? "NEW" : l4.icmpType === 0 ? "INVALID" : undefined;
  if (l4.proto === "icmpv6") return l4.icmpType === 128 ? "NEW" : l4.icmpType === 129 ? "INVALID" : undefined;
  if (l4.proto === "udp") return "NEW";
  if (l4.proto !== "tcp" || !l4.tcpFlags) return undefined;
  const f = l4.tcpFlags;
  if (f.includes("RST") || f.includes("FIN")) return "INVALID";
  if (f.includes("SYN")) return f.includes("ACK") ? "INVALID" : "NEW";
  return f.includes("ACK") && tcpLoose ? "NEW" : "INVALID";
}

/**
 * The state of `packet` when its flow's first packet was left untracked (`untracked(q)` tells, for an
 * earlier packet of the flow, whether it was; undefined when the log cannot tell): the earlier packets
 * conntrack did see are replayed, the first of them finding no connection ({@link noEntryState}) and
 * opening one in its own direction when NEW. `"tracked"`: the flow's first packet was tracked, the
 * usual {@link flowState} holds; undefined: the log cannot tell.
 */
function stateAfterNotrack(
  packet: Packet,
  packets: readonly Packet[],
  untracked: (q: Packet) => boolean | undefined,
  tcpLoose: boolean,
): CtState | "tracked" | undefined {
  const flow = packets.filter((p) => p.flow === packet.flow && p.id < packet.id);
  const first = flow[0];
  if (!first) return "tracked";
  const firstUntracked = untracked(first);
  if (firstUntracked === false) return "tracked";
  if (firstUntracked === undefined) return undefined;
  // The direction of the packet that opened a connection, and whether the other direction was seen since.
  let opened: Packet["direction"] | undefined;
  let replied = false;
  for (const q of flow.slice(1)) {
    const u = untracked(q);
    if (u === undefined) return undefined;
    if (u) continue;
    if (opened === undefined) {
      const state = noEntryState(q, tcpLoose);
      if (state === undefined) return undefined;
      if (state === "NEW") opened = q.direction;
    } else if (q.direction !== opened) replied = true;
  }
  if (opened === undefined) return noEntryState(packet, tcpLoose);
  // An ICMP error quotes a packet of the flow, whose tuple finds the connection opened since.
  if (isIcmpErrorPacket(packet)) return "RELATED";
  return packet.direction === opened && !replied ? "NEW" : "ESTABLISHED";
}

/** The table and chain a hook id names in `ruleset`: an iptables/ebtables table, or an nftables one by name and family. */
export function chainOf(
  ruleset: Ruleset,
  hook: string,
): { table: TableDef; chain: ChainDef; nft: boolean } | undefined {
  const parts = splitHookId(hook);
  if (!parts || parts.family === "arp") return undefined;
  const xtFamily = parts.family === "ip" ? ruleset.ip : parts.family === "ip6" ? ruleset.ip6 : ruleset.bridge;
  const xt = xtFamily?.tables.get(parts.table);
  const xtChain = xt?.chains.get(parts.chain);
  if (xt && xtChain) return { table: xt, chain: xtChain, nft: false };
  const families = parts.family === "bridge" ? ["bridge"] : [parts.family, "inet"];
  for (const table of ruleset.nft ?? []) {
    if (table.name !== parts.table || !families.includes(table.family ?? "")) continue;
    const chain =
      table.chains.get(parts.chain) ??
      [...table.chains.values()].find((c) => c.name.toLowerCase() === parts.chain.toLowerCase());
    if (chain) return { table, chain, nft: true };
  }
  return undefined;
}

function isNatChain(table: TableDef, chain: ChainDef, nft: boolean): boolean {
  return nft ? chain.base?.type === "nat" : table.name === "nat";
}

function simPacket(e: TraceEvent): SimPacket | undefined {
  const proto = e.l4?.proto;
  if (!e.ip || (proto !== "icmp" && proto !== "icmpv6" && proto !== "tcp" && proto !== "udp"))
    return undefined;
  const v6 = e.ip.src.includes(":");
  return {
    ...(v6 ? { v6 } : {}),
    src: canonicalAddress(e.ip.src),
    dst: canonicalAddress(e.ip.dst),
    proto,
    sport: e.l4?.sport,
    dport: e.l4?.dport,
    icmpType: e.l4?.icmpType,
    icmpCode: e.l4?.icmpCode,
    tcpFlags: e.l4?.tcpFlags,
    ...mssOf(e.l4?.tcpOptions),
    ttl: e.ip.ttl ?? 64,
    id: e.ip.id ?? 0,
    len: e.ip.len ?? 0,
    ipFlags: e.ip.flags ?? [],
    // LOG prints MARK= only when it is not zero.
    mark: e.mark ? Number.parseInt(e.mark, 16) >>> 0 : 0,
    // LOG prints the TOS byte in two parts (IPv4) or whole (IPv6 TC=); only its lowest bit is never printed.
    tos: v6 ? (e.ip.tc ?? 0) : (e.ip.tos ?? 0) | (e.ip.prec ?? 0),
    macSrc: e.macSrc,
    macDst: e.macDst,
  };
}

/** What one step knows: the rule engine's context, and which facts it lacks. */
interface StepKnowledge {
  ctx: MatchContext;
  /** Conditions that would need a missing fact. */
  undecided(c: Condition): boolean;
  /**
   * Conditions that read the packet's connection entry (its tuple, mark, zone or master) when the step's state
   * says it has one: no LOG line gives them, so every run leaves them undecided (the listing's packet
   * carries no entry, on which nft_ct would break the rule instead); so is a length no line gave.
   */
  needsEntry(c: Condition): boolean;
}

/** Facts the log does not give, taken as true for one trial run. */
interface Assumption {
  state?: CtState;
  /** Addresses taken to be the host's own (`LOCAL`) or not (`UNICAST`). */
  addr?: Map<string, "LOCAL" | "UNICAST">;
}

function knowledge(
  e: TraceEvent,
  family: "ip" | "bridge",
  known: CtState | undefined,
  dnat: boolean,
  facts: LogFacts,
  assume: Assumption = {},
): StepKnowledge {
  const state = known ?? assume.state;
  const addrType = (given: string): string => {
    const addr = given ? canonicalAddress(given) : given;
    const assumed = assume.addr?.get(addr);
    if (assumed) return assumed;
    if (facts.local.has(addr)) return "LOCAL";
    if (addr === "255.255.255.255") return "BROADCAST";
    if (addr.includes(":")) return /^ff/i.test(addr) ? "MULTICAST" : facts.routed.has(addr) ? "UNICAST" : "";
    const first = Number(addr.split(".")[0]);
    if (first >= 224 && first < 240) return "MULTICAST";
    if (facts.routed.has(addr)) return "UNICAST";
    return "";
  };
  const chain = splitHookId(e.hook)?.chain.toUpperCase() ?? "";
  // No Ethernet header at the host's own output, after routing, or on lo (see MatchContext.noFrame).
  const noFrame =
    family === "ip" && (!e.in || e.in === "lo" || chain.endsWith("OUTPUT") || chain.endsWith("POSTROUTING"));
  const pktType = logPktType(e, family, chain);
  const logicalIn = family === "bridge" && e.in ? facts.bridgeOf.get(e.in) : undefined;
  const logicalOut = family === "bridge" && e.out ? facts.bridgeOf.get(e.out) : undefined;
  const ctx: MatchContext = {
    in: e.in,
    out: e.out,
    physIn: e.physIn,
    physOut: e.physOut,
    bridged: family === "ip" && (e.physIn !== undefined || e.physOut !== undefined),
    logicalIn,
    logicalOut,
    ethType: e.ethType ?? (e.ip?.src.includes(":") ? "0x86dd" : "0x0800"),
    ctState: state,
    ctNat: state ? { snat: false, dnat } : undefined,
    addrType,
    ...(pktType ? { pktType } : {}),
    noFrame,
  };
  // A length match on a line that prints no length (an ebtables line): no run can know it.
  const lengthUnknown = (c: Condition): boolean =>
    e.ip?.len === undefined &&
    (c.kind === "length" ||
      (c.kind === "nft-set" && (c.concat ?? [c.key]).some((k) => k.endsWith(" length"))));
  // A SYN carries an MSS option, which the line shows only with --log-tcp-options (`OPT (...)`): no run can know it.
  const mssUnknown = (c: Condition): boolean =>
    c.kind === "tcpmss" && e.l4?.tcpOptions === undefined && (e.l4?.tcpFlags ?? []).includes("SYN");
  // Only an expected connection (its first packet RELATED, then ESTABLISHED) has a master, which no line shows.
  const masterUnknown = (c: Condition): boolean =>
    c.kind === "helper-master" && state !== "NEW" && state !== "INVALID" && state !== "UNTRACKED";
  const undecided = (c: Condition): boolean => {
    switch (c.kind) {
      case "ctstate":
        return state === undefined;
      // Whether NAT changed the connection is in the trace's rewrites; its other status bits are not.
      case "ctstatus":
        return readsEntry(c) || state === undefined;
      case "ct-tuple":
      case "ctproto":
      case "ctdir":
      case "ctmark":
      case "flow-offloads":
        // The connection's first packet, its mark, the direction and whether it is established are not in a LOG line.
        return true;
      case "helper-master":
        return masterUnknown(c);
      case "logical-in":
        return logicalIn === undefined;
      case "logical-out":
        return logicalOut === undefined;
      case "addrtype":
        // Limited to one interface: which addresses that interface holds is not in the log.
        return (
          c.iface !== undefined || addrType(c.which === "src" ? (e.ip?.src ?? "") : (e.ip?.dst ?? "")) === ""
        );
      case "mac-src":
        return !noFrame && e.macSrc === undefined;
      case "mac-dst":
        return !noFrame && e.macDst === undefined;
      case "pkttype":
        return pktType === undefined;
      case "tos":
        // The lowest bit of the TOS byte is not in an IPv4 LOG line.
        return !e.ip?.src.includes(":") && (c.mask & 1) === 1;
      case "length":
        return lengthUnknown(c);
      case "tcpmss":
        return mssUnknown(c);
      case "nft-set": {
        const keys = c.concat ?? [c.key];
        if (keys.includes("ct state")) return state === undefined;
        // The connection's mark, zone and tuple's addresses (`ct original ip saddr . ct original ip daddr`)
        // are not in a LOG line, as for `ct-tuple` and `ctmark` above.
        if (readsEntry(c)) return true;
        if (keys.includes("fib daddr type")) return addrType(e.ip?.dst ?? "") === "";
        if (keys.some((k) => k.startsWith("fib ") && k.includes(" . "))) return true;
        if (keys.includes("meta pkttype")) return pktType === undefined;
        if (lengthUnknown(c)) return true;
        if (keys.includes("ether saddr") && !noFrame && e.macSrc === undefined) return true;
        return keys.includes("ether daddr") && !noFrame && e.macDst === undefined;
      }
      default:
        return false;
    }
  };
  const tracked = state === "NEW" || state === "ESTABLISHED" || state === "RELATED";
  return {
    ctx,
    undecided,
    needsEntry: (c) => (tracked && readsEntry(c)) || lengthUnknown(c) || mssUnknown(c) || masterUnknown(c),
  };
}

/**
 * Whether `c` reads the connection's entry: its tuple, mark, zone (`ct original ip saddr . ...`) or
 * status (but whether NAT changed it, which the trace's rewrites tell).
 */
function readsEntry(c: Condition): boolean {
  if (c.kind === "ct-tuple" || c.kind === "ctmark" || c.kind === "ctproto") return true;
  if (c.kind === "ctstatus")
    return c.values !== undefined || c.set !== undefined || ((c.mask ?? 0) & ~CT_STATUS_NAT) !== 0;
  return c.kind === "nft-set" && (c.concat ?? [c.key]).some((k) => CT_ENTRY_KEYS.has(k));
}

/**
 * The packet type a LOG line tells: a broadcast or group destination MAC says it; otherwise the IP
 * hooks only ever see frames for this host (the IP stack drops others; br_netfilter calls them the
 * host's), and the bridge's OUTPUT only the host's own. Any other bridge hook's unicast frame may be
 * for another host: unknown.
 */
function logPktType(e: TraceEvent, family: "ip" | "bridge", chain: string): PktType | undefined {
  const mac = e.macDst?.toLowerCase();
  if (mac === "ff:ff:ff:ff:ff:ff") return "broadcast";
  if (mac && isGroupMac(mac)) return "multicast";
  if (family === "ip" || chain === "OUTPUT") return "host";
  return undefined;
}

/** `table` with every condition a step cannot decide made an unmodelled one (the engine then says UNKNOWN). */
function withUndecided(table: TableDef, undecided: (c: Condition) => boolean): TableDef {
  // Most steps have nothing undecided: the table as it is, not a copy per run.
  if (![...table.chains.values()].some((c) => c.rules.some((r) => r.conditions.some(undecided))))
    return table;
  const rule = (r: Rule): Rule =>
    r.conditions.some(undecided)
      ? {
          ...r,
          conditions: r.conditions.map((c) =>
            // Shown undecided, not followed both ways: which rule needed the fact is the point here.
            undecided(c)
              ? { kind: "unknown", text: `${c.kind} (not in the log)`, neg: false, oneWay: true }
              : c,
          ),
        }
      : r;
  return {
    ...table,
    chains: new Map([...table.chains].map(([name, c]) => [name, { ...c, rules: c.rules.map(rule) }])),
  };
}

function logRuleExists(table: TableDef, prefix: string): boolean {
  const p = prefix.trim();
  for (const c of table.chains.values())
    for (const r of c.rules) {
      // nft's `log group N` (ulogd's, as iptables' NFLOG) and `log level audit` print no kernel log line.
      const logs = [r.target, ...(r.effects ?? [])].filter(
        (t) => t.kind === "LOG" && t.group === undefined && t.level !== "audit",
      );
      if (logs.some((t) => t.kind === "LOG" && t.prefix.trim() === p) || r.log?.prefix.trim() === p)
        return true;
    }
  return false;
}

/** Addresses a rule of `table` would ask the type of and the log does not tell. */
function unknownAddresses(table: TableDef, e: TraceEvent, facts: LogFacts): string[] {
  const asks = new Set<"src" | "dst">();
  for (const c of table.chains.values())
    for (const r of c.rules)
      for (const k of r.conditions) {
        if (k.kind === "addrtype") asks.add(k.which);
        if (k.kind === "nft-set" && k.key === "fib daddr type") asks.add("dst");
      }
  const out = [...asks].map((w) => canonicalAddress((w === "src" ? e.ip?.src : e.ip?.dst) ?? ""));
  return [...new Set(out)].filter((a) => a && !facts.local.has(a) && !facts.routed.has(a));
}

/** Every combination of the facts one step lacks (the state, the type of each address). */
function assumptions(state: CtState | undefined, addresses: readonly string[]): Assumption[] {
  let out: Assumption[] = state ? [{}] : [{ state: "NEW" }, { state: "ESTABLISHED" }];
  for (const a of addresses)
    out = out.flatMap((x) =>
      (["LOCAL", "UNICAST"] as const).map((t) => ({ ...x, addr: new Map([...(x.addr ?? []), [a, t]]) })),
    );
  return out;
}

/**
 * For each event of `packet` (a LOG packet: no TRACE verdicts), the rules the simulator finds matching
 * in the chain of its hook (`undefined` where the ruleset has no such chain, the packet is not one the
 * engine models, or the run contradicts the log). A fact the log lacks is tried both ways: when every
 * way the log allows gives the same rules, those are the answer; otherwise the rules that needed it
 * are marked `UNKNOWN`. `packets` is the whole parse (for the flow's state and the host's addresses),
 * `facts` its {@link logFacts}, `sysctls` the host's when a lab gives them (the conntrack settings
 * the simulator reads, `nf_conntrack_tcp_loose`, read the same way here; default the kernel's).
 */
export function logStepMatches(
  packet: Packet,
  ruleset: Ruleset,
  packets: readonly Packet[],
  facts: LogFacts = logFacts(packets),
  sysctls?: Readonly<Record<string, string | undefined>>,
): (MatchedRule[] | undefined)[] {
  // Whether a packet of the flow was left untracked: its own walk with the usual state (a notrack acts before conntrack).
  const untracked = (q: Packet) => walkSteps(q, ruleset, packets, facts, flowState(q, packets)).untracked;
  const after = hasNotrack(ruleset)
    ? stateAfterNotrack(packet, packets, untracked, tcpLooseOf(sysctls))
    : "tracked";
  return walkSteps(packet, ruleset, packets, facts, after === "tracked" ? flowState(packet, packets) : after)
    .matches;
}

/** Whether any rule of `ruleset` may take a notrack (`notrack`, `-j CT --notrack`, `-j NOTRACK`). */
function hasNotrack(ruleset: Ruleset): boolean {
  const tables = [ruleset.ip, ruleset.ip6, ruleset.bridge].flatMap((f) => (f ? [...f.tables.values()] : []));
  return [...tables, ...(ruleset.nft ?? [])].some((t) =>
    [...t.chains.values()].some((c) =>
      c.rules.some((r) => [r.target, ...(r.effects ?? [])].some((x) => x.kind === "NOTRACK")),
    ),
  );
}

/**
 * {@link logStepMatches} for `packet` in conntrack state `state` (undefined: tried both ways); also
 * whether its walk left it untracked (undefined: the runs the log allows disagree).
 */
function walkSteps(
  packet: Packet,
  ruleset: Ruleset,
  packets: readonly Packet[],
  facts: LogFacts,
  state: CtState | undefined,
): { matches: (MatchedRule[] | undefined)[]; untracked: boolean | undefined } {
  const flowFirst = packets.find((p) => p.flow === packet.flow) ?? packet;
  // Whether a notrack in an earlier chain left the packet untracked (undefined: the runs there disagree).
  let untracked: boolean | undefined = false;
  const matches = packet.events.map((e, i) => {
    if (e.verdicts?.length) return undefined;
    const found = chainOf(ruleset, e.hook);
    const sim = simPacket(e);
    if (!found || !sim) return undefined;
    const family = splitHookId(e.hook)?.family === "bridge" ? "bridge" : "ip";
    // Only a connection's first packet goes through nat chains: one logged there is NEW.
    const nat = isNatChain(found.table, found.chain, found.nft);
    // Untracked from an earlier chain on; before conntrack no connection is attached yet (it reads INVALID).
    const here = untracked
      ? "UNTRACKED"
      : untracked === undefined
        ? undefined
        : beforeConntrack(found, e)
          ? "INVALID"
          : nat
            ? "NEW"
            : state;
    if (untracked) sim.untracked = true;
    const dnat =
      flowFirst.id === packet.id
        ? packet.rewrites.some((r) => r.kind !== "snat" && r.atEvent <= i)
        : flowFirst.rewrites.some((r) => r.kind !== "snat");
    const last = i === packet.events.length - 1;
    // A destination rewritten before the next line is a DNAT this chain chose (nat chains only).
    const rewritten = packet.rewrites.some((r) => r.atEvent === i + 1 && r.kind !== "snat");
    // Whether each run left the packet untracked.
    const left = new Map<ChainRun, boolean>();
    const run = (assume?: Assumption) => {
      const k = knowledge(e, family, here, dnat, facts, assume);
      // What no run can know (the connection's entry) stays undecided in every one.
      const table = withUndecided(found.table, assume ? k.needsEntry : k.undecided);
      const walked = { ...sim };
      const r = runChain(table, found.chain.name, walked, k.ctx);
      left.set(r, !!walked.untracked);
      return r;
    };
    const agrees = (r: ReturnType<typeof run>) => {
      if ((r.verdict === "DROP" || r.verdict === "REJECT") && !last) return false;
      if (logRuleExists(found.table, e.prefix) && !r.logs.some((l) => l.prefix.trim() === e.prefix.trim()))
        return false;
      if (nat && !last && (r.nat?.kind === "DNAT") !== rewritten) return false;
      return true;
    };
    // The simulator's own record of a run (it reads the steps only).
    const record = (r: ReturnType<typeof run>) => matchedRules({ steps: r.steps } as HookEvent);
    const agreeing = assumptions(here, unknownAddresses(found.table, e, facts))
      .map((a) => run(a))
      .filter(agrees);
    const trials = agreeing.map((r) => JSON.stringify(record(r)));
    // The later chains read the packet as every run the log allows left it, or undecided.
    const ways = new Set(agreeing.map((r) => left.get(r)));
    // (No run the log allows: a notrack one of them took leaves it undecided.)
    const all = [...left.values()];
    untracked = ways.size === 1 ? [...ways][0] : ways.size || all.some((u) => u) ? undefined : untracked;
    const distinct = [...new Set(trials)];
    if (distinct.length === 1) return JSON.parse(distinct[0] as string) as MatchedRule[];
    const undecided = run();
    return agrees(undecided) ? record(undecided) : undefined;
  });
  return { matches, untracked };
}

/**
 * Whether chain `found` runs before conntrack looks the packet up (a raw chain, priority -200 or
 * below, at prerouting or output; not prerouting on lo, where output already did).
 */
function beforeConntrack(found: { table: TableDef; chain: ChainDef; nft: boolean }, e: TraceEvent): boolean {
  const hook = (found.nft ? found.chain.base?.hook : found.chain.name)?.toUpperCase();
  if ((hook !== "PREROUTING" && hook !== "OUTPUT") || (hook === "PREROUTING" && e.in === "lo")) return false;
  if (splitHookId(e.hook)?.family === "bridge") return false;
  const priority = found.nft
    ? found.chain.base?.priority
    : IP_HOOK_TABLES[hook]?.find((t) => t.table === found.table.name)?.priority;
  return priority !== undefined && priority <= CONNTRACK_PRIORITY;
}

/** The MSS a LOG line's TCP options carry (`OPT (020405B4...)`), as `SimPacket.mss`; none without one. */
function mssOf(hex: string | undefined): { mss?: number } {
  const mss = optionMss(hex);
  return mss === undefined ? {} : { mss };
}
