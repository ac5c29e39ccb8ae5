/**
 * Splits a stream of chunks (bytes or text, e.g. a file read stream) into
 * lines without reading the whole input, and several times cheaper than
 * `readline`'s event per line. Byte chunks are cut at `\n` bytes and each line
 * is decoded on its own, so every line is a flat string of its own: the
 * parser's character reads are faster on it than on a slice of a big chunk,
 * and a kept line pins no chunk.
 *
 * A line that spans chunks is kept as a list of pieces and joined once at its
 * newline, so the work stays linear in the input however long the line. A
 * line longer than {@link LineOptions.maxLineBytes} is not kept at all: it is
 * handed on as a mark (see {@link longLineMark}) that keeps the line count.
 */

/** A Node Buffer over a chunk's bytes. */
interface BufferView {
  utf8Slice(s: number, e: number): string;
  indexOf(value: number, from: number): number;
}

/**
 * Node's Buffer, when there is one: its `utf8Slice` decodes a line without a TextDecoder call
 * each, and its `indexOf` finds a byte with memchr (a Uint8Array's compares byte by byte).
 */
const NodeBuffer = (
  globalThis as unknown as {
    Buffer?: { from(a: ArrayBufferLike, offset: number, length: number): BufferView };
  }
).Buffer;

/** Default longest line kept: 1 MiB (a kernel log line is at most 1 KiB). */
export const MAX_LINE_BYTES = 1 << 20;

/** Options of {@link lineBatches}. */
export interface LineOptions {
  /**
   * Longest line kept, in bytes (UTF-16 code units for text chunks), without
   * its `\n`. A longer line is read past without being kept and yields a
   * {@link longLineMark} instead. Default: {@link MAX_LINE_BYTES} (1 MiB).
   */
  maxLineBytes?: number;
}

/**
 * What {@link lineBatches} yields for a line longer than `limit`: text that
 * holds a `\n`, which no real line can. {@link TraceParser} reports it.
 */
export function longLineMark(length: number, limit: number): string {
  return `\n${length} ${limit}`;
}

/** The length and the limit of a {@link longLineMark}, or undefined for a real line. */
export function readLongLineMark(line: string): { length: number; limit: number } | undefined {
  if (line.charCodeAt(0) !== 10) return undefined;
  const sp = line.indexOf(" ");
  return { length: Number(line.slice(1, sp)), limit: Number(line.slice(sp + 1)) };
}

/** Decodes bytes [start, end) of `bytes` (invalid UTF-8 becomes U+FFFD, a byte-order mark is kept). */
type LineDecoder = (start: number, end: number) => string;

function decoderFor(bytes: Uint8Array, fallback: TextDecoder, view = bufferView(bytes)): LineDecoder {
  if (view) return (s, e) => view.utf8Slice(s, e);
  return (s, e) => fallback.decode(bytes.subarray(s, e));
}

