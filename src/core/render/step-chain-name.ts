import { chainName } from "../model/chain-name.ts";
import type { TraceEvent } from "../model/packet.ts";
import type { HookChains } from "./hook-chains.ts";

/**
 * The chain a figure's step is shown as: on an nftables lab's figure, a step at one of the lab's base
 * chains is named as nft names it (`ip docker-bridges nat-PREROUTING`, the words its listing and the
 * map's box use), whether a LOG or a TRACE line reported it. A LOG step of the recording's own logging
 * chains is named after the chain whose rules write its prefix (`bridge packetwalk log-INPUT`; the prefix
 * names the hook, not the chain) when the lab's instrumentation is known; otherwise {@link chainName}.
 * @param chains the lab's base chains per hook (`trace.chains`); none for an iptables lab
 */
export function stepChainName(
  event: Pick<TraceEvent, "source" | "prefix" | "hook">,
  chains?: Pick<HookChains, "boxes" | "boxes6" | "loggedBy">,
): string {
  for (const boxes of chains ? [chains.boxes, chains.boxes6] : [])
    for (const list of boxes?.values() ?? [])
      for (const c of list) if (c.hook === event.hook) return `${c.family} ${c.table} ${c.chain}`;
  const logged =
    (event.source === "log" || event.source === "ebt-log") && event.prefix
      ? chains?.loggedBy?.get(event.prefix.trim())
      : undefined;
  if (logged) return `${logged.family} ${logged.table} ${logged.chain}`;
  return chainName(event);
}
