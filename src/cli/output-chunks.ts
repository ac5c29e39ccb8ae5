/**
 * Output assembled as bytes: short texts written in, byte ranges of other
 * buffers copied in, handed out in chunks of about {@link CHUNK} bytes. The
 * parallel parse's main thread prints each packet's head this way around the
 * bytes its worker already encoded, without making a string of them.
 */
import type { ByteSink } from "./json-tail-bytes.ts";

/** Bytes per chunk handed out (a range longer than this is handed out whole). */
const CHUNK = 1 << 20;

/** Chunks kept for reuse: written memory costs less to write again than fresh memory, which faults its pages in. */
const KEEP = 4;

/** No memory yet: the first write takes a chunk. */
const NONE = Buffer.alloc(0);

/** See the module comment. A {@link ByteSink}: a packet's JSON tail is written straight in. */
export class OutputChunks implements ByteSink {
  private readonly free: Buffer<ArrayBuffer>[] = [];
  /** The chunk being written (see {@link ByteSink}). */
  buf: Buffer<ArrayBuffer> = NONE;
  /** Bytes written into {@link buf}. */
  at = 0;
  private ready: Uint8Array[] = [];
  private readyBytes = 0;

  /** Bytes added and not taken yet. */
  get size(): number {
    return this.readyBytes + this.at;
  }

  /** Appends `s` as UTF-8. */
  text(s: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8: only a long text needs its exact length.
    const most = s.length * 3;
    if (most > CHUNK) {
      const b = Buffer.from(s, "utf8");
      this.bytes(b, 0, b.length);
      return;
    }
    if (this.at + most > this.buf.length) this.room();
    this.at += this.buf.write(s, this.at, "utf8");
  }

  /** Appends `from[start, end)`. */
  bytes(from: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    if (n > CHUNK) {
      this.spill();
      // Handed out as a copy: the caller's buffer may be reused.
      this.ready.push(Uint8Array.prototype.slice.call(from, start, end) as Uint8Array);
      this.readyBytes += n;
      return;
    }
    if (this.at + n > this.buf.length) this.room();
    this.at += from.copy(this.buf, this.at, start, end);
  }

  /** Takes back a chunk {@link take} handed out, once nothing reads it any more. */
  reuse(chunk: Uint8Array): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK && this.free.length < KEEP)
      this.free.push(Buffer.from(chunk.buffer as ArrayBuffer));
  }

  /** Everything appended so far, in order; the writer starts empty. */
  take(): Uint8Array[] {
    this.spill();
    const out = this.ready;
    this.ready = [];
    this.readyBytes = 0;
    return out;
  }

  /**
   * A fresh chunk to write into, of at least `n` bytes (default: one {@link CHUNK}): the bytes so
   * far go to the ready list.
   */
  room(n = 0): void {
    this.spill();
    this.buf = n > CHUNK ? Buffer.allocUnsafeSlow(n) : (this.free.pop() ?? Buffer.allocUnsafeSlow(CHUNK));
  }

  /** Moves the bytes written so far to the ready list; the next write takes a chunk. */
  private spill(): void {
    if (this.at > 0) {
      this.ready.push(this.buf.subarray(0, this.at));
      this.readyBytes += this.at;
    }
    this.buf = NONE;
    this.at = 0;
  }
}
