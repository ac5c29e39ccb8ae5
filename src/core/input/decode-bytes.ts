/**
 * {@link decodeInput} for a file read whole: the same decisions on the same
 * bytes, for callers that read material at once (`packetwalk import`).
 */
import { damagedGzip, InputError, nestedGzip, refusal } from "./decode-input.ts";
import { sniffInput } from "./sniff-input.ts";

/**
 * The text of `bytes`: UTF-8 as it is (invalid sequences become U+FFFD),
 * UTF-16 decoded, gzip decompressed with `gunzip` (the caller's, e.g. Node's
 * `zlib.gunzipSync`; without one, gzip is refused). Throws an
 * {@link InputError} for anything else.
 */
export function decodeBytes(bytes: Uint8Array, gunzip?: (bytes: Uint8Array) => Uint8Array): string {
  const kind = sniffInput(bytes.subarray(0, 512));
  if (kind.kind === "text") return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  if (kind.kind === "utf16")
    return new TextDecoder(kind.littleEndian ? "utf-16le" : "utf-16be").decode(bytes);
  if (kind.kind === "refused") throw refusal(kind);
  if (!gunzip)
    throw new InputError("expected kernel log text, found gzip data", "gzip -dc FILE > kernel.log");
  let plain: Uint8Array;
  try {
    plain = gunzip(bytes);
  } catch {
    throw damagedGzip();
  }
  const inner = sniffInput(plain.subarray(0, 512));
  if (inner.kind === "gzip") throw nestedGzip();
  return decodeBytes(plain);
}
