/**
 * What the playground's worker does, without the worker: parses a byte or
 * text stream with the CLI's own {@link TraceParser}, reports progress, keeps
 * the packets, and hands out light rows for the list and one whole packet
 * (with its rule listing when a ruleset was given, the matched rules from the
 * kernel's trace or, for LOG lines, from the simulator) on demand. Pure apart from
 * the stream it reads; unit-tested in Node.
 */

import { decodeInput, InputError } from "../core/input/decode-input.ts";
import { type LogFacts, logFacts, logStepMatches } from "../core/listing/log-step-matches.ts";
import type { HookId } from "../core/model/hook.ts";
import type { Diagnostic, Flow, Packet, Rewrite } from "../core/model/packet.ts";
import type { FlowAssignment } from "../core/parse/pair-flows.ts";
import { lineBatches } from "../core/parse/split-lines.ts";
import { GROUP_MARK, TraceParser } from "../core/parse/trace-parser.ts";
import type { StepListing } from "../core/render/to-listing.ts";
import { parseRulesetFile } from "../core/simulate/parse-ruleset-file.ts";
import { isNftJson, isNftRuleset } from "../core/simulate/parse-xtables-ruleset.ts";
import type { Ruleset } from "../core/simulate/ruleset.ts";

/** One packet as the list shows it: everything `packetwalk parse` prints but the events. */
export interface PacketRow {
  id: number;
  flow: number;
  direction: "request" | "reply";
  summary: string;
  hooks: HookId[];
  rewrites: Rewrite[];
  /** Input line of its first event. */
  line: number;
}

/** An unknown LOG prefix: the form offers to map it to a chain. */
export interface UnknownPrefixRow {
  /** The prefix trimmed (what a prefix map keys on). */
  name: string;
  count: number;
  /** Line it was first seen on. */
  line: number;
}

/** Everything but the packets' events: what the page shows after a parse. */
export interface ParseSummary {
  packets: PacketRow[];
  flows: Flow[];
  /** As the CLI prints them (positions in `file`), the note about unlisted ones included. */
  diagnostics: Diagnostic[];
  unknownPrefixes: UnknownPrefixRow[];
  /** Lines that were not netfilter output. */
  skippedLines: number;
  /** Numbers of the first {@link MAX_SKIPPED_LISTED} of them. */
  skippedLineNumbers: number[];
  /** Netfilter lines read. */
  events: number;
  /** Lines read in all. */
  lines: number;
}

/** Progress of a parse. */
export interface ParseProgress {
  /** Bytes (or UTF-16 units, for text) read so far. */
  done: number;
  /** Total size when known. */
  total: number;
  packets: number;
}

/** Options of {@link ParseSession.parse}. */
export interface SessionParseOptions {
  /** Name of the input in positions (the dropped file's name); default `-` as for standard input. */
  file?: string;
  /** Exact LOG prefixes mapped to hook ids (the CLI's `--prefix-map`); default none. */
  prefixMap?: Record<string, HookId>;
  /** Size of the input, for progress; default 0 (unknown). */
  total?: number;
  /** Called at most every `progressEvery` units of input read. */
  onProgress?: (p: ParseProgress) => void;
  /** How much input between progress reports; default 1 MiB. */
  progressEvery?: number;
}

/** A whole packet with what its step listing needs. */
export interface PacketDetail {
  packet: Packet;
  /** One listing per event, in order, when a ruleset was given. */
  listings?: StepListing[];
  /** The language of the listed rules' text (for highlighting), with the listings. */
  rulesLanguage?: "iptables" | "nft";
}

/** How many skipped lines are listed by number (the rest are counted). */
export const MAX_SKIPPED_LISTED = 200;

/** One parse at a time, and the ruleset the listings use. */
export class ParseSession {
  private packets: Packet[] = [];
  private ruleset: Ruleset | undefined;
  /** What the whole log says about the host, gathered on the first listing after a parse. */
  private facts: LogFacts | undefined;
  private rulesLanguage: "iptables" | "nft" = "iptables";

