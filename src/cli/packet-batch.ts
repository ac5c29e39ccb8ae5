/**
 * A parallel parse's packets as they cross from a worker to the main thread.
 * A batch is one string of every flow key back to back, one UTF-8 buffer of
 * every output text (summary as printed, reply summary, tail) and one array of
 * numbers saying where each ends. The buffers are transferred, not copied, and
 * the main thread copies output bytes straight into what it writes: the texts
 * are never joined, cloned, decoded and encoded again on the way (that cost a
 * worker about 15 % of its time and left the main thread the slowest of three).
 */
import type { FlowKeys } from "../core/parse/pair-flows.ts";
import type { ByteSink } from "./json-tail-bytes.ts";
import type { SegmentPacket } from "./parse-segment.ts";

/** Packets packed for `postMessage` (see the module comment); pass {@link transferList} along. */
export interface PackedBatch {
  /** The packets' flow key texts, concatenated. */
  keys: string;
  /** The packets' output texts (summary, reply summary when flagged, tail), UTF-8, concatenated. */
  bytes: Uint8Array;
  /**
   * Per packet: the number of tuples `n`, the flags (1 reply-like, 2 quoted, 4 reply summary,
   * 8 datagram, 16 later fragment, 32 guessed UDP, 64 quoted ids, 128 datagram ids), then the lengths
   * (UTF-16 units in `keys`) of `n` seen tuples, `n` reversed ones, the quoted tuple, the datagram
   * tuple, the quoted ids and the datagram ids (each when flagged) and the protocol; then the byte lengths (in `bytes`) of the summary, the reply summary (when
   * flagged) and the tail.
   */
  lengths: Int32Array;
}

/** The buffers of `batch` that `postMessage` can move to the other thread instead of copying. */
export function transferList(batch: PackedBatch): ArrayBuffer[] {
  return [batch.bytes.buffer as ArrayBuffer, batch.lengths.buffer as ArrayBuffer];
}

/** A packet unpacked on the main thread: its flow keys, and where its output texts lie in `bytes`. */
export interface PackedPacket {
  keys: FlowKeys;
  /** The batch's output bytes (shared by its packets). */
  bytes: Buffer;
  /** The summary as the mode prints it: bytes [summaryStart, summaryEnd). */
  summaryStart: number;
  summaryEnd: number;
  /** The summary if the packet is a reply, when it may differ: [replyStart, replyEnd); -1 when none. */
  replyStart: number;
  replyEnd: number;
  /** The tail: [tailStart, tailEnd). */
  tailStart: number;
  tailEnd: number;
  /** See `SegmentPacket.guessedUdp`. */
  guessedUdp: boolean;
}

/** First size of a batch's output buffer; it grows by doubling. */
const FIRST_BYTES = 64 * 1024;

/**
 * Collects packets into a {@link PackedBatch}. `spare` hands back the buffer of a batch the
 * other thread is done with, or undefined: memory written before costs far less to write again
 * than fresh memory, whose first write faults each page in. Default: none, always fresh.
 */
export class PacketBatchWriter implements ByteSink {
  private parts: string[] = [];
  private lengths: number[] = [];
  /** The output bytes of the batch so far (see {@link ByteSink}). */
  buf: Buffer;
  /** Bytes written into {@link buf}. */
  at = 0;
  private readonly spare: () => ArrayBuffer | undefined;
  /** Packets added since the last {@link take}. */
  size = 0;

  constructor(spare: () => ArrayBuffer | undefined = () => undefined) {
    this.spare = spare;
    this.buf = this.buffer(FIRST_BYTES);
  }

  /** A spare buffer of at least `min` bytes, or a new one of `size`. */
  private buffer(size: number, min = size): Buffer {
    for (let b = this.spare(); b; b = this.spare()) if (b.byteLength >= min) return Buffer.from(b);
    return Buffer.allocUnsafeSlow(size);
  }

