/**
 * The streaming pipeline: lines in, finished packets (with flow and
 * direction) out, diagnostics collected. Holds only bounded state, so a
 * caller that does not keep the packets parses any amount of input.
 */
import type { Family, HookId } from "../model/hook.ts";
import type { Diagnostic, Packet, TraceEvent } from "../model/packet.ts";
import { detach } from "./detach-string.ts";
import { detectEnvelope } from "./detect-envelope.ts";
import { type GroupOptions, PacketGrouper } from "./group-packets.ts";
import { type FlowAssignment, FlowPairer, type PairOptions } from "./pair-flows.ts";
import { parseBody } from "./parse-line.ts";
import { SKIP } from "./parsed-line.ts";
import { createPrefixResolver, type PrefixMap } from "./prefix-to-hook.ts";

/** Options of {@link TraceParser} (and of `parseTraceText` / `parseTraceStream`). */
export interface ParseOptions {
  /** Name for positions in diagnostics and events. Default: `-`. */
  file?: string;
  /** Exact LOG prefixes (trimmed) mapped to hook ids, checked before the built-in conventions. Default: none. */
  prefixMap?: Record<string, HookId>;
  /** Grouping windows (see {@link GroupOptions}). Default: 400 events, 5 seconds, 256 open packets. */
  group?: GroupOptions;
  /** Flow memory (see {@link PairOptions}). Default: 100000 tuples. */
  pair?: PairOptions;
  /** Keep at most this many diagnostics; one more says how many were left out. Default: 1000. */
  maxDiagnostics?: number;
}

const PREFIX_HINT =
  "name LOG prefixes like 'iptable/<table>-<CHAIN>' or 'ebtable/<table>-<CHAIN>' (a tag such as 'ctc/' in front is fine), " +
  'or map this prefix with --prefix-map FILE (JSON: {"<prefix>": "ip:filter:INPUT"})';

/** Distinct unknown prefixes counted line by line (memory stays bounded on any input). */
const MAX_UNKNOWN_PREFIXES = 100_000;

/** Copies the packet fields of a TRACE packet line into the event that reports its verdict. */
function copyPacketData(from: TraceEvent, to: TraceEvent): void {
  for (const k of [
    "in",
    "out",
    "physIn",
    "physOut",
    "macSrc",
    "macDst",
    "ethType",
    "ip",
    "l4",
    "mark",
    "inner",
  ] as const) {
    if (to[k] === undefined && from[k] !== undefined) (to as unknown as Record<string, unknown>)[k] = from[k];
  }
}

/** Line-by-line parser; see the module comment. */
export class TraceParser {
  /** Problems found so far, positioned. */
  readonly diagnostics: Diagnostic[] = [];
  /** Non-netfilter lines skipped so far. */
  skippedLines = 0;
  /** Netfilter events read so far. */
  events = 0;

  private file: string;
  private readonly maxDiagnostics: number;
  private readonly resolve: (prefix: string, family: Family) => HookId | undefined;
  private readonly grouper: PacketGrouper;
  private readonly pairer: FlowPairer;
  private lineNo = 0;
  private dropped = 0;
  private unknownPrefixes = new Map<string, { diag: Diagnostic; count: number; name: string }>();
  private stash = new Map<string, TraceEvent>();
  private lastTraceEvent: { ev: TraceEvent; line: number } | undefined;
  private packetOrder: "unknown" | "before" | "after" = "unknown";

  /** `onPacket` receives every finished packet in id order, with its flow decision. */
  constructor(onPacket: (packet: Packet, flow: FlowAssignment) => void, options: ParseOptions = {}) {
    this.file = options.file ?? "-";
    this.maxDiagnostics = options.maxDiagnostics ?? 1000;
    this.resolve = createPrefixResolver(
      options.prefixMap ? { prefixMap: options.prefixMap as PrefixMap } : {},
    );
    this.pairer = new FlowPairer(options.pair);
    this.grouper = new PacketGrouper((p) => onPacket(p, this.pairer.assign(p)), options.group);
  }

  /**
   * How much state the parser holds right now: open packets, their address
   * keys, packets waiting for an earlier one to close, remembered flow tuples,
   * and the small per-line tables. It stays bounded however long the input.
   */
  get state(): {
    open: number;
    keys: number;
    traces: number;
    pendingL2: number;
    waiting: number;
    tuples: number;
    stash: number;
    unknownPrefixes: number;
    diagnostics: number;
  } {
    return {
      ...this.grouper.state,
      tuples: this.pairer.size,
      stash: this.stash.size,
      unknownPrefixes: this.unknownPrefixes.size,
      diagnostics: this.diagnostics.length,
    };
  }

