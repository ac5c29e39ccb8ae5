/**
 * The playground (/playground/) in a real browser: every committed trace and
 * every parse fixture pasted into it shows the same packets, hooks and
 * rewrites as `packetwalk parse --json` on the same file; packet 1's diagram
 * has the build-time figure's step boxes; nothing is requested beyond the
 * page's own files (paste, ruleset, shared link); problems and the prefix map;
 * anonymising rewrites the input before a link is made; a pasted ruleset
 * (iptables or nft) lists each step's rules, the matched ones marked as on the
 * trace pages, coloured by a Shiki loaded then; the full-screen viewer; and a
 * 50 MB log shows progress while the page stays responsive (the figures are
 * printed, not asserted as times).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { generateLog } from "../../bench/generate-log.ts";
import { unwrapLine } from "../../src/core/parse/unwrap-line.ts";
import { formatRewrite } from "../../src/core/render/format-endpoints.ts";
import { decodeShare } from "../../src/playground/share-link.ts";
import { REPO_ROOT, useSite, watchPage } from "./browser.ts";
import { assertDistBuilt, DIST_DIR } from "./serve-dist.ts";

assertDistBuilt();
const site = useSite();
/** The URL of a site path (`/playground/`) under the build's base path. */
const at = (path: string) => `${site.server.url}${site.server.base}${path.replace(/^\//, "")}`;

/** Every committed trace and every parse fixture: LOG, TRACE, nft monitor, each envelope. */
const INPUTS = [
  ...readdirSync(path.join(REPO_ROOT, "traces/docker-bridge"))
    .filter((f) => f.endsWith(".log"))
    .map((f) => `traces/docker-bridge/${f}`),
  ...readdirSync(path.join(REPO_ROOT, "test/fixtures/parse")).map(
    (d) => `test/fixtures/parse/${d}/input.log`,
  ),
].filter((f) => existsSync(path.join(REPO_ROOT, f)));

interface JsonPacket {
  packet: number;
  flow: number;
  direction: "request" | "reply";
  summary: string;
  hooks: string[];
  rewrites: (Parameters<typeof formatRewrite>[0] & {
    atEvent: number;
    afterHook: string;
    beforeHook: string;
  })[];
  events: { hook: string; line: number }[];
}

/**
 * The chain each step of `p` is listed as: an `nft monitor trace` line's own family, table and chain
 * (`inet fw forward`, read here from the line itself), else the hook id `--json` prints.
 */
function shownChains(p: JsonPacket, lines: readonly string[]): string[] {
  return p.events.map((e) => {
    const nft = /\btrace id \S+ (\S+) (\S+) (\S+) /.exec(lines[e.line - 1] ?? "");
    return nft ? `${nft[1]} ${nft[2]} ${nft[3]}` : e.hook;
  });
}

/** The rewrite as the list shows it, its chains named as {@link shownChains} names them. */
function shownRewrite(p: JsonPacket, r: JsonPacket["rewrites"][number], names: readonly string[]): string {
  let after = r.afterHook;
  for (let i = r.atEvent - 1; i >= 0; i--)
    if (p.events[i]?.hook === r.afterHook) {
      after = names[i] ?? after;
      break;
    }
  return `${formatRewrite(r, p.direction)} (${after} → ${names[r.atEvent] ?? r.beforeHook})`;
}

/** What the CLI prints for `file` with `--json`. */
function cliPackets(file: string): JsonPacket[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, ["bin/packetwalk.mjs", "parse", "--json", "--jobs", "1", file], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 1 << 28,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (e) {
    // Exit 1 with no packet is still an answer: nothing to show.
    out = (e as { stdout?: string }).stdout ?? "";
  }
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonPacket);
}

/** What the page lists, read from what it shows. */
async function shownPackets(page: Page) {
  return page.$$eval("[data-packet-list] > li", (items) =>
    items.map((li) => ({
      packet: Number(li.getAttribute("data-packet")),
      flow: Number(li.getAttribute("data-flow")),
      direction: li.getAttribute("data-direction"),
      summary: li.querySelector(".pg-summary")?.textContent ?? "",
      hooks: [...li.querySelectorAll(".pg-hooks li code")].map((c) => c.textContent ?? ""),
      rewrites: [...li.querySelectorAll(".pg-rewrites li")].map((r) => r.textContent ?? ""),
    })),
  );
}

async function openPlayground(prefix = "", width = 1280) {
  const context = await site.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  // CSP violations are reported in the page: collect them.
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { cspViolations: string[] }).cspViolations.push(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    );
  });
  const watch = watchPage(page, site.server.url);
  await page.goto(at(`${prefix}/playground/`), { waitUntil: "load" });
  return { context, page, watch };
}

