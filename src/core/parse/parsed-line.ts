/**
 * What the per-line parsers return: an event (the hook may still need the
 * prefix mapping), packet data for a TRACE-style line that carries no hook,
 * a positioned error, or a line that is not netfilter output.
 */
import type { Family } from "../model/hook.ts";
import type { IpInfo, L4Info, TraceEvent } from "../model/packet.ts";

/** A line that witnessed a packet at a hook (or a TRACE verdict). */
export interface EventLine {
  kind: "event";
  /** `hook` is empty (`""`) when it must come from the prefix mapping. */
  event: TraceEvent;
  /** Family to assume when the prefix names none. */
  familyHint: Family;
  /** A problem that leaves the event standing (e.g. a last field that may be cut short). Default: none. */
  warning?: { column: number; message: string; hint?: string; group?: string };
}

/** xtables-monitor `PACKET:` / nft `packet:` lines: the packet of one trace id, without a verdict. */
export interface PacketDataLine {
  kind: "packet-data";
  traceId: string;
  event: TraceEvent;
  /** A problem that leaves the packet line standing (an address partly hidden). Default: none. */
  warning?: EventLine["warning"];
}

/** A netfilter-looking line that could not be read. */
export interface ErrorLine {
  kind: "error";
  /** 1-based column of the problem in the whole line. */
  column: number;
  message: string;
  hint?: string;
  /** `warning`: a line that was read but is not modelled, rather than a damaged one. Default: an error. */
  severity?: "warning";
  /** Lines with the same group are reported once, at the first, with their count. Default: each line on its own. */
  group?: string;
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

/**
 * A fresh IP header. Every parser makes it with the same fields in the same
 * order (unset ones `undefined`), so that the grouping code reading them sees
 * one object shape and V8's property caches stay fast.
 */
export function newIp(src: string, dst: string): IpInfo {
  return {
    src,
    dst,
    len: undefined,
    tos: undefined,
    prec: undefined,
    ttl: undefined,
    id: undefined,
    flags: undefined,
  } as IpInfo;
}

/** A fresh layer-4 record, one shape for every protocol (see {@link newIp}). */
export function newL4(proto: string): L4Info {
  return {
    proto,
    sport: undefined,
    dport: undefined,
    tcpFlags: undefined,
    seq: undefined,
    ack: undefined,
    window: undefined,
    res: undefined,
    urgp: undefined,
    udpLen: undefined,
    icmpType: undefined,
    icmpCode: undefined,
    icmpId: undefined,
    icmpSeq: undefined,
  } as L4Info;
}

/** A fresh event, every common field present (see {@link newIp}). */
export function blankEvent(source: TraceEvent["source"], raw: string): TraceEvent {
  return {
    hook: "" as TraceEvent["hook"],
    prefix: "",
    source,
    raw,
    position: { file: "", line: 0, column: 1 },
    time: undefined,
    in: undefined,
    out: undefined,
    physIn: undefined,
    physOut: undefined,
    macSrc: undefined,
    macDst: undefined,
    ethType: undefined,
    ip: undefined,
    l4: undefined,
    mark: undefined,
    verdict: undefined,
    verdicts: undefined,
    traceId: undefined,
    envelope: undefined,
  } as TraceEvent;
}
