/**
 * ipsets against the real kernel: the docker-bridge lab captured under a committed ruleset that
 * holds an `ipset save` section and `-m set` rules in DOCKER-USER (loaded with `ipset restore` in
 * the lab's namespace), then every captured trace checked against the simulator. The rules are
 * chosen so that a wrong reading of the kernel's set semantics changes a verdict: the WAN client
 * passes only because the most specific element of `wanside` is a `nomatch` exception, read with
 * `--return-nomatch`; the container's ping is dropped because its destination and ICMP type are not
 * a `hash:ip,port` element. Needs root, network namespaces and ipset; it says why when it skips.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLab, captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { SCENARIOS } from "../../../src/capture/capture-scenarios.ts";
import { runCommand } from "../../../src/capture/run-command.ts";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const ROOT = join(import.meta.dirname, "../../..");
const noIpset = (await runCommand(["sh", "-c", "command -v ipset"], { allowFailure: true })).code !== 0;
const why =
  (await captureUnavailable()) ?? (noIpset ? "'ipset' is not installed (Debian: ipset)" : undefined);
if (why) console.warn(`skipping the ipset capture test: ${why}`);

const SETS = `# ipset save
create wanside hash:net family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x0badcafe
add wanside 198.51.100.0/24
add wanside 198.51.100.10 nomatch
create pinghosts hash:ip,port family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x0badbeef
add pinghosts 198.51.100.20,icmp:echo-request
`;

const USER_RULES = [
  "-A DOCKER-USER -m set --match-set wanside src --return-nomatch -j RETURN",
  "-A DOCKER-USER -s 198.51.100.0/24 -j DROP",
  "-A DOCKER-USER -i docker0 -o eth0 -m set ! --match-set pinghosts dst,dst -j DROP",
].join("\n");

describe.skipIf(why !== undefined)("capturing the docker-bridge lab under a ruleset with ipsets", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "packetwalk-ipset-"));
    const base = readFileSync(join(ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");
    expect(base).toContain("-A DOCKER-USER -j RETURN");
    mkdirSync(join(out, "docker-bridge", "rulesets"), { recursive: true });
    writeFileSync(
      join(out, "docker-bridge", "rulesets", "docker-28.rules"),
      SETS + base.replace("-A DOCKER-USER -j RETURN", `${USER_RULES}\n-A DOCKER-USER -j RETURN`),
    );
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("records what the sets decide, and every trace agrees with the simulator", async () => {
    const scenarios = SCENARIOS.filter(
      (s) => s.name === "wan-to-published-port" || s.name === "container-to-wan",
    );
    expect(scenarios).toHaveLength(2);
    const result = await captureLab({ mode: "log", dockerVersion: "28", outDir: out, scenarios });
    expect(result.traces).toHaveLength(2);
    const lab = join(out, "docker-bridge");
    const hooks = (stem: string) =>
      parseTraceText(readFileSync(join(lab, `${stem}.log`), "utf8")).packets.map((p) => p.hooks.join(" "));
    // The kernel's verdicts: the WAN client reaches c1 (its SYN leaves FORWARD for POSTROUTING), the ping dies in FORWARD.
    const wan = hooks("wan-to-published-port");
    expect(wan.length).toBeGreaterThan(2);
    expect(wan[0]).toContain("ip:nat:POSTROUTING");
    const ping = hooks("container-to-wan");
    expect(ping).toHaveLength(1);
    expect(ping[0]).toContain("ip:filter:FORWARD");
    expect(ping[0]).not.toContain("POSTROUTING");
    // The ruleset the capture wrote back keeps the sets.
    expect(readFileSync(join(lab, "rulesets", "docker-28.rules"), "utf8")).toContain(
      "add wanside 198.51.100.10 nomatch",
    );
    const checks = checkLab(lab);
    expect(checks.map((c) => basename(c.trace)).sort()).toEqual([
      "container-to-wan",
      "wan-to-published-port",
    ]);
    for (const c of checks) expect(c.report, c.trace).toBe("");
    for (const c of checks) expect(c.ok, c.trace).toBe(true);
  }, 180_000);
});
