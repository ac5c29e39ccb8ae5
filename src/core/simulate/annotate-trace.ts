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
    // A chain that printed two lines is shown as two copies of its event, one per line: find the event itself.
    const at = (e: HookEvent) => {
      const line = e.logs[0];
      return sim.events.findIndex((x) => x === e || (line !== undefined && x.logs.includes(line)));
    };
    rec.events.forEach((ev, j) => {
      const s = vis[j];
      if (!s || shownHook(s, "log") !== ev.hook) return;
      ev.matched = matchedRules(s);
      // From this logged chain up to the next one: the base chains that ran unseen in between belong to this line.
      const k = at(s);
      const again = j > 0 && at(vis[j - 1] as HookEvent) === k;
      const from = j === 0 ? 0 : again ? k + 1 : k;
      const next = vis[j + 1];
      const nk = next ? at(next) : sim.events.length;
      // The first of two lines of one chain holds that chain; the second, the chains after it.
      const to = nk === k ? k + 1 : nk;
      ev.crossed = sim.events.slice(from, Math.max(from, to)).map(crossedChain);
    });
    annotated.push(i + 1);
  });
  return { trace, annotated, divergences: result.divergences };
}
