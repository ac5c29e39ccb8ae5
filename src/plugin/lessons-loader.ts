/**
 * The lessons' content loader: Astro's glob loader, with each entry's digest
 * extended by the traces it embeds and the code that draws them. Astro only
 * re-renders a lesson whose digest changed; without this, editing a trace
 * (or the renderer) would leave stale figures in its cache.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Loader, LoaderContext } from "astro/loaders";
import { glob } from "astro/loaders";
import { filesUnder } from "./files-under.ts";
import { defaultTracesDir } from "./trace-store.ts";

/** Options of {@link lessonsLoader}. */
export interface LessonsLoaderOptions {
  /** Folder holding `<locale>/*.md`. */
  base: string;
  /** Folder of the traces. Default `PACKETWALK_TRACES_DIR`, else `traces`. */
  tracesDir?: string;
}

/** Hash of the files under the given folders (paths and contents). */
export function hashFiles(dirs: string[], filter: (path: string) => boolean = () => true): string {
  const hash = createHash("sha256");
  for (const dir of dirs) {
    for (const file of filesUnder(dir).filter(filter)) hash.update(file).update(readFileSync(file));
  }
  return hash.digest("hex");
}

const TRACE_SRC = /::trace\{[^}]*\bsrc="([^"]+)"/g;

/** Creates the loader. */
export function lessonsLoader(options: LessonsLoaderOptions): Loader {
  const inner = glob({ pattern: "**/*.md", base: options.base });
  const tracesDir = options.tracesDir ?? defaultTracesDir();
  const srcDir = join(import.meta.dirname, "..");
  return {
    ...inner,
    name: "packetwalk-lessons",
    load: (context: LoaderContext) => {
      // The drawing code, once per load; the traces, per lab an entry uses.
      const code = hashFiles([join(srcDir, "core"), join(srcDir, "plugin"), join(srcDir, "browser")], (f) =>
        f.endsWith(".ts"),
      );
      // Keyed by the files' sizes and mtimes, so a trace edited in dev is hashed again.
      const labs = new Map<string, string>();
      const labHash = (lab: string) => {
        const files = filesUnder(join(tracesDir, lab));
        const key = `${lab}\n${files.map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`).join("\n")}`;
        let h = labs.get(key);
        if (h === undefined) {
          h = hashFiles([join(tracesDir, lab)]);
          labs.set(key, h);
        }
        return h;
      };
      const generateDigest = (data: Record<string, unknown> | string) => {
        if (typeof data !== "string") return context.generateDigest(data);
        const used = [
          ...new Set([...data.matchAll(TRACE_SRC)].map((m) => (m[1] ?? "").split("/")[0] ?? "")),
        ].sort();
        if (used.length === 0) return context.generateDigest(data);
        return context.generateDigest(
          `${data}\n${code}\n${used.map((lab) => `${lab}:${labHash(lab)}`).join("\n")}`,
        );
      };
      return inner.load({ ...context, generateDigest });
    },
  };
}
