// @ts-check
import { rehypeHeadingIds, unified } from "@astrojs/markdown-remark";
import sitemap from "@astrojs/sitemap";
import { defineConfig } from "astro/config";
import { dropOtherLanguageNotes } from "./src/plugin/drop-other-language-notes.ts";
import packetwalk from "./src/plugin/integration.ts";
import { lessonRemarkPlugins } from "./src/plugin/lesson-remark-plugins.ts";
import rehypeBaseLinks from "./src/plugin/rehype-base-links.ts";
import rehypeHeadingAnchors from "./src/plugin/rehype-heading-anchors.ts";
import rehypeTableCodeWords from "./src/plugin/rehype-table-code-words.ts";
import rehypeTableLabels from "./src/plugin/rehype-table-labels.ts";
import { siteConfig } from "./src/site-config.ts";

// The build test points the site at a fixture content folder, with its own cache.
const contentDir = process.env.PACKETWALK_CONTENT_DIR ?? "./content";

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
  // Both from the environment (PACKETWALK_SITE, PACKETWALK_BASE): see "Deploying" in README.md.
  site: siteConfig.site,
  base: siteConfig.base,
  trailingSlash: "always",
  build: { format: "directory" },
  i18n: {
    locales: ["en", { path: "zh-tw", codes: ["zh-TW", "zh-Hant"] }],
    defaultLocale: "en",
    routing: { prefixDefaultLocale: false },
  },
  ...(process.env.PACKETWALK_CONTENT_DIR ? { cacheDir: "./node_modules/.astro-fixture" } : {}),
  integrations: [
    packetwalk({ contentDir }),
    sitemap({
      i18n: { defaultLocale: "en", locales: { en: "en", "zh-tw": "zh-Hant-TW" } },
      filter: (page) => !page.endsWith("/404/"),
    }),
  ],
  // The playground's worker loads its rule listing code only with a first ruleset: an ES module worker.
  // Each language's page has its own worker, built without the other language's rule notes.
  vite: { worker: { format: "es", plugins: () => [dropOtherLanguageNotes()] } },
  markdown: {
    // High-contrast themes pass WCAG AA on both page themes; the site's CSS switches them with data-theme.
    shikiConfig: { themes: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" } },
    // The remark/rehype pipeline (not Sätteri): the trace directive is a remark plugin; only ::trace is a directive.
    processor: unified({
      gfm: true,
      // The same list `packetwalk check --lessons` runs (src/plugin/lesson-remark-plugins.ts).
      remarkPlugins: lessonRemarkPlugins({ siteBase: siteConfig.base }),
      rehypePlugins: [
        rehypeHeadingIds,
        rehypeHeadingAnchors,
        rehypeTableLabels,
        rehypeTableCodeWords,
        [rehypeBaseLinks, { base: siteConfig.base }],
      ],
    }),
  },
});
