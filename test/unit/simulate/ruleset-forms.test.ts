/**
 * One ruleset, every form a machine prints it in: iptables-legacy-save -c, iptables-nft-save, and
 * `nft list ruleset` of the iptables-nft tables (xt matches translated to nft's own) decide every
 * packet the same; `nft -j list ruleset` keeps xt matches untranslated, so there they are followed
 * both ways: a packet is uncertain where the ways differ, never decided otherwise without saying so.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario, type ScenarioSpec } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/ipt-docker28-icc-internal");
const scenarios = JSON.parse(readFileSync(join(DIR, "scenario.json"), "utf8")) as (ScenarioSpec & {
  name: string;
})[];

function fates(file: string) {
  const ruleset = parseRulesetFile(readFileSync(join(DIR, file), "utf8"), file);
  expect(ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return scenarios.map((s) => {
    const r = runScenario({ ...labWorld(), ruleset }, s);
    return {
      name: s.name,
      packets: r.packets.map((p) => ({
        fate: p.fate.kind === "dropped" ? `dropped at ${p.fate.hook}` : p.fate.kind,
        received: p.received && `${p.received.src} -> ${p.received.dst}:${p.received.dport ?? ""}`,
        uncertain: p.unmodelled.length > 0,
      })),
    };
  });
}

describe("one Docker 28 ruleset in every saved form", () => {
  const legacy = fates("ruleset.rules");

  it("is decided without uncertainty from iptables-legacy-save -c", () => {
    expect(legacy.flatMap((s) => s.packets.map((p) => p.uncertain))).not.toContain(true);
    expect(legacy.find((s) => s.name === "c1-to-c2-icc-off")?.packets[0]?.fate).toBe(
      "dropped at ip:filter:FORWARD",
    );
  });

  it("gives the same fates from iptables-nft-save and from nft list ruleset", () => {
    expect(fates("iptables-nft-save.rules")).toEqual(legacy);
    expect(fates("nft-list.nft")).toEqual(legacy);
  });

  it("from nft -j list ruleset: xt matches are followed both ways, decided only where the ways agree", () => {
    const json = fates("nft-list.json");
    const uncertain = json.filter((s) => s.packets[0]?.uncertain).map((s) => s.name);
    // The addrtype and conntrack matches decide these first packets: uncertain, never guessed.
    expect(uncertain).toEqual(
      expect.arrayContaining(["wan-to-published", "c1-to-c2-icc-off", "host-to-published"]),
    );
    // Where every way ends alike the packet is decided, and as the forms that print the match decide it.
    for (const s of json)
      if (!s.packets.some((p) => p.uncertain))
        expect(s, s.name).toEqual(legacy.find((l) => l.name === s.name));
    expect(json.filter((s) => !s.packets.some((p) => p.uncertain)).map((s) => s.name)).toEqual(
      expect.arrayContaining(["host-to-c1", "wan-to-unpublished"]),
    );
  });
});

describe("nft -n list ruleset (numbers for names)", () => {
  const dir = join(import.meta.dirname, "../../fixtures/nft-ruleset/numeric");
  const specs = JSON.parse(readFileSync(join(dir, "scenarios.json"), "utf8")) as (ScenarioSpec & {
    name: string;
  })[];
  const run = (file: string) => {
    const ruleset = parseRulesetFile(readFileSync(join(dir, file), "utf8"), file);
    return {
      errors: ruleset.diagnostics.filter((d) => d.severity === "error"),
      unmodelled: ruleset.diagnostics.filter((d) => d.severity === "warning").length,
      fates: specs.map((s) =>
        runScenario({ ...labWorld(), ruleset }, s).packets.map((p) => ({
          fate: p.fate.kind === "dropped" ? `dropped at ${p.fate.hook}` : p.fate.kind,
          received: p.received && `${p.received.src} -> ${p.received.dst}:${p.received.dport ?? ""}`,
          unmodelled: p.unmodelled.map((u) => u.line),
        })),
      ),
    };
  };

  it("reads ct state, fib types, tcp flags, nfproto and ct status bits as their names: same warnings and fates", () => {
    const named = run("ruleset.nft");
    const numeric = run("ruleset-n.nft");
    expect(numeric.errors).toEqual([]);
    expect(numeric.unmodelled).toBe(named.unmodelled);
    expect(numeric.fates).toEqual(named.fates);
    // The ct state vmap (`0x2 : accept`) lets the handshake's later packets through.
    const host8080 = specs.findIndex((s) => s.name === "host-8080");
    expect(named.fates[host8080]?.map((p) => p.fate)).toEqual(["delivered", "delivered", "delivered"]);
    // host-shapes' `meta l4proto tcp redirect to :3128` runs before Docker's DNAT in the NAT core (its
    // table was created later) and sends the SSH SYN to the host's port 3128, which its input chain drops.
    const wanSsh = named.fates[specs.findIndex((s) => s.name === "wan-ssh")];
    // The input chain's reject answers: its ICMP error reaches the wan.
    expect(wanSsh?.map((p) => p.fate)).toEqual(["dropped at ip:filter:input", "delivered"]);
  });
});

describe("nft list ruleset and iptables-legacy-save in one file", () => {
  const dir = join(import.meta.dirname, "../../fixtures/simulate/nft-plus-legacy-iptables");
  const text = readFileSync(join(dir, "ruleset.rules"), "utf8");
  const cut = text.indexOf("# Generated by iptables-legacy-save");

  it("reads both in either order, each positioned in the file", () => {
    const nftFirst = parseRulesetFile(text, "a.rules");
    const xtFirst = parseRulesetFile(text.slice(cut) + text.slice(0, cut), "b.rules");
    for (const r of [nftFirst, xtFirst]) {
      expect(r.diagnostics).toEqual([]);
      expect(r.nft?.map((t) => `${t.family} ${t.name}`)).toEqual(["ip docker-bridges"]);
      expect(r.ip.tables.get("filter")?.chains.get("FORWARD")?.policy).toBe("DROP");
    }
    expect(nftFirst.ip.tables.get("filter")?.chains.get("FORWARD")?.line).toBe(
      text.slice(0, text.indexOf(":FORWARD DROP")).split("\n").length,
    );
    expect(xtFirst.ip.tables.get("filter")?.chains.get("FORWARD")?.line).toBe(4);
    const spec = { from: "wan", to: "203.0.113.2", proto: "tcp" as const, dport: 8080 };
    const hooks = (ruleset: typeof nftFirst) =>
      runScenario({ ...labWorld(), ruleset }, spec).packets[0]?.events.map((e) => `${e.hook} ${e.verdict}`);
    expect(hooks(xtFirst)).toEqual(hooks(nftFirst));
    expect(hooks(nftFirst)?.at(-1)).toBe("ip:filter:FORWARD DROP");
  });
});
