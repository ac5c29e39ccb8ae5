/**
 * `packetwalk capture --lab docker-bridge`: builds the lab, loads Docker's
 * ruleset, inserts the tagged LOG (or TRACE) rules, runs each scenario, keeps
 * this run's kernel log lines (or the TRACE monitor's output), writes the
 * traces, and removes everything it created, whatever happens.
 */
import { randomInt } from "node:crypto";
import { release } from "node:os";
import type { Lab, TraceMeta } from "../core/trace-file/schema.ts";
import type { Scenario } from "./capture-scenarios.ts";
import { displayCommand } from "./capture-scenarios.ts";
import {
  claimRun,
  cleanupLeftovers,
  NF_LOG_ALL_NETNS,
  onSignalUndo,
  RunConflictError,
  type RunState,
  readSysctl,
  releaseRun,
  undoRun,
  updateRun,
  writeSysctl,
} from "./cleanup.ts";
import { type DockerVersion, dockerRuleset, rulesetName } from "./docker-ruleset.ts";
import { buildLabPlan } from "./lab-plan.ts";
import { LAB_NAME, labTopology, type NetnsNames, netnsNames } from "./lab-topology.ts";
import {
  buildLogRules,
  DEFAULT_IP_MATCHES,
  ebtablesArgv,
  iptablesRestoreText,
  ruleComment,
  runTag,
  traceRuleArgvs,
} from "./log-rules.ts";
import { KernelLogReader, linesWithTag } from "./read-kernel-log.ts";
import { inNetns, runCommand, startCommand } from "./run-command.ts";
import { stableRuleset, type TraceToWrite, traceStem, writeLabFolder } from "./write-trace.ts";

/** Options of {@link captureLab}. */
export interface CaptureOptions {
  /** `log` (LOG / ebtables --log lines) or `trace` (TRACE, via `xtables-monitor --trace`). */
  mode: "log" | "trace";
  dockerVersion: DockerVersion;
  /** The `traces` folder; the lab's files go to `<outDir>/docker-bridge/`. */
  outDir: string;
  /** The scenarios to record (only those offering `mode` are run). */
  scenarios: readonly Scenario[];
  /** Two lower-case letters or digits; default random. */
  runId?: string;
  /** Progress messages. Default: none. */
  progress?: (message: string) => void;
}

/** What a capture produced. */
export interface CaptureResult {
  runId: string;
  traces: TraceToWrite[];
  /** Files written. */
  written: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A random two-character run id. */
export function randomRunId(): string {
  return `${ALPHABET[randomInt(26)]}${ALPHABET[randomInt(36)]}`;
}

/** Why this machine cannot capture, or undefined when it can (root, /dev/kmsg, the tools on PATH). */
export async function captureUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "capturing needs root (network namespaces, iptables, /dev/kmsg)";
  for (const tool of [
    "ip",
    "iptables-restore",
    "iptables-save",
    "ebtables",
    "ping",
    "conntrack",
    "xtables-monitor",
  ]) {
    const found = await runCommand(["sh", "-c", 'command -v "$1"', "sh", tool], { allowFailure: true });
    if (found.code !== 0)
      return `'${tool}' is not installed (Debian: iptables, ebtables, iproute2, iputils-ping, conntrack)`;
  }
  try {
    new KernelLogReader().close();
  } catch (error) {
    return `cannot read the kernel log at /dev/kmsg: ${(error as Error).message}`;
  }
  return undefined;
}

function resolveNode(argv: readonly string[]): string[] {
  return argv.map((arg, index) => (index === 0 && arg === "node" ? process.execPath : arg));
}

async function toolVersions(): Promise<NonNullable<TraceMeta["environment"]>> {
  const iptables = (await runCommand(["iptables", "--version"])).stdout.trim();
  const ebtables = (await runCommand(["ebtables", "--version"], { allowFailure: true })).stdout.trim();
  return {
    kernel: release(),
    iptables,
    backend: iptables.includes("legacy") ? "legacy" : "nf_tables",
    ebtables: ebtables || undefined,
    date: new Date().toISOString().slice(0, 10),
    tool: "packetwalk capture",
  };
}

async function netnsSysctl(ns: string, key: string, value?: string): Promise<string> {
  const argv = value === undefined ? ["sysctl", "-n", key] : ["sysctl", "-q", "-w", `${key}=${value}`];
  return (await runCommand(inNetns(ns, argv))).stdout.trim();
}

/** Runs one scenario's traffic (with its listener) and returns the traffic command's exit code. */
async function makeTraffic(scenario: Scenario, names: NetnsNames): Promise<number | null> {
  const server = scenario.server
    ? startCommand(inNetns(names[scenario.server.in], resolveNode(scenario.server.command)), {
        timeoutMs: 8000,
      })
    : undefined;
  if (server) await server.firstLine;
  const traffic = await runCommand(inNetns(names[scenario.from], resolveNode(scenario.command)), {
    timeoutMs: 8000,
    allowFailure: true,
  });
  if (server) await server.done;
  return traffic.code;
}

/** The lab's notes for `lab.json`. */
export const LAB_NOTES = [
  "Recorded with ebtables-nft, which has no broute table: the bridge BROUTING hook is not logged.",
  "A LOG rule (iptables: -j LOG --log-level debug; ebtables: --log --log-ip) was inserted at the top of every chain listed in the prefixes, matching only the lab's ICMP and TCP ports 80/8080 (on the bridge: IPv4 ICMP and TCP frames, so docker0's IGMP reports stay out); the ruleset files show Docker's rules without them.",
  "ebtables-nft registers bridge filter OUTPUT at priority -200 and nat OUTPUT at 100, so for frames the host sends, filter-OUTPUT is logged before nat-OUTPUT (legacy ebtables runs nat OUTPUT first).",
  "IPv6 is disabled in every namespace and neighbours are static, so no ARP or neighbour discovery appears.",
  "LOG in a network namespace needs net.netfilter.nf_log_all_netns=1 (set for the capture, restored afterwards).",
];

