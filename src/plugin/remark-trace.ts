/**
 * remark plugin: replaces every `::trace{src=...}` leaf directive with its
 * figure (see {@link renderTraceFigure}). Every content mistake fails the file
 * with the directive's position, what was wrong and a hint; never a stack trace.
 */
import { createHash } from "node:crypto";
import { relative } from "node:path";
import type { Root } from "mdast";
import type { ContainerDirective, LeafDirective, TextDirective } from "mdast-util-directive";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { closest } from "../core/diagnostics/format-diagnostic.ts";
import type { SourcePosition } from "../core/model/packet.ts";
import { attributePosition } from "./attribute-position.ts";
import { reportProblem } from "./build-problems.ts";
import { escapeHtml } from "./html.ts";
import { lessonPosition } from "./lesson-position.ts";
import { FigureError, figurePackets, renderTraceFigure } from "./render-trace-figure.ts";
import { sharedRenderer } from "./shared-renderer.ts";
import { parseTraceDirective } from "./trace-directive.ts";
import { defaultTracesDir, loadTraces, localizeTrace } from "./trace-store.ts";

/** Options of {@link remarkTrace}. */
export interface RemarkTraceOptions {
  /** Folder of the traces, relative to the project root. Default `PACKETWALK_TRACES_DIR`, else `traces`. */
  tracesDir?: string;
  /** URL path of the trace pages (`<base><lab>/<scenario>/`), or false to not link them. Default `/traces/`. */
  tracePagesBase?: string | false;
  /** URL path the site is served under (Astro's `base`), put before the locale prefix. Default `/`. */
  siteBase?: string;
  /**
   * Draw the figures (default true). False runs every check a figure makes and draws nothing, with no
   * browser: what `packetwalk check --lessons` runs, so it finds exactly the problems the build would.
   */
  draw?: boolean;
}

type AnyDirective = LeafDirective | ContainerDirective | TextDirective;

/** Which lesson language a file is in: its front matter `locale`, else its folder. */
function localeOf(file: VFile): string {
  const fm = (file.data as { astro?: { frontmatter?: { locale?: unknown } } }).astro?.frontmatter;
  if (typeof fm?.locale === "string") return fm.locale;
  return /[\\/]zh-tw[\\/]/.test(file.path ?? "") ? "zh-tw" : "en";
}

/** Thrown inside the plugin to leave a directive; never escapes it. */
class DirectiveProblem extends Error {
  readonly hint: string;
  /** The attribute it is about: the problem is reported at it. */
  readonly attribute: string | undefined;
  constructor(message: string, hint: string, attribute?: string) {
    super(message);
    this.hint = hint;
    this.attribute = attribute;
  }
}

function fail(message: string, hint: string, attribute?: string): never {
  throw new DirectiveProblem(message, hint, attribute);
}

/** Where the problem is: at its attribute when it names one, else at the directive. */
function problemPosition(file: VFile, node: AnyDirective, attribute: string | undefined): SourcePosition {
  const position = lessonPosition(file, node);
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (attribute === undefined || start === undefined || end === undefined) return position;
  const at = attributePosition(String(file.value).slice(start, end), position, attribute);
  return { ...position, ...at };
}

/** Records the problem for the build report and leaves a visible box where the figure would be. */
function report(file: VFile, node: AnyDirective, problem: DirectiveProblem): void {
  const position = problemPosition(file, node, problem.attribute);
  reportProblem({ severity: "error", message: problem.message, hint: problem.hint, position });
  file.message(problem.message, node, "packetwalk:trace");
  const where = `${position.file}:${position.line}:${position.column}`;
  Object.assign(node, {
    type: "html",
    value: `<div class="pw-error" role="alert"><strong>${escapeHtml(where)}</strong> ${escapeHtml(problem.message)}<br>hint: ${escapeHtml(problem.hint)}</div>`,
    children: undefined,
    attributes: undefined,
    name: undefined,
  });
}

