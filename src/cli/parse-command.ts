/**
 * `packetwalk parse FILE... [--json] [--strict] [--prefix-map FILE]`: reads
 * kernel log / TRACE output (streamed, `-` is stdin) and prints the packets,
 * their flows, directions and hooks.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { HookId } from "../core/model/hook.ts";
import type { Diagnostic, Packet, TraceEvent } from "../core/model/packet.ts";
import type { FlowAssignment } from "../core/parse/pair-flows.ts";
import { lineBatches } from "../core/parse/split-lines.ts";
import { TraceParser } from "../core/parse/trace-parser.ts";

/** Read size: small enough that decoded chunks stay in V8's young generation and RSS stays low. */
const CHUNK = 64 * 1024;

/** One line for `packetwalk --help`. */
export const summary = "read kernel log / TRACE output into packets and directions";

const USAGE = `usage: packetwalk parse FILE... [--json] [--strict] [--prefix-map FILE]

Reads iptables LOG, ebtables --log, TRACE, xtables-monitor --trace and
nft monitor trace output, in any dmesg / journalctl / syslog envelope.
FILE '-' reads standard input.

  --json             JSON Lines: one object per packet
  --strict           exit 1 when any line had a problem (default: only when nothing was parsed)
  --prefix-map FILE  JSON object mapping LOG prefixes to hook ids, e.g. {"fw-in": "ip:filter:INPUT"}
`;

const prefixMapSchema = z.record(
  z.string(),
  z
    .string()
    .regex(
      /^(bridge|ip|ip6|arp):[a-z]+:[A-Za-z0-9_-]+$/,
      "a hook id like 'ip:filter:INPUT' (family:table:CHAIN)",
    ),
);

/** Parsed command-line options. */
interface Args {
  files: string[];
  json: boolean;
  strict: boolean;
  prefixMap?: string;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { files: [], json: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i] as string;
    if (x === "--json") a.json = true;
    else if (x === "--strict") a.strict = true;
    else if (x === "--prefix-map") {
      const v = argv[++i];
      if (!v) return "--prefix-map needs a FILE";
      a.prefixMap = v;
    } else if (x.startsWith("--prefix-map=")) a.prefixMap = x.slice(13);
    else if (x.startsWith("-") && x !== "-") return `unknown option '${x}'`;
    else a.files.push(x);
  }
  if (!a.files.length) return "no FILE given (use '-' for standard input)";
  return a;
}

async function loadPrefixMap(file: string): Promise<Record<string, HookId> | string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    return `cannot read prefix map ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `${file}: not valid JSON (${(e as Error).message})`;
  }
  const r = prefixMapSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `field ${JSON.stringify(issue.path.join("."))}` : "top level";
    return `${file}: ${where}: ${issue?.message ?? "invalid"} (expected an object {"<prefix>": "<family>:<table>:<CHAIN>"})`;
  }
  return r.data as Record<string, HookId>;
}

function formatDiagnostic(d: Diagnostic): string {
  const p = d.position;
  return `${p.file}:${p.line}:${p.column}: ${d.severity}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ""}`;
}

function ifaces(e: TraceEvent): string {
  const parts = [`IN=${e.in ?? ""}`, `OUT=${e.out ?? ""}`];
  if (e.physIn) parts.push(`PHYSIN=${e.physIn}`);
  if (e.physOut) parts.push(`PHYSOUT=${e.physOut}`);
  return parts.join(" ");
}

function human(p: Packet): string {
  const lines = [`#${p.id}  flow ${p.flow} ${p.direction}  ${p.summary}`];
  const width = Math.max(...p.hooks.map((h) => h.length));
  for (const e of p.events) {
    const v = e.verdict ? `  ${e.verdict.kind}${e.verdict.verdict ? ` ${e.verdict.verdict}` : ""}` : "";
    lines.push(`    ${e.hook.padEnd(width)}  ${ifaces(e)}${v}  (${e.position.file}:${e.position.line})`);
  }
  for (const r of p.rewrites) {
    const ep = (x: { src: string; dst: string; sport?: number; dport?: number }) =>
      `${x.src}${x.sport !== undefined ? `:${x.sport}` : ""} -> ${x.dst}${x.dport !== undefined ? `:${x.dport}` : ""}`;
    lines.push(
      `    rewrite ${r.kind} between ${r.afterHook} and ${r.beforeHook}: ${ep(r.from)}  =>  ${ep(r.to)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function jsonLine(p: Packet): string {
  return `${JSON.stringify({
    packet: p.id,
    flow: p.flow,
    direction: p.direction,
    summary: p.summary,
    hooks: p.hooks,
    rewrites: p.rewrites,
    events: p.events.map((e) => ({
      hook: e.hook,
      file: e.position.file,
      line: e.position.line,
      in: e.in ?? "",
      out: e.out ?? "",
      ...(e.physIn ? { physIn: e.physIn } : {}),
      ...(e.physOut ? { physOut: e.physOut } : {}),
      ...(e.verdicts ? { verdicts: e.verdicts.map(({ position: _, ...v }) => v) } : {}),
    })),
  })}\n`;
}

/** Writes with backpressure so a huge input does not pile output up in memory. */
function writer(): { write: (s: string) => void; flush: () => Promise<void> } {
  let buf = "";
  return {
    write(s) {
      buf += s;
    },
    async flush() {
      if (!buf) return;
      const chunk = buf;
      buf = "";
      if (!process.stdout.write(chunk))
        await new Promise<void>((r) => process.stdout.once("drain", () => r()));
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
  let prefixMap: Record<string, HookId> | undefined;
  if (args.prefixMap) {
    const m = await loadPrefixMap(args.prefixMap);
    if (typeof m === "string") {
      process.stderr.write(`packetwalk parse: ${m}\n`);
      return 2;
    }
    prefixMap = m;
  }
  const out = writer();
  let packets = 0;
  const onPacket = (p: Packet, _f: FlowAssignment) => {
    packets++;
    out.write(args.json ? jsonLine(p) : human(p));
  };
  const parser = new TraceParser(onPacket, prefixMap ? { prefixMap } : {});
  for (const file of args.files) {
    parser.setFile(file);
    const input = file === "-" ? process.stdin : createReadStream(file, { highWaterMark: CHUNK });
    try {
      let n = 0;
      // Lines are split per chunk (`lineBatches`), not one readline event each; output is flushed as it goes.
      for await (const batch of lineBatches(input)) {
        for (let i = 0; i < batch.length; i++) parser.line(batch[i] as string);
        n += batch.length;
        if (n >= 1024) {
          n = 0;
          await out.flush();
        }
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      process.stderr.write(`packetwalk parse: cannot read ${file}: ${err.code ?? err.message}\n`);
      return 2;
    }
  }
  parser.end();
  await out.flush();
  for (const d of parser.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!args.json) {
    const errors = parser.diagnostics.filter((d) => d.severity === "error").length;
    process.stderr.write(
      `${packets} packets from ${parser.events} netfilter lines; ${parser.skippedLines} other lines skipped; ${errors} errors, ${
        parser.diagnostics.length - errors
      } warnings\n`,
    );
  }
  if (packets === 0) {
    process.stderr.write("packetwalk parse: no netfilter packets found in the input\n");
    return 1;
  }
  return args.strict && parser.diagnostics.length > 0 ? 1 : 0;
}
