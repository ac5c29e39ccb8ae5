/**
 * A step names its chain as the reader's tools do: an `nft monitor trace` line of an inet table
 * (`trace id … inet fw forward …`) is shown as `inet fw forward`, not as the hook id `ip:fw:forward`
 * (a table `ip fw` the ruleset does not have); LOG and TRACE steps keep their hook ids, and
 * `--json` keeps the ids whatever the source (its readers key on them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatPacket } from "../../../src/cli/packet-output.ts";
import { chainName } from "../../../src/core/model/chain-name.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";
import { labHookChains } from "../../../src/core/render/lab-hook-chains.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { stepChainName, stepLoggingChain } from "../../../src/core/render/step-chain-name.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";
import { parseAsShown } from "../../../src/lab/parse-as-shown.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/parse");

/** Every packet of a parse fixture's input. */
function packetsOf(fixture: string): Packet[] {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file: "input.log" });
  for (const line of readFileSync(join(FIXTURES, fixture, "input.log"), "utf8").split("\n"))
    parser.line(line);
  parser.end();
  return packets;
}

describe("chainName", () => {
  const router = packetsOf("real-nft-router-trace");
  const forwarded = router.find((p) => p.hooks.includes("ip:fw:forward"));

  it("names an inet table's chain as nft does, in the parse command's text output", () => {
    expect(forwarded).toBeDefined();
    const p = forwarded as Packet;
    expect(p.events.map(chainName)).toEqual(p.events.map((e) => e.prefix));
    const text = formatPacket(p, "human");
    expect(text).toContain("    inet fw forward");
    expect(text).toContain("    ip nat prerouting");
    expect(text).toContain("rewrite dnat between ip nat prerouting and inet fw forward:");
    expect(text).not.toContain("ip:fw:forward");
  });

  it("keeps the hook ids in --json", () => {
    const json = JSON.parse(formatPacket(forwarded as Packet, "json")) as {
      hooks: string[];
      events: { hook: string }[];
    };
    expect(json.hooks).toContain("ip:fw:forward");
    expect(json.events.map((e) => e.hook)).toContain("ip:fw:forward");
  });

  it("keeps the hook id of a LOG step, whose prefix is the rule's own words", () => {
    const log = packetsOf("real-container-to-wan")[0];
    expect(log).toBeDefined();
    const p = log as Packet;
    expect(p.events.map(chainName)).toEqual(p.hooks);
  });
});

describe("stepChainName", () => {
  const folder = join(import.meta.dirname, "../../../traces/docker-bridge-nft");
  const data = readTraceFolder(folder);
  const chains = labHookChains(
    data.traces.map((t) => t.meta),
    data.rulesets,
  );

  it("names a LOG step at an nftables lab's base chain as nft does, the recording's own logging chains by the chain that logs", () => {
    const trace = data.traces.find((t) => t.stem === "container-to-wan");
    if (!trace) throw new Error("docker-bridge-nft/container-to-wan is recorded");
    const request = parseAsShown(trace).packets.find((p) => p.direction === "request");
    const steps = request?.events.map((e) => stepChainName(e, chains)) ?? [];
    expect(steps).toContain("ip docker-bridges nat-PREROUTING");
    expect(steps).toContain("ip docker-bridges filter-FORWARD");
    // The recording's bridge logging chain is `log-PREROUTING`: its LOG prefix names the hook, not the chain.
    expect(steps).toContain("bridge packetwalk log-PREROUTING");
    expect(steps).not.toContain("bridge packetwalk PREROUTING");
    expect(steps.filter((s) => s.startsWith("ip:") || s.startsWith("bridge:"))).toEqual([]);
    // Without a lab's chains (an iptables lab), the ids.
    expect(request?.events.map((e) => stepChainName(e))).toEqual(request?.hooks);
  });

  it("leaves a logging step by its id when two chains write its prefix (no step could say which one logged)", () => {
    const ruleset = [
      "table bridge pw {",
      '  chain a { type filter hook input priority 0; policy accept; log prefix "pw/in" }',
      '  chain b { type filter hook input priority 1; policy accept; log prefix "pw/in" }',
      '  chain c { type filter hook forward priority 0; policy accept; log prefix "pw/fwd " }',
      "}",
      "",
    ].join("\n");
    const lab = "table bridge lab {\n  chain x { type filter hook forward priority 0; policy accept; }\n}\n";
    const chains = labHookChains([{ ruleset: "lab", instrumentation: "pw" }], { lab, pw: ruleset });
    const step = (prefix: string, hook: string) =>
      stepChainName({ source: "log", prefix, hook: hook as Packet["hooks"][number] }, chains);
    expect(step("pw/in", "bridge:pw:INPUT")).toBe("bridge:pw:INPUT");
    // The prefix as the log line ends it (nft writes it as given; the trailing space is LOG's separator).
    expect(step("pw/fwd", "bridge:pw:FORWARD")).toBe("bridge pw c");
    // A TRACE line's prefix is its own words, never a LOG prefix.
    expect(stepChainName({ source: "trace", prefix: "pw/fwd", hook: "bridge:pw:FORWARD" }, chains)).toBe(
      "bridge:pw:FORWARD",
    );
  });

  it("names a step after its logging chain when the lab chain its prefix names then did not run, and marks the map's box, not that chain", () => {
    // docker-29-nft with FORWARD policy drop in iptables' filter table: the ping's last line is printed by
    // `ip packetwalk log-filter-FORWARD` (priority -1); `ip filter FORWARD` drops it before Docker's chain runs.
    const { trace } = annotateRecorded(folder, "container-to-wan-forward-drop");
    const request = trace.packets.find((p) => p.direction === "request") as Packet;
    const last = request.events[request.events.length - 1];
    if (!last) throw new Error("the request has lines");
    expect(last.hook).toBe("ip:docker-bridges:filter-FORWARD");
    expect(last.crossed?.map((c) => `${c.table} ${c.chain} ${c.verdict}`)).toContain("filter FORWARD DROP");
    expect(stepChainName(last, chains)).toBe("ip packetwalk log-filter-FORWARD");
    expect(stepLoggingChain(last, chains)).toEqual({
      family: "ip",
      table: "packetwalk",
      chain: "log-filter-FORWARD",
    });
    const plan = planPath(request, "nft", {}, undefined, chains);
    const step = plan.steps[plan.steps.length - 1];
    expect(step?.slot).toBe(step?.key);
    // The steps before ran their lab chains: named and marked at them.
    const nat = plan.steps.find((s) => s.hook === "ip:docker-bridges:nat-PREROUTING");
    expect(nat && stepChainName(nat.event, chains)).toBe("ip docker-bridges nat-PREROUTING");
    expect(nat?.slot).not.toBe(nat?.key);
    // Without the simulator's walk the line's own chain is all there is to name.
    const { crossed: _, ...bare } = last;
    expect(stepChainName(bare, chains)).toBe("ip docker-bridges filter-FORWARD");
  });
});
