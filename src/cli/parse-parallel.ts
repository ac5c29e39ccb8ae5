/**
 * `packetwalk parse` of one big file on several threads, with the same output
 * as the sequential parse, byte for byte.
 *
 * The file is cut into segments at line starts, parsed by worker threads and,
 * between its pairing of their packets, by the main thread itself (one isolate
 * fewer on the cores). Each segment is parsed after a warm-up: it reads a few
 * thousand lines before the segment only to rebuild the grouping state, and reads on after it until every packet that
 * started in it is closed. Grouping depends only on the state at a line and
 * the lines after it (its windows count lines), so a segment is exact when its
 * worker's state before its first line equals the state the previous segment's
 * worker reached there. That is checked with the state's signature; when it
 * differs (a packet older than the warm-up was still open), the segment is
 * parsed again with a longer warm-up, up to the start of the file. The main
 * thread pairs flows in packet order (they need the whole history) and prints.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from "node:fs";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import type { ChainHooks, NetdevPrefixes, PrefixHooks } from "../core/model/hook.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { FlowPairer, PairingQueue } from "../core/parse/pair-flows.ts";
import { lineBatches } from "../core/parse/split-lines.ts";
import {
  GROUP_MARK,
  MAX_UNKNOWN_PREFIXES,
  type PacketLineOrder,
  TraceParser,
  type UnknownPrefix,
  unknownPrefixMessage,
  unlistedNote,
} from "../core/parse/trace-parser.ts";
import { renameUdpSummary, TRACED_LIKE_UDP } from "../core/parse/traced-transport.ts";
import { needsUnwrap } from "../core/parse/unwrap-line.ts";
import { OutputChunks } from "./output-chunks.ts";
import { forEachPacked, type PackedBatch, type PackedPacket } from "./packet-batch.ts";
import { headEnd, headStart, type OutputMode, printedSummary, summaryOfPrinted } from "./packet-output.ts";
import {
  parseSegment,
  type SegmentJob,
  type SegmentResult,
  type SegmentWorkerData,
  type WorkerMessage,
} from "./parse-segment.ts";

/** How a `--json` tail starts for a packet read as UDP (see `packet-header-json.ts`). */
const UDP_HEADER = '"header":{"proto":"udp"';

/** Options of {@link parseFileParallel}. */
export interface ParallelOptions {
  /** Path to read. */
  path: string;
  /** Name in positions. Default: `path`. */
  file?: string;
  /** Threads that parse: this one and `jobs - 1` workers. Default: 2. */
  jobs?: number;
  mode: OutputMode;
  /** LOG prefixes to hooks (see `ParseOptions.prefixMap`). Default: none. */
  prefixMap?: PrefixHooks;
  /** Base chains' hooks (see `ParseOptions.chainHooks`). Default: none. */
  chainHooks?: ChainHooks;
  /** Prefixes of netdev chains (see `ParseOptions.netdevPrefixes`). Default: none. */
  netdevPrefixes?: NetdevPrefixes;
  /** Default: 1000, as in the sequential parse. */
  maxDiagnostics?: number;
  /** Bytes per segment (cut at the next line start). Default: 32 MiB. */
  segmentBytes?: number;
  /** Lines read before a segment to rebuild the grouping state. Default: 2048. */
  warmupLines?: number;
  /** Run the segments one after the other in this thread (tests of the stitching alone). Default: false. */
  inline?: boolean;
  /** Longest line read (see `lineBatches`). Default: 1 MiB. */
  maxLineBytes?: number;
}

/** What {@link parseFileParallel} found, besides the text it wrote. */
export interface ParallelSummary {
  packets: number;
  flows: number;
  events: number;
  skippedLines: number;
  diagnostics: Diagnostic[];
  /** Lines in the file. */
  lines: number;
  segments: number;
  /** Segments parsed again because their warm-up was too short. */
  retries: number;
  /** Lines read by all workers together (warm-ups and read-ons make it more than `lines`). */
  linesRead: number;
  /** Netfilter lines whose LOG prefix names no chain (counted per prefix, see `unknownPrefixes`). */
  unplaced: number;
}

