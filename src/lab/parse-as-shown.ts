/**
 * A trace parsed the way every reader-facing output shows it (the site's figures, `packetwalk diff`,
 * `packetwalk render`): a LOG trace of a lab the simulator loads gets the matched rules and verdicts
 * it predicts (so a drop is drawn as a drop); anything else is parsed with its prefixes as recorded.
 */
import { basename, dirname } from "node:path";
import type { ChainHooks, PrefixHooks } from "../core/model/hook.ts";
import type { ParsedTrace } from "../core/model/packet.ts";
import { parseTraceText } from "../core/parse/index.ts";
import type { TraceMeta } from "../core/trace-file/schema.ts";
import { annotateRecorded, LabError } from "./load-lab.ts";

/** What {@link parseAsShown} needs of a trace: where its log is, its text, metadata and prefixes. */
export interface ShownTrace {
  /** Path of the `.log` inside its lab folder. */
  logPath: string;
  /** The log text, verbatim. */
  text: string;
  meta: TraceMeta;
  /** The instrumentation's LOG prefixes mapped to hooks (default: none beyond the built-in forms). */
  prefixMap?: PrefixHooks;
  /** The hooks of its ruleset's nftables base chains (see `chainHooksFromRuleset`). Default: none. */
  chainHooks?: ChainHooks;
}

/**
 * The trace's packets; a LOG trace's with the simulator's matched rules where it agrees with the kernel.
 * `onUnmarked` hears why a LOG trace's rule marks are left out (the simulator cannot load its lab);
 * default: nothing (the site's build reports that through `check`).
 */
export function parseAsShown(trace: ShownTrace, onUnmarked?: (why: string) => void): ParsedTrace {
  if (trace.meta.mode === "log") {
    try {
      return annotateRecorded(dirname(trace.logPath), basename(trace.logPath, ".log")).trace;
    } catch (error) {
      // A lab the simulator cannot load still gets its diagrams; only the rule marks are missing.
      if (!(error instanceof LabError)) throw error;
      onUnmarked?.(error.message);
    }
  }
  return parseTraceText(trace.text, {
    file: trace.logPath,
    ...(trace.prefixMap ? { prefixMap: trace.prefixMap } : {}),
    ...(trace.chainHooks ? { chainHooks: trace.chainHooks } : {}),
  });
}
