/**
 * Listing fixtures under test/fixtures/listing/<case>/: `input.json` names a committed trace (and how
 * many of its packets); `expected.json` is what its rule listing shows at every step: for nftables
 * rulesets each base chain (status, place, verdict, matched rules) and the sentences of what each
 * decided and which one decided the packet, in both languages; for iptables rulesets the chains and
 * their matched rules. Expected files are rewritten only with UPDATE=1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ParsedTrace } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import {
  baseChainName,
  baseChainPlace,
  packetDecision,
  stepVerdicts,
} from "../../../src/core/render/nft-listing-words.ts";
import { toListing } from "../../../src/core/render/to-listing.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";

const ROOT = join(import.meta.dirname, "../../..");
const DIR = join(ROOT, "test/fixtures/listing");
const UPDATE = process.env.UPDATE === "1";

function compare(path: string, actual: string): void {
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`${path} is missing; run with UPDATE=1 to create it`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

function listingOf(traceName: string, packets?: number): unknown {
  const [lab, stem] = traceName.split("/") as [string, string];
  const folder = join(ROOT, "traces", lab);
  const meta = JSON.parse(readFileSync(join(folder, `${stem}.json`), "utf8"));
  const ruleset = parseRulesetFile(
    readFileSync(join(folder, "rulesets", `${meta.ruleset}.rules`), "utf8"),
    `${meta.ruleset}.rules`,
  );
  const trace: ParsedTrace =
    meta.mode === "log"
      ? annotateRecorded(folder, stem).trace
      : parseTraceText(readFileSync(join(folder, `${stem}.log`), "utf8"), { file: `${stem}.log` });
  return trace.packets.slice(0, packets).map((p) => {
    const steps = p.events.map((e, i) => ({ n: i + 1, event: e, listing: toListing(e, ruleset) }));
    const nftSteps = steps.map((s) => ({ n: s.n, chains: s.listing.nft?.baseChains ?? [] }));
    return {
      packet: p.id,
      summary: p.summary,
      ...(ruleset.nft
        ? {
            decision: { en: packetDecision(nftSteps, "en"), "zh-TW": packetDecision(nftSteps, "zh-TW") },
          }
        : {}),
      steps: steps.map(({ event, listing }) => {
        const marked = (c: (typeof listing.chains)[number]) =>
          c.rules
            .filter((r) => r.matched)
            .map((r) => `${c.chain}: ${r.text} => ${r.matched} (${r.matchedBy})`);
        if (!listing.nft)
          return {
            hook: event.hook,
            verdictsKnown: listing.verdictsKnown,
            chains: listing.chains.map((c) => ({
              chain: `${c.table} ${c.chain}`,
              rules: c.rules.length,
              ...(c.policyApplied ? { policyApplied: c.policyApplied } : {}),
              matched: marked(c),
            })),
          };
        const nft = listing.nft;
        return {
          hook: event.hook,
          verdictsKnown: nft.verdictsKnown,
          ...(nft.instrumentation
            ? {
                instrumentation: `${nft.instrumentation.family} ${nft.instrumentation.table} ${nft.instrumentation.chain}`,
              }
            : {}),
          verdicts: {
            en: stepVerdicts(nft.baseChains, "en"),
            "zh-TW": stepVerdicts(nft.baseChains, "zh-TW"),
          },
          baseChains: nft.baseChains.map((b) => ({
            chain: baseChainName(b),
            place: baseChainPlace(b),
            status: b.status,
            ...(b.verdict ? { verdict: b.verdict } : {}),
            chains: b.chains.map((c) => `${c.chain} (${c.rules.length} rules)`),
            matched: b.chains.flatMap(marked),
          })),
        };
      }),
    };
  });
}

describe("listing fixtures", () => {
  for (const name of readdirSync(DIR).sort()) {
    const dir = join(DIR, name);
    it(`${name}: ${readFileSync(join(dir, "intent"), "utf8").trim()}`, () => {
      const input = JSON.parse(readFileSync(join(dir, "input.json"), "utf8"));
      compare(
        join(dir, "expected.json"),
        `${JSON.stringify(listingOf(input.trace, input.packets), null, 2)}\n`,
      );
    });
  }
});
