/**
 * Runs the `--host` plan (see `host-plan.ts`) on a real Docker host, or, for
 * tests, inside the lab's Docker host namespace: inserts the tagged LOG rules,
 * makes the traffic (or waits while the user makes it), keeps this run's kernel
 * log lines, and removes exactly the tagged rules, also on error or a signal.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomRunId } from "./capture-lab.ts";
import {
  claimRun,
  listNftObjects,
  NF_LOG_ALL_NETNS,
  onSignalUndo,
  type RunState,
  readSysctl,
  releaseRun,
  undoRun,
  updateRun,
  writeSysctl,
} from "./cleanup.ts";
import { buildHostPlan, type HostContainer, parseContainerArg } from "./host-plan.ts";
import { ebtablesArgv } from "./log-rules.ts";
import { KernelLogReader, linesWithTag } from "./read-kernel-log.ts";
import { runCommand } from "./run-command.ts";

/** Options of {@link captureHost}. */
export interface HostCaptureOptions {
  containers: HostContainer[];
  /** After the planned traffic, also wait this many seconds (at most 600) for traffic the user makes. Default 0. */
  waitSeconds?: number;
  /** The namespace to run in (tests: the lab's host); default this one. */
  netns?: string;
  /** How to run a command in a container (default `docker exec NAME`). */
  execIn?: (container: string) => string[];
  bridgeIp?: string;
  runId?: string;
  progress?: (message: string) => void;
}

/** One recorded step. */
export interface HostTrace {
  scenario: string;
  from: string;
  to: string;
  command: string[];
  lines: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the plan; resolves with this run's kernel log lines per traffic step. */
export async function captureHost(options: HostCaptureOptions): Promise<HostTrace[]> {
  const say = options.progress ?? (() => {});
  const runId = options.runId ?? randomRunId();
  const plan = buildHostPlan({ ...options, runId });
  const state: RunState = {
    runId,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    namespaces: [],
    hostRules: {
      comment: plan.comment,
      ...(options.netns ? { netns: options.netns } : {}),
      ebtables: plan.rules
        .filter((rule) => rule.family === "bridge")
        .map((rule) => ebtablesArgv(rule, "delete")),
    },
  };
  claimRun(state);
  const nftBefore = await listNftObjects(options.netns);
  if (nftBefore && state.hostRules) {
    state.hostRules.nftBefore = nftBefore;
    updateRun(state);
  }
  let undone: Promise<void> | undefined;
  const undo = () => {
    undone ??= (async () => {
      for (const command of plan.remove)
        await runCommand(command.argv, { input: command.input, allowFailure: true });
      // Safety net: anything still carrying the tag, and the nft tables/chains the inserts created.
      const { problems } = await undoRun(state);
      if (problems.length) throw new Error(problems.join("; "));
      releaseRun();
    })();
    return undone;
  };
  const removeHandlers = onSignalUndo(undo);
  let reader: KernelLogReader | undefined;
  try {
    if (options.netns) {
      state.sysctl = { path: NF_LOG_ALL_NETNS, previous: readSysctl(NF_LOG_ALL_NETNS) };
      updateRun(state);
      writeSysctl(NF_LOG_ALL_NETNS, "1");
    }
    say(`run ${runId}: inserting ${plan.rules.length} LOG rules tagged ${plan.comment}`);
    reader = new KernelLogReader();
    for (const command of plan.insert) await runCommand(command.argv, { input: command.input });
    const traces: HostTrace[] = [];
    for (const step of plan.traffic) {
      say(`${step.scenario}: ${step.command.argv.join(" ")}`);
      reader.readNew();
      await runCommand(step.command.argv, { timeoutMs: 8000, allowFailure: true });
      await sleep(100);
      traces.push({
        ...step,
        command: step.command.argv,
        lines: linesWithTag(reader.readNew(), `${plan.tag}/`),
      });
    }
    const wait = Math.min(Math.max(options.waitSeconds ?? 0, 0), 600);
    if (wait > 0) {
      say(`waiting ${wait}s: make the traffic you want to see now`);
      reader.readNew();
      await sleep(wait * 1000);
      traces.push({
        scenario: "manual",
        from: "?",
        to: "?",
        command: ["(made by hand)"],
        lines: linesWithTag(reader.readNew(), `${plan.tag}/`),
      });
    }
    return traces;
  } finally {
    reader?.close();
    removeHandlers();
    await undo();
    say(`run ${runId}: tagged rules removed`);
  }
}

/** CLI options of {@link runHostCapture}. */
export interface HostCommandOptions {
  /** `NAME=IP` strings. */
  containers: string[];
  waitSeconds?: number;
  outDir: string;
  /** Print the plan and exit. */
  dryRun: boolean;
  progress: (message: string) => void;
}

/** `packetwalk capture --host`: resolves to the exit code. */
export async function runHostCapture(options: HostCommandOptions): Promise<number> {
  const containers = options.containers.map(parseContainerArg);
  if (options.waitSeconds !== undefined && !(options.waitSeconds >= 0 && options.waitSeconds <= 600)) {
    throw new Error("--wait expects a number of seconds from 0 to 600");
  }
  if (containers.length === 0 && !options.waitSeconds) {
    throw new Error(
      "nothing to record: give --container NAME=IP (twice for container to container) or --wait SECONDS",
    );
  }
  if (options.dryRun) {
    const plan = buildHostPlan({ runId: "xx", containers });
    for (const section of ["insert", "remove"] as const) {
      process.stdout.write(`# ${section}\n`);
      for (const command of plan[section]) {
        process.stdout.write(
          `${command.argv.join(" ")}\n${command.input ? `${command.input.replace(/^/gm, "    ")}` : ""}`,
        );
      }
    }
    for (const step of plan.traffic)
      process.stdout.write(`# ${step.scenario}\n${step.command.argv.join(" ")}\n`);
    return 0;
  }
  if (process.getuid?.() !== 0) throw new Error("--host needs root (it inserts iptables/ebtables rules)");
  const traces = await captureHost({
    containers,
    waitSeconds: options.waitSeconds,
    progress: options.progress,
  });
  const folder = join(options.outDir, "docker-host");
  mkdirSync(folder, { recursive: true });
  for (const trace of traces) {
    writeFileSync(
      join(folder, `${trace.scenario}.log`),
      trace.lines.length ? `${trace.lines.join("\n")}\n` : "",
    );
    options.progress(`${join(folder, `${trace.scenario}.log`)}: ${trace.lines.length} lines`);
  }
  options.progress(
    "add lab.json and a <scenario>.json per log as traces/README.md describes before opening a pull request",
  );
  return 0;
}
