/**
 * The diff as one self-contained HTML page: per changed trace, what changed,
 * then each changed direction before and after side by side (the rendered
 * diagrams when given, else the Mermaid source), with the steps that changed
 * highlighted in the step lists and in the source.
 */
import type { DiffLine, FactsDiff, PacketChange, TraceChange } from "./diff-facts.ts";
import { diffLines, stepName } from "./diff-facts.ts";
import type { PacketFacts, TraceFacts } from "./trace-facts.ts";

/** Options of {@link formatHtml}. */
export interface HtmlOptions {
  from: string;
  to: string;
  /** Rendered diagrams by `<trace>|<direction>|before|after` (SVG markup); missing ones show their source. */
  svgs?: ReadonlyMap<string, string>;
  /** `@font-face` CSS for the diagrams' font (inline data), so labels fit as measured; default none. */
  fontCss?: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The key of a rendered diagram in {@link HtmlOptions.svgs}. */
export function svgKey(trace: string, direction: "request" | "reply", side: "before" | "after"): string {
  return `${trace}|${direction}|${side}`;
}

/** One side's lines, marking those the other side does not have. */
function sideLines(lines: DiffLine[], side: "before" | "after"): string {
  const gone = side === "before" ? "del" : "add";
  return lines
    .filter((l) => l.op === "same" || l.op === gone)
    .map((l) => `<span class="${l.op === "same" ? "" : "pw-changed"}">${escapeHtml(l.text)}</span>`)
    .join("\n");
}

/** The step list of a packet, each step numbered, the changed ones marked. */
function stepList(p: PacketFacts | undefined, other: PacketFacts | undefined): string {
  if (!p) return "<p>(no such packet)</p>";
  // Steps pair up along the hook lists' common part: a step added early does not mark every later one.
  const partner = new Map<number, number>();
  let i = 0;
  let j = 0;
  for (const l of diffLines(
    p.steps.map((s) => s.hook),
    (other?.steps ?? []).map((s) => s.hook),
  )) {
    if (l.op === "same") partner.set(i, j);
    if (l.op !== "add") i++;
    if (l.op !== "del") j++;
  }
  const items = p.steps.map((s, k) => {
    const at = partner.get(k);
    const o = at === undefined ? undefined : other?.steps[at];
    const changed = !o || o.hook !== s.hook || o.matched.join("\n") !== s.matched.join("\n");
    const matched = s.matched.length ? `<br><small>${s.matched.map(escapeHtml).join("<br>")}</small>` : "";
    return `<li class="${changed ? "pw-changed" : ""}"><code>${escapeHtml(s.hook)}</code>${matched}</li>`;
  });
  const rewrites = p.rewrites.length ? `<p>NAT: ${p.rewrites.map(escapeHtml).join("; ")}</p>` : "";
  return `<ol>${items.join("")}</ol>${rewrites}`;
}

/** Lines before and after, `-` and `+` marked and coloured, one block per line (a coloured line spans the width). */
function diffPre(lines: DiffLine[]): string {
  return `<pre class="pw-rules">${lines
    .map(
      (l) =>
        `<span class="pw-${l.op}">${l.op === "add" ? "+" : l.op === "del" ? "-" : " "}${escapeHtml(l.text)}</span>`,
    )
    .join("")}</pre>`;
}

/** What changed in one packet: the Markdown report's list, as HTML. */
function packetChangeHtml(p: PacketChange): string {
  const items: string[] = [];
  const code = (s: string) => `<code>${escapeHtml(s)}</code>`;
  if (p.summary) items.push(`<li>summary: ${code(p.summary.before)} → ${code(p.summary.after)}</li>`);
  if (p.hooks) items.push(`<li>hook list:${diffPre(p.hooks)}</li>`);
  if (p.rewrites) {
    const show = (r: string[]) => (r.length ? r.map(code).join(", ") : "none");
    items.push(`<li>NAT rewrites: ${show(p.rewrites.before)} → ${show(p.rewrites.after)}</li>`);
  }
  for (const m of p.matched)
    items.push(
      `<li>${stepName(m)} ${code(m.hook)}, matched rules:${diffPre([
        ...m.before.map((text) => ({ op: "del" as const, text })),
        ...m.after.map((text) => ({ op: "add" as const, text })),
      ])}</li>`,
    );
  return `<li>packet #${p.id} (${p.direction})<ul>${items.join("")}</ul></li>`;
}

/** The summary of a changed trace: packets gone or new, then what changed in each packet. */
function changeSummary(t: TraceChange): string {
  if (t.kind !== "changed") {
    const facts = t.after ?? t.before;
    return `<p>${facts?.packets.length ?? 0} packet(s), ${escapeHtml(String(facts?.origin))}, ${escapeHtml(String(facts?.mode))} mode.</p>`;
  }
  const items = [
    ...t.packetsRemoved.map((p) => `<li>packet removed: <code>${escapeHtml(p)}</code></li>`),
    ...t.packetsAdded.map((p) => `<li>packet added: <code>${escapeHtml(p)}</code></li>`),
    ...t.packets.map(packetChangeHtml),
  ];
  if (t.diagrams.length) items.push(`<li>diagram changed: ${t.diagrams.join(", ")}</li>`);
  return `<ul class="pw-summary">${items.join("")}</ul>`;
}

function packetOf(facts: TraceFacts | undefined, direction: "request" | "reply"): PacketFacts | undefined {
  return facts?.packets.find((p) => p.direction === direction);
}

function traceBlock(t: TraceChange, options: HtmlOptions): string {
  const parts = [
    `<section id="${escapeHtml(t.name)}"><h2><code>${escapeHtml(t.name)}</code> ${escapeHtml(t.title)} <small>(${t.kind})</small></h2>`,
  ];
  parts.push(changeSummary(t));
  const directions = (["request", "reply"] as const).filter(
    (d) => t.kind !== "changed" || t.diagrams.includes(d) || t.packets.some((p) => p.direction === d),
  );
  for (const d of directions) {
    const before = t.before?.mermaid[d];
    const after = t.after?.mermaid[d];
    const lines = diffLines((before ?? "").split("\n"), (after ?? "").split("\n"));
    const side = (which: "before" | "after", source: string | undefined) => {
      const svg = options.svgs?.get(svgKey(t.name, d, which));
      const facts = which === "before" ? t.before : t.after;
      const other = which === "before" ? t.after : t.before;
      const diagram =
        source === undefined ? "<p>(no diagram)</p>" : svg ? `<div class="pw-svg">${svg}</div>` : "";
      const src =
        source === undefined
          ? ""
          : `<details${svg ? "" : " open"}><summary>Mermaid source</summary><pre>${sideLines(lines, which)}</pre></details>`;
      return `<div class="pw-side"><h4>${which === "before" ? escapeHtml(options.from) : escapeHtml(options.to)}</h4>${diagram}${stepList(packetOf(facts, d), packetOf(other, d))}${src}</div>`;
    };
    parts.push(`<h3>${d}</h3><div class="pw-pair">${side("before", before)}${side("after", after)}</div>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The page. */
export function formatHtml(diff: FactsDiff, options: HtmlOptions): string {
  const title = `packetwalk diff ${options.from} → ${options.to}`;
  const rulesets = diff.rulesets.length
    ? `<section><h2>Rulesets</h2>${diff.rulesets
        .map((r) => `<h3><code>${escapeHtml(r.name)}</code> (${r.kind})</h3>${diffPre(r.lines)}`)
        .join("\n")}</section>`
    : "";
  const toc = diff.traces.length
    ? `<ul>${diff.traces.map((t) => `<li><a href="#${escapeHtml(t.name)}">${escapeHtml(t.name)}</a> (${t.kind})</li>`).join("")}</ul>`
    : `<p>No trace changed (${diff.unchanged} compared).</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${options.fontCss ?? ""}
body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#1b1f24;background:#fff}
.pw-pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem;align-items:start}
@media (max-width:50rem){.pw-pair{grid-template-columns:1fr}body{margin:1rem}}
.pw-side{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;min-width:0;overflow-x:auto}
.pw-svg svg{max-width:100%;height:auto}
.pw-changed{background:#fff3b0;outline:2px solid #e6a700}
li.pw-changed{list-style-type:"▶ "}
.pw-del{background:#ffd7d5}.pw-add{background:#ccffd8}
pre{white-space:pre-wrap}
.pw-rules span{display:block}
.pw-summary pre{margin:.3rem 0 .6rem}
</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${diff.traces.length} trace(s) changed, ${diff.unchanged} unchanged, ${diff.rulesets.length} ruleset(s) changed. Changed steps and source lines are highlighted.</p>
${toc}
${rulesets}
${diff.traces.map((t) => traceBlock(t, options)).join("\n")}
</body></html>
`;
}
