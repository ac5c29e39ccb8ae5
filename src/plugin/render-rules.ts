/**
 * The annotated rules of one step's chain: filled in once the listing model lands.
 */
import type { PathStep } from "../core/render/plan-path.ts";
import type { FigureStrings } from "./figure-strings.ts";
import type { StoredTrace } from "./trace-store.ts";

/** HTML of the rules of the chain `step` ran through. */
export function renderRules(_trace: StoredTrace, _step: PathStep, _s: FigureStrings): string {
  return "";
}
