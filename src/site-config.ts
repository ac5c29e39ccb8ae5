/**
 * Site-wide settings, set once here and validated at build start.
 */
import { z } from "zod";

/** The settings a maintainer edits to host their own copy of the site. */
export const siteConfigSchema = z.strictObject({
  /** Site name shown in the header and titles. */
  title: z.string().min(1),
  /** Public URL of the deployed site (canonical links, sitemap, OpenGraph). */
  site: z.url(),
  /** Repository web URL; "Edit this page" links point to `<repo>/edit/<branch>/<path>`. */
  repo: z.url(),
  /** Branch the edit links target. Default `main`. */
  editBranch: z.string().default("main"),
});

/** Validated settings. */
export const siteConfig = siteConfigSchema.parse({
  title: "packetwalk",
  site: "https://packetwalk.example.org",
  repo: "https://github.com/packetwalk/packetwalk",
  editBranch: "main",
});

/** Link to edit a file of the repository, given its path from the repository root. */
export function editUrl(repoPath: string): string {
  return `${siteConfig.repo}/edit/${siteConfig.editBranch}/${repoPath}`;
}
