/**
 * Writes an event as `nft monitor trace` prints it: a `packet:` line (when the
 * event has packet data) and one line per rule step (`rule ... (verdict x)`,
 * `verdict x`, `policy x`).
 */
import type { RuleVerdict, TraceEvent } from "../model/packet.ts";
import { icmpTypeName } from "./summarize-packet.ts";

function packetText(ev: TraceEvent): string {
  const w: string[] = [];
  if (ev.in) w.push(`iif "${ev.in}"`);
  if (ev.out) w.push(`oif "${ev.out}"`);
  if (ev.macSrc && ev.macDst) w.push(`ether saddr ${ev.macSrc} ether daddr ${ev.macDst}`);
  const ip = ev.ip;
  const l4 = ev.l4;
  if (ip) {
    const v = ip.src.includes(":") ? "ip6" : "ip";
    w.push(`${v} saddr ${ip.src} ${v} daddr ${ip.dst}`);
    if (v === "ip") {
      w.push("ip dscp cs0 ip ecn not-ect");
      if (ip.ttl !== undefined) w.push(`ip ttl ${ip.ttl}`);
      if (ip.id !== undefined) w.push(`ip id ${ip.id}`);
      if (l4) w.push(`ip protocol ${l4.proto}`);
      if (ip.len !== undefined) w.push(`ip length ${ip.len}`);
    }
  }
  if (l4?.proto === "tcp" || l4?.proto === "udp") {
    w.push(`${l4.proto} sport ${l4.sport ?? 0} ${l4.proto} dport ${l4.dport ?? 0}`);
    if (l4.proto === "tcp") {
      if (l4.seq !== undefined) w.push(`tcp sequence ${l4.seq}`);
      if (l4.tcpFlags?.length) w.push(`tcp flags == ${l4.tcpFlags.map((f) => f.toLowerCase()).join(" | ")}`);
      if (l4.window !== undefined) w.push(`tcp window ${l4.window}`);
    }
  } else if (l4?.proto === "icmp") {
    w.push(`icmp type ${icmpTypeName(l4.icmpType)} icmp code ${l4.icmpCode ?? 0}`);
    if (l4.icmpId !== undefined) w.push(`icmp id ${l4.icmpId} icmp sequence ${l4.icmpSeq ?? 0}`);
  }
  return `${w.join(" ")} `;
}

function stepText(v: RuleVerdict): string {
  // Only the keyword: a jump target keeps its case (nft chain names are case-sensitive).
  const verdict = (v.verdict ?? "accept").replace(/^\S+/, (w) => w.toLowerCase());
  if (v.kind === "rule") return `rule ${v.text ?? "counter"} (verdict ${verdict})`;
  if (v.kind === "policy") return `policy ${verdict} `;
  return `verdict ${verdict} `;
}

/**
 * The lines of one event: `trace id <id> <family> <table> <chain> packet: ...`
 * (with packet data) then one line per entry of `verdicts` (or `verdict`).
 * `traceId` defaults to `00000001`.
 */
export function formatNftMonitorLines(event: TraceEvent): string[] {
  const [family = "ip", table = "filter", chain = "FORWARD"] = event.hook.split(":");
  const head = `trace id ${event.traceId ?? "00000001"} ${family} ${table} ${chain} `;
  const out: string[] = [];
  if (event.ip) out.push(`${head}packet: ${packetText(event)}`);
  const steps =
    event.verdicts ??
    (event.verdict ? [event.verdict] : [{ kind: "policy" as const, chain, verdict: "ACCEPT" }]);
  for (const v of steps) out.push(head + stepText(v));
  return out;
}
