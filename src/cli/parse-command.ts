/**
 * `packetwalk parse FILE... [--json] [--strict] [--prefix-map FILE] [--ruleset FILE]`: reads
 * kernel log / TRACE output (streamed, `-` is stdin) and prints the packets,
 * their flows, directions and hooks.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { z } from "zod";
import { FOLDED_LINES_SHOWN, formatFoldedDiagnostics } from "../core/diagnostics/fold-diagnostics.ts";
import { decodeInput, InputError } from "../core/input/decode-input.ts";
import { SNIFF_BYTES, sniffInput } from "../core/input/sniff-input.ts";
import {
  type ChainHooks,
  type HookId,
  hookIdProblem,
  type NetdevPrefixes,
  type PrefixHooks,
} from "../core/model/hook.ts";
import type { Diagnostic, Packet } from "../core/model/packet.ts";
import { mapHookProblem } from "../core/parse/base-chain-hook.ts";
import type { FlowAssignment } from "../core/parse/pair-flows.ts";
import { isPrefixHint, LONG_LINE_HINT, NETDEV_HINT, UNLISTED_HINT } from "../core/parse/parse-hints.ts";
import { lineBatches, MAX_LINE_BYTES } from "../core/parse/split-lines.ts";
import { GROUP_MARK, linesOfProblem, TraceParser } from "../core/parse/trace-parser.ts";
import { formatIssuePath, formatZodIssuesAt, parseJsonText } from "../core/trace-file/load-trace.ts";
import { idleCpus } from "./idle-cpus.ts";
import { OutputChunks } from "./output-chunks.ts";
import { type OutputMode, packetHead, writePacketTail } from "./packet-output.ts";
import { parseFileParallel } from "./parse-parallel.ts";
import { readChunks } from "./parse-read-chunks.ts";
import { loadParseRuleset } from "./parse-ruleset-option.ts";
import { readOptionFile } from "./read-option-file.ts";

/** One line for `packetwalk --help`. */
export const summary = "read kernel log / TRACE output into packets and directions";

const USAGE = `usage: packetwalk parse FILE... [--json] [--strict] [--prefix-map FILE] [--ruleset FILE] [--jobs N] [--segment-bytes N] [--max-line-bytes N]

Reads iptables LOG, ebtables --log, TRACE, xtables-monitor --trace and
nft monitor trace output, in any dmesg / journalctl / syslog envelope.
FILE '-' reads standard input.

  --json             JSON Lines: one object per packet
  --strict           exit 1 when any line had a problem (default: only when nothing was parsed)
  --prefix-map FILE  JSON object mapping LOG prefixes to hook ids, e.g. {"fw-in": "ip:filter:INPUT"}
  --ruleset FILE     the ruleset the log was written with (iptables-save, nft list ruleset, an nft -f
                     script or nft -j JSON): its LOG rules' prefixes are read at their chains, and its
                     nftables base chains at their hooks, whatever their names; --prefix-map comes first;
                     repeat it for a host's several saves (iptables-save, ip6tables-save, ebtables-save)
  --jobs N           threads for one big file (default: the CPUs not busy, the CPU count less the
                     1-minute load average, from 1 to 8: a busy machine parses on one); 1 parses on one thread
  --segment-bytes N  bytes per thread's piece of a big file (default: 33554432); a single
                     FILE larger than two pieces is parsed on --jobs threads, with the same output
  --max-line-bytes N longest line read (default: 1048576); a longer one is skipped with an error
`;

/** Default bytes per segment of a parallel parse. */
const SEGMENT_BYTES = 32 << 20;

/**
 * A `--prefix-map` file: prefixes to hook ids, each checked part by part (see {@link hookIdProblem}),
 * then for a hook it names (see {@link mapHookProblem}; `chainHooks`: the `--ruleset`'s base chains).
 */
