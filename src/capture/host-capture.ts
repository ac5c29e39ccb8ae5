/**
 * Runs the `--host` plan (see `host-plan.ts`) on a real Docker host, or, for
 * tests, inside the lab's Docker host namespace: inserts the tagged LOG rules,
 * makes the traffic (or waits while the user makes it), keeps this run's kernel
 * log lines, and removes exactly the tagged rules, also on error or a signal.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addressFamily } from "../core/simulate/ip-address.ts";
import { CaptureError } from "./capture-error.ts";
import { randomRunId } from "./capture-lab.ts";
import { acquireCaptureLock } from "./capture-lock.ts";
import { checkOutDir } from "./check-out-dir.ts";
import { listNftObjects, NF_LOG_ALL_NETNS, readSysctl, undoRun, writeSysctl } from "./cleanup.ts";
import { hostLogPrefixes } from "./host-log-prefixes.ts";
import {
  buildHostPlan,
  checkOneFamily,
  type HostContainer,
  type HostPlanOptions,
  hostAddressOnLink,
  parseContainerArg,
} from "./host-plan.ts";
import { ebtablesArgv } from "./log-rules.ts";
import { KernelLogReader, linesWithTag } from "./read-kernel-log.ts";
import { inNetns, runCommand } from "./run-command.ts";
import { RunControl } from "./run-control.ts";
import { claimRun, type RunState, releaseRun, statePath, updateRun } from "./run-state.ts";

/** Options of {@link captureHost}. */
export interface HostCaptureOptions {
  containers: HostContainer[];
  /** After the planned traffic, also wait this many seconds (at most 600) for traffic the user makes. Default 0. */
  waitSeconds?: number;
  /** The namespace to run in (tests: the lab's host); default this one. */
  netns?: string;
  /** How to run a command in a container (default `docker exec NAME`). */
  execIn?: (container: string) => string[];
  /** The bridge's address the first container pings; default `172.17.0.1`, or for IPv6 the host's address on the container's link. */
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
  /** The traffic command's exit code (absent for the wait). */
  exitCode?: number | null;
  /** What `packetwalk import` reads, saved while the LOG rules were installed: file name → content. */
  material?: Record<string, string>;
}

/**
 * The commands whose output `packetwalk import` reads, by the file name it looks for
 * (`MATERIAL_FILES` in `src/cli/import-command.ts`). Saved while the logging rules are installed:
 * the rulesets then show the instrumentation.
 */
export const MATERIAL_COMMANDS: ReadonlyArray<readonly [string, string[]]> = [
  ["iptables-save.txt", ["iptables-save"]],
  ["ip6tables-save.txt", ["ip6tables-save"]],
  ["ebtables-save.txt", ["ebtables-save"]],
  // The sets -m set rules look packets up in (fail2ban, firewalld); left out where ipset is not installed.
  ["ipset-save.txt", ["ipset", "save"]],
  ["nft-ruleset.txt", ["nft", "list", "ruleset"]],
  ["ip-addr.json", ["ip", "-j", "addr"]],
  ["ip-link.json", ["ip", "-j", "-d", "link"]],
  ["ip-route.json", ["ip", "-j", "route"]],
  ["ip6-route.json", ["ip", "-6", "-j", "route"]],
  ["ip-rule.json", ["ip", "-j", "rule"]],
  ["ip6-rule.json", ["ip", "-6", "-j", "rule"]],
  ["bridge-link.json", ["bridge", "-j", "link"]],
  ["bridge-fdb.json", ["bridge", "-j", "fdb", "show"]],
  [
    "sysctl.txt",
    [
      // -e: a key the kernel lacks (no br_netfilter, IPv6 off) is left out, not the whole file.
      "sysctl",
      "-e",
      "net.ipv4.ip_forward",
      "net.bridge.bridge-nf-call-iptables",
      "net.ipv4.conf.all.route_localnet",
      "net.ipv6.conf.all.forwarding",
      "net.bridge.bridge-nf-call-ip6tables",
    ],
  ],
  ["uname.txt", ["uname", "-r"]],
  ["iptables-version.txt", ["iptables", "--version"]],
  ["ebtables-version.txt", ["ebtables", "--version"]],
];

