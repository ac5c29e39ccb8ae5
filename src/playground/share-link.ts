/**
 * The playground's share link: the reader's input (log, ruleset, prefix map)
 * compressed with the platform's `CompressionStream("deflate-raw")` and written
 * in base64url into the URL fragment, which browsers never send to a server.
 * Works in browsers and in Node >= 18 (both have the Compression Streams API).
 */

/** What a share link carries. */
export interface SharedInput {
  /** The kernel log text. */
  log: string;
  /** The pasted ruleset (`iptables-save` / `ebtables-save`); default empty. */
  rules?: string;
  /** LOG prefixes mapped to hook ids (the CLI's `--prefix-map`); default none. */
  prefixMap?: Record<string, string>;
}

/** The fragment key: `#s=<base64url>`. */
export const FRAGMENT_KEY = "s";

/**
 * Longest fragment a link may have, in characters. Browsers accept far longer
 * URLs, but chat apps, mail clients and address bars cut or refuse them well
 * before; past this, the reader is asked to trim the log instead.
 */
export const MAX_FRAGMENT_CHARS = 32_000;

/** Format version inside the compressed payload, so a later format can still read old links. */
const VERSION = 1;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** Bytes to base64url (RFC 4648 section 5, no padding). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  // Chunks keep `String.fromCharCode` under the engines' argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** base64url to bytes; undefined when `text` is not base64url. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The result of {@link encodeShare}: the fragment (without `#`), or why there is none. */
export type EncodedShare =
  | { ok: true; fragment: string; chars: number }
  | { ok: false; chars: number; limit: number };

/** Compresses `input` into a fragment `s=...`; refuses one longer than `limit` characters. */
export async function encodeShare(
  input: SharedInput,
  limit: number = MAX_FRAGMENT_CHARS,
): Promise<EncodedShare> {
  const payload: Record<string, unknown> = { v: VERSION, log: input.log };
  if (input.rules) payload.rules = input.rules;
  if (input.prefixMap && Object.keys(input.prefixMap).length) payload.map = input.prefixMap;
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  const packed = await pipe(bytes, new CompressionStream("deflate-raw"));
  const fragment = `${FRAGMENT_KEY}=${toBase64Url(packed)}`;
  return fragment.length > limit
    ? { ok: false, chars: fragment.length, limit }
    : { ok: true, fragment, chars: fragment.length };
}

/** The result of {@link decodeShare}. */
export type DecodedShare =
  | { ok: true; input: SharedInput }
  /** `corrupt`: cut or changed on the way; `version`: written by another format version. */
  | { ok: false; problem: "corrupt" | "version" }
  | undefined;

/**
 * Reads a fragment (with or without `#`). Undefined when it carries no share
 * (no `s=`); a problem when it does but cannot be read.
 */
export async function decodeShare(hash: string): Promise<DecodedShare> {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const value = params.get(FRAGMENT_KEY);
  if (value === null) return undefined;
  const bytes = fromBase64Url(value);
  if (!bytes) return { ok: false, problem: "corrupt" };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      await pipe(bytes, new DecompressionStream("deflate-raw")),
    );
  } catch {
    return { ok: false, problem: "corrupt" };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: "corrupt" };
  }
  const d = data as { v?: unknown; log?: unknown; rules?: unknown; map?: unknown };
  if (d.v !== VERSION || typeof d.log !== "string")
    return { ok: false, problem: typeof d.log === "string" ? "version" : "corrupt" };
  const input: SharedInput = { log: d.log };
  if (typeof d.rules === "string") input.rules = d.rules;
  if (d.map && typeof d.map === "object") {
    const map: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.map)) if (typeof v === "string") map[k] = v;
    input.prefixMap = map;
  }
  return { ok: true, input };
}