function prefixMapSchema(chainHooks: ChainHooks | undefined) {
  return z.record(
    z.string(),
    z.string().superRefine((value, ctx) => {
      const problem = hookIdProblem(value) ?? mapHookProblem(value as HookId, chainHooks);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  );
}

/** Parsed command-line options. */
interface Args {
  files: string[];
  json: boolean;
  strict: boolean;
  prefixMap?: string;
  /** Every `--ruleset` given, in order (a host's iptables-save and ip6tables-save read together). */
  ruleset?: string[];
  jobs: number;
  segmentBytes: number;
  maxLineBytes: number;
}

/** A whole number from 1 to `max` given to `option` (decimal digits only), or a message. */
function count(option: string, value: string | undefined, max: number): number | string {
  const n = Number(value);
  return value !== undefined && /^[0-9]+$/.test(value) && n >= 1 && n <= max
    ? n
    : `${option} needs a whole number from 1 to ${max}, got '${value ?? ""}'`;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = {
    files: [],
    json: false,
    strict: false,
    jobs: idleCpus(),
    segmentBytes: SEGMENT_BYTES,
    maxLineBytes: MAX_LINE_BYTES,
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i] as string;
    if (x === "--json") a.json = true;
    else if (x === "--strict") a.strict = true;
    else if (x === "--prefix-map") {
      const v = argv[++i];
      if (!v) return "--prefix-map needs a FILE";
      a.prefixMap = v;
    } else if (x.startsWith("--prefix-map=")) a.prefixMap = x.slice(13);
    else if (x === "--ruleset") {
      const v = argv[++i];
      if (!v) return "--ruleset needs a FILE";
      a.ruleset = [...(a.ruleset ?? []), v];
    } else if (x.startsWith("--ruleset=")) a.ruleset = [...(a.ruleset ?? []), x.slice(10)];
    else if (x === "--jobs" || x === "--segment-bytes" || x === "--max-line-bytes") {
      const n = count(x, argv[++i], x === "--jobs" ? 64 : 2 ** 40);
      if (typeof n === "string") return n;
      if (x === "--jobs") a.jobs = n;
      else if (x === "--segment-bytes") a.segmentBytes = n;
      else a.maxLineBytes = n;
    } else if (x.startsWith("-") && x !== "-") return `unknown option '${x}'`;
    else a.files.push(x);
  }
  if (!a.files.length) return "no FILE given (use '-' for standard input)";
  return a;
}

/**
 * Reads and validates a `--prefix-map` file: the map, or one message per problem naming the file and
 * the field (the prefix) whose hook id is wrong, one per line. `chainHooks`: the base chains of the
 * `--ruleset` given with it, which place chains whose names say no hook.
 */
export async function loadPrefixMap(
  file: string,
  chainHooks?: ChainHooks,
): Promise<Record<string, HookId> | string> {
  const read = await readOptionFile(
    file,
    "prefix map",
    '--prefix-map takes a JSON file such as {"fw-in": "ip:filter:INPUT"}',
  );
  if (typeof read === "string") return read;
  const text = read.text;
  const json = parseJsonText(text, file);
  if (!json.ok) return json.errors.join("\n");
  const r = prefixMapSchema(chainHooks).safeParse(json.value);
  if (!r.success) {
    // A prefix holds colons and spaces of its own (`IPTABLES Dropped:`): named quoted, not as a bare field.
    const lines = r.error.issues.map((issue) => {
      const [line = ""] = formatZodIssuesAt(file, text, json.value, [issue]);
      const key = issue.path.length === 1 ? String(issue.path[0]) : undefined;
      const field = `: ${formatIssuePath(issue.path)}: `;
      return key === undefined ? line : line.replace(field, `: prefix '${key}': `);
    });
    return `${lines.join("\n")}\nhint: a prefix map is an object {"<prefix>": "<family>:<table>:<CHAIN>"}`;
  }
  return r.data as Record<string, HookId>;
}

function formatDiagnostic(d: Diagnostic): string {
  const p = d.position;
  return `${p.file}:${p.line}:${p.column}: ${d.severity}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ""}`;
}

/** Writes `chunk` to standard output; resolves once it is written, so that its memory can be reused. */
function put(chunk: Uint8Array): Promise<void> {
  return new Promise<void>((resolve) => process.stdout.write(chunk, () => resolve()));
}

/** Writes with backpressure so a huge input does not pile output up in memory. */
function writer(): { write: (s: string) => void; chunks: OutputChunks; flush: () => Promise<void> } {
  const out = new OutputChunks();
  return {
    write(s) {
      out.text(s);
    },
    chunks: out,
    async flush() {
      for (const chunk of out.take()) {
        await put(chunk);
        out.reuse(chunk);
      }
    },
  };
}

/** Runs `packetwalk parse`; resolves to the exit code (0 ok, 1 nothing parsed or --strict problems, 2 usage). */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(`packetwalk parse: ${args}\n${USAGE}`);
    return 2;
  }
  let prefixMap: PrefixHooks | undefined;
  let chainHooks: ChainHooks | undefined;
  let netdevPrefixes: NetdevPrefixes | undefined;
  if (args.ruleset) {
    const r = await loadParseRuleset(args.ruleset);
    if (typeof r === "string") {
      for (const line of r.split("\n")) process.stderr.write(`packetwalk parse: ${line}\n`);
      return 2;
    }
    prefixMap = r.prefixMap;
    chainHooks = r.chainHooks;
    netdevPrefixes = r.netdevPrefixes;
  }
  if (args.prefixMap) {
    const m = await loadPrefixMap(args.prefixMap, chainHooks);
    if (typeof m === "string") {
      // The hint on a line of its own, as the other closing messages print one.
      for (const line of m.split("\n"))
        process.stderr.write(line.startsWith("hint: ") ? `${line}\n` : `packetwalk parse: ${line}\n`);
      return 2;
    }
    // The user's own map names a prefix before the ruleset's reading of it.
    prefixMap = { ...prefixMap, ...m };
  }
  const known = {
    ...(prefixMap ? { prefixMap } : {}),
    ...(chainHooks ? { chainHooks } : {}),
    ...(netdevPrefixes ? { netdevPrefixes } : {}),
  };
  const out = writer();
  const mode: OutputMode = args.json ? "json" : "human";
  const only = args.files.length === 1 ? (args.files[0] as string) : undefined;
  if (only !== undefined && only !== "-" && args.jobs > 1 && bigFile(only, args.segmentBytes)) {
    let r: Awaited<ReturnType<typeof parseFileParallel>>;
    try {
      r = await parseFileParallel(
        {
          path: only,
          jobs: args.jobs,
          mode,
          segmentBytes: args.segmentBytes,
          maxLineBytes: args.maxLineBytes,
          ...known,
        },
        put,
      );
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      process.stderr.write(
        err.code
          ? `packetwalk parse: cannot read ${only}: ${err.code}\n`
          : `packetwalk parse: ${only}: ${err.message} (hint: try --jobs 1)\n`,
      );
      return 2;
    }
    return report(args, r.packets, r.events, r.skippedLines, r.diagnostics, r.unplaced);
  }
  let packets = 0;
  const onPacket = (p: Packet, _f: FlowAssignment) => {
    packets++;
    // The tail goes straight into the output's bytes (see `json-tail-bytes.ts`).
    out.write(packetHead(p, mode));
    writePacketTail(p, mode, out.chunks);
  };
  const parser = new TraceParser(onPacket, known);
  /** Inputs that stopped part way (a cut .gz): what was read of them is kept, and the exit code says so. */
  const cut: Diagnostic[] = [];
  /** Files of several that could not be read at all: reported with the others' problems, exit code 2. */
  const unreadable: Diagnostic[] = [];
  for (const file of args.files) {
    parser.setFile(file);
    let read = 0;
    // A file is read with blocking reads into one buffer (see `parse-read-chunks.ts`); stdin as a stream.
    // Text as it is; a rotated .gz and UTF-16 decoded; anything else refused (`decode-input.ts`).
    const input = decodeInput(file === "-" ? process.stdin : readChunks(file));
    try {
      let n = 0;
      // Lines are split per chunk (`lineBatches`), not one readline event each; output is flushed as it goes.
      for await (const batch of lineBatches(input, { maxLineBytes: args.maxLineBytes })) {
        for (let i = 0; i < batch.length; i++) parser.line(batch[i] as string);
        n += batch.length;
        read += batch.length;
        if (n >= 1024) {
          n = 0;
          await out.flush();
        }
      }
    } catch (e) {
      if (e instanceof InputError) {
        const problem: Diagnostic = {
          severity: "error",
          message: read ? `${e.message}: the lines before were read, the rest is lost` : e.message,
          hint: e.hintFor(file),
          position: { file, line: read + 1, column: 1 },
        };
        if (!read) {
          // One unreadable file of several (`kern.log*` with an .xz among them): the others are still read.
          if (args.files.length > 1) {
            unreadable.push(problem);
            continue;
          }
          process.stderr.write(`${formatDiagnostic(problem)}\n`);
          return 2;
        }
        cut.push(problem);
        continue;
      }
      const err = e as NodeJS.ErrnoException;
      // An errno code alone (ENOENT) tells a newcomer nothing: say it in words, with what to give.
      const why =
        err.code === "ENOENT"
          ? "no such file"
          : err.code === "EISDIR"
            ? "is a folder, not a log file"
            : err.code === "EACCES"
              ? "permission denied (a system log may need sudo, or journalctl -k as a member of adm)"
              : (err.code ?? err.message);
      const hint = "give the kernel log file (dmesg > kernel.log), or - to read standard input";
      if (args.files.length > 1 && read === 0) {
        unreadable.push({
          severity: "error",
          message: `cannot read ${file}: ${why}`,
          hint,
          position: { file, line: 1, column: 1 },
        });
        continue;
      }
      process.stderr.write(`packetwalk parse: cannot read ${file}: ${why}\nhint: ${hint}\n`);
      return 2;
    }
  }
  parser.end();
  await out.flush();
  // Lines of an unknown prefix are netfilter's too: counted apart, not as "other lines".
  const unplaced = parser
    .unknownPrefixes()
    .filter((u) => !u.prefix.startsWith(GROUP_MARK))
    .reduce((sum, u) => sum + u.count, 0);
  const code = report(
    args,
    packets,
    parser.events,
    parser.skippedLines,
    [...unreadable, ...parser.diagnostics, ...cut],
    unplaced,
    unreadable.length,
  );
  if (unreadable.length) return 2;
  return cut.length ? Math.max(code, 1) : code;
}

