/**
 * What the playground's worker does, without the worker: parses a byte or
 * text stream with the CLI's own {@link TraceParser}, reports progress, keeps
 * the packets, and hands out light rows for the list and one whole packet
 * (with its rule listing when a ruleset was given, the matched rules from the
 * kernel's trace or, for LOG lines, from the simulator) on demand. Pure apart from
 * the stream it reads; unit-tested in Node.
 */

import { decodeInput, InputError } from "../core/input/decode-input.ts";
import type { LogFacts } from "../core/listing/log-step-matches.ts";
import { chainName, type ShownRewrite, showRewrite } from "../core/model/chain-name.ts";
import type { ChainHooks, HookId, NetdevPrefixes, PrefixHooks } from "../core/model/hook.ts";
import type { Diagnostic, Flow, Packet } from "../core/model/packet.ts";
import { addToFlows, type FlowAssignment, packetById } from "../core/parse/pair-flows.ts";
import { ownChainOverConvention, prefixToHook } from "../core/parse/prefix-to-hook.ts";
import { lineBatches } from "../core/parse/split-lines.ts";
import { GROUP_MARK, TraceParser } from "../core/parse/trace-parser.ts";
import type { HookChains } from "../core/render/hook-chains.ts";
import type { StepListing } from "../core/render/to-listing.ts";
import { chainHooksOf } from "../core/simulate/chain-hooks-of.ts";
import type { Ruleset } from "../core/simulate/ruleset.ts";
import { choosePackets } from "../plugin/choose-packets.ts";

