/**
 * The streaming pipeline: lines in, finished packets (with flow and
 * direction) out, diagnostics collected. Holds only bounded state, so a
 * caller that does not keep the packets parses any amount of input.
 */
import {
  type ChainHooks,
  chainFitsDevices,
  type Family,
  type HookId,
  type NetdevPrefixes,
  type PrefixHooks,
} from "../model/hook.ts";
import type { Diagnostic, LoggedDrop, Packet, TraceEvent } from "../model/packet.ts";
import { baseChainHook, mapHookOf } from "./base-chain-hook.ts";
import { readCriRecord } from "./cri-record.ts";
import { detach } from "./detach-string.ts";
import { composeOrPrefix, detectEnvelope, type Envelope, prefixReading } from "./detect-envelope.ts";
import { FIRESTARTER_DROPS } from "./firewall-tool-prefixes.ts";
import { type GroupOptions, PacketGrouper } from "./group-packets.ts";
import { HOST_FIREWALL_PREFIXES, hostFirewallChoices, hostFirewallDrop } from "./host-firewall-prefixes.ts";
import { insidePrettyRecord, type PrettyRecord, prettyMessageIndent, prettyRecord } from "./journal-json.ts";
import { readSplitUlogdRecord } from "./json-record.ts";
import { LogFieldMemo } from "./log-field-memo.ts";
import { readAuditPacket, readLogLoss, readMonitorExit, readRepeatedMessage } from "./log-loss.ts";
import {
  type FlowAssignment,
  FlowPairer,
  flowKeys,
  PairingQueue,
  type PairOptions,
  setAssignment,
} from "./pair-flows.ts";
import { ebtTailMayFollow, endsInsideMark, startsEbtTail } from "./parse-ebt-line.ts";
import {
  ARP_PREFIX_HINT,
  FORWARD_DEVICE_HINT,
  LONG_LINE_HINT,
  NETDEV_HINT,
  netdevSkipped,
  PREFIX_HINT,
  TRACE_USER_CHAIN_HINT,
  traceUserChainMessage,
  UNLISTED_HINT,
  UNPLACED_CHAIN_HINT,
  unplacedChainMessage,
} from "./parse-hints.ts";
import { parseBody } from "./parse-line.ts";
import { type PacketDataLine, type ParsedLine, SKIP } from "./parsed-line.ts";
import { baseChainsOf, createPrefixResolver, type PrefixMap, unquotedPrefix } from "./prefix-to-hook.ts";
import { parsePveBody } from "./pve-firewall.ts";
import { findFieldsStart, isLogKey, isLogWord } from "./read-log-fields.ts";
import { datelessEnvelope, envelopeStartBefore, JOINED_HINT, recordStartIn } from "./record-start.ts";
import { joinedRecordStarts, pieceMap } from "./split-joined.ts";
import { readLongLineMark } from "./split-lines.ts";
import { lineIndex, type PositionMap } from "./strip-escapes.ts";
import {
  TRACE_USER_CHAIN_REFUSED_HINT,
  traceUserChainAfterRefusedMessage,
} from "./trace-user-chain-refused.ts";
import { lineColumn, needsUnwrap, unwrapLine } from "./unwrap-line.ts";

/** Where xtables-monitor prints `PACKET:` lines relative to a trace's TRACE lines. */
export type PacketLineOrder = "before" | "after";

/** Options of {@link TraceParser} (and of `parseTraceText` / `parseTraceStream`). */
export interface ParseOptions {
  /** Name for positions in diagnostics and events. Default: `-`. */
  file?: string;
  /**
   * Exact LOG prefixes (trimmed) mapped to hook ids, checked before the built-in conventions; a prefix
   * mapped to several hooks takes the one whose chain fits the line's `IN=` / `OUT=`. Default: none.
   */
  prefixMap?: PrefixHooks;
  /** Grouping windows (see {@link GroupOptions}). Default: 400 lines, 5 seconds, 256 open packets. */
  group?: GroupOptions;
  /**
   * The hooks of the ruleset's nftables base chains by hook id (see `chainHooksFromRuleset`): for
   * chains whose names do not say their hook. Default: none (names are read by their conventions).
   */
  chainHooks?: ChainHooks;
  /**
   * LOG prefixes the ruleset's netdev chains print (see `nftNetdevLogPrefixes`): their lines are
   * reported as a family packetwalk does not draw, not as unknown prefixes. Default: none.
   */
  netdevPrefixes?: NetdevPrefixes;
  /** Number of the first line given (for a stretch cut from the middle of a file). Default: 1. */
  firstLine?: number;
  /**
   * Only the lines in [from, to) count: packets whose first line is outside
   * are not handed out, and problems on lines outside are not reported (the
   * lines before `from` only rebuild the grouping state). Default: every line.
   */
  range?: { from: number; to: number };
  /**
   * Hands out packets without flows (`flow` 0, direction `request`), with the
   * number of their first line, instead of calling `onPacket`: for a caller that
   * pairs flows itself (the parallel parse). Default: unset.
   */
  onGroupedPacket?: (packet: Packet, firstLine: number) => void;
  /**
   * Where xtables-monitor prints a trace's `PACKET:` line: `before` its TRACE
   * lines (iptables >= 1.8.8) or `after` the first of them. Default: decided
   * from the first `PACKET:` line of the input (see {@link TraceParser.packetLines}).
   */
  packetLines?: PacketLineOrder;
  /**
   * Read every line with the general readers, without the fast path for common
   * LOG lines and its memo of recent field texts (the output is the same: tests
   * compare the two). Default: false.
   */
  fullParse?: boolean;
  /** Flow memory (see {@link PairOptions}). Default: 100000 tuples. */
  pair?: PairOptions;
  /** Keep at most this many diagnostics; one more says how many were left out. Default: 1000. */
  maxDiagnostics?: number;
  /**
   * Count the lines of at most this many distinct unknown prefixes; past that,
   * every line of a new one is a problem of its own. Default: 100000
   * ({@link MAX_UNKNOWN_PREFIXES}). A parallel parse's segments count them all
   * and leave the limit to the merge.
   */
  maxUnknownPrefixes?: number;
  /**
   * Asked about every LOG line once it is read (its prefix, devices, addresses and position set; no
   * hook yet): a line it returns false for is left out as if the input did not hold it (no packet, no
   * problem reported), so the caller says why. `packetwalk import` leaves out this way the lines of
   * other machines and network namespaces a whole `dmesg` holds. Default: every line is kept.
   */
  keepLine?: (event: TraceEvent) => boolean;
}

/** An unknown LOG prefix and how many lines showed it. */
export interface UnknownPrefix {
  /** The prefix as printed (untrimmed). */
  prefix: string;
  /** The prefix trimmed, as the message quotes it. */
  name: string;
  count: number;
  /** Index of its warning in {@link TraceParser.diagnostics}, -1 when that list was full. */
  index: number;
}

/**
 * How many lines a problem stands for: the count {@link unknownPrefixMessage} wrote at the end of a
 * problem said once for a group of lines (`... (2 lines)`), else 1.
 */
export function linesOfProblem(d: Pick<Diagnostic, "message">): number {
  const m = / \((\d+) lines?\)$/.exec(d.message);
  return m ? Number(m[1]) : 1;
}

/**
 * Starts the key and the name of a problem counted per group of lines (see `ErrorLine.group`)
 * among the unknown prefixes: no LOG prefix holds a newline.
 */
export const GROUP_MARK = "\n";

/** The warning for an unknown prefix seen on `count` lines (or a group's message, see {@link GROUP_MARK}). */
export function unknownPrefixMessage(name: string, count: number): string {
  const lines = `${count} ${count === 1 ? "line" : "lines"}`;
  if (name.startsWith(GROUP_MARK)) return `${name.slice(GROUP_MARK.length)} (${lines})`;
  if (name === "")
    return `LOG line without a prefix (${lines}): which table and chain wrote it? Give the LOG rule a --log-prefix, or map the empty prefix`;
  return `unknown LOG prefix '${name}' (${lines}): which table and chain wrote it?`;
}

/**
 * The start of a line that goes on with a LOG line's fields (`MACDST=...`, `TOS=0x00 ...`, `ACK URGP=0`,
 * `OPT (...)`), after the indent or `>` marks a page or a mail gave it. `IN=` starts a line of its own.
 */
