/**
 * The `--host` code path for real: run against the lab's Docker host namespace
 * (standing in for a real Docker host's init namespace), with `ip netns exec`
 * in place of `docker exec`. It must log the traffic and then leave exactly the
 * rules that were there before. The lab is dual-stack here (ULA fd00:a::/64 on
 * the bridge, Docker's ip6tables rules loaded), so IPv6 containers are recorded
 * and imported too; and a failed insertion, a SIGTERM and a SIGKILL with
 * `undoRun` afterwards each leave the host's rules as they were.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { NF_LOG_ALL_NETNS, undoRun } from "../../../src/capture/cleanup.ts";
import { dockerRuleset } from "../../../src/capture/docker-ruleset.ts";
import { captureHost, writeHostFolders } from "../../../src/capture/host-capture.ts";
import { buildLabPlan, teardownPlan } from "../../../src/capture/lab-plan.ts";
import { LAB, netnsNames } from "../../../src/capture/lab-topology.ts";
import { netnsDirBefore, restoreNetnsDir } from "../../../src/capture/netns-dir.ts";
import { inNetns, runCommand } from "../../../src/capture/run-command.ts";
import { readRunState, releaseRun, statePath } from "../../../src/capture/run-state.ts";
import { checkLab } from "../../../src/cli/check-command.ts";
import { pauseLine, startNode } from "./machine-state.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the --host test: ${why}`);

// A run id no capture draws at random would still be fine; this one is fixed for readability.
const names = netnsNames("h0");
const plan = buildLabPlan(names);
// ip netns leaves /run/netns behind: put it back as it was, like a capture does.
const netnsDir = netnsDirBefore();
const ROOT = join(import.meta.dirname, "../../..");
const CHILD = join(import.meta.dirname, "host-capture-child.ts");
/** The lab's IPv6 addresses: ULA inside (the containers' link). */
const V6 = { bridge: "fd00:a::1", c1: "fd00:a::2", c2: "fd00:a::3" } as const;
const execIn = (container: string) => ["ip", "netns", "exec", container];
const containers6 = [
  { name: names.c1, ip: V6.c1 },
  { name: names.c2, ip: V6.c2 },
];

const nx = (ns: string, argv: string[], input?: string) =>
  runCommand(inNetns(ns, argv), input === undefined ? {} : { input });

/** Docker's ip6tables rules for the bridge with IPv6 (`--ipv6`): the IPv4 layout in IPv6 addresses. */
function docker6Ruleset(): string {
  return dockerRuleset("28", {
    bridge: LAB.bridge,
    subnetCidr: "fd00:a::/64",
    containers: [V6.c1, V6.c2],
    publishedTo: V6.c1,
    hostPort: LAB.publishedPort,
    containerPort: LAB.containerPort,
  })
    .replaceAll("/32 ", "/128 ")
    .replace("! -d 127.0.0.0/8", "! -d ::1/128")
    .replace(`--to-destination ${V6.c1}:`, `--to-destination [${V6.c1}]:`);
}

/** IPv6 on the bridge and both containers, as record-more.sh's add_ipv6 does (no DAD), and Docker's ip6tables rules. */
async function addIpv6(): Promise<void> {
  const { host, c1, c2 } = names;
  for (const ns of [host, c1, c2])
    for (const key of ["all", "default"])
      await nx(ns, ["sysctl", "-q", "-w", `net.ipv6.conf.${key}.disable_ipv6=0`]);
  await nx(host, ["sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1"]);
  await nx(host, ["sysctl", "-q", "-w", "net.bridge.bridge-nf-call-ip6tables=1"]);
  await runCommand(["ip", "-n", host, "-6", "addr", "add", `${V6.bridge}/64`, "dev", LAB.bridge, "nodad"]);
  // No static neighbours: neighbour discovery happens during the pings, and must not be logged.
  for (const [ns, ip] of [
    [c1, V6.c1],
    [c2, V6.c2],
  ] as const) {
    await runCommand(["ip", "-n", ns, "-6", "addr", "add", `${ip}/64`, "dev", "eth0", "nodad"]);
    await runCommand(["ip", "-n", ns, "-6", "route", "add", "default", "via", V6.bridge]);
  }
  await nx(host, ["ip6tables-restore"], docker6Ruleset());
}

/** Runs `run` with `PATH` set to `path` (the tools the capture finds, `ip netns exec` included), then puts it back. */
async function withPath<T>(path: string, run: () => Promise<T>): Promise<T> {
  const before = process.env.PATH;
  process.env.PATH = path;
  try {
    return await run();
  } finally {
    process.env.PATH = before;
  }
}

