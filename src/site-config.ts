/**
 * Site-wide settings, read once from the environment (with defaults) and validated at build start.
 *
 * | variable                 | setting      | default                                        |
 * | ------------------------ | ------------ | ---------------------------------------------- |
 * | `PACKETWALK_SITE`        | `site`       | `https://packetwalk.example.org`               |
 * | `PACKETWALK_BASE`        | `base`       | `/`                                            |
 * | `PACKETWALK_REPO`        | `repo`       | `repository` of package.json                   |
 * | `PACKETWALK_EDIT_BRANCH` | `editBranch` | `main`                                         |
 */
import { z } from "zod";
import packageJson from "../package.json" with { type: "json" };

/** Site URL used when `PACKETWALK_SITE` is not set: a placeholder, so canonical links are never a real host's. */
export const DEFAULT_SITE = "https://packetwalk.example.org";

/** The settings a maintainer sets to host their own copy of the site. */
export const siteConfigSchema = z.strictObject({
  /** Site name shown in the header and titles. */
  title: z.string().min(1),
  /** Origin of the deployed site, without a path (canonical links, sitemap, OpenGraph). */
  site: z.url().refine((u) => !URL.canParse(u) || (new URL(u).pathname === "/" && !/[?#]/.test(u)), {
    message:
      "must be an origin without a path, e.g. https://owner.github.io (put the path in PACKETWALK_BASE)",
  }),
  /** URL path the site is served under, with a leading and trailing slash: `/` or `/packetwalk/`. */
  base: z.string().regex(/^\/([A-Za-z0-9._~-]+\/)*$/, {
    message: "must be a URL path like / or /packetwalk/ (letters, digits, . _ ~ - between slashes)",
  }),
  /** Repository web URL; "Edit this page" links point to `<repo>/edit/<branch>/<path>`. */
  repo: z.url(),
  /** Branch the edit links target. Default `main`. */
  editBranch: z.string().min(1).default("main"),
});

/** Validated settings. */
export type SiteConfig = z.infer<typeof siteConfigSchema>;

/** Which environment variable sets each field, for error messages. */
const ENV_NAME: Record<keyof SiteConfig, string> = {
  title: "title",
  site: "PACKETWALK_SITE",
  base: "PACKETWALK_BASE",
  repo: "PACKETWALK_REPO (or package.json repository)",
  editBranch: "PACKETWALK_EDIT_BRANCH",
};

/** `x`, `/x`, `x/` and `/x/` all mean `/x/`; empty means `/` (configure-pages' base_path is empty for a user site). */
export function normalizeBase(value: string): string {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "/" : `/${trimmed}/`;
}

/**
 * The repository web URL from package.json's `repository` (a string or `{ url }`), or undefined.
 * `git+https://host/o/r.git` and `github:o/r` become `https://host/o/r`.
 */
export function repoFromPackageJson(repository: unknown): string | undefined {
  const raw =
    typeof repository === "string"
      ? repository
      : typeof repository === "object" && repository !== null && "url" in repository
        ? String((repository as { url: unknown }).url)
        : undefined;
  if (!raw) return undefined;
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(raw);
  if (shorthand) return `https://github.com/${shorthand[1]}/${shorthand[2]}`;
  return raw.replace(/^git\+/, "").replace(/\.git$/, "");
}

/**
 * Reads the settings from `env`; throws one message naming every bad variable and what was expected.
 * @param env the environment; default `process.env`
 * @param repository package.json's `repository` field, used when `PACKETWALK_REPO` is unset
 */
export function loadSiteConfig(
  env: Record<string, string | undefined> = process.env,
  repository: unknown = packageJson.repository,
): SiteConfig {
  const input = {
    title: "packetwalk",
    site: (env.PACKETWALK_SITE || DEFAULT_SITE).replace(/\/+$/, ""),
    base: normalizeBase(env.PACKETWALK_BASE ?? "/"),
    repo: env.PACKETWALK_REPO || repoFromPackageJson(repository) || "",
    editBranch: env.PACKETWALK_EDIT_BRANCH || "main",
  };
  const parsed = siteConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0]) as keyof SiteConfig;
    return `error: ${ENV_NAME[field] ?? field}: ${issue.message} (got '${String(input[field] ?? "")}')`;
  });
  throw new Error(
    `site configuration is invalid:\n${lines.join("\n")}\nhint: see "Deploying" in README.md for the variables`,
  );
}

/** Validated settings of this build. */
export const siteConfig: SiteConfig = loadSiteConfig();

/**
 * A site path (`/lessons/x/`, `lessons/x/` or `/`) under the configured base (`/packetwalk/lessons/x/`).
 * Leaves anchors, queries, protocol-relative and absolute URLs alone.
 * @param base default {@link siteConfig}.base
 */
export function withBase(path: string, base: string = siteConfig.base): string {
  if (/^(?:[a-z][a-z0-9+.-]*:|\/\/|#|\?)/i.test(path)) return path;
  return `${base}${path.replace(/^\/+/, "")}`;
}

/** Absolute URL of a URL path that already includes the base (as `Astro.url.pathname` does). */
export function absoluteUrl(basedPath: string): string {
  return new URL(basedPath, `${siteConfig.site}/`).href;
}

/** Link to edit a file of the repository, given its path from the repository root. */
export function editUrl(repoPath: string): string {
  return `${siteConfig.repo}/edit/${siteConfig.editBranch}/${repoPath}`;
}
