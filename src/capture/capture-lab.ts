/**
 * `packetwalk capture --lab docker-bridge`: builds the lab, loads Docker's
 * ruleset, inserts the tagged LOG (or TRACE) rules, runs each scenario, keeps
 * this run's kernel log lines (or the TRACE monitor's output), writes the
 * traces, and removes everything it created, whatever happens.
 */
import { randomInt } from "node:crypto";
import { release } from "node:os";
import type { Lab, TraceMeta } from "../core/trace-file/schema.ts";
import { CaptureError } from "./capture-error.ts";
import { acquireCaptureLock } from "./capture-lock.ts";
import type { Scenario } from "./capture-scenarios.ts";
import { displayCommand } from "./capture-scenarios.ts";
import { checkOutDir } from "./check-out-dir.ts";
import { cleanupLeftovers, NF_LOG_ALL_NETNS, readSysctl, undoRun, writeSysctl } from "./cleanup.ts";
import { committedRuleset, rulesetToWrite } from "./committed-ruleset.ts";
import { dockerNftRuleset, NFT_RULESET } from "./docker-nft-ruleset.ts";
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
import { netnsDirBefore } from "./netns-dir.ts";
import { NFT_OWN_TABLE, nftLogRulesText, nftTraceRulesText } from "./nft-log-rules.ts";
import { KernelLogReader, linesWithTag } from "./read-kernel-log.ts";
import { type CommandResult, inNetns, type RunOptions, runCommand, startCommand } from "./run-command.ts";
import { RunControl } from "./run-control.ts";
import { claimRun, RunConflictError, type RunState, releaseRun, statePath, updateRun } from "./run-state.ts";
import { stableRuleset, type TraceToWrite, traceStem, writeLabFolder } from "./write-trace.ts";

