/**
 * A rule whose match the simulator does not model (`-m cpu`, nft `meta cpu`) is followed
 * both ways, as a chance rule is: a LOG behind it stays decided with its line optional, a DROP behind
 * it is uncertain and names what matching would do, and `check` accepts a recording that agrees
 * with either way. The same rules in every form a machine prints them (iptables-save, nft list
 * ruleset, nft -j list ruleset; test/fixtures/unmodelled-match/).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { checkConformance } from "../../../src/core/simulate/conformance.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario, type ScenarioSpec } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { UNMODELLED_MATCH_HINT } from "../../../src/core/simulate/unmodelled-hints.ts";
import { buildWorld, loadLab } from "../../../src/lab/load-lab.ts";
import { labWorld, textWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/unmodelled-match");
const read = (file: string) => readFileSync(join(DIR, file), "utf8");
const IPTABLES = read("iptables-save.rules");

function world(text: string, file: string): World {
  const ruleset = parseRulesetFile(text, file);
  expect(ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { ...labWorld(), ruleset };
}

// Container to container over the bridge: br_netfilter runs the IPv4 hooks, FORWARD included.
const PING: ScenarioSpec = { from: "c1", to: "172.17.0.3", proto: "icmp" };
const WEB: ScenarioSpec = { from: "c1", to: "172.17.0.3", proto: "tcp", dport: 80 };

/** What the kernel logs when the cpu match holds or not. */
function recording(spec: ScenarioSpec, matched: boolean): string {
  const text = matched
    ? IPTABLES.replaceAll("-m cpu --cpu 0 ", "")
    : IPTABLES.split("\n")
        .filter((l) => !l.includes("-m cpu"))
        .join("\n");
  const run = runScenario(world(text, "kernel.rules"), spec);
  expect(run.packets.every((p) => p.unmodelled.length === 0)).toBe(true);
  return `${toTrace(run.packets).lines.join("\n")}\n`;
}

const FORMS = [
  { file: "iptables-save.rules", what: "-m cpu --cpu 0" },
  { file: "nft-list.nft", what: "meta cpu 0" },
  { file: "nft-list.json", what: "meta cpu 0" },
];

describe.each(FORMS)("an unmodelled match on a logging rule, from $file", ({ file, what }) => {
  const ruleset = parseRulesetFile(read(file), file);
  const w = world(read(file), file);
  const check = (log: string, spec: ScenarioSpec) =>
    checkConformance(w, parseTraceText(log), { mode: "log", from: spec.from, proto: spec.proto });

  it("warns at the expression that the simulator follows both outcomes", () => {
    const warnings = ruleset.diagnostics.filter((d) => d.severity === "warning");
    expect(warnings.length).toBeGreaterThan(0);
    for (const d of warnings) {
      expect(d.message).toContain(what);
      expect(d.hint).toBe(UNMODELLED_MATCH_HINT);
    }
  });

  it("a LOG behind it decides nothing: the ping is certain, the FORWARD line optional", () => {
    const run = runScenario(w, PING);
    expect(run.packets.map((p) => [p.fate.kind, p.unmodelled])).toEqual([
      ["delivered", []],
      ["delivered", []],
    ]);
    const forward = run.packets[0]?.events.find((e) => e.chain.toUpperCase() === "FORWARD" && e.logs.length);
    expect(forward?.logs).toEqual([
      expect.objectContaining({ prefix: "t/iptable/filter-FORWARD ", chance: true }),
    ]);
    expect(forward?.uncertain).toBe(false);
  });

  it("a DROP behind it is uncertain from that rule, naming the expression and the other outcome", () => {
    const run = runScenario(w, WEB);
    const first = run.packets[0];
    expect(first?.fate.kind).toBe("delivered");
    expect(first?.unmodelled).toEqual([
      expect.objectContaining({ what, alternatives: ["if it matched: DROP"], ways: 2, way: 1 }),
    ]);
    expect(first?.events.find((e) => e.chain.toUpperCase() === "FORWARD" && e.logs.length)?.uncertain).toBe(
      true,
    );
  });

  it("check accepts a recording where the match held and one where it did not", () => {
    for (const matched of [true, false]) {
      const ping = check(recording(PING, matched), PING);
      expect(ping.divergences, `ping, matched: ${matched}`).toEqual([]);
      expect(ping.ways).toBeUndefined();
    }
    // The kernel dropped the SYN in FORWARD (the match held): only the replay that took the DROP agrees.
    const dropped = check(recording(WEB, true), WEB);
    expect(dropped.divergences).toEqual([]);
    expect(dropped.recorded.map((p) => p.hooks)).toEqual([["ip:mangle:PREROUTING", "ip:filter:FORWARD"]]);
    expect(dropped.ways).toEqual([
      expect.objectContaining({ what, way: 0, alternatives: ["if it did not match: ACCEPT"] }),
    ]);
    const accepted = check(recording(WEB, false), WEB);
    expect(accepted.divergences).toEqual([]);
    expect(accepted.recorded).toHaveLength(3);
  });

  it("still reports a recording that neither way explains", () => {
    // The request's certain PREROUTING line is missing: no way of the cpu rules explains that.
    const lines = recording(PING, true).split("\n");
    const log = lines
      .filter((_, k) => k !== lines.findIndex((x) => x.includes("mangle-PREROUTING")))
      .join("\n");
    expect(check(log, PING).divergences).not.toEqual([]);
  });
});

