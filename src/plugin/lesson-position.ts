/**
 * Where a node of a lesson is in the lesson's file. Astro hands remark plugins
 * the body without its front matter, so positions are shifted back to the
 * file's own lines before they are shown to a person.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { Node } from "unist";
import type { VFile } from "vfile";
import type { SourcePosition } from "../core/model/packet.ts";

// Keyed by the file object: each lesson's front matter is counted once per render.
const offsets = new WeakMap<VFile, number>();

/** How many lines of the file come before the body Astro gave the plugins. */
function frontMatterLines(file: VFile): number {
  const known = offsets.get(file);
  if (known !== undefined) return known;
  let lines = 0;
  try {
    if (file.path) {
      const text = readFileSync(file.path, "utf8");
      const match = /^---\r?\n[\s\S]*?\r?\n---\r?(?:\n|$)/.exec(text);
      if (match) {
        const body = String(file.value);
        const rest = text.slice(match[0].length);
        // Astro may trim what follows the front matter; count the lines it dropped too.
        const dropped = rest.startsWith(body)
          ? 0
          : rest.slice(0, rest.length - body.length).split("\n").length - 1;
        lines = match[0].split("\n").length - 1 + Math.max(0, dropped);
      }
    }
  } catch {
    lines = 0;
  }
  offsets.set(file, lines);
  return lines;
}

/** The position of `node` in its lesson file, with the path relative to the working directory. */
export function lessonPosition(file: VFile, node: Node): SourcePosition {
  const start = node.position?.start ?? { line: 1, column: 1 };
  return {
    file: file.path ? relative(process.cwd(), file.path) : "<lesson>",
    line: start.line + frontMatterLines(file),
    column: start.column,
  };
}
