/**
 * Finds and launches a headless Chromium for build-time Mermaid rendering.
 *
 * Discovery order: `PACKETWALK_CHROMIUM`, system Chrome/Chromium (Linux and
 * macOS paths), Playwright's installed browsers, then the npm package
 * `@sparticuz/chromium` on Linux (it unpacks a Chromium to /tmp), so that
 * `npm ci` alone is enough. The first candidate that launches wins; if none
 * does, the error lists every attempt and how to fix it.
 */
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Flags every launch uses: headless, no sandbox (containers, root), nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** Where a candidate executable came from. */
export type ChromiumSource = "PACKETWALK_CHROMIUM" | "system" | "playwright" | "@sparticuz/chromium";

/** One executable to try. */
export interface ChromiumCandidate {
  source: ChromiumSource;
  /** Absolute path, or a thunk for `@sparticuz/chromium` (which unpacks on first use). */
  path: string | (() => Promise<string>);
  /** Human-readable description for the error listing. */
  describe: string;
}

/** Inputs of discovery, all defaulting to this process's environment (overridable for tests). */
export interface FindChromiumOptions {
  /** Environment; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Platform; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Home directory; default `os.homedir()`. */
  home?: string;
  /** Whether to consider `@sparticuz/chromium` (Linux only); default true. */
  sparticuz?: boolean;
}

const LINUX_SYSTEM = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/opt/google/chrome/chrome",
  "/snap/bin/chromium",
];
const MAC_SYSTEM = [
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
];

function playwrightExecutables(root: string, platform: NodeJS.Platform): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  // Newest revision first: the folder names end in the revision number.
  const dirs = readdirSync(root)
    .filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d))
    .sort((a, b) => Number(b.split("-").pop()) - Number(a.split("-").pop()));
  for (const dir of dirs) {
    const inner =
      platform === "darwin"
        ? [
            "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
            "chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium",
            "chrome-mac/headless_shell",
            "chrome-mac-arm64/headless_shell",
          ]
        : [
            "chrome-linux/chrome",
            "chrome-linux64/chrome",
            "chrome-linux/headless_shell",
            "chrome-headless-shell-linux64/chrome-headless-shell",
          ];
    for (const rel of inner) {
      const p = join(root, dir, rel);
      if (existsSync(p)) found.push(p);
    }
  }
  return found;
}

/** Lists the candidates in discovery order (only paths that exist, except the env override which is always tried). */
export function chromiumCandidates(options: FindChromiumOptions = {}): ChromiumCandidate[] {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  const out: ChromiumCandidate[] = [];
  const override = env.PACKETWALK_CHROMIUM;
  if (override)
    out.push({ source: "PACKETWALK_CHROMIUM", path: override, describe: `PACKETWALK_CHROMIUM=${override}` });
  const system =
    platform === "darwin"
      ? [...MAC_SYSTEM, ...MAC_SYSTEM.map((p) => join(home, p))]
      : platform === "linux"
        ? LINUX_SYSTEM
        : [];
  for (const p of system)
    if (existsSync(p)) out.push({ source: "system", path: p, describe: `system browser ${p}` });
  const pwRoot =
    env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== "0"
      ? env.PLAYWRIGHT_BROWSERS_PATH
      : platform === "darwin"
        ? join(home, "Library/Caches/ms-playwright")
        : join(home, ".cache/ms-playwright");
  for (const p of playwrightExecutables(pwRoot, platform)) {
    out.push({ source: "playwright", path: p, describe: `Playwright browser ${p}` });
  }
  if (platform === "linux" && options.sparticuz !== false) {
    out.push({
      source: "@sparticuz/chromium",
      describe: "npm package @sparticuz/chromium (unpacked to /tmp)",
      path: async () => {
        const mod = await import("@sparticuz/chromium");
        return mod.default.executablePath();
      },
    });
  }
  return out;
}

/** A launched browser and where it came from. */
export interface LaunchedChromium {
  browser: Browser;
  executablePath: string;
  source: ChromiumSource;
}

/** Thrown when no candidate launches; `attempts` says what was tried and why it failed. */
export class ChromiumNotFoundError extends Error {
  attempts: string[];
  constructor(attempts: string[]) {
    super(
      [
        "packetwalk could not launch a headless Chromium to render Mermaid diagrams.",
        attempts.length
          ? "Tried:"
          : "No candidate was found (no system browser, no Playwright browser, not on Linux for @sparticuz/chromium).",
        ...attempts.map((a) => `  - ${a}`),
        "Fix: set PACKETWALK_CHROMIUM=/path/to/chrome, or install Chromium (Debian/Ubuntu: apt-get install chromium;",
        "macOS: install Google Chrome), or run `npm ci` on Linux so that @sparticuz/chromium is present.",
      ].join("\n"),
    );
    this.name = "ChromiumNotFoundError";
    this.attempts = attempts;
  }
}

/** Throws, with the reason, unless `path` is a file this process may execute. */
function assertExecutable(path: string): void {
  let file = false;
  try {
    file = statSync(path).isFile();
    accessSync(path, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(file ? `not executable (${code})` : `no such file (${code})`);
  }
  if (!file) throw new Error("not a file");
}

/**
 * Launches the first candidate that starts. Playwright gives every launch a
 * fresh temporary user-data-dir and removes it on close; the browser's other
 * temporary files (Chromium leaves empty `.org.chromium.Chromium.*` files
 * behind) go to a folder of its own, removed when it closes or the process exits.
 */
export async function launchChromium(options: FindChromiumOptions = {}): Promise<LaunchedChromium> {
  const attempts: string[] = [];
  for (const candidate of chromiumCandidates(options)) {
    let executablePath = "";
    try {
      executablePath = typeof candidate.path === "string" ? candidate.path : await candidate.path();
      // Playwright makes two temporary folders before it starts the browser and leaves them when the
      // start fails: a path that is no executable file is refused before it gets there.
      assertExecutable(executablePath);
      const temp = mkdtempSync(join(tmpdir(), "pw-chromium-"));
      // Retried: a file Chromium writes while it dies can make one pass fail with ENOTEMPTY.
      const removeTemp = () => rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
      let browser: Browser;
      try {
        browser = await chromium.launch({
          executablePath,
          args: [...CHROMIUM_ARGS],
          timeout: 60_000,
          env: { ...process.env, TMPDIR: temp },
        });
      } catch (error) {
        removeTemp();
        throw error;
      }
      // A process that exits with the browser open (Playwright kills it on exit) never sees `disconnected`.
      process.once("exit", removeTemp);
      browser.on("disconnected", () => {
        process.off("exit", removeTemp);
        removeTemp();
      });
      return { browser, executablePath, source: candidate.source };
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      attempts.push(
        `${candidate.describe}${executablePath && typeof candidate.path !== "string" ? ` (${executablePath})` : ""}: ${reason}`,
      );
    }
  }
  throw new ChromiumNotFoundError(attempts);
}
