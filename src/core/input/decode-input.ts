/**
 * Turns what a reader hands in as a kernel log into text chunks for
 * `lineBatches`: plain text passes through untouched (no copy, no extra
 * work per line), a gzip file is decompressed as it streams, UTF-16 text is
 * decoded, and anything else is refused with the command that gives text.
 * Web-standard APIs only (`DecompressionStream`, `TextDecoder`): the same
 * code runs in the CLI and in the playground's worker.
 */
import { type InputKind, SNIFF_BYTES, sniffInput } from "./sniff-input.ts";

/** Input that is not a kernel log (or a damaged one), positioned by byte: the caller names the file. */
export class InputError extends Error {
  /** What to do about it; `FILE` is replaced by the caller with the input's name. */
  readonly hint: string;
  /** 0-based byte offset in the input as given (compressed, if it was). */
  readonly offset: number;

  constructor(message: string, hint: string, offset = 0) {
    super(message);
    this.name = "InputError";
    this.hint = hint;
    this.offset = offset;
  }

  /** The hint with `FILE` replaced by `name`. */
  hintFor(name: string): string {
    return this.hint.replaceAll("FILE", name === "-" ? "the file" : name);
  }
}

/** The {@link InputError} for a {@link sniffInput} refusal. */
export function refusal(kind: Extract<InputKind, { kind: "refused" }>): InputError {
  return new InputError(`expected kernel log text, found ${kind.found}`, kind.hint, kind.offset);
}

/** The {@link InputError} for gzip data that decompresses to gzip data again. */
export function nestedGzip(): InputError {
  return new InputError(
    "expected kernel log text, found gzip data inside gzip data",
    "decompress it once: gzip -dc FILE > kernel.log",
  );
}

/** The {@link InputError} for a damaged or cut gzip stream; `detail` says how far it read. */
export function damagedGzip(detail = "", offset = 0): InputError {
  return new InputError(
    `the gzip data is damaged or cut short${detail}`,
    "test the file with gzip -t FILE; a log still being written is read whole once it is rotated",
    offset,
  );
}

/** Options of {@link decodeInput}. */
export interface DecodeOptions {
  /** Read gzip input (decompressed as it streams). Default: true. */
  gzip?: boolean;
}

/**
 * The chunks of `chunks` as text or bytes that `lineBatches` reads, after
 * looking at the first {@link SNIFF_BYTES} bytes (see {@link sniffInput}).
 * Byte chunks may be reused by their source after they were taken (as
 * `readChunks` does): what is kept across chunks is copied. Throws an
 * {@link InputError} for input that is not text, or a damaged gzip stream.
 */
export async function* decodeInput(
  chunks: AsyncIterable<Uint8Array | string>,
  options: DecodeOptions = {},
): AsyncGenerator<Uint8Array | string> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let first: IteratorResult<Uint8Array | string> = await it.next();
  if (first.done || typeof first.value === "string") {
    // Text already (a paste): nothing to decode.
    if (!first.done) yield first.value;
    yield* { [Symbol.asyncIterator]: () => it };
    return;
  }
  // Short first chunks are gathered (copied: the source may reuse its buffer) until the sniff has its bytes.
  while (!first.done && typeof first.value !== "string" && headBytes + first.value.length < SNIFF_BYTES) {
    head.push(new Uint8Array(first.value));
    headBytes += first.value.length;
    first = await it.next();
  }
  const pending: (Uint8Array | string)[] = first.done ? [] : [first.value];
  const peek = new Uint8Array(Math.min(SNIFF_BYTES, headBytes + (pending[0]?.length ?? 0)));
  let at = 0;
  for (const h of head) {
    peek.set(h.subarray(0, peek.length - at), at);
    at += Math.min(h.length, peek.length - at);
  }
  const p0 = pending[0];
  if (p0 !== undefined && typeof p0 !== "string" && at < peek.length)
    peek.set(p0.subarray(0, peek.length - at), at);
  const kind = sniffInput(peek);
  const rest = async function* (): AsyncGenerator<Uint8Array | string> {
    yield* head;
    yield* pending;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  if (kind.kind === "text") {
    yield* rest();
    return;
  }
  if (kind.kind === "refused") throw refusal(kind);
  if (kind.kind === "utf16") {
    yield* utf16(rest(), kind.littleEndian);
    return;
  }
  if (options.gzip === false) throw nestedGzip();
  yield* decodeInput(gunzip(rest()), { gzip: false });
}

/** UTF-16 chunks as text (a byte-order mark is dropped; a pair split between chunks is kept whole). */
async function* utf16(
  chunks: AsyncIterable<Uint8Array | string>,
  littleEndian: boolean,
): AsyncGenerator<string> {
  const decoder = new TextDecoder(littleEndian ? "utf-16le" : "utf-16be");
  for await (const c of chunks) {
    const text = typeof c === "string" ? c : decoder.decode(c, { stream: true });
    if (text) yield text;
  }
  const last = decoder.decode();
  if (last) yield last;
}

