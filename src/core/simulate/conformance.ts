/**
 * Conformance: replays a recorded trace's packets through the simulator (same addresses, ports,
 * ICMP ids and TCP flags, from the side each packet came from) and compares, packet by packet, the
 * hooks the kernel logged with the hooks the simulator predicts, the NAT rewrites, and in TRACE
 * mode the rules that matched in each chain.
 */

import type { HookId } from "../model/hook.ts";
import type { Endpoints, ParsedTrace, Rewrite, RuleVerdict, TraceEvent } from "../model/packet.ts";
import { findRewrites } from "../parse/index.ts";
import { ownChainOverConvention, prefixToHook } from "../parse/prefix-to-hook.ts";
import { optionMss } from "../parse/tcp-option-mss.ts";
import { floodCopyNote, floodedWithinNote } from "./flood-copy.ts";
import { canonicalAddress } from "./ip-address.ts";
import { recordedChainHook } from "./recorded-chain-hook.ts";
import { replayNeeds } from "./replay-needs.ts";
import type { Unmodelled } from "./rule-engine.ts";
import type { Ruleset } from "./ruleset.ts";
import { runScenario, type ScenarioSpec, type ScriptItem } from "./run-scenario.ts";
import type { HookEvent, PortChoice, SimulatedPacket, World } from "./simulate-packet.ts";
import { taggedFrameNote } from "./tagged-frame-note.ts";

/** One real packet of a recorded trace (TRACE output may split a packet over several parsed ones). */
export interface RecordedPacket {
  direction: "request" | "reply";
  events: TraceEvent[];
  hooks: string[];
}

/** One difference between kernel and prediction. */
export interface Divergence {
  /** 1-based packet number (in the recorded order). */
  packet: number;
  what: "count" | "hooks" | "devices" | "rewrites" | "rules" | "fate";
  kernel: string[];
  predicted: string[];
  /** What the kernel did there that the simulator does not model, when the check can tell. */
  note?: string;
}

/** The outcome of one trace's check. */
export interface ConformanceResult {
  divergences: Divergence[];
  recorded: RecordedPacket[];
  simulated: SimulatedPacket[];
  /** Why the simulation stopped early, if it did. */
  stopped?: string;
  spec?: ScenarioSpec;
  /**
   * The undecided rules the replay compared took another way than the default (their entries name
   * the way shown and the others): the agreeing one's, or when none agrees the one closest to the
   * recording's; absent when that is the default way.
   */
  ways?: Unmodelled[];
  /**
   * The NAT ports the kernel chose that were compared as any port of their range ({@link chosenPortText}),
   * in words; absent when none was.
   */
  chosenPorts?: string[];
  /**
   * What the replay took from the scenario's command and the recording beyond the packets' headers
   * (a TTL, a closed UDP port, a hand-made frame: see `replay-needs.ts`), in words; absent when nothing.
   */
  inferred?: string[];
}

/**
 * The hooks of each family where a packet is first seen, where tracing can start: IP's input
 * (`prerouting`, and nft's `ingress` before it) and the host's own (`output`); the bridge's
 * `prerouting` (and ebtables' `BROUTING` before it), never its `output`, which a routed packet
 * reaches after IP's `postrouting`; ARP's `input` and `output`, as ARP has no other hook.
 */
const ENTRY_HOOKS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ip: { ingress: "PREROUTING", prerouting: "PREROUTING", output: "OUTPUT" },
  ip6: { ingress: "PREROUTING", prerouting: "PREROUTING", output: "OUTPUT" },
  bridge: { brouting: "PREROUTING", prerouting: "PREROUTING" },
  arp: { input: "INPUT", output: "OUTPUT" },
};

/** The stage where tracing can start ({@link ENTRY_HOOKS}) that a traced chain belongs to, if any. */
function entryStage(hook: string, ruleset: Ruleset | undefined): string | undefined {
  const entries = ENTRY_HOOKS[hook.slice(0, hook.indexOf(":"))];
  const h = recordedChainHook(hook, ruleset);
  return entries && h !== undefined && Object.hasOwn(entries, h) ? entries[h] : undefined;
}

