/**
 * Output assembled as bytes: short texts written in, byte ranges of other
 * buffers copied in, handed out in chunks of about {@link CHUNK} bytes. The
 * parallel parse's main thread prints each packet's head this way around the
 * bytes its worker already encoded, without making a string of them.
 */

/** Bytes per chunk handed out (a range longer than this is handed out whole). */
const CHUNK = 1 << 20;

/** See the module comment. */
export class OutputChunks {
  private buf = Buffer.allocUnsafeSlow(CHUNK);
  private at = 0;
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
    if (this.at + most > this.buf.length) {
      if (most <= CHUNK) this.spill();
      else {
        const b = Buffer.from(s, "utf8");
        this.bytes(b, 0, b.length);
        return;
      }
    }
    this.at += this.buf.write(s, this.at, "utf8");
  }

  /** Appends `from[start, end)`. */
  bytes(from: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.at + n > this.buf.length) {
      this.spill();
      if (n > this.buf.length) {
        // Handed out as a copy: the caller's buffer may be reused.
        this.ready.push(Uint8Array.prototype.slice.call(from, start, end) as Uint8Array);
        this.readyBytes += n;
        return;
      }
    }
    this.at += from.copy(this.buf, this.at, start, end);
  }

  /** Everything appended so far, in order; the writer starts empty. */
  take(): Uint8Array[] {
    this.spill();
    const out = this.ready;
    this.ready = [];
    this.readyBytes = 0;
    return out;
  }

  /** Moves the bytes in the current buffer to the ready list; the next bytes go to a new buffer. */
  private spill(): void {
    if (this.at === 0) return;
    this.ready.push(this.buf.subarray(0, this.at));
    this.readyBytes += this.at;
    this.buf = Buffer.allocUnsafeSlow(CHUNK);
    this.at = 0;
  }
}