/** Records `options.scenarios` from the real kernel; see the module comment. */
export async function captureLab(options: CaptureOptions): Promise<CaptureResult> {
  const say = options.progress ?? (() => {});
  const runId = options.runId ?? randomRunId();
  const names = netnsNames(runId);
  const tag = runTag(runId);
  const comment = ruleComment(runId);
  const state: RunState = {
    runId,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    namespaces: Object.values(names),
  };
  try {
    claimRun(state);
  } catch (error) {
    if (!(error instanceof RunConflictError && error.stale)) throw error;
    say(`removing leftovers of run ${error.other?.runId ?? "?"} (its process is gone)`);
    await cleanupLeftovers();
    claimRun(state);
  }
  let undone: Promise<void> | undefined;
  const undo = () => {
    undone ??= undoRun(state).then(({ problems }) => {
      if (problems.length) throw new Error(`cleanup left something behind: ${problems.join("; ")}`);
      releaseRun();
    });
    return undone;
  };
  const removeHandlers = onSignalUndo(undo);
  let reader: KernelLogReader | undefined;
  try {
    const environment = await toolVersions();
    if (options.mode === "log") {
      state.sysctl = { path: NF_LOG_ALL_NETNS, previous: readSysctl(NF_LOG_ALL_NETNS) };
      updateRun(state);
      writeSysctl(NF_LOG_ALL_NETNS, "1");
    }
    say(`run ${runId}: building the lab (${Object.values(names).join(", ")})`);
    for (const step of buildLabPlan(names)) await runCommand(step.argv);
    const host = names.host;
    await runCommand(inNetns(host, ["iptables-restore"]), { input: dockerRuleset(options.dockerVersion) });
    const saved = await runCommand(inNetns(host, ["iptables-save"]));
    const bridgeSaved = await runCommand(inNetns(host, ["ebtables-save"]), { allowFailure: true });
    const ruleset = {
      name: rulesetName(options.dockerVersion),
      text: stableRuleset(
        saved.stdout,
        bridgeSaved.stdout,
        `Docker ${options.dockerVersion} default bridge with -p ${"8080:80"} on c1, as loaded in the lab's Docker host namespace.`,
      ),
    };
    if (options.mode === "log") {
      const rules = buildLogRules({ tag });
      await runCommand(inNetns(host, ["iptables-restore", "--noflush"]), {
        input: iptablesRestoreText(rules, comment, "insert"),
      });
      for (const rule of rules)
        if (rule.family === "bridge") await runCommand(inNetns(host, ebtablesArgv(rule, "insert")));
      reader = new KernelLogReader();
    } else {
      for (const argv of traceRuleArgvs(DEFAULT_IP_MATCHES, comment, "insert"))
        await runCommand(inNetns(host, argv));
    }
    const hostSysctls = {
      "net.bridge.bridge-nf-call-iptables": await netnsSysctl(host, "net.bridge.bridge-nf-call-iptables"),
    };
    const traces: TraceToWrite[] = [];
    for (const scenario of options.scenarios) {
      if (!scenario.modes.includes(options.mode)) continue;
      say(`${scenario.name}: ${displayCommand(scenario.command).join(" ")}`);
      await runCommand(inNetns(host, ["conntrack", "-F"]), { allowFailure: true });
      const restore: Record<string, string> = {};
      for (const [key, value] of Object.entries(scenario.sysctls ?? {})) {
        restore[key] = await netnsSysctl(host, key);
        await netnsSysctl(host, key, value);
      }
      let lines: string[];
      let exitCode: number | null;
      if (reader) {
        reader.readNew();
        exitCode = await makeTraffic(scenario, names);
        await sleep(100);
        lines = linesWithTag(reader.readNew(), `${tag}/`);
      } else {
        const monitor = startCommand(inNetns(host, ["xtables-monitor", "--trace", "-4"]), {
          timeoutMs: 20_000,
        });
        await sleep(300);
        exitCode = await makeTraffic(scenario, names);
        await sleep(300);
        monitor.stop("SIGTERM");
        lines = (await monitor.done).stdout.split("\n").filter((line) => line.length > 0);
      }
      for (const [key, value] of Object.entries(restore)) await netnsSysctl(host, key, value);
      if (exitCode !== 0) say(`  warning: the traffic command exited with ${exitCode}`);
      say(`  ${lines.length} lines`);
      traces.push({
        stem: traceStem(scenario.name, options.mode, options.dockerVersion),
        lines,
        meta: {
          version: 1,
          scenario: traceStem(scenario.name, options.mode, options.dockerVersion),
          title: options.mode === "trace" ? `${scenario.title} (TRACE)` : scenario.title,
          description: scenario.description,
          mode: options.mode,
          origin: "recorded",
          traffic: {
            from: scenario.from,
            to: scenario.to,
            proto: scenario.proto,
            command: displayCommand(scenario.command),
          },
          ...(options.mode === "log" ? { tag } : {}),
          ...(exitCode === null ? {} : { exitCode }),
          ruleset: ruleset.name,
          sysctls: { ...hostSysctls, ...(scenario.sysctls ?? {}) },
          environment,
        },
      });
    }
    const lab: Lab = { ...labTopology([ruleset.name]), notes: LAB_NOTES };
    const written = writeLabFolder(options.outDir, lab, ruleset, traces);
    return { runId, traces, written };
  } finally {
    reader?.close();
    removeHandlers();
    await undo();
    say(`run ${runId}: lab removed`);
  }
}

export { LAB_NAME };
