/**
 * Turns simulated packets into the shared model (`Packet`/`Flow` with `TraceEvent`s, the same
 * shape the parser gives for recorded traces, plus `matched` rules per event) and into kernel log
 * lines in the recorded traces' form, written with the parser's own formatters (`formatLogLine`,
 * `formatEbtLine`) so that `packetwalk parse` and the plugin take them unchanged.
 */
import type { HookId } from "../model/hook.ts";
import type { Flow, MatchedRule, Packet, Rewrite, TraceEvent } from "../model/packet.ts";
import {
  findRewrites,
  formatEbtLine,
  formatLogLine,
  summarizeEvent,
  summarizePacket,
} from "../parse/index.ts";
import { kernelIpv6 } from "../parse/ipv6.ts";
import { isIcmp, type PacketSnapshot } from "./sim-packet.ts";
import type { HookEvent, SimulatedPacket } from "./simulate-packet.ts";

/** Options of {@link toTrace}. */
export interface ToTraceOptions {
  /** File name used in event positions (default `simulated.log`). */
  file?: string;
  /** Uptime of the first line in seconds (default 1000). */
  start?: number;
  /**
   * Which chains become events: `logged` (only where a LOG rule fired, what the kernel log shows;
   * the default) or `all` (every chain crossed).
   */
  events?: "logged" | "all";
  /** Prefix for chains crossed without a LOG rule firing (with `events: "all"`); default `sim/<iptable|ebtable>/<table>-<CHAIN>`. */
  prefixFor?: (ev: HookEvent) => string;
}

/** The simulated trace: model, and the kernel log text line by line. */
export interface SimulatedTrace {
  packets: Packet[];
  flows: Flow[];
  /** Kernel log lines (dmesg envelope), in order; `packets[i].events[j].raw` are among them. */
  lines: string[];
}

/** The seed's prefix convention for a chain, used when no LOG rule of the ruleset named it. */
export function defaultPrefix(ev: HookEvent): string {
  const tool = ev.family === "ip" ? "iptable" : ev.family === "ip6" ? "ip6table" : "ebtable";
  return `sim/${tool}/${ev.table}-${ev.chain.replace(/ROUTING$/, "ROUTE")}`;
}

/** A `dmesg` timestamp envelope: `[ 1000.000123] `. */
export function dmesgEnvelope(seconds: number): string {
  return `[${seconds.toFixed(6).padStart(12, " ")}] `;
}

/** The rules of a hook event as the model's `matched` list (fall-through returns left out). */
export function matchedRules(ev: HookEvent): MatchedRule[] {
  return ev.steps
    .filter((s) => s.kind !== "return")
    .map((s) => ({
      chain: s.chain,
      ruleLine: s.kind === "policy" ? 0 : s.line,
      // A user chain's own policy (ebtables) names its chain: the hook's chain is another.
      text:
        s.kind === "policy" ? `policy ${s.verdict}${s.chain !== ev.chain ? ` of ${s.chain}` : ""}` : s.text,
      verdict: s.verdict,
      ...(s.unmodelled ? { unmodelled: true } : {}),
      ...(s.target ? { target: s.target } : {}),
      ...(s.chance ? { chance: s.chance } : {}),
      ...(s.otherwise
        ? {
            otherwise: {
              ruleLine: s.otherwise.kind === "policy" ? 0 : s.otherwise.line,
              text: s.otherwise.kind === "policy" ? `policy ${s.otherwise.verdict}` : s.otherwise.text,
              verdict: s.otherwise.verdict,
            },
          }
        : {}),
    }));
}

function toEvent(
  ev: HookEvent,
  prefix: string,
  file: string,
  line: number,
  time: number,
  mark = ev.packet.mark,
): TraceEvent {
  const p = ev.packet;
  const e: TraceEvent = {
    hook: ev.hook as HookId,
    prefix,
    source: ev.family === "bridge" ? "ebt-log" : "log",
    raw: "",
    position: { file, line, column: 1 },
    time,
    in: ev.in ?? "",
    out: ev.out ?? "",
    ip: ipInfo(p, ev.family === "bridge"),
    l4: l4Info(p, ev.family !== "bridge"),
  };
  if (ev.physIn) e.physIn = ev.physIn;
  if (ev.physOut) e.physOut = ev.physOut;
  // LOG prints the MAC header only with an input device; ebt_log always does.
  if ((ev.family === "bridge" || ev.in) && p.macSrc && p.macDst) {
    e.macSrc = p.macSrc;
    e.macDst = p.macDst;
    e.ethType = p.v6 ? "0x86dd" : "0x0800";
  }
  const ipHook = ev.family !== "bridge";
  // LOG prints the packet an ICMP error quotes after its header, in brackets; ebt_log does not.
  if (ipHook && p.quoted) e.inner = { ip: ipInfo(p.quoted, false), l4: l4Info(p.quoted, true) };
  // The mark as it stood when the line was written (a rule of the chain may have set it before).
  if (ipHook && mark) e.mark = `0x${mark.toString(16)}`;
  e.matched = matchedRules(ev);
  if (ev.uncertain) e.uncertain = true;
  e.raw = dmesgEnvelope(time) + (ev.family === "bridge" ? formatEbtLine(e) : formatLogLine(e));
  return e;
}

