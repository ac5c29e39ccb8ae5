/**
 * `packetwalk simulate`: predicts a packet's path through a lab from its topology and ruleset,
 * with the connection's follow-ups, and prints it (human or JSON Lines like `packetwalk parse
 * --json`), or writes it as a simulated trace (kernel log + metadata) beside the recorded ones.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import { isLoggingRule } from "../core/import/ruleset-material.ts";
import { runScenario, type ScenarioResult } from "../core/simulate/run-scenario.ts";
import { type SimulatedTrace, toTrace } from "../core/simulate/to-kernel-log.ts";
import type { Topology } from "../core/simulate/topology.ts";
import { type TraceMeta, traceMetaSchema } from "../core/trace-file/schema.ts";
import { buildWorld, LabError, loadLab, simulationLogOverlay } from "../lab/load-lab.ts";

/** One line for `packetwalk --help`. */
export const summary = "predict a packet's path from a lab's topology and ruleset";

const USAGE = `usage: packetwalk simulate --lab DIR --from HOST --to ADDR[:PORT] [options]

  --lab DIR            lab folder with lab.json and rulesets/ (e.g. traces/docker-bridge)
  --from HOST          lab host that sends the first packet (e.g. c1, host, wan)
  --to ADDR[:PORT]     destination address (or a lab host name) and, for tcp/udp, port (default 80)
  --proto P            icmp (default), tcp or udp
  --src ADDR           source address (default: chosen by the sender's route)
  --ruleset NAME       ruleset of the lab (default: the lab's first)
  --ruleset-file PATH  a ruleset file instead (e.g. a what-if variant)
  --sysctl K=V         override a sysctl (repeatable), e.g. net.bridge.bridge-nf-call-iptables=0;
                       brport.<port>.hairpin_mode=1 turns on a bridge port's hairpin mode
  --no-follow-ups      only the first packet (default: echo reply; SYN, SYN-ACK, ACK)
  --json               JSON Lines, one object per packet (as packetwalk parse --json, plus "matched")
  --write PATH         write PATH.log (kernel log) and PATH.json (metadata, origin "simulated")
  --question TEXT      the what-if asked (metadata, with --write)
  --title TEXT         title (metadata, with --write)
  --description TEXT   what the trace teaches (metadata, with --write)

Like the capture lab, a LOG rule is put at the top of every chain (prefix pwsm/iptable/<table>-<CHAIN>),
so the written log has the recorded traces' form; a ruleset that has logging rules of its own (a
trace's instrumentation, e.g. --ruleset docker-28.instrumented-pwid) is simulated as it is.`;

