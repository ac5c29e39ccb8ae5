/** Step listings for nftables rulesets: the base chain of the hook id, what it jumps to, and the matched rules. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listStep } from "../../../src/core/listing/list-step.ts";
import { logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { toListing } from "../../../src/core/render/to-listing.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");
const nftRules = () => parseRulesetFile(read("traces/docker-bridge-nft/rulesets/docker-29-nft.rules"), "r");

/** `chain index:verdict:who` of every matched rule of a listing. */
const marks = (l: ReturnType<typeof listStep>) =>
  l.chains.flatMap((c) =>
    c.rules.filter((r) => r.matched).map((r) => `${c.chain} ${r.index}:${r.matched}:${r.matchedBy}`),
  );

describe("listStep", () => {
  it("lists an nft base chain and the chains its verdict map jumps to, the kernel's rules marked (nft monitor trace)", () => {
    const trace = parseTraceText(read("traces/docker-bridge-nft/container-to-wan-trace.log"));
    const forward = trace.packets
      .flatMap((p) => p.events)
      .find((e) => e.hook === "ip:docker-bridges:filter-FORWARD");
    if (!forward) throw new Error("no filter-FORWARD step");
    const listing = listStep(forward, nftRules());
    expect(listing.chains.map((c) => `${c.table} ${c.chain}`)).toEqual([
      "ip docker-bridges filter-FORWARD",
      "ip docker-bridges filter-forward-in__docker0",
      "ip docker-bridges filter-forward-out__docker0",
    ]);
    expect(marks(listing)).toEqual([
      "filter-FORWARD 2:JUMP filter-forward-out__docker0:kernel",
      "filter-forward-out__docker0 2:ACCEPT:kernel",
    ]);
    expect(listing.chains[0]?.rules[1]?.note.en).toMatch(
      /map @filter-forward-out-jumps: docker0 → jump filter-forward-out__docker0/,
    );
  });

  it("marks the simulator's rules on an nft LOG trace", () => {
    const log = parseTraceText(read("traces/docker-bridge-nft/container-to-wan.log"));
    const rules = nftRules();
    const p = log.packets[0];
    if (!p) throw new Error("no packet");
    const matches = logStepMatches(p, rules, log.packets);
    const i = p.events.findIndex((e) => e.hook === "ip:docker-bridges:filter-FORWARD");
    const listing = listStep({ ...(p.events[i] as (typeof p.events)[number]), matched: matches[i] }, rules);
    // Out of docker0's subnet to the internet: the out-map's jump, then Docker's OUTGOING accept.
    expect(marks(listing)).toEqual([
      "filter-FORWARD 2:JUMP:simulator",
      "filter-forward-out__docker0 2:ACCEPT:simulator",
    ]);
  });

  it("is toListing for iptables rulesets", () => {
    const trace = parseTraceText(read("traces/docker-bridge/container-to-wan-trace.log"));
    const rules = parseRulesetFile(read("traces/docker-bridge/rulesets/docker-28.rules"), "r");
    for (const e of trace.packets[0]?.events ?? []) expect(listStep(e, rules)).toEqual(toListing(e, rules));
  });
});
