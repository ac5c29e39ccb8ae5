/**
 * Tells from a file's first bytes what a reader handed in for a kernel log:
 * text, UTF-16 text (a Windows editor or PowerShell's `>`), a gzip file (a
 * rotated `kern.log.2.gz`), or something that is not a log at all (another
 * compression, a packet capture, a binary journal), with the command that
 * turns it into one.
 */

/** What {@link sniffInput} found. */
export type InputKind =
  | { kind: "text" }
  | { kind: "utf16"; littleEndian: boolean }
  | { kind: "gzip" }
  | {
      kind: "refused";
      /** What the bytes are, for "expected kernel log text, found ...". */
      found: string;
      /** The command (or step) that gives text; `FILE` stands for the input's name. */
      hint: string;
      /** 0-based byte offset the decision rests on (a NUL byte's, or 0 for a magic number). */
      offset: number;
    };

/** What a file that is not UTF-8 text holds, for "expected ... text, found <this>". */
export function foundWords(sniffed: Exclude<InputKind, { kind: "text" }>): string {
  if (sniffed.kind === "utf16") return "UTF-16 text";
  return sniffed.kind === "gzip" ? "gzip-compressed data" : sniffed.found;
}

/** How many bytes {@link sniffInput} looks at (fewer when the input is shorter). */
export const SNIFF_BYTES = 512;

const TO_TEXT = "packetwalk reads the kernel log as text (dmesg, journalctl -k, /var/log/kern.log)";

/** Magic numbers of what readers hand in by mistake, each with the way to text. */
const MAGICS: { bytes: number[]; found: string; hint: string }[] = [
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    found: "xz-compressed data",
    hint: "xz -dc FILE > kernel.log",
  },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], found: "zstd-compressed data", hint: "zstd -dc FILE > kernel.log" },
  // `BZh` and the block size digit.
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => ({
    bytes: [0x42, 0x5a, 0x68, 0x30 + d],
    found: "bzip2-compressed data",
    hint: "bzip2 -dc FILE > kernel.log",
  })),
  { bytes: [0x04, 0x22, 0x4d, 0x18], found: "lz4-compressed data", hint: "lz4 -dc FILE > kernel.log" },
  { bytes: [0x50, 0x4b, 0x03, 0x04], found: "a zip archive", hint: "unzip -p FILE > kernel.log" },
  {
    bytes: [0x4c, 0x50, 0x4b, 0x53, 0x48, 0x48, 0x52, 0x48],
    found: "a binary systemd journal file",
    hint: "journalctl --file FILE -k -o short-iso-precise > kernel.log",
  },
  ...[
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x0a, 0x0d, 0x0d, 0x0a],
  ].map((bytes) => ({
    bytes,
    found: "a packet capture (pcap)",
    hint: `packetwalk reads the lines netfilter's LOG and TRACE rules write, not captured packets: add LOG rules (see traces/README.md) and save dmesg or journalctl -k`,
  })),
];

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  if (head.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[i] !== bytes[i]) return false;
  return true;
}

/**
 * What the input whose first bytes are `head` holds (pass at least
 * {@link SNIFF_BYTES} when the input has them). Text with a UTF-8
 * byte-order mark is text; UTF-16 is recognised by its byte-order mark, or
 * without one by ASCII characters that each have a zero byte beside them.
 */
export function sniffInput(head: Uint8Array): InputKind {
  if (head[0] === 0x1f && head[1] === 0x8b) return { kind: "gzip" };
  if (head[0] === 0xff && head[1] === 0xfe) return { kind: "utf16", littleEndian: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { kind: "utf16", littleEndian: false };
  for (const m of MAGICS) if (startsWith(head, m.bytes)) return { kind: "refused", ...m, offset: 0 };
  const n = Math.min(head.length, SNIFF_BYTES) & ~1;
  let firstNul = -1;
  let evenNul = 0;
  let oddNul = 0;
  /** Control bytes other than NUL, tab, line ends, form feed, escape (colours) and RS (journalctl -o json-seq): text has none. */
  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < n; i++) {
    const b = head[i] as number;
    if (b === 0) {
      if (firstNul < 0) firstNul = i;
      if (i & 1) oddNul++;
      else evenNul++;
    } else if (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 0x1b && b !== 0x1e) {
      controls++;
      if (firstControl < 0) firstControl = i;
    }
  }
  if (n === 0 && head.length === 1 && head[0] === 0) firstNul = 0;
  // A syslog file written through a crash holds a run of zero bytes among its text lines: still text.
  if (firstNul < 0 || (controls === 0 && !utf16Pattern(evenNul, oddNul, n))) return { kind: "text" };
  const endian = utf16Pattern(evenNul, oddNul, n);
  if (endian) return { kind: "utf16", littleEndian: endian === "le" };
  const at = firstNul >= 0 && (firstControl < 0 || firstNul < firstControl) ? firstNul : firstControl;
  return {
    kind: "refused",
    found: `binary data (a ${head[at] === 0 ? "zero" : "control"} byte at byte ${at + 1})`,
    hint: `${TO_TEXT}; check that FILE is the saved log and not another file`,
    offset: at,
  };
}

/** ASCII in UTF-16: every other byte is zero, on one side only (`le`: the odd ones). */
function utf16Pattern(evenNul: number, oddNul: number, n: number): "le" | "be" | undefined {
  const pairs = n / 2;
  if (pairs >= 2 && oddNul >= pairs * 0.6 && evenNul <= pairs * 0.05) return "le";
  if (pairs >= 2 && evenNul >= pairs * 0.6 && oddNul <= pairs * 0.05) return "be";
  return undefined;
}
