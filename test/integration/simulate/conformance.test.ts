/**
 * The proof: every recorded trace under traces/ is simulated from its own lab, ruleset and sysctls
 * and must agree with the kernel, packet by packet (hooks, NAT rewrites; TRACE: matched rules).
 * A divergence fails with the readable kernel-vs-predicted diff.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import {
  checkConformance,
  commandAnswered,
  recordedPackets,
} from "../../../src/core/simulate/conformance.ts";
import { insertRules } from "../../../src/core/simulate/log-overlay.ts";
import { buildWorld, loadLab, recordedWorldOptions } from "../../../src/lab/load-lab.ts";

const TRACES = join(import.meta.dirname, "../../../traces");
const labs = readdirSync(TRACES)
  .map((d) => join(TRACES, d))
  .filter((d) => statSync(d).isDirectory() && readdirSync(d).includes("lab.json"));

describe("simulator conformance with the recorded traces", () => {
  it("finds recorded traces to check", () => {
    const count = labs.flatMap((l) => checkLab(l)).length;
    expect(count).toBeGreaterThan(0);
  });

  for (const lab of labs) {
    for (const result of checkLab(lab)) {
      it(`${result.trace} agrees with the kernel`, () => {
        expect(result.report, result.report).toBe("");
        expect(result.ok).toBe(true);
        expect(result.packets).toBeGreaterThan(0);
      });
    }
  }

  it("would catch a wrong model: legacy ebtables' bridge OUTPUT order diverges from the nft recording", () => {
    const dir = join(TRACES, "docker-bridge");
    const loaded = loadLab(dir);
    const trace = loaded.data.traces.find((t) => t.stem === "host-to-container");
    if (!trace) throw new Error("host-to-container is missing from traces/docker-bridge");
    const { world } = buildWorld(loaded, recordedWorldOptions(trace.meta));
    world.ebtables = "legacy";
    const r = checkConformance(world, parseTraceText(trace.text), {
      mode: "log",
      from: "host",
      proto: "icmp",
    });
    expect(r.divergences.map((d) => d.what)).toContain("hooks");
  });

  it("nft lab: simulated without its recorded log tables (no instrumentation), a LOG trace diverges", () => {
    const loaded = loadLab(join(TRACES, "docker-bridge-nft"));
    const trace = loaded.data.traces.find((t) => t.stem === "container-to-wan");
    if (!trace) throw new Error("container-to-wan is missing from traces/docker-bridge-nft");
    const parsed = parseTraceText(trace.text);
    const meta = { mode: "log" as const, from: "c1", proto: "icmp" as const };
    const recorded = buildWorld(loaded, recordedWorldOptions(trace.meta)).world;
    expect(checkConformance(recorded, parsed, meta).divergences).toEqual([]);
    const bare = buildWorld(loaded, { ruleset: trace.meta.ruleset, sysctls: trace.meta.sysctls }).world;
    expect(checkConformance(bare, parsed, meta).divergences.length).toBeGreaterThan(0);
  });

  it("nft lab: TRACE packets start at packetwalk's nftrace base chains, not at Docker's chains of the same hook", () => {
    const loaded = loadLab(join(TRACES, "docker-bridge-nft"));
    const trace = loaded.data.traces.find((t) => t.stem === "container-to-wan-trace");
    if (!trace) throw new Error("container-to-wan-trace is missing from traces/docker-bridge-nft");
    const packets = recordedPackets(parseTraceText(trace.text), "trace");
    expect(packets.map((p) => p.direction)).toEqual(["request", "reply"]);
    expect(packets[0]?.hooks).toEqual([
      "ip:packetwalk:trace-prerouting",
      "ip:docker-bridges:raw-PREROUTING",
      "ip:docker-bridges:nat-PREROUTING",
      "ip:docker-bridges:filter-FORWARD",
      "ip:docker-bridges:nat-POSTROUTING",
    ]);
  });

  it("would catch a reply dropped after its last logged hook, which ping says came back", () => {
    const loaded = loadLab(join(TRACES, "docker-bridge"));
    const trace = loaded.data.traces.find((t) => t.stem === "container-to-wan");
    if (!trace) throw new Error("container-to-wan is missing from traces/docker-bridge");
    const parsed = parseTraceText(trace.text);
    const answered = commandAnswered(trace.meta.traffic.command, trace.meta.exitCode);
    expect(answered).toBe(true);
    const meta = { mode: "log" as const, from: "c1", proto: "icmp" as const, answered };
    const { world } = buildWorld(loaded, recordedWorldOptions(trace.meta));
    expect(checkConformance(world, parsed, meta).divergences).toEqual([]);
    // A DROP under the capture's LOG rule in the bridge's last chain: every line is still written.
    const chain = world.ruleset.bridge.tables.get("nat")?.chains.get("POSTROUTING");
    const drop = ["-p", "IPv4", "--ip-proto", "icmp", "-j", "DROP"];
    const position = (chain?.rules.length ?? 0) + 1;
    expect(
      insertRules(world.ruleset, [
        { family: "bridge", table: "nat", chain: "POSTROUTING", position, args: drop },
      ]),
    ).toEqual([]);
    // Unchecked without the command's answer; with it, the reply's fate differs.
    expect(checkConformance(world, parsed, { ...meta, answered: undefined }).divergences).toEqual([]);
    const r = checkConformance(world, parsed, meta);
    expect(r.divergences.map((d) => [d.packet, d.what, d.kernel])).toEqual([
      [2, "fate", ["delivered: the command got its answer"]],
    ]);
    expect(r.divergences[0]?.predicted[0]).toMatch(/^dropped at bridge:nat:POSTROUTING/);
  });

  it("would catch an unanswered ping the simulator lets reach the recording host", () => {
    const loaded = loadLab(join(TRACES, "docker-bridge"));
    const trace = loaded.data.traces.find((t) => t.stem === "container-to-host");
    if (!trace) throw new Error("container-to-host is missing from traces/docker-bridge");
    // The request's lines only, as if a drop after its last logged hook (filter INPUT's end) ate it.
    const request = trace.text
      .split("\n")
      .filter((line) => /SRC=172\.17\.0\.2 /.test(line))
      .join("\n");
    const parsed = parseTraceText(request);
    const meta = { mode: "log" as const, from: "c1", proto: "icmp" as const };
    const { world } = buildWorld(loaded, recordedWorldOptions(trace.meta));
    expect(checkConformance(world, parsed, meta).divergences).toEqual([]);
    const r = checkConformance(world, parsed, { ...meta, answered: false });
    expect(r.divergences.map((d) => [d.packet, d.what, d.kernel, d.predicted])).toEqual([
      [1, "fate", ["not delivered: the command got no answer"], ["delivered to host"]],
    ]);
  });

  it("would catch a wrong sysctl: bridge-nf-call-iptables=0 against a recording made with 1", () => {
    const dir = join(TRACES, "docker-bridge");
    const loaded = loadLab(dir);
    const trace = loaded.data.traces.find((t) => t.stem === "container-to-container");
    if (!trace) throw new Error("container-to-container is missing");
    const { world } = buildWorld(loaded, {
      ...recordedWorldOptions(trace.meta),
      sysctls: { "net.bridge.bridge-nf-call-iptables": "0" },
    });
    const r = checkConformance(world, parseTraceText(trace.text), { mode: "log", from: "c1", proto: "icmp" });
    expect(r.divergences.length).toBeGreaterThan(0);
  });
});

describe("annotating a recorded LOG trace with the matched rules", () => {
  it("marks Docker's ACCEPT in filter FORWARD and the DNAT in nat PREROUTING of the published-port trace", async () => {
    const { annotateTrace } = await import("../../../src/core/simulate/annotate-trace.ts");
    const loaded = loadLab(join(TRACES, "docker-bridge"));
    const trace = loaded.data.traces.find((t) => t.stem === "wan-to-published-port");
    if (!trace) throw new Error("wan-to-published-port is missing");
    const { world } = buildWorld(loaded, recordedWorldOptions(trace.meta));
    const parsed = parseTraceText(trace.text);
    const a = annotateTrace(world, parsed, { from: "wan", proto: "tcp" });
    expect(a.divergences).toEqual([]);
    expect(a.annotated).toHaveLength(parsed.packets.length);
    const syn = a.trace.packets[0];
    const nat = syn?.events.find((e) => e.hook === "ip:nat:PREROUTING");
    expect(nat?.matched?.map((m) => m.verdict)).toEqual(["CONTINUE", "JUMP", "DNAT"]);
    const fwd = syn?.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect(fwd?.matched?.at(-1)).toMatchObject({ chain: "DOCKER", verdict: "ACCEPT" });
    expect(parsed.packets[0]?.events[0]?.matched).toBeUndefined();
  });
});

describe("the committed simulated traces are what the simulator says today", () => {
  const dir = join(TRACES, "docker-bridge");
  const simulated = loadLab(dir).data.traces.filter((t) => t.meta.origin === "simulated");

  it("exist, each with a question and a description", () => {
    expect(simulated.length).toBeGreaterThanOrEqual(5);
    for (const t of simulated) {
      expect(t.meta.question, t.stem).toBeTruthy();
      expect(t.meta.description, t.stem).toBeTruthy();
    }
  });

  for (const t of simulated) {
    it(`${t.stem}: re-simulating its command gives the same hooks and rewrites (regenerate it if the model changed)`, async () => {
      const { annotateRecorded } = await import("../../../src/lab/load-lab.ts");
      const a = annotateRecorded(dir, t.stem);
      expect(a.divergences).toEqual([]);
      expect(a.annotated.length).toBeGreaterThan(0);
    });
  }
});
