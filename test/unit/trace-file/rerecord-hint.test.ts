/**
 * A recorded trace whose ruleset was edited says how to record it again with a command that works
 * for its lab (`capture --lab` only for the labs capture builds), how to pin an edit that changes no
 * rule, and the what-if.
 */
import { describe, expect, it } from "vitest";
import { NFT_LAB_NAME } from "../../../src/capture/capture-lab.ts";
import { LAB_NAME } from "../../../src/capture/lab-topology.ts";
import { CAPTURE_LABS, rerecordHint } from "../../../src/core/trace-file/rerecord-hint.ts";
import { checkRulesetPins, rulesetDigest } from "../../../src/core/trace-file/ruleset-pins.ts";
import type { TraceMeta } from "../../../src/core/trace-file/schema.ts";

function meta(fields: Partial<TraceMeta>): TraceMeta {
  return {
    version: 1,
    scenario: "container-to-wan",
    title: "t",
    mode: "log",
    origin: "recorded",
    traffic: { from: "c1", to: "wan", proto: "icmp", command: ["ping"] },
    ruleset: "docker-28",
    rulesetPins: { "docker-28": rulesetDigest("old\n") },
    sysctls: {},
    environment: {
      kernel: "6",
      iptables: "v",
      backend: "nf_tables",
      date: "2026-12-03",
      tool: "packetwalk capture",
    },
    ...fields,
  } as TraceMeta;
}

describe("rerecordHint", () => {
  it("knows the labs packetwalk capture --lab builds", () => {
    expect([...CAPTURE_LABS].sort()).toEqual([LAB_NAME, NFT_LAB_NAME].sort());
  });

  it("gives the capture command, with the scenario, mode and Docker version of the trace", () => {
    expect(rerecordHint(meta({}), "docker-bridge")).toBe(
      "re-capture it as root from the repository root: `sudo npx packetwalk capture --lab docker-bridge --scenario container-to-wan` (it loads the lab's edited rulesets/)",
    );
    expect(
      rerecordHint(meta({ scenario: "container-to-wan-trace", mode: "trace" }), "docker-bridge"),
    ).toContain("`sudo npx packetwalk capture --lab docker-bridge --scenario container-to-wan --mode trace`");
    expect(
      rerecordHint(
        meta({ scenario: "container-to-wan-nobrnf-docker27", ruleset: "docker-27" }),
        "docker-bridge",
      ),
    ).toContain("--scenario container-to-wan-nobrnf --docker-version 27`");
    expect(
      rerecordHint(
        meta({
          scenario: "container-to-wan-forward-drop-fixed-trace",
          mode: "trace",
          ruleset: "docker-29-nft",
        }),
        "docker-bridge-nft",
      ),
    ).toContain("--lab docker-bridge-nft --scenario container-to-wan-forward-drop-fixed --mode trace`");
  });

  it("never suggests capture --lab for another lab", () => {
    const copied = rerecordHint(meta({}), "docker-user-reject");
    expect(copied).not.toContain("--lab docker-user-reject");
    expect(copied).toContain('CONTRIBUTING.md, "A new lab from a capture"');
    const imported = rerecordHint(
      meta({
        environment: {
          kernel: "6",
          iptables: "v",
          backend: "legacy",
          date: "2026-12-03",
          tool: "packetwalk import",
        },
      }),
      "ufw-docker",
    );
    expect(imported).toBe(
      'record it again with the edited rules installed on the host (`sudo npx packetwalk capture --host --container NAME=IP --out /tmp/pw`, then `npx packetwalk import /tmp/pw/docker-host/<step> --lab ufw-docker`: traces/README.md, "Adding a trace from your own machine")',
    );
  });
});

describe("checkRulesetPins", () => {
  it("says how to record again, how to re-pin a cosmetic edit, and the what-if", () => {
    const errors = checkRulesetPins(
      meta({}),
      { "docker-28": "new\n" },
      "traces/x/container-to-wan.json",
      "x",
    );
    expect(errors).toEqual([
      `traces/x/container-to-wan.json: rulesetPins.docker-28: rulesets/docker-28.rules changed since this trace was recorded, so its listing would no longer match what the kernel did; ${rerecordHint(meta({}), "x")}; if the edit changes no rule (a comment, blank lines), pin the edited file instead: "rulesetPins": { "docker-28": "${rulesetDigest("new\n")}" }; or keep the recording and show the edited rules as a simulated what-if (\`packetwalk simulate --write\`)`,
    ]);
    expect(errors[0]).not.toContain("capture --lab x");
  });

  it("positions a stale pin at its value in the metadata file when given its text", () => {
    const text = `{\n  "version": 1,\n  "rulesetPins": {\n    "docker-28": "sha256:00"\n  }\n}\n`;
    const errors = checkRulesetPins(
      meta({}),
      { "docker-28": "new\n" },
      "traces/x/container-to-wan.json",
      "x",
      text,
    );
    expect(errors[0]).toMatch(/^traces\/x\/container-to-wan\.json:4:18: rulesetPins\.docker-28: /);
  });
});