/** The remark plugin. Add it after {@link remarkTraceSyntax} (`./remark-trace-syntax.ts`). */
export default function remarkTrace(options: RemarkTraceOptions = {}) {
  const tracesDir = options.tracesDir ?? defaultTracesDir();
  const pagesBase = options.tracePagesBase ?? "/traces/";
  const siteBase = (options.siteBase ?? "/").replace(/\/$/, "");
  const draw = options.draw ?? true;
  return async (tree: Root, file: VFile) => {
    const found: AnyDirective[] = [];
    visit(tree, (node) => {
      if (
        (node.type === "leafDirective" ||
          node.type === "containerDirective" ||
          node.type === "textDirective") &&
        node.name === "trace"
      ) {
        found.push(node as AnyDirective);
      }
    });
    if (found.length === 0) return;
    const store = loadTraces(tracesDir);
    const locale = localeOf(file);
    // Placement ids only (the diagrams themselves are keyed by content): from the path relative to the project.
    const pageKey = createHash("sha256")
      .update(relative(process.cwd(), file.path ?? ""))
      .digest("hex")
      .slice(0, 6);
    // Every figure of the file at once, so the renderer's pool has work for each of its pages.
    await Promise.all(
      found.map(async (node, i) => {
        try {
          await replaceDirective(node, i + 1);
        } catch (error) {
          if (!(error instanceof DirectiveProblem)) throw error;
          report(file, node, error);
        }
      }),
    );

    async function replaceDirective(node: AnyDirective, index: number): Promise<void> {
      if (node.type !== "leafDirective") {
        fail(
          `trace must be a leaf directive on its own line (found ${node.type === "textDirective" ? ":trace" : ":::trace"})`,
          'write ::trace{src="lab/scenario"} alone on a line',
        );
      }
      const attrs = parseTraceDirective(node.attributes ?? {});
      if (!attrs.ok) {
        // Every bad attribute at once: fixing one at a time costs a run each.
        const messages = attrs.problems.map((p) => p.message);
        const hints = [...new Set(attrs.problems.flatMap((p) => (p.hint ? [p.hint] : [])))];
        fail(messages.join("; ") || "invalid ::trace", hints.join("; "), attrs.problems[0]?.attribute);
      }
      const stored = store.traces.get(attrs.value.src);
      const trace = stored && localizeTrace(stored, locale);
      if (!trace) {
        const names = [...store.traces.keys()];
        const guess = closest(attrs.value.src, names);
        const broken = store.errors.find((e) => e.includes(attrs.value.src.split("/")[1] ?? "\0"));
        fail(
          broken
            ? `trace '${attrs.value.src}' is invalid: ${broken}`
            : `no trace '${attrs.value.src}' under ${tracesDir}/`,
          // A trace that exists but does not load: its own problem says what to fix, not a guess at another name.
          broken
            ? `fix that file first (\`npx packetwalk check ${tracesDir}/${attrs.value.src.split("/")[0]}\` checks the lab alone)`
            : guess
              ? `did you mean '${guess}'?`
              : `traces are named <lab>/<scenario>; there are ${names.length} under ${tracesDir}/`,
          "src",
        );
      }
      try {
        if (!draw) {
          // The figure's own checks, without a browser; the directive stays in the tree.
          figurePackets(trace, attrs.value);
          return;
        }
        const html = await renderTraceFigure(
          {
            trace,
            options: attrs.value,
            locale,
            id: `pw${pageKey}-${index}`,
            ...(pagesBase === false
              ? {}
              : { tracePageUrl: `${siteBase}${localePrefix(locale)}${pagesBase}${trace.name}/` }),
          },
          sharedRenderer(),
        );
        // Replace the directive with raw HTML; Astro's pipeline passes it through.
        Object.assign(node, {
          type: "html",
          value: html,
          children: undefined,
          attributes: undefined,
          name: undefined,
        });
      } catch (error) {
        if (error instanceof FigureError) fail(error.message, error.hint, error.attribute);
        const message = error instanceof Error ? error.message : String(error);
        fail(
          `could not render trace '${trace.name}': ${message}`,
          "see the message above; a browser problem lists what was tried",
        );
      }
    }
  };
}

function localePrefix(locale: string): string {
  return locale === "en" ? "" : `/${locale}`;
}
