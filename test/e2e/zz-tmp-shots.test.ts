import { readFileSync } from "node:fs";
import path from "node:path";
import { it } from "vitest";
import { REPO_ROOT, useSite } from "./browser.ts";
const site = useSite();
const at = (p: string) => `${site.server.url}${site.server.base}${p.replace(/^\//, "")}`;
const log = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/wan-to-published-port.log"), "utf8")
  .split("\n").filter(Boolean).map((l) => `Nov 30 08:31:35 web-prod-7 kernel: ${l.replace(/203\.0\.113\./g, "93.184.216.")}`).join("\n");
const rules = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8").replace(/203\.0\.113\./g, "93.184.216.");
const nftLog = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge-nft/wan-to-published-port.log"), "utf8");
const nft = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge-nft/rulesets/docker-29-nft.rules"), "utf8");
for (const [width, theme] of [[1280, "light"], [1280, "dark"], [390, "light"], [390, "dark"]] as const) {
  it(`shot ${width} ${theme}`, async () => {
    const context = await site.browser.newContext({ viewport: { width, height: 900 }, colorScheme: theme });
    const page = await context.newPage();
    await page.goto(at(`${width < 500 ? "/zh-tw" : ""}/playground/`));
    await page.locator("[data-log]").fill(log);
    await page.locator("details[data-rules-box] summary").click();
    await page.locator("[data-rules]").fill(rules);
    await page.locator("[data-anonymize]").click();
    await page.locator("[data-steps] .pw-rule.pw-matched").first().waitFor();
    await page.locator("[data-diagram] svg").waitFor();
    await page.waitForFunction(() => document.querySelector("[data-steps]")?.getAttribute("data-highlighted") === "done");
    await page.locator("[data-anon]").screenshot({ path: `/tmp/shots/pg-${width}-${theme}-anon.png` });
    await page.locator("[data-input-form] .pg-actions").screenshot({ path: `/tmp/shots/pg-${width}-${theme}-actions.png` });
    await page.locator("[data-steps] > li").nth(2).screenshot({ path: `/tmp/shots/pg-${width}-${theme}-step3.png` });
    await page.locator("[data-steps] > li").nth(7).screenshot({ path: `/tmp/shots/pg-${width}-${theme}-step8.png` });
    await page.locator(".pg-diagram-title").screenshot({ path: `/tmp/shots/pg-${width}-${theme}-dtitle.png` });
    await page.locator("[data-packet-detail] .pw-zoom").click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `/tmp/shots/pg-${width}-${theme}-viewer.png` });
    await page.keyboard.press("Escape");
    await page.locator("[data-rules]").fill(nft);
    await page.locator("[data-log]").fill(nftLog);
    await page.waitForTimeout(1500);
    await page.locator("[data-steps] .pw-rule").first().waitFor();
    await page.locator("[data-steps]").screenshot({ path: `/tmp/shots/pg-${width}-${theme}-nft.png` });
    await context.close();
  }, 120_000);
}