/** Line starts are remembered every this many lines, to find a warm-up start. */
const INDEX_STEP = 256;

/**
 * Finds segment boundaries: reads the file once, counting lines, and keeps
 * the byte offset of every {@link INDEX_STEP}th line start.
 */
class LineIndex {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(1 << 20);
  /** Byte offsets of lines 1, 1 + STEP, 1 + 2 STEP, ... */
  private readonly starts: number[] = [0];
  readonly size: number;
  /** File offset where the next read goes. */
  private pos = 0;
  /** Number of the line that starts after the last newline read, and where it starts. */
  private line = 1;
  private lineStart = 0;
  /** Newlines of the current buffer not handed out yet. */
  private pending: { at: number; len: number } = { at: 0, len: 0 };

  constructor(path: string) {
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Lines in the file (valid once {@link boundary} returned undefined). */
  get lines(): number {
    return this.lineStart < this.size ? this.line : this.line - 1;
  }

  /** The first line starting at or after byte `target` (and before the end), or undefined. */
  boundary(target: number): { line: number; byte: number } | undefined {
    for (;;) {
      if (this.lineStart >= target && this.lineStart < this.size)
        return { line: this.line, byte: this.lineStart };
      const { at, len } = this.pending;
      const nl = at < len ? this.buf.indexOf(10, at) : -1;
      if (nl >= 0 && nl < len) {
        this.pending.at = nl + 1;
        this.line++;
        this.lineStart = this.pos - len + nl + 1;
        if ((this.line - 1) % INDEX_STEP === 0) this.starts.push(this.lineStart);
        continue;
      }
      const n = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
      if (n === 0) return undefined;
      this.pos += n;
      this.pending = { at: 0, len: n };
    }
  }

  /** The latest indexed line at or before `line`, with its byte offset. */
  indexedAtOrBefore(line: number): { line: number; byte: number } {
    const k = Math.min(Math.floor((Math.max(1, line) - 1) / INDEX_STEP), this.starts.length - 1);
    return { line: 1 + k * INDEX_STEP, byte: this.starts[k] as number };
  }
}

/**
 * Heap limits of a worker. Its live state is small and bounded (open packets,
 * one batch of results); without a limit V8 lets garbage grow to hundreds of
 * megabytes per thread before collecting it.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 48 };

/**
 * Batches (64 KiB reads, a few hundred lines) this thread parses between two turns of its event loop
 * when it runs a segment itself: a worker that finished waits at most that long for its next job.
 */
const INLINE_BREATHE = 8;

/** A job waiting for, or running on, a worker. */
interface Task {
  job: SegmentJob;
  onPackets: (packets: PackedBatch) => void;
  onStart: (signature: string) => void;
  resolve: (r: SegmentResult) => void;
  reject: (e: Error) => void;
}

/**
 * Runs jobs on at most `size` worker threads, one job per worker at a time.
 * A worker that dies (an error, its heap limit) fails its job and is replaced
 * for the next one; no job is left waiting forever.
 */
class WorkerPool {
  private readonly idle: Worker[] = [];
  /** Per worker, the port that gives it back its batches' buffers (see `PacketBatchWriter`). */
  private readonly recyclers = new Map<Worker, MessagePort>();
  private nextRecycler = 0;
  private readonly running = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private readonly size: number;
  private live = 0;
  private closing = false;
  /** Whether this thread runs segments too, and whether it runs one now. */
  private readonly inline: boolean;
  private inlineBusy = false;

  /**
   * `start` workers (at most `size`) are started at once, so that they load
   * their modules while the calling thread reads the head of the file.
   */
  constructor(size: number, start = 0, inline = false) {
    this.size = size;
    this.inline = inline;
    for (let i = 0; i < Math.min(start, size); i++) this.idle.push(this.spawn());
  }