  /**
   * Reads `chunks` (bytes or text) line by line, as `packetwalk parse` reads a file, and keeps the
   * packets; resolves to what the page lists.
   */
  async parse(
    chunks: AsyncIterable<Uint8Array | string>,
    options: SessionParseOptions = {},
  ): Promise<ParseSummary> {
    const packets: Packet[] = [];
    const flows: Flow[] = [];
    const onPacket = (p: Packet, f: FlowAssignment) => {
      packets.push(p);
      if (f.isNew) flows.push({ id: f.flow, proto: f.proto, packets: [p.id] });
      else flows[f.flow - 1]?.packets.push(p.id);
    };
    const parser = new TraceParser(onPacket, {
      file: options.file ?? "-",
      ...(options.prefixMap ? { prefixMap: options.prefixMap } : {}),
    });
    const every = options.progressEvery ?? 1 << 20;
    const total = options.total ?? 0;
    let done = 0;
    let reported = 0;
    let lines = 0;
    const skippedLineNumbers: number[] = [];
    const counted = async function* (): AsyncGenerator<Uint8Array | string> {
      for await (const chunk of chunks) {
        done += chunk.length;
        yield chunk;
      }
    };
    /** A dropped file that is not text, or a .gz cut short: said where it stopped, what was read is kept. */
    let unreadable: Diagnostic | undefined;
    try {
      // A dropped kern.log.2.gz or a UTF-16 file is decoded; a paste is text already.
      for await (const batch of lineBatches(decodeInput(counted()))) {
        for (let i = 0; i < batch.length; i++) {
          const before = parser.skippedLines;
          parser.line(batch[i] as string);
          // The CLI only counts them; the page also says which lines they were.
          if (parser.skippedLines > before && skippedLineNumbers.length < MAX_SKIPPED_LISTED)
            skippedLineNumbers.push(lines + i + 1);
        }
        lines += batch.length;
        if (options.onProgress && done - reported >= every) {
          reported = done;
          options.onProgress({ done, total, packets: packets.length });
        }
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const file = options.file ?? "-";
      unreadable = {
        severity: "error",
        message: lines ? `${error.message}: the lines before were read, the rest is lost` : error.message,
        hint: error.hintFor(file),
        position: { file, line: lines + 1, column: 1 },
      };
    }
    parser.end();
    if (unreadable) parser.diagnostics.unshift(unreadable);
    this.packets = packets;
    this.facts = undefined;
    options.onProgress?.({ done, total, packets: packets.length });
    return {
      packets: packets.map(toRow),
      flows,
      diagnostics: parser.diagnostics,
      // Counted groups of unmodelled lines (a netdev chain) are no prefix to map.
      unknownPrefixes: parser
        .unknownPrefixes()
        .filter((u) => !u.prefix.startsWith(GROUP_MARK))
        .map((u) => ({
          name: u.name,
          count: u.count,
          line: parser.diagnostics[u.index]?.position.line ?? 0,
        })),
      skippedLines: parser.skippedLines,
      skippedLineNumbers,
      events: parser.events,
      lines,
    };
  }

  /**
   * Reads a ruleset as `packetwalk check` reads a lab's: `iptables-save` (then `ebtables-save`), or
   * `nft list ruleset` (text or JSON); empty text removes it. Returns its problems.
   */
  setRuleset(text: string, file = "ruleset"): Diagnostic[] {
    this.ruleset = text.trim() === "" ? undefined : parseRulesetFile(text, file);
    // Fetched now, while the reader looks at the ruleset's problems, not when a step is opened.
    if (this.ruleset) void listStepModule();
    this.rulesLanguage = isNftRuleset(text) || isNftJson(text) ? "nft" : "iptables";
    return this.ruleset?.diagnostics ?? [];
  }

  /**
   * Packet `id` with its events, and each step's listing when there is a ruleset. The listing code
   * (the rules' plain-language notes most of all) loads with the first ruleset (see `setRuleset`): a
   * paste without rules never fetches it.
   */
  async packet(id: number): Promise<PacketDetail | undefined> {
    const packet =
      this.packets[id - 1]?.id === id ? this.packets[id - 1] : this.packets.find((p) => p.id === id);
    if (!packet) return undefined;
    const ruleset = this.ruleset;
    const rulesLanguage = this.rulesLanguage;
    if (!ruleset) return { packet };
    // LOG lines say nothing of rules: the simulator runs each logged chain on the packet as printed.
    this.facts ??= logFacts(this.packets);
    const matches = logStepMatches(packet, ruleset, this.packets, this.facts);
    const { listStep } = await listStepModule();
    return {
      packet,
      rulesLanguage,
      listings: packet.events.map((e, i) => {
        const matched = matches[i];
        return listStep(matched ? { ...e, matched } : e, ruleset);
      }),
    };
  }
}

/** The rule listing code (with the rules' notes), loaded once, with the first ruleset. */
let listing: Promise<typeof import("../core/listing/list-step.ts")> | undefined;
function listStepModule(): Promise<typeof import("../core/listing/list-step.ts")> {
  listing ??= import("../core/listing/list-step.ts");
  return listing;
}

function toRow(p: Packet): PacketRow {
  return {
    id: p.id,
    flow: p.flow,
    direction: p.direction,
    summary: p.summary,
    hooks: p.hooks,
    rewrites: p.rewrites,
    line: p.events[0]?.position.line ?? 0,
  };
}
