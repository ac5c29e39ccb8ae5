import type { Rewrite, TraceEvent } from "./packet.ts";

/**
 * The chain a step is shown as: nft's own words for an `nft monitor trace` line (`inet fw forward`),
 * the hook id otherwise (`ip:filter:FORWARD`).
 * Why: the hook id names the packet's family, so an inet table's chain would read `ip:fw:forward`,
 * a table the reader's ruleset does not have.
 */
export function chainName(event: Pick<TraceEvent, "source" | "prefix" | "hook">): string {
  return event.source === "nft-monitor" && event.prefix ? event.prefix : event.hook;
}

/** A rewrite with the chains it was seen between named as {@link chainName} names them. */
export type ShownRewrite = Omit<Rewrite, "afterHook" | "beforeHook"> & {
  afterHook: string;
  beforeHook: string;
};

/** `rewrite` of `events` (its packet's) with its two chains named by {@link chainName}. */
export function showRewrite(events: readonly TraceEvent[], rewrite: Rewrite): ShownRewrite {
  const before = events[rewrite.atEvent];
  let after: TraceEvent | undefined;
  // The chain before is the last one at `afterHook` ahead of the rewrite (lines without addresses may sit between).
  for (let i = rewrite.atEvent - 1; i >= 0 && !after; i--)
    if (events[i]?.hook === rewrite.afterHook) after = events[i];
  return {
    ...rewrite,
    afterHook: after ? chainName(after) : rewrite.afterHook,
    beforeHook: before?.hook === rewrite.beforeHook ? chainName(before) : rewrite.beforeHook,
  };
}