/** Options of {@link captureLab}. */
export interface CaptureOptions {
  /** `log` (LOG / ebtables --log lines) or `trace` (TRACE, via `xtables-monitor --trace`). */
  mode: "log" | "trace";
  /**
   * `docker-bridge` (Docker 27/28's iptables rules, LOG/TRACE rules in their chains) or
   * `docker-bridge-nft` (Docker 29's nftables ruleset, packetwalk's own log/trace base chains,
   * `nft monitor trace`). Default `docker-bridge`.
   */
  lab?: "docker-bridge" | "docker-bridge-nft";
  dockerVersion: DockerVersion;
  /** The `traces` folder; the lab's files go to `<outDir>/docker-bridge/`. */
  outDir: string;
  /** The scenarios to record (only those offering `mode` are run). */
  scenarios: readonly Scenario[];
  /** Two lower-case letters or digits; default random. */
  runId?: string;
  /** Progress messages. Default: none. */
  progress?: (message: string) => void;
  /** Signal handling and test pauses. Default: a new {@link RunControl} (pauses from `PACKETWALK_TEST_PAUSE`). */
  control?: RunControl;
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
    "nft",
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

/** Starts commands only while the run has not been asked to stop. */
interface Runner {
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  start(argv: readonly string[], options?: { timeoutMs?: number }): ReturnType<typeof startCommand>;
}

/** Runs one scenario's traffic (with its listener) and returns the traffic command's exit code. */
async function makeTraffic(scenario: Scenario, names: NetnsNames, runner: Runner): Promise<number | null> {
  const server = scenario.server
    ? runner.start(inNetns(names[scenario.server.in], resolveNode(scenario.server.command)), {
        timeoutMs: 8000,
      })
    : undefined;
  if (server) await server.firstLine;
  const traffic = await runner.run(inNetns(names[scenario.from], resolveNode(scenario.command)), {
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

/** Why a scenario recorded nothing, as far as this run can tell. */
function whyEmpty(mode: "log" | "trace"): { cause: string; hint: string } {
  if (mode === "trace")
    return {
      cause: "",
      hint: "TRACE output comes from `xtables-monitor --trace` in the lab's host namespace: check that it runs (nf_tables backend) and capture again",
    };
  const now = readSysctl(NF_LOG_ALL_NETNS);
  return {
    cause:
      now === "1"
        ? ""
        : `; ${NF_LOG_ALL_NETNS} is ${now} now, though this run set it to 1: something else changed it`,
    hint: "LOG lines from namespaces reach the kernel log only while net.netfilter.nf_log_all_netns=1: make sure nothing else changes it during the capture, then capture again",
  };
}

/**
 * Records `options.scenarios` from the real kernel; see the module comment.
 * Throws a {@link CaptureError} before creating anything when `outDir` cannot
 * take the files or another capture runs, and after the teardown when a
 * scenario recorded no line (the others are written, that one is not).
 */
export async function captureLab(options: CaptureOptions): Promise<CaptureResult> {
  const say = options.progress ?? (() => {});
  const runId = options.runId ?? randomRunId();
  const names = netnsNames(runId);
  const tag = runTag(runId);
  const comment = ruleComment(runId);
  const nft = options.lab === "docker-bridge-nft";
  const labName = nft ? NFT_LAB_NAME : LAB_NAME;
  checkOutDir(options.outDir, labName);
  // Read before anything is built: a bad committed ruleset stops the run with nothing to undo.
  const committed = committedRuleset(
    options.outDir,
    labName,
    nft ? NFT_RULESET : rulesetName(options.dockerVersion),
  );
  // The nft lab's scenario variants (the base plus a setup) are saved after their setup; the committed
  // file is kept when the kernel lists the same rules, so the pins of the traces not re-captured hold.
  const committedVariants = new Map(
    nft
      ? options.scenarios
          .filter((s) => s.ruleset)
          .map((s) => [s.ruleset, committedRuleset(options.outDir, labName, `${NFT_RULESET}-${s.ruleset}`)])
      : [],
  );
  const control = options.control ?? new RunControl();
  const lock = await acquireCaptureLock({
    pid: process.pid,
    what: `capture run ${runId}`,
    stateFile: statePath(),
  });
  const runner: Runner = {
    run: (argv, runOptions) => {
      control.check();
      return runCommand(argv, runOptions);
    },
    start: (argv, startOptions) => {
      control.check();
      return startCommand(argv, startOptions);
    },
  };
  const state: RunState = {
    runId,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    namespaces: Object.values(names),
  };
  let claimed = false;
  let undone: Promise<void> | undefined;
  const undo = () => {
    undone ??= (async () => {
      try {
        await control.pause("teardown");
        if (!claimed) return;
        const { problems, warnings } = await undoRun(state, { pause: (phase) => control.pause(phase) });
        for (const warning of warnings) say(`warning: ${warning}`);
        if (problems.length) throw new Error(`cleanup left something behind: ${problems.join("; ")}`);
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
    try {
      claimRun(state);
    } catch (error) {
      if (!(error instanceof RunConflictError && error.stale)) throw error;
      say(`removing leftovers of run ${error.other?.runId ?? "?"} (its process is gone)`);
      const leftovers = await cleanupLeftovers({ lockHeld: true });
      if (leftovers.problems.length)
        throw new CaptureError(
          `a previous capture's leftovers could not all be removed: ${leftovers.problems.join("; ")}`,
          "run `packetwalk capture --cleanup` and do what it says",
        );
      control.check();
      claimRun(state);
    }
    claimed = true;
    await control.phase("claimed");
    const environment = await toolVersions();
    if (options.mode === "log") {
      const previous = readSysctl(NF_LOG_ALL_NETNS);
      state.sysctl = { path: NF_LOG_ALL_NETNS, previous, wrote: "1" };
      updateRun(state);
      if (previous !== "1") writeSysctl(NF_LOG_ALL_NETNS, "1");
      await control.phase("sysctl-set");
    }
    const netnsDir = netnsDirBefore();
    if (netnsDir) {
      state.netnsDir = netnsDir;
      updateRun(state);
    }
    say(`run ${runId}: building the lab (${Object.values(names).join(", ")})`);
    for (const [index, step] of buildLabPlan(names).entries()) {
      await runner.run(step.argv);
      if (index === 0) await control.phase("netns-added");
    }
    const host = names.host;
    const rulesets = new Map<string, string>();
    let baseRuleset: string;
    if (nft) {
      // As for the iptables lab: the committed ruleset when there is one, so an edit is what gets captured.
      say(
        committed
          ? `loading ${committed.path}`
          : "loading the built-in Docker 29 nftables ruleset (no committed one yet)",
      );
      await runner.run(inNetns(host, ["nft", "-f", "-"]), { input: committed?.text ?? dockerNftRuleset() });
      baseRuleset = NFT_RULESET;
      const saved = await savedNftRuleset(
        host,
        runner,
        "Docker 29 (--firewall-backend=nftables) default bridge with -p 8080:80 on c1",
      );
      rulesets.set(baseRuleset, rulesetToWrite(saved, committed));
    } else {
      // The lab's committed ruleset when there is one (edit it, capture again, diff); Docker's own for a new lab.
      say(
        committed
          ? `loading ${committed.path}`
          : `loading the built-in Docker ${options.dockerVersion} ruleset (no committed one yet)`,
      );
      if (committed?.ipset) {
        const found = await runCommand(["sh", "-c", "command -v ipset"], { allowFailure: true });
        if (found.code !== 0)
          throw new CaptureError(
            `${committed.path} holds ipsets ('create' lines), and 'ipset' is not installed`,
            "install it (Debian: apt-get install ipset), or remove the ipset section and its -m set rules",
          );
        // Before the rules: iptables-restore refuses a -m set rule whose set does not exist.
        await runner.run(inNetns(host, ["ipset", "restore"]), { input: committed.ipset });
      }
      await runner.run(inNetns(host, ["iptables-restore"]), {
        input: committed?.iptables || dockerRuleset(options.dockerVersion),
      });
      if (committed?.bridge)
        await runner.run(inNetns(host, ["ebtables-restore"]), { input: committed.bridge });
      const saved = await runner.run(inNetns(host, ["iptables-save"]));
      const bridgeSaved = await runner.run(inNetns(host, ["ebtables-save"]), { allowFailure: true });
      const setsSaved = committed?.ipset ? (await runner.run(inNetns(host, ["ipset", "save"]))).stdout : "";
      baseRuleset = rulesetName(options.dockerVersion);
      const stable = stableRuleset(
        saved.stdout,
        bridgeSaved.stdout,
        `Docker ${options.dockerVersion} default bridge with -p ${"8080:80"} on c1, as loaded in the lab's Docker host namespace.`,
        setsSaved,
      );
      rulesets.set(baseRuleset, rulesetToWrite(stable, committed));
    }
    await control.phase("lab-built");
    if (nft) {
      await runner.run(inNetns(host, ["nft", "-f", "-"]), {
        // Planned from the ruleset just loaded (the committed one, or Docker's), as simulate plans it.
        input:
          options.mode === "log"
            ? nftLogRulesText(tag, committed?.text ?? dockerNftRuleset())
            : nftTraceRulesText(),
      });
      if (options.mode === "log") reader = new KernelLogReader();
    } else if (options.mode === "log") {
      const rules = buildLogRules({ tag });
      await runner.run(inNetns(host, ["iptables-restore", "--noflush"]), {
        input: iptablesRestoreText(rules, comment, "insert"),
      });
      for (const rule of rules)
        if (rule.family === "bridge") await runner.run(inNetns(host, ebtablesArgv(rule, "insert")));
      reader = new KernelLogReader();
    } else {
      for (const argv of traceRuleArgvs(DEFAULT_IP_MATCHES, comment, "insert"))
        await runner.run(inNetns(host, argv));
    }
    await control.phase("rules-inserted");
    const hostSysctls = {
      "net.bridge.bridge-nf-call-iptables": await netnsSysctl(host, "net.bridge.bridge-nf-call-iptables"),
    };
    const traces: TraceToWrite[] = [];
    const empty: string[] = [];
    for (const scenario of options.scenarios) {
      if (!scenario.modes.includes(options.mode)) continue;
      say(`${scenario.name}: ${displayCommand(scenario.command).join(" ")}`);
      await runner.run(inNetns(host, ["conntrack", "-F"]), { allowFailure: true });
      const restore: Record<string, string> = {};
      for (const [key, value] of Object.entries(scenario.sysctls ?? {})) {
        restore[key] = await netnsSysctl(host, key);
        control.check();
        await netnsSysctl(host, key, value);
      }
      for (const argv of scenario.setup ?? []) await runner.run(inNetns(host, argv));
      const rulesetUsed = scenario.ruleset ? `${baseRuleset}-${scenario.ruleset}` : baseRuleset;
      if (scenario.ruleset && nft && !rulesets.has(rulesetUsed))
        rulesets.set(
          rulesetUsed,
          rulesetToWrite(
            await savedNftRuleset(
              host,
              runner,
              `Docker 29's ruleset with the host's iptables ${scenario.ruleset.replace(/-/g, " ")} (scenario ${scenario.name})`,
            ),
            committedVariants.get(scenario.ruleset),
          ),
        );
      let lines: string[];
      let exitCode: number | null;
      if (reader) {
        reader.readNew();
        exitCode = await makeTraffic(scenario, names, runner);
        await control.phase("traffic-sent");
        await sleep(100);
        lines = linesWithTag(reader.readNew(), `${tag}/`);
      } else {
        const monitorArgv = nft ? ["nft", "monitor", "trace"] : ["xtables-monitor", "--trace"];
        const monitor = runner.start(inNetns(host, monitorArgv), {
          timeoutMs: 20_000,
        });
        await sleep(300);
        exitCode = await makeTraffic(scenario, names, runner);
        await control.phase("traffic-sent");
        await sleep(300);
        monitor.stop("SIGTERM");
        lines = (await monitor.done).stdout.split("\n").filter((line) => line.length > 0);
      }
      control.check();
      for (const argv of scenario.teardown ?? []) await runner.run(inNetns(host, argv));
      for (const [key, value] of Object.entries(restore)) await netnsSysctl(host, key, value);
      if (exitCode !== 0) say(`  warning: the traffic command exited with ${exitCode}`);
      const stem = traceStem(scenario.name, options.mode, nft ? "28" : options.dockerVersion);
      if (lines.length === 0) {
        say(`  0 lines: nothing recorded, ${stem} is not written`);
        empty.push(scenario.name);
        continue;
      }
      say(`  ${lines.length} lines`);
      traces.push({
        stem,
        lines,
        meta: {
          version: 1,
          scenario: stem,
          // Docker 27's recordings sit next to Docker 28's of the same scenario: the title tells them apart.
          title: `${scenario.title}${options.mode === "trace" ? " (TRACE)" : ""}${!nft && options.dockerVersion === "27" ? " (Docker 27 rules)" : ""}`,
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
          ruleset: rulesetUsed,
          sysctls: { ...hostSysctls, ...(scenario.sysctls ?? {}) },
          environment,
        },
      });
    }
    const why = empty.length ? whyEmpty(options.mode) : undefined;
    const names0 = [...rulesets.keys()];
    const lab: Lab = nft
      ? { ...labTopology(names0), name: NFT_LAB_NAME, description: NFT_LAB_DESCRIPTION, notes: NFT_LAB_NOTES }
      : { ...labTopology(names0), notes: LAB_NOTES };
    const written = traces.length
      ? writeLabFolder(
          options.outDir,
          lab,
          [...rulesets].map(([name, text]) => ({ name, text })),
          traces,
        )
      : [];
    await control.phase("written");
    if (why) {
      const others = traces.length
        ? ` (the other ${traces.length} ${traces.length === 1 ? "was" : "were"})`
        : "";
      throw new CaptureError(
        `${empty.length === 1 ? "scenario" : "scenarios"} ${empty.join(", ")} recorded 0 lines, so ${empty.length === 1 ? "it was" : "they were"} not written${others}${why.cause}`,
        why.hint,
      );
    }
    return { runId, traces, written };
  } finally {
    reader?.close();
    try {
      await undo();
      if (claimed) say(`run ${runId}: lab removed`);
    } finally {
      removeHandlers();
    }
  }
}

export { LAB_NAME };

/** The nft lab's folder name under `traces/`. */
export const NFT_LAB_NAME = "docker-bridge-nft";

const NFT_LAB_DESCRIPTION =
  "Docker's default bridge network rebuilt in network namespaces under Docker 29's nftables firewall backend: the ip docker-bridges table, no iptables chains.";

/** The nft lab's notes for `lab.json`. */
export const NFT_LAB_NOTES = [
  "Docker 29's nftables ruleset (--firewall-backend=nftables) for the default bridge with -p 8080:80 on c1, loaded with nft -f in the lab's Docker host namespace; no iptables or ebtables rules unless a scenario's ruleset names them.",
  "LOG mode: packetwalk's own base chains (table ip packetwalk, table bridge packetwalk) one priority step before each of Docker's base chains (raw-PREROUTING at -301, nat-PREROUTING and nat-OUTPUT at -101, filter-FORWARD at -1, nat-POSTROUTING at 99), at ip input (0), and at every bridge hook, each with a 'log prefix' rule for the lab's ICMP and TCP ports 80/8080. A prefix <tag>/nft/<family>/<table>/<chain> names the base chain the packet is about to enter; the ruleset files show Docker's rules without these tables.",
  "A LOG line before nat-PREROUTING or nat-OUTPUT is printed for every packet, though the NAT core runs those nat chains only for a connection's first packet.",
  "TRACE mode: 'meta nftrace set 1' in packetwalk's base chains at prerouting and output priority -301, and 'nft monitor trace' in the Docker host namespace, recorded verbatim.",
  "IPv6 is disabled in every namespace and neighbours are static, so no ARP or neighbour discovery appears.",
  "LOG in a network namespace needs net.netfilter.nf_log_all_netns=1 (set for the capture, restored afterwards).",
];

/** `nft -s list ruleset` without packetwalk's own tables, with a note: a lab ruleset file. */
async function savedNftRuleset(host: string, runner: Runner, note: string): Promise<string> {
  const listed = (await runner.run(inNetns(host, ["nft", "-s", "list", "ruleset"]))).stdout;
  return `# ${note}
# nft -s list ruleset
${withoutOwnTables(listed).trimEnd()}
`;
}

/** Removes `table <family> packetwalk { ... }` blocks from `nft list ruleset` text. */
export function withoutOwnTables(text: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split("\n")) {
    if (!skipping && new RegExp(`^table \\S+ ${NFT_OWN_TABLE} \\{`).test(line)) skipping = true;
    else if (!skipping) out.push(line);
    else if (line === "}") skipping = false;
  }
  return out.join("\n");
}