/** A Buffer sharing `bytes`' memory, or undefined outside Node. */
function bufferView(bytes: Uint8Array): BufferView | undefined {
  return NodeBuffer?.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A copy of bytes [from, to) (a Buffer's `slice` is a view that would pin the whole chunk). */
function copyBytes(bytes: Uint8Array, from: number, to: number): Uint8Array {
  return new Uint8Array(bytes.subarray(from, to));
}

function joinBytes(pieces: Uint8Array[], length: number): Uint8Array {
  if (pieces.length === 1) return pieces[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Yields the lines of `chunks` in batches (one batch per chunk), without their
 * `\n`. A `\r` before the `\n` is kept (the parser removes it); a lone `\r` is
 * not a line break (as in `parseTraceText`). A last line without a newline is
 * yielded too; invalid UTF-8 becomes U+FFFD; a byte-order mark is kept. A line
 * longer than `options.maxLineBytes` yields a {@link longLineMark}.
 */
export async function* lineBatches(
  chunks: AsyncIterable<Uint8Array | string>,
  options: LineOptions = {},
): AsyncGenerator<string[]> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  // A byte-order mark stays in the first line, as when the text is read whole (`parseTraceText`).
  const fallback = new TextDecoder("utf-8", { ignoreBOM: true });
  /** The unfinished line: byte pieces or text pieces, never both (a change of kind joins them). */
  let bytePieces: Uint8Array[] = [];
  let textPieces: string[] = [];
  /** Length of the unfinished line so far (bytes, or code units once it is text). */
  let pending = 0;
  /** Whether the unfinished line passed `max`: its pieces are dropped, only `pending` counts on. */
  let skipping = false;
  const pendingText = (): string => {
    if (bytePieces.length) {
      const b = joinBytes(bytePieces, pending);
      textPieces = [decoderFor(b, fallback)(0, b.length)];
      bytePieces = [];
    }
    return textPieces.join("");
  };
  for await (const chunk of chunks) {
    const batch: string[] = [];
    let at = 0;
    if (typeof chunk === "string") {
      if (pending > 0 || skipping) {
        const nl = chunk.indexOf("\n");
        const end = nl < 0 ? chunk.length : nl;
        if (!skipping && bytePieces.length) {
          const t = pendingText();
          pending = t.length;
          textPieces = [t];
        }
        pending += end;
        if (!skipping && pending > max) {
          skipping = true;
          textPieces = [];
        }
        if (!skipping && end > 0) textPieces.push(nl < 0 ? chunk : chunk.slice(0, end));
        if (nl < 0) continue;
        batch.push(skipping ? longLineMark(pending, max) : textPieces.join(""));
        textPieces = [];
        pending = 0;
        skipping = false;
        at = nl + 1;
      }
      for (let nl = chunk.indexOf("\n", at); nl >= 0; nl = chunk.indexOf("\n", at)) {
        batch.push(nl - at > max ? longLineMark(nl - at, max) : chunk.slice(at, nl));
        at = nl + 1;
      }
      if (at < chunk.length) {
        pending = chunk.length - at;
        if (pending > max) skipping = true;
        else textPieces.push(at === 0 ? chunk : chunk.slice(at));
      }
    } else {
      if (pending > 0 || skipping) {
        const nl = chunk.indexOf(10);
        const end = nl < 0 ? chunk.length : nl;
        if (!skipping && textPieces.length) {
          // A byte chunk after a string chunk: the unfinished text line comes first.
          const head = new TextEncoder().encode(textPieces.join(""));
          textPieces = [];
          bytePieces = [head];
          pending = head.length;
        }
        pending += end;
        if (!skipping && pending > max) {
          skipping = true;
          bytePieces = [];
        }
        if (!skipping && end > 0) bytePieces.push(copyBytes(chunk, 0, end));
        if (nl < 0) continue;
        if (skipping) batch.push(longLineMark(pending, max));
        else {
          const line = joinBytes(bytePieces, pending);
          batch.push(decoderFor(line, fallback)(0, line.length));
        }
        bytePieces = [];
        pending = 0;
        skipping = false;
        at = nl + 1;
      }
      const view = bufferView(chunk);
      const decode = decoderFor(chunk, fallback, view);
      const bytes = view ?? chunk;
      for (let nl = bytes.indexOf(10, at); nl >= 0; nl = bytes.indexOf(10, at)) {
        batch.push(nl - at > max ? longLineMark(nl - at, max) : decode(at, nl));
        at = nl + 1;
      }
      if (at < chunk.length) {
        pending = chunk.length - at;
        if (pending > max) skipping = true;
        // A copy: the rest must not keep the whole chunk alive.
        else bytePieces.push(copyBytes(chunk, at, chunk.length));
      }
    }
    if (batch.length) yield batch;
  }
  if (skipping) yield [longLineMark(pending, max)];
  else if (pending > 0) yield [pendingText()];
}

/** Calls `fn` for each line of `chunks` (see {@link lineBatches}); resolves to the number of lines. */
export async function forEachLine(
  chunks: AsyncIterable<Uint8Array | string>,
  fn: (line: string) => void,
  options: LineOptions = {},
): Promise<number> {
  let n = 0;
  for await (const batch of lineBatches(chunks, options)) {
    for (let i = 0; i < batch.length; i++) fn(batch[i] as string);
    n += batch.length;
  }
  return n;
}
