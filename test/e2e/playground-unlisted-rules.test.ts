/**
 * A ruleset pasted next to a TRACE log that is not the one the trace was recorded with: the step whose
 * traced rule the ruleset lacks says so above its rules, quoting the rule as the trace printed it, so
 * the reader does not take the listed rules for the ones that decided. The recorded ruleset gets no
 * such note.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const LOG = read("traces/docker-bridge/container-to-wan-trace.log");
const RULES = read("traces/docker-bridge/rulesets/docker-28.rules");
const MASQ = "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE";

/** The notes of packet 1's steps, as `step name: note text`, with `rules` pasted. */
async function notes(rules: string): Promise<string[]> {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watch = watchPage(page, site.server.url);
  try {
    await page.goto(`${site.server.url}${site.server.base}playground/`, { waitUntil: "load" });
    await page.locator("details[data-rules-box] summary").click();
    await page.locator("[data-rules]").fill(rules);
    await page.locator("[data-log]").fill(LOG);
    await page.locator("[data-pick]").nth(0).click();
    await page.locator("[data-steps] .pw-rules").first().waitFor();
    const found = await page.$$eval("[data-steps] > li", (items) =>
      items.flatMap((li) => {
        const note = li.querySelector(".pw-unlisted");
        return note ? [`${li.querySelector(".pw-hook")?.textContent}: ${note.textContent}`] : [];
      }),
    );
    expect(watch.problems).toEqual([]);
    return found;
  } finally {
    await context.close();
  }
}

describe("a pasted ruleset that is not the trace's", () => {
  it("says which traced rule it lacks, at the step that matched it", async () => {
    expect(RULES).toContain(MASQ);
    const found = await notes(RULES.replace(MASQ, "-A POSTROUTING -s 172.18.0.0/16 ! -o br-1 -j MASQUERADE"));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^ip:nat:POSTROUTING: /);
    expect(found[0]).toContain("this rule matched here, but the pasted ruleset does not have it");
    expect(found[0]).toContain(MASQ);
  });

  it("says nothing for the ruleset the trace was recorded with", async () => {
    expect(await notes(RULES)).toEqual([]);
  });
});
