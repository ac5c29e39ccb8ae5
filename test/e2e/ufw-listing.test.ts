/**
 * The ufw lesson as a reader meets it in a real browser: the published port's SYN is accepted in
 * Docker's chains in FORWARD, each marked by the simulator, while ufw's own forward chains, which the
 * packet never enters, are folded and say so; the SYN to port 23 ends at INPUT's policy after every
 * ufw chain, and ufw's IPv6 rules are explained, not left unexplained. Both languages.
 */
import { describe, expect, it } from "vitest";
import { useSite } from "./browser.ts";
import { figureStep, openLesson } from "./lesson-steps.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

const open = (path: string) => openLesson(site, path);
const step = figureStep;

describe("the ufw lesson's listings", () => {
  it("marks Docker's accept of the published port and folds the ufw chains the packet never entered", async () => {
    const page = await open("lessons/ufw-and-docker/");
    const forward = step(page, "published port although ufw denies incoming", "ip6:filter:FORWARD");
    const marked = await forward.locator("li.pw-rule.pw-matched").allTextContents();
    expect(marked.map((t) => t.replace(/\s+/g, " ").trim())).toEqual([
      expect.stringContaining("-A FORWARD -j DOCKER-USER simulator: JUMP"),
      expect.stringContaining("-A FORWARD -j DOCKER-FORWARD simulator: JUMP"),
      expect.stringContaining("-A DOCKER-FORWARD -j DOCKER-CT simulator: JUMP"),
      expect.stringContaining("-A DOCKER-FORWARD -j DOCKER-INTERNAL simulator: JUMP"),
      expect.stringContaining("-A DOCKER-FORWARD -j DOCKER-BRIDGE simulator: JUMP"),
      expect.stringContaining("-A DOCKER-BRIDGE -o br-a -j DOCKER simulator: JUMP"),
      expect.stringContaining("simulator: ACCEPT"),
    ]);
    const folded = forward.locator("details.pw-chain-unentered");
    expect(await folded.locator("summary").allTextContents()).toContain(
      "filter ufw6-before-forward not entered by this packet (9 rules)",
    );
    // Folded: its rules are in the page but not shown until opened.
    const rule = folded.locator("li.pw-rule").first();
    expect(await rule.isVisible()).toBe(false);
    await folded.locator("summary").first().click();
    expect(await rule.isVisible()).toBe(true);
    // The chains the packet did enter stay open, Docker's accept among them.
    expect(await forward.locator("li.pw-rule").filter({ hasText: "--dport 80 -j ACCEPT" }).isVisible()).toBe(
      true,
    );
  });

  it("walks the SYN to port 23 through every ufw chain to INPUT's policy, with ufw's IPv6 rules explained", async () => {
    const page = await open("zh-tw/lessons/ufw-and-docker/");
    // Two lines at filter INPUT: the LOG rule at its top, then ufw's own `[UFW BLOCK] ` rule.
    const steps = step(page, "ufw 的預設拒絕", "ip6:filter:INPUT");
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(1).locator(".pw-witness").textContent()).toContain("[UFW BLOCK]");
    const input = steps.first();
    expect(await input.locator(".pw-verdict").filter({ hasText: "DROP" }).first().textContent()).toBe(
      "預設策略: DROP",
    );
    expect(await input.locator("details.pw-chain-unentered").count()).toBeGreaterThan(0);
    const rt = input.locator("li.pw-rule").filter({ hasText: "-m rt --rt-type 0 -j DROP" });
    expect(await rt.locator(".pw-note").textContent()).toContain("沒有這個標頭的封包不會符合");
    const hl = input.locator("li.pw-rule").filter({ hasText: "--icmpv6-type 135 -m hl --hl-eq 255" });
    expect(await hl.locator(".pw-note").textContent()).toContain("hop limit 是 255");
    expect(await input.locator(".pw-note").filter({ hasText: "未說明" }).count()).toBe(0);
  });
});