/** The IP header of `p` as a LOG line (`bridge`: an ebtables `--log-ip` line) prints it. */
function ipInfo(p: PacketSnapshot, bridge: boolean): NonNullable<TraceEvent["ip"]> {
  // IPv6: the kernel prints every address in full (`%pI6`), a hop limit, a traffic class and a flow label.
  const ip: NonNullable<TraceEvent["ip"]> = p.v6
    ? {
        src: kernelIpv6(p.src),
        dst: kernelIpv6(p.dst),
        len: p.len,
        ttl: p.ttl,
        tc: p.tos ?? 0,
        flowLabel: p.flowLabel ?? 0,
      }
    : // LOG splits the TOS byte: TOS= its bits 1-4 (IPTOS_TOS_MASK), PREC= the precedence (top
      // three); ebtables' --log-ip prints it whole (`IP tos=0xB8`).
      {
        src: p.src,
        dst: p.dst,
        len: p.len,
        tos: bridge ? (p.tos ?? 0) : (p.tos ?? 0) & 0x1e,
        ttl: p.ttl,
        id: p.id,
        flags: [...p.ipFlags],
      };
  if (!p.v6 && !bridge) (ip as { prec?: number }).prec = (p.tos ?? 0) & 0xe0;
  return ip;
}

/** The transport header of `p` as a LOG line prints it (`ipHook`: an IP hook's line, not ebtables'). */
function l4Info(p: PacketSnapshot, ipHook: boolean): NonNullable<TraceEvent["l4"]> {
  const l4: NonNullable<TraceEvent["l4"]> = { proto: p.proto };
  if (isIcmp(p)) {
    l4.icmpType = p.icmpType;
    l4.icmpCode = p.icmpCode ?? 0;
    if (p.icmpMtu !== undefined) l4.mtu = p.icmpMtu;
    const echo = p.v6 ? p.icmpType === 128 || p.icmpType === 129 : p.icmpType === 0 || p.icmpType === 8;
    if (ipHook && echo) {
      l4.icmpId = p.icmpId;
      l4.icmpSeq = p.icmpSeq;
    }
  } else {
    l4.sport = p.sport;
    l4.dport = p.dport;
    if (ipHook && p.proto === "tcp") {
      l4.tcpFlags = [...(p.tcpFlags ?? [])];
      l4.window = p.window ?? 64240;
      (l4 as { res?: number; urgp?: number }).res = 0;
      (l4 as { urgp?: number }).urgp = 0;
    }
    if (ipHook && p.proto === "udp") (l4 as { udpLen?: number }).udpLen = p.len - (p.v6 ? 40 : 20);
  }
  return l4;
}

/** Builds the model and the kernel log of simulated packets (one connection: flow 1). */
export function toTrace(simulated: readonly SimulatedPacket[], options: ToTraceOptions = {}): SimulatedTrace {
  const file = options.file ?? "simulated.log";
  const mode = options.events ?? "logged";
  const prefixFor = options.prefixFor ?? defaultPrefix;
  let t = options.start ?? 1000;
  const lines: string[] = [];
  const packets: Packet[] = [];
  for (const sp of simulated) {
    const events: TraceEvent[] = [];
    for (const ev of sp.events) {
      const hits: { prefix: string; mark?: number }[] = ev.logs.length
        ? ev.logs
        : mode === "all"
          ? [{ prefix: prefixFor(ev) }]
          : [];
      for (const { prefix, mark } of hits) {
        const e = toEvent(ev, prefix, file, lines.length + 1, t, mark);
        lines.push(e.raw);
        events.push(e);
        t += 0.000005;
      }
    }
    t += 0.0002;
    const rewrites = findRewrites(events);
    packets.push({
      id: packets.length + 1,
      flow: 1,
      direction: sp.direction,
      summary: events.length
        ? summarizeLogged(events, rewrites, sp.direction, sp.sent)
        : `${summarizeEvent(unloggedEvent(sp.sent))} (no LOG rule printed it${sp.sent.src ? "" : "; no source address: the sender has no route"})`,
      events,
      hooks: events.map((e) => e.hook),
      rewrites,
    });
  }
  const proto = simulated[0]?.sent.proto ?? "icmp";
  const flows: Flow[] = packets.length ? [{ id: 1, proto, packets: packets.map((p) => p.id) }] : [];
  return { packets, flows, lines };
}

/**
 * The summary of a simulated packet from its logged `events` (at least one) and `rewrites`:
 * made from its first IPv4 LOG line, which says the most, else its first line. ebtables lines carry
 * no ICMP type or TCP flags: with only those, the packet `sent` gives them (NAT changes neither).
 */
export function summarizeLogged(
  events: readonly TraceEvent[],
  rewrites: readonly Rewrite[],
  direction: Packet["direction"],
  sent?: PacketSnapshot,
): string {
  const logged = events.find((e) => e.source === "log");
  let first = logged ?? (events[0] as TraceEvent);
  if (!logged && sent && first.l4 && first.l4.proto === sent.proto) {
    const { tcpFlags, icmpType, icmpCode } = unloggedEvent(sent).l4 ?? {};
    first = {
      ...first,
      l4: {
        ...first.l4,
        ...(tcpFlags ? { tcpFlags } : {}),
        ...(icmpType !== undefined ? { icmpType, icmpCode } : {}),
      },
    };
  }
  return summarizePacket({ events: [first], rewrites: [...rewrites], direction });
}

/** A packet no hook logged, as an event for its summary: its TCP flags or ICMP type said like a logged one's. */
function unloggedEvent(p: PacketSnapshot): TraceEvent {
  return {
    // A sender with no route chose no source address: said as unknown, not as an empty word.
    ip: { src: p.src || "?", dst: p.dst },
    l4: {
      proto: p.proto,
      ...(p.sport !== undefined ? { sport: p.sport, dport: p.dport } : {}),
      ...(p.tcpFlags ? { tcpFlags: p.tcpFlags } : {}),
      ...(p.icmpType !== undefined ? { icmpType: p.icmpType, icmpCode: p.icmpCode } : {}),
    },
  } as TraceEvent;
}