/** One packet as the list shows it: everything `packetwalk parse` prints but the events. */
export interface PacketRow {
  id: number;
  flow: number;
  direction: "request" | "reply";
  summary: string;
  /** The chain of each step, as {@link chainName} shows it. */
  hooks: string[];
  /** Its rewrites, their chains named as {@link chainName} names them. */
  rewrites: ShownRewrite[];
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
  /** An nft ruleset's base chains per hook, for the diagram's hook boxes (none for iptables rules). */
  chains?: HookChains;
  /** The other direction of its flow, as a figure of `packet` pairs them: it shows NAT no line of this one does. */
  other?: Packet;
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
  /** The prefixes the ruleset's logging rules print, with their chains' hooks (see {@link prefixesOfRules}). */
  private rulesetPrefixes: Promise<PrefixHooks> = Promise.resolve({});
  /** The prefixes the ruleset's netdev chains print: said to be netdev lines, not unknown prefixes. */
  private rulesetNetdev: Promise<NetdevPrefixes> = Promise.resolve({});
  /** Counts {@link setRuleset} calls: a ruleset read after a later one was given is dropped. */
  private rulesetVersion = 0;
  /** The ruleset's prefixes the last parse used; undefined before any parse. */
  private parsedWith: PrefixHooks | undefined;
  /** The hooks of the ruleset's nft base chains (see `chainHooksOf`): chains named without their hook. */
  private rulesetChainHooks: Promise<ChainHooks> = Promise.resolve({});
  /** The base chain hooks the last parse used, and the hook ids its packets showed. */
  private parsedChainHooks: { hooks: ChainHooks; used: Set<string> } | undefined;
  /** The prefixes the last parse found no chain for (trimmed). */
  private unknownNames = new Set<string>();
  /** An nft ruleset's base chains per hook, made by the first listing that needs them. */
  private chains: HookChains | undefined;

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
      addToFlows(flows, p.id, f, (id) => packetById(packets, id));
    };
    // The pasted ruleset's logging rules name the chains of their prefixes; the reader's own choices win.
    const fromRules = await this.rulesetPrefixes;
    this.parsedWith = fromRules;
    const prefixMap: PrefixHooks = { ...fromRules, ...options.prefixMap };
    // Its nft base chains are placed at their hooks, whatever their names (`inet fw pre`).
    const chainHooks = await this.rulesetChainHooks;
    const netdevPrefixes = await this.rulesetNetdev;
    const used = new Set<string>();
    this.parsedChainHooks = { hooks: chainHooks, used };
    const parser = new TraceParser(
      (p, f) => {
        for (const h of p.hooks) used.add(h);
        onPacket(p, f);
      },
      {
        file: options.file ?? "log",
        ...(Object.keys(prefixMap).length ? { prefixMap } : {}),
        ...(Object.keys(chainHooks).length ? { chainHooks } : {}),
        ...(Object.keys(netdevPrefixes).length ? { netdevPrefixes } : {}),
      },
    );
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
      const file = options.file ?? "log";
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
    this.unknownNames = new Set(parser.unknownPrefixes().map((u) => u.name));
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
   * Reads a ruleset as `packetwalk check` reads a lab's: `iptables-save` (then `ebtables-save`),
   * `nft list ruleset` (text or JSON) or an `nft -f` script; empty text removes it. Resolves to its problems.
   */
  setRuleset(text: string, file = "ruleset"): Promise<Diagnostic[]> {
    const version = ++this.rulesetVersion;
    const empty = text.trim() === "";
    let language: "nft" | "iptables" = "iptables";
    // The readers and the rule engine load with the first ruleset: a paste of a log alone never fetches them.
    const read = (async () => {
      if (empty) return undefined;
      const { isNftJson, isNftRuleset } = await import("../core/simulate/ruleset-text-reader.ts");
      const json = isNftJson(text);
      language = json || isNftRuleset(text) ? "nft" : "iptables";
      return readPastedRuleset(text, file, json);
    })();
    // Set now and awaited by the next parse, so a parse asked for right after uses it.
    this.rulesetPrefixes = read.then((r) => (r ? prefixesOfRules(text) : {}));
    this.rulesetNetdev = read.then(async (r) =>
      r ? (await import("../core/import/ruleset-material.ts")).nftNetdevLogPrefixes(text) : {},
    );
    this.rulesetChainHooks = read.then((r) => (r ? chainHooksOf(r) : {}));
    return read.then((ruleset) => {
      // A later ruleset replaced this one while it was read: that one is kept.
      if (version !== this.rulesetVersion) return ruleset?.diagnostics ?? [];
      this.ruleset = ruleset;
      this.chains = undefined;
      // Fetched now, while the reader looks at the ruleset's problems, not when a step is opened.
      if (ruleset) void listStepModule();
      this.rulesLanguage = language;
      return ruleset?.diagnostics ?? [];
    });
  }

  /**
   * Whether the ruleset given last maps LOG prefixes otherwise than the one the last parse used (its
   * logging rules name the chains of prefixes no convention knows), or places a chain the log showed
   * at another hook (an nft base chain named without its hook): the log must be parsed again.
   */
  async prefixesChanged(): Promise<boolean> {
    const now = await this.rulesetPrefixes;
    const before = this.parsedWith;
    if (!before) return false;
    // A chain the log showed that this ruleset places at another hook than the last one did.
    const hooks = await this.rulesetChainHooks;
    const parsed = this.parsedChainHooks;
    if (parsed && [...parsed.used].some((id) => hooks[id] !== parsed.hooks[id])) return true;
    // A prefix the last parse did not know and this ruleset names, or one the last ruleset named otherwise.
    const same = (a: PrefixHooks[string] | undefined, b: PrefixHooks[string] | undefined) =>
      JSON.stringify(a) === JSON.stringify(b);
    return (
      [...this.unknownNames].some((name) => now[name] !== undefined) ||
      Object.keys(before).some((name) => !same(before[name], now[name]))
    );
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
    const pair = choosePackets(this.packets, id);
    const other = pair?.[packet.direction === "request" ? "reply" : "request"];
    const ruleset = this.ruleset;
    const rulesLanguage = this.rulesLanguage;
    if (!ruleset) return { packet, ...(other ? { other } : {}) };
    // LOG lines say nothing of rules: the simulator runs each logged chain on the packet as printed.
    const { listStep, logFacts, logStepMatches } = await listStepModule();
    this.facts ??= logFacts(this.packets);
    const matches = logStepMatches(packet, ruleset, this.packets, this.facts);
    // An nft ruleset's base chains are drawn in their hook boxes, as on an nftables lab's figures.
    if (rulesLanguage === "nft" && !this.chains) {
      const { hookChains } = await import("../core/render/hook-chains.ts");
      this.chains = hookChains([{ name: "ruleset", ruleset }]);
    }
    // The steps with the rules the simulator says matched: the diagram then ends a packet a rule dropped.
    const events = packet.events.map((e, i) => {
      const matched = matches[i];
      return matched ? { ...e, matched } : e;
    });
    return {
      packet: { ...packet, events },
      ...(other ? { other } : {}),
      rulesLanguage,
      ...(rulesLanguage === "nft" && this.chains ? { chains: this.chains } : {}),
      listings: events.map((e) => listStep(e, ruleset)),
    };
  }
}

