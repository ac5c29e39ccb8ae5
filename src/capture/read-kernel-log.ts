/**
 * Reads the kernel log through `/dev/kmsg` from a point in time onwards, without
 * clearing it (`dmesg -C` would wipe other people's messages), and formats each
 * record the way plain `dmesg` prints it: `[  122.212126] message`.
 */
import { closeSync, constants, openSync, readSync } from "node:fs";

/** One `/dev/kmsg` record. */
export interface KmsgRecord {
  /** The record's sequence number. */
  seq: number;
  /** Microseconds since boot. */
  usec: number;
  /** Syslog priority and facility as one number (`7` = kern.debug). */
  priority: number;
  /** The message text, unescaped. */
  message: string;
}

/** Parses one `/dev/kmsg` record (`prio,seq,usec,flags;message\n KEY=value...`); undefined when it is not one. */
export function parseKmsgRecord(record: string): KmsgRecord | undefined {
  const semi = record.indexOf(";");
  if (semi < 0) return undefined;
  const [priority, seq, usec] = record.slice(0, semi).split(",").map(Number);
  if (priority === undefined || seq === undefined || usec === undefined) return undefined;
  if (![priority, seq, usec].every(Number.isFinite)) return undefined;
  const newline = record.indexOf("\n", semi);
  const escaped = record.slice(semi + 1, newline < 0 ? undefined : newline);
  // The kernel escapes unprintable bytes as \xNN; dmesg prints them back.
  const message = escaped.replace(/\\x([0-9a-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  return { seq, usec, priority, message };
}

/** Formats a record as plain `dmesg` does: `[%5d.%06d] message`. */
export function formatDmesgLine(record: Pick<KmsgRecord, "usec" | "message">): string {
  const seconds = Math.floor(record.usec / 1_000_000);
  const micros = record.usec % 1_000_000;
  return `[${String(seconds).padStart(5, " ")}.${String(micros).padStart(6, "0")}] ${record.message}`;
}

/** A reader positioned at the end of the kernel log when opened: it only returns what is logged afterwards. */
export class KernelLogReader {
  #fd: number;
  #buffer = Buffer.alloc(16 * 1024);

  /** Opens `path` (default `/dev/kmsg`) and skips every record already there. */
  constructor(path = "/dev/kmsg") {
    this.#fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.#drain();
  }

  #drain(): KmsgRecord[] {
    const records: KmsgRecord[] = [];
    for (;;) {
      let bytes: number;
      try {
        bytes = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") break;
        // EPIPE: records were overwritten while we read; the next read continues after them.
        if (code === "EPIPE") continue;
        throw error;
      }
      if (bytes <= 0) break;
      const record = parseKmsgRecord(this.#buffer.toString("utf8", 0, bytes));
      if (record) records.push(record);
    }
    return records;
  }

  /** The records logged since the last call (or since opening). */
  readNew(): KmsgRecord[] {
    return this.#drain();
  }

  /** Closes the device. */
  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * Keeps the records whose message contains `tag` (a run's prefix tag), or starts with one of
 * `prefixes` (the host's own logging rules'; default none), as `dmesg` lines.
 */
export function linesWithTag(
  records: readonly KmsgRecord[],
  tag: string,
  prefixes: readonly string[] = [],
): string[] {
  return records
    .filter((record) => record.message.includes(tag) || prefixes.some((p) => record.message.startsWith(p)))
    .map(formatDmesgLine);
}
