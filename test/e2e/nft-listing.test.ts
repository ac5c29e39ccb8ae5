/**
 * The rule listing of a trace recorded against Docker 29's nftables ruleset, as a reader meets it in a
 * real browser: Docker's own rules (base chains and the regular chains their verdict maps reach) listed
 * and highlighted by the nft grammar in both themes, each base chain with its table, family and
 * priority, and the sentence saying which base chain's verdict decided the packet, in both languages.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

async function open(path: string, width: number, colorScheme: "light" | "dark"): Promise<Page> {
  const context = await site.browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  const page = await context.newPage();
  await page.goto(`${site.server.url}${site.server.base}${path}`);
  return page;
}

/** The colours of the highlighted pieces of the first listed rule whose text is `rule`. */
function ruleColours(page: Page, rule: string): Promise<string[]> {
  return page.evaluate((text) => {
    const code = [...document.querySelectorAll<HTMLElement>(".pw-nft-rules code.pw-rule-text")].find(
      (c) => c.textContent === text,
    );
    if (!code) return [];
    return [...code.querySelectorAll("span")].map((s) => getComputedStyle(s).color);
  }, rule);
}

describe("nftables listing", () => {
  it("lists Docker's base chains and the chains their verdict maps reach, highlighted in both themes", async () => {
    const rule = 'oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade comment "MASQUERADE"';
    const colours: Record<string, string[]> = {};
    for (const scheme of ["light", "dark"] as const) {
      const page = await open("traces/docker-bridge-nft/container-to-wan/", 1280, scheme);
      const request = page.locator('section[data-direction="request"]');
      const names = await request.locator(".pw-base-chain-name code").allTextContents();
      expect(names).toEqual(
        expect.arrayContaining([
          "ip docker-bridges raw-PREROUTING",
          "ip docker-bridges nat-PREROUTING",
          "ip docker-bridges filter-FORWARD",
          "ip docker-bridges nat-POSTROUTING",
        ]),
      );
      // The forward step: the base chain's declaration, the vmap rule, and the regular chain it jumps to.
      const forward = request.locator("li.pw-step").filter({ hasText: "ip docker-bridges filter-FORWARD" });
      await expect
        .poll(() => forward.locator(".pw-chain-decl").first().textContent())
        .toBe("type filter hook forward priority filter; policy accept;");
      expect(await forward.locator(".pw-policy").first().textContent()).toBe(
        "hook forward, priority filter (0), policy accept",
      );
      expect(await forward.locator(".pw-regular-chain").allTextContents()).toContain(
        "chain filter-forward-out__docker0",
      );
      const matched = forward.locator("li.pw-rule.pw-matched");
      expect(await matched.locator("code").allTextContents()).toEqual([
        "iifname vmap @filter-forward-out-jumps",
        'counter accept comment "OUTGOING"',
      ]);
      expect(await matched.first().locator(".pw-verdict").textContent()).toBe(
        "simulator: jump filter-forward-out__docker0",
      );
      expect(await matched.first().locator(".pw-note").textContent()).toBe(
        "jumps to the chain named for the input interface (map @filter-forward-out-jumps: docker0 → jump filter-forward-out__docker0; any other: next rule)",
      );
      expect(await forward.locator(".pw-step-verdicts").textContent()).toBe(
        "accept in ip docker-bridges filter-FORWARD (via filter-forward-out__docker0) ends only this base chain",
      );
      colours[scheme] = await ruleColours(page, rule);
      // Keywords, operator, interface, address, NAT statement and comment are told apart by colour.
      expect(new Set(colours[scheme]).size, scheme).toBeGreaterThanOrEqual(3);
      await page.context().close();
    }
    expect(colours.dark).not.toEqual(colours.light);
  });

  it.each([
    [1280, "light"],
    [390, "dark"],
  ] as const)("says which base chain decided a dropped packet (%i px, %s)", async (width, scheme) => {
    const page = await open("traces/docker-bridge-nft/container-to-wan-forward-drop/", width, scheme);
    const request = page.locator('section[data-direction="request"]');
    const decision = request.locator(".pw-decision");
    await expect
      .poll(() => decision.textContent())
      .toBe("Decided at step 5: drop in ip filter FORWARD (policy) is final.");
    const forward = request.locator("li.pw-step").filter({ hasText: "ip filter FORWARD" });
    expect(await forward.locator(".pw-step-verdicts").textContent()).toBe(
      "drop in ip filter FORWARD (policy) is final; ip docker-bridges filter-FORWARD never ran: the drop before it was final",
    );
    expect(await forward.locator(".pw-base-ran .pw-verdict").textContent()).toBe("simulator: drop (policy)");
    expect(await forward.locator(".pw-base-not-reached .pw-base-chain-name code").textContent()).toBe(
      "ip docker-bridges filter-FORWARD",
    );
    // The sentence is on screen, inside the page, and not under the map beside it.
    const box = await decision.boundingBox();
    const map = await request.locator(".pw-diagram").boundingBox();
    expect(box && box.width > 0 && box.height > 0).toBe(true);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
    if (box && map) {
      const overlaps =
        box.x < map.x + map.width &&
        map.x < box.x + box.width &&
        box.y < map.y + map.height &&
        map.y < box.y + box.height;
      expect(overlaps).toBe(false);
    }
    await page.context().close();
  });

  it("says it in Traditional Chinese on the zh-TW page", async () => {
    const page = await open("zh-tw/traces/docker-bridge-nft/container-to-wan-forward-drop/", 1280, "light");
    const request = page.locator('section[data-direction="request"]');
    expect(await request.locator(".pw-decision").textContent()).toBe(
      "決定這個封包的是步驟 5：ip filter FORWARD（預設策略） 的 drop 是最終結果。",
    );
    expect(await request.locator(".pw-nft-rules summary").first().textContent()).toBe(
      "此步驟的 base chain、規則與判決",
    );
    expect(await request.locator(".pw-nft-rules .pw-verdict-simulator").allTextContents()).toContain(
      "模擬器: drop (預設策略)",
    );
    expect(await request.locator(".pw-nft-rules .pw-note").allTextContents()).toContain(
      "不是從 docker0 進來，目的位址是 172.17.0.2：丟棄（最終結果：封包到此為止）（註解：「DROP DIRECT ACCESS」）",
    );
    await page.context().close();
  });
});
