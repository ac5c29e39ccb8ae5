/**
 * Symbolic links under the folders the site publishes from. Astro would
 * follow a link in `content/` or `public/` and publish its target, which can
 * be any file of the machine that builds the site (a CI runner's logs or keys).
 */
import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Every symbolic link below each folder (not followed), as paths relative to `cwd`, sorted. */
export function findSymlinks(dirs: readonly string[], cwd: string = process.cwd()): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) found.push(relative(cwd, path));
      else if (entry.isDirectory()) walk(path);
    }
  };
  for (const dir of dirs) {
    const path = join(cwd, dir);
    try {
      if (lstatSync(path).isSymbolicLink()) {
        found.push(relative(cwd, path));
        continue;
      }
    } catch {
      continue;
    }
    walk(path);
  }
  return found.sort();
}