/** Pastes `text` into the log box as a reader would (a paste event), and waits for the parse. */
async function pasteLog(page: Page, text: string): Promise<void> {
  await page.locator("[data-log]").focus();
  await page.evaluate((t) => {
    const box = document.querySelector<HTMLTextAreaElement>("[data-log]") as HTMLTextAreaElement;
    const data = new DataTransfer();
    data.setData("text/plain", t);
    const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    // A synthetic paste inserts nothing by itself: do what the browser does unless the page took it.
    if (box.dispatchEvent(event)) {
      box.value = t;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }, text);
  await waitParsed(page);
}

async function waitParsed(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const status = document.querySelector("[data-status-text]")?.textContent ?? "";
    const progress = document.querySelector<HTMLProgressElement>("[data-progress]");
    return progress?.hidden && status !== "" && !/%/.test(status);
  });
}

/**
 * Each step box of the diagram: step number -> the Mermaid node id of the box it is in, read from
 * the rendered SVG (`<svg id>-flowchart-<node>-<n>`), so two diagrams placed under different ids compare.
 */
async function stepBoxes(page: Page, svgSelector: string): Promise<Record<string, string>> {
  return page.$eval(svgSelector, (svg) => {
    const out: Record<string, string> = {};
    const head = `${svg.id}-flowchart-`;
    for (const n of svg.querySelectorAll("g.node[data-step]")) {
      const box = n.id.startsWith(head) ? n.id.slice(head.length).replace(/-\d+$/, "") : `unplaced ${n.id}`;
      for (const step of (n.getAttribute("data-step") ?? "").split(" ")) out[step] = box;
    }
    return out;
  });
}

/**
 * Whether `raw` is one of the input's lines, or a run of 2 to 16 consecutive lines joined as the parser
 * joins a record a page wrapped or `fold -w` cut: the same characters, whitespace at the breaks aside.
 */
function isRecordOf(raw: string, lines: string[]): boolean {
  if (lines.includes(raw)) return true;
  const want = raw.replace(/\s+/g, "");
  return lines.some((_, i) => {
    let joined = "";
    for (let k = i; k < Math.min(lines.length, i + 16); k++) {
      joined += (lines[k] as string).replace(/\s+/g, "");
      if (k > i && joined === want) return true;
      if (!want.startsWith(joined)) return false;
    }
    return false;
  });
}

