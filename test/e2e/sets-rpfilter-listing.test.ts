/**
 * The lesson on ipsets and reverse path filters as a reader meets it in a real browser: fail2ban's
 * set rule is the one the simulator marks at filter INPUT and its note says which set it looks the
 * source up in, and what the set holds; the allowlist's nomatch exception drops the banned address
 * in DOCKER-USER; the
 * spoofed ping's step lists the iptables raw chain with its rpfilter rule (not the nft view of the
 * host's own table), explained as a reverse path check. Both languages.
 */
import { describe, expect, it } from "vitest";
import { useSite } from "./browser.ts";
import { figureStep, openLesson } from "./lesson-steps.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

const open = (path: string) => openLesson(site, path);
const step = figureStep;

const text = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

describe("the ipsets and reverse path filters lesson's listings", () => {
  it("marks fail2ban's set rule at INPUT and the allowlist's drop in DOCKER-USER, each explained", async () => {
    const page = await open("lessons/ipsets-and-rpfilter/");
    const input = step(page, "fail2ban's ipset rejects", "ip:filter:INPUT");
    const marked = input.locator("li.pw-rule.pw-matched");
    expect(await marked.count()).toBe(1);
    expect(text(await marked.textContent())).toContain("--match-set f2b-sshd src -j REJECT");
    expect(text(await marked.textContent())).toContain("simulator: REJECT");
    expect(text(await marked.locator(".pw-note").textContent())).toContain("the source is in ipset f2b-sshd");
    expect(
      text(await page.locator("figure").filter({ hasText: "fail2ban's ipset rejects" }).textContent()),
    ).toContain("dropped: REJECT in INPUT");

    const user = step(page, "nomatch exception keeps one address away", "ip:filter:FORWARD");
    const drop = user.locator("li.pw-rule.pw-matched").filter({ hasText: "--match-set docker-allow" });
    expect(text(await drop.textContent())).toContain("simulator: DROP");
    expect(text(await drop.locator(".pw-note").textContent())).toContain(
      "the source is not in ipset docker-allow",
    );
    // The set's elements, which no rule shows, are in the note: the nomatch exception among them.
    expect(text(await drop.locator(".pw-note").textContent())).toContain(
      "ipset docker-allow (hash:net) holds 198.51.100.0/24, 198.51.100.66 nomatch",
    );
  });

  it("lists the raw chain's reverse path filter at the spoofed ping's step, not the nft view", async () => {
    const page = await open("zh-tw/lessons/ipsets-and-rpfilter/");
    const raw = step(page, "主機路由到別處的來源", "ip:raw:PREROUTING");
    expect(await raw.count()).toBe(1);
    expect(await raw.locator(".pw-note").filter({ hasText: "為錄製而加入" }).count()).toBe(0);
    const rule = raw.locator("li.pw-rule.pw-matched");
    expect(text(await rule.textContent())).toContain("-A PREROUTING -m rpfilter --invert -j DROP");
    expect(text(await rule.locator(".pw-note").textContent())).toContain("反向路徑檢查");
    expect(await raw.locator(".pw-note").filter({ hasText: "未說明" }).count()).toBe(0);
  });
});
