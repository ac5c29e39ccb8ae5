/**
 * The remark plugins every lesson goes through, in order: one list for the site's Markdown
 * pipeline (astro.config.mjs) and for `packetwalk check --lessons`, so the check runs the very
 * code the build runs on a lesson's directives.
 */
import type { Root } from "mdast";
import remarkGfm from "remark-gfm";
import type { Plugin } from "unified";
import remarkCjkLineBreaks from "./remark-cjk-line-breaks.ts";
import remarkTrace, { type RemarkTraceOptions } from "./remark-trace.ts";
import remarkTraceSyntax from "./remark-trace-syntax.ts";

/** A remark plugin, alone or with its options: what both unified's `use` and Astro's `remarkPlugins` take. */
// biome-ignore lint/suspicious/noExplicitAny: each plugin has parameters of its own.
export type LessonPlugin = Plugin<any[], Root> | [Plugin<any[], Root>, unknown];

/** The lesson plugins, `remarkTrace` with `options` (the site passes its base; the check `draw: false`). */
export function lessonRemarkPlugins(options: RemarkTraceOptions = {}): LessonPlugin[] {
  return [remarkGfm, remarkTraceSyntax, [remarkTrace, options], remarkCjkLineBreaks];
}