/**
 * Whether `file` is a regular file of plain text bigger than two segments (worth the threads;
 * compressed or UTF-16 input has no line starts to cut at, so it is read on one thread).
 */
function bigFile(file: string, segmentBytes: number): boolean {
  let fd: number | undefined;
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size <= 2 * segmentBytes) return false;
    fd = openSync(file, "r");
    const head = new Uint8Array(SNIFF_BYTES);
    const n = readSync(fd, head, 0, head.length, 0);
    return sniffInput(head.subarray(0, n)).kind === "text";
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Why the input gave no packet when no line was set aside: every netfilter line had an error (`errors`
 * lines, `tooLong` of them over --max-line-bytes, said in `messages` problems: a grouped one says several), it
 * was empty, or no line was netfilter's.
 */
export function noPacketsMessage(
  files: readonly string[],
  events: number,
  skipped: number,
  errors: number,
  warnings: number,
  tooLong = 0,
  messages = errors,
): string {
  const where = files.length === 1 && files[0] !== "-" ? `${files[0]}:1:1` : "the input";
  const hint =
    "hint: packetwalk reads netfilter's LOG lines ('... IN=eth0 OUT= ... SRC=... DST=...'), xtables-monitor --trace and nft monitor trace output: give dmesg, journalctl -k or the syslog file that holds them\n";
  // Every error a line over --max-line-bytes, skipped unread: neither edited nor netfilter's for all we know.
  if (events === 0 && errors > 0 && tooLong === errors)
    return `packetwalk parse: no packet: ${errors === 1 ? "the one line" : `all ${errors} lines`} over the length limit ${errors === 1 ? "was" : "were"} skipped unread (the error${errors === 1 ? " above says" : "s above say"} how long)\nhint: ${LONG_LINE_HINT}\n`;
  // Lines that failed were netfilter's: the input was not empty.
  if (events === 0 && errors > 0)
    return `packetwalk parse: no packet: ${errors === 1 ? "the one netfilter line" : `all ${errors} netfilter lines`} found could not be read (the error${messages === 1 ? "" : "s"} above say${messages === 1 ? "s" : ""} where and why)\nhint: a line edited by hand (an address replaced by <filtered> or x.x.x.x) or cut short does not read; paste the lines as the kernel wrote them\n`;
  // Lines the warnings set aside (a JSON object of another kind, lines of a family not drawn) were read.
  if (events === 0 && skipped === 0 && warnings > 0)
    return `packetwalk parse: no packet: the lines read were set aside (the warning${warnings === 1 ? " above says" : "s above say"} why)\n${hint}`;
  // Netfilter lines read, none an event: a trace's packet lines alone (xtables-monitor's PACKET:).
  if (events > 0 && errors === 0)
    return `packetwalk parse: no packet: the ${events === 1 ? "one netfilter line" : `${events} netfilter lines`} read name${events === 1 ? "s" : ""} no chain or rule (a trace's PACKET: line without its TRACE: lines)\nhint: give the whole xtables-monitor --trace output: a packet's TRACE: lines say which chains and rules it went through\n`;
  if (events === 0 && skipped === 0)
    return `packetwalk parse: ${where}: error: the input is empty: expected kernel log lines\n${hint}`;
  // An audit record's warning, say, named what the lines were: "none a netfilter line" would deny it.
  if (events === 0 && warnings > 0)
    return `packetwalk parse: no packet: ${skipped} line${skipped === 1 ? "" : "s"} read, none a line packetwalk draws (the warning${warnings === 1 ? " above says" : "s above say"} what was found)\n${hint}`;
  return `packetwalk parse: no netfilter packets found in the input (${skipped} line${skipped === 1 ? "" : "s"} read, none a netfilter line)\n${hint}`;
}

