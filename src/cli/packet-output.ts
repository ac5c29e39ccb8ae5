/**
 * How `packetwalk parse` prints a packet: a human block or one JSON line.
 * The text is built in two parts, a head that needs the packet's id, flow and
 * direction and a tail that does not, so that the parallel parse can format
 * tails in its workers and pair flows in order on the main thread.
 */
import { chainName, showRewrite } from "../core/model/chain-name.ts";
import type { Packet, TraceEvent } from "../core/model/packet.ts";
import { endpoint, summarizeEvent } from "../core/parse/summarize-packet.ts";
import { type ByteSink, jsonTail, writeJsonTail, writeText } from "./json-tail-bytes.ts";

/** Output modes: `human` blocks, `json` Lines, or `none` (parse only, e.g. for benchmarks). */
export const OUTPUT_MODES = ["human", "json", "none"] as const;
/** One of {@link OUTPUT_MODES}. */
export type OutputMode = (typeof OUTPUT_MODES)[number];

/** What the head of a packet's output shows. */
export interface PacketHead {
  id: number;
  flow: number;
  direction: Packet["direction"];
  summary: string;
}

function ifaces(e: TraceEvent): string {
  // A trace chain with no packet line (none before it for its trace id either): the devices were not printed.
  if (e.in === undefined && e.out === undefined && !e.physIn && !e.physOut) return "IN=? OUT=?";
  const parts = [`IN=${e.in ?? ""}`, `OUT=${e.out ?? ""}`];
  if (e.physIn) parts.push(`PHYSIN=${e.physIn}`);
  if (e.physOut) parts.push(`PHYSOUT=${e.physOut}`);
  // As LOG prints it after the devices: the 6in4 tunnel's outer addresses.
  if (e.tunnel) parts.push(`TUNNEL=${e.tunnel.src}->${e.tunnel.dst}`);
  return parts.join(" ");
}

/** A rewrite's side as the summary writes addresses: IPv6 short, in brackets before a port. */
function endpoints(x: { src: string; dst: string; sport?: number; dport?: number }): string {
  return `${endpoint(x.src, x.sport)} -> ${endpoint(x.dst, x.dport)}`;
}

/** The part of a packet's output after its head: hooks, interfaces, rewrites (human) or the JSON fields after `summary`. */
export function packetTail(p: Pick<Packet, "events" | "hooks" | "rewrites">, mode: OutputMode): string {
  if (mode === "none") return "";
  if (mode === "json") return jsonTail(p);
  const lines: string[] = [];
  const names = p.events.map(chainName);
  const width = Math.max(...names.map((h) => h.length));
  p.events.forEach((e, i) => {
    const v = e.verdict
      ? `  ${e.verdict.kind}${e.verdict.verdict ? ` ${e.verdict.verdict}` : ""}`
      : // Only the packet's last line: one that goes on after it was not dropped there.
        e.drop && i === p.events.length - 1
        ? `  dropped at this hook (${e.drop.verdict}: ${e.drop.by} logs '${e.prefix.trim()}' only before it)`
        : "";
    // A second LOG rule at one hook: its prefix tells the two lines apart.
    const again =
      i > 0 && p.events[i - 1]?.hook === e.hook && (e.source === "log" || e.source === "ebt-log")
        ? `  logged again by '${e.prefix.trim()}'`
        : "";
    lines.push(
      `    ${(names[i] as string).padEnd(width)}  ${ifaces(e)}${v}${again}  (${e.position.file}:${e.position.line})`,
    );
  });
  // An ICMP error's quote of the packet it answers, once per form (NAT rewrites it with the error).
  let quoted: string | undefined;
  p.events.forEach((e, i) => {
    if (!e.inner) return;
    const mtu = e.l4?.mtu === undefined ? "" : `, next-hop MTU ${e.l4.mtu}`;
    const said = `${summarizeEvent({ ip: e.inner.ip, l4: e.inner.l4 } as TraceEvent)}${mtu}`;
    if (said !== quoted) lines.push(`    quotes ${said}  (at ${(names[i] as string).trim()})`);
    quoted = said;
  });
  for (const r of p.rewrites.map((r) => showRewrite(p.events, r)))
    lines.push(
      `    rewrite ${r.kind} between ${r.afterHook} and ${r.beforeHook}: ${endpoints(r.from)}  =>  ${endpoints(r.to)}`,
    );
  return `${lines.join("\n")}\n`;
}

/**
 * The head of a packet's output before its summary: `headStart + printedSummary + headEnd` is
 * {@link packetHead}, in parts so that the parallel parse's workers can print the summary.
 */
export function headStart(h: Omit<PacketHead, "summary">, mode: OutputMode): string {
  if (mode === "none") return "";
  if (mode === "json")
    return `{"packet":${h.id},"flow":${h.flow},"direction":${JSON.stringify(h.direction)},"summary":`;
  return `#${h.id}  flow ${h.flow} ${h.direction}  `;
}

/** A summary as the head prints it (a JSON string in mode `json`). */
export function printedSummary(summary: string, mode: OutputMode): string {
  return mode === "none" ? "" : mode === "json" ? JSON.stringify(summary) : summary;
}

/** The summary of a {@link printedSummary}. */
export function summaryOfPrinted(printed: string, mode: OutputMode): string {
  return mode === "json" ? (JSON.parse(printed) as string) : printed;
}

/** What the head prints after the summary. */
export function headEnd(mode: OutputMode): string {
  return mode === "none" ? "" : mode === "json" ? "," : "\n";
}

/** The head of a packet's output; `head + tail` is the whole of it. */
export function packetHead(h: PacketHead, mode: OutputMode): string {
  return headStart(h, mode) + printedSummary(h.summary, mode) + headEnd(mode);
}

/**
 * Appends {@link packetTail} to `sink` as UTF-8: the JSON tail without building its text
 * (see `json-tail-bytes.ts`), the human one as its text.
 */
export function writePacketTail(
  p: Pick<Packet, "events" | "hooks" | "rewrites">,
  mode: OutputMode,
  sink: ByteSink,
): void {
  if (mode === "json") writeJsonTail(p, sink);
  else if (mode === "human") {
    writeText(sink, packetTail(p, mode));
  }
}

/** A packet's whole output (flow and direction already set). */
export function formatPacket(p: Packet, mode: OutputMode): string {
  return packetHead(p, mode) + packetTail(p, mode);
}
