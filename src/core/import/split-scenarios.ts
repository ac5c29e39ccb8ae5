/**
 * Cuts a parsed log into scenarios for `packetwalk import`: one per flow, named after its
 * direction (`<from>-to-<to>`, `-v6` for IPv6, `-<proto>` for the flows of every protocol but the
 * first that name had in the log; several of one protocol by destination port, else numbered), each
 * with the verbatim input lines of its packets in input order. Pure.
 */
import { protocolWords, UNNAMED_PORTS_TRANSPORT, UNNAMED_PORTS_WHY } from "../model/ip-protocols.ts";
import type { ParsedTrace, TraceEvent } from "../model/packet.ts";
import { canonicalAddress } from "../simulate/ip-address.ts";

/** One scenario found in the log. */
export interface FoundScenario {
  stem: string;
  from: string;
  to: string;
  proto: "icmp" | "tcp" | "udp";
  /** 1-based input line numbers of its lines, ascending. */
  lines: number[];
  packets: number;
  /** The request's first addresses, for the title. */
  src: string;
  dst: string;
  /** The destination port the request was sent to (before any DNAT), for TCP and UDP. */
  dport?: number;
  /** No packet of it is a request: answers whose request is not in the flow (conntrack did not match them to it). */
  repliesOnly?: true;
}

/** What could not be placed. */
export interface SplitResult {
  scenarios: FoundScenario[];
  /** Flows left out, with the reason (an address no host owns, a protocol the format has no name for). */
  skipped: string[];
  /** Flows kept as a hairpin (a DNAT back to the sender's own host), each said for the reviewer. */
  hairpins: string[];
}

/**
 * Tells apart the scenarios that share a name (one pair of hosts, one protocol): by destination
 * port when the ports differ (`-tcp-22`, `-tcp-23`), numbered in log order where the port does not
 * tell them apart (`-2`, `-22-2`); then appends `suffix`.
 */
function nameApart(scenarios: FoundScenario[], suffix: string): void {
  const byName = new Map<string, FoundScenario[]>();
  for (const s of scenarios) byName.set(s.stem, [...(byName.get(s.stem) ?? []), s]);
  for (const [name, group] of byName) {
    const ports = new Set(group.map((s) => s.dport));
    const byPort = ports.size > 1;
    const seen = new Map<string, number>();
    for (const s of group) {
      const stem = byPort ? `${name}-${s.dport ?? "noport"}` : name;
      const n = (seen.get(stem) ?? 0) + 1;
      seen.set(stem, n);
      s.stem = `${stem}${n > 1 ? `-${n}` : ""}${suffix}`;
    }
  }
}

function eventLines(e: TraceEvent): number[] {
  const out = [e.position.line];
  for (const v of e.verdicts ?? []) if (v.position) out.push(v.position.line);
  return out;
}

/**
 * Splits `parsed` (parsed from `text`) into scenarios. `owner` maps an address to its lab host;
 * `suffix` is appended to every stem (e.g. `-trace`); `netfilterHost` (default `host`) is the
 * Docker host, the one host a flow may start and end in (its own traffic over `lo`).
 */
