/**
 * With an nft ruleset pasted, the playground names a LOG line's step as nft names its chain, as the
 * nftables lessons' figures do: `ip docker-bridges nat-PREROUTING`, not the hook id
 * `ip:docker-bridges:nat-PREROUTING`; and a step of the recording's own logging chains after the chain
 * whose rules print its prefix (`bridge packetwalk log-PREROUTING`, where the prefix names the hook).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const LOG = read("traces/docker-bridge-nft/container-to-wan.log");
const INSTRUMENTED = read("traces/docker-bridge-nft/rulesets/docker-29-nft.instrumented-pwdq.rules");

/** The step names of packet 1, with `rules` pasted (none when empty). */
async function stepNames(rules: string): Promise<string[]> {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watch = watchPage(page, site.server.url);
  try {
    await page.goto(`${site.server.url}${site.server.base}playground/`, { waitUntil: "load" });
    if (rules) {
      await page.locator("details[data-rules-box] summary").click();
      await page.locator("[data-rules]").fill(rules);
    }
    await page.locator("[data-log]").fill(LOG);
    await page.locator("[data-pick]").nth(0).click();
    if (rules) await page.locator("[data-steps] .pw-rules").first().waitFor();
    else await page.locator("[data-steps] > li").first().waitFor();
    const names = await page.$$eval("[data-steps] > li .pw-hook", (els) =>
      els.map((e) => e.textContent ?? ""),
    );
    expect(watch.problems).toEqual([]);
    return names;
  } finally {
    await context.close();
  }
}

describe("the playground's step names", () => {
  it("names the steps as the pasted nft ruleset names its chains", async () => {
    const names = await stepNames(INSTRUMENTED);
    expect(names).toContain("ip docker-bridges nat-PREROUTING");
    expect(names).toContain("ip docker-bridges filter-FORWARD");
    expect(names).toContain("bridge packetwalk log-PREROUTING");
    expect(names.filter((n) => /^(ip|ip6|bridge):/.test(n))).toEqual([]);
  });

  it("keeps the hook ids without a ruleset, which is all the log says", async () => {
    const names = await stepNames("");
    expect(names).toContain("ip:docker-bridges:nat-PREROUTING");
    expect(names).toContain("bridge:packetwalk:PREROUTING");
  });
});
