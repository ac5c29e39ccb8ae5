/**
 * The sysctls the site shows of a trace, on real labs: every committed lab of traces/ (each has a
 * bridge), and a NAT router imported from recorded material (test/fixtures/import/nat-router-dmesg),
 * which has none. Before, the router's trace pages listed `net.bridge.bridge-nf-call-iptables=1`
 * (from its `sysctl -a`: br_netfilter was loaded on the machine, but no frame of the lab is bridged),
 * and the trace index showed `route_localnet=0` under every trace of nine labs as a fact telling
 * traces apart: it is the kernel's default and the same in every trace of each of them. The index
 * showed any sysctl at 0; now it shows the sysctls whose value differs between the lab's traces.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTraceFolder, type TraceEntry } from "../../../src/core/trace-file/read-trace-folder.ts";
import type { Lab } from "../../../src/core/trace-file/schema.ts";
import {
  distinguishingSysctls,
  labHasBridge,
  shownSysctls,
  sysctlApplies,
} from "../../../src/site/sysctl-facts.ts";
import { importNatRouter, NAT_ROUTER_MATERIAL } from "../../helpers/import-nat-router.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const TRACES = join(import.meta.dirname, "../../../traces");
const tmp = tempDir("pw-sysctl-facts-");

/** A lab folder read as the site reads it. */
function labAt(folder: string): { lab: Lab; traces: TraceEntry[] } {
  const read = readTraceFolder(folder);
  if (!read.lab) throw new Error(read.errors.join("\n"));
  return { lab: read.lab, traces: read.traces };
}
const committed = readdirSync(TRACES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => ({ name: e.name, ...labAt(join(TRACES, e.name)) }));
/** The index's sysctl facts of each trace of a lab, by stem. */
function factsOf(l: { lab: Lab; traces: TraceEntry[] }): Record<string, string[]> {
  const all = l.traces.map((t) => ({ meta: t.meta, lab: l.lab }));
  return Object.fromEntries(
    l.traces.map((t) => [t.stem, distinguishingSysctls({ meta: t.meta, lab: l.lab }, all)]),
  );
}
const lab = (name: string) => {
  const found = committed.find((l) => l.name === name);
  if (!found) throw new Error(`no lab ${name}`);
  return found;
};

describe("the sysctls of a lab without a bridge", () => {
  it("leaves the bridge's out of the trace page, and shows none as a fact telling traces apart", async () => {
    const out = join(tmp(), "traces");
    expect((await importNatRouter(NAT_ROUTER_MATERIAL, out)).code).toBe(0);
    const router = labAt(join(out, "nat-router"));
    expect(labHasBridge(router.lab)).toBe(false);
    expect(router.traces.map((t) => t.stem)).toEqual(["laptop-to-wan-tcp", "laptop-to-wan"]);
    for (const t of router.traces) {
      // What the trace records (the machine's sysctl -a), and what its page lists.
      expect(t.meta.sysctls).toEqual({
        "net.ipv4.ip_forward": "1",
        "net.bridge.bridge-nf-call-iptables": "1",
        "net.ipv4.conf.all.route_localnet": "0",
      });
      expect(shownSysctls(t.meta, router.lab)).toEqual([
        ["net.ipv4.ip_forward", "1"],
        ["net.ipv4.conf.all.route_localnet", "0"],
      ]);
    }
    expect(factsOf(router)).toEqual({ "laptop-to-wan": [], "laptop-to-wan-tcp": [] });
    expect(sysctlApplies("brport.lan0.hairpin_mode", router.lab)).toBe(false);
    expect(sysctlApplies("net.ipv4.conf.all.route_localnet", router.lab)).toBe(true);
  });
});

describe("the sysctls of the committed labs", () => {
  it("are all listed on their trace pages: every lab has a bridge", () => {
    expect(committed.length).toBeGreaterThanOrEqual(11);
    for (const l of committed) {
      expect(labHasBridge(l.lab), l.name).toBe(true);
      for (const t of l.traces)
        expect(shownSysctls(t.meta, l.lab), t.stem).toEqual(Object.entries(t.meta.sysctls));
    }
  });

  it("show no route_localnet=0, the same in every trace of a lab, as a fact", () => {
    const withIt = committed.filter((l) =>
      l.traces.every((t) => t.meta.sysctls["net.ipv4.conf.all.route_localnet"] === "0"),
    );
    expect(withIt.map((l) => l.name).sort()).toEqual([
      "dual-stack",
      "fail2ban-ipset",
      "nft-icc-routed",
      "nft-internal-unprotected",
      "nft-routed-v6",
      "rpfilter",
      "two-networks",
      "ufw-docker",
      "user-network",
    ]);
    for (const l of withIt)
      for (const [stem, f] of Object.entries(factsOf(l)))
        expect(
          f.filter((x) => x.includes("route_localnet")),
          `${l.name}/${stem}`,
        ).toEqual([]);
    // Nor any other sysctl where all the lab's traces were recorded with the same (all but user-network).
    for (const l of withIt.filter((x) => x.name !== "user-network"))
      for (const [stem, f] of Object.entries(factsOf(l))) expect(f, `${l.name}/${stem}`).toEqual([]);
  });

  it("show the sysctls the lab's traces differ in, each trace its own value", () => {
    const docker = factsOf(lab("docker-bridge"));
    expect(docker["container-to-container-nobrnf"]).toEqual(["bridge-nf-call-iptables=0"]);
    expect(docker["container-to-container"]).toEqual(["bridge-nf-call-iptables=1"]);
    // A simulated trace without sysctls of its own runs with lab.json's: bridge-nf-call-iptables=1.
    expect(lab("docker-bridge").traces.find((t) => t.stem === "sim-forward-drop")?.meta.sysctls).toEqual({});
    expect(docker["sim-forward-drop"]).toEqual(["bridge-nf-call-iptables=1"]);
    expect(docker["sim-hairpin"]).toEqual(["bridge-nf-call-iptables=1", "brport.veth-c1.hairpin_mode=1"]);
    // user-network: one trace of seven recorded without br_netfilter calling iptables.
    const user = Object.entries(factsOf(lab("user-network")));
    expect(user.filter(([, f]) => f.includes("bridge-nf-call-iptables=0")).length).toBe(1);
    expect(user.filter(([, f]) => f.includes("bridge-nf-call-iptables=1")).length).toBe(6);
    expect(user.every(([, f]) => f.length === 1)).toBe(true);
  });
});
