/**
 * One segment of a parallel parse (see `parse-parallel.ts`): reads a file from
 * a warm-up point, rebuilds the grouping state on the lines before the
 * segment, groups the segment's lines, reads on until every packet that
 * started in the segment is closed, and returns those packets as flow keys
 * and formatted text, with the state signatures at both ends of the segment.
 *
 * Runs in a worker thread (this module is the worker's entry), or in the
 * calling thread through {@link parseSegment}.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { ChainHooks, NetdevPrefixes, PrefixHooks } from "../core/model/hook.ts";
import type { Diagnostic } from "../core/model/packet.ts";
import { type FlowKeys, flowKeys } from "../core/parse/pair-flows.ts";
import { lineBatches } from "../core/parse/split-lines.ts";
import { summarizePacket } from "../core/parse/summarize-packet.ts";
import { type PacketLineOrder, TraceParser, type UnknownPrefix } from "../core/parse/trace-parser.ts";
import { guessedUdp } from "../core/parse/traced-transport.ts";
import type { ByteSink } from "./json-tail-bytes.ts";
import { type PackedBatch, PacketBatchWriter, transferList } from "./packet-batch.ts";
import { type OutputMode, printedSummary, writePacketTail } from "./packet-output.ts";
import { readChunks } from "./parse-read-chunks.ts";

/** What a segment's worker is asked to do. Lines are numbered from 1 in the whole file. */
export interface SegmentJob {
  /** Path to read. */
  path: string;
  /** Name in positions (the path as the user gave it). */
  file: string;
  /** Byte offset and number of the first line read (the warm-up starts here). */
  warmByte: number;
  warmLine: number;
  /** The segment: lines [fromLine, toLine) are this job's. */
  fromLine: number;
  toLine: number;
  mode: OutputMode;
  prefixMap?: PrefixHooks;
  chainHooks?: ChainHooks;
  netdevPrefixes?: NetdevPrefixes;
  maxDiagnostics: number;
  /** Longest line read (see `lineBatches`). Default: 1 MiB. */
  maxLineBytes?: number;
  /** How the file orders `PACKET:` lines, when the main thread found out (see `TraceParser`). */
  packetLines?: PacketLineOrder;
}

/** A packet of the segment, as the main thread needs it to pair flows and print. */
export interface SegmentPacket {
  keys: FlowKeys;
  /** The summary as the mode prints it (see `printedSummary`); empty in mode `none`, which prints nothing. */
  summary: string;
  /** The summary if the packet turns out to be a reply (conntrack undoing NAT), printed; only when it may differ. */
  replySummary?: string;
  /** The packet's tail (`packetTail`) in the job's mode, or what writes it (see `writePacketTail`). */
  tail: string | ((sink: ByteSink) => void);
  /**
   * Read as UDP by xtables-monitor with no rule naming its protocol: the summary names the SCTP,
   * UDP-Lite or DCCP its flow turns out to be (see `nameGuessedUdp`). Default false.
   */
  guessedUdp?: true;
}

/** What a segment's worker returns (its packets went to `onPackets` on the way). */
export interface SegmentResult {
  /** The grouping state before line `fromLine` (empty when the read started there at line 1). */
  startSignature: string;
  /** The grouping state before line `toLine` ("" when the file ended first). */
  endSignature: string;
  diagnostics: Diagnostic[];
  /** Problems beyond `maxDiagnostics`. */
  unlisted: number;
  /** Unknown LOG prefixes met in the segment, with the index of their diagnostic. */
  unknownPrefixes: UnknownPrefix[];
  events: number;
  skippedLines: number;
  /** Lines read, warm-up and read-on included. */
  linesRead: number;
}

/** Packets are handed over in batches of this many, so that a worker holds few of them. */
const BATCH = 512;

/**
 * Runs one segment (see the module comment); its packets go to `onPackets`, in order, in batches.
 * `spare`: buffers of batches the main thread is done with (see `PacketBatchWriter`). Default: none.
 * `onStart` gets the state signature before the segment's first line, before any of its packets.
 * `breathe`: on the main thread, let the event loop run every this many batches read (the reads block
 * and the chunks come through microtasks: without it, workers' messages would wait for the whole
 * segment). Default: never. `stopped`: asked at each such turn; once true, the read ends there (the
 * caller gave up on the parse: its output failed). Default: never.
 */