/** Every rule of the lab's host namespace, in each tool's own listing, without counters or timestamps. */
async function hostRules(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const argv of [["iptables-save"], ["ip6tables-save"], ["ebtables-save"], ["nft", "list", "ruleset"]])
    out[argv.join(" ")] = (await nx(names.host, argv)).stdout
      .replace(/^#.*\n/gm, "")
      .replace(/\[\d+:\d+\]/g, "")
      .replace(/counter packets \d+ bytes \d+/g, "counter");
  return out;
}

describe.skipIf(why !== undefined)("capture --host against the lab's host namespace", () => {
  const scratch = mkdtempSync(join(tmpdir(), "packetwalk-host-"));
  beforeAll(async () => {
    try {
      for (const step of plan) await runCommand(step.argv);
      await runCommand(inNetns(names.host, ["iptables-restore"]), { input: dockerRuleset("28") });
      await addIpv6();
    } catch (error) {
      for (const argv of teardownPlan(plan)) await runCommand(argv, { allowFailure: true });
      throw error;
    }
  });
  afterAll(async () => {
    // A test that failed between a kill and its own undo: its run is undone here, nothing stays.
    const left = readRunState();
    if (left.kind === "ok" && /^h\d$/.test(left.state.runId)) {
      await undoRun(left.state);
      releaseRun(left.state.createdDirs);
    }
    for (const argv of teardownPlan(plan)) await runCommand(argv, { allowFailure: true });
    if (netnsDir) await restoreNetnsDir(netnsDir);
    rmSync(scratch, { recursive: true, force: true });
  });

  it("logs the planned pings and removes exactly its tagged rules", async () => {
    const rulesBefore = await hostRules();
    const traces = await captureHost({
      containers: [
        { name: names.c1, ip: LAB.c1Ip },
        { name: names.c2, ip: LAB.c2Ip },
      ],
      netns: names.host,
      execIn,
      runId: "h1",
    });
    expect(traces.map((trace) => trace.scenario)).toEqual([
      "container-to-container",
      "host-to-container",
      "container-to-host",
    ]);
    for (const trace of traces) {
      expect(trace.lines.length, trace.scenario).toBeGreaterThan(0);
      for (const line of trace.lines) expect(line).toMatch(/^\[ *\d+\.\d{6}\] pwh1\/(ip|eb)table\//);
    }
    // Host to container leaves through OUTPUT, as the seed shows.
    expect(traces[1]?.lines.some((line) => line.includes("pwh1/iptable/filter-OUTPUT"))).toBe(true);
    // The rules were saved while installed, ip6tables' included.
    expect(traces[0]?.material?.["ip6tables-save.txt"]).toContain("--comment pw-h1 -j LOG --log-prefix");
    expect(await hostRules()).toEqual(rulesBefore);
  });

  it("a host without ip6tables still records IPv4, with a note, and is left as it was", async () => {
    const rulesBefore = await hostRules();
    // Every tool the capture runs, except the ip6tables family: as on a host without it.
    const bin = mkdtempSync(join(scratch, "no-ip6tables-"));
    const tools = ["ip", "iptables", "iptables-save", "iptables-restore", "ebtables", "ebtables-save"];
    for (const tool of [...tools, "nft", "ping", "sysctl", "uname", "bridge"]) {
      const found = (await runCommand(["sh", "-c", `command -v ${tool}`])).stdout.trim();
      symlinkSync(found, join(bin, tool));
    }
    const progress: string[] = [];
    const traces = await withPath(bin, () =>
      captureHost({
        containers: [{ name: names.c1, ip: LAB.c1Ip }],
        netns: names.host,
        execIn,
        runId: "h6",
        progress: (m) => progress.push(m),
      }),
    );
    expect(progress).toContainEqual(
      expect.stringMatching(
        /^note: IPv6 is not logged: ip6tables-restore does not run \(.+\); the IPv4 rules go in as planned$/,
      ),
    );
    expect(traces.map((t) => [t.scenario, t.lines.length > 0])).toEqual([
      ["host-to-container", true],
      ["container-to-host", true],
    ]);
    expect(traces[0]?.material?.["ip6tables-save.txt"]).toBeUndefined();
    expect(await hostRules()).toEqual(rulesBefore);
  });

  it("a host firewall's own LOG rule: its lines are kept with the run's, so the import's check agrees", async () => {
    // The host's own rule, in the saves import simulates: without its lines the check predicted lines the log lacked.
    const own = ["-I", "FORWARD", "1", "-p", "icmp", "-j", "LOG", "--log-prefix", "hostfw fwd: "];
    await nx(names.host, ["iptables", ...own]);
    try {
      const containers = [
        { name: names.c1, ip: LAB.c1Ip },
        { name: names.c2, ip: LAB.c2Ip },
      ];
      const traces = await captureHost({ containers, netns: names.host, execIn, runId: "h4" });
      const c2c = traces.find((t) => t.scenario === "container-to-container");
      expect(c2c?.lines.some((l) => / hostfw fwd: IN=/.test(l))).toBe(true);
      expect(c2c?.lines.some((l) => l.includes("pwh4/iptable/filter-FORWARD"))).toBe(true);
      const out = join(scratch, "own-log");
      const [dir] = writeHostFolders(c2c ? [c2c] : [], out, containers, () => {});
      const traced = join(scratch, "traces-own-log");
      const imported = await runCommand(
        [
          process.execPath,
          join(ROOT, "bin/packetwalk.mjs"),
          "import",
          dir as string,
          "--lab",
          "host-own-log",
          "--out",
          traced,
          "--date",
          "2026-12-01",
          ...containers.flatMap((c) => ["--container", `${c.name}=${c.ip}`]),
        ],
        { allowFailure: true, timeoutMs: 120_000 },
      );
      expect(imported.code, imported.stderr).toBe(0);
      const results = checkLab(join(traced, "host-own-log"));
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect(r.report, r.report).toBe("");
    } finally {
      await nx(names.host, [
        "iptables",
        "-D",
        "FORWARD",
        "-p",
        "icmp",
        "-j",
        "LOG",
        "--log-prefix",
        "hostfw fwd: ",
      ]);
    }
  });

  it("IPv6 containers: ICMPv6 echo is logged in ip6tables and on the bridge (no neighbour discovery), and the folders import into IPv6 scenarios that agree with the simulator", async () => {
    const rulesBefore = await hostRules();
    const progress: string[] = [];
    const traces = await captureHost({
      containers: containers6,
      netns: names.host,
      execIn,
      runId: "h2",
      progress: (m) => progress.push(m),
    });
    expect(traces.map((t) => [t.scenario, t.command.slice(-5).join(" "), t.exitCode])).toEqual([
      ["container-to-container", `ping -6 -c1 -W1 ${V6.c2}`, 0],
      ["host-to-container", `ping -6 -c1 -W1 ${V6.c1}`, 0],
      // The bridge's IPv6 address is read from the host: the one on c1's link.
      ["container-to-host", `ping -6 -c1 -W1 ${V6.bridge}`, 0],
    ]);
    for (const trace of traces) {
      expect(trace.lines.length, trace.scenario).toBeGreaterThan(0);
      for (const line of trace.lines) {
        // Echo request and reply only: neighbour discovery (made by these pings) would flood the log.
        if (line.includes("/ip6t/")) expect(line).toMatch(/ SRC=fd00:.* PROTO=ICMPv6 TYPE=12[89] /);
        // ebt_log prints no ICMPv6 type: the rule's 128:129 keeps the rest out (counted below).
        else expect(line).toMatch(/ pwh2\/ebtable\/.* proto = 0x86dd IPv6 SRC=fd00:.*Next Header=58$/);
      }
    }
    const [c2c, h2c, c2h] = traces.map((t) => t.lines.join("\n"));
    expect(c2c).toContain("pwh2/ip6t/filter-FORWARD");
    // One request and one reply crossed the bridge, and nothing else of IPv6.
    expect(c2c.match(/pwh2\/ebtable\/filter-FORWARD/g)).toHaveLength(2);
    expect(h2c).toContain("pwh2/ip6t/filter-OUTPUT");
    expect(c2h).toContain("pwh2/ip6t/filter-INPUT");
    expect(await hostRules()).toEqual(rulesBefore);

    const out = join(scratch, "v6");
    const dirs = writeHostFolders(traces, out, containers6, () => {});
    for (const dir of dirs) {
      const step = dir.split("/").at(-1) as string;
      const traces = join(scratch, `traces-${step}`);
      const imported = await runCommand(
        [
          process.execPath,
          join(ROOT, "bin/packetwalk.mjs"),
          "import",
          dir,
          "--lab",
          "host-v6",
          "--out",
          traces,
          "--date",
          "2026-12-01",
          ...containers6.flatMap((c) => ["--container", `${c.name}=${c.ip}`]),
        ],
        { allowFailure: true, timeoutMs: 120_000 },
      );
      expect(imported.code, `${step}: ${imported.stderr}`).toBe(0);
      const lab = join(traces, "host-v6");
      const results = checkLab(lab);
      expect(results.length, step).toBeGreaterThan(0);
      for (const r of results) expect(r.report, `${step}: ${r.report}`).toBe("");
      const metas = readdirSync(lab).filter((f) => f.endsWith(".json") && f !== "lab.json");
      expect(metas.length, step).toBeGreaterThan(0);
      for (const meta of metas) expect(readFileSync(join(lab, meta), "utf8"), meta).toMatch(/ICMPv6/);
    }
  });

  it("a rule insertion failing midway removes what went in, ip6tables' rules included", async () => {
    const rulesBefore = await hostRules();
    const sysctlBefore = readFileSync(NF_LOG_ALL_NETNS, "utf8");
    // The real ebtables, except that it refuses the last IPv6 bridge rule: everything before it is in.
    const real = (await runCommand(["sh", "-c", "command -v ebtables"])).stdout.trim();
    const shim = mkdtempSync(join(scratch, "shim-"));
    writeFileSync(
      join(shim, "ebtables"),
      `#!/bin/sh\ncase "$*" in *"-I POSTROUTING"*IPv6*) echo "refused by the test" >&2; exit 1;; esac\nexec ${real} "$@"\n`,
    );
    chmodSync(join(shim, "ebtables"), 0o755);
    await expect(
      withPath(`${shim}:${process.env.PATH}`, () =>
        captureHost({ containers: containers6, netns: names.host, execIn, runId: "h3" }),
      ),
    ).rejects.toThrow(/ebtables -t nat -I POSTROUTING 2 .*refused by the test/);
    expect(await hostRules()).toEqual(rulesBefore);
    expect(existsSync(statePath())).toBe(false);
    expect(readFileSync(NF_LOG_ALL_NETNS, "utf8")).toBe(sysctlBefore);
  });

  it("SIGTERM while the rules are in removes them all", async () => {
    const rulesBefore = await hostRules();
    const run = startNode(
      [CHILD, JSON.stringify({ containers: containers6, netns: names.host, runId: "h4" })],
      { PACKETWALK_TEST_PAUSE: "rules-inserted" },
    );
    await run.waitFor(pauseLine("rules-inserted"));
    expect((await nx(names.host, ["ip6tables-save"])).stdout).toContain("pwh4/ip6t/filter-FORWARD");
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).not.toMatch(/cleanup failed/);
    expect(await hostRules()).toEqual(rulesBefore);
    expect(existsSync(statePath())).toBe(false);
  });

  it("SIGTERM and SIGINT during the teardown do not cut it short", async () => {
    const rulesBefore = await hostRules();
    const run = startNode(
      [CHILD, JSON.stringify({ containers: containers6, netns: names.host, runId: "h7" })],
      { PACKETWALK_TEST_PAUSE: "teardown,teardown-netns-removed" },
    );
    await run.waitFor(pauseLine("teardown"));
    run.child.kill("SIGTERM");
    // The planned removal has run; the sysctl and the state file are next.
    await run.waitFor(pauseLine("teardown-netns-removed"));
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain("packetwalk: SIGINT: still removing the lab, please wait");
    expect(result.stderr).not.toMatch(/cleanup failed/);
    expect(await hostRules()).toEqual(rulesBefore);
    expect(existsSync(statePath())).toBe(false);
  });

  it("after a SIGKILL, undoRun with the state file removes the ip6tables rules too", async () => {
    const rulesBefore = await hostRules();
    const sysctlBefore = readFileSync(NF_LOG_ALL_NETNS, "utf8");
    const run = startNode(
      [CHILD, JSON.stringify({ containers: containers6, netns: names.host, runId: "h5" })],
      { PACKETWALK_TEST_PAUSE: "rules-inserted" },
    );
    await run.waitFor(pauseLine("rules-inserted"));
    run.child.kill("SIGKILL");
    await run.done;
    expect((await nx(names.host, ["ip6tables-save"])).stdout).toContain("--comment pw-h5");
    const reading = readRunState();
    if (reading.kind !== "ok") throw new Error(`state file: ${reading.kind}`);
    expect(reading.state.hostRules?.ip6tables).toBe(true);
    // `capture --cleanup` would also remove the test's lab namespaces by name: undo the run itself.
    const undone = await undoRun(reading.state);
    expect(undone.problems).toEqual([]);
    expect(undone.removed).toContain("ip6tables rules tagged pw-h5");
    releaseRun(reading.state.createdDirs);
    expect(await hostRules()).toEqual(rulesBefore);
    expect(readFileSync(NF_LOG_ALL_NETNS, "utf8")).toBe(sysctlBefore);
  });
});
