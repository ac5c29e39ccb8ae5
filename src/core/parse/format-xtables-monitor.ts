/**
 * Writes an event as `xtables-monitor --trace` prints it: a `PACKET:` line
 * (when the event has packet data) and one ` TRACE:` line per rule step.
 */
import type { RuleVerdict, TraceEvent } from "../model/packet.ts";

const NFPROTO: Record<string, number> = { ip: 2, ip6: 10, bridge: 7, arp: 3 };

function packetLine(family: number, id: string, ev: TraceEvent): string {
  let s = `PACKET: ${family} ${id} `;
  if (ev.in) s += `IN=${ev.in} `;
  if (ev.out) s += `OUT=${ev.out} `;
  if (ev.macSrc && ev.macDst)
    s += `MACSRC=${ev.macSrc} MACDST=${ev.macDst} MACPROTO=${(ev.ethType ?? "0x0800").slice(2)} `;
  const ip = ev.ip;
  if (ip) {
    // xtables-monitor prints `ID=%d` without a trailing space: flags follow directly.
    s += `SRC=${ip.src} DST=${ip.dst} LEN=${ip.len ?? 0} TOS=0x${(ip.tos ?? 0).toString(16)} TTL=${ip.ttl ?? 64} ID=${ip.id ?? 0}`;
    for (const f of ["CE", "DF", "MF"]) if (ip.flags?.includes(f)) s += `${f} `;
    if (!ip.flags?.length) s += " ";
  }
  const l4 = ev.l4;
  if (l4 && (l4.proto === "tcp" || l4.proto === "udp") && l4.sport !== undefined) {
    s += `SPORT=${l4.sport} DPORT=${l4.dport ?? 0} `;
    if (l4.proto === "tcp")
      for (const f of ["SYN", "ACK", "FIN", "RST", "PSH", "URG"]) if (l4.tcpFlags?.includes(f)) s += `${f} `;
  }
  if (ev.mark) s += `MARK=${ev.mark} `;
  return s;
}

function traceLine(family: number, id: string, table: string, v: RuleVerdict): string {
  const head = ` TRACE: ${family} ${id} ${table}:${v.chain}`;
  if (v.kind === "rule")
    return `${head}:rule:${v.rule ?? "0x1"}:${v.verdict ?? "CONTINUE"} ${v.text ?? ""}`.trimEnd();
  if (v.kind === "policy") return `${head}:policy:${v.verdict ?? "ACCEPT"} `;
  return `${head}:return:${v.verdict?.startsWith("RETURN:") ? v.verdict.slice(7) : ""}`;
}

/**
 * The lines of one event: `PACKET:` first (the order of iptables >= 1.8.8),
 * then a ` TRACE:` line per entry of `verdicts` (or `verdict`). `traceId` defaults to `00000001`.
 */
export function formatXtablesMonitorLines(event: TraceEvent): string[] {
  const [fam = "ip", table = "filter", chain = "FORWARD"] = event.hook.split(":");
  const family = NFPROTO[fam] ?? 2;
  const id = event.traceId ?? "00000001";
  const out: string[] = [];
  if (event.ip) out.push(packetLine(family, id, event));
  const steps =
    event.verdicts ??
    (event.verdict ? [event.verdict] : [{ kind: "policy" as const, chain, verdict: "ACCEPT" }]);
  for (const v of steps) out.push(traceLine(family, id, table, v));
  return out;
}
