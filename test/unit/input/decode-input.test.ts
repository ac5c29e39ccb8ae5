/**
 * What readers hand in as a kernel log: plain text passes through untouched,
 * a rotated .gz and UTF-16 files are decoded to the same lines (whatever the
 * chunking, with a source that reuses its buffer as `readChunks` does), and
 * compressed archives, captures, binary journals and other binary files are
 * refused with the command that gives text. A gzip stream cut short keeps the
 * lines before the cut and says where it stopped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../src/core/input/decode-bytes.ts";
import { decodeInput, InputError } from "../../../src/core/input/decode-input.ts";
import { type InputKind, sniffInput } from "../../../src/core/input/sniff-input.ts";
import { lineBatches } from "../../../src/core/parse/split-lines.ts";

const root = join(import.meta.dirname, "../../..");
// A real capture, with a line of non-ASCII text added: UTF-16 must keep it (é, and an emoji's surrogate pair).
const LOG = `${readFileSync(join(root, "test/fixtures/parse/real-wan-to-published-port/input.log"), "utf8")}note: café 🐳 done\n`;
const LINES = LOG.split("\n").slice(0, -1);
const utf8 = new TextEncoder().encode(LOG);
/** The parts' bytes one after the other. */
const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  const view = new DataView(out.buffer);
  if (bom) view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++)
    view.setUint16((bom ? 2 : 0) + i * 2, text.charCodeAt(i), littleEndian);
  return out;
}

/**
 * `bytes` in chunks of `size`, each written into one buffer that the next chunk overwrites
 * (as `readChunks` does): a decoder that kept a chunk without copying it would read garbage.
 */
async function* reused(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(size);
  for (let at = 0; at < bytes.length; at += size) {
    const n = Math.min(size, bytes.length - at);
    buf.set(bytes.subarray(at, at + n));
    yield buf.subarray(0, n);
    buf.fill(0xee);
  }
}

async function linesOf(chunks: AsyncIterable<Uint8Array | string>): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of lineBatches(decodeInput(chunks))) out.push(...batch);
  return out;
}

/** A syslog file's head as a crash leaves it: text, a run of zero bytes, text again. */
function crashRun(log = LOG): Uint8Array {
  const text = new TextEncoder().encode(log.slice(0, 120));
  const out = new Uint8Array(512);
  out.set(text);
  out.set(text.subarray(0, 100), 412);
  return out;
}

describe("sniffInput", () => {
  const cases: [string, number[] | Uint8Array, InputKind["kind"], RegExp?][] = [
    ["empty input", [], "text"],
    ["a log line", utf8.subarray(0, 512), "text"],
    ["UTF-8 with a byte-order mark", [0xef, 0xbb, 0xbf, 0x4e, 0x6f, 0x76], "text"],
    ["gzip", gzipSync(LOG).subarray(0, 512), "gzip"],
    ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0], "refused", /xz-compressed.*xz -dc/],
    ["zstd", [0x28, 0xb5, 0x2f, 0xfd, 0, 0], "refused", /zstd-compressed.*zstd -dc/],
    ["bzip2", [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41], "refused", /bzip2-compressed.*bzip2 -dc/],
    ["zip", [0x50, 0x4b, 0x03, 0x04, 0x14, 0], "refused", /zip archive.*unzip -p/],
    ["a pcap capture", [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0], "refused", /packet capture.*LOG/],
    ["a pcapng capture", [0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0], "refused", /packet capture/],
    [
      "a binary journal",
      [0x4c, 0x50, 0x4b, 0x53, 0x48, 0x48, 0x52, 0x48, 2, 0],
      "refused",
      /systemd journal.*journalctl --file FILE -k/,
    ],
    ["other binary", [0x41, 0x42, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00], "refused", /zero byte at byte 3/],
    [
      "control bytes without zeros",
      [0x41, 0x42, 0x43, 0x01, 0x02, 0x41, 0x0a, 0x00],
      "refused",
      /control byte at byte 4/,
    ],
    // rsyslog writing through a power loss leaves a run of zero bytes among the lines.
    ["a syslog file with a run of zero bytes", crashRun(), "text"],
    // journalctl -o json-seq starts each record with RS; a coloured dmesg has ESC bytes.
    ["json-seq records with a run of zero bytes", crashRun(`\x1e{"MESSAGE":"${LOG.slice(0, 100)}`), "text"],
    ["a coloured dmesg with a run of zero bytes", crashRun(`\x1b[32m[  1.5] \x1b[0m${LOG}`), "text"],
  ];
  for (const [name, head, kind, says] of cases) {
    it(`${name}: ${kind}`, () => {
      const r = sniffInput(Uint8Array.from(head));
      expect(r.kind).toBe(kind);
      if (says && r.kind === "refused") expect(`${r.found} ${r.hint}`).toMatch(says);
    });
  }
  it("a text starting with 'BZh' and no block size digit is text", () => {
    expect(sniffInput(new TextEncoder().encode("BZh: not bzip2\n")).kind).toBe("text");
  });
  for (const littleEndian of [true, false])
    for (const bom of [true, false])
      it(`UTF-16 ${littleEndian ? "LE" : "BE"} ${bom ? "with" : "without"} a byte-order mark`, () => {
        expect(sniffInput(utf16(LOG, littleEndian, bom).subarray(0, 512))).toEqual({
          kind: "utf16",
          littleEndian,
        });
      });
});

