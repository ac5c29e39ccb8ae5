/**
 * The lesson on Docker 29's network options (nftables backend) as a reader meets it in a real
 * browser: at each recorded drop the listing marks the rule the option added (ICC off, internal
 * egress, routed mode's unpublished port), the routed network's published port is an accept with no
 * rewrite, the nat-unprotected network's direct access is its UNPROTECTED accept, and the zh-TW page
 * shows the lab's translated titles with the same marks.
 */
import { describe, expect, it } from "vitest";
import { useSite } from "./browser.ts";
import { figureStep, openLesson } from "./lesson-steps.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

const text = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

/** The rules the simulator marks at the forward step of the figure titled (or captioned) `title`. */
async function forwardMarks(path: string, title: string): Promise<string[]> {
  const page = await openLesson(site, path);
  const step = figureStep(page, title, "ip mylog log-fwd");
  expect(await step.count(), title).toBe(1);
  const marked = step.locator("li.pw-rule.pw-matched");
  const out: string[] = [];
  for (let i = 0; i < (await marked.count()); i++) out.push(text(await marked.nth(i).textContent()));
  await page.context().close();
  return out;
}

describe("the network options lesson's listings", () => {
  it("marks the rule each option added where the recorded packet ends", async () => {
    const icc = await forwardMarks("lessons/nft-network-options/", "where the ICC rule drops it");
    expect(icc.find((r) => r.includes('comment "ICC"'))).toMatch(
      /iifname "br-a" counter drop comment "ICC" simulator: drop/,
    );
    const egress = await forwardMarks(
      "lessons/nft-network-options/",
      "where INTERNAL NETWORK EGRESS drops it",
    );
    expect(egress.find((r) => r.includes("INTERNAL NETWORK EGRESS"))).toMatch(
      /oifname != "br-a" counter drop comment "INTERNAL NETWORK EGRESS" simulator: drop/,
    );
    const closed = await forwardMarks("lessons/nft-network-options/", "where UNPUBLISHED PORT DROP drops it");
    expect(closed.find((r) => r.includes("UNPUBLISHED PORT DROP"))).toMatch(/simulator: drop/);
    // The ICMP and port 80 accepts were read and did not match port 23.
    expect(closed.some((r) => r.includes("tcp dport 80"))).toBe(false);
  });

  it("shows the routed network's published port as an accept with no rewrite, and nat-unprotected's open door", async () => {
    const open = await forwardMarks(
      "lessons/nft-network-options/",
      "In routed mode a published port is reached at the container's address",
    );
    expect(open.find((r) => r.includes("tcp dport 80"))).toMatch(
      /ip daddr 172\.21\.0\.2 tcp dport 80 counter accept simulator: accept/,
    );
    const page = await openLesson(site, "lessons/nft-network-options/");
    const routed = page
      .locator("figure")
      .filter({ hasText: "In routed mode a published port is reached at the container's address" });
    expect(await routed.locator(".pw-rewrite").count()).toBe(0);
    expect(text(await routed.locator("figcaption").textContent())).not.toContain("DNAT");
    await page.context().close();
    const unprotected = await forwardMarks(
      "lessons/nft-network-options/",
      "In nat-unprotected mode the internet reaches b1 directly",
    );
    expect(unprotected.find((r) => r.includes("UNPROTECTED"))).toMatch(
      /counter accept comment "UNPROTECTED" simulator: accept/,
    );
  });

  it("zh-TW: the labs' titles are translated and the same rules are marked", async () => {
    const icc = await forwardMarks("zh-tw/lessons/nft-network-options/", "ICC 規則在那裡丟掉它");
    expect(icc.find((r) => r.includes('comment "ICC"'))).toContain('iifname "br-a" counter drop');
    // A figure without a caption shows the trace's title from the lab's i18n/zh-tw.json.
    const open = await forwardMarks(
      "zh-tw/lessons/nft-network-options/",
      "routed 模式下，用容器的位址連到發布的 port",
    );
    expect(open.find((r) => r.includes("tcp dport 80"))).toContain(
      "ip daddr 172.21.0.2 tcp dport 80 counter accept",
    );
  });
});
