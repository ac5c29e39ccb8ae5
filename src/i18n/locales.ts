/**
 * The site's locales and the strings of its chrome (not of lessons).
 */

/** Locale keys as they appear in URLs and content folders. The first is the default (no URL prefix). */
export const LOCALES = ["en", "zh-tw"] as const;
/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];
/** The default locale, served without a prefix. */
export const DEFAULT_LOCALE: Locale = "en";

/** BCP 47 tag for `<html lang>` and OpenGraph. */
export const LANG_TAG: Record<Locale, string> = { en: "en", "zh-tw": "zh-Hant-TW" };
/** OpenGraph's `og:locale` (language_TERRITORY; it has no script subtag). */
export const OG_LOCALE: Record<Locale, string> = { en: "en_US", "zh-tw": "zh_TW" };
/** Name of each locale in its own language, for the language switch. */
export const LOCALE_NAME: Record<Locale, string> = { en: "English", "zh-tw": "繁體中文" };

const strings = {
  en: {
    skip: "Skip to content",
    menu: "Menu",
    lessons: "Lessons",
    onThisPage: "On this page",
    previous: "Previous",
    next: "Next",
    edit: "Edit this page",
    lastUpdated: "Last updated:",
    search: "Search",
    searchPlaceholder: "Search the lessons",
    searchNoResults: "No results for",
    searchResults: "{n} results",
    searchOneResult: "1 result",
    searchMore: "Show more results",
    searchUnavailable: "Search is built by `npm run build`; it is not available in `npm run dev`.",
    close: "Close",
    theme: "Toggle dark mode",
    copy: "Copy",
    copied: "Copied",
    copyCode: "Copy the code",
    themeAuto: "Theme: automatic, as the system",
    themeLight: "Theme: light",
    themeDark: "Theme: dark",
    language: "Language",
    notFoundTitle: "Page not found",
    notFoundBody: "There is no page at this address. The lessons are listed below.",
    home: "packetwalk: how packets really move through Linux netfilter",
    homeIntro:
      "Lessons on how packets cross iptables, ebtables and nftables on a Docker host, with diagrams drawn from real kernel traces (the simulated ones, in the What-if lesson, say so).",
    traces: "Traces",
    playground: "Paste your own log",
    tools: "Tools",
  },
  "zh-tw": {
    skip: "跳到主要內容",
    menu: "選單",
    lessons: "課程",
    onThisPage: "本頁內容",
    previous: "上一篇",
    next: "下一篇",
    edit: "編輯此頁",
    lastUpdated: "最後更新：",
    search: "搜尋",
    searchPlaceholder: "搜尋課程",
    searchNoResults: "找不到結果：",
    searchResults: "{n} 筆結果",
    searchOneResult: "1 筆結果",
    searchMore: "顯示更多結果",
    searchUnavailable: "搜尋索引由 `npm run build` 產生，`npm run dev` 時無法使用。",
    close: "關閉",
    theme: "切換深色模式",
    copy: "複製",
    copied: "已複製",
    copyCode: "複製程式碼",
    themeAuto: "主題：自動（跟隨系統）",
    themeLight: "主題：淺色",
    themeDark: "主題：深色",
    language: "語言",
    notFoundTitle: "找不到頁面",
    notFoundBody: "這個網址沒有頁面。以下是所有課程。",
    home: "packetwalk：封包在 Linux netfilter 中真正的流動路徑",
    homeIntro:
      "透過真實核心錄下的追蹤紀錄，一步步看懂封包在 Docker 主機上如何經過 iptables、ebtables 與 nftables（「如果……會怎樣」一課的圖為模擬，並有標示）。",
    traces: "追蹤紀錄",
    playground: "貼上你自己的日誌",
    tools: "工具",
  },
} as const satisfies Record<Locale, Record<string, string>>;

/** A chrome string key. */
export type UiKey = keyof (typeof strings)["en"];

/** The chrome string `key` in `locale`. */
export function t(locale: Locale, key: UiKey): string {
  return strings[locale][key];
}

/** URL path prefix of a locale: `` for the default, `/zh-tw` otherwise. */
export function localePrefix(locale: Locale): string {
  return locale === DEFAULT_LOCALE ? "" : `/${locale}`;
}

/** Whether a string is one of {@link LOCALES}. */
export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

const sectionNames = {
  en: {
    basics: "Basics",
    bridge: "The bridge layer",
    ip: "The IP layer",
    directions: "Every direction",
    "what-if": "What if? (simulated)",
    nftables: "Docker 29 on nftables",
    practice: "In practice",
  },
  "zh-tw": {
    basics: "基礎觀念",
    bridge: "Bridge 層",
    ip: "IP 層",
    directions: "各種流向",
    "what-if": "假設情境（模擬）",
    nftables: "Docker 29 與 nftables",
    practice: "實戰",
  },
} as const;

/** Sidebar heading of a course section in `locale`. */
export function sectionName(locale: Locale, section: keyof (typeof sectionNames)["en"]): string {
  return sectionNames[locale][section];
}