  /** Appends `p`; its summary and reply summary are already in the form the mode prints. */
  add(p: SegmentPacket): void {
    const { seen, reversed, quoted, datagram, quotedIds, datagramIds, proto, replyLike, laterFragment } =
      p.keys;
    const flags =
      (replyLike ? 1 : 0) |
      (quoted !== undefined ? 2 : 0) |
      (p.replySummary !== undefined ? 4 : 0) |
      (datagram !== undefined ? 8 : 0) |
      (laterFragment ? 16 : 0) |
      (p.guessedUdp ? 32 : 0) |
      (quotedIds !== undefined ? 64 : 0) |
      (datagramIds !== undefined ? 128 : 0);
    this.lengths.push(seen.length, flags);
    for (const t of seen) this.key(t);
    for (const t of reversed) this.key(t);
    if (quoted !== undefined) this.key(quoted);
    if (datagram !== undefined) this.key(datagram);
    if (quotedIds !== undefined) this.key(quotedIds);
    if (datagramIds !== undefined) this.key(datagramIds);
    this.key(proto);
    this.text(p.summary);
    if (p.replySummary !== undefined) this.text(p.replySummary);
    if (typeof p.tail === "string") this.text(p.tail);
    else {
      const start = this.at;
      p.tail(this);
      this.lengths.push(this.at - start);
    }
    this.size++;
  }

  private key(s: string): void {
    this.parts.push(s);
    this.lengths.push(s.length);
  }

  private text(s: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    const most = s.length * 3;
    if (this.at + most > this.buf.length) this.room(most);
    const n = this.buf.write(s, this.at, "utf8");
    this.at += n;
    this.lengths.push(n);
  }

  /** Grows {@link buf} to hold at least `n` more bytes, keeping what was written. */
  room(n: number): void {
    const grown = this.buffer(Math.max(this.buf.length * 2, this.at + n), this.at + n);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  /** The packets added so far, packed; the writer starts empty again (its buffers go with the batch). */
  take(): PackedBatch {
    const batch: PackedBatch = {
      keys: this.parts.join(""),
      bytes: new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.at),
      lengths: Int32Array.from(this.lengths),
    };
    // The next batch is about as big as this one: start it there.
    this.buf = this.buffer(Math.max(FIRST_BYTES, this.at + (this.at >> 2)), FIRST_BYTES);
    this.at = 0;
    this.parts = [];
    this.lengths = [];
    this.size = 0;
    return batch;
  }
}

/**
 * Calls `fn` with each packet of `batch`, in order. Its key strings are slices
 * of `batch.keys`: a caller that keeps one past the call must copy it (see
 * `PairOptions.copyKeys`), or it keeps the whole batch alive.
 */
export function forEachPacked(batch: PackedBatch, fn: (p: PackedPacket) => void): void {
  const { keys, lengths } = batch;
  const bytes = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  let at = 0;
  let byte = 0;
  let k = 0;
  const next = (): string => {
    const end = at + (lengths[k++] as number);
    const s = keys.slice(at, end);
    at = end;
    return s;
  };
  while (k < lengths.length) {
    const n = lengths[k++] as number;
    const flags = lengths[k++] as number;
    const seen: string[] = [];
    const reversed: string[] = [];
    for (let i = 0; i < n; i++) seen.push(next());
    for (let i = 0; i < n; i++) reversed.push(next());
    const quoted = flags & 2 ? next() : undefined;
    const datagram = flags & 8 ? next() : undefined;
    const quotedIds = flags & 64 ? next() : undefined;
    const datagramIds = flags & 128 ? next() : undefined;
    const proto = next();
    const flowKeys: FlowKeys = { seen, reversed, proto, replyLike: (flags & 1) !== 0 };
    if (quoted !== undefined) flowKeys.quoted = quoted;
    if (datagram !== undefined) flowKeys.datagram = datagram;
    if (quotedIds !== undefined) flowKeys.quotedIds = quotedIds;
    if (datagramIds !== undefined) flowKeys.datagramIds = datagramIds;
    if (flags & 16) flowKeys.laterFragment = true;
    const summaryStart = byte;
    byte += lengths[k++] as number;
    const summaryEnd = byte;
    let replyStart = -1;
    let replyEnd = -1;
    if (flags & 4) {
      replyStart = byte;
      byte += lengths[k++] as number;
      replyEnd = byte;
    }
    const tailStart = byte;
    byte += lengths[k++] as number;
    fn({
      keys: flowKeys,
      bytes,
      summaryStart,
      summaryEnd,
      replyStart,
      replyEnd,
      tailStart,
      tailEnd: byte,
      guessedUdp: (flags & 32) !== 0,
    });
  }
}
