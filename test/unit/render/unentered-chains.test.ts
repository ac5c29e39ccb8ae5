/**
 * The chains a listing folds: user chains no marked jump leads to, decided once in core for the
 * lesson pages and the playground; and the words of the fold in both languages.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { notEnteredWords } from "../../../src/core/render/not-entered-words.ts";
import type { ListedChain } from "../../../src/core/render/to-listing.ts";
import { toListing } from "../../../src/core/render/to-listing.ts";
import { unenteredChains } from "../../../src/core/render/unentered-chains.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";

const ROOT = join(import.meta.dirname, "../../..");

/** A listed chain of `rules` (text, and the simulator's verdict when it matched). */
const chain = (name: string, rules: [string, string?][]): ListedChain => ({
  table: "filter",
  chain: name,
  rules: rules.map(([text, matched], i) => ({
    index: i + 1,
    line: i + 1,
    text,
    note: { en: "", "zh-TW": "", unknown: [] },
    ...(matched ? { matched, matchedBy: "simulator" as const } : {}),
  })),
});

describe("unenteredChains", () => {
  it("folds ufw's forward chains on the published port's FORWARD step, not Docker's the packet went through", () => {
    const folder = join(ROOT, "traces/ufw-docker");
    const { trace } = annotateRecorded(folder, "wan-to-a1-v6");
    const ruleset = parseRulesetFile(readFileSync(join(folder, "rulesets/ufw-docker.rules"), "utf8"), "r");
    const forward = trace.packets[0]?.events.find((e) => e.hook === "ip6:filter:FORWARD");
    if (!forward) throw new Error("no FORWARD step");
    const listing = toListing(forward, ruleset);
    const folded = listing.chains.filter((c) => c.notEntered).map((c) => c.chain);
    const open = listing.chains.filter((c) => !c.notEntered).map((c) => c.chain);
    expect(folded).toContain("ufw6-before-forward");
    expect(folded.every((c) => c.startsWith("ufw6-"))).toBe(true);
    // The words travel with the listing, so the lesson pages and the playground say the same.
    expect(listing.chains.find((c) => c.chain === "ufw6-before-forward")?.notEntered).toEqual({
      en: "not entered by this packet (9 rules)",
      "zh-TW": "這個封包沒有進入（9 條規則）",
    });
    expect(open).toEqual(
      expect.arrayContaining(["FORWARD", "DOCKER-USER", "DOCKER-FORWARD", "DOCKER-BRIDGE", "DOCKER"]),
    );
  });

  it("folds nothing on a TRACE step (the kernel's lines name no jump) nor on an unmarked LOG step", () => {
    const lab = join(ROOT, "traces/docker-bridge");
    const ruleset = parseRulesetFile(readFileSync(join(lab, "rulesets/docker-28.rules"), "utf8"), "r");
    for (const name of ["container-to-wan-trace", "container-to-wan"]) {
      const text = readFileSync(join(lab, `${name}.log`), "utf8");
      const events = parseTraceText(text, { file: name }).packets.flatMap((p) => p.events);
      for (const e of events) expect(toListing(e, ruleset).chains.some((c) => c.notEntered)).toBe(false);
    }
  });

  it("reads the jump's target outside quoted strings, and takes -g, --jump and --goto", () => {
    const chains = [
      chain("FORWARD", [
        ['-A FORWARD -m comment --comment "-j DECOY" -j REAL', "JUMP"],
        ["-A FORWARD --goto LONG", "GOTO"],
        ["-A FORWARD -j SKIPPED"],
      ]),
      chain("DECOY", []),
      chain("REAL", []),
      chain("LONG", []),
      chain("SKIPPED", [["-A SKIPPED -j ACCEPT"]]),
    ];
    expect([...unenteredChains(chains)]).toEqual(["DECOY", "SKIPPED"]);
  });
});

describe("notEnteredWords", () => {
  it("counts the folded chain's rules in English and Traditional Chinese", () => {
    expect([0, 1, 9].map((n) => notEnteredWords(n).en)).toEqual([
      "not entered by this packet (no rules)",
      "not entered by this packet (1 rule)",
      "not entered by this packet (9 rules)",
    ]);
    expect([0, 9].map((n) => notEnteredWords(n)["zh-TW"])).toEqual([
      "這個封包沒有進入（沒有規則）",
      "這個封包沒有進入（9 條規則）",
    ]);
  });
});
