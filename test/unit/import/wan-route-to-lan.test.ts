/**
 * The internet side's route to a LAN behind the host, which import cannot read (it has the host's
 * saves only). Two recorded routers (kernel 6.18): test/fixtures/import/wan-to-lan-route (nft 1.0.6
 * `table inet fw`; the tester's run script gives the wan namespace `ip route add 10.1.0.0/24 via
 * 203.0.113.10`, and the log shows its ping `fw-fwd IN=wan0 OUT=lan0 SRC=203.0.113.1
 * DST=10.1.0.2`, dropped by `from_wan`), and test/fixtures/import/policy-router-commands (iptables-nft
 * 1.8.9; an echo reply from 203.0.113.200 comes in on the second uplink wanb to the router's
 * 198.51.100.10 and is logged at `p-in`). import gave 'wan' (and 'wa') no route there, so its own
 * check said "wan has no route to 10.1.0.2" (and "wa has no route to 198.51.100.10"), not what the
 * kernel did. Now the route is inferred from the logged packet, to the subnet the host's saves
 * give, and said in a note.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const fixture = (name: string) =>
  readMaterial(join(import.meta.dirname, "../../fixtures/import", name, "material"), {}, () => "");
const tmp = tempDir("pw-import-wan-route-");

const plan = (m: ImportMaterial, lab: string, peers: string[]) =>
  planImport(m, {
    lab,
    date: "2026-12-07",
    hostName: "rtr",
    containers: [],
    peers: peers.map((p) => parseNamedAddress(p, "--peer")),
  });

const checked = (p: ReturnType<typeof plan>, lab: string) => {
  const folder = join(tmp(), lab);
  writePlan(p, folder);
  return checkLab(folder).map((c) => [c.trace.split("/").pop(), c.ok, c.report]);
};

describe("a remote host whose packets the log shows reaching a LAN behind the host", () => {
  it("routes the LAN's subnet through the host, said in a note, and the check agrees with the kernel", () => {
    const p = plan(fixture("wan-to-lan-route"), "inet-router", ["lan=10.1.0.2"]);
    expect(p.questions).toEqual([]);
    const wan = p.lab?.hosts.find((h) => h.name === "wan");
    expect(wan?.routes).toEqual([
      { to: "203.0.113.0/24", dev: "eth0" },
      { to: "10.1.0.0/24", via: "203.0.113.10", dev: "eth0" },
    ]);
    expect(p.notes).toContain(
      "203.0.113.1 ('wan') reaches 10.1.0.2 (lan) through the host (the log's line 5), so it had a route there, which no save of 'wan' gives: 'wan' routes 10.1.0.0/24 to the host's 203.0.113.10 on wan0",
    );
    expect(p.scenarios.map((s) => [s.stem, s.meta.traffic.command.join(" "), s.meta.exitCode])).toEqual([
      ["lan-to-wan", "ping -c1 -W1 198.51.100.10", 0],
      ["wan-to-lan", "ping -c1 -W1 10.1.0.2", 1],
    ]);
    // The kernel forwarded it to lan0 and from_wan dropped it: so does the check now.
    expect(checked(p, "inet-router")).toEqual([
      ["lan-to-wan", true, ""],
      ["wan-to-lan", true, ""],
    ]);
  });

  it("takes no route from an answer whose lines may show the addresses conntrack gave back", () => {
    // lan's ping and its echo reply alone: the reply's `fw-fwd IN=wan0 OUT=lan0 DST=10.1.0.2` line is
    // after the un-MASQUERADE (203.0.113.1 sent it to the host's 203.0.113.10): no route.
    const m = fixture("wan-to-lan-route");
    const log = m.log.split("\n").slice(0, 4).join("\n");
    const p = plan({ ...m, log: `${log}\n`, command: undefined, exitCode: undefined }, "inet-router", [
      "lan=10.1.0.2",
    ]);
    expect(p.lab?.hosts.find((h) => h.name === "wan")?.routes).toEqual([
      { to: "203.0.113.0/24", dev: "eth0" },
    ]);
    expect(p.notes.join("\n")).not.toMatch(/reaches/);
  });

  it("that came in on another uplink: routed through the gateway's link, saying where it came in", () => {
    const p = plan(fixture("policy-router-commands"), "polrt", [
      "lan=10.3.0.2",
      "lan=10.3.0.3",
      "wa=203.0.113.1",
    ]);
    expect(p.questions).toEqual([]);
    expect(p.lab?.hosts.find((h) => h.name === "wa")?.routes).toContainEqual({
      to: "198.51.100.0/28",
      via: "203.0.113.10",
      dev: "eth0",
    });
    expect(p.notes).toContain(
      "203.0.113.200 ('wa') reaches 198.51.100.10 (rtr) through the host (the log's line 41; it came in on wanb, where the lab has no host, and 'wa' stands for every remote address), so it had a route there, which no save of 'wa' gives: 'wa' routes 198.51.100.0/28 to the host's 203.0.113.10 on wana",
    );
    // wa-to-rtr is placed now (no "wa has no route"), but check compares devices too: the kernel took
    // it in on wanb, where 'wa' (on wana) is not, and routed lan-to-wa-icmp out by an ip rule check does
    // not model (tester F8): both disagree on their devices, naming routing as the cause.
    const results = checked(p, "polrt");
    expect(results.map(([name, ok]) => [name, ok])).toEqual([
      ["lan-to-wa-icmp", false],
      ["lan-to-wa-udp", true],
      ["lan-to-wa", true],
      ["rtr-to-wa", true],
      ["wa-to-rtr", false],
    ]);
    for (const [name, ok, said] of results) {
      if (ok) continue;
      const report = String(said);
      expect(report, String(name)).toContain("packet 1: devices differ (kernel vs predicted)");
      expect(report, String(name)).toContain(
        "a routing rule (ip rule), or a route the lab lacks, would explain it",
      );
      expect(report, String(name)).not.toContain("has no route");
    }
  });
});
