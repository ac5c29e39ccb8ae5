/**
 * test/fixtures/nft-ruleset/stateful-log-mark: rate limits, named objects, log statements, ether type
 * sets and marks set from maps, as written (load.nft) and as nft 1.0.6 listed them back (ruleset.nft,
 * ruleset.json: kernel 6.18, a throwaway namespace). Each form reads alike: a limit or a quota is a
 * match on earlier traffic, followed both ways; `log group N` (ulogd's copy) and `log level audit`
 * print no kernel log line (kernel 6.18 printed none to dmesg, see nft-log-secmark-names.test.ts); an
 * ether type set is decided, and matches no packet without an Ethernet header (nft guards it with
 * `meta iiftype ether`: kernel 6.18 counted no ping at output nor on lo for `ether type { ip, ip6 }`);
 * a mark set from a map is the element's (kernel 6.18: see nft-mark-from-map.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario, type ScenarioSpec } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/nft-ruleset/stateful-log-mark");
const FORMS = ["load.nft", "ruleset.nft", "ruleset.json"];
const read = (file: string) => parseRulesetFile(readFileSync(join(DIR, file), "utf8"), file);

/** The first packet of `spec` on the docker-bridge lab under `file`: its fate, what was left undecided, each chain's log lines. */
function first(file: string, spec: ScenarioSpec) {
  const p = runScenario({ ...labWorld(), ruleset: read(file) }, spec).packets[0];
  return {
    fate: p?.fate.kind,
    undecided: p?.unmodelled.map((u) => u.text) ?? [],
    logs: Object.fromEntries((p?.events ?? []).map((e) => [e.hook, e.logs.map((l) => l.prefix)])),
  };
}

describe("limits, named objects, logs, ether type sets and mark maps, as written and as nft lists them", () => {
  it.each(FORMS)("%s: read without an error; only the limits and the quota are not modelled", (file) => {
    const rs = read(file);
    expect(rs.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(rs.diagnostics.map((d) => d.message.replace(/'.*'/, "'...'"))).toEqual(
      Array(5).fill("expression '...' is not modelled"),
    );
    expect(rs.diagnostics.map((d) => d.message).filter((m) => !/'(limit|quota) /.test(m))).toEqual([]);
  });

  it.each(FORMS)("%s: a mark from a port's map picks the verdict map's accept, decided", (file) => {
    expect(first(file, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 80 })).toEqual({
      fate: "delivered",
      undecided: [],
      logs: { "ip:host:pre": [], "ip:host:in": [] },
    });
  });

  it.each(FORMS)(
    "%s: the kernel log lines are the plain logs' only; the limits after them are undecided",
    (file) => {
      const r = first(file, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 443 });
      // `ether type { ip, ip6 }` holds for a frame in on eth0; `in-group: ` is ulogd's, the audit record auditd's.
      expect(r.logs["ip:host:in"]).toEqual(["in-ether: ", "in-drop: ", ""]);
      expect(r.undecided.length).toBeGreaterThan(0);
      expect(r.undecided.every((t) => t.startsWith("limit rate"))).toBe(true);
    },
  );

  it.each(FORMS)("%s: a named limit of unknown direction is undecided", (file) => {
    const r = first(file, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22 });
    expect(r.undecided[0]).toBe('limit name "ssh_rate" log prefix "ssh-over: " drop');
  });

  it.each(FORMS)(
    "%s: the host's own packets have no Ethernet header for the output chain's ether type set",
    (file) => {
      expect(first(file, { from: "host", to: "203.0.113.1", proto: "icmp" })).toMatchObject({
        fate: "delivered",
        undecided: [],
      });
    },
  );

  it.each(FORMS)("%s: a bridged frame's ether type set is decided", (file) => {
    expect(first(file, { from: "c1", to: "172.17.0.3", proto: "icmp" })).toMatchObject({
      fate: "delivered",
      undecided: [],
    });
  });
});