export function splitScenarios(
  parsed: ParsedTrace,
  text: string,
  owner: ReadonlyMap<string, string>,
  suffix = "",
  netfilterHost = "host",
): SplitResult {
  const byId = new Map(parsed.packets.map((p) => [p.id, p]));
  const skipped: string[] = [];
  const hairpins: string[] = [];
  const scenarios: FoundScenario[] = [];
  // The protocol of each name's first flow: its flows keep the bare name, all of them.
  const firstProto = new Map<string, string>();
  // TRACE: PACKET lines (nft monitor trace's `packet:` lines) are folded into events; take every
  // line of the flow's trace ids.
  const inputLines = text.split("\n");
  const traceIdLines = new Map<string, number[]>();
  inputLines.forEach((l, i) => {
    const m =
      /(?:PACKET|TRACE|trace id|packet):? \d+ ([0-9a-f]{1,8}) /.exec(l) ??
      /\btrace id ([0-9a-f]{1,8}) /.exec(l);
    if (m) {
      const list = traceIdLines.get(m[1] as string) ?? [];
      list.push(i + 1);
      traceIdLines.set(m[1] as string, list);
    }
  });
  for (const flow of parsed.flows) {
    const packets = flow.packets.map((id) => byId.get(id)).filter((p) => p !== undefined);
    const request = packets.find((p) => p.direction === "request") ?? packets[0];
    const first = request?.events.find((e) => e.ip);
    if (!request || !first?.ip) {
      skipped.push(
        `flow ${flow.id}: no line with IP data (bridge frames only), nothing to place between hosts`,
      );
      continue;
    }
    // ICMPv6 is a scenario's `icmp` to an IPv6 address.
    const proto = flow.proto === "icmpv6" ? "icmp" : flow.proto;
    if (proto !== "icmp" && proto !== "tcp" && proto !== "udp") {
      skipped.push(
        proto === UNNAMED_PORTS_TRANSPORT
          ? `flow ${flow.id} (${protocolWords(proto)}): ${UNNAMED_PORTS_WHY}`
          : `flow ${flow.id} (${proto}): only ICMP, TCP and UDP scenarios can be checked`,
      );
      continue;
    }
    // The log writes IPv6 in full (`fd00:000a:...`); the lab, in short.
    const src = canonicalAddress(first.ip.src);
    const written = canonicalAddress(first.ip.dst);
    let dst = written;
    for (const r of request.rewrites) if (r.kind !== "snat") dst = canonicalAddress(r.to.dst);
    const from = owner.get(src);
    const to = owner.get(dst) ?? owner.get(written);
    if (!from || !to) {
      skipped.push(`flow ${flow.id} (${src} -> ${dst}): ${!from ? src : dst} belongs to no host of the lab`);
      continue;
    }
    // A hairpin: the host's DNAT sent the packet back to the host it came from (a pod to a ClusterIP
    // that picked the pod itself, through a bridge port in hairpin mode); the lab has that path.
    const hairpin = from === to && from !== netfilterHost && dst !== written && owner.get(written) !== from;
    if (hairpin)
      hairpins.push(
        `flow ${flow.id} (${proto.toUpperCase()} ${src} -> ${written}): the host's DNAT to ${dst} sends it back to '${from}', the host it came from (a hairpin), so it is a scenario from '${from}' to itself`,
      );
    // Both ends in one host (two remote addresses behind the gateway): no link of the lab between them.
    if (from === to && from !== netfilterHost && !hairpin) {
      skipped.push(
        `flow ${flow.id} (${proto.toUpperCase()} ${src} -> ${dst}): both addresses belong to '${from}', so the packet crosses no link the lab models`,
      );
      continue;
    }
    const lines = new Set<number>();
    for (const p of packets)
      for (const e of p.events) {
        for (const l of eventLines(e)) lines.add(l);
        if (e.traceId) for (const l of traceIdLines.get(e.traceId) ?? []) lines.add(l);
      }
    // An IPv6 flow's name says so: a dual-stack host's log has the same hosts talking in both families.
    const base = `${from}-to-${to}${src.includes(":") ? "-v6" : ""}`;
    // Named by protocol only next to another protocol's flow of the same base (`-v6` included): the
    // first protocol keeps the bare name also when it comes back after another one (`-2`, not `-icmp`).
    if (!firstProto.has(base)) firstProto.set(base, proto);
    const protoPart = firstProto.get(base) === proto ? "" : `-${proto}`;
    scenarios.push({
      stem: `${base}${protoPart}`,
      from,
      to,
      proto,
      lines: [...lines].sort((a, b) => a - b),
      packets: packets.length,
      src,
      dst: written,
      ...(first.l4?.dport !== undefined ? { dport: first.l4.dport } : {}),
      ...(packets.every((p) => p.direction === "reply") ? { repliesOnly: true as const } : {}),
    });
  }
  nameApart(scenarios, suffix);
  return { scenarios, skipped, hairpins };
}
