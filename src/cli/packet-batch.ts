/**
 * A parallel parse's packets as they cross from a worker to the main thread:
 * a batch is one string holding every text of its packets back to back, and
 * one array of numbers saying where each ends. Copying that between threads
 * is two block copies; a list of packet objects cost a structured clone of
 * every object and string (about 8 % of a worker's time, and as much again
 * on the main thread to rebuild them).
 */
import type { SegmentPacket } from "./parse-segment.ts";

/** Packets packed for `postMessage` (see the module comment). */
export interface PackedBatch {
  /** The packets' texts, concatenated. */
  text: string;
  /**
   * Per packet: the number of tuples `n`, the flags (1 reply-like, 2 quoted,
   * 4 reply summary, 8 datagram, 16 later fragment, 32 guessed UDP), then the lengths of `n` seen tuples, `n` reversed ones,
   * the quoted tuple (when flagged), the datagram tuple (when flagged), the protocol, the summary, the reply
   * summary (when flagged) and the tail.
   */
  lengths: Int32Array;
}

/** Collects packets into a {@link PackedBatch}. */
export class PacketBatchWriter {
  private parts: string[] = [];
  private lengths: number[] = [];
  /** Packets added since the last {@link take}. */
  size = 0;

  /** Appends `p`. */
  add(p: SegmentPacket): void {
    const { seen, reversed, quoted, datagram, proto, replyLike, laterFragment } = p.keys;
    const flags =
      (replyLike ? 1 : 0) |
      (quoted !== undefined ? 2 : 0) |
      (p.replySummary !== undefined ? 4 : 0) |
      (datagram !== undefined ? 8 : 0) |
      (laterFragment ? 16 : 0) |
      (p.guessedUdp ? 32 : 0);
    this.lengths.push(seen.length, flags);
    for (const t of seen) this.text(t);
    for (const t of reversed) this.text(t);
    if (quoted !== undefined) this.text(quoted);
    if (datagram !== undefined) this.text(datagram);
    this.text(proto);
    this.text(p.summary);
    if (p.replySummary !== undefined) this.text(p.replySummary);
    this.text(p.tail);
    this.size++;
  }

  private text(s: string): void {
    this.parts.push(s);
    this.lengths.push(s.length);
  }

  /** The packets added so far, packed; the writer starts empty again. */
  take(): PackedBatch {
    const batch = { text: this.parts.join(""), lengths: Int32Array.from(this.lengths) };
    this.parts = [];
    this.lengths = [];
    this.size = 0;
    return batch;
  }
}

/**
 * Calls `fn` with each packet of `batch`, in order. Its strings are slices of
 * `batch.text`: a caller that keeps one past the call must copy it (see
 * `PairOptions.copyKeys`), or it keeps the whole batch alive.
 */
export function forEachPacked(batch: PackedBatch, fn: (p: SegmentPacket) => void): void {
  const { text, lengths } = batch;
  let at = 0;
  let k = 0;
  const next = (): string => {
    const end = at + (lengths[k++] as number);
    const s = text.slice(at, end);
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
    const proto = next();
    const summary = next();
    const replySummary = flags & 4 ? next() : undefined;
    const tail = next();
    const p: SegmentPacket = {
      keys: { seen, reversed, proto, replyLike: (flags & 1) !== 0 },
      summary,
      tail,
    };
    if (quoted !== undefined) p.keys.quoted = quoted;
    if (datagram !== undefined) p.keys.datagram = datagram;
    if (flags & 16) p.keys.laterFragment = true;
    if (replySummary !== undefined) p.replySummary = replySummary;
    if (flags & 32) p.guessedUdp = true;
    fn(p);
  }
}
