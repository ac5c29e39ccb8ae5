/**
 * `packetwalk capture`: records traces from the real kernel in a namespace lab
 * (`--lab docker-bridge`), cleans up after a killed run (`--cleanup`), or logs a
 * real Docker host (`--host`).
 */
import { parseArgs } from "node:util";
import { CaptureError } from "../capture/capture-error.ts";
import { captureLab, captureUnavailable, NFT_LAB_NAME } from "../capture/capture-lab.ts";
import {
  findNftScenario,
  findScenario,
  NFT_SCENARIOS,
  SCENARIOS,
  type Scenario,
} from "../capture/capture-scenarios.ts";
import { checkOutDir } from "../capture/check-out-dir.ts";
import { cleanupLeftovers } from "../capture/cleanup.ts";
import { DOCKER_VERSIONS, type DockerVersion } from "../capture/docker-ruleset.ts";
import { runHostCapture } from "../capture/host-capture.ts";
import { LAB_NAME } from "../capture/lab-topology.ts";
import { InterruptedError } from "../capture/run-control.ts";

/** One line for `packetwalk --help`. */
export const summary = "record traces from the real kernel in a namespace lab";

const USAGE = `usage: packetwalk capture --lab docker-bridge [--mode log|trace] [--docker-version 27|28] [--out traces] [--scenario NAME...]
       packetwalk capture --cleanup
       packetwalk capture --host [--container NAME=IP...] [--wait SECONDS] [--out DIR] [--dry-run]

  --lab docker-bridge   build Docker's default bridge in network namespaces and record every scenario
  --lab docker-bridge-nft   the same lab under Docker 29's nftables ruleset (log base chains, nft monitor trace),
                        plus an iptables FORWARD policy DROP left on the host, failing and fixed
  --mode log|trace      LOG rules read from the kernel log (default), or TRACE via xtables-monitor
  --docker-version V    the Docker ruleset to load: 28 (default) or 27
  --out DIR             the traces folder (default: traces); files go to DIR/docker-bridge/
  --scenario NAME       record only NAME (repeatable); one of:
${SCENARIOS.map((s) => `                          ${s.name}${s.modes.includes("trace") ? " (log, trace)" : ""}`).join("\n")}
  --cleanup             remove what a killed capture left behind (namespaces pw-xx-*, the sysctl it changed)
  --host                log a real Docker host: tagged LOG rules in this namespace around docker0,
                        traffic with \`docker exec\` (or wait while you make it), then exact removal;
                        logs ICMP, and ICMPv6 echo (ip6tables, bridge) when the host has ip6tables
  --container NAME=IP   a container to ping (repeat; IPv4 or IPv6, one family: IPv6 pings with ping -6)
  --wait SECONDS        with --host: after the pings, record for SECONDS (0-600) while you make traffic
                        yourself; start it once the 'waiting' line appears (earlier traffic is not kept)
  --dry-run             with --host: print the rules it would insert and remove, and the pings, and exit
  The host's own logging rules (a LOG or log rule of its firewall) are kept in the saves import reads,
  so their lines are recorded too.

Needs root. Every packet stays inside namespaces the lab creates (TEST-NET addresses for the internet side).`;

function fail(message: string): number {
  process.stderr.write(`packetwalk capture: ${message}\n${USAGE}\n`);
  return 2;
}

/** Runs `packetwalk capture` with its own arguments; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  function parse(args: string[]) {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        lab: { type: "string" },
        mode: { type: "string", default: "log" },
        "docker-version": { type: "string", default: "28" },
        out: { type: "string", default: "traces" },
        scenario: { type: "string", multiple: true },
        cleanup: { type: "boolean", default: false },
        host: { type: "boolean", default: false },
        container: { type: "string", multiple: true },
        wait: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  }
  try {
    values = parse(argv).values;
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  try {
    if (values.cleanup) {
      const { removed, problems, warnings, keptStateFile } = await cleanupLeftovers();
      for (const item of removed) progress(`removed ${item}`);
      for (const warning of warnings) process.stderr.write(`packetwalk capture: warning: ${warning}\n`);
      for (const problem of problems) process.stderr.write(`packetwalk capture: error: ${problem}\n`);
      if (keptStateFile)
        process.stderr.write(`packetwalk capture: kept ${keptStateFile} for the next --cleanup\n`);
      if (removed.length === 0 && problems.length === 0 && warnings.length === 0)
        progress("nothing to clean up");
      return problems.length ? 1 : 0;
    }
    if (values.host) {
      return await runHostCapture({
        containers: values.container ?? [],
        waitSeconds: values.wait === undefined ? undefined : Number(values.wait),
        outDir: values.out ?? "traces",
        dryRun: values["dry-run"] ?? false,
        progress,
      });
    }
    if (values.lab !== "docker-bridge" && values.lab !== NFT_LAB_NAME) {
      return fail(
        values.lab
          ? `unknown lab '${values.lab}' (known: docker-bridge, ${NFT_LAB_NAME})`
          : `say which lab: --lab docker-bridge or --lab ${NFT_LAB_NAME}`,
      );
    }
    const nftLab = values.lab === NFT_LAB_NAME;
    const mode = values.mode;
    if (mode !== "log" && mode !== "trace") return fail(`--mode must be log or trace, not '${mode}'`);
    const version = values["docker-version"] as DockerVersion;
    if (!DOCKER_VERSIONS.includes(version))
      return fail(`--docker-version must be 27 or 28, not '${version}'`);
    const scenarios: Scenario[] = [];
    for (const name of values.scenario ?? []) {
      const scenario = nftLab ? findNftScenario(name) : findScenario(name);
      if (!scenario) return fail(`unknown scenario '${name}'`);
      if (!scenario.modes.includes(mode)) return fail(`scenario '${name}' is not recorded in ${mode} mode`);
      scenarios.push(scenario);
    }
    const outDir = values.out ?? "traces";
    // Before anything else: a destination that cannot take the files fails now, not after the recording.
    checkOutDir(outDir, nftLab ? NFT_LAB_NAME : LAB_NAME);
    const why = await captureUnavailable();
    if (why) {
      process.stderr.write(`packetwalk capture: ${why}\n`);
      return 1;
    }
    const result = await captureLab({
      mode,
      lab: nftLab ? NFT_LAB_NAME : "docker-bridge",
      dockerVersion: version,
      outDir,
      scenarios: scenarios.length ? scenarios : nftLab ? NFT_SCENARIOS : SCENARIOS,
      progress,
    });
    progress(`wrote ${result.written.length} files under ${outDir}/${values.lab}/`);
    return 0;
  } catch (error) {
    if (error instanceof InterruptedError) {
      process.stderr.write(`packetwalk capture: ${error.message}\n`);
      return error.exitCode;
    }
    const hint = error instanceof CaptureError && error.hint ? `hint: ${error.hint}\n` : "";
    process.stderr.write(`packetwalk capture: error: ${(error as Error).message}\n${hint}`);
    return 1;
  }
}