describe("decodeInput", () => {
  it("hands plain text chunks on as they are (no copy, no decoding)", async () => {
    const chunks = [utf8.subarray(0, 700), utf8.subarray(700)];
    const seen: (Uint8Array | string)[] = [];
    for await (const c of decodeInput(
      (async function* () {
        yield* chunks;
      })(),
    ))
      seen.push(c);
    expect(seen).toEqual(chunks);
    expect(seen[0]).toBe(chunks[0]);
  });

  it("hands text (a paste) on as it is", async () => {
    expect(
      await linesOf(
        (async function* () {
          yield LOG;
        })(),
      ),
    ).toEqual(LINES);
  });

  for (const size of [1, 7, 300, 65536])
    it(`decodes gzip, UTF-16 LE and BE to the same lines as the text (chunks of ${size} bytes, buffer reused)`, async () => {
      expect(await linesOf(reused(utf8, size))).toEqual(LINES);
      expect(await linesOf(reused(gzipSync(utf8), size))).toEqual(LINES);
      expect(await linesOf(reused(utf16(LOG, true, true), size))).toEqual(LINES);
      expect(await linesOf(reused(utf16(LOG, false, false), size))).toEqual(LINES);
      expect(await linesOf(reused(gzipSync(utf16(LOG, true, true)), size))).toEqual(LINES);
    });

  it("refuses xz with its message and hint, before reading on", async () => {
    const xz = Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3, 4]);
    const e = await linesOf(reused(xz, 4)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toBe("expected kernel log text, found xz-compressed data");
    expect((e as InputError).hintFor("kern.log.xz")).toBe("xz -dc kern.log.xz > kernel.log");
  });

  it("a gzip stream cut short: the whole lines before the cut, then an InputError", async () => {
    const gz = gzipSync(new TextEncoder().encode(LOG.repeat(40)), { level: 1 });
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const batch of lineBatches(decodeInput(reused(cut, 4096)))) got.push(...batch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /^the gzip data is damaged or cut short \(after \d+ bytes of text\)$/,
    );
    expect(got.length).toBeGreaterThan(10);
    // Every line read is a whole line of the original, in order.
    const all = LOG.repeat(40).split("\n");
    expect(got).toEqual(all.slice(0, got.length));
  });

  it("a gzip stream cut short: every byte of text before the cut, however slowly the text is taken", async () => {
    const text = new TextEncoder().encode(LOG.repeat(80));
    const gz = gzipSync(text, { level: 6 });
    const cut = gz.subarray(0, Math.floor(gz.length * 0.7));
    // What zlib itself gets out of the cut stream when told not to expect its end.
    const whole = gunzipSync(cut, { finishFlush: 2 /* Z_SYNC_FLUSH */ }).length;
    const given = async (pause: number) => {
      let bytes = 0;
      let error: unknown;
      try {
        for await (const chunk of decodeInput(reused(cut, 65536))) {
          bytes += chunk.length;
          // A consumer held up by its output (a pipe to a pager): the decompressor runs ahead meanwhile.
          if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
        }
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      return bytes;
    };
    expect(whole).toBeGreaterThan(text.length / 2);
    expect(await given(0)).toBe(whole);
    // Before, the text still queued when the cut was found was dropped with the stream.
    expect(await given(20)).toBe(whole);
  });

  for (const size of [1, 300, 65536])
    it(`reads every member of a gzip file of several (cat a.gz b.gz, as zcat does), an empty one too (chunks of ${size} bytes)`, async () => {
      const big = new TextEncoder().encode(LOG.repeat(400));
      const members = concat([
        gzipSync(utf8),
        gzipSync(new Uint8Array(0)),
        gzipSync(big, { level: 1 }),
        gzipSync(utf8),
      ]);
      expect(await linesOf(reused(members, size))).toEqual(
        `${LOG}${LOG.repeat(400)}${LOG}`.split("\n").slice(0, -1),
      );
    });

  it("a gzip member followed by bytes that start no member is damaged, after the member's lines", async () => {
    const junk = concat([gzipSync(utf8), new TextEncoder().encode("not gzip at all")]);
    const e = await linesOf(reused(junk, 64)).catch((x: unknown) => x);
    expect((e as InputError).message).toBe(
      `the gzip data is damaged or cut short (after ${utf8.length} bytes of text)`,
    );
  });

  it("refuses gzip inside gzip", async () => {
    const e = await linesOf(reused(gzipSync(gzipSync(utf8)), 512)).catch((x: unknown) => x);
    expect((e as InputError).message).toBe("expected kernel log text, found gzip data inside gzip data");
  });

  it("passes a read error of the source on as it is (it says nothing about the gzip data)", async () => {
    const gz = gzipSync(utf8);
    const failing = (async function* () {
      yield gz.subarray(0, 600);
      throw Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" });
    })();
    const e = await linesOf(failing).catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(InputError);
    expect((e as NodeJS.ErrnoException).code).toBe("EIO");
  });
});

describe("decodeBytes", () => {
  const gunzip = (b: Uint8Array) => new Uint8Array(gunzipSync(b));
  it("gives the same text for plain, gzip and UTF-16 bytes", () => {
    expect(decodeBytes(utf8)).toBe(LOG);
    expect(decodeBytes(gzipSync(utf8), gunzip)).toBe(LOG);
    expect(decodeBytes(utf16(LOG, true, true))).toBe(LOG);
    expect(decodeBytes(utf16(LOG, false, false))).toBe(LOG);
  });
  it("refuses gzip without a decompressor, and damaged gzip, with InputErrors", () => {
    expect(() => decodeBytes(gzipSync(utf8))).toThrow(InputError);
    expect(() => decodeBytes(gzipSync(utf8).subarray(0, 200), gunzip)).toThrow(/damaged or cut short/);
    expect(() => decodeBytes(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 1]))).toThrow(/zstd-compressed/);
  });
});