describe("an unmodelled match on a logging rule in a TRACE recording (the nft lab's container-to-wan-trace)", () => {
  const lab = loadLab(join(import.meta.dirname, "../../../traces/docker-bridge-nft"));
  const trace = lab.data.traces.find((t) => t.stem === "container-to-wan-trace");
  if (!trace?.meta.instrumentation) throw new Error("the nft lab's TRACE trace is missing");
  const meta = trace.meta;
  const TRACED = "meta l4proto icmp meta nftrace set 1";
  const RULE = 'meta cpu 0 log prefix "x: "';
  // The same instrumentation with a LOG behind an unmodelled match right after the TRACE rule.
  const text = (lab.data.rulesets[meta.instrumentation as string] as string).replace(
    `\t\t${TRACED}\n`,
    `\t\t${TRACED}\n\t\t${RULE}\n`,
  );
  const { world } = buildWorld(lab, {
    rulesetText: { text, file: "instrumented.rules" },
    sysctls: meta.sysctls,
  });
  const check = (log: string) =>
    checkConformance(world, parseTraceText(log), {
      mode: "trace",
      from: meta.traffic.from,
      proto: meta.traffic.proto,
    });

  it("agrees with the recording as it is (the match did not hold) and with one where the rule printed its step", () => {
    expect(text).toContain(RULE);
    expect(check(trace.text).divergences).toEqual([]);
    const matched = trace.text.replace(
      /^(trace id \S+ ip packetwalk trace-prerouting )rule meta l4proto icmp meta nftrace set 1 \(verdict continue\)$/gm,
      `$&\n$1rule ${RULE} (verdict continue)`,
    );
    expect(matched.split(RULE).length - 1).toBe(2);
    expect(check(matched).divergences).toEqual([]);
  });

  it("agrees with a recording where an undecided rule that would end the walk did not match (TRACE prints no line for it)", () => {
    // ufw's `-m recent --update ... -j ufw-user-limit`, kube-proxy's `-m statistic` pick: the kernel printed nothing
    // for the rule, and the simulator's UNKNOWN step (walked as not matched) was called a difference of rules.
    const DROP = "meta cpu 0 drop";
    const dropping = (lab.data.rulesets[meta.instrumentation as string] as string).replace(
      `\t\t${TRACED}\n`,
      `\t\t${TRACED}\n\t\t${DROP}\n`,
    );
    expect(dropping).toContain(DROP);
    const w = buildWorld(lab, {
      rulesetText: { text: dropping, file: "instrumented.rules" },
      sysctls: meta.sysctls,
    }).world;
    const r = checkConformance(w, parseTraceText(trace.text), {
      mode: "trace",
      from: meta.traffic.from,
      proto: meta.traffic.proto,
    });
    expect(r.divergences).toEqual([]);
    // Walked as not matched: the undecided rule is a step of the prediction the recording need not show.
    const steps = r.simulated[0]?.events.flatMap((e) => e.steps) ?? [];
    expect(steps.filter((x) => x.text === DROP).map((x) => x.verdict)).toEqual(["UNKNOWN"]);
  });

  it("still reports a recording neither way explains", () => {
    const cut = trace.text.replace(/^trace id \S+ ip docker-bridges raw-PREROUTING policy accept \n/m, "");
    expect(cut).not.toBe(trace.text);
    expect(check(cut).divergences).not.toEqual([]);
  });
});

describe("an undecided match whose matched way passes an unmodelled target", () => {
  it("names that target with the outcome (nft -j of Docker's swarm ingress: addrtype, then xt DNAT)", () => {
    const text = `table ip nat {
\tchain PREROUTING {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\txt match addrtype counter packets 0 bytes 0 jump DOCKER-INGRESS
\t}

\tchain DOCKER-INGRESS {
\t\ttcp dport 8080 counter packets 0 bytes 0 xt target DNAT
\t\tcounter packets 0 bytes 0 return
\t}
}
`;
    const p = runScenario(textWorld(text, "t.nft"), {
      from: "wan",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
    }).packets[0];
    expect(p?.unmodelled.map((u) => u.alternatives)).toEqual([
      ["if it matched: ACCEPT past unmodelled xt target DNAT"],
    ]);
  });
});
