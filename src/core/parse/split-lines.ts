/**
 * Splits a stream of chunks (bytes or text, e.g. a file read stream) into
 * lines without reading the whole input: one UTF-8 decode per chunk, then
 * `indexOf("\n")`, which is several times cheaper than `readline`'s event per line.
 */

/**
 * Yields the lines of `chunks` in batches (one batch per chunk), without their
 * `\n`. A `\r` before the `\n` is kept (the parser removes it); a lone `\r` is
 * not a line break (as in `parseTraceText`). A last line without a newline is
 * yielded too; invalid UTF-8 becomes U+FFFD; a byte-order mark is kept.
 */
export async function* lineBatches(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string[]> {
  // A byte-order mark stays in the first line, as when the text is read whole (`parseTraceText`).
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let rest = "";
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    const batch: string[] = [];
    let at = 0;
    // `rest` holds no newline: search only the new text.
    for (let nl = text.indexOf("\n", rest.length); nl >= 0; nl = text.indexOf("\n", at)) {
      batch.push(text.slice(at, nl));
      at = nl + 1;
    }
    rest = at === 0 ? text : text.slice(at);
    if (batch.length) yield batch;
  }
  rest += decoder.decode();
  if (rest.length) yield [rest];
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