/**
 * Reads a pasted ruleset as `parseRulesetFile` does, fetching only the readers its text needs: `nft -j`
 * output's, the nft reader for nft text (with an `nft -f` script's variables and commands only for a
 * script), the `ipset save` reader for one, the bridge reader for ebtables rules. A pasted iptables-save
 * never fetches the nft reader, nor the bridge reader unless bridge rules follow it.
 */
async function readPastedRuleset(text: string, file: string, json: boolean): Promise<Ruleset> {
  if (json) return (await import("../core/simulate/parse-ruleset-file.ts")).parseRulesetFile(text, file);
  const { ebtablesNeeded, mayHoldIpsetSave, nftNeeded, readRulesetText } = await import(
    "../core/simulate/ruleset-text-reader.ts"
  );
  const ipset = mayHoldIpsetSave(text) ? await import("../core/simulate/parse-ipset-save.ts") : undefined;
  const needed = nftNeeded(text, ipset);
  const nft =
    needed === "script"
      ? (await import("../core/simulate/parse-nft-ruleset.ts")).parseNftRuleset
      : needed === "listing"
        ? (await import("../core/simulate/nft-ruleset-reader.ts")).readNftRuleset
        : undefined;
  const ebtables = ebtablesNeeded(text, ipset)
    ? (await import("../core/simulate/parse-ebtables.ts")).parseEbtables
    : undefined;
  return readRulesetText(text, file, { nft, ipset, ebtables });
}

/**
 * The LOG and nft `log` prefixes `text`'s rules print, each with the hook of the chain that prints it
 * (as `packetwalk import` reads them), leaving out those a naming convention already resolves. Loaded
 * with the first ruleset, like the listing code.
 */
async function prefixesOfRules(text: string): Promise<PrefixHooks> {
  const { prefixMapFromRuleset } = await import("../core/import/ruleset-material.ts");
  const out: PrefixHooks = {};
  for (const [prefix, hook] of Object.entries(prefixMapFromRuleset(text))) {
    const named = prefixToHook(prefix);
    if (named === undefined || (typeof hook === "string" && ownChainOverConvention(prefix, named, hook)))
      out[prefix] = hook;
  }
  return out;
}

/** The rule listing code (with the rules' notes) and the LOG lines' rule matcher, loaded once, with the first ruleset. */
type ListingModule = typeof import("../core/listing/list-step.ts") &
  typeof import("../core/listing/log-step-matches.ts");
let listing: Promise<ListingModule> | undefined;
function listStepModule(): Promise<ListingModule> {
  listing ??= Promise.all([
    import("../core/listing/list-step.ts"),
    import("../core/listing/log-step-matches.ts"),
  ]).then(([list, matches]) => ({ ...list, ...matches }));
  return listing;
}

function toRow(p: Packet): PacketRow {
  return {
    id: p.id,
    flow: p.flow,
    direction: p.direction,
    summary: p.summary,
    hooks: p.events.map(chainName),
    rewrites: p.rewrites.map((r) => showRewrite(p.events, r)),
    line: p.events[0]?.position.line ?? 0,
  };
}
