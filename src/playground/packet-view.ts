/**
 * What the playground needs only once a packet is shown: its path plan and words, and its diagram's
 * source and drawing. Fetched with the first packet, so the page's own script stays small.
 */
export { describePath } from "../core/render/describe-path.ts";
export { matchedVerdict } from "../core/render/matched-verdict.ts";
export { planPath } from "../core/render/plan-path.ts";
export { summaryWords } from "../core/render/summary-words.ts";
export { unseenRewrite } from "../core/render/unseen-rewrite.ts";
export { diagramSource, drawDiagram } from "./draw-diagram.ts";