/** Runs {@link MATERIAL_COMMANDS} (in `netns` when given); a command that fails is left out. */
export async function collectMaterial(netns?: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [file, argv] of MATERIAL_COMMANDS) {
    const r = await runCommand(inNetns(netns, argv), { allowFailure: true });
    if (r.code === 0) out[file] = r.stdout;
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Why IPv6 cannot be logged here (the kernel has no IPv6, or there is no `ip6tables-restore`),
 * or undefined when it can. Read-only: a check, not an insertion.
 */
export async function ip6tablesUnavailable(netns?: string): Promise<string | undefined> {
  if (!existsSync("/proc/sys/net/ipv6")) return "the kernel has no IPv6 (no /proc/sys/net/ipv6)";
  const probe = await runCommand(inNetns(netns, ["ip6tables-restore", "--version"]), {
    allowFailure: true,
  }).catch((error: Error) => ({ code: -1, stderr: error.message }));
  if (probe.code !== 0)
    return `ip6tables-restore does not run (${probe.stderr.trim() || `exit ${probe.code}`})`;
  return undefined;
}

/**
 * The plan's options on this host: IPv6 rules when ip6tables is there (a note otherwise), and for
 * IPv6 containers the host's address on their link as the container-to-host destination.
 */
export async function hostPlanOptions(
  options: HostCaptureOptions,
  runId: string,
  say: (message: string) => void,
): Promise<HostPlanOptions> {
  const noIpv6 = await ip6tablesUnavailable(options.netns);
  if (noIpv6) say(`note: IPv6 is not logged: ${noIpv6}; the IPv4 rules go in as planned`);
  const [first] = options.containers;
  let bridgeIp = options.bridgeIp;
  if (!bridgeIp && first && addressFamily(first.ip) === 6) {
    const addr = await runCommand(inNetns(options.netns, ["ip", "-6", "-j", "addr"]), { allowFailure: true });
    bridgeIp = hostAddressOnLink(first.ip, addr.stdout);
    if (!bridgeIp)
      say(
        `note: no address of this host is on ${first.name}'s link (${first.ip}): no container-to-host step`,
      );
  }
  return { ...options, runId, ipv6: noIpv6 === undefined, ...(bridgeIp ? { bridgeIp } : {}) };
}

/** Runs the plan; resolves with this run's kernel log lines per traffic step. */
export async function captureHost(options: HostCaptureOptions): Promise<HostTrace[]> {
  const say = options.progress ?? (() => {});
  const runId = options.runId ?? randomRunId();
  checkOneFamily(options.containers);
  const planOptions = await hostPlanOptions(options, runId, say);
  const plan = buildHostPlan(planOptions);
  const state: RunState = {
    runId,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    namespaces: [],
    hostRules: {
      comment: plan.comment,
      ...(options.netns ? { netns: options.netns } : {}),
      // Written before the rules go in: a crashed run's ip6tables rules are found by --cleanup too.
      ...(planOptions.ipv6 ? { ip6tables: true } : {}),
      ebtables: plan.rules
        .filter((rule) => rule.family === "bridge")
        .map((rule) => ebtablesArgv(rule, "delete")),
    },
  };
  const control = new RunControl();
  const lock = await acquireCaptureLock({
    pid: process.pid,
    what: `capture --host run ${runId}`,
    stateFile: statePath(),
  });
  let claimed = false;
  let undone: Promise<void> | undefined;
  const undo = () => {
    undone ??= (async () => {
      try {
        if (!claimed) return;
        await control.pause("teardown");
        for (const command of plan.remove)
          await runCommand(command.argv, { input: command.input, allowFailure: true });
        // Safety net: anything still carrying the tag, and the nft tables/chains the inserts created.
        const { problems, warnings } = await undoRun(state, { pause: (phase) => control.pause(phase) });
        for (const warning of warnings) say(`warning: ${warning}`);
        if (problems.length) throw new Error(problems.join("; "));
        releaseRun(state.createdDirs);
      } finally {
        await lock.release();
      }
    })();
    return undone;
  };
  // Installed before anything exists and removed only once the teardown is over.
  const removeHandlers = control.onSignalUndo(undo);
  let reader: KernelLogReader | undefined;
  try {
    await control.phase("locked");
    claimRun(state);
    claimed = true;
    await control.phase("claimed");
    const nftBefore = await listNftObjects(options.netns);
    if (nftBefore && state.hostRules) {
      state.hostRules.nftBefore = nftBefore;
      updateRun(state);
    }
    control.check();
    if (options.netns) {
      const previous = readSysctl(NF_LOG_ALL_NETNS);
      state.sysctl = { path: NF_LOG_ALL_NETNS, previous, wrote: "1" };
      updateRun(state);
      if (previous !== "1") writeSysctl(NF_LOG_ALL_NETNS, "1");
      await control.phase("sysctl-set");
    }
    say(`run ${runId}: inserting ${plan.rules.length} LOG rules tagged ${plan.comment}`);
    reader = new KernelLogReader();
    for (const command of plan.insert) {
      control.check();
      await runCommand(command.argv, { input: command.input });
    }
    await control.phase("rules-inserted");
    const material = await collectMaterial(options.netns);
    // The host's own log rules are in the saves import simulates: their lines belong to the trace too.
    const own = hostLogPrefixes(material, `${plan.tag}/`);
    const traces: HostTrace[] = [];
    for (const step of plan.traffic) {
      say(`${step.scenario}: ${step.command.argv.join(" ")}`);
      control.check();
      reader.readNew();
      const ran = await runCommand(step.command.argv, { timeoutMs: 8000, allowFailure: true });
      await sleep(100);
      traces.push({
        ...step,
        command: step.command.argv,
        lines: linesWithTag(reader.readNew(), `${plan.tag}/`, own),
        exitCode: ran.code,
        material,
      });
      await control.phase("traffic-sent");
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
        lines: linesWithTag(reader.readNew(), `${plan.tag}/`, own),
        material,
      });
    }
    return traces;
  } finally {
    reader?.close();
    try {
      await undo();
      say(`run ${runId}: tagged rules removed`);
    } finally {
      removeHandlers();
    }
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
  checkOneFamily(containers);
  if (options.waitSeconds !== undefined && !(options.waitSeconds >= 0 && options.waitSeconds <= 600)) {
    throw new Error("--wait expects a number of seconds from 0 to 600");
  }
  if (containers.length === 0 && !options.waitSeconds) {
    throw new Error(
      "nothing to record: give --container NAME=IP (twice for container to container) or --wait SECONDS",
    );
  }
  if (options.dryRun) {
    const plan = buildHostPlan(await hostPlanOptions({ containers }, "xx", options.progress));
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
  // Before any rule goes in: a destination that cannot take the logs fails now.
  checkOutDir(options.outDir, "docker-host", { labJson: false });
  const traces = await captureHost({
    containers,
    waitSeconds: options.waitSeconds,
    progress: options.progress,
  });
  const empty = traces.filter((trace) => trace.lines.length === 0);
  const written = traces.filter((trace) => trace.lines.length > 0);
  // "next, import ..." only when there is a folder to import.
  if (written.length) writeHostFolders(written, options.outDir, containers, options.progress);
  for (const trace of empty) options.progress(`${trace.scenario}: 0 lines, not written`);
  // Planned pings that left no line mean the rules did not log.
  const failed = empty.filter((trace) => trace.scenario !== "manual");
  if (failed.length) {
    throw new CaptureError(
      `${failed.map((trace) => trace.scenario).join(", ")} recorded 0 lines`,
      "check that the containers answer ping (`docker exec NAME ping -c1 -W1 IP`) and that nothing else changes the ruleset during the capture",
    );
  }
  if (empty.some((trace) => trace.scenario === "manual")) {
    // Nothing at all recorded is a failed run; a quiet wait after planned steps may be intended.
    if (!written.length)
      throw new CaptureError("the wait recorded 0 lines: nothing was written", EMPTY_WAIT_HINT);
    options.progress(`manual: ${EMPTY_WAIT_HINT}`);
  }
  return 0;
}

/** Why a `--wait` can record nothing, and what to do. */
export const EMPTY_WAIT_HINT =
  "send the traffic after the 'waiting' line appears (what was sent before it is not recorded), ICMP (or ICMPv6 echo) through the host's hooks; in a network namespace the kernel prints LOG lines only with sysctl net.netfilter.nf_log_all_netns=1 (set it for the capture, restore it after)";

/**
 * Writes `--host` results as `packetwalk import` reads them: `<outDir>/docker-host/<step>/` with
 * `kernel.log`, the host's saves, `command.txt` and `exit-code.txt`; returns the folders.
 */
export function writeHostFolders(
  traces: readonly HostTrace[],
  outDir: string,
  containers: readonly HostContainer[],
  progress: (message: string) => void,
): string[] {
  const folder = join(outDir, "docker-host");
  // One folder per step, each with what `packetwalk import` reads.
  const dirs: string[] = [];
  for (const trace of traces) {
    const dir = join(folder, trace.scenario);
    mkdirSync(dir, { recursive: true });
    dirs.push(dir);
    writeFileSync(join(dir, "kernel.log"), trace.lines.length ? `${trace.lines.join("\n")}\n` : "");
    for (const [file, text] of Object.entries(trace.material ?? {})) writeFileSync(join(dir, file), text);
    if (trace.command[0] !== "(made by hand)")
      writeFileSync(join(dir, "command.txt"), `${trace.command.join("\n")}\n`);
    if (typeof trace.exitCode === "number") writeFileSync(join(dir, "exit-code.txt"), `${trace.exitCode}\n`);
    progress(`${dir}: ${trace.lines.length} kernel log lines and the host's saves`);
  }
  const names = containers.map((c) => `--container ${c.name}=${c.ip}`).join(" ");
  progress(
    `next, for each folder: packetwalk import ${join(folder, "<step>")} --lab <your-lab> ${names} --anonymize (see CONTRIBUTING.md)`,
  );
  return dirs;
}
