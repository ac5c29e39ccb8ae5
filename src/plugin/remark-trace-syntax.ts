/**
 * remark plugin: the lesson syntax of packetwalk's one directive, `::trace{...}`,
 * and nothing more. remark-directive would also read `:8080` or the `:01` of a
 * MAC address in prose as text directives and delete them; here only block
 * (leaf and container) directives are parsed, every one that is not `::trace`
 * is given back as the text it was written as, and a paragraph that starts
 * like a trace directive but is not one (a missing `}`, a stray space, a
 * quote escaped the shell's way) fails the build at its `file:line:col`.
 */
import type { Paragraph, Root, RootContent, Text } from "mdast";
import { directiveFromMarkdown } from "mdast-util-directive";
import { directive } from "micromark-extension-directive";
import type { Processor } from "unified";
import { SKIP, visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { editDistance } from "../core/diagnostics/format-diagnostic.ts";
import { reportProblem } from "./build-problems.ts";
import { escapeHtml } from "./html.ts";
import { lessonPosition } from "./lesson-position.ts";

/** The directive names packetwalk defines; every other `::name` is prose. */
export const DIRECTIVE_NAMES = ["trace"] as const;

// `::trace`, `:::trace`, `:: trace`, `::Trace`, or `:trace{` with one colon, at the start of a
// paragraph: someone meant the directive.
const LOOKS_LIKE_TRACE = /^\s*(:{2,3}\s*trace\b|:trace\s*\{)/i;

// `::trace{` inside a paragraph's prose (not escaped, not in a code span): it would be published as text.
const INLINE_TRACE = /(?<![\\:])::trace\s*\{/;

/** The paragraph's source without its inline code spans, where `::trace{` is only an example. */
function proseOf(source: string): string {
  return source.replace(/(`+)[\s\S]*?\1/g, "");
}

/** Why a paragraph that starts like `::trace` did not parse as one, as a message and a hint. */
export function explainMalformedTrace(source: string): { message: string; hint: string } {
  const text = source.trimStart();
  const example = 'write it alone on its line: ::trace{src="docker-bridge/container-to-wan"}';
  if (/^:::/.test(text)) return { message: ":::trace is not a directive (three colons)", hint: example };
  if (/^:trace/i.test(text)) return { message: ":trace is not a directive (one colon)", hint: example };
  if (/^::\s+trace/i.test(text))
    return { message: "space between '::' and 'trace'", hint: "write ::trace with no space" };
  if (/^::trace\s+\{/i.test(text))
    return { message: "space between '::trace' and '{'", hint: "write ::trace{...} with no space" };
  if (!/^::trace/.test(text))
    return { message: "the directive name is 'trace', in lower case", hint: example };
  if (/\\"/.test(text))
    return {
      message: "a backslash-escaped quote inside an attribute value",
      hint: "attribute values cannot contain a double quote; use single quotes around the value (caption='say \"hi\"') or leave the quote out",
    };
  const line = text.split("\n")[0] ?? "";
  if (line.includes("}") && !/\}\s*$/.test(line))
    return {
      message: "::trace{...} is not alone on its line",
      hint: `move the text after '}' to its own paragraph; ${example}`,
    };
  if (!/\}\s*$/.test(line))
    return {
      message: "the attributes are not closed by '}' on the directive's line",
      hint: `close them on the same line; ${example}`,
    };
  return {
    message: "the attributes of ::trace{...} are malformed",
    hint: `${example}; values in double quotes, separated by spaces`,
  };
}

function sourceOf(file: VFile, node: RootContent): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? "" : String(file.value).slice(start, end);
}

function fail(file: VFile, node: RootContent, problem: { message: string; hint: string }): RootContent {
  const position = lessonPosition(file, node);
  reportProblem({ severity: "error", message: problem.message, hint: problem.hint, position });
  file.message(problem.message, node, "packetwalk:trace-syntax");
  const where = `${position.file}:${position.line}:${position.column}`;
  // Seen in dev, where the build does not stop: the problem where the figure would be, never the raw input.
  return {
    type: "html",
    value: `<div class="pw-error" role="alert"><strong>${escapeHtml(where)}</strong> ${escapeHtml(problem.message)}<br>hint: ${escapeHtml(problem.hint)}</div>`,
  };
}

function literal(file: VFile, node: RootContent): Paragraph {
  const text: Text = { type: "text", value: sourceOf(file, node) };
  return node.position
    ? { type: "paragraph", children: [text], position: node.position }
    : { type: "paragraph", children: [text] };
}

/** The plugin: registers the block directive syntax, then checks and restores what is not `::trace`. */
export default function remarkTraceSyntax(this: Processor) {
  const data = this.data();
  // Block directives only: a colon inside a line of prose stays a colon.
  const { flow } = directive();
  data.micromarkExtensions ??= [];
  data.micromarkExtensions.push({ flow });
  data.fromMarkdownExtensions ??= [];
  data.fromMarkdownExtensions.push(directiveFromMarkdown());

  return (tree: Root, file: VFile) => {
    visit(tree, (node, index, parent) => {
      if (!parent || index === undefined) return;
      const child = node as RootContent;
      if (child.type === "paragraph") {
        const source = sourceOf(file, child);
        if (LOOKS_LIKE_TRACE.test(source)) {
          parent.children[index] = fail(file, child, explainMalformedTrace(source)) as never;
        } else if (INLINE_TRACE.test(proseOf(source))) {
          parent.children[index] = fail(file, child, {
            message: "::trace{...} inside a paragraph: it would be published as text, not drawn",
            hint: "put the directive alone on its own line, a blank line before and after; to show it as text, put it in backticks or escape the first colon: \\::",
          }) as never;
        }
        return SKIP;
      }
      if (child.type !== "leafDirective" && child.type !== "containerDirective") return;
      if ((DIRECTIVE_NAMES as readonly string[]).includes(child.name)) {
        // `::trace[text]{...}`: the label would be dropped without a word; the caption attribute is the way.
        if (child.type === "leafDirective" && child.children.length > 0)
          parent.children[index] = fail(file, child, {
            message: "::trace takes no [label]",
            hint: 'give the figure\'s caption as an attribute: ::trace{src="lab/scenario" caption="..."}',
          }) as never;
        return SKIP;
      }
      const attributes = Object.keys(child.attributes ?? {});
      // A near miss of a directive name, or `src=`, is a typo; anything else (`::1`, `:::note`) is prose.
      if (
        DIRECTIVE_NAMES.some((n) => editDistance(child.name.toLowerCase(), n) <= 2) ||
        attributes.includes("src")
      ) {
        parent.children[index] = fail(file, child, {
          message: `unknown directive '::${child.name}'`,
          hint: "did you mean ::trace? to write it as text, escape the first colon: \\::",
        }) as never;
      } else {
        parent.children[index] = literal(file, child) as never;
      }
      return SKIP;
    });
  };
}
