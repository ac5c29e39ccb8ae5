/**
 * The fields of recent LOG lines by their text: a packet logged at several
 * hooks prints the same `IN=... SRC=... PROTO=...` text at each hook that
 * changed nothing (raw, mangle and nat PREROUTING, say), so a line whose
 * fields equal a recent line's takes a copy of that line's event fields
 * instead of being read again. Comparing the texts is native string work,
 * far cheaper than reading a dozen numbers in JavaScript. Bounded: a fixed
 * number of slots, a newer text replacing an older one in its slot.
 */
import type { TraceEvent } from "../model/packet.ts";
import { detach } from "./detach-string.ts";

/** Slots of the memo (a power of two): a field text has one slot, a newer text there replaces it. */
const SLOTS = 1024;

/**
 * The slot of the field text from `at` to the end of `line`: its length and
 * every third character of its last 48, where ports, ids and flags differ
 * (a JavaScript hash of the whole text would cost what reading it does).
 */
function slotOf(line: string, at: number): number {
  const end = line.length;
  let h = end - at;
  const stop = Math.max(at, end - 48);
  for (let j = end - 2; j >= stop; j -= 3) h = (h * 31 + line.charCodeAt(j)) | 0;
  return h & (SLOTS - 1);
}

/**
 * Remembers the fields the LOG fast path (`scan-log-line.ts`) read from a
 * field text, and fills them into the event of a later line with the same
 * text. Only what that fast path sets is copied: it is the only writer.
 */
export class LogFieldMemo {
  private readonly texts: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly fields: (TraceEvent | undefined)[] = new Array(SLOTS).fill(undefined);
  /** Lines whose fields were copied (for benchmarks and tests). */
  hits = 0;
  /** Lines read by the fast path and remembered (for benchmarks and tests). */
  scans = 0;

  /**
   * Fills `ev` from a line read earlier with the same fields as `line` from
   * `at` (where `IN=` starts) to its end, and returns true; else false (the
   * caller then reads the line and may {@link remember} it).
   */
  fill(line: string, at: number, ev: TraceEvent): boolean {
    const slot = slotOf(line, at);
    const text = this.texts[slot];
    // String equality is native (the slice costs no copy; `startsWith` measured slower); a slot's text is only ever compared whole.
    if (text === undefined || text.length !== line.length - at || line.slice(at) !== text) return false;
    const m = this.fields[slot] as TraceEvent;
    this.hits++;
    ev.in = m.in;
    ev.out = m.out;
    ev.physIn = m.physIn;
    ev.physOut = m.physOut;
    ev.macSrc = m.macSrc;
    ev.macDst = m.macDst;
    ev.ethType = m.ethType;
    // Shared, not copied: nothing changes an event's IP or layer-4 record once its line is read.
    ev.ip = m.ip;
    if (m.l4) ev.l4 = m.l4;
    return true;
  }

  /** Remembers the fields of `ev`, just read from `line` at `at` (its records are shared with later lines). */
  remember(line: string, at: number, ev: TraceEvent): void {
    const slot = slotOf(line, at);
    this.scans++;
    const m = {
      in: ev.in,
      out: ev.out,
      physIn: ev.physIn,
      physOut: ev.physOut,
      macSrc: ev.macSrc,
      macDst: ev.macDst,
      ethType: ev.ethType,
      ip: ev.ip,
      l4: ev.l4,
    } as TraceEvent;
    // A copy of the text: a slice would keep its whole line (or input chunk) alive.
    this.texts[slot] = detach(line.slice(at));
    this.fields[slot] = m;
  }
}
