import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptureError } from "../../../src/capture/capture-error.ts";
import { committedRuleset, splitRulesetFile } from "../../../src/capture/committed-ruleset.ts";
import { stableRuleset } from "../../../src/capture/write-trace.ts";

const COMMITTED = readFileSync(
  join(import.meta.dirname, "../../../traces/docker-bridge/rulesets/docker-28.rules"),
  "utf8",
);

describe("splitRulesetFile", () => {
  it("gives iptables-restore every table of the committed docker-28 ruleset, and no bridge rules", () => {
    const { iptables, bridge } = splitRulesetFile(COMMITTED);
    expect(iptables.match(/^\*(raw|filter|nat)$/gm)).toEqual(["*raw", "*filter", "*nat"]);
    expect(iptables.match(/^COMMIT$/gm)).toHaveLength(3);
    expect(iptables).not.toMatch(/^#/m);
    expect(iptables).toContain(
      "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
    );
    expect(bridge).toBe("");
  });

  it("reads back what stableRuleset writes, bridge rules included", () => {
    const iptablesSave = "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -i docker0 -j ACCEPT\nCOMMIT\n";
    const ebtablesSave = "*filter\n:FORWARD ACCEPT\n-A FORWARD -p IPv4 -j ACCEPT\n";
    const split = splitRulesetFile(stableRuleset(iptablesSave, ebtablesSave, "a note"));
    expect(split).toEqual({ iptables: iptablesSave, bridge: ebtablesSave });
  });
});

describe("committedRuleset", () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), "pw-committed-"));
    mkdirSync(join(out, "docker-bridge", "rulesets"), { recursive: true });
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it("is undefined for a new lab, so the capture starts from Docker's built-in ruleset", () => {
    expect(committedRuleset(out, "docker-bridge", "docker-28")).toBeUndefined();
  });

  it("loads an edited committed ruleset as it is", () => {
    const edited = COMMITTED.replace("--dport 8080", "--dport 8443");
    writeFileSync(join(out, "docker-bridge", "rulesets", "docker-28.rules"), edited);
    expect(committedRuleset(out, "docker-bridge", "docker-28")?.iptables).toContain("--dport 8443");
  });

  it("refuses a symbolic link with a hint, before anything is built", () => {
    symlinkSync("/etc/hostname", join(out, "docker-bridge", "rulesets", "docker-28.rules"));
    expect(() => committedRuleset(out, "docker-bridge", "docker-28")).toThrow(CaptureError);
    expect(() => committedRuleset(out, "docker-bridge", "docker-28")).toThrow(/is a symbolic link/);
  });
});