interface Args {
  lab?: string;
  from?: string;
  to?: string;
  proto: "icmp" | "tcp" | "udp";
  src?: string;
  ruleset?: string;
  rulesetFile?: string;
  sysctls: Record<string, string>;
  followUps: boolean;
  json: boolean;
  write?: string;
  question?: string;
  title?: string;
  description?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const a: Args = { proto: "icmp", sysctls: {}, followUps: true, json: false };
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${opt} needs a value`);
      return v;
    };
    switch (opt) {
      case "--lab":
        a.lab = value();
        break;
      case "--from":
        a.from = value();
        break;
      case "--to":
        a.to = value();
        break;
      case "--proto": {
        const p = value();
        if (p !== "icmp" && p !== "tcp" && p !== "udp")
          throw new UsageError(`--proto: '${p}' is not icmp, tcp or udp`);
        a.proto = p;
        break;
      }
      case "--src":
        a.src = value();
        break;
      case "--ruleset":
        a.ruleset = value();
        break;
      case "--ruleset-file":
        a.rulesetFile = value();
        break;
      case "--sysctl": {
        const kv = value();
        const eq = kv.indexOf("=");
        if (eq < 1) throw new UsageError(`--sysctl: '${kv}' is not KEY=VALUE`);
        a.sysctls[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case "--no-follow-ups":
        a.followUps = false;
        break;
      case "--json":
        a.json = true;
        break;
      case "--write":
        a.write = value();
        break;
      case "--question":
        a.question = value();
        break;
      case "--title":
        a.title = value();
        break;
      case "--description":
        a.description = value();
        break;
      default:
        throw new UsageError(`unknown option '${opt}'`);
    }
  }
  if (!a.lab || !a.from || !a.to) throw new UsageError("--lab, --from and --to are required");
  return a;
}

function resolveTo(topo: Topology, to: string, proto: string): { addr: string; port?: number } {
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(to);
  if (!m) throw new UsageError(`--to: '${to}' is not ADDR[:PORT]`);
  let addr = m[1] as string;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(addr)) {
    const host = topo.hosts.get(addr);
    const found = host?.interfaces.flatMap((i) => i.addresses).find((x) => !x.startsWith("127."));
    if (!found)
      throw new UsageError(`--to: '${addr}' is neither an IPv4 address nor a lab host with an address`);
    addr = found.split("/")[0] as string;
  }
  const port = m[2] === undefined ? (proto === "icmp" ? undefined : 80) : Number(m[2]);
  if (port !== undefined && port > 65535) throw new UsageError(`--to: port ${port} is out of range`);
  return { addr, port };
}

/** JSON Lines objects of a simulated trace (the `packetwalk parse --json` shape plus `matched`, `fate`). */
export function jsonLines(trace: SimulatedTrace, result: ScenarioResult): string[] {
  return trace.packets.map((p, i) => {
    const sim = result.packets[i];
    return JSON.stringify({
      packet: p.id,
      flow: p.flow,
      direction: p.direction,
      summary: p.summary,
      hooks: p.hooks,
      rewrites: p.rewrites,
      matched: p.events.map((e) => ({ hook: e.hook, rules: e.matched ?? [] })),
      fate: sim?.fate,
      ...(sim?.unmodelled.length ? { unmodelled: sim.unmodelled, uncertain: true } : {}),
      ...(sim?.notes.length ? { notes: sim.notes } : {}),
    });
  });
}

function humanReport(trace: SimulatedTrace, result: ScenarioResult): string {
  const out: string[] = [];
  trace.packets.forEach((p, i) => {
    const sim = result.packets[i];
    out.push(`packet ${p.id} (${p.direction}): ${p.summary}`);
    for (const e of p.events) {
      const dev = [
        e.in ? `IN=${e.in}` : "",
        e.out ? `OUT=${e.out}` : "",
        e.physIn ? `PHYSIN=${e.physIn}` : "",
        e.physOut ? `PHYSOUT=${e.physOut}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      out.push(
        `  ${e.hook.padEnd(24)} ${e.ip?.src} -> ${e.ip?.dst}  ${dev}${e.uncertain ? "  (uncertain)" : ""}`,
      );
      for (const r of e.matched ?? []) {
        if (r.text.includes("-j LOG --log-prefix pwsm/") || r.text.includes("--log-prefix pwsm/")) continue;
        out.push(
          `      ${r.ruleLine ? `line ${String(r.ruleLine).padStart(3)}` : "        "}  ${r.verdict.padEnd(10)} ${r.text}`,
        );
      }
    }
    const f = sim?.fate;
    if (f) out.push(`  => ${f.kind === "delivered" ? `delivered to ${f.host}` : `${f.kind}: ${f.reason}`}`);
    for (const u of sim?.unmodelled ?? [])
      out.push(
        `  ! unmodelled at ${u.table} ${u.chain} line ${u.line}: ${u.what} (in: ${u.text}); the result is uncertain from there`,
      );
    for (const n of sim?.notes ?? []) out.push(`  note: ${n}`);
  });
  if (result.stopped) out.push(`stopped: ${result.stopped}`);
  return out.join("\n");
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let a: Args;
  try {
    a = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`packetwalk simulate: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  try {
    const lab = loadLab(a.lab as string);
    const tag = "pwsm";
    let rulesetText: { text: string; file: string } | undefined;
    if (a.rulesetFile) {
      try {
        rulesetText = { text: readFileSync(a.rulesetFile, "utf8"), file: a.rulesetFile };
      } catch {
        throw new LabError(`${a.rulesetFile}: cannot read the ruleset file`);
      }
    }
    // A ruleset saved with its logging rules (a trace's instrumentation) is simulated as it is.
    const chosen = rulesetText?.text ?? lab.data.rulesets[a.ruleset ?? lab.data.lab?.rulesets[0] ?? ""];
    const instrumented = chosen?.split("\n").some(isLoggingRule) === true;
    const { world, diagnostics } = buildWorld(lab, {
      ruleset: a.ruleset,
      rulesetText,
      sysctls: a.sysctls,
      ...(instrumented ? {} : { overlay: simulationLogOverlay(tag, a.proto) }),
    });
    for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (diagnostics.some((d) => d.severity === "error")) return 2;
    if (!world.topology.hosts.has(a.from as string))
      throw new LabError(
        `--from: '${a.from}' is not a host of ${a.lab}/lab.json (${[...world.topology.hosts.keys()].join(", ")})`,
      );
    const to = resolveTo(world.topology, a.to as string, a.proto);
    const result = runScenario(world, {
      from: a.from as string,
      to: to.addr,
      src: a.src,
      proto: a.proto,
      dport: to.port,
      script: a.followUps
        ? undefined
        : [{ direction: "request", tcpFlags: a.proto === "tcp" ? ["SYN"] : undefined, icmpType: 8 }],
    });
    const file = a.write ? `${basename(a.write)}.log` : "simulated.log";
    const trace = toTrace(result.packets, { file });
    if (a.json) process.stdout.write(`${jsonLines(trace, result).join("\n")}\n`);
    else process.stdout.write(`${humanReport(trace, result)}\n`);
    if (a.write) {
      const stem = basename(a.write);
      const first = result.packets[0];
      const toHost =
        first?.fate.kind === "delivered"
          ? first.fate.host
          : (world.topology.addressOwner.get(to.addr)?.host ?? (a.from as string));
      const meta: TraceMeta = traceMetaSchema.parse({
        version: 1,
        scenario: stem,
        title: a.title ?? `Simulated: ${a.from} -> ${a.to} (${a.proto})`,
        description: a.description,
        mode: "log",
        origin: "simulated",
        question: a.question,
        traffic: {
          from: a.from,
          to: toHost,
          proto: a.proto,
          command: [
            "packetwalk",
            "simulate",
            ...argv.filter(
              (x, i) =>
                x !== "--write" &&
                argv[i - 1] !== "--write" &&
                !["--question", "--title", "--description"].includes(x) &&
                !["--question", "--title", "--description"].includes(argv[i - 1] ?? ""),
            ),
          ],
        },
        tag,
        ruleset: a.ruleset ?? lab.data.lab?.rulesets[0],
        sysctls: a.sysctls,
      });
      mkdirSync(dirname(a.write), { recursive: true });
      writeFileSync(`${a.write}.log`, `${trace.lines.join("\n")}\n`);
      writeFileSync(`${a.write}.json`, `${JSON.stringify(meta, null, 2)}\n`);
      process.stderr.write(`wrote ${join(dirname(a.write), `${stem}.log`)} and ${stem}.json\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof LabError || error instanceof UsageError) {
      process.stderr.write(`packetwalk simulate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
