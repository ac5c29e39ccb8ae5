/**
 * `packetwalk simulate`: predicts a packet's path through a lab from its topology and ruleset,
 * with the connection's follow-ups, and prints it (human or JSON Lines like `packetwalk parse
 * --json`), or writes it as a simulated trace (kernel log + metadata) beside the recorded ones.
 */

import { copyFileSync, lstatSync, readFileSync, type Stats, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { formatFoldedDiagnostics } from "../core/diagnostics/fold-diagnostics.ts";
import { addressFamily, canonicalAddress } from "../core/simulate/ip-address.ts";
import { parseIpv4 } from "../core/simulate/ipv4.ts";
import { NFT_LOG_TABLE } from "../core/simulate/nft-log-tables.ts";
import { routeLookup } from "../core/simulate/route.ts";
import { runScenario, type ScenarioResult } from "../core/simulate/run-scenario.ts";
import type { HookEvent } from "../core/simulate/simulate-packet.ts";
import { matchedRules, type SimulatedTrace, toTrace } from "../core/simulate/to-kernel-log.ts";
import { buildTopology, type Topology } from "../core/simulate/topology.ts";
import { summaryWithUnloggedNat } from "../core/simulate/unlogged-nat.ts";
import { readerRulesets } from "../core/trace-file/ruleset-pins.ts";
import {
  type Lab,
  type LabHost,
  RP_FILTER_KEY,
  type TraceMeta,
  traceMetaSchema,
} from "../core/trace-file/schema.ts";
import { buildWorld, LabError, loadLab, logsHooks } from "../lab/load-lab.ts";
import { pickHostAddress } from "./host-address.ts";
import { packetHeader } from "./packet-header-json.ts";

/** One line for `packetwalk --help`. */
export const summary = "predict a packet's path from a lab's topology and ruleset";

const USAGE = `usage: packetwalk simulate --lab DIR --from HOST --to ADDR[:PORT] [options]

  --lab DIR            lab folder with lab.json and rulesets/ (e.g. traces/docker-bridge)
  --from HOST          lab host that sends the first packet (e.g. c1, host, wan)
  --to ADDR[:PORT]     destination address (or a lab host name) and, for tcp/udp, port (default 80);
                       IPv6: fd00:a::2 or [fd00:a::2]:8080 (icmp to an IPv6 address is ICMPv6)
  -6                   a lab host name given to --to means its IPv6 address; --from must have one
                       too (default: its IPv4 address when both hosts have one, else its IPv6 one
                       when both have one, else an error naming each host's families)
  --proto P            icmp (default), tcp or udp
  --src ADDR           source address, of --to's family; its family chooses a host name's address
                       (default: chosen by the sender's route)
  --ruleset NAME       ruleset of the lab (default: the lab's first, named on standard error)
  --ruleset-file PATH  a ruleset file instead (e.g. a what-if variant); with --write it is copied to
                       the lab's rulesets/ (and listed in lab.json) under its file name
  --sysctl K=V         override a sysctl (repeatable, 0 or 1): net.ipv4.ip_forward,
                       net.bridge.bridge-nf-call-iptables, their IPv6 twins
                       net.ipv6.conf.all.forwarding and net.bridge.bridge-nf-call-ip6tables,
                       net.ipv4.icmp_echo_ignore_broadcasts (1: an echo to a broadcast address
                       gets no reply), net.ipv4.conf.<all|dev>.rp_filter (0, 1 strict, 2 loose),
                       .accept_local and .route_localnet (1: 127.0.0.0/8 may come in and go out
                       by the device; Docker's --userland-proxy=false sets it on its bridges, so
                       the host reaches a published port at 127.0.0.1), net.ipv4.conf.<dev>.forwarding
                       (0: what comes in by the device is not forwarded), brport.<port>.hairpin_mode,
                       or net.netfilter.nf_conntrack_tcp_loose (0: a TCP segment other than a SYN opens no
                       connection, it is INVALID; one per network namespace, the ruleset host's)
  --no-follow-ups      only the first packet (default: echo reply; SYN, SYN-ACK, ACK)
  --udp-reply          with --proto udp: the destination answers the datagram once, as a DNS or
                       NTP server does (default: the datagram alone, taken by a socket that
                       does not answer)
  --closed             with --proto tcp or udp: no socket listens on the destination port (the lab
                       lists no listening sockets), so the host the packet reaches answers as its
                       kernel does: a TCP SYN with a reset (RST,ACK, through that host's OUTPUT
                       and POSTROUTING and back through any NAT), a UDP datagram with an ICMP port
                       unreachable. Default: a socket listens (TCP: the handshake completes)
  --udp-closed         --closed for UDP (kept for scripts written before --closed)
  --via ADDR           frame the requests to ADDR, a neighbour on one of --from's links, skipping
                       --from's own routing, as a packet socket sends a hand-made frame: how a packet
                       reaches another host's loopback (--from's kernel delivers 127.0.0.1 to itself),
                       e.g. --from wan --to 127.0.0.1:8080 --proto tcp --via 203.0.113.10.
                       Not from the host that runs the ruleset
  --ttl N              the first packet's TTL (IPv6: hop limit), 1-255 (default 64); a router
                       it runs out at answers an ICMP time exceeded
  --len N              the IP total length (LEN) of the first packet and the requests after it, and
                       of an echo reply (which carries its request's data); icmp and udp only, from
                       28 (IPv6: 48) to 65535 bytes. A router whose way out has a smaller MTU (lab.json's
                       mtu) answers fragmentation needed (IPv6: packet too big), or fragments it
  --json               JSON Lines, one object per packet (as packetwalk parse --json, with "matched"
                       (each hook's rules) for "events", and "fate"; the last one has "stopped" when
                       the exchange stopped early)
  --write PATH         write PATH.log (kernel log) and PATH.json (metadata, origin "simulated");
                       PATH's folder must exist
  --question TEXT      the what-if asked (metadata, with --write)
  --title TEXT         title (metadata, with --write)
  --description TEXT   what the trace teaches (metadata, with --write)

Like the capture lab, a LOG rule is put at the top of every iptables/ebtables chain (prefix
pwsm/iptable/<table>-<CHAIN>) and a log chain before every nftables base chain (prefix
pwsm/nft/<family>/<table>/<chain>); a file holding both (nft list ruleset and iptables-legacy-save)
gets both. So the written log has the recorded traces' form; a ruleset that has logging rules of
its own (a trace's instrumentation, e.g. --ruleset docker-28.instrumented-pwid) is simulated as it is.
The report lists, per packet, each chain of the ruleset the packet ran (the logging left out) with
the rules that decided, at their lines in the ruleset file, then the packet's fate.`;

interface Args {
  lab?: string;
  from?: string;
  to?: string;
  /** `-6`: a host name in `to` means its IPv6 address. */
  v6?: boolean;
  proto: "icmp" | "tcp" | "udp";
  /** Whether `--proto` was given (the message for a port with ICMP says which). */
  protoGiven?: boolean;
  src?: string;
  ruleset?: string;
  rulesetFile?: string;
  sysctls: Record<string, string>;
  followUps: boolean;
  /** `--udp-reply`: the UDP destination answers once. */
  udpReply?: boolean;
  /** `--udp-closed`: no socket listens on the UDP destination port. */
  udpClosed?: boolean;
  /** `--closed`: no socket listens on the TCP or UDP destination port. */
  closed?: boolean;
  /** `--via`: the next hop the requests are framed to, the sender's routing skipped. */
  via?: string;
  /** `--ttl`: the initiator's TTL (hop limit). */
  ttl?: number;
  /** `--len`: the IP total length of the initiator's packets (and of an echo reply). */
  len?: number;
  json: boolean;
  write?: string;
  question?: string;
  title?: string;
  description?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const a: Args = { proto: "icmp", sysctls: {}, followUps: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${opt} needs a value`);
      return v;
    };
    switch (opt) {
      case "--lab":
        a.lab = value();
        break;
      case "--from":
        a.from = value();
        break;
      case "--to":
        a.to = value();
        break;
      case "-6":
        a.v6 = true;
        break;
      case "--proto": {
        const p = value();
        if (p !== "icmp" && p !== "tcp" && p !== "udp")
          throw new UsageError(`--proto: '${p}' is not icmp, tcp or udp`);
        a.proto = p;
        a.protoGiven = true;
        break;
      }
      case "--src":
        a.src = value();
        break;
      case "--ruleset":
        a.ruleset = value();
        break;
      case "--ruleset-file":
        a.rulesetFile = value();
        // An empty value (a script's unset variable) would silently simulate the lab's own ruleset.
        if (a.rulesetFile === "") throw new UsageError("--ruleset-file: the path is empty");
        break;
      case "--sysctl": {
        const kv = value();
        const eq = kv.indexOf("=");
        if (eq < 1) throw new UsageError(`--sysctl: '${kv}' is not KEY=VALUE`);
        a.sysctls[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case "--no-follow-ups":
        a.followUps = false;
        break;
      case "--udp-reply":
        a.udpReply = true;
        break;
      case "--udp-closed":
        a.udpClosed = true;
        break;
      case "--closed":
        a.closed = true;
        break;
      case "--via":
        a.via = value();
        break;
      case "--ttl": {
        const v = value();
        if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > 255)
          throw new UsageError(`--ttl: '${v}' is not a TTL from 1 to 255 (as ping -t takes it)`);
        a.ttl = Number(v);
        break;
      }
      case "--len": {
        const v = value();
        if (!/^\d{1,5}$/.test(v) || Number(v) > 65535)
          throw new UsageError(`--len: '${v}' is not an IP total length from 28 to 65535 bytes`);
        a.len = Number(v);
        break;
      }
      case "--json":
        a.json = true;
        break;
      case "--write":
        a.write = value();
        break;
      case "--question":
        a.question = value();
        break;
      case "--title":
        a.title = value();
        break;
      case "--description":
        a.description = value();
        break;
      default:
        throw new UsageError(`unknown option '${opt}'`);
    }
  }
  if (!a.lab || !a.from || !a.to) throw new UsageError("--lab, --from and --to are required");
  if (a.udpReply && a.proto !== "udp")
    throw new UsageError(`--udp-reply answers a UDP datagram: add --proto udp (it is ${a.proto})`);
  if (a.len !== undefined && a.proto === "tcp")
    throw new UsageError(
      "--len sizes an ICMP echo or a UDP datagram: TCP sizes its segments by the MSS (use --proto icmp or udp)",
    );
  if (a.udpClosed && a.proto !== "udp")
    throw new UsageError(
      `--udp-closed closes a UDP port: add --proto udp (it is ${a.proto})${a.proto === "tcp" ? "; for a closed TCP port, --closed" : ""}`,
    );
  if (a.closed && a.proto === "icmp")
    throw new UsageError(
      `--closed closes the destination's TCP or UDP port: ${a.protoGiven ? "--proto icmp has no ports" : "ICMP, the default protocol, has no ports"}; add --proto tcp or --proto udp`,
    );
  const closing = a.closed ? "--closed" : a.udpClosed ? "--udp-closed" : undefined;
  if (closing && a.udpReply)
    throw new UsageError(
      `${closing} and --udp-reply contradict each other: a closed port has no socket to answer`,
    );
  if (a.udpReply && !a.followUps)
    throw new UsageError("--udp-reply and --no-follow-ups contradict each other: the reply is a follow-up");
  return a;
}

/**
 * The destination of `--to`: an address as given, or a lab host's address of a family the
 * `--from` host can send (`-6` and `--src` choose it; see {@link pickHostAddress}).
 */
function resolveTo(topo: Topology, a: Args): { addr: string; port?: number } {
  const to = a.to as string;
  // `[fd00:a::2]:8080`, or a bare IPv6 address (no port).
  const m =
    /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(to) ??
    (to.split(":").length > 2 ? /^([^[\]]+)$/.exec(to) : /^([^:]+)(?::(\d{1,5}))?$/.exec(to));
  if (!m) throw new UsageError(`--to: '${to}' is not ADDR[:PORT] (IPv6: [ADDR]:PORT)`);
  let addr = m[1] as string;
  if (addr.includes(":")) {
    if (addressFamily(addr) !== 6)
      throw new UsageError(`--to: '${addr}' is not an IPv6 address (e.g. fd00:a::2 or [fd00:a::2]:8080)`);
    addr = canonicalAddress(addr);
    if (addr === "::")
      throw new UsageError(
        `--to: '${to}' is the unspecified address (::), which no packet is sent to; give a host's address, e.g. fd00:a::2`,
      );
    // `2001:db8:1::10:22` is one address; a reader who meant port 22 of a lab host's address is told.
    const cut = /^(.*):(\d{1,5})$/.exec(to);
    const base =
      cut && !m[0].startsWith("[") && addressFamily(cut[1] as string) === 6
        ? canonicalAddress(cut[1] as string)
        : "";
    const owner = (x: string) =>
      [...topo.hosts.values()].find((h) =>
        h.interfaces.some((i) => i.addresses.some((c) => canonicalAddress(c.split("/")[0] as string) === x)),
      );
    const meant = base && !owner(addr) ? owner(base) : undefined;
    if (meant)
      throw new UsageError(
        `--to: '${to}' is one IPv6 address, which no lab host has; for port ${cut?.[2]} of ${base} (${meant.name}) write [${base}]:${cut?.[2]}`,
      );
  } else if (/^[\d.]+$/.test(addr)) {
    if (parseIpv4(addr) === undefined)
      throw new UsageError(
        `--to: '${addr}' is not an IPv4 address (four numbers from 0 to 255, e.g. 198.51.100.10)`,
      );
  } else {
    const host = topo.hosts.get(addr);
    if (!host)
      throw new UsageError(
        `--to: '${addr}' is neither an IP address nor a lab host (${[...topo.hosts.keys()].join(", ")})`,
      );
    const picked = pickHostAddress({
      to: host,
      from: topo.hosts.get(a.from as string) as LabHost,
      v6: a.v6,
      src: a.src,
    });
    if ("problem" in picked) throw new UsageError(picked.problem);
    addr = canonicalAddress(picked.address);
  }
  // A port with ICMP (the default protocol) was meant for TCP or UDP: simulating a ping instead would mislead.
  if (m[2] !== undefined && a.proto === "icmp")
    throw new UsageError(
      `--to: port ${m[2]} given, but ${a.protoGiven ? "--proto icmp has no ports" : "no --proto (ICMP, the default, has no ports)"}; add --proto tcp or --proto udp`,
    );
  const port = m[2] === undefined ? (a.proto === "icmp" ? undefined : 80) : Number(m[2]);
  if (port !== undefined && port > 65535) throw new UsageError(`--to: port ${port} is out of range`);
  return { addr, port };
}

/**
 * JSON Lines objects of a simulated trace: `packetwalk parse --json`'s packet, flow, direction, summary,
 * header, hooks and rewrites (no events: `matched` gives each hook's rules instead), plus `fate`.
 */
export function jsonLines(trace: SimulatedTrace, result: ScenarioResult): string[] {
  const last = trace.packets.length - 1;
  return trace.packets.map((p, i) => {
    const sim = result.packets[i];
    return JSON.stringify({
      packet: p.id,
      flow: p.flow,
      direction: p.direction,
      summary: p.summary,
      header: packetHeader(p.events),
      hooks: p.hooks,
      rewrites: p.rewrites,
      matched: p.events.map((e) => ({ hook: e.hook, rules: e.matched ?? [] })),
      fate: sim?.fate,
      ...(sim?.unmodelled.length ? { unmodelled: sim.unmodelled, uncertain: true } : {}),
      ...(sim?.notes.length ? { notes: sim.notes } : {}),
      // Why no packet follows this one, on the last line: one object per packet stays true.
      ...(i === last && result.stopped ? { stopped: result.stopped } : {}),
    });
  });
}

/** A rule of the simulation's own logging (`--log-prefix pwsm/...`, `log prefix "pwsm/..."`): not the user's. */
function ownLogRule(text: string, tag: string): boolean {
  return text.includes(`--log-prefix ${tag}/`) || text.includes(`log prefix "${tag}/`);
}

/**
 * A chain of the nft logging the simulation (or a trace's instrumentation) adds in front of the
 * ruleset's base chains: its rules only log, so the report leaves it out and shows the chains it precedes.
 */
function loggingChain(ev: HookEvent): boolean {
  return (
    ev.table === NFT_LOG_TABLE &&
    ev.verdict === "ACCEPT" &&
    ev.steps.every((s) => s.kind === "policy" || /(?:^|\s)(?:log\b|-j LOG\b)/.test(s.text))
  );
}

/**
 * A built-in chain the simulation's logging made (its table is not in the ruleset: a file of the
 * filter table alone, say): only the logging rule and its policy, declared nowhere (line 0).
 */
function addedForLogging(ev: HookEvent, tag: string): boolean {
  return ev.steps.every((s) => (s.kind === "policy" && s.line === 0) || ownLogRule(s.text, tag));
}

/**
 * The human report: per packet, every chain the simulator ran (the ruleset's own, not the logging it
 * adds) with the rules that decided, at their lines in the ruleset file, then the packet's fate.
 */
function humanReport(trace: SimulatedTrace, result: ScenarioResult, tag: string): string {
  const out: string[] = [];
  trace.packets.forEach((p, i) => {
    const sim = result.packets[i];
    // The report knows the packet as it arrived: it says the NAT no log line shows.
    out.push(`packet ${p.id} (${p.direction}): ${sim ? summaryWithUnloggedNat(p, sim) : p.summary}`);
    for (const e of sim?.events ?? []) {
      if (loggingChain(e) || addedForLogging(e, tag)) continue;
      const dev = [
        e.in ? `IN=${e.in}` : "",
        e.out ? `OUT=${e.out}` : "",
        e.physIn ? `PHYSIN=${e.physIn}` : "",
        e.physOut ? `PHYSOUT=${e.physOut}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      out.push(
        `  ${e.hook.padEnd(24)} ${canonicalAddress(e.packet.src)} -> ${canonicalAddress(e.packet.dst)}  ${dev}${e.uncertain ? "  (uncertain)" : ""}`,
      );
      for (const r of matchedRules(e)) {
        if (ownLogRule(r.text, tag)) continue;
        out.push(
          `      ${r.ruleLine ? `line ${String(r.ruleLine).padStart(3)}` : "        "}  ${r.verdict.padEnd(10)} ${r.text}${r.chance ? `  (the same fate whichever way '${r.chance}' goes)` : ""}${r.otherwise ? `  (had it not matched: ${r.otherwise.ruleLine ? `line ${r.otherwise.ruleLine}, ` : ""}${r.otherwise.text})` : ""}`,
        );
      }
    }
    const f = sim?.fate;
    if (f) out.push(`  => ${f.kind === "delivered" ? `delivered to ${f.host}` : `${f.kind}: ${f.reason}`}`);
    for (const u of sim?.unmodelled ?? [])
      out.push(
        `  ! unmodelled at ${u.table} ${u.chain} line ${u.line}: ${u.what} (in: ${u.text}); the result is uncertain from there${u.alternatives?.length ? `; ${u.alternatives.join("; ")}` : ""}`,
      );
    for (const n of sim?.notes ?? []) out.push(`  note: ${n}`);
  });
  if (result.stopped) out.push(`stopped: ${result.stopped}`);
  return out.join("\n");
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let a: Args;
  try {
    a = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`packetwalk simulate: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  try {
    checkLabFolder(a.lab as string);
    const lab = loadLab(a.lab as string);
    const l = lab.data.lab;
    if (!l) throw new LabError(`${a.lab}: not a lab folder`);
    checkSysctls(a.sysctls, l.hosts);
    if (a.src !== undefined && addressFamily(a.src) === undefined)
      throw new UsageError(`--src: '${a.src}' is not an IPv4 or IPv6 address (e.g. 172.17.0.2 or fd00:a::2)`);
    // Everything --write needs is checked before the simulation: nothing is half written.
    const copy = a.write ? planWrite(a.write, a.lab as string, a.rulesetFile) : undefined;
    const tag = "pwsm";
    let rulesetText: { text: string; file: string } | undefined;
    if (a.rulesetFile) {
      try {
        rulesetText = { text: readFileSync(a.rulesetFile, "utf8"), file: a.rulesetFile };
      } catch (e) {
        throw new LabError(
          `${a.rulesetFile}: cannot read the ruleset file (${(e as NodeJS.ErrnoException).code ?? e})`,
        );
      }
      if (a.ruleset)
        process.stderr.write(
          `packetwalk simulate: --ruleset ${a.ruleset} is not used: --ruleset-file ${a.rulesetFile} gives the rules\n`,
        );
    }
    // A ruleset saved with its logging rules (a trace's instrumentation) is simulated as it is.
    const chosen =
      rulesetText?.text ??
      lab.data.rulesets[a.ruleset ?? readerRulesets(lab.data.lab?.rulesets ?? [])[0] ?? ""];
    const instrumented = chosen !== undefined && logsHooks(chosen);
    const topology = buildTopology(l);
    if (!topology.hosts.has(a.from as string))
      throw new LabError(
        `--from: '${a.from}' is not a host of ${a.lab}/lab.json (${[...topology.hosts.keys()].join(", ")})`,
      );
    const to = resolveTo(topology, a);
    // Logged as recorded: iptables chains by LOG rules, nftables base chains by log chains before them.
    // The destination's family decides which tables get the logging (ip6tables, nft ip6/inet for IPv6).
    const v6 = addressFamily(to.addr) === 6;
    const { world, diagnostics } = buildWorld(lab, {
      ruleset: a.ruleset,
      rulesetText,
      sysctls: a.sysctls,
      ...(instrumented ? {} : { simulationLog: { tag, proto: a.proto, v6 } }),
    });
    for (const d of formatFoldedDiagnostics(diagnostics)) process.stderr.write(`${d}\n`);
    if (diagnostics.some((d) => d.severity === "error")) return 2;
    // The IP and ICMP (UDP) headers: 28 bytes over IPv4, 48 over IPv6.
    const headers = addressFamily(to.addr) === 6 ? 48 : 28;
    if (a.len !== undefined && a.len < headers)
      throw new UsageError(
        `--len: ${a.len} bytes is shorter than the ${headers} bytes of the headers to ${to.addr} (IP and ${a.proto === "icmp" ? "ICMP" : "UDP"})`,
      );
    if (a.src !== undefined && addressFamily(a.src) !== addressFamily(to.addr))
      throw new UsageError(`--src: '${a.src}' and the destination ${to.addr} are not of one IP family`);
    if (a.via !== undefined) checkVia(topology, a.from as string, a.via, to.addr);
    const choices = readerRulesets(l.rulesets);
    if (!a.rulesetFile && !a.ruleset && choices[0])
      process.stderr.write(
        `packetwalk simulate: ruleset '${choices[0]}', the first of ${a.lab}/lab.json's (${choices.join(", ")}); choose one with --ruleset NAME\n`,
      );
    const result = runScenario(world, {
      from: a.from as string,
      to: to.addr,
      src: a.src,
      proto: a.proto,
      dport: to.port,
      ...(a.ttl !== undefined ? { ttl: a.ttl } : {}),
      ...(a.len !== undefined ? { len: a.len } : {}),
      ...(a.udpClosed || a.closed ? { closedPort: true } : {}),
      ...(a.via !== undefined ? { via: canonicalAddress(a.via) } : {}),
      script: a.udpReply
        ? [{ direction: "request" }, { direction: "reply" }]
        : a.followUps
          ? undefined
          : // The echo request of the destination's family (ICMPv6's is 128): runScenario's default.
            [{ direction: "request", tcpFlags: a.proto === "tcp" ? ["SYN"] : undefined }],
    });
    if (a.via === undefined) noteOwnLoopback(result, topology, a.from as string, to.addr);
    const file = a.write ? `${basename(a.write)}.log` : "simulated.log";
    const trace = toTrace(result.packets, { file });
    if (a.json) process.stdout.write(`${jsonLines(trace, result).join("\n")}\n`);
    else process.stdout.write(`${humanReport(trace, result, tag)}\n`);
    if (a.write && copy) {
      const stem = basename(a.write);
      const first = result.packets[0];
      const toHost =
        first?.fate.kind === "delivered"
          ? first.fate.host
          : (world.topology.addressOwner.get(to.addr)?.host ?? (a.from as string));
      const meta: TraceMeta = traceMetaSchema.parse({
        version: 1,
        scenario: stem,
        title: a.title ?? `Simulated: ${a.from} -> ${a.to} (${a.proto})`,
        description: a.description,
        mode: "log",
        origin: "simulated",
        question: a.question,
        traffic: {
          from: a.from,
          to: toHost,
          proto: a.proto,
          command: [
            "packetwalk",
            "simulate",
            ...argv.filter(
              (x, i) =>
                x !== "--write" &&
                argv[i - 1] !== "--write" &&
                !["--question", "--title", "--description"].includes(x) &&
                !["--question", "--title", "--description"].includes(argv[i - 1] ?? ""),
            ),
          ],
        },
        tag,
        // The ruleset the packets went through: the file's (copied into the lab below), else the lab's.
        ruleset: copy.ruleset ?? a.ruleset ?? readerRulesets(l.rulesets)[0],
        sysctls: a.sysctls,
      });
      if (copy.copyTo && a.rulesetFile) {
        copyFileSync(a.rulesetFile, copy.copyTo);
        process.stderr.write(`copied ${a.rulesetFile} to ${copy.copyTo}\n`);
      }
      if (copy.labJson) {
        writeFileSync(copy.labJson.path, copy.labJson.text);
        process.stderr.write(`listed ruleset '${copy.ruleset}' in ${copy.labJson.path}\n`);
      }
      writeFileSync(`${a.write}.log`, `${trace.lines.join("\n")}\n`);
      writeFileSync(`${a.write}.json`, `${JSON.stringify(meta, null, 2)}\n`);
      process.stderr.write(`wrote ${join(dirname(a.write), `${stem}.log`)} and ${stem}.json\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof LabError || error instanceof UsageError) {
      process.stderr.write(`packetwalk simulate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * Throws a {@link UsageError} when `--via` cannot be framed to: not an address of the destination's
 * family, not on a link of `from` (a neighbour its routes reach without a gateway), or `from` runs the
 * ruleset (a packet socket's frame skips the IP hooks the walk runs).
 */
function checkVia(topology: Topology, from: string, via: string, dst: string): void {
  const family = addressFamily(via);
  if (family === undefined)
    throw new UsageError(`--via: '${via}' is not an IP address (the neighbour's, e.g. 203.0.113.10)`);
  if (family !== addressFamily(dst))
    throw new UsageError(`--via: '${via}' and the destination ${dst} are not of one IP family`);
  if (from === topology.netfilterHost)
    throw new UsageError(
      `--via: ${from} runs the ruleset, and a frame it sends from a packet socket skips its IP hooks, which the simulator does not model; send from another host`,
    );
  const link = routeLookup(topology, from, canonicalAddress(via));
  if (link.kind !== "unicast" || link.via !== undefined)
    throw new UsageError(
      `--via: ${via} is not on a link of ${from}${link.kind === "unicast" ? ` (${from} reaches it through ${link.via})` : ""}; give the address of a neighbour on one of ${from}'s links`,
    );
}

/**
 * Adds a note to the first packet when `from`, not the host that runs the ruleset, delivered it to
 * itself because `dst` is a loopback address: every host's own, its local table looked up before its
 * routes (kernel 6.18: with a route 127.0.0.1/32 via a neighbour, `ping 127.0.0.1` was answered by lo;
 * only `ping -I <dev>`, a socket bound to the device, left by it), so the packet never left; `--via`
 * sends it out.
 */
function noteOwnLoopback(result: ScenarioResult, topology: Topology, from: string, dst: string): void {
  const first = result.packets[0];
  const loopback = dst === "::1" || (addressFamily(dst) === 4 && dst.startsWith("127."));
  if (!first || !loopback || from === topology.netfilterHost) return;
  if (first.fate.kind !== "delivered" || first.fate.host !== from) return;
  const hop = [...(topology.hosts.get(from)?.routes ?? [])].find(
    (r) => r.via !== undefined && addressFamily(r.via) === addressFamily(dst),
  )?.via;
  const which = hop
    ? `the gateway of a route of ${from}'s`
    : `the address of a neighbour on one of ${from}'s links`;
  first.notes.push(
    `${dst} is ${from}'s own loopback address: its kernel delivers it to itself (its local table comes before its routes), so it never leaves ${from}; to send it to another host's loopback, as a hand-made frame on the link does, add --via ${hop ?? "ADDR"} (${which})`,
  );
}

/**
 * Throws a {@link UsageError} when `--lab` is not a folder: a file (often the lab's lab.json itself)
 * or nothing; what the folder lacks is for {@link loadLab} to say.
 */
function checkLabFolder(dir: string): void {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch {
    throw new UsageError(
      `--lab ${dir}: no such folder; --lab wants a lab's folder, the one holding lab.json (e.g. traces/docker-bridge)`,
    );
  }
  if (!stats.isDirectory())
    throw new UsageError(
      `--lab ${dir}: is a file; --lab wants the lab's folder, the one holding lab.json${basename(dir) === "lab.json" ? ` (here --lab ${dirname(dir)})` : " (e.g. traces/docker-bridge)"}`,
    );
}

/**
 * Conntrack's pick-up of a TCP connection mid-stream (see `tcpLooseOf`): one value per network namespace
 * (kernel 6.18: `sysctl -w` of it in one namespace left another's at 1; no interface has its own, so
 * `net.netfilter.<dev>.nf_conntrack_tcp_loose` and `net.ipv4.conf.<dev>.nf_conntrack_tcp_loose` "cannot stat").
 */
const TCP_LOOSE = "net.netfilter.nf_conntrack_tcp_loose";

/** Sysctls the simulator reads, all 0 or 1; `brport.<port>.hairpin_mode` needs a bridge port of the lab. */
const MODELLED_SYSCTLS = [
  "net.ipv4.ip_forward",
  "net.bridge.bridge-nf-call-iptables",
  "net.ipv6.conf.all.forwarding",
  "net.bridge.bridge-nf-call-ip6tables",
  "net.ipv4.icmp_echo_ignore_broadcasts",
  TCP_LOOSE,
];

/**
 * The per-device IPv4 settings the simulator reads (`net.ipv4.conf.<all|dev>.<name>`): the device's
 * and `all`'s, as the kernel combines them (rp_filter the larger; accept_local, route_localnet either).
 */
const DEVICE_SYSCTLS = ["rp_filter", "accept_local", "route_localnet"];

/** A key of {@link DEVICE_SYSCTLS}, or a device's own `forwarding` (`all`'s is ip_forward, refused by name). */
const DEVICE_KEY = new RegExp(`^net\\.ipv4\\.conf\\.([^.]+)\\.(${DEVICE_SYSCTLS.join("|")}|forwarding)$`);

/** Throws a {@link UsageError} for a sysctl the simulator does not read, or a value it cannot be. */
function checkSysctls(sysctls: Record<string, string>, hosts: Lab["hosts"]): void {
  const ports = hosts.flatMap((h) => h.interfaces.filter((i) => i.bridge).map((i) => i.name));
  for (const [key, value] of Object.entries(sysctls)) {
    const port = /^brport\.(.+)\.hairpin_mode$/.exec(key)?.[1];
    if (port !== undefined && !ports.includes(port))
      throw new UsageError(
        `--sysctl ${key}: '${port}' is not a bridge port of the lab (${ports.join(", ") || "none"})`,
      );
    const rpf = RP_FILTER_KEY.test(key);
    // net.ipv4.conf.all.forwarding is net.ipv4.ip_forward under another name (one variable in the kernel).
    if (key === "net.ipv4.conf.all.forwarding")
      throw new UsageError(
        `--sysctl ${key}: the kernel keeps this switch and net.ipv4.ip_forward as one (writing either sets both); write --sysctl net.ipv4.ip_forward=${value}`,
      );
    // Written per interface (or host part) as rp_filter is: the kernel keeps one for the namespace.
    if (key !== TCP_LOOSE && key.endsWith(".nf_conntrack_tcp_loose"))
      throw new UsageError(
        `--sysctl ${key}: nf_conntrack_tcp_loose is a setting of a whole network namespace, not of an interface (the kernel has no per-device one); write --sysctl ${TCP_LOOSE}=${value}, which sets it for the host that runs the ruleset, as lab.json's sysctls do`,
      );
    const conf = DEVICE_KEY.exec(key)?.[1];
    if (port === undefined && conf === undefined && !MODELLED_SYSCTLS.includes(key))
      throw new UsageError(
        `--sysctl ${key}: the simulator does not model this setting (it reads ${MODELLED_SYSCTLS.join(", ")}, net.ipv4.conf.<all|dev>.${DEVICE_SYSCTLS.join(", .")}, net.ipv4.conf.<dev>.forwarding, and brport.<port>.hairpin_mode)`,
      );
    // sysctl writes a device name's dots as slashes.
    const devices = hosts.flatMap((h) => h.interfaces.map((i) => i.name.replaceAll(".", "/")));
    if (conf !== undefined && conf !== "all" && !devices.includes(conf))
      throw new UsageError(
        `--sysctl ${key}: '${conf}' is not an interface of the lab (write all, or one of ${[...new Set(devices)].join(", ")})`,
      );
    if (value !== "0" && value !== "1" && !(rpf && value === "2"))
      throw new UsageError(
        `--sysctl ${key}=${value}: the value must be 0 or 1${rpf ? " (or 2, loose)" : ""}`,
      );
  }
}

/** What `--write` will do besides writing the trace: the ruleset name to record and a file to copy. */
interface WritePlan {
  /** The name recorded in the metadata when a --ruleset-file was given. */
  ruleset?: string;
  /** Where the ruleset file is copied (absent when the lab already holds the same file). */
  copyTo?: string;
  /** lab.json with the ruleset listed (absent when it is listed already). */
  labJson?: { path: string; text: string };
}

/**
 * Checks that `--write PATH` can be done, before anything is simulated or
 * written: PATH's folder exists (no folder is created), and a --ruleset-file
 * can join the lab's rulesets under its file name (the same content may
 * already be there; a different file of that name is an error).
 */
function planWrite(write: string, labDir: string, rulesetFile: string | undefined): WritePlan {
  const stem = basename(write);
  if (!stem || write.endsWith("/"))
    throw new UsageError(
      `--write: '${write}' names a folder; give PATH without .log/.json, e.g. ${labDir}/sim-x`,
    );
  const folder = dirname(resolve(write));
  if (!isDirectory(folder))
    throw new UsageError(
      `--write: the folder ${dirname(write)} does not exist (packetwalk creates no folders: create it, or write into the lab, e.g. ${labDir}/${stem})`,
    );
  checkNotRecorded(write);
  if (!rulesetFile) return {};
  const name = basename(rulesetFile, extname(rulesetFile) === ".rules" ? ".rules" : "");
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new UsageError(
      `--ruleset-file ${rulesetFile}: '${name}' cannot name a ruleset of the lab (letters, digits, '.', '_' or '-'); rename the file`,
    );
  const rulesets = join(labDir, "rulesets");
  if (!isDirectory(rulesets))
    throw new UsageError(`--write: the lab has no folder ${rulesets} to copy the ruleset into`);
  const target = join(rulesets, `${name}.rules`);
  const labJson = labJsonWith(labDir, name);
  const listed = labJson ? { labJson } : {};
  let existing: Buffer | undefined;
  try {
    existing = readFileSync(target);
  } catch {
    existing = undefined;
  }
  if (existing === undefined) return { ruleset: name, copyTo: target, ...listed };
  let mine: Buffer;
  try {
    mine = readFileSync(rulesetFile);
  } catch (e) {
    throw new LabError(
      `${rulesetFile}: cannot read the ruleset file (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  if (!existing.equals(mine))
    throw new UsageError(
      `--write: the lab already has a different ruleset '${name}' (${target}); rename ${rulesetFile} or make them the same`,
    );
  return { ruleset: name, ...listed };
}

/**
 * Throws a {@link UsageError} when `--write PATH` would replace a trace that is not an earlier
 * simulation (those are regenerated in place): PATH.json of another origin, or not readable as
 * metadata (lab.json is one), or a PATH.log without a PATH.json, whose origin nobody knows.
 */
function checkNotRecorded(write: string): void {
  const log = `${write}.log`;
  const json = `${write}.json`;
  const choose = `choose another name for the simulated trace, e.g. --write ${write}-sim`;
  if (!entryExists(json)) {
    if (entryExists(log))
      throw new UsageError(
        `--write: ${log} exists without ${basename(json)}, so whether it was recorded is unknown; packetwalk does not replace it: ${choose}`,
      );
    return;
  }
  let origin: unknown;
  try {
    origin = (JSON.parse(readFileSync(json, "utf8")) as { origin?: unknown }).origin;
  } catch {
    origin = undefined;
  }
  if (origin !== "simulated")
    throw new UsageError(
      `--write: ${json} ${origin === undefined ? "is not a trace's metadata" : `is a trace of origin ${JSON.stringify(origin)}`}, not an earlier simulation; packetwalk does not replace it: ${choose}`,
    );
}

/** Whether anything is at `path`, a dangling link too (writing there would follow it). */
function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `labDir/lab.json` with `name` added to its `rulesets` list (the text edited
 * in place, so the rest keeps its layout); undefined when it is listed already.
 */
function labJsonWith(labDir: string, name: string): { path: string; text: string } | undefined {
  const path = join(labDir, "lab.json");
  const text = readFileSync(path, "utf8");
  const listed = (t: string) => (JSON.parse(t) as { rulesets?: string[] }).rulesets ?? [];
  const before = listed(text);
  if (before.includes(name)) return undefined;
  const list = /("rulesets"\s*:\s*\[)([^\]]*)\]/.exec(text);
  // One item per line when the list was written so (as the formatter does for long lists), else one line.
  const item = /\n([ \t]*)"/.exec(list?.[2] ?? "")?.[1];
  const close = /\n([ \t]*)$/.exec(list?.[2] ?? "")?.[1] ?? "";
  const items = [...before, name].map((n) => JSON.stringify(n));
  const body =
    item === undefined ? items.join(", ") : `\n${items.map((n) => `${item}${n}`).join(",\n")}\n${close}`;
  const next = list
    ? `${text.slice(0, list.index)}${list[1]}${body}]${text.slice(list.index + list[0].length)}`
    : undefined;
  if (!next || !listed(next).includes(name))
    throw new LabError(
      `${path}: has no "rulesets" list to add '${name}' to; add the list, e.g. "rulesets": []`,
    );
  return { path, text: next };
}
