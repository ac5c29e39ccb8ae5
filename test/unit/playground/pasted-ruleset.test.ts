/**
 * The worker's session reads a pasted `nft -f` script (an /etc/nftables.conf) as the CLI does, though it
 * fetches the script reader only for a script: the rules an nft monitor trace matches are those it
 * matches with the listing the script was written from, and a script's problems are said.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRulesetText } from "../../../src/core/simulate/read-ruleset-text.ts";
import { ParseSession } from "../../../src/playground/parse-session.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const SCRIPT = read("test/fixtures/nft-script/docker-29-nftables.conf");
const LISTING = read("traces/docker-bridge-nft/rulesets/docker-29-nft.rules");

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

/** Each packet's rules the kernel's trace matched, per step, as `chain: rule text`, with `rules` pasted. */
async function kernelMatches(rules: string): Promise<string[][][]> {
  const session = new ParseSession();
  const summary = await session.parse(once(read("traces/docker-bridge-nft/container-to-wan-trace.log")));
  expect(await session.setRuleset(rules)).toEqual([]);
  const out: string[][][] = [];
  for (const p of summary.packets) {
    const detail = await session.packet(p.id);
    out.push(
      (detail?.listings ?? []).map((l) =>
        l.chains.flatMap((c) =>
          c.rules.filter((r) => r.matchedBy === "kernel").map((r) => `${c.chain}: ${r.text}`),
        ),
      ),
    );
  }
  return out;
}

describe("a pasted nft -f script", () => {
  it("marks the rules the nft monitor trace matches, as the listing it was written from does", async () => {
    const fromScript = await kernelMatches(SCRIPT);
    expect(fromScript.flat(2).length).toBeGreaterThan(3);
    expect(fromScript).toEqual(await kernelMatches(LISTING));
  });

  it("says the script's problems, as the CLI reads them", async () => {
    const broken = SCRIPT.replace("define C1 = 172.17.0.2\n", "");
    const session = new ParseSession();
    const problems = await session.setRuleset(broken, "nftables.conf");
    expect(problems).toEqual(parseRulesetText(broken, "nftables.conf").diagnostics);
    expect(problems.map((d) => d.message)).toContain("variable '$C1' is not defined");
  });
});
