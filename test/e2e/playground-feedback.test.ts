/**
 * The playground tells the reader what happened, in both languages, where a reader reported silence
 * or a wrong word: a log whose LOG prefixes name no chain is said to be that (not "no netfilter
 * packet"), its prefixes' shared hint given once; a ruleset's problems are counted in the status; a
 * Parse of an empty or emptied box says what it needs; and on the zh-TW page a line cut short and an
 * iptables-save table cut short are explained in Chinese.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { fill, PLAYGROUND_STRINGS } from "../../src/playground/strings.ts";
import { REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();

/** Two packets whose prefixes (`FW-IN: `, `DROP-FWD `) name no chain, as a reader's journal printed them. */
const CUSTOM_PREFIXES = [
  "2026-12-01T21:14:03+0100 gw kernel: FW-IN: IN=ppp0 OUT= MAC= SRC=203.0.113.77 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=40211 DF PROTO=TCP SPT=51514 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
  "2026-12-01T21:14:05+0100 gw kernel: DROP-FWD IN=br-lan OUT=ppp0 MAC=a4:2b:b0:11:22:33:3c:7c:3f:aa:bb:cc:08:00 SRC=192.168.8.23 DST=93.184.216.34 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=40022 DPT=25 WINDOW=64240 RES=0x00 SYN URGP=0 ",
].join("\n");

/** An nft ruleset cut short (its table not closed) with a typo (`acept`): one error, one warning. */
const BROKEN_RULESET = [
  "table inet homefw {",
  "\tchain pre {",
  "\t\ttype nat hook prerouting priority dstnat; policy accept;",
  "\t\ttcp dport 8443 dnat ip to 10.0.0.5:443",
  "\t}",
  "\tchain forward {",
  "\t\ttype filter hook forward priority filter; policy drop",
  "\t\tct state established,related accept",
  "\t\tct status dnat acept",
  "\t}",
].join("\n");

/** A syslog line cut in its DST=. */
const TRUNCATED =
  "Dec  1 22:01:02 edge kernel: [ 5001.100000] filter/INPUT: IN=wan0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.50 DST=198.51.1";

/** An iptables-save file cut before its table's COMMIT. */
const NO_COMMIT = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -j ACCEPT\n";

const LOG = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge-nft/container-to-wan.log"), "utf8");

type Locale = "en" | "zh-tw";
const prefixOf = (locale: Locale) => (locale === "en" ? "" : "zh-tw/");

async function open(locale: Locale, width = 390) {
  const context = await site.browser.newContext({ viewport: { width, height: 844 } });
  const page = await context.newPage();
  const watch = watchPage(page, site.server.url);
  await page.goto(`${site.server.url}${site.server.base}${prefixOf(locale)}playground/`, {
    waitUntil: "load",
  });
  return { context, page, watch };
}

const status = (page: Page) => page.locator("[data-status-text]").textContent();

/** Waits for a parse to end (no progress shown, a status that is no percentage) and returns the status. */
async function parsedStatus(page: Page): Promise<string> {
  await page.waitForFunction(() => {
    const text = document.querySelector("[data-status-text]")?.textContent ?? "";
    return (
      document.querySelector<HTMLProgressElement>("[data-progress]")?.hidden && text !== "" && !/%/.test(text)
    );
  });
  return (await status(page)) ?? "";
}

