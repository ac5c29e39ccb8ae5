/**
 * What the per-line parsers return: an event (the hook may still need the
 * prefix mapping), packet data for a TRACE-style line that carries no hook,
 * a positioned error, or a line that is not netfilter output.
 */
import type { Family } from "../model/hook.ts";
import type { TraceEvent } from "../model/packet.ts";

/** A line that witnessed a packet at a hook (or a TRACE verdict). */
export interface EventLine {
  kind: "event";
  /** `hook` is empty (`""`) when it must come from the prefix mapping. */
  event: TraceEvent;
  /** Family to assume when the prefix names none. */
  familyHint: Family;
}

/** xtables-monitor `PACKET:` / nft `packet:` lines: the packet of one trace id, without a verdict. */
export interface PacketDataLine {
  kind: "packet-data";
  traceId: string;
  event: TraceEvent;
}

/** A netfilter-looking line that could not be read. */
export interface ErrorLine {
  kind: "error";
  /** 1-based column of the problem in the whole line. */
  column: number;
  message: string;
  hint?: string;
}

/** Not a netfilter line (skipped and counted), or a line to ignore silently (`ignore`: e.g. conntrack notes). */
export interface SkipLine {
  kind: "skip" | "ignore";
}

/** One of the results above. */
export type ParsedLine = EventLine | PacketDataLine | ErrorLine | SkipLine;

/** Shared `skip` result (no allocation per line). */
export const SKIP: SkipLine = { kind: "skip" };
/** Shared `ignore` result. */
export const IGNORE: SkipLine = { kind: "ignore" };

/** A fresh event with the fields every source sets. */
export function blankEvent(source: TraceEvent["source"], raw: string): TraceEvent {
  return {
    hook: "" as TraceEvent["hook"],
    prefix: "",
    source,
    raw,
    position: { file: "", line: 0, column: 1 },
  };
}
