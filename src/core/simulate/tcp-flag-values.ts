/**
 * The TCP header's flag byte as nft reads and prints it: names (`syn`), numbers (`0x12`, nft -n's
 * form; `0`, nft -j's), and values of several flags joined by `|` (`syn | ack`), in a rule or as an
 * element of a `tcp_flag` set (`set f { type tcp_flag; elements = { syn, syn | ack } }`). The kernel
 * compares the whole byte (or the byte under a mask, `tcp flags & (fin | syn) == @f`) with each element
 * (kernel 6.18, test/fixtures/tcp-flags-sets).
 */
import type { NftToken } from "./tokenize-nft.ts";

/** nft's flag names by bit, lowest first (`ecn` is the header's ECE bit, 0x40). */
export const NFT_TCP_FLAG_NAMES: readonly string[] = ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"];

/** One flag or number: its bits, or undefined for a word that is neither (or a number above a byte). */
function oneFlag(word: string): number | undefined {
  const bit = NFT_TCP_FLAG_NAMES.indexOf(word);
  if (bit >= 0) return 1 << bit;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(word)) return undefined;
  const n = Number(word);
  return n <= 0xff ? n : undefined;
}

/**
 * The flag byte `text` holds: a flag name, a number, or several of them joined by `|`, with or without
 * spaces (`syn | ack`, `0x2|0x10`); undefined for anything else (a range, an unknown name).
 */
export function tcpFlagsByte(text: string): number | undefined {
  let byte = 0;
  for (const part of text.split("|")) {
    const bits = oneFlag(part.trim());
    if (bits === undefined) return undefined;
    byte |= bits;
  }
  return byte;
}

/**
 * The bytes a range of flag values holds (`0x1-0x3`, nft -j's `fin-0x3`): each byte from its first
 * bound to its last; empty when the first is above the last. Undefined when `text` is no such range.
 */
export function tcpFlagsRange(text: string): { lo: number; hi: number } | undefined {
  const m = /^([^-|]+)-([^-|]+)$/.exec(text);
  const [lo, hi] = m ? [oneFlag(m[1] as string), oneFlag(m[2] as string)] : [];
  return lo === undefined || hi === undefined ? undefined : { lo, hi };
}

/** The simulator's name of flag bit `bit` (0 for FIN): upper case, ECE for nft's `ecn`. */
function packetFlagName(bit: number): string {
  const name = NFT_TCP_FLAG_NAMES[bit] as string;
  return name === "ecn" ? "ECE" : name.toUpperCase();
}

/** The flags of `byte` as the simulator's packets carry them (`0x12`: `["SYN", "ACK"]`), lowest bit first. */
export function byteFlags(byte: number): string[] {
  return NFT_TCP_FLAG_NAMES.flatMap((_, bit) => (byte & (1 << bit) ? [packetFlagName(bit)] : []));
}

/** The flag byte of a packet's flags (`["SYN", "ACK"]`: 0x12); a name it does not know adds nothing. */
export function packetFlagsByte(flags: readonly string[]): number {
  let byte = 0;
  for (let bit = 0; bit < NFT_TCP_FLAG_NAMES.length; bit++)
    if (flags.includes(packetFlagName(bit))) byte |= 1 << bit;
  return byte;
}

/**
 * `words` with each value of several flags joined into one word at its first one's position: `syn`,
 * `|`, `ack` become `syn|ack`, as a set's elements are listed (`elements = { syn | ack, syn }`) and
 * as the tokenizer already reads `syn|ack` written without spaces. Other words are kept as they are.
 */
export function joinFlagWords(words: readonly NftToken[]): NftToken[] {
  const out: NftToken[] = [];
  for (const w of words) {
    const last = out[out.length - 1];
    // A `|` ending the word before (`syn |`) or starting this one (`| ack`) glues the two.
    if (w.type === "word" && last?.type === "word" && (last.value.endsWith("|") || w.value.startsWith("|")))
      out[out.length - 1] = { ...last, value: last.value + w.value };
    else out.push(w);
  }
  return out;
}
