/**
 * The `::trace{...}` directive's attributes: validated with zod, every problem
 * turned into a message with the attribute, what was expected and a hint.
 */
import { z } from "zod";
import { closest } from "../core/diagnostics/format-diagnostic.ts";
import { VIEWS } from "../core/render/to-mermaid.ts";

/** Which directions of a flow to draw: one diagram each. */
export const DIRECTIONS = ["request", "reply", "both"] as const;
/** One of {@link DIRECTIONS}. */
export type DirectionChoice = (typeof DIRECTIONS)[number];

const booleanString = z.enum(["true", "false", ""]).transform((v) => v !== "false");

/** Attributes of `::trace`. */
export const traceDirectiveSchema = z.strictObject({
  /** The trace, as `<lab>/<scenario>` under `traces/` (no extension). Required. */
  src: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
      "a trace name like docker-bridge/container-to-wan",
    ),
  /** `request`, `reply` or `both` (default): one diagram per direction. */
  direction: z.enum(DIRECTIONS).default("both"),
  /** `map` (default: the whole netfilter map, path highlighted) or `path` (only the hooks crossed). */
  view: z.enum(VIEWS).default("map"),
  /** Which packet of a multi-packet trace (1-based, as `packetwalk parse` numbers them); its flow is drawn. Default: the first flow's first packet. */
  packet: z.coerce.number().int().positive().optional(),
  /** Show the annotated rule listing under each diagram. Default true. */
  listing: booleanString.default(true),
  /** Caption of the figure; default: the trace's title. */
  caption: z.string().optional(),
});

/** The directive as a lesson writes it, every attribute with its values: the form a report of a problem shows. */
export const TRACE_FORM = `::trace{src="<lab>/<scenario>" direction="${DIRECTIONS.join("|")}" view="${VIEWS.join("|")}" packet="<n>" listing="true|false" caption="<text>"}, alone on its line; only src is required`;

/** Validated attributes of `::trace`. */
export type TraceDirective = z.infer<typeof traceDirectiveSchema>;

/** A problem with the directive's attributes: the message, a hint and the attribute it is about. */
export interface DirectiveProblem {
  message: string;
  hint: string;
  /** The attribute the problem is at (its position is reported), when one is. */
  attribute?: string;
}

const ATTRIBUTES = Object.keys(traceDirectiveSchema.shape);

/** Validates raw directive attributes; returns the options or the problems. */
export function parseTraceDirective(
  attributes: Record<string, string | null | undefined>,
): { ok: true; value: TraceDirective } | { ok: false; problems: DirectiveProblem[] } {
  const clean = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v != null));
  const result = traceDirectiveSchema.safeParse(clean);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") {
        const key = issue.keys[0] ?? "";
        const guess = closest(key, ATTRIBUTES);
        return {
          message: `::trace has no attribute '${key}'`,
          hint: guess ? `did you mean '${guess}'?` : `attributes are: ${ATTRIBUTES.join(", ")}`,
          attribute: key,
        };
      }
      const field = String(issue.path[0] ?? "");
      if (field === "src" && clean.src === undefined) {
        return {
          message: "::trace needs a src attribute",
          hint: 'name a trace under traces/, e.g. ::trace{src="docker-bridge/container-to-wan"}',
        };
      }
      if (field === "src" && typeof clean.src === "string")
        return { ...srcProblem(clean.src), attribute: "src" };
      const given = JSON.stringify(clean[field]);
      const options = (traceDirectiveSchema.shape as Record<string, unknown>)[field];
      const values = enumValues(options);
      return {
        message: `::trace ${field}=${given}: ${issue.message}`,
        hint: values ? `use one of ${values.map((v) => `"${v}"`).join(", ")}` : hintFor(field),
        attribute: field,
      };
    }),
  };
}

/**
 * Why a `src` is not `<lab>/<scenario>`, and the name to write instead when it can be told: a
 * newcomer writes a file path (`traces/x/y.log`, `../`, `/home/...`), which names nothing the
 * build publishes.
 */
function srcProblem(src: string): DirectiveProblem {
  const given = `::trace src=${JSON.stringify(src)}`;
  const expected = "expected <lab>/<scenario>, a folder and a trace under traces/";
  if (/^([A-Za-z]:)?[\\/]/.test(src) || src.includes("\\"))
    return {
      message: `${given}: ${expected}, not a path on your machine`,
      hint: "the build publishes only traces committed under traces/: copy the trace's files there (packetwalk import writes them) and name it as <lab>/<scenario>",
    };
  if (src.split("/").includes(".."))
    return {
      message: `${given}: ${expected}; '..' leaves traces/`,
      hint: "name a trace inside traces/, e.g. docker-bridge/container-to-wan",
    };
  const fixed = src
    .trim()
    .replace(/^(\.\/)?traces\//, "")
    .replace(/\.(log|json)$/, "");
  if (fixed !== src && /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(fixed))
    return {
      message: `${given}: ${expected}, without 'traces/' and the extension`,
      hint: `write src="${fixed}"`,
    };
  return { message: `${given}: ${expected}`, hint: hintFor("src") };
}

function enumValues(schema: unknown): readonly string[] | undefined {
  // Unwrap .default()/.optional() to reach a z.enum's options.
  let s = schema as { options?: readonly string[]; def?: { innerType?: unknown; in?: unknown } } | undefined;
  for (let i = 0; i < 4 && s; i++) {
    if (Array.isArray(s.options)) return s.options.filter((o) => o !== "");
    s = (s.def?.innerType ?? s.def?.in) as typeof s;
  }
  return undefined;
}

function hintFor(field: string): string {
  switch (field) {
    case "packet":
      return "a packet number as `packetwalk parse` prints it, e.g. packet=1";
    case "src":
      return "a trace name like docker-bridge/container-to-wan (folder/file under traces/, without .log)";
    default:
      return "see CONTRIBUTING.md for the ::trace attributes";
  }
}