  run(
    job: SegmentJob,
    onPackets: (packets: PackedBatch) => void,
    onStart: (signature: string) => void,
  ): Promise<SegmentResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, onPackets, onStart, resolve, reject });
      this.pump();
    });
  }

  /** Gives a batch's buffer, done with, back to a worker, which writes its next batch into it. */
  recycle(buffer: ArrayBuffer): void {
    const ports = [...this.recyclers.values()];
    const port = ports[this.nextRecycler++ % Math.max(1, ports.length)];
    port?.postMessage(buffer, [buffer]);
  }

  private spawn(): Worker {
    const { port1, port2 } = new MessageChannel();
    const workerData: SegmentWorkerData = { recycle: port2 };
    const w = new Worker(new URL("./parse-segment.ts", import.meta.url), {
      resourceLimits: WORKER_LIMITS,
      workerData,
      transferList: [port2],
    });
    this.recyclers.set(w, port1);
    this.live++;
    w.on("message", (m: WorkerMessage) => {
      const task = this.running.get(w);
      if (!task) return;
      if (m.kind === "packets") {
        task.onPackets(m.packets);
        return;
      }
      if (m.kind === "start") {
        task.onStart(m.signature);
        return;
      }
      this.running.delete(w);
      this.idle.push(w);
      if (m.kind === "done") task.resolve(m.result);
      else task.reject(new Error(m.error));
      this.pump();
    });
    const dead = (error: Error) => {
      this.recyclers.get(w)?.close();
      this.recyclers.delete(w);
      const at = this.idle.indexOf(w);
      if (at >= 0) this.idle.splice(at, 1);
      const task = this.running.get(w);
      this.running.delete(w);
      this.live--;
      if (!this.closing) task?.reject(error);
      this.pump();
    };
    w.on("error", dead);
    // An exit without an error (after one, the worker is gone from both lists already).
    w.on("exit", (code) => {
      if (this.running.has(w) || this.idle.includes(w))
        dead(new Error(`a parse worker stopped (exit code ${code})`));
    });
    return w;
  }

  private pump(): void {
    while (this.queue.length && !this.closing) {
      const w = this.idle.pop() ?? (this.live < this.size ? this.spawn() : undefined);
      if (!w) {
        if (!this.inline || this.inlineBusy) return;
        const task = this.queue.shift() as Task;
        this.inlineBusy = true;
        // Stopped with the pool: a failed write must not wait for this thread's segment to end.
        parseSegment(task.job, task.onPackets, undefined, task.onStart, INLINE_BREATHE, () => this.closing)
          .then(task.resolve, task.reject)
          .finally(() => {
            this.inlineBusy = false;
            this.pump();
          });
        continue;
      }
      const task = this.queue.shift() as Task;
      this.running.set(w, task);
      w.postMessage(task.job);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const workers = [...this.idle, ...this.running.keys()];
    for (const port of this.recyclers.values()) port.close();
    this.recyclers.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Lines read from the start of the file to learn how it orders `PACKET:` lines. */
const PACKET_ORDER_LINES = 10_000;

/**
 * How the file orders xtables-monitor `PACKET:` lines, as the sequential
 * parser decides it at the first one (which depends on the TRACE lines before
 * it, maybe long before a segment's warm-up): every segment is told, so none
 * decides differently. Undefined when the first lines have no `PACKET:` line;
 * then segments decide themselves, and the stitching check catches a wrong guess.
 */
export async function packetLineOrder(
  path: string,
  maxLineBytes?: number,
): Promise<PacketLineOrder | undefined> {
  // Most files have no packet line: a look for one first spares them the parse (and this thread its warm-up).
  if (!(await firstLinesMayHavePacketLine(path, maxLineBytes))) return undefined;
  const parser = new TraceParser(() => {});
  let n = 0;
  for await (const batch of lineBatches(headStream(path), maxLineBytes ? { maxLineBytes } : {})) {
    for (const l of batch) {
      parser.line(l);
      if (parser.packetLines || ++n >= PACKET_ORDER_LINES) return parser.packetLines;
    }
  }
  return parser.packetLines;
}

/** The file from its start, in small chunks (only its head is read). */
function headStream(path: string) {
  return createReadStream(path, { highWaterMark: 64 * 1024 });
}

/** Whether one of the first {@link PACKET_ORDER_LINES} lines of the file {@link mayBePacketLine}. */
async function firstLinesMayHavePacketLine(path: string, maxLineBytes?: number): Promise<boolean> {
  let n = 0;
  for await (const batch of lineBatches(headStream(path), maxLineBytes ? { maxLineBytes } : {})) {
    for (const l of batch) {
      if (mayBePacketLine(l)) return true;
      if (++n >= PACKET_ORDER_LINES) return false;
    }
  }
  return false;
}

/**
 * Whether `line` may be read as the packet data of a trace (`PACKET: ` of
 * xtables-monitor, `packet: ` of nft monitor), the only lines that decide
 * {@link packetLineOrder}: a line without either text can be none, unless its
 * text is read out of a wrapping (a journal JSON record, colour codes), which
 * may hide it; so such lines count as possible ones.
 */
export function mayBePacketLine(line: string): boolean {
  return needsUnwrap(line, line.charCodeAt(0)) || line.includes("PACKET: ") || line.includes("packet: ");
}

/** One run of a segment: its lines, its job, and what its worker sent so far. */
interface Segment {
  fromLine: number;
  fromByte: number;
  toLine: number;
  warmupLines: number;
  /** Its batches of packets received and not taken yet, in order. */
  packets: PackedBatch[];
  /** The grouping state before its first line, as soon as the worker has it (before any packet). */
  started: Promise<string>;
  result: Promise<SegmentResult>;
  /** Whether `result` has settled (every batch came before it). */
  done: boolean;
  /** Resolves when a batch arrives or the result settles. */
  changed: () => Promise<void>;
}

/**
 * Parses `options.path` on worker threads and writes each packet's output
 * (see `packet-output.ts`) through `write` as UTF-8 chunks, in packet order;
 * awaits `write`'s promise for backpressure, and reuses the chunk's memory once it resolves
 * (`write` must be done with it by then: written or copied).
 * Diagnostics are returned, as the sequential parser's would be.
 */
export async function parseFileParallel(
  options: ParallelOptions,
  write: (chunk: Uint8Array) => void | Promise<void>,
): Promise<ParallelSummary> {
  const jobs = Math.max(1, options.jobs ?? 2);
  const segmentBytes = Math.max(1, options.segmentBytes ?? 32 << 20);
  const warmup = Math.max(1, options.warmupLines ?? 2048);
  const maxDiagnostics = options.maxDiagnostics ?? 1000;
  const file = options.file ?? options.path;
  // Started first: the workers load while this thread reads the head of the file.
  const segments = Math.ceil(statSync(options.path).size / segmentBytes);
  // This thread parses segments too, between pairing batches: one isolate fewer to compile and collect.
  const pool = options.inline ? undefined : new WorkerPool(Math.max(1, jobs - 1), segments, jobs >= 2);
  let packetLines: PacketLineOrder | undefined;
  let index: LineIndex;
  try {
    packetLines = await packetLineOrder(options.path, options.maxLineBytes);
    index = new LineIndex(options.path);
  } catch (e) {
    await pool?.close();
    throw e;
  }
  const run = (job: SegmentJob, onPackets: (p: PackedBatch) => void, onStart: (s: string) => void) =>
    pool ? pool.run(job, onPackets, onStart) : parseSegment(job, onPackets, undefined, onStart);
  const summary: ParallelSummary = {
    packets: 0,
    flows: 0,
    events: 0,
    skippedLines: 0,
    diagnostics: [],
    lines: 0,
    segments: 0,
    retries: 0,
    linesRead: 0,
    unplaced: 0,
  };
  const start = (fromLine: number, fromByte: number, toLine: number, warmupLines: number): Segment => {
    const warm = index.indexedAtOrBefore(fromLine - warmupLines);
    const job: SegmentJob = {
      path: options.path,
      file,
      warmByte: warm.byte,
      warmLine: warm.line,
      fromLine,
      toLine,
      mode: options.mode,
      maxDiagnostics,
      ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
      ...(packetLines ? { packetLines } : {}),
      ...(options.prefixMap ? { prefixMap: options.prefixMap } : {}),
      ...(options.chainHooks ? { chainHooks: options.chainHooks } : {}),
      ...(options.netdevPrefixes ? { netdevPrefixes: options.netdevPrefixes } : {}),
    };
    let wake: (() => void) | undefined;
    const poke = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let onStart: (signature: string) => void = () => {};
    let failed: (e: unknown) => void = () => {};
    const started = new Promise<string>((resolve, reject) => {
      onStart = resolve;
      failed = reject;
    });
    const packets: PackedBatch[] = [];
    const result = run(
      job,
      (batch) => {
        packets.push(batch);
        poke();
      },
      onStart,
    );
    const seg: Segment = {
      fromLine,
      fromByte,
      toLine,
      warmupLines,
      packets,
      started,
      result,
      done: false,
      changed: () => new Promise<void>((resolve) => (wake = resolve)),
    };
    seg.result.then(
      // A job that ends before its first line starts with what its result says.
      (r) => {
        seg.done = true;
        onStart(r.startSignature);
        poke();
      },
      (e: unknown) => {
        seg.done = true;
        failed(e);
        poke();
      },
    );
    // Awaited later, in order: until then a failure must not count as unhandled.
    started.catch(() => {});
    return seg;
  };

  // The keys are slices of their batch's text: copies are kept.
  const pairer = new FlowPairer({ copyKeys: true });
  /** Output not written yet. */
  const out = new OutputChunks();
  const mode = options.mode;
  const end = headEnd(mode);
  // In order, as the sequential parser pairs them (a later fragment may wait for its first one).
  const pairing = new PairingQueue<PackedPacket>(pairer, (p, a) => {
    if (a.isNew) summary.flows++;
    summary.packets++;
    if (mode === "none") return;
    out.text(headStart({ id: summary.packets, flow: a.flow, direction: a.direction }, mode));
    const reply = a.direction === "reply" && p.replyStart >= 0;
    const start = reply ? p.replyStart : p.summaryStart;
    const stop = reply ? p.replyEnd : p.summaryEnd;
    if (p.guessedUdp) {
      // A packet read as UDP in a flow a rule named SCTP, UDP-Lite or DCCP says so, as the sequential parse does.
      const given = summaryOfPrinted(p.bytes.toString("utf8", start, stop), mode);
      out.text(printedSummary(renameUdpSummary(given, a.proto), mode));
    } else out.bytes(p.bytes, start, stop);
    out.text(end);
    // Its JSON header names the protocol as the summary does (the tail starts with it).
    const renamed = p.guessedUdp && mode === "json" && TRACED_LIKE_UDP.has(a.proto);
    if (renamed && p.bytes.toString("utf8", p.tailStart, p.tailStart + UDP_HEADER.length) === UDP_HEADER) {
      out.text(`"header":{"proto":${JSON.stringify(a.proto)}`);
      out.bytes(p.bytes, p.tailStart + UDP_HEADER.length, p.tailEnd);
    } else out.bytes(p.bytes, p.tailStart, p.tailEnd);
  });
  const flushOut = async () => {
    for (const chunk of out.take()) {
      await write(chunk);
      out.reuse(chunk);
    }
  };
  const unknown = new Map<string, { diag: Diagnostic | undefined; count: number; name: string }>();
  let unlisted = 0;
  const inFlight: Segment[] = [];
  let next: { line: number; byte: number } | undefined = index.size > 0 ? { line: 1, byte: 0 } : undefined;
  let prevEnd: string | undefined;
  try {
    for (;;) {
      // Keep every worker busy, and a few segments ahead, so results wait in memory only briefly.
      while (next && inFlight.length < jobs * 2) {
        const after: { line: number; byte: number } | undefined = index.boundary(next.byte + segmentBytes);
        const toLine = after ? after.line : Number.POSITIVE_INFINITY;
        inFlight.push(start(next.line, next.byte, toLine, warmup));
        summary.segments++;
        next = after;
      }
      const seg = inFlight[0];
      if (!seg) break;
      let run = seg;
      // The first segment starts with the file; any other must start from the state the one before ended in.
      while (seg.fromLine > 1 && (await run.started) !== prevEnd) {
        const warm = index.indexedAtOrBefore(seg.fromLine - run.warmupLines * 4);
        summary.retries++;
        run = start(seg.fromLine, seg.fromByte, seg.toLine, seg.fromLine - warm.line);
        // From the first line of the file the state is exact whatever it looks like.
        if (warm.line === 1) break;
      }
      // Its packets are paired and printed as they come, while the workers parse on.
      for (;;) {
        const batch = run.packets.shift();
        if (batch) {
          forEachPacked(batch, (p) => pairing.push(p, p.keys));
          // Its bytes are copied out, unless a packet of it still waits in the queue.
          if (pairing.size === 0) pool?.recycle(batch.bytes.buffer as ArrayBuffer);
          if (out.size >= 1 << 20) await flushOut();
        } else if (run.done) break;
        else await run.changed();
      }
      const result = await run.result;
      inFlight.shift();
      prevEnd = result.endSignature;
      summary.linesRead += result.linesRead;
      summary.events += result.events;
      summary.skippedLines += result.skippedLines;
      unlisted += result.unlisted + mergeDiagnostics(result, summary.diagnostics, unknown, maxDiagnostics);
      await flushOut();
    }
    pairing.flush();
    await flushOut();
  } finally {
    index.close();
    await pool?.close();
  }
  summary.lines = index.lines;
  for (const [key, u] of unknown) if (!key.startsWith(GROUP_MARK)) summary.unplaced += u.count;
  if (unlisted > 0)
    summary.diagnostics.push(unlistedNote(unlisted, { file, line: summary.lines, column: 1 }));
  return summary;
}

/**
 * Appends a segment's diagnostics in order; an unknown prefix met before is
 * not listed again, its first warning counts the lines instead (as the
 * sequential parser's does, up to {@link MAX_UNKNOWN_PREFIXES} remembered
 * prefixes; past that every line of a new one is a problem of its own, and
 * the list, at most `max` <= that many long, is full by then). Returns how many
 * more problems went unlisted than the worker counted (negative when the
 * worker counted as a new problem a prefix that was known already).
 */
function mergeDiagnostics(
  result: SegmentResult,
  into: Diagnostic[],
  unknown: Map<string, { diag: Diagnostic | undefined; count: number; name: string }>,
  max: number,
): number {
  let unlisted = 0;
  const known = (u: UnknownPrefix): boolean => {
    const k = unknown.get(u.prefix);
    if (!k) return false;
    k.count += u.count;
    if (k.diag) k.diag.message = unknownPrefixMessage(k.name, k.count);
    return true;
  };
  const full = () => unknown.size >= MAX_UNKNOWN_PREFIXES;
  const prefixAt = new Map(result.unknownPrefixes.filter((u) => u.index >= 0).map((u) => [u.index, u]));
  result.diagnostics.forEach((d, i) => {
    const u = prefixAt.get(i);
    if (u && known(u)) return;
    if (u && full()) {
      unlisted += u.count;
      return;
    }
    const listed = into.length < max;
    if (listed) into.push(d);
    else unlisted++;
    if (u) unknown.set(u.prefix, { diag: listed ? d : undefined, count: u.count, name: u.name });
  });
  // Prefixes first met after the worker's list was full (it counted that first line unlisted).
  for (const u of result.unknownPrefixes) {
    if (u.index >= 0) continue;
    if (known(u)) unlisted--;
    else if (full()) unlisted += u.count - 1;
    else unknown.set(u.prefix, { diag: undefined, count: u.count, name: u.name });
  }
  return unlisted;
}