const WRAPPED_FIELDS =
  /^(?:[ \t>]|\|(?=[ \t]))*(?=(?!IN=)[A-Z][A-Z0-9]*=|(?:CE|DF|MF|SYN|ACK|FIN|RST|PSH|URG|CWR|ECE|AE|OPT|INCOMPLETE) |\[SRC=)/;
/** The rest of an ebtables line cut right after ` MAC` (which a LOG line's ` MAC=` shares): `source = ...`. */
const EBT_REST = /^(?:[ \t>]|\|(?=[ \t]))*(?=source = )/;
/** The rest of an ebtables line cut right after its `OUT=<if>` (read as a LOG line cut short): `MAC source = ...`. */
const EBT_MARK_REST = /^(?:[ \t>]|\|(?=[ \t]))*(?=MAC source = )/;
/** The group of a LOG line's error for a redacted address (`redacted SRC=`; see `redactedAddressError`). */
const REDACTED_LOG_GROUP = /^redacted [A-Z]+=$/;
/** At most this many lines are joined into one, and at most this many characters. */
const MAX_WRAPPED_PARTS = 16;
const MAX_WRAPPED_LENGTH = 16_384;
/** At most this many CRI records are joined into one line (a runtime cuts at 16 KiB; a kernel line is under 1 KiB). */
const MAX_CRI_PARTS = 64;
/** How many lines after it a pretty record's message line waits for the record's host (see `prettyHeld`). */
const PRETTY_WAIT = 64;
/** Whether `text` is a blank line (spaces, tabs, a CRLF file's `\r`): a wrapped line's pieces may have one between them. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
/** The grouped warning for LOG lines read joined from several. */
const WRAPPED_MESSAGE =
  "LOG line wrapped over several lines (by a web page, an editor or a mail client), read joined at a space";
/** The grouped warning for lines of another format (`name`: what they are) read joined from several. */
function wrappedMessage(name: string): string {
  return `${name} wrapped over several lines (by a web page, an editor or a mail client), read joined at a space`;
}
const WRAPPED_HINT =
  "the kernel writes each line whole: copy the log from a file or a terminal (journalctl -k, dmesg) to keep its lines as they were";
/** The grouped warning for lines (`name`: what they are) read joined from pieces with a blank line between each. */
function blankWrappedMessage(name: string): string {
  return `${name} wrapped over several lines with a blank line between its pieces (by a PDF's or a web page's text), read joined at a space`;
}
const BLANK_WRAPPED_HINT =
  "the kernel writes each line whole and never a blank line inside one: the blank lines came with the copy (a PDF or a page putting each piece in a paragraph of its own); copy the log from a file or a terminal (journalctl -k, dmesg) to keep its lines as they were";
/** The warning for a LOG line's rest read alone after its start was reported cut short (`word`: its first field). */
function lostRestMessage(word: string, line: number): string {
  return `expected the start of a kernel LOG line, found the rest of one (from ${word}): it does not go on with the LOG line cut short at line ${line}, and this part was not read`;
}
const LOST_REST_HINT =
  "the pieces of a wrapped line are joined only when each follows the one before, with at most one blank line between them: put the pieces back on one line as the kernel wrote it";

/** The grouped warning for LOG lines (or lines `name` says) read joined from pieces folded at `width` characters. */
function foldedMessage(width: number, name = "LOG line"): string {
  return `${name} folded at ${width} characters (by fold -w ${width} or a terminal's copy, inside a word too), read joined`;
}

/**
 * What a line held for its wrapped rest is (see `TraceParser.pending`): a record of a format whose end
 * no field marks, or a kernel line that holds only what may be a LOG prefix (`head`).
 */
type HeldKind = "nft" | "xtables" | "ebt" | "head";
/** What a wrapped line of each kind is called in the grouped warning (a head's rest makes a LOG line). */
const HELD_NAMES: Record<HeldKind, string> = {
  nft: "nft monitor trace line",
  xtables: "xtables-monitor line",
  ebt: "ebtables log line",
  head: "LOG line",
};
/** How well a joined line reads when it reads whole (see `TraceParser.joinScore`): more than any column. */
const READS = 1e9;
/** Shortest line a wrap or a fold breaks (as `foldedAt` counts a fold's piece). */
const MIN_WRAPPED = 40;
/** The source of the events a held line of each kind reads as. */
const HELD_SOURCES: Record<HeldKind, TraceEvent["source"] | undefined> = {
  nft: "nft-monitor",
  xtables: "xtables-monitor",
  ebt: "ebt-log",
  head: undefined,
};
/** Longest message a kernel line holds before the `IN=` of its LOG line on the next (a LOG prefix, a TRACE label). */
const MAX_HEAD = 64;

/**
 * Whether `text` (its message at `at`), read alone as `alone`, starts a line of its own: it reads as a
 * record, or is refused as one that starts as a record does (`trace id`, `PACKET: 2 ...`, a LOG line's
 * `IN=.. OUT=`) and was cut or edited further on.
 */
function startsRecord(text: string, at: number, alone: ParsedLine): boolean {
  if (alone.kind === "event" || alone.kind === "packet-data") return true;
  if (alone.kind !== "error" || alone.group !== undefined) return false;
  const format = recordFormat(text, at);
  return format === "nft" || format === "xtables" || findFieldsStart(text, at) >= 0;
}

/** Whether two readings of a line say the same of the packet (its text and position aside). */
function sameReading(a: TraceEvent, b: TraceEvent): boolean {
  const key = (e: TraceEvent) => JSON.stringify({ ...e, raw: "", position: undefined });
  return key(a) === key(b);
}

/** The format of a refused record that is not a LOG line (so not cut at its end as one): see {@link HeldKind}. */
function recordFormat(body: string, at: number): HeldKind | undefined {
  if (body.startsWith("trace id ", at)) return "nft";
  let i = at;
  while (body.charCodeAt(i) === 32) i++;
  if (/^(?:TRACE|PACKET): \d/.test(body.slice(i, i + 10))) return "xtables";
  if (body.includes(" MAC source = ", at)) return "ebt";
  // Cut inside the mark (`OUT=veth1 MAC`): an ebtables line's start all the same.
  const out = body.lastIndexOf(" OUT=");
  return out >= at && endsInsideMark(body, body.indexOf(" ", out + 5)) ? "ebt" : undefined;
}
/** The rest of a line folded at `width` characters whose pieces do not read joined. */
function foldedRestMessage(width: number): string {
  return `expected the start of a kernel LOG line, found the rest of one: the lines before look folded at ${width} characters (fold -w ${width}, a terminal's copy), and joined they do not read, so this part was not read`;
}
/** How to unwrap a log folded at `width` characters. */
function foldedHint(width: number): string {
  return `the kernel writes each line whole: copy the log from its file or with journalctl -k; a file folded at ${width} columns unwraps with awk 'length($0)==${width}{printf "%s",$0;next}1' FILE`;
}

/**
 * How to keep the lines of a monitor's output whole (`kind` nft or xtables; undefined for a kernel
 * line's): saved to a file, not copied from a page; one folded at `width` columns unwraps with awk.
 */
function monitorHint(kind: HeldKind, width: number | undefined): string | undefined {
  const tool =
    kind === "nft" ? "nft monitor trace" : kind === "xtables" ? "xtables-monitor --trace" : undefined;
  if (!tool) return undefined;
  const save = `${tool} writes each line whole: save its output to a file (${tool} > trace.txt) and share that file`;
  return width === undefined
    ? save
    : `${save}; a file folded at ${width} columns unwraps with awk 'length($0)==${width}{printf "%s",$0;next}1' FILE`;
}

/** The rest of a LOG line as the input's first line: the copy began inside the line. */
const HEADLESS_MESSAGE =
  "expected the start of a kernel LOG line, found the rest of one as the input's first line: its start is missing (the copy began inside the line), and this part was not read";
const HEADLESS_HINT =
  "copy the log from the start of a line (its time stamp), or drop this first line: the packet it ends cannot be read without its start";

/** The grouped warning for records read apart from one line. */
const JOINED_MESSAGE =
  "several log lines joined on one line (by a web page or a chat), read apart at each line's time stamp";
/** The same for lines with no time stamp (trace output, a bare LOG line): read apart where each starts. */
const JOINED_BARE_MESSAGE =
  "several log lines joined on one line (by a web page or a chat), read apart where each line starts";

/** A field's `=` as quoted-printable writes it (`SRC=3D198.51.100.1`): a mail's raw source. */
const QUOTED_PRINTABLE = /[A-Z]=3D/;
/** The grouped error for lines of a quoted-printable mail. */
const QUOTED_PRINTABLE_MESSAGE =
  "expected the kernel's text, found it quoted-printable ('=3D' for '=', and a '=' ending each line of a mail's raw source): not read";
const QUOTED_PRINTABLE_HINT =
  "decode the mail first (python3 -m quopri -d < mail.txt > log.txt), or copy the lines as the mail program shows them";

/** One line of a wrapped LOG line: where it starts in the joined text, and its line and column in the file. */
interface WrappedPiece {
  start: number;
  line: number;
  column: number;
}

/** A line read (or refused) but not placed yet: the next line may be its wrapped rest (see `TraceParser.pending`). */
interface Pending {
  kind: HeldKind;
  /** The line (the pieces joined so far), and as it was read: its text without quote marks (`at` maps it), envelope and reading. */
  raw: string;
  body: string;
  envelope: Envelope;
  at: PositionMap | undefined;
  result: ParsedLine;
  seq: number;
  counted: boolean;
  lineNo: number;
  pieces: WrappedPiece[];
  parts: number;
  /** The width its pieces were folded at, once a join was made as a fold. */
  width?: number;
  /** An ebtables line that read whole but may have had its tail wrapped off: only a line starting with that tail goes on with it. */
  tail?: boolean;
  /** A blank line was between two of its pieces (see `TraceParser.blank`). */
  blanks?: boolean;
}

/** A packet line waiting for the rule, verdict or TRACE line of its chain, and where it was read. */
interface Stashed {
  ev: TraceEvent;
  seq: number;
  counted: boolean;
  position: Diagnostic["position"];
  time: number | undefined;
  envelope: TraceEvent["envelope"];
}

/** The note that closes a list of problems cut at `maxDiagnostics`. */
export function unlistedNote(count: number, position: Diagnostic["position"]): Diagnostic {
  return {
    severity: "warning",
    message: `${count} more problems were not listed`,
    hint: UNLISTED_HINT,
    position,
  };
}

/** A LOG prefix of the nft lab's convention naming a netdev chain: `<tag>/nft/netdev/<table>/<chain>`. */
const NFT_NETDEV_PREFIX = /(?:^|\/)nft\/netdev\/([\w.-]+)\/([\w.-]+)\s*$/;

/** Distinct unknown prefixes counted line by line (memory stays bounded on any input). */
export const MAX_UNKNOWN_PREFIXES = 100_000;

/** Copies the packet fields of a TRACE packet line into the event that reports its verdict. */
function copyPacketData(from: TraceEvent, to: TraceEvent): void {
  for (const k of [
    "in",
    "out",
    "physIn",
    "physOut",
    "macSrc",
    "macDst",
    "ethType",
    "vlan",
    "ip",
    "l4",
    "arp",
    "mark",
    "inner",
    "quotedHead",
  ] as const) {
    if (to[k] === undefined && from[k] !== undefined) (to as unknown as Record<string, unknown>)[k] = from[k];
  }
}

/**
 * Whether xtables-monitor's TRACE line `ev` can be the first of a trace with packet line `data` after
 * it (iptables < 1.8.8's order): a trace starts in a built-in chain whose hook fits the packet's
 * devices. A paste that starts mid-trace has a user chain's line, or a hook the devices rule out
 * (`PREROUTING` with an `OUT=`), before the next chain's packet line: that is the newer order.
 */
function opensTrace(ev: TraceEvent, data: TraceEvent): boolean {
  const chain = ev.verdict?.chain.toUpperCase();
  return chain !== undefined && chainFitsDevices(chain, !!data.in, !!data.out);
}

/** What a packet line says of the packet itself, not of the hook it is at (devices, mark). */
const HEADER_FIELDS = [
  "macSrc",
  "macDst",
  "ethType",
  "vlan",
  "ip",
  "l4",
  "arp",
  "inner",
  "quotedHead",
] as const;

/** Line-by-line parser; see the module comment. */
export class TraceParser {
  /** Problems found so far, positioned. */
  readonly diagnostics: Diagnostic[] = [];
  /** Non-netfilter lines skipped so far. */
  skippedLines = 0;
  /** Netfilter lines read so far: events, and the packet lines (`PACKET:`, `packet:`) of traces. */
  events = 0;

  private file: string;
  private readonly maxDiagnostics: number;
  private readonly resolve: (prefix: string, family: Family) => HookId | undefined;
  private readonly grouper: PacketGrouper;
  private readonly pairer: FlowPairer;
  /** Packets in order to the pairer; a later fragment may wait for its first fragment. */
  private readonly pairing: PairingQueue<Packet>;
  private lineNo = 0;
  /** Lines read, over every file: the grouping's clock. */
  private seq = 0;
  private readonly from: number;
  private readonly to: number;
  private dropped = 0;
  private unknownByPrefix = new Map<string, { diag: Diagnostic; count: number; name: string }>();
  /** nft trace ids of inet-family tables seen carrying IPv6, with the line they were last seen on. */
  private inet6 = new Map<string, number>();
  /** The last trace event with packet data, per trace id (at most 1024; see `sameHookData`). */
  private traceData = new Map<string, { ev: TraceEvent; seq: number }>();
  /** The last nft packet line with headers, per trace id (at most 1024; see `keepHeaders`). */
  private nftHeaders = new Map<string, { ev: TraceEvent; seq: number }>();
  /** Packet data by trace id, waiting for the TRACE line it belongs to, with the line it was read on. */
  private stash = new Map<string, Stashed>();
  private readonly maxUnknownPrefixes: number;
  /** How many lines a stashed packet line waits for its TRACE line. */
  private readonly stashLines: number;
  private packetOrder: "unknown" | PacketLineOrder;
  private lastTraceEvent: { ev: TraceEvent; line: number } | undefined;
  /**
   * An xtables-monitor or nft monitor trace event without packet data, held for one line while
   * the order of packet lines is not known to be `before`: iptables before 1.8.8 prints a
   * chain's `PACKET:` line after its first TRACE line, and the grouping needs the addresses
   * (a NAT rewrite gives the packet a new trace id).
   */
  private held: { ev: TraceEvent; seq: number; counted: boolean } | undefined;
  /** What the lines of the pretty-printed JSON record being read said so far (its time, its host). */
  private pretty: PrettyRecord = prettyRecord();
  /**
   * A pretty record's message line (`indent`: its indentation), read once the record's lines after it
   * have said its host (Elasticsearch prints `host` after `message`): at the record's end, at most
   * {@link PRETTY_WAIT} lines on.
   */
  private prettyHeld:
    | { text: string; lineNo: number; seq: number; counted: boolean; indent: number }
    | undefined;
  /**
   * A LOG line whose fields stop before the kernel's last one, its error not yet reported: the next
   * line may go on with the fields (`parts` lines joined so far). See {@link joinCut}.
   */
  private cut:
    | {
        text: string;
        lineNo: number;
        seq: number;
        counted: boolean;
        parts: number;
        pieces: WrappedPiece[];
        diag: Diagnostic;
        /** The width its pieces were folded at (`fold -w 80`), once one such join was made. */
        width?: number;
        /** Its error is inside its last word, not at its end: only a fold at a fixed width may go on with it. */
        midToken?: boolean;
        /** Its error is one said once for the log with its count (a redacted address): its key and name. */
        grouped?: { key: string; name: string };
        /** A blank line was between two of its pieces (see {@link blank}). */
        blanks?: boolean;
      }
    | undefined;
  /**
   * A blank line after a line held for its rest ({@link cut}, {@link pending}), not read yet: a PDF's or a
   * page's text puts one between the pieces of a wrapped line (the kernel never prints one inside a line).
   * The next line decides: the held line's rest is joined across it, anything else reads it as a blank line.
   */
  private blank: { text: string; seq: number; counted: boolean } | undefined;
  /** While the line after a {@link blank} one is tried as a held line's rest. */
  private acrossBlank = false;
  /**
   * The line number of a LOG line reported cut short because the line after it did not go on with it:
   * a LOG line's rest read alone after it (past blank lines) is said, not skipped silently.
   */
  private lostRest: number | undefined;
  /**
   * A container's line its runtime cut into CRI records (tag `P`), the parts seen so far joined:
   * read at its first line once the stream's record with tag `F` comes (see {@link joinCriPart}).
   */
  private criPart:
    | { text: string; lineNo: number; seq: number; counted: boolean; stream: string; pieces: WrappedPiece[] }
    | undefined;
  /** While a joined line is read: its pieces (see {@link joinCut}). */
  private pieces: WrappedPiece[] | undefined;
  /** How many input lines the line being read was joined from (1: it is one line). */
  private parts = 1;
  /** While a line joined from pieces folded at a fixed width is read: that width. */
  private foldWidth: number | undefined;
  /** A line that continues pieces of one width but did not read joined to them: said to be a fold's rest. */
  private foldSuspect: { width: number; line: number } | undefined;
  /**
   * A line of nft monitor trace, xtables-monitor or ebtables (read or refused), or a kernel line holding
   * only a LOG prefix, held for one line: nothing marks where those lines end, so a page's wrap or a fold
   * is seen only in the next line, its rest. See {@link joinPending}.
   */
  private pending: Pending | undefined;
  /** The width a line of this file was found folded at (see {@link continuation}): its other lines are too. */
  private foldSeen: number | undefined;
  /** Prefixes the ruleset prints at several chains, chosen per line by its devices. */
  private readonly choices = new Map<string, readonly HookId[]>();
  private readonly chainHooks: ChainHooks | undefined;
  private readonly netdevPrefixes: NetdevPrefixes;
  /** Prefixes the user's map lists several chains for: their list is tried before any built-in convention. */
  private readonly userChoices = new Set<string>();
  /** The prefixes (trimmed) the user's `--prefix-map` maps to one hook. */
  private readonly mapped: PrefixMap = {};
  /** {@link hostFirewallDrop} per trimmed prefix (null: none): its patterns cost more than a lookup on every line. */
  private readonly drops = new Map<string, LoggedDrop | null>();
  /** The LOG fast path and its memo, or false (see {@link ParseOptions.fullParse}). */
  private readonly fast: LogFieldMemo | false;
  /** See {@link ParseOptions.keepLine}. */
  private readonly keepLine: ((event: TraceEvent) => boolean) | undefined;

  /** `onPacket` receives every finished packet in id order, with its flow decision. */
  constructor(onPacket: (packet: Packet, flow: FlowAssignment) => void, options: ParseOptions = {}) {
    this.file = options.file ?? "-";
    this.maxDiagnostics = options.maxDiagnostics ?? 1000;
    this.chainHooks = options.chainHooks;
    this.netdevPrefixes = options.netdevPrefixes ?? {};
    const single = this.mapped;
    // Keys as lines are matched, trimmed: a map copied from `--log-prefix "fw-in "` keeps its space.
    for (const [prefix, hook] of Object.entries(options.prefixMap ?? {})) {
      if (typeof hook === "string") single[prefix.trim()] = hook;
      else {
        this.choices.set(prefix.trim(), hook);
        this.userChoices.add(prefix.trim());
      }
    }
    // A host firewall's fixed prefixes (ufw's) parse without a map; the user's map names them first.
    for (const [prefix, hooks] of Object.entries(HOST_FIREWALL_PREFIXES))
      if (single[prefix] === undefined && !this.choices.has(prefix)) this.choices.set(prefix, hooks);
    this.resolve = createPrefixResolver(options.prefixMap ? { prefixMap: single } : {});
    this.pairer = new FlowPairer(options.pair);
    this.pairing = new PairingQueue<Packet>(this.pairer, (p, a) => onPacket(p, setAssignment(p, a)));
    this.lineNo = this.seq = (options.firstLine ?? 1) - 1;
    this.stashLines = options.group?.windowLines ?? 400;
    this.maxUnknownPrefixes = options.maxUnknownPrefixes ?? MAX_UNKNOWN_PREFIXES;
    this.packetOrder = options.packetLines ?? "unknown";
    this.fast = options.fullParse ? false : new LogFieldMemo();
    this.keepLine = options.keepLine;
    this.from = options.range?.from ?? Number.NEGATIVE_INFINITY;
    this.to = options.range?.to ?? Number.POSITIVE_INFINITY;
    const grouped = options.onGroupedPacket;
    this.grouper = new PacketGrouper(
      (p, first) => {
        if (first < this.from || first >= this.to) return;
        if (grouped) grouped(p, first);
        else this.pairing.push(p, flowKeys(p), first);
      },
      {
        ...options.group,
        ...(options.chainHooks ? { chainHooks: options.chainHooks } : {}),
        // Raised while the line it is about is read: kept when that line is in range, like line problems.
        onDiagnostic: (d) => {
          if (this.seq >= this.from && this.seq < this.to) this.diag(d);
        },
        onTraceUserChainStart: (ev) => {
          if (this.seq >= this.from && this.seq < this.to) this.traceUserChainStart(ev);
        },
      },
    );
  }

  /** Where this input prints `PACKET:` lines, once a first one was read (or the option said so). */
  get packetLines(): PacketLineOrder | undefined {
    return this.packetOrder === "unknown" ? undefined : this.packetOrder;
  }

  /** Number of the next line {@link line} will read (1-based, counted over every file). */
  get nextLine(): number {
    return this.seq + 1;
  }

  /**
   * The first line of the oldest packet not handed out yet (Infinity when
   * every packet read so far has been): a caller that owns lines up to `to`
   * may stop reading once this reaches `to`.
   */
  get floor(): number {
    // A packet waiting in the pairing queue (a later fragment, and those after it) is not handed out either.
    let floor = Math.min(this.grouper.floor, this.pairing.oldest);
    // A line held for its wrapped rest is not read yet either, nor a packet line waiting for its chain's line.
    if (this.cut && this.cut.seq < floor) floor = this.cut.seq;
    if (this.pending && this.pending.seq < floor) floor = this.pending.seq;
    if (this.criPart && this.criPart.seq < floor) floor = this.criPart.seq;
    for (const d of this.stash.values()) {
      if (d.seq < floor) floor = d.seq;
      break;
    }
    if (this.prettyHeld && this.prettyHeld.seq < floor) floor = this.prettyHeld.seq;
    return this.held && this.held.seq < floor ? this.held.seq : floor;
  }

  /**
   * The state that decides how further lines are grouped, as text (see
   * {@link PacketGrouper.signature}), with the TRACE packet-line state.
   */
  signature(): string {
    // Only what can still matter: the last TRACE event if it was on the line before, live stash entries.
    const last = this.lastTraceEvent;
    const live = [...this.stash].filter(([, d]) => this.seq + 1 - d.seq <= this.stashLines);
    return [
      this.grouper.signature(),
      `packet-order ${this.packetOrder}`,
      ...live.map(([id, d]) => `stash ${id} ${d.seq} ${JSON.stringify(d.ev)}`),
      ...[...this.traceData]
        .filter(([, d]) => this.seq + 1 - d.seq <= this.stashLines)
        .map(([id, d]) => `trace-data ${id} ${d.seq} ${JSON.stringify(d.ev)}`)
        .sort(),
      ...[...this.nftHeaders]
        .filter(([, d]) => this.seq + 1 - d.seq <= this.stashLines)
        .map(([id, d]) => `nft-headers ${id} ${d.seq} ${JSON.stringify(d.ev)}`)
        .sort(),
      `last-trace ${last && last.line === this.seq ? JSON.stringify(last.ev) : ""}`,
      `held ${this.held ? `${this.held.seq} ${JSON.stringify(this.held.ev)}` : ""}`,
      `cut ${this.cut ? `${this.cut.seq} ${this.cut.parts} ${this.cut.width ?? ""} ${this.cut.midToken ? 1 : 0} ${this.cut.text}` : ""}`,
      `cri ${this.criPart ? `${this.criPart.seq} ${this.criPart.text}` : ""}`,
      `pending ${this.pending ? `${this.pending.seq} ${this.pending.parts} ${this.pending.width ?? ""} ${this.pending.raw}` : ""} ${this.foldSeen ?? ""}`,
      `pretty ${this.prettyHeld ? `${this.prettyHeld.seq} ${this.prettyHeld.text}` : ""}`,
      ...[...this.inet6]
        .filter(([, at]) => this.seq + 1 - at <= this.stashLines)
        .map(([id, at]) => `inet6 ${id} ${at}`)
        .sort(),
    ].join("\n");
  }

  /**
   * How much state the parser holds right now: open packets, their address
   * keys, packets waiting for an earlier one to close, packets waiting in the
   * pairing queue for a first fragment (`pairing`, at most 65), remembered flow
   * tuples, and the small per-line tables. It stays bounded however long the input.
   */
  get state(): {
    open: number;
    keys: number;
    traces: number;
    pendingL2: number;
    waiting: number;
    pairing: number;
    tuples: number;
    stash: number;
    unknownPrefixes: number;
    diagnostics: number;
  } {
    return {
      ...this.grouper.state,
      pairing: this.pairing.size,
      tuples: this.pairer.size,
      stash: this.stash.size,
      unknownPrefixes: this.unknownByPrefix.size,
      diagnostics: this.diagnostics.length,
    };
  }

  /** Starts a new input file: line numbers restart, grouping state carries on. */
  setFile(file: string): void {
    // A blank line held after a held line reads as nothing: the held lines are released below.
    this.blank = undefined;
    this.lostRest = undefined;
    this.releasePretty();
    this.releaseCriPart();
    this.releaseCut();
    this.releasePending();
    this.foldSeen = undefined;
    // A file that ended inside a pretty JSON record leaves its time and host to no line of the next.
    this.pretty = prettyRecord();
    this.file = file;
    this.lineNo = 0;
  }

  private diag(d: Diagnostic): void {
    if (this.diagnostics.length < this.maxDiagnostics) {
      // Messages quote slices of the line: copies keep kept diagnostics from pinning input chunks.
      d.message = detach(d.message);
      if (d.hint !== undefined) d.hint = detach(d.hint);
      this.diagnostics.push(d);
    } else this.dropped++;
  }

  /** Reads one line (a trailing `\r` is removed). */
  line(text: string): void {
    this.lineNo++;
    const seq = ++this.seq;
    // Outside the range a line only feeds the grouping: nothing about it is reported.
    const counted = seq >= this.from && seq < this.to;
    if (this.stash.size) this.orphanStale(seq);
    const held = this.prettyHeld;
    if (held && (seq - held.seq > PRETTY_WAIT || !insidePrettyRecord(text, held.indent)))
      this.releasePretty();
    if (this.blank) {
      if (this.joinAcrossBlank(text, seq)) return;
    } else if ((this.cut || this.pending) && !this.prettyHeld && !this.criPart && isBlank(text)) {
      // Held: the next line may be the rest of the held one (a PDF's text puts a blank line between pieces).
      this.blank = { text, seq, counted };
      return;
    }
    if (this.cut && this.joinCut(text, seq)) return;
    if (this.pending && this.joinPending(text)) return;
    // A CRI record starts with a digit (its time): a dmesg line (`[`) is not looked at.
    if ((this.criPart || text.charCodeAt(0) <= 57) && this.joinCriPart(text, seq, counted)) return;
    const indent = this.prettyHeld || this.pretty.host !== undefined ? -1 : prettyMessageIndent(text);
    if (indent > 0) this.prettyHeld = { text, lineNo: this.lineNo, seq, counted, indent };
    else if (this.lostRest === undefined) this.read(text, seq, counted);
    else this.readLostRest(text, seq, counted, this.lostRest);
  }

  /**
   * The line after a {@link blank} one: joined to the held line when it is its rest (true). Otherwise the
   * held line is reported or placed as the blank line would have done, the blank line is read, and false
   * is returned (`text` is read as any line).
   */
  private joinAcrossBlank(text: string, seq: number): boolean {
    const b = this.blank as NonNullable<TraceParser["blank"]>;
    this.blank = undefined;
    // A second blank line: no wrap puts two between pieces.
    if (!isBlank(text)) {
      this.acrossBlank = true;
      const joined =
        (this.cut !== undefined && this.joinCut(text, seq)) ||
        (this.pending !== undefined && this.joinPending(text));
      this.acrossBlank = false;
      // The blank line still ends an xtables-monitor event held for its packet line.
      if (joined) return true;
    }
    // As the blank line would have been read: the held line ended by it (reported, placed), then the line itself.
    const lineNo = this.lineNo;
    this.lineNo = lineNo - 1;
    if (this.cut) this.joinCut(b.text, b.seq);
    if (this.pending) this.joinPending(b.text);
    this.read(b.text, b.seq, b.counted);
    this.lineNo = lineNo;
    return false;
  }

  /**
   * Reads `text` after a LOG line cut short at line `cutLine` was reported: a LOG line's rest (`MAC=...`)
   * that reads as no line of its own gets a positioned warning instead of being skipped silently.
   */
  private readLostRest(text: string, seq: number, counted: boolean, cutLine: number): void {
    const rest = isBlank(text) ? null : WRAPPED_FIELDS.exec(text);
    // A blank line keeps the mark for the piece after it; any other line ends it.
    if (!rest && !isBlank(text)) this.lostRest = undefined;
    const skipped = this.skippedLines;
    this.read(text, seq, counted);
    if (!rest || !counted || this.skippedLines === skipped) return;
    const column = rest[0].length + 1;
    const word = /^[^= ]*=?/.exec(text.slice(rest[0].length))?.[0] ?? "";
    this.diag({
      severity: "warning",
      message: lostRestMessage(word, cutLine),
      hint: LOST_REST_HINT,
      position: { file: this.file, line: this.lineNo, column },
    });
  }

  /**
   * `body` holding several records (a page or a chat lost the newlines between them): each read on
   * its own, at its columns in the line, with one grouped warning; true. False when no record ends
   * where a next one starts (a split must leave a first part that reads as a packet line, or as
   * another program's syslog line), or when no part reads as a netfilter line.
   */
  private readJoined(
    body: string,
    envelope: Envelope,
    at: PositionMap | undefined,
    seq: number,
    counted: boolean,
  ): boolean {
    /** The time stamps of the line's envelope kind: the message says when every cut was at one. */
    const stamps = new Set<number>();
    const starts = joinedRecordStarts(body, envelope, stamps);
    // A record found at its bracketed prefix starts at the envelope before it (ulogd's date and host).
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k] as number;
      const at = envelopeStartBefore(body, s, k > 0 ? (starts[k - 1] as number) : envelope.bodyStart);
      if (at !== s) {
        starts[k] = at;
        stamps.add(at);
      }
    }
    const bare = envelope.kind === "bare";
    const cuts: number[] = [];
    let from = 0;
    let netfilter = 0;
    /** The first start after `from` whose part before read as a kernel line of no netfilter record. */
    let aside = -1;
    for (let k = 0; ; ) {
      const end = k < starts.length ? (starts[k] as number) : body.length;
      // The space before the next stamp is the one the kernel prints after the last field.
      const piece = body.slice(from, end);
      const env = detectEnvelope(piece);
      const read = this.body(piece, env);
      // A reader that stopped at a word after a space where a line that reads on its own starts (a
      // LOG prefix after the last field): another record starts there too.
      if (read.kind === "error" && starts.length < 64) {
        const c = from + read.column - 1;
        if (c > from + env.bodyStart && c < end && body.charCodeAt(c - 1) === 32 && !starts.includes(c)) {
          const rest = body.slice(c, end);
          const next = this.body(rest, detectEnvelope(rest)).kind;
          if (next === "event" || next === "packet-data") {
            starts.splice(k, 0, c);
            continue;
          }
        }
      }
      const record = read.kind === "event" || read.kind === "packet-data" || read.kind === "ignore";
      if (end === body.length) {
        if (record || read.kind === "error") netfilter++;
        break;
      }
      // Text that is no netfilter line ends a record too: another program's syslog line, or what was
      // pasted before a trace tool's line (its command).
      const other =
        read.kind === "skip" &&
        env.bodyStart < piece.trimEnd().length &&
        (bare || (env.kind !== "bare" && !env.kernel));
      if (record || other) {
        if (record) netfilter++;
        // A kernel line of another subsystem before this record (`md: bind<sdc1> `), read into its
        // LOG prefix: apart, when that leaves a prefix that names its chain where the whole did not.
        if (aside > 0 && read.kind === "event" && !this.placed(read.event)) {
          const rest = body.slice(aside, end);
          const alone = this.body(rest, detectEnvelope(rest));
          if (alone.kind === "event" && this.placed(alone.event)) cuts.push(aside);
        }
        cuts.push(end);
        from = end;
        aside = -1;
      } else if (aside < 0 && read.kind === "skip" && env.bodyStart < piece.trimEnd().length) aside = end;
      k++;
    }
    if (cuts.length === 0 || netfilter === 0) return false;
    const message = cuts.every((c) => stamps.has(c)) ? JOINED_MESSAGE : JOINED_BARE_MESSAGE;
    cuts.push(body.length);
    // A first record without its date, with the host of the dated ones (`UDM-Pro [...] ...`): that
    // envelope's, or the host would be read into its LOG prefix.
    const second = body.slice(cuts[0] as number, cuts[1] as number);
    const dateless = bare ? datelessEnvelope(body, detectEnvelope(second), second) : undefined;
    from = 0;
    for (const end of cuts) {
      const piece = body.slice(from, end);
      const map = pieceMap(at, from, piece.length);
      const read = from === 0 && dateless ? this.body(piece, dateless) : undefined;
      if (dateless && read?.kind === "event")
        this.place(piece, piece, dateless, map, read, seq, counted, true, map);
      else this.read(piece, seq, counted, map);
      from = end;
    }
    if (counted)
      this.countUnknown(
        `${GROUP_MARK}${message === JOINED_MESSAGE ? "joined" : "joined bare"}`,
        `${GROUP_MARK}${message}`,
        {
          severity: "warning",
          message: unknownPrefixMessage(`${GROUP_MARK}${message}`, 1),
          hint: JOINED_HINT,
          position: { file: this.file, line: this.lineNo, column: lineColumn(at, (cuts[0] as number) + 1) },
        },
      );
    return true;
  }

  /** Where the pieces of a line held as cut stand in the file; `given`: the map of a joined line's record. */
  private cutPieces(given: PositionMap | undefined): WrappedPiece[] {
    const pieces = this.pieces ?? [{ start: 0, line: this.lineNo, column: 1 }];
    if (!given) return pieces;
    // A record read out of a joined line: its pieces start where it does.
    const base = lineIndex(given, 0);
    let k = pieces.length - 1;
    while (k > 0 && (pieces[k] as WrappedPiece).start > base) k--;
    const first = pieces[k] as WrappedPiece;
    return [
      { start: 0, line: first.line, column: first.column + base - first.start },
      ...pieces.slice(k + 1).map((p) => ({ ...p, start: p.start - base })),
    ];
  }

  /** Reads the {@link prettyHeld} line, at its own line number. */
  private releasePretty(): void {
    const held = this.prettyHeld;
    if (!held) return;
    this.prettyHeld = undefined;
    const lineNo = this.lineNo;
    this.lineNo = held.lineNo;
    this.read(held.text, held.seq, held.counted);
    this.lineNo = lineNo;
  }

  /**
   * The width the held {@link cut} line and `text` were folded at (`fold -w 80`, a terminal's copy
   * that breaks inside words), or 0: every piece so far as long as the first (at least 40 characters),
   * `text` no longer, and the pieces joined as they are read as a LOG line, or as one cut at its end
   * when `text` is a whole piece too. A line a page wrapped at a space (`spaced`) is read so when that
   * reads as well: the fold is tried only where the space join does not read.
   */
  private foldedAt(
    cut: NonNullable<TraceParser["cut"]>,
    text: string,
    spaced: RegExpExecArray | null,
  ): number {
    const last = cut.pieces[cut.pieces.length - 1] as WrappedPiece;
    if (cut.pieces[0]?.column !== 1 || last.column !== 1) return 0;
    const piece = cut.text.length - last.start;
    const width = cut.width ?? piece;
    if (piece !== width || width < 40 || text.length === 0 || text.length > width) return 0;
    // A line of its own (a syslog head, a time stamp) is no piece of the one before.
    if (detectEnvelope(text).kind !== "bare") return 0;
    // Two pieces of one width at least: the next line's rest is said to be a fold's if the join fails.
    if (cut.width !== undefined || text.length === width) this.foldSuspect = { width, line: this.lineNo };
    const reads = (joined: string, whole: boolean) => {
      const envelope = detectEnvelope(joined);
      let r = this.body(joined, envelope);
      let text = joined;
      // A placeholder where an address was (`DST=x.x.x.x`) refuses the line whole: the fold is judged
      // by how it reads past it, as the joined line is held (see `cutPastRedaction`).
      if (r.kind === "error" && REDACTED_LOG_GROUP.test(r.group ?? ""))
        ({ res: r, text } = this.readPastRedaction(joined, envelope, r));
      if (r.kind === "event" || r.kind === "packet-data") return true;
      // Still cut (at its end, or inside its last word): the next piece may go on with it.
      return whole && r.kind === "error" && r.group === undefined && r.column > text.lastIndexOf(" ") + 1;
    };
    // A fold that broke right before a space leaves it first on the next piece, as a page's indent
    // would: joined either way the text is the same, and a whole piece of the width is a fold's.
    const beforeSpace =
      spaced?.[0] === " " && text.length === width && cut.text.charCodeAt(cut.text.length - 1) !== 32;
    if (spaced && !beforeSpace && reads(`${cut.text.trimEnd()} ${text.slice(spaced[0].length)}`, true))
      return 0;
    return reads(`${cut.text}${text}`, text.length === width) ? width : 0;
  }

  /**
   * The line held in {@link cut} and `line`, when `line` goes on with its fields (a web page, a mail
   * client or an editor wrapped a long LOG line), read as one line at the held line's number: true.
   * Otherwise the held line's error is reported and false is returned. The joined line is counted
   * (reported) as its first line is: a parallel parse's segments then agree on which one reports it.
   */
  private joinCut(line: string, seq: number): boolean {
    const cut = this.cut as NonNullable<TraceParser["cut"]>;
    this.cut = undefined;
    // A CRLF file's `\r` is no part of the piece: a fold's pieces are as long without it.
    const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    const limited = cut.parts >= MAX_WRAPPED_PARTS || cut.text.length + text.length > MAX_WRAPPED_LENGTH;
    const spaced =
      cut.midToken || cut.width !== undefined
        ? null
        : (WRAPPED_FIELDS.exec(text) ?? this.ebtRest(cut.text.trimEnd(), text));
    const width = limited ? 0 : this.foldedAt(cut, text, spaced);
    const more = width > 0 ? undefined : spaced;
    if (limited || (!more && width === 0) || (this.acrossBlank && !more)) {
      if (cut.counted) this.reportCut(cut);
      // A LOG line's rest after it is said if it reads as nothing else.
      this.lostRest = cut.lineNo;
      return false;
    }
    const counted = cut.counted;
    const lineNo = this.lineNo;
    this.lineNo = cut.lineNo;
    this.parts = cut.parts + 1;
    // Where each piece sits in the joined text and in the file: problems are said where they are.
    // A mail client's soft break keeps the space before it: joined at one space all the same. A fold
    // at a fixed width cuts anywhere, a word too: joined as it is.
    const head = more ? cut.text.trimEnd() : cut.text;
    const pieces = more
      ? [...cut.pieces, { start: head.length + 1, line: lineNo, column: more[0].length + 1 }]
      : [...cut.pieces, { start: head.length, line: lineNo, column: 1 }];
    this.pieces = pieces;
    if (!more) this.foldWidth = width;
    const before = this.diagnostics.length;
    const joined = more ? `${head} ${text.slice(more[0].length)}` : `${head}${text}`;
    this.read(joined, seq, counted);
    this.pieces = undefined;
    this.foldWidth = undefined;
    this.placePieces(pieces, cut.lineNo, before);
    // Held again (still cut): `read` set it, which the type narrowing above cannot see.
    const again = this.cut as TraceParser["cut"];
    const blanks = cut.blanks || this.acrossBlank;
    if (again) this.placePieces(pieces, cut.lineNo, 0, again.diag);
    if (again && blanks) again.blanks = true;
    if (this.pending && blanks) this.pending.blanks = true;
    // Read whole at last (or refused for another reason): said once per log, with the count. A line
    // held as another format's (an ebtables line cut in its mark) is said once it is placed.
    const done = !again && !this.pending;
    // An ebtables line whose start read as a LOG line cut short (`IN=.. OUT=..` + `MAC source = ..`): named as it read.
    if (done && counted && more && joined.includes(" MAC source = "))
      this.warnJoined("ebt", undefined, cut.lineNo, blanks);
    else if (done && counted && more && blanks) this.warnJoined("head", undefined, cut.lineNo, true);
    else if (done && counted && more)
      this.countUnknown(`${GROUP_MARK}wrapped`, `${GROUP_MARK}${WRAPPED_MESSAGE}`, {
        severity: "warning",
        message: unknownPrefixMessage(`${GROUP_MARK}${WRAPPED_MESSAGE}`, 1),
        hint: WRAPPED_HINT,
        position: { file: this.file, line: cut.lineNo, column: 1 },
      });
    else if (done && counted) {
      const name = `${GROUP_MARK}${foldedMessage(width)}`;
      this.countUnknown(`${GROUP_MARK}folded`, name, {
        severity: "warning",
        message: unknownPrefixMessage(name, 1),
        hint: foldedHint(width),
        position: { file: this.file, line: cut.lineNo, column: 1 },
      });
    }
    this.parts = 1;
    this.lineNo = lineNo;
    return true;
  }

  /**
   * Where the ebtables mark's rest starts in `text` (after the indent or quote marks), when the LOG line
   * cut at `head`'s end is an ebtables line's start broken in or before its mark (`OUT=veth1 MAC` +
   * `source = `, `OUT=veth1` + `MAC source = `); else null.
   */
  private ebtRest(head: string, text: string): RegExpExecArray | null {
    if (/ OUT=\S* MAC$/.test(head)) return EBT_REST.exec(text);
    return / OUT=\S*$/.test(head) ? EBT_MARK_REST.exec(text) : null;
  }

  /**
   * The {@link pending} line and `text`, when `text` is its rest: read as one line at the pending line's
   * number (held again if the next line may go on with it), true. Otherwise the pending line is placed as
   * it read, and false is returned.
   */
  private joinPending(text: string): boolean {
    const p = this.pending as Pending;
    this.pending = undefined;
    // Most lines start as the held one does (its time stamp, `trace id`, ` TRACE:`): lines of their own.
    const r = p.raw;
    const same =
      text.length >= 4 &&
      text.charCodeAt(0) === r.charCodeAt(0) &&
      text.charCodeAt(1) === r.charCodeAt(1) &&
      text.charCodeAt(2) === r.charCodeAt(2) &&
      text.charCodeAt(3) === r.charCodeAt(3);
    const found = same || text.length === 0 ? undefined : this.continuation(p, text);
    // No fold leaves a blank line between its pieces: only a wrap's rest is joined across one.
    const next = this.acrossBlank && found?.width !== undefined ? undefined : found;
    if (!next) {
      this.releasePending(p);
      return false;
    }
    const lineNo = this.lineNo;
    this.lineNo = p.lineNo;
    this.parts = p.parts + 1;
    const pieces = [...p.pieces, next.piece];
    this.pieces = pieces;
    this.foldWidth = next.width;
    if (next.width !== undefined) this.foldSeen = next.width;
    const before = this.diagnostics.length;
    this.read(next.text, p.seq, p.counted);
    this.pieces = undefined;
    this.foldWidth = undefined;
    this.placePieces(pieces, p.lineNo, before);
    // Held again, for a rest on the next line: said once it is placed. A LOG line cut at its end (a head's) is said by `joinCut`.
    const cut = this.cut as TraceParser["cut"];
    const blanks = p.blanks || this.acrossBlank;
    // Held again (`read` set it, which the narrowing above cannot see): it keeps that a blank line was between pieces.
    const again = this.pending as Pending | undefined;
    if (cut && blanks) cut.blanks = true;
    if (again && blanks) again.blanks = true;
    if (cut) this.placePieces(pieces, p.lineNo, 0, cut.diag);
    // A head whose rest made an ebtables line is said as one.
    else if (!this.pending && p.counted)
      this.warnJoined(
        p.kind === "head" && next.text.includes(" MAC source = ") ? "ebt" : p.kind,
        next.width,
        p.lineNo,
        blanks,
      );
    this.parts = 1;
    this.lineNo = lineNo;
    return true;
  }

  /** Places the {@link pending} line (or `p`) as it read, its problems said where its pieces are. */
  private releasePending(p = this.pending): void {
    if (!p) return;
    this.pending = undefined;
    const lineNo = this.lineNo;
    this.lineNo = p.lineNo;
    const before = this.diagnostics.length;
    this.place(p.raw, p.body, p.envelope, p.at, p.result, p.seq, p.counted, true, undefined, false);
    if (p.parts > 1) {
      this.placePieces(p.pieces, p.lineNo, before);
      if (p.counted) this.warnJoined(p.kind, p.width, p.lineNo, p.blanks);
    }
    this.lineNo = lineNo;
  }

  /**
   * Moves the positions of the problems from index `from` on (or of `one`) said at line `lineNo` of a
   * line joined from `pieces` to the line and column of the piece they are in.
   */
  private placePieces(pieces: WrappedPiece[], lineNo: number, from: number, one?: Diagnostic): void {
    const list = one ? [one] : this.diagnostics.slice(from);
    for (const d of list) {
      const p = d.position;
      if (p.line !== lineNo || p.file !== this.file) continue;
      const at = p.column - 1;
      let k = pieces.length - 1;
      while (k > 0 && (pieces[k] as WrappedPiece).start > at) k--;
      const piece = pieces[k] as WrappedPiece;
      p.line = piece.line;
      p.column = piece.column + at - piece.start;
    }
  }

  /**
   * The grouped warning for a line of `kind` read joined from several: at a space (`blanks`: with a blank
   * line between pieces), or folded at `width`.
   */
  private warnJoined(kind: HeldKind, width: number | undefined, lineNo: number, blanks = false): void {
    // A LOG line (a head's rest made one) shares the warnings of `joinCut`, its key too.
    const tag = kind === "head" ? "" : ` ${kind}`;
    const how = width !== undefined ? "folded" : blanks ? "wrapped blank" : "wrapped";
    const name = `${GROUP_MARK}${width !== undefined ? foldedMessage(width, HELD_NAMES[kind]) : blanks ? blankWrappedMessage(HELD_NAMES[kind]) : wrappedMessage(HELD_NAMES[kind])}`;
    this.countUnknown(`${GROUP_MARK}${how}${tag}`, name, {
      severity: "warning",
      message: unknownPrefixMessage(name, 1),
      hint:
        monitorHint(kind, width) ??
        (width !== undefined ? foldedHint(width) : blanks ? BLANK_WRAPPED_HINT : WRAPPED_HINT),
      position: { file: this.file, line: lineNo, column: 1 },
    });
  }

  /**
   * `text` as the rest of the {@link pending} line `p`: the two joined, with where `text` starts in the
   * joined text and in the file, and the width of a fold; or undefined. It is when it cannot start a line
   * of its own (no envelope, and alone it reads as no record: a head's rest reads as a LOG line that no
   * prefix of its own places) and the joined text reads (or is still cut, further on). Joined at one
   * space where a wrap broke the line at one (a space is at the break, or `text` starts with a word),
   * as it is where a fold at a fixed width did (inside a word too): the other way is tried when the
   * first does not read, and a width this file was folded at decides first. A quoted line's rest may
   * repeat its quote marks (`> `): they are not read.
   */
  private continuation(
    p: Pending,
    text: string,
  ): { text: string; piece: WrappedPiece; width: number | undefined } | undefined {
    const t = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (t.trim().length === 0) return undefined;
    // A mail's raw source breaks its lines too, but its `=3D` is said as such, not read joined.
    if (t.includes("=3D")) return undefined;
    if (p.parts >= MAX_WRAPPED_PARTS || p.raw.length + t.length > MAX_WRAPPED_LENGTH) return undefined;
    // The quote marks the held line was read without (`    > `), on its rest too or not.
    const skip = p.at ? lineColumn(p.at, 1) - 1 : 0;
    const marks = skip > 0 && t.startsWith(p.raw.slice(0, skip)) ? skip : 0;
    const rest = marks > 0 ? t.slice(marks) : t;
    // An ebtables line that read whole goes on only with its tail (`IP SRC=`), from a wrap: see `read`.
    if (p.tail && !startsEbtTail(rest)) return undefined;
    const env = detectEnvelope(rest);
    if (env.kind !== "bare") return undefined;
    const alone = this.body(rest, env);
    // A head of the envelope alone goes on with a whole message: a line that reads as a record, or starts as one.
    const envelopeOnly = p.kind === "head" && p.body.trimEnd().length <= p.envelope.bodyStart;
    if (
      envelopeOnly
        ? !startsRecord(rest, env.bodyStart, alone)
        : p.kind !== "head" && startsRecord(rest, env.bodyStart, alone)
    )
      return undefined;
    // Alone, a LOG line with a prefix of its own that places it is no rest of the prefix before.
    const ownPrefix = !envelopeOnly && alone.kind === "event" && alone.event.prefix.trim() !== "";
    if (ownPrefix && this.placed(alone.event)) return undefined;
    const last = p.pieces[p.pieces.length - 1] as WrappedPiece;
    // The last piece as long as it is in the file (its indent too).
    const length = p.raw.length - last.start + last.column - 1;
    const lead = marks + (/^[ \t]*/.exec(rest)?.[0].length ?? 0);
    const word = t.slice(lead).split(" ", 1)[0] as string;
    const head = p.raw.trimEnd();
    // A page, a mail client or fold breaks only a long line: one that read whole and had room for the next
    // word (on a line as long as its longest piece) ended there, as did one folded at a width whose last
    // piece is shorter (and no space at the break).
    const spaceAtBreak = lead > marks || head.length < p.raw.length;
    let widest = MIN_WRAPPED + 1;
    for (let k = 1; k < p.pieces.length; k++)
      widest = Math.max(
        widest,
        (p.pieces[k] as WrappedPiece).start - (p.pieces[k - 1] as WrappedPiece).start,
      );
    if (
      p.kind !== "head" &&
      p.result.kind !== "error" &&
      !p.tail &&
      (length + 1 + word.length < widest || (p.width !== undefined && length < p.width && !spaceAtBreak))
    )
      return undefined;
    const spaced = {
      text: `${head} ${t.slice(lead)}`,
      piece: { start: head.length + 1, line: this.lineNo, column: lead + 1 },
      width: undefined as number | undefined,
    };
    const known = p.width ?? this.foldSeen;
    const whole =
      marks === 0 && length >= MIN_WRAPPED && t.length <= length && (known === undefined || known === length);
    const folded = {
      text: `${p.raw}${t}`,
      piece: { start: p.raw.length, line: this.lineNo, column: 1 },
      width: length,
    };
    let tries: (typeof spaced)[];
    // An envelope ends in a space (`kernel: `, `[ 12.345678] `): a head of one alone broke there.
    if (envelopeOnly) tries = [spaced];
    else if (spaceAtBreak) {
      // A space at the break: either way the same text. A whole piece of the width this file was folded at
      // is a fold's, and so is one as long as the piece before that starts with the space (a wrap leaves it behind).
      if (whole && (known === length || (lead === marks + 1 && t.length === length))) spaced.width = length;
      tries = [spaced];
    } else if (whole && known === length) tries = [folded, spaced];
    else if (/^[A-Za-z(@=!-]/.test(rest) && !(whole && this.insideWord(p, last, word)))
      tries = whole ? [spaced, folded] : [spaced];
    else tries = whole ? [folded, spaced] : [spaced];
    // A rule's text may end anywhere: when the line shows no break (no space at it, not a whole piece of
    // a fold, no option waiting for its value, `-p`), only options go on with it, not a note after it.
    if (
      p.kind === "xtables" &&
      p.result.kind === "event" &&
      p.result.event.verdict?.kind === "rule" &&
      !spaceAtBreak &&
      known !== length &&
      !/ --?[A-Za-z][\w-]*$/.test(p.raw) &&
      !/^(?:!|--?[A-Za-z0-9])/.test(word)
    )
      return undefined;
    // An xtables-monitor packet line goes on with a field (`MACPROTO=0800`), a flag (`DF`) or hex (`LL=0x0`'s), not with a note.
    if (
      p.kind === "xtables" &&
      p.result.kind === "packet-data" &&
      !/^(?:[A-Z][A-Z0-9]*=|[A-Z]+$|[0-9a-f]+$)/.test(word)
    )
      tries = tries.filter((c) => c !== spaced);
    let chosen: typeof spaced | undefined;
    let best = 0;
    for (const c of tries) {
      const score = this.joinScore(p, c.text.slice(skip), c.piece.start - skip, ownPrefix);
      if (score === READS) return c;
      if (score > best) {
        best = score;
        chosen = c;
      }
    }
    return chosen;
  }

  /**
   * Whether the break between the {@link pending} line `p` (its last piece at `last`) and its rest
   * (its first word `word`) looks inside a word, as only a fold at a fixed width breaks: a quote left
   * open (`iif "p` + `wwb0"`), or a key of an xtables-monitor packet line cut in two (`MAC` + `PROTO=`,
   * when `MAC` is no word such a line holds).
   */
  private insideWord(p: Pending, last: WrappedPiece, word: string): boolean {
    let quotes = 0;
    for (let i = last.start; i < p.raw.length; i++) if (p.raw.charCodeAt(i) === 34) quotes++;
    if (quotes % 2 === 1) return true;
    const end = p.raw.slice(p.raw.lastIndexOf(" ") + 1);
    const key = word.indexOf("=");
    return (
      p.kind === "xtables" &&
      key > 0 &&
      /^[A-Z]+$/.test(end) &&
      !isLogWord(end) &&
      isLogKey(end + word.slice(0, key))
    );
  }

  /**
   * How well `joined`, the {@link pending} line `p` and its rest from index `from` (without quote
   * marks), reads: {@link READS} as a record (a head's rest: one whose prefix places it), less as one
   * whose prefix does not place (when the rest alone had none), how far into the rest its problem is
   * as a record still cut further on (the further the better), 0 not.
   */
  private joinScore(p: Pending, joined: string, from: number, ownPrefix: boolean): number {
    // Read as `read` would read it: a page's non-breaking spaces as spaces.
    const text = joined.replace(/\u00a0/g, " ");
    const env = detectEnvelope(text);
    const r = this.body(text, env);
    if (r.kind === "event" || r.kind === "packet-data") {
      // Its rest makes a line of its own format (an ebtables line cut in its `MAC source` is no LOG line).
      if (p.kind !== "head" && r.event.source !== HELD_SOURCES[p.kind]) return 0;
      const was = p.result;
      // A line that read whole, and reads the same with the next one after it (a note after an
      // xtables-monitor policy line, after an ebtables line: their readers stop where the line should): no rest of it.
      if (
        ((p.kind === "xtables" && was.kind === "event") || (p.kind === "ebt" && was.kind === "event")) &&
        sameReading(was.event, r.event)
      )
        return 0;
      if (p.kind !== "head") return READS;
      if (r.kind === "event" && this.placed(r.event)) return READS;
      return ownPrefix ? 0 : READS - 1;
    }
    if (r.kind !== "error" || r.group !== undefined || r.severity || r.column <= from + 1) return 0;
    return p.kind === "head" || recordFormat(text, env.bodyStart) === p.kind ? r.column - from : 0;
  }

  /** Reads one line whose number and sequence are counted (see {@link line}). */
  private read(text: string, seq: number, counted: boolean, given?: PositionMap): void {
    let raw = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    // A shell's or a document's line continuation (`OUT=bond2.20 \`): the line goes on below, as a wrap does.
    if (raw.charCodeAt(raw.length - 1) === 92 && raw.charCodeAt(raw.length - 2) === 32)
      raw = raw.slice(0, -1);
    if (raw.length === 0) {
      this.releaseHeld();
      return;
    }
    const c0 = raw.charCodeAt(0);
    // Only a line starting with whitespace can be blank: skip the copy `trim` makes otherwise.
    if (c0 <= 32 || c0 >= 0xa0) {
      // A syslog file written through a crash: a run of zero bytes before the next line's text.
      if (c0 === 0) raw = raw.replace(/^\0+/, "");
      if (c0 === 10) {
        this.releaseHeld();
        // A line too long to keep (see `lineBatches`): a real line never holds a newline.
        if (counted) this.longLine(raw);
        return;
      }
      if (raw.trim().length === 0) {
        this.releaseHeld();
        return;
      }
    }
    // Only a line that may be coloured or JSON takes the slower way (see `unwrap-line.ts`).
    const u = needsUnwrap(raw, raw.charCodeAt(0)) ? unwrapLine(raw, this.pretty) : undefined;
    let body = u ? u.text : raw;
    let at = u?.map ?? given;
    let envelope = u ? u.envelope : detectEnvelope(raw);
    let result = u?.error ?? u?.event ?? this.body(body, envelope);
    // `drop | IN=...`: a compose service `drop`, or a LOG prefix `drop | `? The reading that places the line.
    if (envelope.bareAt !== undefined && result.kind === "event") {
      const bare = prefixReading(envelope);
      const other = this.body(body, bare);
      if (
        other.kind === "event" &&
        composeOrPrefix(
          body,
          envelope,
          result.event.prefix,
          this.placed(result.event),
          this.placed(other.event),
        ) === "bare"
      ) {
        envelope = bare;
        result = other;
      }
    }
    // A line pasted from an issue or a forum post, quoted (`> `) or indented (Markdown's code block),
    // is read without its marks when it did not read as it is (xtables-monitor's ` TRACE:` does).
    const c = raw.charCodeAt(0);
    const plain = !u || (u.text === raw && !u.map && !u.error && !u.event);
    if (
      plain &&
      (c === 32 || c === 9 || c === 62 || c === 124 || c === 42 || c === 47 || c === 45 || c === 59) &&
      (result.kind === "skip" || envelope.kind === "bare")
    ) {
      // `|` quotes only when a space follows: a LOG prefix may begin with one (`|DROP|`). So do a code
      // comment's leaders (` * ` of a Javadoc or C block, `// `, `/* `, `-- `, `; `), at most one of them.
      const marks =
        /^(?:[ \t]*(?:>|\|(?=[ \t])))*[ \t]*(?:(?:\/\*+|\*|\/\/+|--|;+)(?=[ \t]|$)[ \t]*)?/.exec(raw)?.[0] ??
        "";
      const mark = marks.length;
      const text = raw.slice(mark);
      // An indent before a line that named its chain (xtables-monitor's own ` TRACE: `) is not read again.
      const read =
        c <= 32 &&
        (result.kind === "packet-data" || (result.kind === "event" && (result.event.hook as string) !== ""));
      if (mark > 0 && text && !read && !needsUnwrap(text, text.charCodeAt(0))) {
        const inner = detectEnvelope(text);
        const again = this.body(text, inner);
        // A quote mark is never the kernel's, unless a rule's own prefix starts with it (`>>> FW DROP: `,
        // placed by the ruleset or a map): a bare line otherwise reads it into its LOG prefix.
        const quoted = /[>|]/.test(marks) && !(result.kind === "event" && this.placed(result.event));
        // A comment's leader only where the line reads placed without it and not with it, or its text
        // has a kernel envelope of its own: a LOG prefix may start so (`* DROP `, `-- in `).
        const comment = /[*/;-]/.test(marks);
        const uncommented =
          comment &&
          again.kind !== "skip" &&
          !(result.kind === "event" && this.placed(result.event)) &&
          (result.kind === "skip" ||
            inner.kind !== "bare" ||
            (again.kind === "event" && this.placed(again.event)));
        // An indent alone is kept where the line reads placed as it is (xtables-monitor's ` TRACE:`
        // line): only a line whose indent went into a LOG prefix naming no chain (a legacy
        // `TRACE: raw:PREROUTING:policy:2` in a code block) is read without it, when that places it.
        const indented =
          !quoted &&
          result.kind === "event" &&
          again.kind === "event" &&
          !this.placed(result.event) &&
          this.placed(again.event);
        if (
          comment
            ? uncommented
            : again.kind !== "skip" && (result.kind === "skip" || inner.kind !== "bare" || quoted || indented)
        ) {
          body = text;
          envelope = inner;
          result = again;
          at = [0, mark, text.length, mark + text.length];
        }
      }
    }
    // Text copied from a web page keeps non-breaking spaces, an editor may leave tabs: the kernel prints
    // neither inside a line, so a line they broke is read again with spaces (same length, same columns).
    if (result.kind === "error" && plain && !at && /[\u00a0\t]/.test(body)) {
      const spaced = body.replace(/[\u00a0\t]/g, " ");
      const inner = detectEnvelope(spaced);
      const again = this.body(spaced, inner);
      if (again.kind !== "error") {
        body = spaced;
        envelope = inner;
        result = again;
      }
    }
    // Records a page or a chat joined on one line: read apart, each at its own columns. A bare line
    // that reads as no netfilter line is looked at when it holds a trace tool's line further on.
    if (
      plain &&
      !given &&
      (result.kind === "error" ||
        (result.kind === "skip" &&
          envelope.kind === "bare" &&
          recordStartIn(body, envelope.bodyStart) >= 0)) &&
      this.readJoined(body, envelope, at, seq, counted)
    )
      return;
    // A mail's raw source: its lines hold the fields' `=` as `=3D`, which no kernel line does.
    if ((result.kind === "error" || result.kind === "skip") && plain && body.indexOf("=3D") >= 0) {
      const qp = QUOTED_PRINTABLE.exec(body);
      if (qp)
        result = {
          kind: "error",
          column: qp.index + 2,
          message: QUOTED_PRINTABLE_MESSAGE,
          hint: QUOTED_PRINTABLE_HINT,
          group: "quoted-printable",
        };
    }
    // A LOG line (most lines) is never held so: it has its own way, `cut`; nor an ebtables line that
    // reads whole and ends in no space, unless this file was found folded (see `holdKind`).
    const source = result.kind === "event" ? result.event.source : undefined;
    const last = raw.charCodeAt(raw.length - 1);
    // An ebtables line with no IP/ARP tail: a bare line with that tail right after it is its wrapped rest.
    // ebt_log prints the tail with pr_cont; the kernel splits it off only for another caller's message,
    // which then stands between (kernel 6.18: 13 splits in 1800 lines, each after the other CPU's LOG
    // line), and gives the tail an envelope of its own: a bare head's bare tail right after it is a wrap's.
    const tail =
      source === "ebt-log" && plain && !given && ebtTailMayFollow((result as { event: TraceEvent }).event);
    const whole =
      source === "log" ||
      (source === "ebt-log" &&
        !tail &&
        last !== 32 &&
        last !== 9 &&
        this.foldSeen === undefined &&
        !this.foldWidth);
    const broken = plain && !given && !whole ? this.holdKind(result, raw, body, envelope) : undefined;
    const kind = broken ?? (tail ? "ebt" : undefined);
    if (kind) {
      this.pending = {
        ...(broken ? {} : { tail: true }),
        kind,
        raw,
        body,
        envelope,
        at,
        result,
        seq,
        counted,
        lineNo: this.lineNo,
        pieces: this.pieces ?? [{ start: 0, line: this.lineNo, column: 1 }],
        parts: this.parts,
        ...(this.foldWidth !== undefined ? { width: this.foldWidth } : {}),
      };
      return;
    }
    this.place(raw, body, envelope, at, result, seq, counted, plain, given);
  }

  /**
   * What a line held for its rest is (see {@link pending}), or undefined for a line placed now: a
   * record of nft monitor trace, xtables-monitor or ebtables, read or refused (a LOG line cut at its end
   * has its own way, {@link cut}), or a kernel line (its envelope says so) whose message is short and
   * holds no `IN=`: a LOG prefix whose fields a wrap put on the next line. An ebtables line that reads
   * whole is held only when it looks broken: ebt_log ends its lines without a space (a wrap that keeps
   * the space at its break leaves one), and a piece as long as this file's fold is a fold's.
   */
  private holdKind(result: ParsedLine, raw: string, body: string, envelope: Envelope): HeldKind | undefined {
    switch (result.kind) {
      case "event":
      case "packet-data": {
        const source = result.event.source;
        if (source === "nft-monitor") return "nft";
        if (source === "xtables-monitor") return "xtables";
        return source === "ebt-log" && this.brokenPiece(raw) ? "ebt" : undefined;
      }
      case "error":
        return result.group === undefined && !result.severity
          ? recordFormat(body, envelope.bodyStart)
          : undefined;
      case "skip": {
        if (!envelope.kernel || envelope.kind === "bare") return undefined;
        // Its message a prefix, or nothing (the envelope alone, its message on the next line).
        const rest = body.trimEnd().length - envelope.bodyStart;
        return rest <= MAX_HEAD && !body.includes("IN=", envelope.bodyStart) ? "head" : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * Says `warning` of the line just read (an address partly hidden, `ip saddr 10.0.xxx.5`): one with a
   * group (one cause on many lines, a log cut the same way throughout) once for the log, with its count.
   */
  private lineWarning(warning: NonNullable<PacketDataLine["warning"]>, at: PositionMap | undefined): void {
    const position = { file: this.file, line: this.lineNo, column: lineColumn(at, warning.column) };
    const hint = warning.hint ? { hint: warning.hint } : {};
    if (warning.group === undefined) {
      this.diag({ severity: "warning", message: warning.message, ...hint, position });
      return;
    }
    const name = `${GROUP_MARK}${warning.message}`;
    this.countUnknown(`${GROUP_MARK}${warning.group}`, name, {
      severity: "warning",
      message: unknownPrefixMessage(name, 1),
      ...hint,
      position,
    });
  }

  /** Whether the last piece of `raw` (the line, or the pieces joined so far) ends with a space or is as long as a fold of this file. */
  private brokenPiece(raw: string): boolean {
    const c = raw.charCodeAt(raw.length - 1);
    if (c === 32 || c === 9) return true;
    const width = this.foldWidth ?? this.foldSeen;
    if (width === undefined) return false;
    const last = this.pieces?.[this.pieces.length - 1];
    return (last ? raw.length - last.start + last.column - 1 : raw.length) === width;
  }

  /**
   * Places the line read as `result` (see {@link read}): its event to the grouping, its packet line to
   * the stash, its problem reported (a LOG line cut at its end held for its rest, unless `hold` is false).
   */
  private place(
    raw: string,
    body: string,
    envelope: Envelope,
    at: PositionMap | undefined,
    result: ParsedLine,
    seq: number,
    counted: boolean,
    plain: boolean,
    given: PositionMap | undefined,
    hold = true,
  ): void {
    const held = this.held;
    if (held) {
      this.held = undefined;
      if (
        result.kind === "packet-data" &&
        result.traceId === held.ev.traceId &&
        (this.packetOrder === "after" || opensTrace(held.ev, result.event))
      ) {
        // The packet line of the TRACE line just before (iptables < 1.8.8).
        if (this.packetOrder === "unknown") this.packetOrder = "after";
        copyPacketData(result.event, held.ev);
        this.commit(held.ev, held.seq, held.counted, true);
        return;
      }
      this.commit(held.ev, held.seq, held.counted);
    }
    switch (result.kind) {
      case "skip":
        if (counted) {
          this.skippedLines++;
          const loss = readLogLoss(body) ?? readMonitorExit(body, envelope.bodyStart);
          if (loss)
            this.diag({
              severity: "warning",
              message: loss.message,
              hint: loss.hint,
              position: { file: this.file, line: this.lineNo, column: lineColumn(at, loss.column) },
            });
          const audit = loss ? undefined : (readAuditPacket(body) ?? readSplitUlogdRecord(body));
          // Counted with the unknown prefixes (one warning, its count), as a busy audit log has thousands.
          if (audit)
            this.countUnknown(`${GROUP_MARK}${audit.message}`, `${GROUP_MARK}${audit.message}`, {
              severity: "warning",
              message: unknownPrefixMessage(`${GROUP_MARK}${audit.message}`, 1),
              hint: audit.hint,
              position: { file: this.file, line: this.lineNo, column: lineColumn(at, audit.column) },
            });
        }
        return;
      case "ignore":
        return;
      case "error": {
        const position = { file: this.file, line: this.lineNo, column: lineColumn(at, result.column) };
        // Cut at its very end: the next line may be the rest, wrapped (held until it is seen, counted or not).
        // Wrong in its last word, which no space ends: the rest may follow, folded at a fixed width.
        const atEnd = result.column > body.trimEnd().length;
        const cut =
          hold &&
          result.group === undefined &&
          !result.severity &&
          plain &&
          (atEnd || (body.charCodeAt(body.length - 1) !== 32 && result.column > body.lastIndexOf(" ") + 1));
        // A redacted address in a LOG line that, read past it, is cut at its end: its rest may be on the
        // next line, wrapped by a mail, and is joined to it; the redaction is said once, of the joined line.
        const past =
          !cut &&
          hold &&
          plain &&
          !result.severity &&
          result.group !== undefined &&
          REDACTED_LOG_GROUP.test(result.group)
            ? this.cutPastRedaction(body, envelope, result)
            : 0;
        const redacted = past > 0;
        if (cut || redacted) {
          const name = redacted ? `${GROUP_MARK}${result.message}` : undefined;
          this.cut = {
            text: raw,
            lineNo: this.lineNo,
            seq,
            counted,
            parts: this.parts,
            pieces: this.cutPieces(given),
            diag: {
              severity: "error",
              message: name ? unknownPrefixMessage(name, 1) : result.message,
              ...(result.hint ? { hint: result.hint } : {}),
              position,
            },
            ...(this.foldWidth !== undefined ? { width: this.foldWidth } : {}),
            // Inside a word (past the redaction, for a redacted line): a fold's break, not a page's.
            ...((name ? past === 1 : atEnd) ? {} : { midToken: true }),
            ...(name ? { grouped: { key: `${GROUP_MARK}${result.group}`, name } } : {}),
          };
          return;
        }
        if (!counted) return;
        if (result.group !== undefined) {
          // The rest of a LOG line on the input's first line has no line before it: the paste began inside one.
          const tail = result.group === "log-continuation";
          const first = tail && this.lineNo === 1;
          // The rest of a line folded at a fixed width whose pieces did not read joined: not a sender's split.
          const fold = tail && this.foldSuspect?.line === this.lineNo ? this.foldSuspect.width : 0;
          const group = first ? "log-continuation-first" : fold ? "log-continuation-folded" : result.group;
          // Counted with the unknown prefixes, under a key no prefix can be (the parallel parse merges both alike).
          const said = first ? HEADLESS_MESSAGE : fold ? foldedRestMessage(fold) : result.message;
          const name = `${GROUP_MARK}${said}`;
          const hint = first ? HEADLESS_HINT : fold ? foldedHint(fold) : result.hint;
          const diag: Diagnostic = {
            severity: result.severity ?? "error",
            message: unknownPrefixMessage(name, 1),
            ...(hint ? { hint } : {}),
            position,
          };
          this.countUnknown(`${GROUP_MARK}${group}`, name, diag);
          return;
        }
        this.diag({
          severity: result.severity ?? "error",
          message: result.message,
          ...(result.hint ? { hint: result.hint } : {}),
          position,
        });
        return;
      }
      case "packet-data": {
        // A trace's packet line is a netfilter line too, whichever line it joins (see `orphan`).
        if (counted) this.events++;
        if (result.warning && counted) this.lineWarning(result.warning, at);
        const last = this.lastTraceEvent;
        // iptables >= 1.8.8 prints PACKET before its TRACE lines; older ones after the first. nft
        // always prints its packet line first, so only xtables-monitor's lines decide.
        const xtables = result.event.source === "xtables-monitor";
        if (this.packetOrder === "unknown" && xtables)
          this.packetOrder =
            last !== undefined && last.ev.traceId === result.traceId && opensTrace(last.ev, result.event)
              ? "after"
              : "before";
        if (
          xtables &&
          this.packetOrder === "after" &&
          last &&
          last.line === seq - 1 &&
          last.ev.traceId === result.traceId &&
          !last.ev.ip
        ) {
          copyPacketData(result.event, last.ev);
        } else {
          if (!xtables) this.keepHeaders(result.traceId, result.event, seq);
          if (this.stash.size > 1024) this.forgetStaleStash(seq);
          // Another packet line of the trace before a line took the last one: that one stands alone.
          const before = this.stash.get(result.traceId);
          if (before) {
            this.stash.delete(result.traceId);
            this.orphan(before, seq);
          }
          this.stash.set(result.traceId, {
            ev: result.event,
            seq,
            counted,
            position: { file: this.file, line: this.lineNo, column: lineColumn(at, envelope.bodyStart + 1) },
            time: envelope.time,
            envelope: envelope.kind,
          });
        }
        return;
      }
      case "event":
        break;
    }
    const ev = result.event;
    const warning = result.warning;
    // Every parser gives each event its own position object: fill it in.
    const pos = ev.position;
    pos.file = this.file;
    pos.line = this.lineNo;
    pos.column = lineColumn(at, envelope.bodyStart + 1);
    if (envelope.time !== undefined) ev.time = envelope.time;
    ev.envelope = envelope.kind;
    if (envelope.hostAt !== undefined) {
      const end = envelope.hostEnd ?? body.indexOf(" ", envelope.hostAt);
      if (end > envelope.hostAt) ev.host = body.slice(envelope.hostAt, end);
    }
    // A line the caller leaves out (another machine's) says nothing here: the caller reports it.
    if (this.keepLine && (ev.source === "log" || ev.source === "ebt-log") && !this.keepLine(ev)) return;
    // rsyslog's repeat note ends its line in `]`: the note is the warning (below), not a cut line.
    if (warning && counted && !readRepeatedMessage(ev.prefix)) this.lineWarning(warning, at);
    if ((ev.hook as string) === "") {
      // The user's own list names the chain before a built-in guess (firewalld's `IN_<zone>_DROP:`) may.
      const mine = this.userChoices.size && this.userChoices.has(ev.prefix.trim());
      const hook =
        (mine ? this.choose(ev.prefix, ev.in, ev.out) : undefined) ??
        this.resolve(ev.prefix, result.familyHint) ??
        (this.choices.size && !mine ? this.choose(ev.prefix, ev.in, ev.out) : undefined);
      if (!hook) {
        if (!counted) return;
        const repeated = readRepeatedMessage(ev.prefix);
        if (repeated)
          this.diag({
            severity: "warning",
            message: repeated.message,
            hint: repeated.hint,
            position: { ...pos },
          });
        else this.unknownPrefix(ev.prefix, pos.column, result.familyHint === "arp");
        return;
      }
      // A prefix that says `iptable/...` on an IPv6 packet is ip6tables.
      ev.hook =
        result.familyHint === "ip6" && hook.startsWith("ip:") ? (`ip6${hook.slice(2)}` as HookId) : hook;
      if (counted && (ev.in === "" || ev.out === "") && ev.hook.endsWith(":FORWARD"))
        this.forwardWithoutDevice(ev, mine);
      // A prefix a host firewall writes only before its drop: the line says where the packet ended.
      const key = unquotedPrefix(ev.prefix.trim());
      // Only in the filter table, where the tool logs: a prefix mapped elsewhere (mangle) announces nothing.
      const drop = ev.source === "log" ? this.hostDrop(key) : undefined;
      // firewalld's nftables backend logs in its own table (ip:firewalld:filter_INPUT).
      if (drop && /^(filter|firewalld|fw4)$/.test(ev.hook.split(":")[1] ?? "")) ev.drop = drop;
    }
    if (ev.traceId) {
      const data = this.stash.get(ev.traceId);
      if (data) {
        // A packet line older than the grouping window is another packet's (and keeps the state bounded).
        const fresh = seq - data.seq <= this.stashLines;
        if (fresh) copyPacketData(data.ev, ev);
        this.stash.delete(ev.traceId);
        if (!fresh) this.orphan(data, seq);
        if (fresh) {
          this.commit(ev, seq, counted, true, seq - data.seq);
          return;
        }
      }
      if (!ev.ip && ev.source === "xtables-monitor" && this.packetOrder !== "before") {
        this.held = { ev, seq, counted };
        return;
      }
    }
    this.commit(ev, seq, counted);
  }

  /**
   * nft prints a packet's headers once per trace where the kernel dumps them; a later chain's packet
   * line may hold only its devices (`packet: iif "br-lan"`): it takes the headers last printed for
   * its trace id, or the packet would lose its addresses. A line with headers is remembered. A line
   * with a link-layer header of its own (a frame nft did not decode further) is a dump of its own.
   */
  private keepHeaders(traceId: string, ev: TraceEvent, seq: number): void {
    if (ev.ip || ev.arp || ev.macSrc !== undefined || ev.ethType !== undefined) {
      if (this.nftHeaders.size >= 1024 && !this.nftHeaders.has(traceId)) this.nftHeaders.clear();
      this.nftHeaders.set(traceId, { ev, seq });
      return;
    }
    const known = this.nftHeaders.get(traceId);
    // Within the grouping window only: an id the kernel reused long after is another packet, and a
    // parallel parse's warm-up rebuilds no more than the window.
    if (!known || seq - known.seq > this.stashLines) return;
    for (const k of HEADER_FIELDS)
      if (ev[k] === undefined && known.ev[k] !== undefined)
        (ev as unknown as Record<string, unknown>)[k] = known.ev[k];
  }

  /** The message of `text`, whose envelope is `envelope`, read (see `parseBody`). */
  private body(text: string, envelope: ReturnType<typeof detectEnvelope>): ParsedLine {
    if (envelope.bodyStart >= text.length) return SKIP;
    return envelope.kind === "pve-firewall"
      ? parsePveBody(text, envelope, this.fast)
      : parseBody(text, envelope.bodyStart, this.fast);
  }

  /** {@link hostFirewallDrop}, remembered for the prefixes seen (at most 10,000). */
  private hostDrop(prefix: string): LoggedDrop | undefined {
    // Every drop prefix a host firewall writes ends in `:`, `]`, `)` (OpenWrt fw3), `*` (csf, APF), `}`
    // (AFWall+) or Shorewall 5's ` DROP`/` REJECT`, or starts as SuSEfirewall2's, kube-router's, IPFire's
    // and Firewall Builder's do, or is one of Firestarter's words: most lines need no lookup.
    const last = prefix.charCodeAt(prefix.length - 1);
    if (
      last !== 58 &&
      last !== 93 &&
      last !== 41 &&
      last !== 42 &&
      last !== 125 &&
      !prefix.startsWith("DROP_") &&
      !prefix.startsWith("RULE ") &&
      !((last === 80 || last === 84) && (prefix.endsWith("DROP") || prefix.endsWith("REJECT"))) &&
      !prefix.startsWith("SFW2-") &&
      !prefix.startsWith("DROP by policy ") &&
      !(prefix.length >= 7 && prefix.length <= 15 && FIRESTARTER_DROPS.has(prefix))
    )
      return undefined;
    let drop = this.drops.get(prefix);
    if (drop === undefined) {
      drop = hostFirewallDrop(prefix) ?? null;
      if (this.drops.size >= 10_000) this.drops.clear();
      // The prefix is a slice of its line: keep a copy, not the whole input chunk.
      this.drops.set(detach(prefix), drop);
    }
    return drop ?? undefined;
  }

  /**
   * The hook of the chain of hook id `id`: the ruleset's word when it lists the chain (none for a regular
   * chain), else what `byName` reads in its name.
   */
  private hookOfChain(id: string, byName: (chain: string) => string | undefined): string | undefined {
    const known = this.chainHooks?.[id];
    if (known !== undefined) return known ?? undefined;
    return byName(id.slice(id.lastIndexOf(":") + 1));
  }

  /** The one hook among a prefix's choices whose chain fits the line's devices, or undefined. */
  private choose(prefix: string, input: string | undefined, output: string | undefined): HookId | undefined {
    const key = prefix.trim();
    const hooks = this.choices.get(key) ?? hostFirewallChoices(key);
    const fits = hooks?.filter((h) =>
      chainFitsDevices(this.hookOfChain(h, mapHookOf) ?? "", !!input, !!output),
    );
    return fits?.length === 1 ? fits[0] : undefined;
  }

  /**
   * An inet-family table sees IPv4 and IPv6 alike: nft names the family `inet` on every
   * line, so an IPv6 packet's hooks are made `ip6:` here, from its packet data or, for its
   * later lines, from its trace id.
   */
  private inetFamily(ev: TraceEvent, seq: number): void {
    if (
      ev.source !== "nft-monitor" ||
      !ev.traceId ||
      !ev.prefix.startsWith("inet ") ||
      !ev.hook.startsWith("ip:")
    )
      return;
    const seen = this.inet6.get(ev.traceId);
    const v6 = ev.ip ? ev.ip.src.includes(":") : seen !== undefined && seq - seen <= this.stashLines;
    if (!v6) return;
    ev.hook = `ip6${ev.hook.slice(2)}` as HookId;
    if (this.inet6.size > 1024)
      for (const [id, at] of this.inet6) if (seq - at > this.stashLines) this.inet6.delete(id);
    if (this.inet6.size > 1024) this.inet6.clear();
    this.inet6.set(ev.traceId, seq);
  }

  /**
   * Hands a finished event of line `seq` to the grouping; `opensChain`: it took its own packet line,
   * `packetLineBefore` lines before it.
   */
  private commit(
    ev: TraceEvent,
    seq: number,
    counted: boolean,
    opensChain = false,
    packetLineBefore = 0,
  ): void {
    this.inetFamily(ev, seq);
    if (ev.traceId && (ev.source === "xtables-monitor" || ev.source === "nft-monitor"))
      this.sameHookData(ev, seq);
    if (ev.traceId) this.lastTraceEvent = { ev, line: seq };
    if (counted) this.events++;
    // A packet line opens a hook's run. Without a ruleset to place it, a chain there whose name says no
    // hook is drawn beside the map (which has no arp column: an arp chain is drawn nowhere anyway).
    if (
      opensChain &&
      counted &&
      !this.chainHooks &&
      ev.source === "nft-monitor" &&
      !ev.hook.startsWith("arp:") &&
      mapHookOf(ev.hook.slice(ev.hook.lastIndexOf(":") + 1)) === undefined
    ) {
      const name = `${GROUP_MARK}${unplacedChainMessage(ev.prefix)}`;
      this.countUnknown(`${GROUP_MARK}unplaced ${ev.prefix}`, name, {
        severity: "warning",
        message: unknownPrefixMessage(name, 1),
        hint: UNPLACED_CHAIN_HINT,
        // At the chain's packet line, `packetLineBefore` lines up (the same file's: the stash is a few lines).
        position: { ...ev.position, line: Math.max(1, ev.position.line - packetLineBefore) },
      });
    }
    this.grouper.push(ev, seq, opensChain);
  }

  /**
   * A legacy TRACE packet whose first line is at a user chain: one warning per chain and devices (set or
   * empty), at its first such line, counting them; the hook stays the chain's name, the likely base chain
   * is only said.
   */
  private traceUserChainStart(ev: TraceEvent): void {
    const table = ev.hook.slice(ev.hook.indexOf(":") + 1, ev.hook.lastIndexOf(":"));
    const chain = ev.hook.slice(ev.hook.lastIndexOf(":") + 1);
    // The line just before was refused (an error said so): it was in the paste, not missing, and likely this packet's.
    const refused = this.diagnostics.findLast(
      (d) => d.severity === "error" && d.position.file === ev.position.file,
    );
    const before = refused !== undefined && refused.position.line === ev.position.line - 1;
    const text = before
      ? traceUserChainAfterRefusedMessage(table, chain)
      : traceUserChainMessage(table, chain, baseChainsOf(table) ?? [], !!ev.in, !!ev.out);
    const name = `${GROUP_MARK}${text}`;
    this.countUnknown(name, name, {
      severity: "warning",
      message: unknownPrefixMessage(name, 1),
      hint: before ? TRACE_USER_CHAIN_REFUSED_HINT : TRACE_USER_CHAIN_HINT,
      position: { ...ev.position },
    });
  }

  /**
   * A trace's chain with no packet line of its own (xtables-monitor prints none for a trace id's next
   * table at the same hook: `nat:PREROUTING` after `raw:PREROUTING`) saw the packet the hook's earlier
   * chain saw: it takes that chain's packet data, devices included. At a later hook only the devices
   * the path keeps are taken (the input device from PREROUTING to INPUT or FORWARD, the output device
   * from FORWARD or OUTPUT to POSTROUTING): NAT between them may have changed the headers. A chain
   * with packet data is remembered for its trace id.
   */
  private sameHookData(ev: TraceEvent, seq: number): void {
    const id = ev.traceId as string;
    if (ev.in !== undefined || ev.out !== undefined || ev.ip || ev.arp) {
      if (this.traceData.size >= 1024 && !this.traceData.has(id)) this.traceData.clear();
      this.traceData.set(id, { ev, seq });
      return;
    }
    const data = this.traceData.get(id);
    // Within the grouping window only, as the stash: the state stays bounded and a parallel parse's warm-up rebuilds it.
    if (!data || seq - data.seq > this.stashLines) return;
    const known = data.ev;
    const family = (hook: string) => hook.slice(0, hook.indexOf(":"));
    const point = (hook: string) => this.hookOfChain(hook, baseChainHook);
    const at = point(ev.hook);
    if (at === undefined || family(known.hook) !== family(ev.hook)) return;
    const from = point(known.hook);
    if (from === at) copyPacketData(known, ev);
    else if (from === "PREROUTING" && (at === "INPUT" || at === "FORWARD")) {
      ev.in = known.in;
      ev.physIn = known.physIn;
    } else if ((from === "FORWARD" || from === "OUTPUT") && at === "POSTROUTING") {
      ev.in = known.in;
      ev.out = known.out;
      ev.physOut = known.physOut;
    }
  }

  /**
   * `text` as a CRI record: held when its tag is `P` (its message goes on in the stream's next record),
   * joined to the held parts when of their stream (a record of the other stream is read in between):
   * true when held or joined. Another line reads the held parts as they are first.
   */
  private joinCriPart(text: string, seq: number, counted: boolean): boolean {
    const rec = readCriRecord(text);
    const part = this.criPart;
    if (!part) {
      if (!rec?.partial) return false;
      const pieces = [{ start: 0, line: this.lineNo, column: 1 }];
      this.criPart = { text, lineNo: this.lineNo, seq, counted, stream: rec.stream, pieces };
      return true;
    }
    if (!rec) {
      this.releaseCriPart();
      return false;
    }
    if (rec.stream !== part.stream) return false;
    // The runtime cut the line at any character: the parts join with nothing between them.
    part.pieces.push({ start: part.text.length, line: this.lineNo, column: rec.messageAt + 1 });
    part.text += text.slice(rec.messageAt);
    if (!rec.partial || part.pieces.length >= MAX_CRI_PARTS) this.releaseCriPart();
    return true;
  }

  /** Reads the {@link criPart} line at its first line, each problem said at the record it is in. */
  private releaseCriPart(): void {
    const part = this.criPart;
    if (!part) return;
    this.criPart = undefined;
    const lineNo = this.lineNo;
    this.lineNo = part.lineNo;
    const pieces = part.pieces;
    this.pieces = pieces;
    const before = this.diagnostics.length;
    this.read(part.text, part.seq, part.counted);
    this.pieces = undefined;
    for (let d = before; d < this.diagnostics.length; d++) {
      const p = (this.diagnostics[d] as Diagnostic).position;
      if (p.line !== part.lineNo || p.file !== this.file) continue;
      let k = pieces.length - 1;
      while (k > 0 && (pieces[k] as WrappedPiece).start > p.column - 1) k--;
      const piece = pieces[k] as WrappedPiece;
      p.column = piece.column + p.column - 1 - piece.start;
      p.line = piece.line;
    }
    this.lineNo = lineNo;
  }

  /** Reports the {@link cut} line's error: no line goes on with its fields. */
  private releaseCut(): void {
    const cut = this.cut;
    if (!cut) return;
    this.cut = undefined;
    if (cut.counted) this.reportCut(cut);
  }

  /** Reports a {@link cut} line's error: once for the log with its count when it is one said so. */
  private reportCut(cut: NonNullable<TraceParser["cut"]>): void {
    if (cut.grouped) this.countUnknown(cut.grouped.key, cut.grouped.name, cut.diag);
    else this.diag(cut.diag);
  }

  /**
   * The LOG line `body`, refused as `r` for a placeholder where an address was, read with each
   * placeholder (four at most) replaced by a stand-in address: what it reads as past them, and the
   * text read.
   */
  private readPastRedaction(
    body: string,
    envelope: Envelope,
    r: ParsedLine,
  ): { res: ParsedLine; text: string } {
    let text = body;
    let res = r;
    for (let k = 0; k < 4 && res.kind === "error" && REDACTED_LOG_GROUP.test(res.group ?? ""); k++) {
      const from = res.column - 1;
      let to = text.indexOf(" ", from);
      if (to < 0) to = text.length;
      // The stand-in of the line's family: an IPv6 line's other address has a colon.
      const v6 = text.slice(from, to).includes(":") || / (?:SRC|DST)=[0-9a-fA-F]*:/.test(text);
      text = `${text.slice(0, from)}${v6 ? "2001:db8::1" : "192.0.2.1"}${text.slice(to)}`;
      res = this.body(text, envelope);
    }
    return { res, text };
  }

  /**
   * Whether the LOG line `body`, refused as `r` for a placeholder where an address was, is cut past it
   * (see {@link readPastRedaction}): 1 when it stops at its end, as a line a mail wrapped does; 2 when
   * it stops inside its last word, which no space ends, as a line folded at a fixed width does; else 0.
   */
  private cutPastRedaction(body: string, envelope: Envelope, r: ParsedLine): 0 | 1 | 2 {
    const { res, text } = this.readPastRedaction(body, envelope, r);
    if (res.kind !== "error" || res.group !== undefined || res.severity) return 0;
    if (res.column > text.trimEnd().length) return 1;
    // Inside its last word: as `place` holds a line cut so (see its `cut`).
    return text.charCodeAt(text.length - 1) !== 32 && res.column > text.lastIndexOf(" ") + 1 ? 2 : 0;
  }

  /**
   * Whether `ev`'s LOG prefix names its chain (by the ruleset, a map or a tool's convention), as
   * {@link read} places it; for choosing between a quoted line read with or without its marks.
   */
  private placed(ev: TraceEvent): boolean {
    if ((ev.hook as string) !== "") return true;
    return (
      this.resolve(ev.prefix, ev.ip?.src.includes(":") ? "ip6" : "ip") !== undefined ||
      (this.choices.size > 0 && this.choose(ev.prefix, ev.in, ev.out) !== undefined)
    );
  }

  /** Hands the {@link held} event on without packet data (the next line is not its `PACKET:` line). */
  private releaseHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.commit(held.ev, held.seq, held.counted);
  }

  private longLine(mark: string): void {
    const m = readLongLineMark(mark);
    this.skippedLines++;
    this.diag({
      severity: "error",
      message: `line is ${m?.length} bytes long, over the limit of ${m?.limit} bytes: skipped unread`,
      hint: LONG_LINE_HINT,
      position: { file: this.file, line: this.lineNo, column: 1 },
    });
  }

  private unknownPrefix(prefix: string, column: number, arp = false): void {
    const conventional = NFT_NETDEV_PREFIX.exec(prefix);
    // A netdev chain logging by the nft lab's convention, or one the given ruleset's netdev rules print.
    const netdev = conventional
      ? { table: conventional[1] as string, chain: conventional[2] as string }
      : Object.hasOwn(this.netdevPrefixes, prefix.trim())
        ? this.netdevPrefixes[prefix.trim()]
        : undefined;
    if (netdev) {
      const { table, chain } = netdev;
      const name = `${GROUP_MARK}${netdevSkipped("LOG lines", table, chain)}`;
      this.countUnknown(`${GROUP_MARK}LOG netdev ${table} ${chain}`, name, {
        severity: "warning",
        message: unknownPrefixMessage(name, 1),
        hint: NETDEV_HINT,
        position: { file: this.file, line: this.lineNo, column },
      });
      return;
    }
    const name = prefix.trim();
    this.countUnknown(prefix, name, {
      severity: "warning",
      message: unknownPrefixMessage(name, 1),
      // An ARP line's map entry names an arp chain: the hint shows that form.
      hint: arp ? ARP_PREFIX_HINT : PREFIX_HINT,
      position: { file: this.file, line: this.lineNo, column },
    });
  }

  /** Reports `diag` for the first line under `key`, and counts the later ones in its message. */
  /**
   * Warns of a line the user's `--prefix-map` placed at an ip or ip6 FORWARD chain though its `IN=` or
   * `OUT=` is empty: the kernel prints both devices of every packet it forwards (kernel 6.18, LOG in
   * FORWARD: `IN=pwrd-r OUT=lo` for a packet routed to lo), so the entry is likely another chain's
   * (the host's own loopback traffic: `IN= OUT=lo` in OUTPUT, `IN=lo OUT=` in INPUT). One warning a
   * prefix, at its first line, with its count. `mine`: the prefix is one of the user's lists.
   */
  private forwardWithoutDevice(ev: TraceEvent, mine: boolean | 0): void {
    const key = ev.prefix.trim();
    const family = ev.hook.slice(0, ev.hook.indexOf(":"));
    if (family !== "ip" && family !== "ip6") return;
    if (!mine && !Object.hasOwn(this.mapped, key) && !Object.hasOwn(this.mapped, unquotedPrefix(key))) return;
    const lo =
      ev.in === "lo" || ev.out === "lo" ? ", and a packet on lo with the other empty is the host's own" : "";
    const name = `${GROUP_MARK}the LOG prefix '${key}' is mapped to ${ev.hook} (--prefix-map), but its line has IN= or OUT= empty (IN=${ev.in ?? ""} OUT=${ev.out ?? ""}): the kernel prints both devices of every packet it forwards${lo}`;
    this.countUnknown(`${GROUP_MARK}forward device ${key}`, name, {
      severity: "warning",
      message: unknownPrefixMessage(name, 1),
      hint: FORWARD_DEVICE_HINT,
      position: { ...ev.position },
    });
  }

  private countUnknown(key: string, name: string, diag: Diagnostic): void {
    const known = this.unknownByPrefix.get(key);
    if (known) {
      known.count++;
      known.diag.message = unknownPrefixMessage(known.name, known.count);
      return;
    }
    // Bounded: past this many distinct keys, each new one is just another problem.
    // Copies, not slices: they outlive the line.
    if (this.unknownByPrefix.size < this.maxUnknownPrefixes)
      this.unknownByPrefix.set(detach(key), { diag, count: 1, name: detach(name) });
    this.diag(diag);
  }

  private forgetStaleStash(seq: number): void {
    for (const [id, d] of this.stash)
      if (seq - d.seq > this.stashLines) {
        this.stash.delete(id);
        this.orphan(d, seq);
      }
    // Still full of live entries (an input of nothing but packet lines): start over, as before.
    if (this.stash.size > 1024) {
      const all = [...this.stash.values()];
      this.stash.clear();
      for (const d of all) this.orphan(d, seq);
    }
  }

  /** The packet lines still waiting at the end of the input: no line will take them. */
  private orphanAll(): void {
    const all = [...this.stash.values()];
    this.stash.clear();
    for (const d of all) this.orphan(d, this.seq);
  }

  /** Every packet line no line took within the grouping window (oldest first; the stash is in line order). */
  private orphanStale(seq: number): void {
    for (const [id, d] of this.stash) {
      if (seq - d.seq <= this.stashLines) return;
      this.stash.delete(id);
      this.orphan(d, seq);
    }
  }

  /**
   * A packet line no rule, verdict or TRACE line took (the trace was cut after it, or the next line was
   * lost): an nft packet line names its chain, so the packet is drawn there without a verdict; an
   * xtables-monitor `PACKET:` line names none, so it is left out.
   */
  private orphan(d: Stashed, seq: number): void {
    const ev = d.ev;
    if (ev.source === "nft-monitor" && ev.hook) {
      Object.assign(ev.position, d.position);
      if (d.time !== undefined) ev.time = d.time;
      ev.envelope = d.envelope;
      // Counted as a netfilter line when it was read: `commit` counts it again.
      if (d.counted) this.events--;
      this.commit(ev, seq, d.counted);
      return;
    }
    // Not counted as skipped (it is netfilter output), nor warned of: a warning found lines later would
    // break the problems' line order, which the parallel parse keeps.
  }

  /**
   * LOG lines read by the fast path so far: `scanned` by `scan-log-line.ts`,
   * `copied` from a recent line with the same fields (`log-field-memo.ts`).
   * Both 0 with {@link ParseOptions.fullParse}.
   */
  get fastLines(): { scanned: number; copied: number } {
    return this.fast ? { scanned: this.fast.scans, copied: this.fast.hits } : { scanned: 0, copied: 0 };
  }

  /** Problems found beyond `maxDiagnostics` (not in {@link diagnostics}). */
  get unlisted(): number {
    return this.dropped;
  }

  /** The unknown LOG prefixes met so far (see {@link UnknownPrefix}). */
  unknownPrefixes(): UnknownPrefix[] {
    return [...this.unknownByPrefix.entries()].map(([prefix, u]) => ({
      prefix,
      name: u.name,
      count: u.count,
      index: this.diagnostics.indexOf(u.diag),
    }));
  }

  /** Hands out every packet whose turn has come without closing any open one (after `floor` moved). */
  handOutReady(): void {
    this.grouper.drain();
  }

  /** Closes and hands out every packet, without the note about unlisted problems that {@link end} adds. */
  flush(): void {
    this.blank = undefined;
    this.releasePretty();
    this.releaseCriPart();
    this.releaseCut();
    this.releasePending();
    this.releaseHeld();
    this.orphanAll();
    this.grouper.finish();
    this.pairing.flush();
  }

  /** Flushes the open packets; call once after the last line. */
  end(): void {
    this.blank = undefined;
    this.releasePretty();
    this.releaseCriPart();
    this.releaseCut();
    this.releasePending();
    this.releaseHeld();
    this.orphanAll();
    this.grouper.finish();
    this.pairing.flush();
    if (this.dropped > 0)
      this.diagnostics.push(unlistedNote(this.dropped, { file: this.file, line: this.lineNo, column: 1 }));
  }
}
