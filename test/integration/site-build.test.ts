/**
 * A real `astro build` of the fixture site in test/fixtures/site, asserting on
 * the HTML a reader gets; and a fixture with bad front matter that must fail
 * with positioned messages and no stack trace.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const astroBin = join(root, "node_modules", "astro", "bin", "astro.mjs");
const FIXTURE_SVG_CACHE = join(root, "node_modules/.cache/packetwalk/svg-fixture");

function build(contentDir: string, outDir: string, extraEnv: Record<string, string> = {}) {
  // Vitest exports NODE_ENV/MODE/DEV/PROD into process.env, which would make Vite treat the build as dev.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        (!["NODE_ENV", "MODE", "DEV", "PROD", "SSR", "BASE_URL"].includes(k) &&
          // `npm test` builds dist/ under /packetwalk/; the fixture site is built with the defaults (base /).
          !k.startsWith("PACKETWALK_")) ||
        k === "PACKETWALK_CHROMIUM",
    ),
  );
  return spawnSync(process.execPath, [astroBin, "build", "--outDir", outDir], {
    cwd: root,
    // A diagram cache of its own, so the fixture builds neither use nor clear the site's.
    env: {
      ...env,
      PACKETWALK_CONTENT_DIR: contentDir,
      PACKETWALK_SVG_CACHE: FIXTURE_SVG_CACHE,
      ASTRO_TELEMETRY_DISABLED: "1",
      ...extraEnv,
    },
    encoding: "utf8",
    timeout: 300_000,
  });
}

describe("astro build of the fixture site", () => {
  const out = mkdtempSync(join(tmpdir(), "packetwalk-site-"));
  const page = (path: string) => readFileSync(join(out, path), "utf8");
  let result: ReturnType<typeof build>;

  beforeAll(() => {
    result = build("test/fixtures/site/content", out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("succeeds", () => {
    expect(result.status, result.stderr + result.stdout).toBe(0);
  });

  it("renders a lesson with one h1, head tags, and the current page marked in the sidebar", () => {
    const html = page("lessons/first-steps/index.html");
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toContain("<title>First steps with hooks · packetwalk</title>");
    expect(html).toMatch(/<meta name="description" content="A fixture lesson that comes first/);
    expect(html).toMatch(/<meta property="og:title" content="First steps with hooks · packetwalk"/);
    expect(html).toMatch(/<meta property="og:type" content="article"/);
    expect(html).toMatch(
      /<link rel="canonical" href="https:\/\/packetwalk\.example\.org\/lessons\/first-steps\/"/,
    );
    expect(html).toMatch(
      /<a href="\/lessons\/first-steps\/" aria-current="page">First steps with hooks<\/a>/,
    );
    expect(html).toMatch(/<a href="\/lessons\/second-steps\/">Second steps with chains<\/a>/);
    expect(html).toMatch(/<html lang="en"/);
  });

  it("orders lessons: previous/next links follow the course order", () => {
    const first = page("lessons/first-steps/index.html");
    const second = page("lessons/second-steps/index.html");
    expect(first).toMatch(/rel="next" href="\/lessons\/second-steps\/"/);
    expect(first).not.toContain('rel="prev"');
    expect(second).toMatch(/rel="prev" href="\/lessons\/first-steps\/"/);
  });

  it("builds a table of contents from h2/h3 and gives headings anchors", () => {
    const html = page("lessons/first-steps/index.html");
    expect(html).toMatch(
      /<nav class="toc"[^>]*>[\s\S]*href="#where-the-raw-table-runs"[\s\S]*href="#a-detail-about-priorities"/,
    );
    expect(html).toMatch(
      /<h2 id="where-the-raw-table-runs">[^<]*<a class="heading-anchor" href="#where-the-raw-table-runs"/,
    );
  });

  it("links to the lesson's source for editing", () => {
    const html = page("lessons/first-steps/index.html");
    expect(html).toContain(
      'href="https://github.com/packetwalk/packetwalk/edit/main/test/fixtures/site/content/lessons/en/first-steps.md"',
    );
  });

  it("serves the zh-TW locale under /zh-tw/ and links translations both ways", () => {
    const zh = page("zh-tw/lessons/first-steps/index.html");
    expect(zh).toMatch(/<html lang="zh-Hant-TW"/);
    expect(zh).toContain("本頁內容");
    expect(zh).toMatch(/href="\/lessons\/first-steps\/"[^>]*hreflang="en"/);
    expect(page("lessons/first-steps/index.html")).toMatch(
      /href="\/zh-tw\/lessons\/first-steps\/"[^>]*hreflang="zh-Hant-TW"/,
    );
    // No translation: no language link, rather than a link to nowhere.
    expect(page("lessons/second-steps/index.html")).not.toContain('hreflang="zh-Hant-TW"');
  });

  it("leaves drafts out of a production build", () => {
    expect(existsSync(join(out, "lessons/hidden-draft/index.html"))).toBe(false);
    expect(page("index.html")).not.toContain("A draft that must not be published");
  });

  it("writes a 404 page kept out of the search index, and a sitemap without it", () => {
    const notFound = page("404.html");
    expect(notFound).toContain('<meta name="robots" content="noindex"');
    expect(notFound).not.toContain("data-pagefind-body");
    const sitemap = page("sitemap-0.xml");
    expect(sitemap).toContain("https://packetwalk.example.org/lessons/first-steps/");
    expect(sitemap).not.toContain("404");
  });

  it("ships the theme script inline in the head, before the body, so no wrong theme flashes", () => {
    const html = page("lessons/first-steps/index.html");
    const head = html.slice(0, html.indexOf("<body"));
    expect(head).toContain("packetwalk-theme");
    expect(head).toContain("prefers-color-scheme: dark");
  });
});

describe("::trace figures in the fixture site", () => {
  const out = mkdtempSync(join(tmpdir(), "packetwalk-trace-"));
  const statsFile = join(root, "node_modules/.cache/packetwalk/last-build.json");
  const stats = () =>
    JSON.parse(readFileSync(statsFile, "utf8")) as {
      requests: number;
      distinct: number;
      rendered: number;
      cacheHits: number;
      launches: number;
      ogPages: number;
      ogDrawn: number;
      ogCached: number;
    };
  let firstStats: ReturnType<typeof stats>;
  let html = "";
  let first: ReturnType<typeof build>;

  beforeAll(() => {
    // Cold: no diagram in the cache, and no lesson HTML in Astro's data store (left by the build above).
    rmSync(FIXTURE_SVG_CACHE, { recursive: true, force: true });
    rmSync(join(root, "node_modules/.astro-fixture"), { recursive: true, force: true });
    first = build("test/fixtures/site/content", out);
    firstStats = stats();
    html = readFileSync(join(out, "lessons/with-trace/index.html"), "utf8");
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("renders one figure per directive, with one SVG per direction whose colours are the theme's", () => {
    expect(first.status, first.stderr + first.stdout).toBe(0);
    const figures = html.match(/<figure class="pw-trace"/g) ?? [];
    expect(figures).toHaveLength(2);
    // Map figure: request + reply; TRACE figure: request only.
    expect(html.match(/<section class="pw-direction" data-direction="request"/g)).toHaveLength(2);
    expect(html.match(/<section class="pw-direction" data-direction="reply"/g)).toHaveLength(1);
    expect(html.match(/<div class="pw-diagram"[^>]*><svg/g)).toHaveLength(3);
    expect(html).not.toMatch(/pw-diagram-(light|dark)/);
    expect(html).toContain("fill:var(--pw-m-mainBkg,#ECECFF)");
    expect(html).toContain("TRACE view");
  });

  it("ships no Mermaid JavaScript and keeps every id on the page unique", () => {
    expect(html).not.toMatch(/<script[^>]+src="[^"]*mermaid/i);
    expect(html).not.toContain("mermaid.initialize");
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
  });

  it("numbers the steps in the listing and on the diagram, with the kernel's hook order", () => {
    const requestSteps = [
      ...html.matchAll(
        /<li class="pw-step" data-step="(\d+)"[^>]*>.*?<code class="pw-hook">([^<]+)<\/code>/g,
      ),
    ]
      .map((m) => `${m[1]} ${m[2]}`)
      .slice(0, 9);
    expect(requestSteps).toEqual([
      "1 bridge:nat:PREROUTING",
      "2 ip:raw:PREROUTING",
      "3 ip:mangle:PREROUTING",
      "4 ip:nat:PREROUTING",
      "5 bridge:filter:INPUT",
      "6 ip:mangle:FORWARD",
      "7 ip:filter:FORWARD",
      "8 ip:mangle:POSTROUTING",
      "9 ip:nat:POSTROUTING",
    ]);
    // MASQUERADE runs after the LOG rule of nat POSTROUTING: no request line shows the new source, the reply's does.
    const last = /<li class="pw-step" data-step="9"[^>]*>(.*?)<\/li>/.exec(html)?.[1] ?? "";
    const text = last.replace(/<[^>]+>/g, "").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
    expect(text).toContain("then SNAT 172.17.0.2 -> 203.0.113.2: no line shows it, the reply's addresses do");
    // The map's IP PREROUTING box carries the numbers of the steps it holds (raw, mangle, nat), for the
    // step-through island.
    expect(html).toMatch(
      /<g class="node[^"]*"[^>]* id="[^"]*-request-flowchart-ip_PREROUTING-\d+"[^>]* data-step="2 3 4"/,
    );
  });

  it("marks the kernel's matched rules on a TRACE trace, and only the simulator's predictions on a LOG trace", () => {
    const [logFigure, traceFigure] = html.split('<figure class="pw-trace"').slice(1);
    const text = (traceFigure ?? "").replace(/<[^>]+>/g, "");
    expect(text).toContain("-A DOCKER-FORWARD -i docker0 -j ACCEPT matched: ACCEPT");
    expect(traceFigure).toContain('class="pw-rule pw-matched"');
    expect(traceFigure).toContain('class="pw-verdict pw-verdict-kernel">matched: ACCEPT');
    // A LOG line says which hook, not which rule: the marks there are the simulator's, and say so.
    expect(logFigure).toContain('class="pw-verdict pw-verdict-simulator">simulator: MASQUERADE');
    expect(logFigure).not.toContain("pw-verdict-kernel");
    // The MASQUERADE rewrite shows on the reply's way back as a de-NAT.
    expect(logFigure).toContain("pw-rewrite");
  });

  it("keeps every id unique on every page with diagrams, lesson and trace pages in both locales", () => {
    const pages = [
      "lessons/with-trace/index.html",
      "traces/docker-bridge/container-to-wan/index.html",
      "zh-tw/traces/docker-bridge/container-to-wan/index.html",
    ];
    for (const path of pages) {
      const ids = [...readFileSync(join(out, path), "utf8").matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.length, path).toBeGreaterThan(100);
      expect(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        path,
      ).toEqual([]);
    }
  });

  it("renders each distinct diagram once, however many pages, locales and positions show it", () => {
    // The lesson's container-to-wan figure is also on that trace's English page: one render for both.
    const svgOf = (page: string, id: RegExp) => {
      const text = readFileSync(join(out, page), "utf8");
      const m = new RegExp(`<svg id="(${id.source})"[\\s\\S]*?</svg>`).exec(text);
      if (!m) throw new Error(`no diagram ${id} in ${page}`);
      // Lessons pass through Astro's HTML serialiser, trace pages do not: compare the same spelling.
      return m[0]
        .replaceAll(m[1] as string, "ID")
        .replaceAll('=""', "")
        .replaceAll("&gt;", ">");
    };
    const lesson = svgOf("lessons/with-trace/index.html", /pw\w+-1-request/);
    expect(svgOf("traces/docker-bridge/container-to-wan/index.html", /pwtrace-[\w-]+-request/)).toBe(lesson);
    // The zh-TW page draws the same boxes with the map's own words in Chinese: a diagram of its own.
    const zh = svgOf("zh-tw/traces/docker-bridge/container-to-wan/index.html", /pwtrace-[\w-]+-request/);
    expect(zh).toContain("路由決策");
    expect(zh).not.toBe(lesson);
    expect(firstStats.distinct).toBeLessThan(firstStats.requests);
    expect(firstStats.rendered).toBe(firstStats.distinct);
    expect(firstStats.cacheHits).toBe(0);
  });

  it("renders 0 diagrams on a second build, even when Astro's own cache is gone", () => {
    rmSync(join(root, "node_modules/.astro-fixture/data-store.json"), { force: true });
    const again = build("test/fixtures/site/content", out);
    expect(again.status, again.stderr + again.stdout).toBe(0);
    const { rendered, cacheHits, launches, ogPages, ogDrawn, ogCached } = stats();
    expect(rendered).toBe(0);
    expect(cacheHits).toBeGreaterThan(0);
    // The lessons' link-preview pictures are drawn once too: no browser starts for a build that changed nothing.
    expect(firstStats.ogPages).toBeGreaterThan(0);
    expect({ ogPages, ogDrawn, ogCached: ogCached > 0, launches }).toEqual({
      ogPages: firstStats.ogPages,
      ogDrawn: 0,
      ogCached: true,
      launches: 0,
    });
  });

  it("renders 0 diagrams when a ::trace moves within a lesson", () => {
    const content = mkdtempSync(join(tmpdir(), "packetwalk-moved-"));
    try {
      cpSync(join(root, "test/fixtures/site/content"), content, { recursive: true });
      const file = join(content, "lessons/en/with-trace.md");
      const text = readFileSync(file, "utf8");
      const second =
        '::trace{src="docker-bridge/container-to-wan-trace" direction="request" view="path" caption="TRACE view"}\n';
      // The second figure first, with a new paragraph before it: every figure changes position.
      const moved = text
        .replace(second, "")
        .replace("The first figure", `A new paragraph.\n\n${second}\nThe first figure`);
      expect(moved).not.toBe(text);
      writeFileSync(file, moved);
      const again = build(content, out);
      expect(again.status, again.stderr + again.stdout).toBe(0);
      const movedHtml = readFileSync(join(out, "lessons/with-trace/index.html"), "utf8");
      expect(movedHtml.indexOf("TRACE view")).toBeLessThan(movedHtml.indexOf('data-direction="reply"'));
      expect(stats().rendered).toBe(0);
    } finally {
      rmSync(content, { recursive: true, force: true });
    }
  });
});

describe("astro build with a bad ::trace", () => {
  it("fails at the src attribute's line and column with the closest trace as a hint", () => {
    const out = mkdtempSync(join(tmpdir(), "packetwalk-bad-trace-"));
    try {
      const result = build("test/fixtures/site-bad-directive/content", out);
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toContain(
        "test/fixtures/site-bad-directive/content/lessons/en/typo.md:11:9: error: no trace 'docker-bridge/container-to-wann' under traces/",
      );
      expect(output).toContain("hint: did you mean 'docker-bridge/container-to-wan'?");
      // Paragraphs that start like ::trace but do not parse as one: each at its own line, never published.
      const malformed = "test/fixtures/site-bad-directive/content/lessons/en/malformed.md";
      expect(output).toContain(`${malformed}:11:1: error: the attributes are not closed by '}'`);
      expect(output).toContain(`${malformed}:13:1: error: space between '::trace' and '{'`);
      expect(output).toContain(
        `${malformed}:15:1: error: a backslash-escaped quote inside an attribute value`,
      );
      expect(output).not.toContain(`${malformed}:9:`);
      expect(output).toContain("4 problem(s) in lessons and traces; build stopped");
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      // A failed build leaves nothing a second build could reuse and pass with.
      const again = build("test/fixtures/site-bad-directive/content", out);
      expect(again.status).not.toBe(0);
      expect(again.stdout + again.stderr).toContain("4 problem(s) in lessons and traces; build stopped");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("astro build with a bad front matter", () => {
  it("fails naming the file, line, column and field, without a stack trace", () => {
    const out = mkdtempSync(join(tmpdir(), "packetwalk-bad-"));
    try {
      const result = build("test/fixtures/site-bad-frontmatter/content", out);
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toContain(
        "test/fixtures/site-bad-frontmatter/content/lessons/en/broken.md:4:10: error: front matter field 'section'",
      );
      expect(output).toContain("front matter field 'order' is missing");
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("astro build with broken trace folders", () => {
  /** A copy of traces/ (every lab) in a temporary folder, changed by `spoil`. */
  function tracesWith(spoil: (lab: string) => void): { dir: string; remove: () => void } {
    const dir = mkdtempSync(join(tmpdir(), "packetwalk-traces-"));
    cpSync(join(root, "traces"), dir, { recursive: true });
    spoil(join(dir, "docker-bridge"));
    return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it("fails on a trace that no lesson uses and that does not parse, at the log's position, without a stack", () => {
    const traces = tracesWith((lab) => {
      const meta = JSON.parse(readFileSync(join(lab, "container-to-wan.json"), "utf8"));
      writeFileSync(
        join(lab, "unused-broken.json"),
        JSON.stringify({ ...meta, scenario: "unused-broken" }, null, 2),
      );
      writeFileSync(join(lab, "unused-broken.log"), "this is not a kernel log line\n");
    });
    const out = mkdtempSync(join(tmpdir(), "packetwalk-broken-trace-"));
    try {
      const result = build("test/fixtures/site/content", out, { PACKETWALK_TRACES_DIR: traces.dir });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toMatch(
        /unused-broken\.log:\d+:\d+: error: trace 'docker-bridge\/unused-broken' does not parse/,
      );
      expect(output).toContain("hint: check it with `npx packetwalk parse");
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    } finally {
      rmSync(out, { recursive: true, force: true });
      traces.remove();
    }
  });

  it("fails on a trace log that is a symbolic link out of the repository, and publishes nothing of it", () => {
    const secret = join(tmpdir(), `packetwalk-secret-${process.pid}.log`);
    writeFileSync(secret, "SECRET-KERNEL-LOG-LINE\n");
    const traces = tracesWith((lab) => {
      rmSync(join(lab, "container-to-wan.log"));
      symlinkSync(secret, join(lab, "container-to-wan.log"));
    });
    const out = mkdtempSync(join(tmpdir(), "packetwalk-symlink-trace-"));
    try {
      const result = build("test/fixtures/site/content", out, { PACKETWALK_TRACES_DIR: traces.dir });
      const output = result.stdout + result.stderr;
      expect(result.status).not.toBe(0);
      expect(output).toMatch(/docker-bridge\/container-to-wan\.log: error: is a symbolic link/);
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      const published = existsSync(out) ? readdirSync(out, { recursive: true, encoding: "utf8" }) : [];
      for (const f of published.filter((p) => p.endsWith(".html"))) {
        expect(readFileSync(join(out, f), "utf8")).not.toContain("SECRET-KERNEL-LOG-LINE");
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(secret, { force: true });
      traces.remove();
    }
  });
});
