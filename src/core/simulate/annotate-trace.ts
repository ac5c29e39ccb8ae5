/**
 * Marks the matched rules of a recorded LOG trace: replays it through the simulator (as conformance
 * does) and, for every packet whose hooks agree with the prediction, copies the simulator's matched
 * rules and verdicts onto the recorded events (`TraceEvent.matched`). Packets that diverge are left
 * unannotated and listed, never guessed. Each annotated event also gets every base chain the packet
 * crossed up to its next line (`TraceEvent.crossed`), the unlogged ones included.
 */
import type { CrossedChain, ParsedTrace } from "../model/packet.ts";
import { checkConformance, type Divergence, keepLogged, shownHook, visibleEvents } from "./conformance.ts";
import type { HookEvent, World } from "./simulate-packet.ts";
import { matchedRules } from "./to-kernel-log.ts";

/** What {@link annotateTrace} did. */
export interface Annotation {
  /** The same trace, with `matched` set on the events of agreeing packets (a copy; the input is not changed). */
  trace: ParsedTrace;
  /** Recorded packet numbers (1-based, as replayed) that got their rules marked. */
  annotated: number[];
  /** Why the others did not. */
  divergences: Divergence[];
}

function crossedChain(e: HookEvent): CrossedChain {
  return { family: e.family, table: e.table, chain: e.chain, verdict: e.verdict, matched: matchedRules(e) };
}

/** Annotates a recorded LOG trace of the lab `world` describes (world with the lab's LOG rules inserted). */
export function annotateTrace(
  world: World,
  parsed: ParsedTrace,
  meta: { from: string; proto: "icmp" | "tcp" | "udp" },
): Annotation {
  const trace: ParsedTrace = structuredClone(parsed);
  const result = checkConformance(world, trace, { mode: "log", ...meta });
  const bad = new Set(result.divergences.map((d) => d.packet));
  const annotated: number[] = [];
  result.recorded.forEach((rec, i) => {
    const sim = result.simulated[i];
    if (!sim || bad.has(i + 1)) return;
    const vis = keepLogged(visibleEvents(sim, "log"), rec.hooks, "log");
    rec.events.forEach((ev, j) => {
      const s = vis[j];
      if (!s || shownHook(s, "log") !== ev.hook) return;
      ev.matched = matchedRules(s);
      // From this logged chain up to the next one: the base chains that ran unseen in between belong to this line.
      const from = j === 0 ? 0 : sim.events.indexOf(s);
      const next = vis[j + 1];
      const to = next ? sim.events.indexOf(next) : sim.events.length;
      ev.crossed = sim.events.slice(from, to).map(crossedChain);
    });
    annotated.push(i + 1);
  });
  return { trace, annotated, divergences: result.divergences };
}
