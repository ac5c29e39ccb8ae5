/**
 * The MAC of the `wan` host (the default gateway, standing for every remote address) on the
 * recorded home-router capture (test/fixtures/import/home-router): taken from any frame that came
 * in from behind the gateway, whatever address sorts first; given with `--peer NAME=GW,mac=MAC`;
 * asked for, with that flag, when the log shows it nowhere.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { type ImportPlan, planImport } from "../../../src/core/import/plan-import.ts";

const input = join(import.meta.dirname, "../../fixtures/import/home-router/input");
const material = readMaterial(input, {}, () => "");
const log = readFileSync(join(input, "kernel.log"), "utf8");
const lines = log.split("\n").filter(Boolean);
/** The laptop's DNS query to 10.255.255.53, forwarded out of wan0 and never answered. */
const query = lines.filter((l) => l.includes("DST=10.255.255.53"));
/** The log without the query: what the contributor recorded before (every remote address answered). */
const clean = lines.filter((l) => !l.includes("DST=10.255.255.53"));

function plan(
  logLines: readonly string[],
  peers = ["laptop=192.168.50.10"],
  existing?: ImportPlan,
): ImportPlan {
  return planImport(
    { ...material, log: `${logLines.join("\n")}\n`, command: undefined, exitCode: undefined },
    {
      lab: "home-router",
      date: "2026-12-03",
      containers: [],
      peers: peers.map((p) => parseNamedAddress(p, "--peer")),
      ...(existing?.lab ? { existing: { lab: existing.lab, rulesets: {}, stems: [] } } : {}),
    },
  );
}

/** The `eth0` of the lab's host `name`. */
function eth0(p: ImportPlan, name: string) {
  return p.lab?.hosts.find((h) => h.name === name)?.interfaces.find((i) => i.name === "eth0");
}

describe("the gateway's MAC", () => {
  it("comes from the frames that came in from behind it, though an unanswered address sorts first", () => {
    // 10.255.255.53 sorts before 198.51.100.10, and no frame came in from it.
    for (const text of [lines, [...clean, ...query], [...query, ...clean]]) {
      const p = plan(text);
      expect(p.questions).toEqual([]);
      expect(eth0(p, "wan")?.mac).toBe("52:54:00:bb:00:01");
      // Written where lab.json writes a MAC: second, after the name.
      expect(Object.keys(eth0(p, "wan") ?? {})).toEqual(["name", "mac", "addresses", "kind", "peer"]);
    }
  });

  it("is asked for, naming --peer NAME=GW,mac=MAC, when no frame came in from behind the gateway", () => {
    const p = plan(query);
    expect(p.lab).toBeUndefined();
    expect(p.questions).toEqual([
      "the gateway 203.0.113.1 ('wan', on wan0): no frame of the log came in on wan0 from it or from an address behind it, so its MAC is unknown, and the check needs it to send 'wan' the packets this log routes out of wan0 (else: \"no neighbour answers for 203.0.113.1\"): add it as --peer wan=203.0.113.1,mac=MAC (`ip neigh show 203.0.113.1 dev wan0` on the host prints it)",
    ]);
  });

  it("is taken from --peer NAME=GW,mac=MAC, which names the host too", () => {
    const p = plan(query, ["laptop=192.168.50.10", "upstream=203.0.113.1,mac=52:54:00:BB:00:01"]);
    expect(p.questions).toEqual([]);
    expect(eth0(p, "upstream")).toMatchObject({ mac: "52:54:00:bb:00:01", addresses: ["203.0.113.1/24"] });
    expect(p.scenarios.map((s) => `${s.stem} ${s.meta.traffic.to}`)).toEqual(["laptop-to-upstream upstream"]);
  });

  it("given, wins over the log's, and a difference is said", () => {
    const p = plan(lines, ["laptop=192.168.50.10", "wan=203.0.113.1,mac=52:54:00:bb:00:99"]);
    expect(eth0(p, "wan")?.mac).toBe("52:54:00:bb:00:99");
    expect(p.notes).toContain(
      "the gateway 203.0.113.1's MAC is given as 52:54:00:bb:00:99, but the frames that came in on wan0 from behind it came from 52:54:00:bb:00:01: 'wan' takes 52:54:00:bb:00:99, as given",
    );
  });

  it("is not asked for again when the lab on disk has it", () => {
    const p = plan(query, undefined, plan(lines));
    expect(p.questions).toEqual([]);
    expect(eth0(p, "wan")?.mac).toBe("52:54:00:bb:00:01");
  });

  it("a name given for an address behind the gateway is said to be unused", () => {
    const p = plan(lines, ["laptop=192.168.50.10", "server=198.51.100.10,mac=52:54:00:cc:00:10"]);
    expect(p.questions).toEqual([]);
    expect(p.lab?.hosts.map((h) => h.name)).toEqual(["host", "laptop", "wan"]);
    expect(p.notes).toContain(
      "server=198.51.100.10 is given, but 198.51.100.10 is on none of the host's links: it is an address of 'wan', behind the host's gateway 203.0.113.1, so its name and MAC are not used (name the gateway instead: --peer NAME=203.0.113.1[,mac=MAC])",
    );
  });

  it("--peer takes no port= (a container's bridge port), and says what it takes", () => {
    expect(() => parseNamedAddress("upstream=203.0.113.1,port=veth1", "--peer")).toThrow(
      "--peer upstream=203.0.113.1,port=veth1: a peer takes NAME=IP[,mac=MAC] (port= names a container's bridge port: --container NAME=IP,port=PORT)",
    );
    expect(parseNamedAddress("web=172.17.0.2,port=veth1", "--container").port).toBe("veth1");
  });
});

describe("the roles of the peers", () => {
  it("a peer on a LAN link is a LAN client, the gateway behind the default route's link the internet", () => {
    // Before, the laptop behind the router was filed under "internet": the trace index read "internet → internet".
    const p = plan(lines);
    expect(p.lab?.hosts.map((h) => [h.name, h.role])).toEqual([
      ["host", "docker-host"],
      ["laptop", "lan"],
      ["wan", "wan"],
    ]);
  });

  it("the gateway, named with --peer, stays the outside", () => {
    const p = plan(lines, ["laptop=192.168.50.10", "upstream=203.0.113.1"]);
    expect(p.lab?.hosts.find((h) => h.name === "upstream")?.role).toBe("wan");
  });
});