/**
 * What is kept of the compressed bytes fed to a member's decompressor: the next member starts in the
 * last of them (Node's decompression stream reads about 128 KiB past the end of a member before it
 * calls the rest junk; tiny chunks spread the 8 trailer bytes over as many).
 */
const KEPT_CHUNKS = 8;
const KEPT_BYTES = 4 << 20;

/** Text taken from the decompressor and not yet handed on, past which it is fed no more. */
const OUT_AHEAD = 1 << 20;

/**
 * gzip chunks decompressed as they stream, member after member (`cat a.gz b.gz`, which gzip and
 * zcat read whole); a damaged or cut stream is an {@link InputError}.
 */
async function* gunzip(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  let read = 0;
  let given = 0;
  /** A failure of the source (a read error), passed on as it is: it says nothing about the gzip data. */
  let failed: { error: unknown } | undefined;
  const source = chunks[Symbol.asyncIterator]();
  /** Bytes read already that belong to the next member, fed before the source's next chunk. */
  let carried: Uint8Array[] = [];
  for (;;) {
    const fed: Uint8Array[] = [];
    /** `fed[first]` on are kept: at least {@link KEPT_CHUNKS} chunks and {@link KEPT_BYTES} bytes. */
    let first = 0;
    let fedBytes = 0;
    let memberBytes = 0;
    const next = carried;
    carried = [];
    // Read by hand as fast as it gives: an errored stream drops what its queues hold, so a cut
    // stream's last text would be lost, more of it the slower the output (a pipe to a pager).
    // The writes wait instead while more than OUT_AHEAD bytes of text are taken and not yet handed on.
    const pair = new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
    const writer = pair.writable.getWriter();
    const reader = pair.readable.getReader();
    const taken: Uint8Array[] = [];
    let takenBytes = 0;
    let end: { error?: unknown } | undefined;
    let stopped = false;
    /** Wakes this generator (text taken, or the end) and the feeding (room again). */
    let wake: (() => void) | undefined;
    let room: (() => void) | undefined;
    void (async () => {
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          taken.push(r.value);
          takenBytes += r.value.length;
          wake?.();
        }
        end = {};
      } catch (error) {
        end = { error };
      }
      wake?.();
    })();
    void (async () => {
      for (;;) {
        let bytes = next.shift();
        if (!bytes) {
          let r: IteratorResult<Uint8Array | string>;
          try {
            r = await source.next();
          } catch (error) {
            failed = { error };
            throw error;
          }
          if (r.done) break;
          bytes = typeof r.value === "string" ? new TextEncoder().encode(r.value) : new Uint8Array(r.value);
          read += bytes.length;
        }
        fed.push(bytes);
        fedBytes += bytes.length;
        for (
          let f = fed[first] as Uint8Array;
          fed.length - first > KEPT_CHUNKS && fedBytes - f.length >= KEPT_BYTES;
        ) {
          fedBytes -= f.length;
          f = fed[++first] as Uint8Array;
        }
        // Dropped a slice at a time: shifting one chunk off at a time would be quadratic in tiny chunks.
        if (first > 1024) {
          fed.splice(0, first);
          first = 0;
        }
        while (takenBytes > OUT_AHEAD && !stopped) await new Promise<void>((resolve) => (room = resolve));
        if (stopped) return;
        await writer.write(bytes);
      }
      await writer.close();
    })().catch((error) => writer.abort(error).catch(() => {}));
    try {
      for (;;) {
        const out = taken.shift();
        if (out) {
          takenBytes -= out.length;
          room?.();
          given += out.length;
          memberBytes += out.length;
          yield out;
          continue;
        }
        if (end?.error !== undefined) throw end.error;
        if (end) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } catch (error) {
      if (failed) throw failed.error;
      if (error instanceof InputError) throw error;
      // A decompression stream ends with its member and calls what follows junk: a next member starts there.
      const rest = nextMember(fed.slice(first), memberBytes);
      if (!rest) throw damagedGzip(` (after ${given} bytes of text)`, read);
      carried = rest;
    } finally {
      // A consumer that stopped early stops the feeding too.
      stopped = true;
      room?.();
      reader.cancel().catch(() => {});
    }
  }
}

/**
 * The bytes of `fed` from the start of the gzip member after the one that gave `size` bytes, or
 * undefined when none starts there: that member's trailer ends in its size (mod 2^32, little-endian),
 * and the next member begins with 1f 8b 08.
 */
function nextMember(fed: readonly Uint8Array[], size: number): Uint8Array[] | undefined {
  const all = new Uint8Array(fed.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of fed) {
    all.set(c, at);
    at += c.length;
  }
  const isize = [size & 255, (size >>> 8) & 255, (size >>> 16) & 255, (size >>> 24) & 255];
  for (let p = 4; p + 3 <= all.length; p++) {
    if (all[p] !== 0x1f || all[p + 1] !== 0x8b || all[p + 2] !== 8) continue;
    if (isize.every((b, k) => all[p - 4 + k] === b)) return [all.subarray(p)];
  }
  return undefined;
}
