/**
 * `ip netns add` leaves `/run/netns` behind: it creates the folder when missing
 * and bind-mounts it onto itself (so namespace mounts propagate). A run notes how
 * it found the folder before its first namespace and, once its namespaces are
 * gone and the folder is empty, puts it back: unmount, then remove if it was absent.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { runCommand } from "./run-command.ts";

/** Where `ip netns` keeps its namespace files. */
export const NETNS_RUN_DIR = "/run/netns";

/** The mount points listed in `/proc/self/mountinfo` (field 5, with `\040`-style escapes undone). */
export function mountPoints(mountinfo = readFileSync("/proc/self/mountinfo", "utf8")): string[] {
  return mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((field): field is string => field !== undefined)
    .map((field) =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    );
}

/** How `dir` is now, in the terms of `RunState.netnsDir`; undefined when it is already a mount point. */
export function netnsDirBefore(dir = NETNS_RUN_DIR): "absent" | "unmounted" | undefined {
  if (!existsSync(dir)) return "absent";
  return mountPoints().includes(dir) ? undefined : "unmounted";
}

/**
 * Puts `dir` back as `before` describes, if it is empty (a namespace someone else
 * made since keeps it as it is). Returns what it did and the problems it met.
 */
export async function restoreNetnsDir(
  before: "absent" | "unmounted",
  dir = NETNS_RUN_DIR,
): Promise<{ removed: string[]; problems: string[] }> {
  const removed: string[] = [];
  const problems: string[] = [];
  if (!existsSync(dir) || readdirSync(dir).length > 0) return { removed, problems };
  if (mountPoints().includes(dir)) {
    // -n: util-linux would otherwise create /run/mount for its own bookkeeping.
    const result = await runCommand(["umount", "-n", dir], { allowFailure: true });
    if (result.code === 0) removed.push(`the bind mount on ${dir} made by ip netns`);
    else problems.push(`cannot unmount ${dir}: ${result.stderr.trim()}`);
  }
  if (before === "absent" && !mountPoints().includes(dir)) {
    try {
      rmdirSync(dir);
      removed.push(`folder ${dir}`);
    } catch (error) {
      problems.push(`cannot remove ${dir}: ${(error as Error).message}`);
    }
  }
  return { removed, problems };
}