/**
 * Groups a parsed recorded trace into real packets. LOG: the parser's packets. TRACE: the steps in
 * order, a new packet starting at a chain of an entry stage in any family (IPv4's or IPv6's
 * prerouting or output, the bridge's prerouting, ARP's input or output: {@link ENTRY_HOOKS}) once
 * the current one has gone past that stage or met that chain already (the TRACE rule, wherever it
 * is, sits at or after the first hook where tracing can start; nft gives a packet a new trace id on
 * the way, so ids cannot group it). `ruleset`: the recording's, which tells an nft chain's hook
 * (see {@link recordedChainHook}).
 */
export function recordedPackets(
  parsed: ParsedTrace,
  mode: "log" | "trace",
  ruleset?: Ruleset,
): RecordedPacket[] {
  let groups: TraceEvent[][];
  if (mode === "log") {
    // A packet the host sends itself is one packet through lo in the parse, as in the simulator (TRACE below).
    groups = parsed.packets.map((p) => [...p.events]);
  } else {
    groups = [];
    const stage = new Map<string, string | undefined>();
    const stageOf = (hook: string) => {
      if (!stage.has(hook)) stage.set(hook, entryStage(hook, ruleset));
      return stage.get(hook);
    };
    // A bridge's local delivery goes on up into IP's prerouting (or ARP's input) when br_netfilter did
    // not run that hook first (bridge-nf-call-iptables 0; kernel 6.18 gives it another trace id): one packet.
    const handedUp = (seen: string, next: string) =>
      seen.startsWith("bridge:") &&
      !next.startsWith("bridge:") &&
      recordedChainHook(seen, ruleset) === "input";
    // Whether the packet went past `next`'s entry stage `at` when it was at the traced chain `seen`.
    const past = (seen: string, next: string, at: string) => stageOf(seen) !== at && !handedUp(seen, next);
    for (const ev of parsed.packets.flatMap((p) => p.events)) {
      const last = groups[groups.length - 1];
      // A packet the host sends itself comes back in on lo, still traced (kernel 6.18): the same packet.
      const loopsBack =
        ev.in === "lo" && last?.some((e) => e.out === "lo") && !last.some((e) => e.hook === ev.hook);
      const at = stageOf(ev.hook);
      const starts =
        !last ||
        (!loopsBack && at !== undefined && last.some((e) => e.hook === ev.hook || past(e.hook, ev.hook, at)));
      if (starts) groups.push([ev]);
      else (last as TraceEvent[]).push(ev);
    }
  }
  const firstIp = (evs: TraceEvent[]) => evs.find((e) => e.ip);
  const origin = groups[0] ? firstIp(groups[0]) : undefined;
  return groups.map((events) => {
    const f = firstIp(events);
    const request = !origin || !f || (f.ip?.src === origin.ip?.src && f.l4?.sport === origin.l4?.sport);
    return { direction: request ? "request" : "reply", events, hooks: events.map((e) => e.hook) };
  });
}

/** The scenario that replays `recorded`: the first packet's addresses, then each packet's flags/type from its side. */
export function scenarioFromRecorded(
  recorded: RecordedPacket[],
  from: string,
  proto: "icmp" | "tcp" | "udp",
): ScenarioSpec | undefined {
  const first = recorded[0]?.events.find((e) => e.ip);
  if (!first?.ip) return undefined;
  const shown: ScriptItem[] = recorded.map((r) => {
    const ev =
      r.events.find(
        (e) => e.l4 && (e.source === "log" || e.source === "xtables-monitor" || e.source === "trace"),
      ) ?? r.events.find((e) => e.l4);
    const ip = r.events.find((e) => e.ip)?.ip;
    // The MSS as sent: the first line that prints the options (a clamp lowers it on later ones).
    const mss = optionMss(r.events.find((e) => e.l4?.tcpOptions)?.l4?.tcpOptions);
    return {
      direction: r.direction,
      tcpFlags: ev?.l4?.tcpFlags,
      icmpType: ev?.l4?.icmpType,
      len: ev?.ip?.len,
      ...(mss !== undefined ? { mss } : {}),
      // xtables-monitor prints no ICMP header: such a packet is told by its addresses (a REJECT's answer),
      // also when a bridge line's NH= named its protocol, ICMP, but no type. A UDP datagram or a TCP
      // segment shown without its flags is a packet of its own, never taken for an answer.
      ...(ip && (!ev?.l4 || (/^icmp(v6)?$/.test(ev.l4.proto) && ev.l4.icmpType === undefined))
        ? { addrs: { src: ip.src, dst: ip.dst } }
        : {}),
    };
  });
  // A TCP recording of one direction only: the handshake's SYN-ACK happened unseen, and conntrack saw it.
  const script: ScriptItem[] = [];
  shown.forEach((item, i) => {
    script.push(item);
    const next = shown[i + 1];
    if (
      proto === "tcp" &&
      item.direction === "request" &&
      item.tcpFlags?.includes("SYN") &&
      !item.tcpFlags.includes("ACK") &&
      next?.direction === "request" &&
      !next.tcpFlags?.includes("SYN")
    )
      script.push({ direction: "reply", tcpFlags: ["ACK", "SYN"], unseen: true });
  });
  return {
    from,
    to: first.ip.dst,
    src: first.ip.src,
    proto,
    sport: first.l4?.sport,
    dport: first.l4?.dport,
    icmpId: first.l4?.icmpId,
    script,
  };
}