const tmp = mkdtempSync(path.join(tmpdir(), "pw-playground-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("playground", () => {
  it("has a Content-Security-Policy that allows nothing but the page's own files", async () => {
    const html = readFileSync(path.join(DIST_DIR, "playground/index.html"), "utf8");
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
    const directives = new Map(
      csp.split(";").map((d) => {
        const [name = "", ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    for (const [name, values] of directives) {
      for (const v of values) expect(v, `${name} allows only the page's origin`).toMatch(/^'|^data:$/);
    }
    // The meta tag comes before every script, so it governs them all.
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script"));
  });

  it.each(INPUTS)("shows what `packetwalk parse --json` shows for %s", async (file) => {
    const expected = cliPackets(file);
    const inputLines = readFileSync(path.join(REPO_ROOT, file), "utf8").split(/\r?\n/);
    const { context, page, watch } = await openPlayground();
    try {
      await pasteLog(page, readFileSync(path.join(REPO_ROOT, file), "utf8"));

      // More than a page of packets is listed in pages: open them all.
      while (await page.locator("[data-more]").isVisible()) await page.locator("[data-more]").click();
      const shown = await shownPackets(page);

      expect(shown).toEqual(
        expected.map((p) => ({
          packet: p.packet,
          flow: p.flow,
          direction: p.direction,
          summary: p.summary,
          hooks: shownChains(p, inputLines),
          rewrites: p.rewrites.map((r) => shownRewrite(p, r, shownChains(p, inputLines))),
        })),
      );
      if (expected.length > 0) {
        // Packet 1 is picked: its steps, each with its raw line.
        await page.locator("[data-diagram] svg").waitFor();
        const steps = await page.$$eval("[data-steps] > li", (items) =>
          items.map((li) => ({
            hook: li.querySelector(".pw-hook")?.textContent,
            raw: li.querySelector(".pg-raw code")?.textContent,
          })),
        );
        expect(steps.map((s) => s.hook)).toEqual(expected[0] && shownChains(expected[0], inputLines));
        // Each line as a reader sees it: a coloured one without its codes, a JSON record as its MESSAGE.
        const lines = readFileSync(path.join(REPO_ROOT, file), "utf8")
          .split("\n")
          .map((l) => unwrapLine(l.replace(/\r$/, "")).text);
        for (const s of steps) expect(isRecordOf(s.raw ?? "", lines), `step's line '${s.raw}'`).toBe(true);
      }
      expect(watch.problems).toEqual([]);
      expect(
        await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ).toEqual([]);
    } finally {
      await context.close();
    }
  });

  const traces = INPUTS.filter((f) => f.startsWith("traces/"));
  it.each(traces)("draws packet 1 of %s on the same boxes, step by step, as its trace page", async (file) => {
    const name = path.basename(file, ".log");
    const first = cliPackets(file)[0];
    if (first?.direction !== "request") return;
    const { context, page } = await openPlayground();
    try {
      await pasteLog(page, readFileSync(path.join(REPO_ROOT, file), "utf8"));
      await page.locator("[data-diagram] svg").waitFor();
      const source = (await page.locator("[data-source]").textContent()) ?? "";
      const steps = (src: string) => [...src.matchAll(/%% step (\d+): (\S+)/g)].map((m) => `${m[1]} ${m[2]}`);
      await page.goto(at(`/traces/docker-bridge/${name}/`));
      const built =
        (await page.locator(".pw-direction[data-direction=request] .pw-source code").textContent()) ?? "";
      expect(steps(source)).toEqual(steps(built));
      expect(steps(source).length).toBe(first.hooks.length);
      // The rendered boxes: each step in the same map box in both diagrams.
      const buildBoxes = await stepBoxes(page, ".pw-direction[data-direction=request] .pw-diagram > svg");
      expect(Object.keys(buildBoxes).length).toBe(first.hooks.length);
      await page.goBack();
      await pasteLog(page, readFileSync(path.join(REPO_ROOT, file), "utf8"));
      await page.locator("[data-diagram] svg").waitFor();
      const playBoxes = await stepBoxes(page, "[data-diagram] > svg");
      // One SVG for both themes, as the site's: colours from the site's custom properties.
      expect(await page.locator("[data-diagram] > svg").evaluate((svg) => svg.outerHTML)).toContain(
        "var(--pw-m-",
      );
      expect(Object.keys(playBoxes).length).toBe(first.hooks.length);
      expect(playBoxes).toEqual(buildBoxes);
    } finally {
      await context.close();
    }
  });
});

/** Files under dist/ a URL of the local server names (the page's own assets), or undefined. */
function ownAsset(url: string, origin: string): string | undefined {
  if (!url.startsWith(`${origin}/`)) return undefined;
  const { pathname, search } = new URL(url);
  if (search || !pathname.startsWith(site.server.base)) return undefined;
  const inSite = pathname.slice(site.server.base.length);
  const file = path.join(DIST_DIR, decodeURIComponent(inSite), pathname.endsWith("/") ? "index.html" : "");
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** The responsiveness probe the 50 MB test installs in the page. */
interface Probe {
  maxGap: number;
  maxGapParsing: number;
  ticks: number;
  progress: number[];
}

describe("playground privacy, problems and sharing", () => {
  const log = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/container-to-wan-trace.log"), "utf8");
  const rules = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");

  it("requests nothing but its own files: on load, with a paste, a ruleset, and a shared link", async () => {
    const { context, page, watch } = await openPlayground();
    try {
      const loaded = watch.requests.length;
      await pasteLog(page, log);
      await page.locator("summary", { hasText: /Ruleset/ }).click();
      await page.locator("[data-rules]").fill(rules);
      // The listing of packet 1 shows the rules of its chains, the kernel's matches marked.
      await page.locator("[data-steps] .pw-rule").first().waitFor();
      expect(await page.locator("[data-steps] .pw-rule.pw-matched").count()).toBeGreaterThan(0);
      await page.locator("[data-share]").click();
      await expect.poll(() => page.locator("[data-share-url]").inputValue()).not.toBe("");
      const link = await page.locator("[data-share-url]").inputValue();
      expect(link).toMatch(/\/playground\/#s=[A-Za-z0-9_-]+$/);
      const shownBefore = await shownPackets(page);
      const after = watch.requests.slice(loaded);
      // After the load, only the worker and the lazily loaded Mermaid chunks, all under /_astro/.
      expect(after.filter((u) => !new URL(u).pathname.startsWith(`${site.server.base}_astro/`))).toEqual([]);

      const second = await context.newPage();
      const watch2 = watchPage(second, site.server.url);
      await second.goto(link, { waitUntil: "load" });
      await waitParsed(second);
      await second.locator("[data-diagram] svg").waitFor();
      expect(await shownPackets(second)).toEqual(shownBefore);
      expect(await second.locator("[data-rules]").inputValue()).toBe(rules);
      for (const w of [watch, watch2]) {
        expect(w.problems).toEqual([]);
        for (const url of w.requests) expect(ownAsset(url, site.server.url), url).toBeDefined();
        // The log's own content never leaves in a URL.
        for (const url of w.requests) expect(url).not.toContain("172.17.0.2");
      }
      console.log(
        `playground: ${watch.requests.length} requests (load ${loaded}), shared link ${link.length} characters ` +
          `for a ${log.length}-character log and a ${rules.length}-character ruleset; reopened with ${watch2.requests.length} requests`,
      );
    } finally {
      await context.close();
    }
  });

  it("refuses a link past the limit with a message that says how long it would be", async () => {
    const { context, page } = await openPlayground();
    try {
      // Text that does not compress: random hex.
      const noise = Array.from(
        { length: 3000 },
        (_, i) => `line ${i} ${Math.random().toString(16).repeat(3)}`,
      );
      await pasteLog(page, noise.join("\n"));
      await page.locator("[data-share]").click();
      await expect
        .poll(() => page.locator("[data-share-status]").textContent())
        .toMatch(/link of \d+ characters, more than 32000/);
      expect(await page.locator("[data-share-box]").isHidden()).toBe(true);
      expect(new URL(page.url()).hash).toBe("");
    } finally {
      await context.close();
    }
  });

  it("says a cut link cannot be read", async () => {
    const { context, page } = await openPlayground();
    try {
      await page.goto(at("/playground/#s=AbCdE"));
      await page.reload();
      await expect
        .poll(() => page.locator("[data-share-status]").textContent())
        .toMatch(/cut short or changed/);
    } finally {
      await context.close();
    }
  });

  it("lists problems with line numbers and hints, and maps an unknown prefix to a chain", async () => {
    const { context, page } = await openPlayground();
    try {
      const lines = log.split("\n").slice(0, 4);
      const custom = [
        "Jan  1 00:00:00 host kernel: [  1.000000] fw-in: IN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=203.0.113.1 DST=203.0.113.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ",
        "just a line of something else",
        "[  1.000001] iptable/filter-INPUTIN=eth0 OUT= SRC=203.0.113.1 DST=",
      ];
      await pasteLog(page, [...custom, ...lines].join("\n"));
      const problems = (await page.locator("[data-diagnostics]").textContent()) ?? "";
      expect(problems).toMatch(/log:1:\d+: warning: unknown LOG prefix 'fw-in:'/);
      // The page's own ways to map it, not the CLI's flag.
      expect(problems).toMatch(
        /hint: .*say which chain wrote this prefix under "Unknown LOG prefixes" below, or paste the ruleset/,
      );
      expect(problems).not.toContain("--prefix-map");
      expect(problems).toMatch(/log:3:\d+: error:/);
      expect(await page.locator("[data-skipped]").textContent()).toMatch(/: 2$/);
      // The form: map the prefix, and the log is parsed again with it.
      await page.getByLabel("Chain of fw-in:").selectOption("ip:filter:INPUT");
      await page.locator("[data-unknown-list] button").click();
      await waitParsed(page);
      expect(await page.locator("[data-mapped-list]").textContent()).toContain("fw-in: → ip:filter:INPUT");
      const shown = await shownPackets(page);
      expect(shown[0]?.hooks).toEqual(["ip:filter:INPUT"]);
      expect(await page.locator("[data-unknown]").isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("a ufw log copied from a forum: packets at filter INPUT with no prefix to map, its repeated warning listed once", async () => {
    const { context, page } = await openPlayground("", 390);
    try {
      // Copied from a forum post: every line lost the space the kernel ends it with (no warning: nf_log_syslog
      // may end a TCP line at URGP=), and the poster hid the MAC as 'mac_address' (one warning a line, alike).
      const ufw = [1, 2, 3, 4, 5].map(
        (i) =>
          `Dec  1 10:00:0${i} host kernel: [1234${i}.678901] [UFW BLOCK] IN=eth0 OUT= MAC=mac_address SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=424${i} DF PROTO=TCP SPT=5151${i} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0`,
      );
      await pasteLog(page, ufw.join("\n"));
      await waitParsed(page);
      const shown = await shownPackets(page);
      expect(shown.map((p) => p.hooks)).toEqual(Array(5).fill(["ip:filter:INPUT"]));
      expect(await page.locator("[data-unknown]").isHidden()).toBe(true);
      const items = page.locator("[data-diagnostics] li");
      expect(await items.count()).toBe(1);
      expect(await items.locator("code").textContent()).toMatch(
        /^log:1:\d+: warning: expected MAC= as hex bytes joined by ':' .*found 'mac_address'/,
      );
      expect(await items.locator(".pg-more").textContent()).toBe("and 4 more like it, at lines 2, 3, 4, 5");
      // The note reads as the hint does (muted, smaller), and stays within a phone's width.
      const box = await items.locator(".pg-more").boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
  });

  it.each([
    ["", "then SNAT 172.17.0.2 -> 203.0.113.2: no line shows it, the reply's addresses do"],
    ["zh-tw/", "之後 SNAT 172.17.0.2 -> 203.0.113.2：沒有日誌行顯示，回應的位址顯示了它"],
  ])(
    "writes the request's MASQUERADE, which no line of it shows, under its last step (/%s)",
    async (prefix, words) => {
      const { context, page } = await openPlayground(prefix);
      try {
        await pasteLog(
          page,
          readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/container-to-wan.log"), "utf8"),
        );
        await page.locator("[data-diagram] svg").waitFor();
        const unseen = await page.$$eval("[data-steps] > li", (items) =>
          items.map((li) => li.querySelector(".pw-rewrite-unseen")?.textContent ?? ""),
        );
        // Packet 1 is the request: the last step (nat POSTROUTING, logged before MASQUERADE) carries it, no other.
        expect(unseen.at(-1)).toBe(words);
        expect(unseen.slice(0, -1).every((t) => t === "")).toBe(true);
        // The reply shows its own un-SNAT: nothing is unseen.
        await page.locator('[data-packet-list] > li[data-direction="reply"] [data-pick]').first().click();
        await expect
          .poll(() => page.locator("[data-steps] .pw-rewrite:not(.pw-rewrite-unseen)").count())
          .toBe(1);
        expect(await page.locator("[data-steps] .pw-rewrite-unseen").count()).toBe(0);
      } finally {
        await context.close();
      }
    },
  );

  it("reads a dropped rotated .gz and a UTF-16 file as the CLI reads the text, and says what an xz file is", async () => {
    const source = "traces/docker-bridge/container-to-wan.log";
    const text = readFileSync(path.join(REPO_ROOT, source), "utf8");
    const expected = cliPackets(source).map((p) => [p.packet, p.flow, p.direction, p.summary, p.hooks]);
    expect(expected.length).toBeGreaterThan(0);
    const { context, page } = await openPlayground();
    try {
      const files: [string, Buffer][] = [
        ["kern.log.2.gz", gzipSync(text)],
        ["kern-utf16.log", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])],
      ];
      for (const [name, buffer] of files) {
        await page
          .locator("[data-file]")
          .setInputFiles({ name, mimeType: "application/octet-stream", buffer });
        await waitParsed(page);
        const shown = await shownPackets(page);
        expect(
          shown.map((p) => [p.packet, p.flow, p.direction, p.summary, p.hooks]),
          name,
        ).toEqual(expected);
        expect((await page.locator("[data-diagnostics]").textContent()) ?? "", name).not.toMatch(/error/);
      }
      await page.locator("[data-file]").setInputFiles({
        name: "kern.log.xz",
        mimeType: "application/octet-stream",
        buffer: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4, 0xe6, 0xd6]),
      });
      await waitParsed(page);
      expect(await page.locator("[data-big-note]").textContent()).toBe("kern.log.xz (10 B)");
      expect(await page.locator("[data-packet-list] > li").count()).toBe(0);
      const problems = (await page.locator("[data-diagnostics]").textContent()) ?? "";
      expect(problems).toMatch(
        /kern\.log\.xz:1:1: error: expected kernel log text, found xz-compressed data/,
      );
      expect(problems).toContain("xz -dc kern.log.xz > kernel.log");
    } finally {
      await context.close();
    }
  });

  it("is usable with the keyboard: a packet's button opens its steps and moves focus there", async () => {
    const { context, page } = await openPlayground("/zh-tw", 360);
    try {
      await pasteLog(page, log);
      const second = page.locator("[data-pick]").nth(1);
      await second.focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("pg-packet-h");
      expect(await page.locator("[data-packet-title]").textContent()).toBe("封包 #2");
      await page.locator("[data-diagram] svg").waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      // With packets, steps and a diagram in it, axe-core finds nothing serious in the playground.
      await page.evaluate(readFileSync(path.join(REPO_ROOT, "node_modules/axe-core/axe.min.js"), "utf8"));
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(d: Document): Promise<{ violations: { id: string; impact: string }[] }> };
          }
        ).axe;
        // The playground's own part (the site header's search button is checked by pages.test.ts).
        return (await axe.run(document.querySelector("[data-playground]") as unknown as Document)).violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map(
            (v) =>
              `${v.id}: ${(v as unknown as { nodes: { target: string[] }[] }).nodes.map((n) => n.target.join(" ")).join(", ")}`,
          );
      });
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("parses a 50 MB log in the worker with progress while the page stays responsive (figures printed)", async () => {
    const file = path.join(tmp, "big.log");
    let generated = generateLog(file, 220_000);
    while (statSync(file).size < 50 * 1024 * 1024)
      generated = generateLog(file, Math.ceil(generated.lines * 1.15));
    const size = statSync(file).size;
    const { context, page } = await openPlayground();
    try {
      // A probe on the page's thread: the longest gap between timer ticks, and the progress values seen.
      await page.evaluate(() => {
        const w = window as unknown as { probe: Probe };
        w.probe = { maxGap: 0, maxGapParsing: 0, ticks: 0, progress: [] };
        let last = performance.now();
        setInterval(() => {
          const now = performance.now();
          const p = document.querySelector<HTMLProgressElement>("[data-progress]");
          const parsing = Boolean(p && !p.hidden);
          w.probe.maxGap = Math.max(w.probe.maxGap, now - last);
          if (parsing) w.probe.maxGapParsing = Math.max(w.probe.maxGapParsing, now - last);
          w.probe.ticks++;
          last = now;
          if (p && parsing && p.value !== w.probe.progress.at(-1)) w.probe.progress.push(p.value);
        }, 20);
      });
      const started = Date.now();
      await page.locator("[data-file]").setInputFiles(file);
      // While it parses, the reader opens the ruleset box: how long until the page answers?
      await page.waitForFunction(() => {
        const p = document.querySelector<HTMLProgressElement>("[data-progress]");
        return p && !p.hidden && p.value > 0;
      });
      const answer = await page.evaluate(async () => {
        const details = document.querySelector("details[data-rules-box]") as HTMLDetailsElement;
        const t0 = performance.now();
        const toggled = new Promise((r) => details.addEventListener("toggle", r, { once: true }));
        (details.querySelector("summary") as HTMLElement).click();
        await toggled;
        await new Promise((r) => requestAnimationFrame(r));
        return {
          ms: performance.now() - t0,
          stillParsing: !document.querySelector("[data-progress]")?.hasAttribute("hidden"),
        };
      });
      await page.waitForFunction(
        () => document.querySelector("[data-progress]")?.hasAttribute("hidden"),
        undefined,
        {
          timeout: 600_000,
        },
      );
      const total = Date.now() - started;
      const probe = await page.evaluate(() => (window as unknown as { probe: Probe }).probe);
      const status = (await page.locator("[data-status-text]").textContent()) ?? "";
      console.log(
        `playground 50 MB: ${(size / 1048576).toFixed(1)} MB, ${generated.lines} lines, ${generated.packets} packets; ` +
          `parsed and listed in ${total} ms; ${probe.progress.length} progress updates; ` +
          `longest pause of the page's thread while parsing ${Math.round(probe.maxGapParsing)} ms, ` +
          `over the whole run (file handed over, list and packet 1 drawn) ${Math.round(probe.maxGap)} ms, ${probe.ticks} ticks of 20 ms; ` +
          `opening the ruleset box during the parse answered in ${Math.round(answer.ms)} ms` +
          `${answer.stillParsing ? " (parse still running)" : " (parse had finished)"}; status: ${status}`,
      );
      const intermediate = probe.progress.filter((v) => v > 0 && v < size);
      expect(intermediate.length, "progress shown while parsing").toBeGreaterThan(1);
      expect(status).toContain(`${generated.packets} packets`);
      expect(await page.locator("[data-packet-list] > li").count()).toBe(200);
    } finally {
      await context.close();
    }
  }, 900_000);
});

/** The matched rules of each step of the shown packet: `hook | chain-rule-index verdict label`. */
async function matchedPerStep(page: Page, steps: string): Promise<string[][]> {
  return page.$$eval(steps, (items) =>
    items.map((li) =>
      [...li.querySelectorAll(".pw-rule.pw-matched")].map(
        (r) =>
          `${li.querySelector(".pw-hook")?.textContent} ${r.querySelector(".pw-rule-text")?.textContent} ${r.querySelector(".pw-verdict")?.className}`,
      ),
    ),
  );
}

describe("playground anonymisation, rule listings and the viewer", () => {
  const traceLog = readFileSync(
    path.join(REPO_ROOT, "traces/docker-bridge/wan-to-published-port.log"),
    "utf8",
  );
  const rules28 = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");

  it("anonymises log and ruleset in one click, shows before and after, and the link carries none of the originals", async () => {
    // The lab's log as a reader's would be: a real public network, a host name, the MACs as they are.
    const log = traceLog
      .split("\n")
      .filter(Boolean)
      .map((l) => `Nov 30 08:31:35 web-prod-7 kernel: ${l.replace(/203\.0\.113\./g, "93.184.216.")}`)
      .join("\n");
    const rules = rules28.replace(/203\.0\.113\./g, "93.184.216.");
    const originals = [
      ...new Set([...log.matchAll(/93\.184\.216\.\d+/g)].map((m) => m[0])),
      ...new Set([...log.matchAll(/MAC=((?:[0-9a-f]{2}:){5}[0-9a-f]{2})/g)].map((m) => m[1] as string)),
      "web-prod-7",
    ];
    expect(originals.length).toBeGreaterThan(3);
    const { context, page, watch } = await openPlayground();
    try {
      await pasteLog(page, log);
      const before = await shownPackets(page);
      await page.locator("summary", { hasText: /Ruleset/ }).click();
      await page.locator("[data-rules]").fill(rules);
      await page.locator("[data-anonymize]").click();
      // Counts, and a few changed lines with the replaced words struck and inserted.
      await expect
        .poll(() => page.locator("[data-anon-summary]").textContent(), { timeout: 10_000 })
        .toMatch(/public addresses/);
      await waitParsed(page);
      const summary = (await page.locator("[data-anon-summary]").textContent()) ?? "";
      expect(summary).toMatch(/public addresses [1-9]\d*, MACs [1-9]\d*, host names 1\./);
      expect(await page.locator("[data-anon-lines] li").count()).toBeGreaterThan(0);
      expect(await page.locator("[data-anon-lines] del").first().textContent()).toMatch(
        /web-prod-7|93\.184\.216|:/,
      );
      expect(await page.locator("[data-anon-lines] ins").count()).toBeGreaterThan(0);
      // The boxes hold the new text, and it parses into the same packets, addresses apart.
      const boxes =
        (await page.locator("[data-log]").inputValue()) + (await page.locator("[data-rules]").inputValue());
      for (const o of originals) expect(boxes).not.toContain(o);
      const after = await shownPackets(page);
      expect(after.map((p) => p.hooks)).toEqual(before.map((p) => p.hooks));
      expect(after.map((p) => p.summary).join(" ")).toContain("203.0.113.");

      await page.locator("[data-share]").click();
      await expect.poll(() => page.locator("[data-share-url]").inputValue()).not.toBe("");
      const link = await page.locator("[data-share-url]").inputValue();
      const shared = await decodeShare(new URL(link).hash);
      if (!shared?.ok) throw new Error("the link does not decode");
      const carried = `${shared.input.log}\n${shared.input.rules}`;
      for (const o of originals) expect(carried, o).not.toContain(o);
      expect(shared.input.log).toBe(await page.locator("[data-log]").inputValue());
      expect(watch.problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("marks on a LOG paste the rules the trace page marks, step by step, by the simulator, in Shiki's colours", async () => {
    const { context, page, watch } = await openPlayground();
    try {
      await pasteLog(page, traceLog);
      const beforeRules = watch.requests.length;
      await page.locator("summary", { hasText: /Ruleset/ }).click();
      await page.locator("[data-rules]").fill(rules28);
      await page.locator("[data-steps] .pw-rule.pw-matched").first().waitFor();
      const mine = await matchedPerStep(page, "[data-steps] > li");
      expect(mine.flat().length).toBeGreaterThan(3);
      expect(mine.flat().every((m) => m.endsWith("pw-verdict pw-verdict-simulator"))).toBe(true);
      // Shiki came with the listing, not before: its chunks are among the requests after the ruleset.
      await expect
        .poll(() => page.locator("[data-steps]").getAttribute("data-highlighted"), { timeout: 20_000 })
        .toBe("done");
      const spans = page.locator("[data-steps] code.pw-rule-text.shiki span");
      expect(await spans.count()).toBeGreaterThan(10);
      expect(await spans.first().getAttribute("style")).toMatch(/--shiki-dark/);
      expect(watch.requests.slice(beforeRules).length).toBeGreaterThan(0);
      // Shiki runs under the page's policy: nothing it does is refused, nothing leaves.
      expect(
        await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ).toEqual([]);
      for (const url of watch.requests) expect(ownAsset(url, site.server.url), url).toBeDefined();
      expect(watch.problems).toEqual([]);

      await page.goto(at("/traces/docker-bridge/wan-to-published-port/"));
      const built = await matchedPerStep(page, ".pw-direction[data-direction=request] .pw-step");
      expect(mine).toEqual(built);
    } finally {
      await context.close();
    }
  });

  it("reads a contributor's own log prefixes through the pasted nft ruleset, pasted before or after the log, and draws its chains in their hook boxes", async () => {
    const dir = path.join(REPO_ROOT, "test/fixtures/import/docker29-noicc-routed/input");
    const log = readFileSync(path.join(dir, "kernel.log"), "utf8");
    const nft = readFileSync(path.join(dir, "nft-ruleset.txt"), "utf8");
    // What the CLI gives with the prefixes mapped to the chains that print them.
    const mapFile = path.join(tmp, "dbg-prefixes.json");
    writeFileSync(
      mapFile,
      JSON.stringify({
        "dbg pre:": "ip:mylog:log-pre",
        "dbg fwd:": "ip:mylog:log-fwd",
        "dbg post:": "ip:mylog:log-post",
      }),
    );
    const expected = execFileSync(
      process.execPath,
      [
        "bin/packetwalk.mjs",
        "parse",
        "--json",
        "--jobs",
        "1",
        "--prefix-map",
        mapFile,
        path.join(dir, "kernel.log"),
      ],
      { cwd: REPO_ROOT, encoding: "utf8" },
    )
      .split("\n")
      .filter(Boolean).length;
    expect(expected).toBeGreaterThan(20);
    for (const order of ["log first", "ruleset first"] as const) {
      const { context, page } = await openPlayground();
      try {
        await page.locator("summary", { hasText: /Ruleset/ }).click();
        if (order === "ruleset first") await page.locator("[data-rules]").fill(nft);
        await pasteLog(page, log);
        await waitParsed(page);
        if (order === "log first") {
          // No convention names 'dbg pre:': nothing is found until the ruleset says which chain prints it.
          expect(await page.locator("[data-packet-list] > li").count()).toBe(0);
          await page.locator("[data-rules]").fill(nft);
        }
        await expect
          .poll(() => page.locator("[data-packet-list] > li").count(), { timeout: 20_000 })
          .toBe(expected);
        const first = await shownPackets(page);
        expect(first[0]?.hooks, order).toEqual(["ip:mylog:log-pre", "ip:mylog:log-fwd"]);
        await page.locator("[data-pick]").nth(0).click();
        await page.locator("[data-diagram] svg").waitFor();
        // Step 1 sits in the IP PREROUTING box, with Docker's chains, not in a box of its own.
        const boxes = await stepBoxes(page, "[data-diagram] svg");
        expect(boxes["1"], order).toBe("ip_PREROUTING");
        expect(boxes["2"], order).toBe("ip_FORWARD");
        const label = (await page.locator("[data-diagram] svg g.node[data-step~='1']").textContent()) ?? "";
        expect(label.replace(/\s+/g, " ")).toContain("ip mylog log-pre (raw - 1 = -301)");
        expect(label).toContain("docker-bridges raw-PREROUTING");
      } finally {
        await context.close();
      }
    }
  });

  it("lists an nft ruleset's chains with the kernel's matches of an nft monitor trace", async () => {
    const nftLog = readFileSync(
      path.join(REPO_ROOT, "traces/docker-bridge-nft/container-to-wan-trace.log"),
      "utf8",
    );
    const nft = readFileSync(
      path.join(REPO_ROOT, "traces/docker-bridge-nft/rulesets/docker-29-nft.rules"),
      "utf8",
    );
    const { context, page } = await openPlayground();
    try {
      await pasteLog(page, nftLog);
      await page.locator("[data-diagram] svg").waitFor();
      const legend = () => page.locator(".pg-legend:not([hidden])").allInnerTexts();
      // No ruleset yet: the map is the iptables one, and so is its legend (one legend shown).
      expect((await legend()).join("|")).toMatch(/^[^|]*IP hook \(iptables[^|]*$/);
      await page.locator("summary", { hasText: /Ruleset/ }).click();
      await page.locator("[data-rules]").fill(nft);
      // With the nft ruleset the boxes list its base chains: the legend says what they list. The nft
      // reader is loaded on first use and the worker reads the rules: on a busy machine that took over 1 s.
      await expect
        .poll(async () => (await legend()).join("|"), { timeout: 20_000 })
        .toMatch(/^[^|]*IP hook: every base chain there[^|]*$/);
      // Packet 1: the request, whole from packetwalk's nftrace chain on (the kernel's trace id ties it).
      const forward = page.locator("[data-pick]").nth(0);
      await forward.click();
      await page.locator("[data-steps] .pw-rule.pw-matched").first().waitFor();
      const chains = await page.locator("[data-steps] .pw-chain-name").allTextContents();
      expect(chains.join(" ")).toContain("ip docker-bridges filter-FORWARD");
      const marked = (await matchedPerStep(page, "[data-steps] > li")).flat();
      // The request to the internet: the kernel's own steps, through Docker's maps, each in its chain.
      expect(marked).toEqual([
        "ip docker-bridges filter-FORWARD iifname vmap @filter-forward-out-jumps pw-verdict pw-verdict-kernel",
        'ip docker-bridges filter-FORWARD counter accept comment "OUTGOING" pw-verdict pw-verdict-kernel',
        "ip docker-bridges nat-POSTROUTING iifname vmap @nat-postrouting-out-jumps pw-verdict pw-verdict-kernel",
        'ip docker-bridges nat-POSTROUTING oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade comment "MASQUERADE" pw-verdict pw-verdict-kernel',
      ]);
    } finally {
      await context.close();
    }
  });

  it("opens the diagram full screen and gives it back, as on the lesson pages", async () => {
    const { context, page } = await openPlayground();
    try {
      await pasteLog(page, traceLog);
      await page.locator("[data-diagram] svg").waitFor();
      const open = page.locator("[data-packet-detail] .pw-zoom");
      expect(await open.textContent()).toContain("Full screen");
      await open.click();
      const dialog = page.locator("dialog.pw-viewer[open]");
      await dialog.waitFor();
      expect(await dialog.locator(".pw-viewer-title").textContent()).toContain("Packet #1");
      expect(await dialog.locator(".pw-viewer-title").textContent()).not.toContain("⤢");
      expect(await dialog.locator("[data-diagram] svg").count()).toBe(1);
      await page.keyboard.press("+");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" }).catch(() => undefined);
      expect(await page.locator("dialog.pw-viewer[open]").count()).toBe(0);
      // The box goes back on the dialog's `close` event, which the browser fires as a task after Escape.
      await expect.poll(() => page.locator("[data-packet-detail] [data-diagram] svg").count()).toBe(1);
      expect(await page.evaluate(() => document.activeElement?.classList.contains("pw-zoom"))).toBe(true);
      // A packet picked after that is drawn in the same box.
      await page.locator("[data-pick]").nth(1).click();
      await expect
        .poll(() => page.locator("[data-diagram]").getAttribute("data-drawn-packet"), { timeout: 20_000 })
        .toBe("2");
    } finally {
      await context.close();
    }
  });
});

describe("playground screenshots", () => {
  const shots = [
    { name: "1280-light", width: 1280, theme: "light" },
    { name: "1280-dark", width: 1280, theme: "dark" },
    { name: "390-light", width: 390, theme: "light" },
    { name: "390-dark", width: 390, theme: "dark" },
  ] as const;
  const log = readFileSync(
    path.join(REPO_ROOT, "traces/docker-bridge/wan-to-published-port-trace.log"),
    "utf8",
  );
  const rules = readFileSync(path.join(REPO_ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");

  it.each(shots)(
    "writes the $name screenshot (test-results/screenshots/)",
    async ({ name, width, theme }) => {
      const context = await site.browser.newContext({ viewport: { width, height: 900 }, colorScheme: theme });
      try {
        const page = await context.newPage();
        await page.goto(at(`${width < 500 ? "/zh-tw" : ""}/playground/`));
        await pasteLog(page, log);
        await page.locator("details[data-rules-box] summary").click();
        await page.locator("[data-rules]").fill(rules);
        await page.locator("[data-steps] .pw-rule").first().waitFor();
        await page.locator("[data-diagram] svg").waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        const dir = path.join(REPO_ROOT, "test-results/screenshots");
        await page.screenshot({ path: path.join(dir, `playground-${name}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    },
  );
});
