/**
 * Reads a file of a trace folder only when it is a regular file: a symbolic
 * link (to `/var/log/kern.log`, a dangling one, a loop) or a special file is
 * refused, so a pull request cannot make the build publish a file from
 * outside the repository.
 */
import { lstatSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { foundWords, SNIFF_BYTES, sniffInput } from "../input/sniff-input.ts";

/** A read file's text, or one `path: message` error line. */
export type ReadResult = { ok: true; text: string } | { ok: false; error: string };

/** What a path is, without following it: `file`, `directory`, `symlink`, `other` or `missing`. */
export function entryKind(path: string): "file" | "directory" | "symlink" | "other" | "missing" {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return "missing";
  }
  if (stat.isSymbolicLink()) return "symlink";
  if (stat.isFile()) return "file";
  if (stat.isDirectory()) return "directory";
  return "other";
}

/** The message for a path that is not a regular file. */
export function notRegularFile(path: string, kind: ReturnType<typeof entryKind>): string {
  if (kind === "symlink")
    return `${path}: is a symbolic link; traces, labs and rulesets must be files committed in the repository (copy the file's content instead of linking it)`;
  if (kind === "missing") return `${path}: missing`;
  return `${path}: is not a regular file`;
}

/**
 * Reads `path` as UTF-8 when it is a regular file of text of at most
 * `maxBytes` (default: no limit); otherwise says why not.
 */
export function readRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): ReadResult {
  const kind = entryKind(path);
  if (kind !== "file") return { ok: false, error: notRegularFile(path, kind) };
  const size = lstatSync(path).size;
  if (size > maxBytes) {
    return {
      ok: false,
      error: `${path}: is ${formatBytes(size)}; a trace shown on the site may be at most ${formatBytes(maxBytes)} (PACKETWALK_MAX_TRACE_BYTES raises it). Keep only the packets the lesson shows: \`npx packetwalk parse ${path}\` numbers them, and their lines are the ones to keep`,
    };
  }
  const bytes = readFileSync(path);
  const sniffed = sniffInput(bytes.subarray(0, SNIFF_BYTES));
  if (sniffed.kind === "text") return { ok: true, text: bytes.toString("utf8") };
  // Committed files stay text a review can read and diff: `packetwalk import` decodes a contributor's .gz or UTF-16.
  const found = foundWords(sniffed);
  const fix =
    sniffed.kind === "utf16"
      ? `save it as UTF-8 (iconv -f UTF-16 -t UTF-8 ${path})`
      : sniffed.kind === "gzip"
        ? `commit the text (gzip -dc ${path})`
        : sniffed.hint.replaceAll("FILE", path);
  return {
    ok: false,
    error: `${path}:1:1: expected UTF-8 text, found ${found}; ${fix}, or let \`npx packetwalk import\` write the lab folder`,
  };
}

/** `1.5 MiB`, `96.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * {@link readRegularFile} of `path` only when it lies inside `root` with every symbolic link on the
 * way resolved: a linked folder on the path (`traces/x -> /etc`) is refused as a link at its end is.
 */
export function readRegularFileInside(root: string, path: string, maxBytes?: number): ReadResult {
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(path);
    realRoot = realpathSync(root);
  } catch {
    // Missing, or a dangling link on the way: the plain read says which.
    return readRegularFile(path, maxBytes);
  }
  const inside = relative(realRoot, real);
  if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    return {
      ok: false,
      error: `${path}: a symbolic link on its way leads out of ${root} (to ${real}); traces, labs and rulesets must be files committed in the repository`,
    };
  return readRegularFile(path, maxBytes);
}
