/**
 * Turns one trace (and the options of its `::trace` directive) into the HTML
 * of a figure: per direction, the diagram as one inline SVG themed by CSS, the
 * numbered path in words, the annotated rule listing, and the Mermaid source.
 * Shared by the remark plugin (lessons) and the trace pages.
 */

import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MermaidRenderer } from "../browser/mermaid-renderer.ts";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import type { Packet, ParsedTrace } from "../core/model/packet.ts";
import { describePath } from "../core/render/describe-path.ts";
import { endpointLabels } from "../core/render/endpoint-labels.ts";
import { formatAddresses, formatRewrite } from "../core/render/format-endpoints.ts";
import { chainsFor, packetFamily } from "../core/render/hook-chains.ts";
import { labEndpoints } from "../core/render/lab-endpoints.ts";
import { dropPoint, planPath, stepVerdict } from "../core/render/plan-path.ts";
import { stepChainName } from "../core/render/step-chain-name.ts";
import { summaryWords } from "../core/render/summary-words.ts";
import { toMermaid } from "../core/render/to-mermaid.ts";
import { unseenRewrite } from "../core/render/unseen-rewrite.ts";
import { parseAsShown } from "../lab/parse-as-shown.ts";
import { annotateSvg } from "./annotate-svg.ts";
import { type Chosen, choosePackets } from "./choose-packets.ts";
import { figureLegend, type LegendShown, legendStrings } from "./figure-legend.ts";
import { type FigureStrings, figureStrings } from "./figure-strings.ts";
import { escapeHtml, keepWordsHtml } from "./html.ts";
import { keepIdentifiersHtml } from "./keep-identifiers.ts";
import { renderDecision, renderRules } from "./render-rules.ts";
import { stepTargets } from "./step-targets.ts";
import type { TraceDirective } from "./trace-directive.ts";
import type { StoredTrace } from "./trace-store.ts";

/** A problem that should fail the build at the directive, with a hint. */
export class FigureError extends Error {
  readonly hint: string;
  /** The `::trace` attribute the problem is about (its position is reported), when one is. */
  readonly attribute: string | undefined;
  constructor(message: string, hint: string, attribute?: string) {
    super(message);
    this.name = "FigureError";
    this.hint = hint;
    this.attribute = attribute;
  }
}

const annotated = new Map<string, ParsedTrace>();

/** Size and time of the lab's `lab.json` and every file in its `rulesets/`: changes when any of them is edited. */
function labFilesStamp(folder: string): string {
  const stamp = (path: string) => {
    try {
      const st = statSync(path);
      return `${path}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${path}:-`;
    }
  };
  let files: string[] = [];
  try {
    files = readdirSync(join(folder, "rulesets")).sort();
  } catch {
    // No rulesets folder: lab.json alone.
  }
  return [stamp(join(folder, "lab.json")), ...files.map((f) => stamp(join(folder, "rulesets", f)))].join(
    "\n",
  );
}

/**
 * The trace's packets; for LOG traces with the matched rules the simulator predicts, on the packets
 * where it agrees with the kernel (TRACE traces carry the kernel's own). Cached per content (exported for tests).
 */
export function parseForFigure(trace: StoredTrace): ParsedTrace {
  // Keyed by content, so a trace edited in dev (even to the same length) is parsed again; and by the
  // lab's files the annotation reads (lab.json, rulesets), so editing a ruleset marks its rules anew.
  const key = createHash("sha256")
    .update(trace.name)
    .update(trace.text)
    .update(JSON.stringify(trace.meta))
    .update(labFilesStamp(dirname(trace.logPath)))
    .digest("hex");
  const cached = annotated.get(key);
  if (cached) return cached;
  const parsed = parseAsShown(trace);
  annotated.set(key, parsed);
  return parsed;
}

/** What to draw. */
export interface FigureRequest {
  trace: StoredTrace;
  options: TraceDirective;
  /** Lesson language (`en`, `zh-tw`). */
  locale: string;
  /** Unique on the page: letters, digits and `-`. */
  id: string;
  /** URL of the trace's own page, linked from the caption; omitted on the trace page itself. */
  tracePageUrl?: string;
}

function stepHead(packet: Packet, index: number): string {
  const event = packet.events[index];
  if (!event) return "";
  const parts: string[] = [];
  const io = [
    event.in !== undefined ? `IN=${event.in}` : "",
    event.out !== undefined ? `OUT=${event.out}` : "",
    event.physIn ? `PHYSIN=${event.physIn}` : "",
    event.physOut ? `PHYSOUT=${event.physOut}` : "",
  ].filter(Boolean);
  if (io.length) parts.push(`<span class="pw-io">${escapeHtml(io.join(" "))}</span>`);
  const addresses = formatAddresses(event);
  if (addresses) parts.push(`<span class="pw-addr">${keepWordsHtml(addresses)}</span>`);
  return parts.join(" ");
}