export async function parseSegment(
  job: SegmentJob,
  onPackets: (packets: PackedBatch) => void,
  spare?: () => ArrayBuffer | undefined,
  onStart?: (startSignature: string) => void,
  breathe = 0,
  stopped: () => boolean = () => false,
): Promise<SegmentResult> {
  const packets = new PacketBatchWriter(spare);
  const parser = new TraceParser(() => {}, {
    file: job.file,
    firstLine: job.warmLine,
    range: { from: job.fromLine, to: job.toLine },
    maxDiagnostics: job.maxDiagnostics,
    // A segment's prefixes are bounded by its lines; the merge applies the whole file's limit.
    maxUnknownPrefixes: Number.POSITIVE_INFINITY,
    ...(job.prefixMap ? { prefixMap: job.prefixMap } : {}),
    ...(job.chainHooks ? { chainHooks: job.chainHooks } : {}),
    ...(job.netdevPrefixes ? { netdevPrefixes: job.netdevPrefixes } : {}),
    ...(job.packetLines ? { packetLines: job.packetLines } : {}),
    onGroupedPacket: (p) => {
      // Without output (`none`) the main thread needs the flow keys only.
      const print = job.mode !== "none";
      const record: SegmentPacket = {
        keys: flowKeys(p),
        summary: printedSummary(p.summary, job.mode),
        // Written into the batch's bytes, not made a string first.
        tail: (sink) => writePacketTail(p, job.mode, sink),
      };
      if (print && p.rewrites.length > 0)
        record.replySummary = printedSummary(summarizePacket({ ...p, direction: "reply" }), job.mode);
      if (print && p.events.some(guessedUdp)) record.guessedUdp = true;
      packets.add(record);
      if (packets.size >= BATCH) {
        onPackets(packets.take());
      }
    },
  });
  let startSignature: string | undefined;
  let endSignature = "";
  let linesRead = 0;
  let done = false;
  // Big reads, as before: a worker's heap limits hold its batches (see `parse-parallel.ts`).
  const input = readChunks(job.path, job.warmByte);
  let batches = 0;
  for await (const batch of lineBatches(input, job.maxLineBytes ? { maxLineBytes: job.maxLineBytes } : {})) {
    if (breathe > 0 && ++batches % breathe === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopped()) throw new Error("the parse was stopped");
    }
    for (let i = 0; i < batch.length; i++) {
      const next = parser.nextLine;
      if (next === job.fromLine && startSignature === undefined) {
        startSignature = parser.signature();
        // Before any packet of the segment: the main thread can check the stitching and take packets as they come.
        onStart?.(startSignature);
      }
      if (next >= job.toLine) {
        if (next === job.toLine) endSignature = parser.signature();
        // Past the segment, lines are read only to close the packets that started in it.
        if (parser.floor >= job.toLine) {
          done = true;
          break;
        }
      }
      parser.line(batch[i] as string);
      linesRead++;
    }
    if (done) break;
  }
  // The floor may have moved without a packet closing (a waiting bridge line claimed): hand those out too.
  if (done) parser.handOutReady();
  else parser.flush();
  if (packets.size) onPackets(packets.take());
  return {
    startSignature: startSignature ?? "",
    endSignature,
    diagnostics: parser.diagnostics,
    unlisted: parser.unlisted,
    unknownPrefixes: parser.unknownPrefixes(),
    events: parser.events,
    skippedLines: parser.skippedLines,
    linesRead,
  };
}

/** What a worker posts: the start signature, batches of packets, then the result (or the error) of its job. */
export type WorkerMessage =
  | { kind: "start"; signature: string }
  | { kind: "packets"; packets: PackedBatch }
  | { kind: "done"; result: SegmentResult }
  | { kind: "failed"; error: string };

/** What a worker is started with: the port on which the main thread gives batches' buffers back. */
export interface SegmentWorkerData {
  recycle: MessagePort;
}

// As a worker: one job per message; batches of packets, then one result per job.
const recycle = (workerData as SegmentWorkerData | undefined)?.recycle;
// Polled, not listened to: the parse runs without yielding to the event loop.
const spare = () =>
  recycle ? (receiveMessageOnPort(recycle)?.message as ArrayBuffer | undefined) : undefined;
parentPort?.on("message", (job: SegmentJob) => {
  const post = (m: WorkerMessage) => parentPort?.postMessage(m);
  // The batch's buffers move to the main thread, uncopied.
  const send = (packets: PackedBatch) =>
    parentPort?.postMessage({ kind: "packets", packets } satisfies WorkerMessage, transferList(packets));
  parseSegment(job, send, spare, (signature) => post({ kind: "start", signature })).then(
    (result) => post({ kind: "done", result }),
    (error: unknown) =>
      post({ kind: "failed", error: error instanceof Error ? error.message : String(error) }),
  );
});