/**
 * `diagnostics` as they are printed: each file's in line and column order (a line's warnings are found
 * in the order its readers run, a held line's error later), the files in the order met, and the note
 * on the problems not listed last. A stable sort: alike positions keep their order.
 */
export function inPositionOrder(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const files = new Map<string, number>();
  for (const d of diagnostics) if (!files.has(d.position.file)) files.set(d.position.file, files.size);
  const rank = (d: Diagnostic) => files.get(d.position.file) ?? 0;
  const notes = diagnostics.filter((d) => d.hint === UNLISTED_HINT);
  const listed = diagnostics.filter((d) => d.hint !== UNLISTED_HINT);
  listed.sort(
    (a, b) => rank(a) - rank(b) || a.position.line - b.position.line || a.position.column - b.position.column,
  );
  return [...listed, ...notes];
}

/** Prints the problems and the totals; the exit code. */
function report(
  args: Args,
  packets: number,
  events: number,
  skipped: number,
  diagnostics: Diagnostic[],
  unplaced = 0,
  unreadable = 0,
): number {
  // A pasted log repeats one warning on every line (trailing spaces lost): printed once, the lines counted.
  for (const d of formatFoldedDiagnostics(
    inPositionOrder(diagnostics),
    FOLDED_LINES_SHOWN,
    "line",
    formatDiagnostic,
  ))
    process.stderr.write(`${d}\n`);
  if (!args.json) {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
    process.stderr.write(
      `${n(packets, "packet")} from ${n(events, "netfilter line")}${unplaced ? ` (and ${unplaced} with a LOG prefix that names no chain)` : ""}; ${n(skipped, "other line")} skipped; ${n(errors, "error")}, ${n(
        diagnostics.length - errors,
        "warning",
      )}\n`,
    );
  }
  if (packets === 0) {
    // Lines were found but set aside: say so, rather than that the input held none.
    const unplaced = diagnostics.some((d) => isPrefixHint(d.hint));
    const netdev = diagnostics.some((d) => d.hint === NETDEV_HINT);
    // Files that could not be read hold no lines: their errors are no netfilter line's.
    if (unreadable === args.files.length) {
      process.stderr.write(
        `packetwalk parse: no packet: none of the ${unreadable} files could be read (the errors above say why)\nhint: give kernel log text: dmesg, journalctl -k or a syslog file (a rotated .gz is read as it is)\n`,
      );
      return 2;
    }
    process.stderr.write(
      unplaced
        ? "packetwalk parse: no packet could be placed: the netfilter lines' LOG prefixes name no chain (the warnings above list them); give the ruleset that logged them with --ruleset FILE, or map them with --prefix-map FILE\n"
        : netdev
          ? "packetwalk parse: no packet could be placed: every netfilter line is of a netdev chain (the warnings above say which), and packetwalk draws no netdev hook; log or trace at the ip, ip6, inet or bridge hooks too\n"
          : noPacketsMessage(
              args.files,
              events,
              skipped,
              // Lines, not messages: a problem said once for a group of lines counts them all.
              diagnostics.filter((d) => d.severity === "error").reduce((n, d) => n + linesOfProblem(d), 0) -
                unreadable,
              diagnostics.filter((d) => d.severity === "warning").length,
              diagnostics.filter((d) => d.hint === LONG_LINE_HINT).length,
              diagnostics.filter((d) => d.severity === "error").length - unreadable,
            ),
    );
    return 1;
  }
  return args.strict && diagnostics.length > 0 ? 1 : 0;
}
