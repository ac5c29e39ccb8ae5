/**
 * Where `packetwalk render --out` may write: a file in a folder that exists, and never one the
 * render reads (the trace, its metadata, the lab's lab.json and rulesets), which a diagram would
 * silently replace.
 */
import { lstatSync, readlinkSync, realpathSync, type Stats, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";

/** A file `--out` must not replace (or, with `folder`, a folder it must not write into), and why. */
export interface GuardedPath {
  /** The file or folder, as the command found it (any form: relative, through links). */
  path: string;
  /** What it is, for the message, e.g. "the trace being rendered". */
  why: string;
  /** The path is a folder: no file under it may be written. */
  folder?: boolean;
  /**
   * The path is a folder whose files directly in it are read when their names match: such a new
   * file may not be written there (a lab folder reads every `.log` and `.json` as a trace).
   */
  reads?: RegExp;
}

/** A refusal: what is wrong, and what to do instead. */
export interface OutProblem {
  message: string;
  hint: string;
}

/**
 * What stops the diagram from being written to `out`, or undefined when it may be: `out` is a
 * folder, its folder is missing (or a file), or it is one of `guarded` (real paths compared, so a
 * relative form, a symbolic or hard link to it counts). `example` is a file name to suggest.
 */
export function outPathProblem(
  out: string,
  guarded: readonly GuardedPath[],
  example: string,
): OutProblem | undefined {
  const choose = `choose a new file for the diagram, e.g. ${example}`;
  const own = stat(out);
  if (own?.isDirectory())
    return {
      message: `--out ${out}: is a folder, not a file`,
      hint: `give a file in it, e.g. ${join(out, example)}`,
    };
  const parent = dirname(out);
  const parentStat = stat(parent);
  if (!parentStat)
    return {
      message: `--out ${out}: the folder ${parent} does not exist`,
      hint: `create it first (packetwalk creates no folders), or ${choose}`,
    };
  if (!parentStat.isDirectory())
    return { message: `--out ${out}: ${parent} is a file, not a folder`, hint: choose };
  const where = real(out);
  for (const g of guarded) {
    const target = real(g.path);
    if (g.reads) {
      if (dirname(where) === target && g.reads.test(basename(where)))
        return {
          message: `--out ${out}: is in ${g.why} (${g.path}), which reads every file named so as part of the lab`,
          hint: `${choose} (a .${example.split(".").pop()} file, or a file outside the lab folder)`,
        };
      continue;
    }
    const hit = g.folder
      ? where.startsWith(`${target}${sep}`)
      : where === target || (own !== undefined && sameFile(own, stat(g.path)));
    if (hit)
      return {
        message: g.folder
          ? `--out ${out}: is inside ${g.why} (${g.path}), whose every file is read as part of the lab`
          : `--out ${out}: is ${g.why} (${g.path}); the diagram would replace it`,
        hint: choose,
      };
  }
  return undefined;
}

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** One file under two names (a hard link, or a case-insensitive file system). */
function sameFile(a: Stats, b: Stats | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/**
 * `path` with links resolved; a file not there yet by its folder's real path, and a dangling link by
 * where it points (a write through it creates the file there).
 */
function real(path: string, depth = 0): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      // A relative target is read from the link's real folder, as the kernel follows it.
      if (depth < 40 && lstatSync(path).isSymbolicLink())
        return real(resolve(real(dirname(resolve(path)), depth + 1), readlinkSync(path)), depth + 1);
    } catch {
      // Not there at all: by its folder, below.
    }
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}
