/**
 * The simulator on Docker 29's nftables ruleset: base chains run by hook and priority (an
 * iptables-nft table among them), verdict maps jump to the per-bridge chains, DNAT and masquerade
 * go through the NAT core, and "accept is not final": an iptables FORWARD policy drop still drops
 * what Docker's chain accepted, until an accept rule there lets it through.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerNftRuleset } from "../../../src/capture/docker-nft-ruleset.ts";
import { hookSlots } from "../../../src/core/simulate/hook-order.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import type { World } from "../../../src/core/simulate/simulate-packet.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR } from "./helpers.ts";

const FORWARD_DROP =
  "table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n";
const FORWARD_DROP_FIXED =
  'table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\toifname "docker0" counter accept\n\t\tiifname "docker0" counter accept\n\t}\n}\n';

function world(text: string, sysctls: Record<string, string> = {}): World {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(text, "t.nft");
  expect(ruleset.diagnostics).toEqual([]);
  return { topology: buildTopology(lab), ruleset, ebtables: "nft", sysctls: { ...lab.sysctls, ...sysctls } };
}

const wanToPublished = { from: "wan", to: "203.0.113.2", proto: "tcp" as const, dport: 8080 };

describe("nft base chains at a hook", () => {
  it("run by priority, iptables-nft's table among Docker's, the later table first at a tie", () => {
    const w = world(
      readFileSync(join(import.meta.dirname, "../../fixtures/nft-ruleset/docker29/ruleset.nft"), "utf8"),
    );
    const names = (hook: string) =>
      hookSlots(w.ruleset, "ip", hook).map((s) => `${s.table.name}/${s.chain}@${s.priority}`);
    expect(names("PREROUTING")).toEqual([
      "pwlog/pre@-301",
      "docker-bridges/raw-PREROUTING@-300",
      "docker-bridges/nat-PREROUTING@-100",
    ]);
    // Recorded: iptables' filter table, created after Docker's, runs first at the tie.
    expect(names("FORWARD")).toEqual(["filter/FORWARD@0", "docker-bridges/filter-FORWARD@0"]);
    expect(names("INPUT")).toEqual([]);
  });
});

describe("a host firewall in nft next to an iptables-save", () => {
  const save = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
  const host =
    "table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n";
  const order = (text: string) =>
    hookSlots(parseRulesetFile(text, "t.rules"), "ip", "FORWARD").map((s) => `${s.table.name}/${s.chain}`);

  it("created after the iptables tables (no mark), it runs first at the tie, wherever it sits in the file", () => {
    expect(order(`${save}${host}`)).toEqual(["filter/forward", "filter/FORWARD"]);
    expect(order(`${host}${save}`)).toEqual(["filter/forward", "filter/FORWARD"]);
  });

  it("marked as created before them (as import writes it), it runs after them", () => {
    const marked = `# nft list ruleset: the host's own tables, created before the iptables tables\n${host}`;
    expect(order(`${marked}${save}`)).toEqual(["filter/FORWARD", "filter/forward"]);
  });
});

describe("Docker 29's ruleset", () => {
  it("publishes the port: DNAT in nat-PREROUTING, the vmap jumps to filter-forward-in__docker0, which accepts", () => {
    const r = runScenario(world(dockerNftRuleset()), wanToPublished);
    expect(r.stopped).toBeUndefined();
    const syn = r.packets[0];
    expect(syn?.fate).toEqual({ kind: "delivered", host: "c1" });
    expect(syn?.received).toMatchObject({ dst: "172.17.0.2", dport: 80 });
    const fwd = syn?.events.find((e) => e.hook === "ip:docker-bridges:filter-FORWARD");
    expect(fwd?.steps.map((s) => `${s.chain}:${s.verdict}:${s.target ?? ""}`)).toEqual([
      "filter-FORWARD:JUMP:filter-forward-in__docker0",
      "filter-forward-in__docker0:ACCEPT:",
    ]);
    expect(syn?.events.map((e) => e.hook)).toEqual([
      "ip:docker-bridges:raw-PREROUTING",
      "ip:docker-bridges:nat-PREROUTING",
      "ip:docker-bridges:filter-FORWARD",
      "ip:docker-bridges:nat-POSTROUTING",
    ]);
    // The SYN-ACK is established: the out-chain's conntrack rule accepts it, no nat chain runs.
    expect(r.packets[1]?.events.map((e) => e.hook)).toEqual([
      "ip:docker-bridges:raw-PREROUTING",
      "ip:docker-bridges:filter-FORWARD",
    ]);
  });

  it("masquerades a container's ping to the internet through nat-postrouting-out__docker0", () => {
    const r = runScenario(world(dockerNftRuleset()), { from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(r.stopped).toBeUndefined();
    expect(r.packets[0]?.received?.src).toBe("203.0.113.2");
    expect(r.packets[1]?.received?.dst).toBe("172.17.0.2");
  });

  it("drops a port the container does not publish at UNPUBLISHED PORT DROP (a DNAT to c1:81)", () => {
    const text = dockerNftRuleset().replace(
      "tcp dport 8080 counter dnat to 172.17.0.2:80",
      "tcp dport 8080 counter dnat to 172.17.0.2:81",
    );
    const r = runScenario(world(text), wanToPublished);
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:docker-bridges:filter-FORWARD" });
    if (r.packets[0]?.fate.kind === "dropped")
      expect(r.packets[0].fate.reason).toContain("UNPUBLISHED PORT DROP");
  });
});

describe("accept is not final", () => {
  it("an iptables FORWARD policy drop created after Docker's table runs first at the tie and drops", () => {
    const r = runScenario(world(dockerNftRuleset() + FORWARD_DROP), wanToPublished);
    expect(r.packets[0]?.events.map((e) => e.hook)).not.toContain("ip:docker-bridges:filter-FORWARD");
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
  });

  it("an iptables FORWARD policy drop drops what Docker's filter-FORWARD accepted", () => {
    // Listed (registered) first, the iptables table runs after Docker's at the same priority.
    const r = runScenario(world(FORWARD_DROP + dockerNftRuleset()), wanToPublished);
    const syn = r.packets[0];
    const docker = syn?.events.find((e) => e.hook === "ip:docker-bridges:filter-FORWARD");
    expect(docker?.verdict).toBe("ACCEPT");
    expect(syn?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
    if (syn?.fate.kind === "dropped")
      expect(syn.fate.reason).toBe("policy DROP of ip:filter:FORWARD (declared at line 2 of t.nft)");
  });

  it("the documented fix, accept rules in the iptables FORWARD chain, lets the connection through", () => {
    const r = runScenario(world(dockerNftRuleset() + FORWARD_DROP_FIXED), wanToPublished);
    expect(r.stopped).toBeUndefined();
    expect(r.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered", "delivered"]);
    const steps = r.packets[1]?.events.find((e) => e.hook === "ip:filter:FORWARD")?.steps;
    expect(steps?.map((s) => `${s.verdict} | ${s.text}`)).toEqual([
      'ACCEPT | iifname "docker0" counter accept',
    ]);
  });

  it("a drop in Docker's chain is final even when another table would accept", () => {
    const accepting =
      "table ip mine {\n\tchain fwdc {\n\t\ttype filter hook forward priority filter - 1; policy accept;\n\t\taccept\n\t}\n}\n";
    const text = dockerNftRuleset().replace("dnat to 172.17.0.2:80", "dnat to 172.17.0.2:81");
    const r = runScenario(world(text + accepting), wanToPublished);
    expect(r.packets[0]?.events.find((e) => e.hook === "ip:mine:fwdc")?.verdict).toBe("ACCEPT");
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:docker-bridges:filter-FORWARD" });
  });
});

describe("a dormant table", () => {
  const sleepy = (flags: string) =>
    `table ip sleepy {\n${flags}\tchain fw {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n`;
  const ping = { from: "c1", to: "198.51.100.10", proto: "icmp" as const };

  it("is not attached to its hooks: its forward policy drop does not drop", () => {
    const r = runScenario(world(dockerNftRuleset() + sleepy("\tflags dormant\n\n")), ping);
    expect(r.packets[0]?.events.map((e) => e.hook)).not.toContain("ip:sleepy:fw");
    expect(r.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered"]);
  });

  it("drops once awake (the same table without the flag)", () => {
    const r = runScenario(world(dockerNftRuleset() + sleepy("")), ping);
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:sleepy:fw" });
  });
});