/** One side of a rewrite as a divergence shows it; IPv6 in short, as the simulator writes it (the kernel writes it in full). */
function endpointText(e: Endpoints, sport = e.sport, dport = e.dport): string {
  return `${canonicalAddress(e.src)}${sport !== undefined ? `:${sport}` : ""} -> ${canonicalAddress(e.dst)}${dport !== undefined ? `:${dport}` : ""}`;
}

function rewriteLine(r: Rewrite, from = endpointText(r.from), to = endpointText(r.to)): string {
  return `${r.kind} between ${r.afterHook} and ${r.beforeHook}: ${from} => ${to}`;
}

/** A port the kernel chose ({@link PortChoice}) and the one the recording shows for it, once seen. */
export interface ChosenPort {
  choice: PortChoice;
  /** The kernel's port; undefined until a recorded rewrite shows it. */
  kernel?: number;
  /** Whether a predicted rewrite showed it (then it was compared). */
  met?: boolean;
}

/** How a port the kernel chooses was compared, in words (for `check --verbose`). */
export function chosenPortText(c: ChosenPort): string {
  const { choice } = c;
  const how =
    choice.why === "random"
      ? "draws it at random"
      : "keeps the packet's own port only while no other connection holds it, else takes another";
  return `${choice.target} at ${choice.hook} ${how}: compared as any port of ${choice.lo}-${choice.hi} with ${choice.addr}${c.kernel !== undefined ? ` (the kernel's ${c.kernel}, shown here as ${choice.port})` : ""}`;
}

/**
 * Compares one packet's NAT rewrites, kernel's and predicted: alike but for a port the kernel chose
 * from a range (`chosen`: random, or a source range's), which agrees with any port of that range, the
 * same one in every packet of the connection (the first recorded one fixes it). Addresses, and every
 * other port, must be equal. The predicted lines show the kernel's port where it fits the range, and
 * the range where it does not.
 */
function compareRewrites(
  kernel: readonly Rewrite[],
  predicted: readonly Rewrite[],
  chosen: readonly ChosenPort[],
): { agree: boolean; kernel: string[]; predicted: string[] } {
  const k = kernel.map((r) => rewriteLine(r));
  const p = predicted.map((r, i) => {
    const other = kernel[i];
    const port = (addr: string, value: number | undefined, recorded: number | undefined) => {
      if (value === undefined) return undefined;
      const c = chosen.find(
        (x) => x.choice.port === value && canonicalAddress(x.choice.addr) === canonicalAddress(addr),
      );
      if (!c) return value;
      c.met = true;
      const fits =
        recorded !== undefined &&
        recorded >= c.choice.lo &&
        recorded <= c.choice.hi &&
        (c.kernel === undefined || c.kernel === recorded);
      if (!fits) return `(${c.choice.lo}-${c.choice.hi})`;
      c.kernel = recorded;
      return recorded;
    };
    const side = (e: Endpoints, o: Endpoints | undefined) =>
      `${canonicalAddress(e.src)}${e.sport !== undefined ? `:${port(e.src, e.sport, o?.sport)}` : ""} -> ${canonicalAddress(e.dst)}${e.dport !== undefined ? `:${port(e.dst, e.dport, o?.dport)}` : ""}`;
    return rewriteLine(r, side(r.from, other?.from), side(r.to, other?.to));
  });
  return { agree: k.join("\n") === p.join("\n"), kernel: k, predicted: p };
}

/** TRACE verdicts as comparable strings: `CHAIN:rule:VERDICT | rule text` and `CHAIN:policy:VERDICT`. */
export function recordedRuleSteps(verdicts: readonly RuleVerdict[]): string[] {
  return verdicts
    .filter((v) => v.kind !== "return")
    .map((v) => {
      if (v.kind === "policy") return `${v.chain}:policy:${v.verdict ?? ""}`;
      let verdict = (v.verdict ?? "").toUpperCase().replace(/^(JUMP|GOTO) /, "$1:");
      if (/^0XFFFFFFFB$/i.test(verdict)) verdict = "RETURN";
      // A reject is a drop to the hook: nft monitor trace prints `reject ...` as `(verdict drop)`.
      if (verdict === "REJECT") verdict = "DROP";
      // nft monitor trace prints a rule's counter values: state, not rule.
      const text = (v.text ?? "")
        .replace(/^-4\s+-t\s+\S+\s+/, "")
        .replace(/(^| )counter packets \d+ bytes \d+/g, "$1counter")
        .trim();
      return `${v.chain}:rule:${verdict} | ${text}`;
    });
}

/**
 * The simulator's steps of one chain, in the same form as {@link recordedRuleSteps}, each `optional`
 * when TRACE may not show it: a rule that only goes on (a LOG) behind a chance or unmodelled match,
 * shown taken because the walk is the same either way, and an undecided rule the walk went past.
 */
function ruleSteps(ev: HookEvent): { text: string; optional: boolean }[] {
  return ev.steps
    .filter((s) => s.kind !== "return")
    .map((s) => {
      if (s.kind === "policy") return { text: `${s.chain}:policy:${s.verdict}`, optional: false };
      let verdict = s.verdict;
      if (verdict === "JUMP" || verdict === "GOTO") verdict = `${verdict}:${(s.target ?? "").toUpperCase()}`;
      if (["DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP"].includes(verdict)) verdict = "ACCEPT";
      // The kernel's trace shows a reject by the drop it is (nf_reject: NF_DROP after sending its answer).
      if (verdict === "REJECT") verdict = "DROP";
      return {
        text: `${s.chain}:rule:${verdict} | ${s.text}`,
        // An undecided rule walked as not matched (or with a target not modelled): TRACE prints a rule only
        // when it matched, so a kernel that did not match it shows no line (ufw's `-m recent --update`).
        optional:
          (s.chance !== undefined && s.verdict === "CONTINUE") ||
          (s.unmodelled === true && s.verdict === "UNKNOWN"),
      };
    });
}

/**
 * The indexes of `keys` that line up with `recorded` one for one when an `optional` key may be left
 * out (the longest such line-up, tried first); null when none does.
 */
function alignOptional(
  keys: readonly string[],
  optional: readonly boolean[],
  recorded: readonly string[],
): number[] | null {
  const memo = new Map<string, number[] | null>();
  const align = (i: number, j: number): number[] | null => {
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let out: number[] | null = null;
    if (i === keys.length) out = j === recorded.length ? [] : null;
    else {
      if (j < recorded.length && keys[i] === recorded[j]) {
        const rest = align(i + 1, j + 1);
        if (rest) out = [i, ...rest];
      }
      if (!out && optional[i]) out = align(i + 1, j);
    }
    memo.set(key, out);
    return out;
  };
  return align(0, 0);
}

/**
 * The events of a simulated packet the recorded trace would show: one per LOG line fired (an event
 * whose chain holds two LOG rules that fired is shown twice, each with one of its lines, as the
 * kernel writes two lines), or the chains traced once a TRACE rule marked the packet, IPv4 and
 * bridge (the kernel traces the bridge family's base chains too, when they exist).
 */
export function visibleEvents(p: SimulatedPacket, mode: "log" | "trace"): HookEvent[] {
  if (mode === "trace") return p.events.filter((e) => e.traced);
  return p.events.flatMap((e) =>
    e.logs.length < 2 ? (e.logs.length ? [e] : []) : e.logs.map((l) => ({ ...e, logs: [l] })),
  );
}

/**
 * The hook a recorded trace names for a simulated event: in LOG mode the one its first LOG prefix names
 * (the nft lab logs from its own base chains, naming the base chain the packet is about to enter), else
 * the event's own.
 */
export function shownHook(e: HookEvent, mode: "log" | "trace"): HookId {
  const prefix = mode === "log" ? e.logs[0]?.prefix : undefined;
  const named = prefix !== undefined ? prefixToHook(prefix) : undefined;
  // As the parser reads a recording with the ruleset's prefixes (`prefixMapFromRuleset`).
  if (prefix !== undefined && ownChainOverConvention(prefix, named, e.hook)) return e.hook;
  // An inet table's prefix names no family: the parser reads an IPv6 packet's line as `ip6:`.
  if (named?.startsWith("ip:") && e.family === "ip6") return `ip6:${named.slice(3)}` as HookId;
  return named ?? e.hook;
}

/**
 * The simulated events a LOG recording can show, given what it shows (`recorded`, hooks in order): an
 * event whose every line is chance (a rate-limited LOG) may be missing from the kernel's log, so it is
 * left out where that makes the two agree. In TRACE mode, or when no choice agrees, `events` as they are.
 */
export function keepLogged(
  events: HookEvent[],
  recorded: readonly string[],
  mode: "log" | "trace",
): HookEvent[] {
  if (mode !== "log" || !events.some((e) => e.logs.every((l) => l.chance))) return events;
  const hooks = events.map((e) => shownHook(e, mode));
  const kept = alignOptional(
    hooks,
    events.map((e) => e.logs.every((l) => l.chance)),
    recorded,
  );
  return kept ? kept.map((i) => events[i] as HookEvent) : events;
}

/**
 * Whether a recording's command got its answer, when its exit code says so: a single echo
 * (`ping -c1`, `ping -c 1`, any other options) exits 0 when the reply came back, 1 when none did.
 * Undefined for any other command (a TCP client's code tells less), or without an exit code.
 */
export function commandAnswered(
  command: readonly string[],
  exitCode: number | undefined,
): boolean | undefined {
  if (exitCode === undefined || !/(^|\/)ping6?$/.test(command[0] ?? "")) return undefined;
  const count = command.findIndex((a) => a === "-c" || a.startsWith("-c"));
  const n = command[count] === "-c" ? command[count + 1] : command[count]?.slice(2);
  // ping exits 0 on an answer, 1 on none, 2 on its own error (which proves nothing of the packet).
  return n === "1" && (exitCode === 0 || exitCode === 1) ? exitCode === 0 : undefined;
}

/** ICMP and ICMPv6 echo request and reply types. */
const ECHO_TYPES = new Set([0, 8, 128, 129]);

/** A simulated packet's end, as a divergence shows it. */
function fateText(f: SimulatedPacket["fate"]): string {
  if (f.kind === "delivered") return `delivered to ${f.host}`;
  if (f.kind === "dropped") return `dropped${f.hook ? ` at ${f.hook}` : ""}: ${f.reason}`;
  return `lost: ${f.reason}`;
}

/**
 * What became of the last packet, which no later line shows: a drop after its last logged hook is
 * in no LOG line. Known only from the command's answer ({@link commandAnswered}): a reply shown on
 * its way must then have reached the sender `from`, or not (delivered elsewhere, to a host that kept
 * it after a NAT left undone, is not answered); and a request left unanswered must not have
 * reached the recording host itself (its kernel answers an echo request), which a drop after the
 * last logged hook (a firewall's input chain) explains, nor have reached another host whose echo
 * reply the simulator would bring back to `from` (`answerOf` simulates that reply, which no line
 * shows). Assumes the hosts answer echo requests (no `icmp_echo_ignore_all`), and compares only echoes.
 */
function fateDivergence(
  world: World,
  recorded: readonly RecordedPacket[],
  packets: readonly SimulatedPacket[],
  answered: boolean | undefined,
  from: string,
  answerOf: () => SimulatedPacket | undefined,
): Divergence | undefined {
  const rec = recorded.at(-1);
  const sim = packets.at(-1);
  if (answered === undefined || !rec || !sim || packets.length !== recorded.length) return undefined;
  // Only an echo tells: an ICMP error quoting the request is paired as its reply, and ping exits 1 on it.
  const type = rec.events.find((e) => e.l4?.icmpType !== undefined)?.l4?.icmpType;
  if (type === undefined || !ECHO_TYPES.has(type)) return undefined;
  const kernel = [
    answered ? "delivered: the command got its answer" : "not delivered: the command got no answer",
  ];
  const host = sim.fate.kind === "delivered" ? sim.fate.host : undefined;
  if (rec.direction === "reply") {
    if ((host === from) === answered) return undefined;
    return { packet: recorded.length, what: "fate", kernel, predicted: [fateText(sim.fate)] };
  }
  if (answered || host === undefined) return undefined;
  if (host === world.topology.netfilterHost)
    return { packet: recorded.length, what: "fate", kernel, predicted: [fateText(sim.fate)] };
  // Delivered to another host: the command went unanswered only if that host's echo reply got lost.
  const answer = answerOf();
  if (answer?.fate.kind !== "delivered" || answer.fate.host !== from) return undefined;
  return {
    packet: recorded.length,
    what: "fate",
    kernel,
    predicted: [
      `answered: ${fateText(sim.fate)}, whose echo reply (in no line of the recording) is ${fateText(answer.fate)}`,
    ],
  };
}

/**
 * The simulated packets a recording can show, in order: every one but those simulated unseen, and
 * but the answers of a REJECT (ICMP error, RST) no chain logged or traced (no line shows them).
 */
export function shownPackets(packets: readonly SimulatedPacket[], mode: "log" | "trace"): SimulatedPacket[] {
  return packets.filter((p) => !p.unseen && (p.answers === undefined || visibleEvents(p, mode).length > 0));
}

/**
 * The hooks where a recorded packet's devices differ from the prediction's, the hooks being alike
 * one for one (`simHooks` are `predicted`'s as shown): at each, the input and output devices the
 * kernel's line shows (`IN=`, `OUT=`; nft trace's `iif`, `oif`), compared with the simulated ones
 * (an empty one the line shows is not compared). Undefined when every shown device agrees.
 */
function deviceDivergence(
  recorded: readonly TraceEvent[],
  predicted: readonly HookEvent[],
  simHooks: readonly string[],
): { kernel: string[]; predicted: string[] } | undefined {
  const kernel: string[] = [];
  const sim: string[] = [];
  recorded.forEach((k, i) => {
    const p = predicted[i];
    if (!p) return;
    const differs = (shown: string | undefined, own: string | undefined) => !!shown && shown !== (own ?? "");
    if (!differs(k.in, p.in) && !differs(k.out, p.out)) return;
    const text = (hook: string, inDev?: string, outDev?: string) =>
      `${hook} IN=${inDev ?? ""} OUT=${outDev ?? ""}`;
    kernel.push(text(k.hook, k.in, k.out));
    sim.push(text(simHooks[i] ?? p.hook, p.in, p.out));
  });
  return kernel.length ? { kernel, predicted: sim } : undefined;
}

/** Why an IP hook's devices differ: the kernel routed the packet another way than lab.json's routes lead. */
function routedDevicesNote(d: Divergence): string | undefined {
  if (d.what !== "devices" || !d.kernel.some((k) => /^ip6?:/.test(k))) return undefined;
  return "an IP hook's devices are routing's choice: the kernel routed this packet another way than lab.json's routes lead (packetwalk routes by the main table alone, so a routing rule (ip rule), or a route the lab lacks, would explain it)";
}

/** One replay of a recorded trace: the ways it decided undecided rules by, and how it compared. */
interface Replay {
  ways: ReadonlyMap<string, number>;
  divergences: Divergence[];
  packets: SimulatedPacket[];
  /** `packets` as the recording can show them ({@link shownPackets}). */
  shown: SimulatedPacket[];
  stopped?: string;
  /** The ports the kernel chose that the comparison took as any of their range, with the kernel's. */
  chosen: ChosenPort[];
}

/**
 * How many replays one check may run to find ways of the undecided rules (unmodelled or chance
 * matches whose ways differ) under which the recording agrees.
 */
const MAX_REPLAYS = 32;

/** Replays `spec` in `world` with `ways` deciding the undecided rules, and compares with `recorded`. */
function replay(
  world: World,
  recorded: RecordedPacket[],
  spec: ScenarioSpec,
  mode: "log" | "trace",
  ways: ReadonlyMap<string, number>,
  answered?: boolean,
): Replay {
  // The recording shows its packets sent: their neighbours were resolved (the capture lab's are static).
  const run = runScenario(world, spec, { ways, staticNeighbours: true });
  const packets = shownPackets(run.packets, mode);
  const divergences: Divergence[] = [];
  const chosen: ChosenPort[] = run.simulator.portChoices.map((choice) => ({ choice }));
  const n = Math.max(recorded.length, packets.length);
  for (let i = 0; i < n; i++) {
    const rec = recorded[i];
    const sim = packets[i];
    if (!rec || !sim) {
      divergences.push({
        packet: i + 1,
        what: "count",
        kernel: rec ? rec.hooks : ["(no such packet)"],
        predicted: sim
          ? visibleEvents(sim, mode).map((e) => shownHook(e, mode))
          : [run.stopped ? `(not sent: ${run.stopped})` : "(no such packet)"],
      });
      continue;
    }
    const vis = keepLogged(visibleEvents(sim, mode), rec.hooks, mode);
    const simHooks = vis.map((e) => shownHook(e, mode));
    if (rec.hooks.join() !== simHooks.join())
      divergences.push({ packet: i + 1, what: "hooks", kernel: rec.hooks, predicted: simHooks });
    else {
      const devices = deviceDivergence(rec.events, vis, simHooks);
      if (devices) divergences.push({ packet: i + 1, what: "devices", ...devices });
    }
    if (mode === "log") {
      const simEvents: TraceEvent[] = vis.map((e) => ({
        hook: shownHook(e, mode),
        prefix: "",
        source: e.family === "bridge" ? "ebt-log" : "log",
        raw: "",
        position: { file: "", line: 0, column: 1 },
        ip: { src: e.packet.src, dst: e.packet.dst },
        l4: { proto: e.packet.proto, sport: e.packet.sport, dport: e.packet.dport },
      }));
      const r = compareRewrites(findRewrites(rec.events), findRewrites(simEvents), chosen);
      if (!r.agree)
        divergences.push({ packet: i + 1, what: "rewrites", kernel: r.kernel, predicted: r.predicted });
    } else {
      const k = rec.events.flatMap((e) => recordedRuleSteps(e.verdicts ?? (e.verdict ? [e.verdict] : [])));
      const steps = vis.flatMap(ruleSteps);
      // A step TRACE may not show (a LOG behind a chance or unmodelled match) is left out where that agrees.
      const kept = alignOptional(
        steps.map((x) => x.text),
        steps.map((x) => x.optional),
        k,
      );
      const p = (kept ?? steps.map((_, i) => i)).map((i) => (steps[i] as { text: string }).text);
      if (k.join("\n") !== p.join("\n"))
        divergences.push({ packet: i + 1, what: "rules", kernel: k, predicted: p });
    }
  }
  // The echo reply the recording does not show, as the simulator would send it after the request.
  const answerOf = () => {
    const v6 = spec.to.includes(":");
    const script = [
      ...(spec.script ?? []),
      { direction: "reply" as const, icmpType: v6 ? 129 : 0, unseen: true },
    ];
    const probe = runScenario(world, { ...spec, script }, { ways, staticNeighbours: true });
    return probe.packets.findLast((p) => p.unseen && p.direction === "reply");
  };
  const fate = fateDivergence(world, recorded, packets, answered, spec.from, answerOf);
  if (fate) divergences.push(fate);
  return { ways, divergences, packets: run.packets, shown: packets, stopped: run.stopped, chosen };
}

/**
 * The first replay that agrees with the recording, trying other ways of the undecided rules met up
 * to the first packet that diverges (breadth first, at most {@link MAX_REPLAYS} replays); when none
 * agrees, the one with the fewest divergences (the earliest tried of those, the default first): a
 * random pick the kernel made otherwise is then not blamed for a difference of its own.
 */
function findAgreeingWays(first: Replay, again: (ways: ReadonlyMap<string, number>) => Replay): Replay {
  const queue = [first];
  const seen = new Set<string>([""]);
  let runs = 1;
  let best = first;
  for (let at = queue.shift(); at; at = queue.shift()) {
    const bad = at.divergences[0]?.packet ?? 0;
    // A rule met after the first diverging packet cannot change it: only earlier forks are tried.
    const last = at.shown[bad - 1]?.id ?? Number.POSITIVE_INFINITY;
    for (const u of at.packets.filter((p) => p.id <= last).flatMap((p) => p.unmodelled)) {
      if (u.fork === undefined || u.ways === undefined || at.ways.has(u.fork)) continue;
      for (let w = 0; w < u.ways; w++) {
        if (w === u.way) continue;
        const ways = new Map(at.ways).set(u.fork, w);
        const key = [...ways]
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join("\n");
        if (seen.has(key)) continue;
        seen.add(key);
        if (runs++ >= MAX_REPLAYS) return best;
        const next = again(ways);
        if (next.divergences.length === 0) return next;
        if (next.divergences.length < best.divergences.length) best = next;
        queue.push(next);
      }
    }
  }
  return best;
}

/**
 * Simulates the scenario of `parsed` in `world` and compares. A rule the simulator followed both
 * ways with differing outcomes (an unmodelled or chance match, a random pick) is undecided: when the
 * default way diverges, the other ways are replayed too, and a recording that agrees with one of them
 * agrees (`ways` then names the rules taken another way).
 */
export function checkConformance(
  world: World,
  parsed: ParsedTrace,
  meta: {
    mode: "log" | "trace";
    from: string;
    proto: "icmp" | "tcp" | "udp";
    /** Whether the command got its answer ({@link commandAnswered}); then the last packet's fate is compared too. */
    answered?: boolean;
    /** The recording's command (`traffic.command`), which may say what the replay must send (`ping -t 1`). */
    command?: readonly string[];
  },
): ConformanceResult {
  const recorded = recordedPackets(parsed, meta.mode, world.ruleset);
  const shown = scenarioFromRecorded(recorded, meta.from, meta.proto);
  if (!shown)
    return {
      divergences: [{ packet: 1, what: "count", kernel: ["(no IP packet in the trace)"], predicted: [] }],
      recorded,
      simulated: [],
    };
  // What the headers do not give: the TTL sent with, a UDP port no socket listened on, a hand-made frame.
  const needs = replayNeeds(recorded, meta.proto, meta.command, world.ruleset, {
    topology: world.topology,
    from: meta.from,
  });
  const spec: ScenarioSpec = {
    ...shown,
    ...(needs.ttl !== undefined ? { ttl: needs.ttl } : {}),
    ...(needs.closedPort ? { closedPort: true } : {}),
    ...(needs.via !== undefined ? { via: needs.via } : {}),
  };
  const again = (ways: ReadonlyMap<string, number>) =>
    replay(world, recorded, spec, meta.mode, ways, meta.answered);
  const first = again(new Map());
  const best = first.divergences.length ? findAgreeingWays(first, again) : first;
  let routed = false;
  for (const d of best.divergences) {
    const k = d.packet - 1;
    const events = recorded[k]?.events ?? [];
    // The routing note once, at the first packet it explains.
    const route = routed ? undefined : routedDevicesNote(d);
    const note =
      (k > 0 ? floodCopyNote(recorded[k - 1]?.events ?? [], events, k) : undefined) ??
      floodedWithinNote(events) ??
      taggedFrameNote(d) ??
      route;
    if (note) d.note = note;
    if (note && note === route) routed = true;
  }
  const simulated = best.shown;
  const taken = simulated.flatMap((p) => p.unmodelled).filter((u) => u.fork && best.ways.has(u.fork));
  const chosenPorts = best.chosen.filter((c) => c.met).map(chosenPortText);
  return {
    divergences: best.divergences,
    recorded,
    simulated,
    stopped: best.stopped,
    spec,
    ...(taken.length ? { ways: taken } : {}),
    ...(chosenPorts.length ? { chosenPorts } : {}),
    ...(needs.said.length ? { inferred: needs.said } : {}),
  };
}

/** A readable diff of one trace's divergences: kernel vs predicted, line by line. */
export function formatDivergences(name: string, divergences: readonly Divergence[]): string {
  const out: string[] = [];
  for (const d of divergences) {
    out.push(`${name}: packet ${d.packet}: ${d.what} differ (kernel vs predicted)`);
    const n = Math.max(d.kernel.length, d.predicted.length);
    for (let i = 0; i < n; i++) {
      const k = d.kernel[i] ?? "";
      const p = d.predicted[i] ?? "";
      out.push(`  ${k === p ? " " : "!"} ${k.padEnd(48)} | ${p}`);
    }
    if (d.note) out.push(`  note: ${d.note}`);
  }
  return out.join("\n");
}
