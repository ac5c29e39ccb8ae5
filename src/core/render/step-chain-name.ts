import { chainName } from "../model/chain-name.ts";
import type { TraceEvent } from "../model/packet.ts";
import type { ChainAtHook, HookChains } from "./hook-chains.ts";

/** What naming a step reads of its event. */
type StepEvent = Pick<TraceEvent, "source" | "prefix" | "hook" | "crossed">;
/** What naming a step reads of the lab's chains. */
type StepChains = Pick<HookChains, "boxes" | "boxes6" | "loggedBy">;
/** A chain as nft names it: family, table, chain. */
type NamedChain = { family: string; table: string; chain: string };

const named = (c: NamedChain) => `${c.family} ${c.table} ${c.chain}`;

/** The lab's base chain whose hook id the step has (a LOG prefix or a TRACE line names it); none for packetwalk's own. */
export function labChainOf(event: Pick<TraceEvent, "hook">, chains?: StepChains): ChainAtHook | undefined {
  for (const boxes of chains ? [chains.boxes, chains.boxes6] : [])
    for (const list of boxes?.values() ?? []) for (const c of list) if (c.hook === event.hook) return c;
  return undefined;
}

/**
 * The chain that printed a LOG step, when the step is to be named after it rather than after the lab's
 * chain its prefix names: the recording's own logging chains (`bridge packetwalk log-INPUT`, whose prefix
 * names the hook), and a logging chain whose lab chain then did not run for the packet, as the
 * simulator's walk says (`event.crossed`): an earlier base chain dropped it, or a nat chain skipped a
 * packet of a known connection. Why: the line is printed before the chain it stands for, which then
 * need not run. Undefined when no chain of the lab's rulesets or instrumentation prints the prefix.
 */
export function stepLoggingChain(event: StepEvent, chains?: StepChains): NamedChain | undefined {
  const isLog = event.source === "log" || event.source === "ebt-log";
  const logged = isLog && event.prefix ? chains?.loggedBy?.get(event.prefix.trim()) : undefined;
  if (!logged) return undefined;
  const own = labChainOf(event, chains);
  if (!own || (own.table === logged.table && own.chain === logged.chain)) return own ? undefined : logged;
  const ran =
    !event.crossed ||
    event.crossed.some(
      (c) =>
        c.table === own.table && c.chain === own.chain && (own.family === c.family || own.family === "inet"),
    );
  return ran ? undefined : logged;
}

/**
 * The chain a figure's step is shown as: on an nftables lab's figure, a step at one of the lab's base
 * chains is named as nft names it (`ip docker-bridges nat-PREROUTING`, the words its listing and the
 * map's box use), whether a LOG or a TRACE line reported it; a LOG step printed by a logging chain
 * (see {@link stepLoggingChain}) after that chain (`bridge packetwalk log-INPUT`); otherwise
 * {@link chainName}.
 * @param chains the lab's base chains per hook (`trace.chains`); none for an iptables lab
 */
export function stepChainName(event: StepEvent, chains?: StepChains): string {
  const logging = stepLoggingChain(event, chains);
  if (logging) return named(logging);
  const own = labChainOf(event, chains);
  return own ? named(own) : chainName(event);
}
