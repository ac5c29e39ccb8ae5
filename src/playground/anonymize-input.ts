/**
 * The playground's "Anonymise" button without the page: the reader's log and
 * ruleset rewritten by `packetwalk import --anonymize`'s own {@link Anonymizer}
 * (one for both texts, so a stand-in means the same host in each), with what
 * changed: how many of each kind, and the first changed lines before and
 * after, cut into the pieces that differ. Pure; unit-tested in Node.
 */
import { AnonymizeError, Anonymizer, envelopeHostnames } from "../core/import/anonymize.ts";

/** One changed line, before and after. */
export interface ChangedLine {
  /** Which text it is in. */
  input: "log" | "rules";
  /** 1-based line number. */
  line: number;
  /** The line as pieces, each `same` or a `changed` pair; joined, `before`s give the old line, `after`s the new. */
  pieces: { before: string; after: string; changed: boolean }[];
}

/** What {@link anonymizeInput} gives. */
export type AnonymizedInput =
  | {
      ok: true;
      log: string;
      rules: string;
      /** How many distinct originals were replaced, per kind. */
      counts: { addresses: number; macs: number; hostnames: number };
      /** Changed lines per input. */
      changedLines: { log: number; rules: number };
      /** Changed lines, log first, each showing a replacement no earlier one shows; at most {@link AnonymizeOptions.sample}. */
      sample: ChangedLine[];
    }
  /** More public /24 networks than TEST-NET has blocks: nothing was changed. */
  | { ok: false; message: string };

/** Options of {@link anonymizeInput}. */
export interface AnonymizeOptions {
  /** How many changed lines to keep for the before/after view (each with a replacement not shown before); default 6. */
  sample?: number;
  /** Host names to replace besides those the log's syslog envelopes print; default none. */
  hostnames?: readonly string[];
}

// Words, and the separators between them, kept apart so a replaced address is one piece.
const PIECES = /[^\s=,;()[\]{}"']+|[\s=,;()[\]{}"']+/g;

/** `before` and `after` cut into pieces, the differing ones marked (one piece for the whole line when they do not align). */
export function diffPieces(before: string, after: string): ChangedLine["pieces"] {
  const a = before.match(PIECES) ?? [];
  const b = after.match(PIECES) ?? [];
  if (a.length !== b.length) return [{ before, after, changed: true }];
  const out: ChangedLine["pieces"] = [];
  a.forEach((x, i) => {
    const y = b[i] as string;
    const last = out.at(-1);
    const changed = x !== y;
    // Runs of equal pieces are merged, so a line is a few spans, not one per word.
    if (last && last.changed === changed && !changed) {
      last.before += x;
      last.after += y;
    } else out.push({ before: x, after: y, changed });
  });
  return out;
}

/** Counts the changed lines; keeps those that show a replacement not shown yet, up to `keep` in all. */
function changedLines(
  input: "log" | "rules",
  before: string,
  after: string,
  keep: number,
  into: ChangedLine[],
  shown: Set<string>,
) {
  if (before === after) return 0;
  const a = before.split("\n");
  const b = after.split("\n");
  let n = 0;
  a.forEach((line, i) => {
    const other = b[i] ?? "";
    if (line === other) return;
    n++;
    if (into.length >= keep) return;
    const pieces = diffPieces(line, other);
    const fresh = pieces.filter((p) => p.changed && !shown.has(p.before));
    if (fresh.length === 0) return;
    for (const p of fresh) shown.add(p.before);
    into.push({ input, line: i + 1, pieces });
  });
  return n;
}

/**
 * `log` and `rules` with every public IPv4 address (to TEST-NET, one /24 per /24, also where an
 * IPv6 address carries it: NAT64, IPv4-mapped, 6to4, Teredo, ISATAP), global IPv6 address (to
 * 2001:db8::/32), MAC and host name (the log's syslog envelope names and `hostnames`) replaced,
 * consistently across both, by stand-ins neither text already holds (so no two hosts merge).
 */
export function anonymizeInput(log: string, rules: string, options: AnonymizeOptions = {}): AnonymizedInput {
  // Both texts avoided: no stand-in is an address, MAC or name either already holds (kept as it is).
  const anonymizer = new Anonymizer([...envelopeHostnames(log), ...(options.hostnames ?? [])], {
    avoid: [log, rules],
  });
  let newLog: string;
  let newRules: string;
  try {
    anonymizer.learn(log);
    anonymizer.learn(rules);
    newLog = anonymizer.text(log);
    newRules = anonymizer.text(rules);
  } catch (error) {
    if (error instanceof AnonymizeError) return { ok: false, message: error.message };
    throw error;
  }
  const map = anonymizer.map();
  const sample: ChangedLine[] = [];
  const keep = options.sample ?? 6;
  const shown = new Set<string>();
  const logLines = changedLines("log", log, newLog, keep, sample, shown);
  const rulesLines = changedLines("rules", rules, newRules, keep, sample, shown);
  // A host name the log never printed (none found) is not counted as replaced.
  const hostnames = Object.keys(map.hostnames).filter((h) => log.includes(h) || rules.includes(h)).length;
  return {
    ok: true,
    log: newLog,
    rules: newRules,
    counts: {
      addresses: Object.keys(map.addresses).length,
      macs: Object.keys(map.macs).length,
      hostnames,
    },
    changedLines: { log: logLines, rules: rulesLines },
    sample,
  };
}
