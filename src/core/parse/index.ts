/**
 * packetwalk's trace parser: kernel LOG / ebtables / TRACE / xtables-monitor /
 * nft monitor output, in any envelope (dmesg, journalctl, syslog, bare), into
 * typed packets and flows (see `src/core/model/packet.ts`).
 *
 * - {@link parseTraceText}: a whole text at once.
 * - {@link parseTraceStream}: lines from an async iterable, the result collected.
 * - {@link streamPackets}: lines in, packets out one by one, in bounded memory.
 * - {@link lineBatches}: a byte stream (e.g. `createReadStream(file)`) into lines, chunk by chunk;
 *   with a {@link TraceParser} this is the fast path the CLI uses for files of any size.
 *
 * Grouping windows count input lines, so a stretch of input groups the same
 * way given the same state before it: `src/cli/parse-parallel.ts` builds the
 * parallel parse of one big file on that (with {@link TraceParser.signature}).
 */
import type { Flow, Packet, ParsedTrace } from "../model/packet.ts";
import { addToFlows, type FlowAssignment, packetById } from "./pair-flows.ts";
import { longLineMark, MAX_LINE_BYTES } from "./split-lines.ts";
import { type ParseOptions, TraceParser } from "./trace-parser.ts";

export { detectEnvelope, ENVELOPES, type Envelope, type EnvelopeKind } from "./detect-envelope.ts";
export { findRewrites } from "./find-rewrites.ts";
export { formatEbtLine } from "./format-ebt-line.ts";
export { formatEnvelope } from "./format-envelope.ts";
export { formatLogLine } from "./format-log-line.ts";
export { formatNftMonitorLines } from "./format-nft-monitor.ts";
export { formatTraceLine } from "./format-trace-line.ts";
export { formatXtablesMonitorLines } from "./format-xtables-monitor.ts";
export { type GroupOptions, PacketGrouper } from "./group-packets.ts";
export {
  addToFlows,
  type FlowAssignment,
  type FlowKeys,
  FlowPairer,
  flowKeys,
  PairingQueue,
  type PairOptions,
} from "./pair-flows.ts";
export { parseLine } from "./parse-line.ts";
export { normalizeChain, type PrefixMap, prefixToHook } from "./prefix-to-hook.ts";
export { forEachLine, type LineOptions, lineBatches, MAX_LINE_BYTES } from "./split-lines.ts";
export { icmpTypeName, summarizeEvent, summarizePacket, tcpFlagName } from "./summarize-packet.ts";
export { type PacketLineOrder, type ParseOptions, TraceParser, type UnknownPrefix } from "./trace-parser.ts";
export { lineColumn, type UnwrappedLine, unwrapLine } from "./unwrap-line.ts";

/** Collects packets and flows from a {@link TraceParser}. */
function collector(): { onPacket: (p: Packet, f: FlowAssignment) => void; packets: Packet[]; flows: Flow[] } {
  const packets: Packet[] = [];
  const flows: Flow[] = [];
  return {
    packets,
    flows,
    onPacket(p, f) {
      packets.push(p);
      addToFlows(flows, p.id, f, (id) => packetById(packets, id));
    },
  };
}

/**
 * Calls `fn` for each line of `text` (LF or CRLF) without splitting it into an
 * array; a line longer than {@link MAX_LINE_BYTES} code units is handed on as a
 * {@link longLineMark}, as `lineBatches` does, so both report it alike.
 */
function eachLine(text: string, fn: (line: string) => void): void {
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    fn(nl - at > MAX_LINE_BYTES ? longLineMark(nl - at, MAX_LINE_BYTES) : text.slice(at, nl));
    at = nl + 1;
  }
}

/**
 * Parses a whole trace text. Options: `file` names it in positions (default `-`),
 * `prefixMap` maps exact LOG prefixes to hook ids; see {@link ParseOptions}.
 */
export function parseTraceText(text: string, options: ParseOptions = {}): ParsedTrace {
  const c = collector();
  const parser = new TraceParser(c.onPacket, options);
  eachLine(text, (l) => parser.line(l));
  parser.end();
  return {
    packets: c.packets,
    flows: c.flows,
    diagnostics: parser.diagnostics,
    skippedLines: parser.skippedLines,
  };
}

/**
 * Parses lines from an async iterable (e.g. `readline` over a file stream);
 * the result is collected in memory. Lines may end in `\r`. See {@link ParseOptions}.
 */
export async function parseTraceStream(
  lines: AsyncIterable<string>,
  options: ParseOptions = {},
): Promise<ParsedTrace> {
  const c = collector();
  const parser = new TraceParser(c.onPacket, options);
  for await (const l of lines) parser.line(l);
  parser.end();
  return {
    packets: c.packets,
    flows: c.flows,
    diagnostics: parser.diagnostics,
    skippedLines: parser.skippedLines,
  };
}

/**
 * Lines in, packets out as soon as they are finished (in id order, flow and
 * direction set), holding only bounded state: for inputs of any size.
 * `parser` (optional) is the {@link TraceParser} to use, so the caller can read
 * its diagnostics and counters afterwards.
 */
export async function* streamPackets(
  lines: AsyncIterable<string>,
  options: ParseOptions = {},
  parser?: { current?: TraceParser },
): AsyncGenerator<{ packet: Packet; flow: FlowAssignment }> {
  let ready: { packet: Packet; flow: FlowAssignment }[] = [];
  const p = new TraceParser((packet, flow) => ready.push({ packet, flow }), options);
  if (parser) parser.current = p;
  for await (const l of lines) {
    p.line(l);
    if (ready.length) {
      const out = ready;
      ready = [];
      yield* out;
    }
  }
  p.end();
  yield* ready;
}