async function directionBlock(
  req: FigureRequest,
  renderer: MermaidRenderer,
  packet: Packet,
  direction: "request" | "reply",
  s: FigureStrings,
  other: Packet | undefined,
): Promise<string> {
  const { trace, options, locale } = req;
  const ebtables = trace.lab.ebtables;
  const diagramId = `${req.id}-${direction}`;
  const lang = locale === "zh-tw" ? "zh-TW" : "en";
  const labels = endpointLabels(packet, trace.lab, lang);
  const endpoints = labEndpoints(trace.lab, lang);
  // No placement id in the source: the same diagram anywhere on the site is one render.
  const chains = trace.chains;
  const unseen = other ? unseenRewrite(packet, other) : undefined;
  const source = toMermaid(packet, {
    view: options.view,
    labels,
    ebtables,
    endpoints,
    lang,
    ...(chains ? { chains, ruleset: trace.meta.ruleset } : {}),
    ...(unseen ? { unseen } : {}),
  });
  const rendered = await renderer.render({ source, id: diagramId });
  const svg = annotateSvg(rendered.svg, diagramId, stepTargets(packet, "", options.view, ebtables, chains));
  const words = describePath(packet, {
    lang: locale === "zh-tw" ? "zh-TW" : "en",
    labels,
    ebtables,
    ...(chains ? { chains } : {}),
  });
  const stepsId = `${diagramId}-steps`;
  const plan = planPath(packet, ebtables, labels, undefined, chains, lang);

  const items: string[] = [];
  const otherName = (direction === "request" ? s.reply : s.request).toLowerCase();
  for (const [i, step] of plan.steps.entries()) {
    const rewrites = step.rewrites.map(
      (r) => `<span class="pw-rewrite">${escapeHtml(formatRewrite(r, packet.direction))}</span>`,
    );
    if (unseen && step.event === packet.events[unseen.afterEvent])
      rewrites.push(
        `<span class="pw-rewrite pw-rewrite-unseen">${escapeHtml(s.unseenRewrite(formatRewrite(unseen, packet.direction), otherName))}</span>`,
      );
    const rules = options.listing ? await renderRules(trace, step, s, locale) : "";
    const witness = options.listing
      ? `<details class="pw-witness"><summary>${escapeHtml(s.witness)}</summary><pre><code>${escapeHtml(step.event.raw)}</code></pre><p class="pw-line-ref">${escapeHtml(`${trace.logPath}:${step.event.position.line}`)}</p></details>`
      : "";
    items.push(
      [
        `<li class="pw-step" data-step="${step.n}" tabindex="0" id="${diagramId}-step-${step.n}">`,
        `<div class="pw-step-head"><span class="pw-step-n" aria-hidden="true">${step.n}</span>`,
        `<code class="pw-hook">${escapeHtml(stepChainName(step.event, chains))}</code> `,
        `<span class="sr-only">${escapeHtml(words.steps[i] ?? "")}</span>`,
        `<span aria-hidden="true">${stepHead(packet, packet.events.indexOf(step.event))}</span>`,
        rewrites.length ? ` ${rewrites.join(" ")}` : "",
        "</div>",
        rules,
        witness,
        "</li>",
      ].join(""),
    );
  }

  const title = direction === "request" ? s.request : s.reply;
  // The parser's English summary in the page's language (`，還原 SNAT 為 172.17.0.2` on zh-TW pages).
  const summary = summaryWords(packet.summary, lang);
  return [
    `<section class="pw-direction" data-direction="${direction}" aria-label="${escapeHtml(`${title}: ${summary}`)}">`,
    `<p class="pw-direction-title"><strong>${escapeHtml(title)}</strong> <span>${keepWordsHtml(summary)}</span></p>`,
    `<div class="pw-diagram" role="img" aria-label="${escapeHtml(words.summary)}" aria-describedby="${stepsId}" tabindex="0" data-zoom-label="${escapeHtml(legendStrings(locale).zoom)}">`,
    svg,
    "</div>",
    `<ol class="pw-steps${options.listing ? " pw-listing" : ""}" id="${stepsId}" aria-label="${escapeHtml(s.steps)}">${items.join("")}</ol>`,
    options.listing ? renderDecision(trace, plan.steps, locale) : "",
    `<details class="pw-source"><summary>${escapeHtml(s.source)}</summary>`,
    `<button type="button" class="pw-copy" data-copy-label="${escapeHtml(s.copy)}" data-copied-label="${escapeHtml(s.copied)}" hidden>${escapeHtml(s.copy)}</button>`,
    `<pre><code class="language-mermaid">${escapeHtml(source)}</code></pre></details>`,
    "</section>",
  ].join("");
}

