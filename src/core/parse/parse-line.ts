/**
 * Reads one line of any supported format: finds the envelope, then tries the
 * line formats (legacy TRACE, xtables-monitor, nft monitor, ebtables, LOG).
 */
import { detectEnvelope, type Envelope } from "./detect-envelope.ts";
import { parseEbtLine } from "./parse-ebt-line.ts";
import { parseLogLine } from "./parse-log-line.ts";
import { parseNftMonitorLine } from "./parse-nft-monitor.ts";
import { parseTraceLine } from "./parse-trace-line.ts";
import { parseXtablesMonitorLine } from "./parse-xtables-monitor.ts";
import { type ParsedLine, SKIP } from "./parsed-line.ts";

/** A parsed line and its envelope. */
export interface LineParse {
  envelope: Envelope;
  result: ParsedLine;
}

/** Parses the message of a line (without newline or trailing `\r`) whose envelope is known. */
export function parseBody(line: string, bodyStart: number): ParsedLine {
  const c = line.charCodeAt(bodyStart);
  if (c === 84 /* T */) {
    const r = parseTraceLine(line, bodyStart);
    if (r.kind !== "skip") return r;
    const x = parseXtablesMonitorLine(line, bodyStart);
    if (x.kind !== "skip") return x;
  } else if (c === 116 /* t */) {
    const r = parseNftMonitorLine(line, bodyStart);
    if (r.kind !== "skip") return r;
  } else if (c === 32 || c === 80 /* P */) {
    const r = parseXtablesMonitorLine(line, bodyStart);
    if (r.kind !== "skip") return r;
  }
  if (line.indexOf(" MAC source = ", bodyStart) >= 0) {
    const r = parseEbtLine(line, bodyStart);
    if (r.kind !== "skip") return r;
  }
  return parseLogLine(line, bodyStart);
}

/** Detects the envelope and parses the message of one line. Never throws. */
export function parseLine(line: string): LineParse {
  const envelope = detectEnvelope(line);
  if (envelope.bodyStart >= line.length) return { envelope, result: SKIP };
  return { envelope, result: parseBody(line, envelope.bodyStart) };
}
