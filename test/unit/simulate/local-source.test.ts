/**
 * The source of a packet a host sends to one of its own IPv4 addresses is the local route's preferred
 * source: for a secondary address, the subnet's primary one (the kernel's fib_add_ifaddr gives the
 * secondary's local route the primary as prefsrc). Kernel 6.18 (a helper's run): the host's connection
 * to its secondary 203.0.113.11 left from 203.0.113.10, `ip route get 203.0.113.11` said `src
 * 203.0.113.10`; the simulator sent it from 203.0.113.11, which a rule on `ip saddr` would tell apart.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology, localSource } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const LAB = join(import.meta.dirname, "../../../traces/docker-bridge-nft/lab.json");

/** The lab with a second address, 203.0.113.3/24, on the host's eth0 after 203.0.113.2/24. */
function lab() {
  const json = JSON.parse(readFileSync(LAB, "utf8"));
  const host = json.hosts.find((h: { name: string }) => h.name === "host");
  host.interfaces.find((i: { name: string }) => i.name === "eth0").addresses.push("203.0.113.3/24");
  return labSchema.parse(json);
}

describe("the source of a packet to the host's own address", () => {
  const topo = buildTopology(lab());

  it("is the subnet's primary address for a secondary one, the address itself otherwise", () => {
    expect(localSource(topo, "host", "203.0.113.3")).toBe("203.0.113.2");
    expect(localSource(topo, "host", "203.0.113.2")).toBe("203.0.113.2");
    expect(localSource(topo, "host", "172.17.0.1")).toBe("172.17.0.1");
  });

  it("a connection from the host to its secondary address leaves from the primary", () => {
    const world = {
      topology: topo,
      ruleset: parseRulesetFile("", "none"),
      ebtables: "nft" as const,
      sysctls: lab().sysctls,
    };
    const run = runScenario(world, { from: "host", to: "203.0.113.3", proto: "tcp", dport: 8080 });
    expect(run.packets[0]?.sent.src).toBe("203.0.113.2");
  });
});