/** The packets a figure draws: per direction asked for, its packet, when the flow has one. */
export interface FigurePackets {
  chosen: Chosen;
  wanted: readonly ("request" | "reply")[];
}

/**
 * Which packets the figure of `trace` with `options` draws, without drawing them: every content
 * check of {@link renderTraceFigure} (a trace that does not parse, an unknown packet, a direction
 * the flow does not have), so that `packetwalk check --lessons` finds what the build would.
 * Throws {@link FigureError}.
 */
export function figurePackets(trace: StoredTrace, options: TraceDirective): FigurePackets {
  const parsed = parseForFigure(trace);
  const firstError = parsed.diagnostics.find((d) => d.severity === "error");
  if (firstError || parsed.packets.length === 0) {
    throw new FigureError(
      `trace '${trace.name}' does not parse: ${firstError ? formatDiagnostic(firstError) : "no netfilter packet in it"}`,
      `check it with \`npx packetwalk parse ${trace.logPath} --strict\``,
    );
  }
  const chosen = choosePackets(parsed.packets, options.packet);
  if (!chosen) {
    throw new FigureError(
      `::trace packet=${options.packet}: trace '${trace.name}' has ${parsed.packets.length} packet(s)`,
      `choose a packet from 1 to ${parsed.packets.length}; \`npx packetwalk parse ${trace.logPath}\` lists them`,
      "packet",
    );
  }
  const wanted =
    options.direction === "both" ? (["request", "reply"] as const) : ([options.direction] as const);
  for (const direction of wanted) {
    if (!chosen[direction] && options.direction !== "both") {
      throw new FigureError(
        `::trace direction="${direction}": trace '${trace.name}' has no ${direction} packet in this flow`,
        `use direction="both" or another packet; \`npx packetwalk parse ${trace.logPath}\` lists the packets`,
        "direction",
      );
    }
  }
  return { chosen, wanted };
}

/** What the figure's packets show: its legend keys only that (a bridge hook, a drop, a verdict). */
function legendShown(packets: readonly Packet[], trace: StoredTrace): LegendShown {
  const events = packets.flatMap((p) => p.events);
  const endpoints = labEndpoints(trace.lab);
  return {
    // As the diagram plans it.
    notSeen: packets.some(
      (p) =>
        planPath(
          p,
          trace.lab.ebtables,
          endpointLabels(p, trace.lab),
          endpoints,
          trace.chains && chainsFor(trace.chains, packetFamily(p)),
        ).notSeen !== undefined,
    ),
    bridge: events.some((e) => e.hook.startsWith("bridge:")),
    dropped: packets.some((p) => {
      const last = p.events[p.events.length - 1];
      return !!last && dropPoint(last) !== undefined;
    }),
    verdicts: packets.some((p) => p.events.some((e, i) => stepVerdict(e, i === p.events.length - 1))),
  };
}

/**
 * Renders the figure's HTML. Throws {@link FigureError} for content mistakes
 * (unknown packet, a direction the trace does not have, a trace that does not parse).
 */
export async function renderTraceFigure(req: FigureRequest, renderer: MermaidRenderer): Promise<string> {
  const { trace, options } = req;
  const s = figureStrings(req.locale);
  const { chosen, wanted } = figurePackets(trace, options);
  // Request and reply are rendered at once: the renderer's pool draws them side by side.
  const blocks = await Promise.all(
    wanted.map((direction) => {
      const packet = chosen[direction];
      return packet
        ? directionBlock(
            req,
            renderer,
            packet,
            direction,
            s,
            chosen[direction === "request" ? "reply" : "request"],
          )
        : `<p class="pw-no-reply">${escapeHtml(s.noReply)}</p>`;
    }),
  );
  const caption = options.caption ?? trace.meta.title;
  const origin = trace.meta.origin === "recorded" ? s.recorded : s.simulated;
  const link = req.tracePageUrl
    ? ` · <a href="${escapeHtml(req.tracePageUrl)}">${escapeHtml(s.tracePage)}</a>`
    : "";
  return [
    `<figure class="pw-trace" id="${req.id}" data-trace="${escapeHtml(trace.name)}" data-view="${options.view}" data-origin="${trace.meta.origin}">`,
    `<figcaption><span class="pw-caption">${keepIdentifiersHtml(caption)}</span> <span class="pw-origin pw-origin-${trace.meta.origin}">${escapeHtml(origin)}, ${escapeHtml(s.mode[trace.meta.mode])}</span>${link}</figcaption>`,
    figureLegend(
      req.locale,
      options.view,
      trace.meta.origin === "recorded" && trace.meta.mode === "log",
      trace.chains,
      legendShown(
        wanted.flatMap((d) => (chosen[d] ? [chosen[d]] : [])),
        trace,
      ),
    ),
    ...blocks,
    "</figure>",
  ].join("");
}
