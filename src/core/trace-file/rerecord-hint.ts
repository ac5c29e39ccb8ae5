/**
 * How to record a trace again once a ruleset it pinned was edited, in words a contributor can run:
 * the `packetwalk capture --lab` command for the labs capture builds, else the way the lab was
 * made (`capture --host` and `import`, or a capture copied into a new lab). Pure.
 */
import type { TraceMeta } from "./schema.ts";

/**
 * The labs `packetwalk capture --lab` builds (`src/capture`: `LAB_NAME`, `NFT_LAB_NAME`; a unit
 * test keeps the two lists equal). Another lab cannot be re-captured by name.
 */
export const CAPTURE_LABS: readonly string[] = ["docker-bridge", "docker-bridge-nft"];

/**
 * The `--scenario`, `--mode` and `--docker-version` a capture of `labName` takes to write
 * `meta`'s trace again: the file stem without the `-trace` and `-docker<N>` that capture adds.
 */
function captureArgs(meta: Pick<TraceMeta, "scenario" | "mode" | "ruleset">, labName: string): string {
  const version = labName === "docker-bridge" ? /^docker-(\d+)$/.exec(meta.ruleset)?.[1] : undefined;
  const docker = version && version !== "28" ? version : undefined;
  let scenario = meta.scenario;
  if (docker) scenario = scenario.replace(new RegExp(`-docker${docker}$`), "");
  if (meta.mode === "trace") scenario = scenario.replace(/-trace$/, "");
  return `--scenario ${scenario}${meta.mode === "trace" ? " --mode trace" : ""}${docker ? ` --docker-version ${docker}` : ""}`;
}

/**
 * How to record `meta`'s trace of lab `labName` again with the lab's edited rulesets: a command
 * that works for that lab, or where the steps are written. Starts with a verb, for a `; `-joined hint.
 */
export function rerecordHint(
  meta: Pick<TraceMeta, "scenario" | "mode" | "ruleset" | "environment">,
  labName: string,
): string {
  if (CAPTURE_LABS.includes(labName))
    return `re-capture it as root from the repository root: \`sudo npx packetwalk capture --lab ${labName} ${captureArgs(meta, labName)}\` (it loads the lab's edited rulesets/)`;
  if (meta.environment?.tool === "packetwalk capture")
    return `re-capture it (\`packetwalk capture --lab\` builds only ${CAPTURE_LABS.join(" and ")}, so capture into a scratch folder holding the edited ruleset and copy the trace back: CONTRIBUTING.md, "A new lab from a capture")`;
  return `record it again with the edited rules installed on the host (\`sudo npx packetwalk capture --host --container NAME=IP --out /tmp/pw\`, then \`npx packetwalk import /tmp/pw/docker-host/<step> --lab ${labName}\`: traces/README.md, "Adding a trace from your own machine")`;
}
