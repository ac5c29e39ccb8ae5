/**
 * Cuts a parsed log into scenarios for `packetwalk import`: one per flow, named after its
 * direction (`<from>-to-<to>`, `-v6` for IPv6, `-<proto>` when that name has a flow of another
 * protocol, numbered when it has several of one), each with the verbatim input lines of its
 * packets in input order. Pure.
 */
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
}

/** What could not be placed. */
export interface SplitResult {
  scenarios: FoundScenario[];
  /** Flows left out, with the reason (an address no host owns, a protocol the format has no name for). */
  skipped: string[];
}

function eventLines(e: TraceEvent): number[] {
  const out = [e.position.line];
  for (const v of e.verdicts ?? []) if (v.position) out.push(v.position.line);
  return out;
}

/**
 * Splits `parsed` (parsed from `text`) into scenarios. `owner` maps an address to its lab host;
 * `suffix` is appended to every stem (e.g. `-trace`).
 */
export function splitScenarios(
  parsed: ParsedTrace,
  text: string,
  owner: ReadonlyMap<string, string>,
  suffix = "",
): SplitResult {
  const byId = new Map(parsed.packets.map((p) => [p.id, p]));
  const skipped: string[] = [];
  const scenarios: FoundScenario[] = [];
  const count = new Map<string, number>();
  const protosOfBase = new Map<string, Set<string>>();
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
      skipped.push(`flow ${flow.id} (${proto}): only ICMP, TCP and UDP scenarios can be checked`);
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
    const lines = new Set<number>();
    for (const p of packets)
      for (const e of p.events) {
        for (const l of eventLines(e)) lines.add(l);
        if (e.traceId) for (const l of traceIdLines.get(e.traceId) ?? []) lines.add(l);
      }
    // An IPv6 flow's name says so: a dual-stack host's log has the same hosts talking in both families.
    const base = `${from}-to-${to}${src.includes(":") ? "-v6" : ""}`;
    const n = (count.get(`${base}|${proto}`) ?? 0) + 1;
    count.set(`${base}|${proto}`, n);
    // Named by protocol only next to another protocol's flow of the same base (`-v6` included).
    const protos = protosOfBase.get(base) ?? new Set<string>();
    const protoPart = [...protos].some((p) => p !== proto) ? `-${proto}` : "";
    protosOfBase.set(base, protos.add(proto));
    scenarios.push({
      stem: `${base}${protoPart}${n > 1 ? `-${n}` : ""}${suffix}`,
      from,
      to,
      proto,
      lines: [...lines].sort((a, b) => a - b),
      packets: packets.length,
      src,
      dst: written,
    });
  }
  return { scenarios, skipped };
}