  /** Starts a new input file: line numbers restart, grouping state carries on. */
  setFile(file: string): void {
    this.file = file;
    this.lineNo = 0;
  }

  private diag(d: Diagnostic): void {
    if (this.diagnostics.length < this.maxDiagnostics) {
      // Messages quote slices of the line: copies keep kept diagnostics from pinning input chunks.
      d.message = detach(d.message);
      if (d.hint !== undefined) d.hint = detach(d.hint);
      this.diagnostics.push(d);
    } else this.dropped++;
  }

  /** Reads one line (a trailing `\r` is removed). */
  line(text: string): void {
    this.lineNo++;
    const raw = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (raw.length === 0) return;
    const c0 = raw.charCodeAt(0);
    // Only a line starting with whitespace can be blank: skip the copy `trim` makes otherwise.
    if ((c0 <= 32 || c0 >= 0xa0) && raw.trim().length === 0) return;
    const envelope = detectEnvelope(raw);
    const result = envelope.bodyStart >= raw.length ? SKIP : parseBody(raw, envelope.bodyStart);
    switch (result.kind) {
      case "skip":
        this.skippedLines++;
        return;
      case "ignore":
        return;
      case "error":
        this.diag({
          severity: "error",
          message: result.message,
          ...(result.hint ? { hint: result.hint } : {}),
          position: { file: this.file, line: this.lineNo, column: result.column },
        });
        return;
      case "packet-data": {
        const last = this.lastTraceEvent;
        // iptables >= 1.8.8 prints PACKET before its TRACE lines; older ones after the first.
        if (this.packetOrder === "unknown")
          this.packetOrder = last?.ev.traceId === result.traceId ? "after" : "before";
        if (
          this.packetOrder === "after" &&
          last &&
          last.line === this.lineNo - 1 &&
          last.ev.traceId === result.traceId &&
          !last.ev.ip
        ) {
          copyPacketData(result.event, last.ev);
        } else {
          if (this.stash.size > 1024) this.stash.clear();
          this.stash.set(result.traceId, result.event);
        }
        return;
      }
      case "event":
        break;
    }
    const ev = result.event;
    // Every parser gives each event its own position object: fill it in.
    const pos = ev.position;
    pos.file = this.file;
    pos.line = this.lineNo;
    pos.column = envelope.bodyStart + 1;
    if (envelope.time !== undefined) ev.time = envelope.time;
    ev.envelope = envelope.kind;
    if ((ev.hook as string) === "") {
      const hook = this.resolve(ev.prefix, result.familyHint);
      if (!hook) {
        this.unknownPrefix(ev.prefix, envelope.bodyStart + 1);
        return;
      }
      // A prefix that says `iptable/...` on an IPv6 packet is ip6tables.
      ev.hook =
        result.familyHint === "ip6" && hook.startsWith("ip:") ? (`ip6${hook.slice(2)}` as HookId) : hook;
    }
    if (ev.traceId) {
      const data = this.stash.get(ev.traceId);
      if (data) {
        copyPacketData(data, ev);
        this.stash.delete(ev.traceId);
      }
      this.lastTraceEvent = { ev, line: this.lineNo };
    }
    this.events++;
    this.grouper.push(ev);
  }

  private unknownPrefix(prefix: string, column: number): void {
    const known = this.unknownPrefixes.get(prefix);
    if (known) {
      known.count++;
      known.diag.message = `unknown LOG prefix '${known.name}' (${known.count} lines): which table and chain wrote it?`;
      return;
    }
    // Copies, not slices: they outlive the line.
    const name = detach(prefix.trim());
    const diag: Diagnostic = {
      severity: "warning",
      message: `unknown LOG prefix '${name}' (1 line): which table and chain wrote it?`,
      hint: PREFIX_HINT,
      position: { file: this.file, line: this.lineNo, column },
    };
    // Bounded: past this many distinct unknown prefixes, each new one is just another problem.
    if (this.unknownPrefixes.size < MAX_UNKNOWN_PREFIXES)
      this.unknownPrefixes.set(detach(prefix), { diag, count: 1, name });
    this.diag(diag);
  }

  /** Flushes the open packets; call once after the last line. */
  end(): void {
    this.grouper.finish();
    if (this.dropped > 0) {
      this.diagnostics.push({
        severity: "warning",
        message: `${this.dropped} more problems were not listed`,
        hint: "fix the ones above first, or raise maxDiagnostics",
        position: { file: this.file, line: this.lineNo, column: 1 },
      });
    }
  }
}
