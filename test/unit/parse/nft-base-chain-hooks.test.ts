/**
 * nft prints no hook in a trace line: the parser reads it from the base chain's name. A packet's
 * base chains at one hook (packetwalk's nftrace chain, then Docker's) stay one packet, and regular
 * chains stay part of the base chain that jumped to them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseChainHook } from "../../../src/core/parse/base-chain-hook.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

describe("baseChainHook", () => {
  it.each([
    ["raw-PREROUTING", "PREROUTING"],
    ["filter-FORWARD", "FORWARD"],
    ["trace-prerouting", "PREROUTING"],
    ["log-nat-POSTROUTING", "POSTROUTING"],
    ["filter_INPUT", "INPUT"],
    ["input", "INPUT"],
    ["OUTPUT", "OUTPUT"],
  ])("%s sits at %s", (name, hook) => {
    expect(baseChainHook(name)).toBe(hook);
  });

  it.each([
    "nat-prerouting-and-output",
    "filter-forward-in__docker0",
    "filter_INPUT_POLICIES",
    "DOCKER-FORWARD",
    "ufw-before-input",
    "Input",
    "ssh_in",
  ])("%s is a chain of its own", (name) => {
    expect(baseChainHook(name)).toBeUndefined();
  });
});

describe("the nft lab's TRACE recordings", () => {
  const dir = join(import.meta.dirname, "../../../traces/docker-bridge-nft");
  const traces = readdirSync(dir).filter((f) => f.endsWith("-trace.log"));

  it("exist", () => {
    expect(traces.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of traces) {
    it(`${file}: every packet starts where tracing starts, at packetwalk's nftrace chain, with Docker's chains after it`, () => {
      const { packets } = parseTraceText(readFileSync(join(dir, file), "utf8"), { file });
      expect(packets.length).toBeGreaterThan(0);
      for (const p of packets) {
        expect(p.hooks[0], `${file} packet ${p.id}`).toMatch(/^ip:packetwalk:trace-(prerouting|output)$/);
        expect(p.hooks.length, `${file} packet ${p.id}`).toBeGreaterThan(1);
      }
    });
  }
});