describe.each(["en", "zh-tw"] as const)("the %s playground's feedback", (locale) => {
  const s = PLAYGROUND_STRINGS[locale];

  it("says that the LOG prefixes name no chain, points to the prefix form, and gives their hint once", async () => {
    const { context, page, watch } = await open(locale);
    try {
      await page.locator("[data-log]").fill(CUSTOM_PREFIXES);
      expect(await parsedStatus(page)).toBe(s.noPacketsPlaced);
      expect(s.noPacketsPlaced).toContain(s.unknownTitle);
      // The form it points to is there, one row a prefix.
      await expect.poll(() => page.locator("[data-unknown-list] > li").count()).toBe(2);
      expect(await page.locator("[data-unknown]").isVisible()).toBe(true);
      // Two warnings (one a prefix), one hint: at 390 px it would fill the screen twice.
      await expect.poll(() => page.locator("[data-diagnostics] > li").count()).toBe(2);
      expect(await page.locator("[data-diagnostics] .pg-hint").count()).toBe(1);
      if (locale === "zh-tw")
        await expect
          .poll(() => page.locator("[data-diagnostics] .pg-hint").textContent())
          .toMatch(/^提示：.*「未知的 LOG 前綴」/);
      // Mapped, the packet is placed, and the status counts it.
      await page.locator("[data-unknown-list] select").first().selectOption("ip:filter:INPUT");
      await page.locator("[data-unknown-list] button").first().click();
      await expect.poll(() => page.locator("[data-packet-list] > li").count()).toBe(1);
      expect(await parsedStatus(page)).not.toBe(s.noPacketsPlaced);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("still says 'no netfilter packet' for a log without any", async () => {
    const { context, page } = await open(locale);
    try {
      await page.locator("[data-log]").fill("Dec  1 22:01:02 edge sshd[1]: Accepted publickey for root\n");
      expect(await parsedStatus(page)).toBe(s.noPackets);
    } finally {
      await context.close();
    }
  });

  it("counts the ruleset's errors and warnings in the status", async () => {
    const { context, page, watch } = await open(locale, 1280);
    try {
      await page.locator("details[data-rules-box] summary").click();
      await page.locator("[data-rules]").fill(BROKEN_RULESET);
      await page.locator("[data-log]").fill(LOG);
      await page.locator("[data-ruleset-diagnostics] > li").first().waitFor();
      await page.locator("[data-packet-list] > li").first().waitFor();
      const note = fill(s.rulesetCount, { errors: 1, warnings: 1 });
      await expect.poll(async () => (await parsedStatus(page)).endsWith(note)).toBe(true);
      // The log's own counts come first, as before.
      const parsed = await status(page);
      expect(parsed?.length).toBeGreaterThan(note.length);
      expect(parsed).toContain(locale === "en" ? "2 packets" : "2 個封包");
      // A ruleset without problems takes the count away.
      await page.locator("[data-rules]").fill("");
      await expect.poll(async () => (await status(page))?.includes(note)).toBe(false);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("says what Parse needs when the box is empty, and after a result when it was emptied", async () => {
    const { context, page, watch } = await open(locale);
    try {
      // The message is in the page's status region, which screen readers announce.
      expect(
        await page
          .locator("[data-status-text]")
          .evaluate((el) => el.closest("[role=status]")?.getAttribute("aria-live")),
      ).toBe("polite");
      await page.locator("[data-parse]").click();
      await expect.poll(() => status(page)).toBe(s.emptyInput);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("pg-log");

      await page.locator("[data-log]").fill(LOG);
      await page.locator("[data-packet-list] > li").first().waitFor();
      expect(await parsedStatus(page)).not.toBe(s.emptyInput);
      // Only spaces and a line end left: the result goes, and the status says why.
      await page.locator("[data-log]").fill("  \n\t ");
      await page.locator("[data-parse]").click();
      await expect.poll(() => status(page)).toBe(s.emptyInput);
      expect(await page.locator("[data-packets]").isVisible()).toBe(false);
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("the zh-TW playground's words for a line and a table cut short", () => {
  it("explains both in Chinese, the English lines kept", async () => {
    const { context, page, watch } = await open("zh-tw");
    try {
      await page.locator("details[data-rules-box] summary").click();
      await page.locator("[data-rules]").fill(NO_COMMIT);
      await page.locator("[data-log]").fill(TRUNCATED);
      await expect
        .poll(() => page.locator("[data-diagnostics] .pg-zh").first().textContent())
        .toBe("log:1:139 錯誤：DST= 後面應該是 IPv4 或 IPv6 位址，卻是 '198.51.1'");
      expect(await page.locator("[data-diagnostics] .pg-hint").first().textContent()).toBe(
        "提示：核心印出的位址像 172.17.0.2 或 fd00:0000:...:0002 這樣：請確認這一行沒有被截斷或編輯過",
      );
      expect(await page.locator("[data-diagnostics] .pg-english").first().textContent()).toMatch(
        /error: expected an IPv4 or IPv6 address after DST=, found '198\.51\.1'$/,
      );
      await expect
        .poll(() => page.locator("[data-ruleset-diagnostics] .pg-zh").first().textContent())
        .toMatch(/^ruleset:\d+:\d+ 錯誤：table 'filter' 沒有以 COMMIT 結束$/);
      expect(await page.locator("[data-ruleset-diagnostics] .pg-hint").first().textContent()).toMatch(
        /^提示：在 table 的結尾加上 COMMIT/,
      );
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
