/**
 * Splits a stream of chunks (bytes or text, e.g. a file read stream) into
 * lines without reading the whole input, and several times cheaper than
 * `readline`'s event per line. Byte chunks are cut at `\n` bytes and each line
 * is decoded on its own, so every line is a flat string of its own: the
 * parser's character reads are faster on it than on a slice of a big chunk,
 * and a kept line pins no chunk.
 */

/** Node's Buffer, when there is one (its `utf8Slice` decodes a line without a TextDecoder call each). */
const NodeBuffer = (
  globalThis as unknown as {
    Buffer?: {
      from(a: ArrayBufferLike, offset: number, length: number): { utf8Slice(s: number, e: number): string };
    };
  }
).Buffer;

/** Decodes bytes [start, end) of `bytes` (invalid UTF-8 becomes U+FFFD, a byte-order mark is kept). */
type LineDecoder = (start: number, end: number) => string;

function decoderFor(bytes: Uint8Array, fallback: TextDecoder): LineDecoder {
  if (NodeBuffer) {
    const b = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (s, e) => b.utf8Slice(s, e);
  }
  return (s, e) => fallback.decode(bytes.subarray(s, e));
}

/**
 * Yields the lines of `chunks` in batches (one batch per chunk), without their
 * `\n`. A `\r` before the `\n` is kept (the parser removes it); a lone `\r` is
 * not a line break (as in `parseTraceText`). A last line without a newline is
 * yielded too; invalid UTF-8 becomes U+FFFD; a byte-order mark is kept.
 */
export async function* lineBatches(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string[]> {
  // A byte-order mark stays in the first line, as when the text is read whole (`parseTraceText`).
  const fallback = new TextDecoder("utf-8", { ignoreBOM: true });
  /** The bytes of an unfinished line (byte chunks). */
  let restBytes: Uint8Array | undefined;
  /** The text of an unfinished line (string chunks). */
  let restText = "";
  for await (const chunk of chunks) {
    const batch: string[] = [];
    if (typeof chunk === "string") {
      if (restBytes) {
        restText = decoderFor(restBytes, fallback)(0, restBytes.length);
        restBytes = undefined;
      }
      const text = restText + chunk;
      let at = 0;
      // `restText` holds no newline: search only the new text.
      for (let nl = text.indexOf("\n", restText.length); nl >= 0; nl = text.indexOf("\n", at)) {
        batch.push(text.slice(at, nl));
        at = nl + 1;
      }
      restText = at === 0 ? text : text.slice(at);
    } else {
      let bytes = chunk;
      let from = 0;
      if (restBytes) {
        bytes = new Uint8Array(restBytes.length + chunk.length);
        bytes.set(restBytes);
        bytes.set(chunk, restBytes.length);
        from = restBytes.length;
        restBytes = undefined;
      }
      if (restText) {
        // A byte chunk after a string chunk: the unfinished text line comes first.
        bytes = concatText(restText, bytes);
        from = 0;
        restText = "";
      }
      const decode = decoderFor(bytes, fallback);
      let at = 0;
      for (let nl = bytes.indexOf(10, from); nl >= 0; nl = bytes.indexOf(10, at)) {
        batch.push(decode(at, nl));
        at = nl + 1;
      }
      // A copy: the rest must not keep the whole chunk alive.
      if (at < bytes.length) restBytes = bytes.slice(at);
    }
    if (batch.length) yield batch;
  }
  if (restBytes) yield [decoderFor(restBytes, fallback)(0, restBytes.length)];
  else if (restText.length) yield [restText];
}

function concatText(text: string, bytes: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

/** Calls `fn` for each line of `chunks` (see {@link lineBatches}); resolves to the number of lines. */
export async function forEachLine(
  chunks: AsyncIterable<Uint8Array | string>,
  fn: (line: string) => void,
): Promise<number> {
  let n = 0;
  for await (const batch of lineBatches(chunks)) {
    for (let i = 0; i < batch.length; i++) fn(batch[i] as string);
    n += batch.length;
  }
  return n;
}
