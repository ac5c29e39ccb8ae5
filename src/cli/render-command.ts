/**
 * `packetwalk render TRACE`: turns a recorded or simulated trace into
 * Mermaid source or SVG, for contributors regenerating diagrams.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { closest } from "../core/diagnostics/format-diagnostic.ts";
import type { Packet } from "../core/model/packet.ts";
import { parseTraceText } from "../core/parse/index.ts";
import { endpointLabels } from "../core/render/endpoint-labels.ts";
import type { HookChains } from "../core/render/hook-chains.ts";
import { labEndpoints } from "../core/render/lab-endpoints.ts";
import { labHookChains } from "../core/render/lab-hook-chains.ts";
import { toMermaid, VIEWS, type View } from "../core/render/to-mermaid.ts";
import { readRegularFile } from "../core/trace-file/read-regular-file.ts";
import { readTraceFolder } from "../core/trace-file/read-trace-folder.ts";
import { type Lab, labSchema } from "../core/trace-file/schema.ts";
import { parseAsShown } from "../lab/parse-as-shown.ts";
import { readCommandArgs } from "./command-args.ts";

/** One line for `packetwalk --help`. */
export const summary = "turn a trace into Mermaid source, a standalone SVG or a PNG";

const USAGE = `usage: packetwalk render TRACE [--direction request|reply|both] [--view map|path] [--packet N]
                        [--format mermaid|svg|png] [--theme light|dark] [--out FILE]

TRACE is traces/<lab>/<scenario>, <lab>/<scenario> (as a lesson names it) or a path to the .log
file; lab.json next to it names the hosts.
  --direction  which packets to draw (default both: the first request and the first reply)
  --view       map (whole netfilter map, path highlighted; default) or path (only the hooks crossed)
  --packet N   draw packet N of the trace (overrides --direction)
  --format     mermaid (default), svg or png. svg: ONE standalone SVG document per file, the chosen
               directions stacked (request above reply), each captioned, fonts embedded, on the
               theme's background; it opens the same in any browser. png: a picture of that SVG
               (2x), for slides and issues. Both are drawn by Mermaid in headless Chromium.
  --theme      light (default) or dark: one theme per file (run twice for both)
  --out FILE   write there instead of stdout (required for png)`;

class UsageError extends Error {}

/** The trace's title from its metadata next to the log, or its file name. */
function meta(logFile: string): string {
  const file = logFile.replace(/\.log$/, ".json");
  try {
    const title = (JSON.parse(readFileSync(file, "utf8")) as { title?: unknown }).title;
    return typeof title === "string" ? title : basename(logFile, ".log");
  } catch {
    return basename(logFile, ".log");
  }
}

/** Mermaid renders each diagram (the site's renderer and cache); the chosen theme's SVGs, captioned. */
async function renderParts(
  diagrams: { id: string; packet: Packet; source: string }[],
  theme: "light" | "dark",
): Promise<{ svg: string; caption: string }[]> {
  const { createMermaidRenderer } = await import("../browser/mermaid-renderer.ts");
  const { darkPaletteCss, paletteNames } = await import("../browser/diagram-theme.ts");
  const renderer = createMermaidRenderer();
  try {
    // All at once: the renderer's pool draws them side by side.
    const [palette, ...rendered] = await Promise.all([
      renderer.palette(),
      ...diagrams.map((d) => renderer.render({ source: d.source, id: d.id })),
    ]);
    return diagrams.map((d, i) => {
      const svg = rendered[i]?.svg ?? "";
      // The SVG's colours are var(--pw-m-*) with the light values as fallback: dark sets the variables.
      const css = darkPaletteCss(palette, { names: paletteNames(svg), selector: `#${d.id}` });
      return {
        svg:
          theme === "dark"
            ? svg.replace(/^(<svg[^>]*>)/, `$1<style>${css.replace(/\s*\n\s*/g, "")}</style>`)
            : svg,
        caption: `packet ${d.packet.id} (${d.packet.direction}): ${d.packet.summary}`,
      };
    });
  } finally {
    await renderer.close();
  }
}

/** Runs `work` on a blank page of a headless Chromium found like the build finds one, then closes it. */
async function withPage<T>(work: (page: import("playwright-core").Page) => Promise<T>): Promise<T> {
  const { launchChromium } = await import("../browser/find-chromium.ts");
  const { browser } = await launchChromium();
  try {
    return await work(await browser.newPage());
  } finally {
    await browser.close();
  }
}

function fail(message: string, hint?: string): number {
  process.stderr.write(`packetwalk render: ${message}\n${hint ? `hint: ${hint}\n` : ""}`);
  return 2;
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = readCommandArgs(argv, {
    name: "render",
    usage: USAGE,
    fail,
    options: {
      direction: { type: "string", default: "both" },
      view: { type: "string", default: "map" },
      packet: { type: "string" },
      format: { type: "string", default: "mermaid" },
      theme: { type: "string", default: "light" },
      out: { type: "string" },
    },
  });
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  try {
    if (positionals.length !== 1) throw new UsageError("expected exactly one TRACE argument");
    const direction = String(values.direction);
    if (!["request", "reply", "both"].includes(direction))
      throw new UsageError(`--direction must be request, reply or both, not '${direction}'`);
    const view = String(values.view);
    if (!(VIEWS as readonly string[]).includes(view))
      throw new UsageError(`--view must be map or path, not '${view}'`);
    const format = String(values.format);
    if (!["mermaid", "svg", "png"].includes(format))
      throw new UsageError(`--format must be mermaid, svg or png, not '${format}'`);
    const theme = String(values.theme);
    if (theme !== "light" && theme !== "dark")
      throw new UsageError(`--theme must be light or dark, not '${theme}'`);
    if (format === "png" && !values.out)
      throw new UsageError("--format png writes a file: give --out FILE.png");

    const arg = positionals[0] as string;
    const given = arg.endsWith(".log") ? arg : `${arg}.log`;
    // A lesson's name for it (`lab/scenario`, as ::trace src= writes it) is found under traces/ too.
    const underTraces = join("traces", given);
    const logFile = !existsSync(given) && !isAbsolute(given) && existsSync(underTraces) ? underTraces : given;
    if (!existsSync(logFile)) {
      const dirs = isAbsolute(given) ? [dirname(given)] : [dirname(given), dirname(underTraces)];
      const there = dirs.find((d) => existsSync(d));
      const near = there
        ? readdirSync(there)
            .filter((f) => f.endsWith(".log"))
            .map((f) => join(there, f.slice(0, -4)))
        : [];
      const guess = closest(join(there ?? "", basename(given, ".log")), near);
      return fail(
        `no trace at ${given}`,
        guess
          ? `did you mean ${guess}?`
          : near.length
            ? `traces there: ${near.join(", ")}`
            : "give traces/<lab>/<scenario> (or <lab>/<scenario>, as a lesson names it)",
      );
    }
    // As the site reads it: a committed file of UTF-8 text, not a link out of the repository.
    const read = readRegularFile(logFile);
    if (!read.ok) return fail(read.error);
    // A trace of a lab folder is read as the site reads it: with the LOG prefixes its instrumentation prints.
    const folder = existsSync(join(dirname(logFile), "lab.json"))
      ? readTraceFolder(dirname(logFile))
      : undefined;
    // Every trace of the folder is beside this one: its file name alone finds it (`./x`, absolute, relative).
    const own = folder?.traces.find((t) => basename(t.logPath) === basename(logFile));
    // A lab's trace as the site shows it: a LOG trace with the verdicts the simulator predicts, so a drop ends the walk.
    const parsed = own ? parseAsShown(own) : parseTraceText(read.text, { file: logFile });
    for (const d of parsed.diagnostics) {
      process.stderr.write(
        `${d.position.file}:${d.position.line}:${d.position.column}: ${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ""}\n`,
      );
    }
    if (parsed.diagnostics.some((d) => d.severity === "error")) return 1;
    const labFile = join(dirname(logFile), "lab.json");
    let lab: Lab | undefined;
    if (existsSync(labFile)) {
      const result = labSchema.safeParse(JSON.parse(readFileSync(labFile, "utf8")));
      if (!result.success) {
        const issue = result.error.issues[0];
        return fail(`${labFile}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
      }
      lab = result.data;
    }
    // An nftables lab's map lists the base chains of all its rulesets, as on the site.
    let chains: HookChains | undefined;
    let ruleset: string | undefined;
    if (lab && folder) {
      chains = labHookChains(
        folder.traces.map((t) => t.meta),
        folder.rulesets,
      );
      ruleset = own?.meta.ruleset;
    }

    let packets: Packet[];
    if (values.packet !== undefined) {
      const n = Number(values.packet);
      const p = parsed.packets.find((x) => x.id === n);
      if (!p)
        throw new UsageError(`--packet ${values.packet}: the trace has packets 1..${parsed.packets.length}`);
      packets = [p];
    } else {
      const dirs =
        direction === "both" ? (["request", "reply"] as const) : ([direction] as Array<"request" | "reply">);
      packets = dirs.flatMap((d) => parsed.packets.filter((p) => p.direction === d).slice(0, 1));
    }
    if (packets.length === 0) return fail(`${logFile}: no ${direction} packet in this trace`);

    const stem = basename(logFile, ".log").replace(/[^A-Za-z0-9]/g, "-");
    const diagrams = packets.map((p) => ({
      id: `${stem}-p${p.id}-${p.direction}`.replace(/^[^A-Za-z]/, "t"),
      packet: p,
      source: toMermaid(p, {
        view: view as View,
        ebtables: lab?.ebtables ?? "nft",
        labels: lab ? endpointLabels(p, lab) : {},
        endpoints: labEndpoints(lab),
        ...(chains ? { chains } : {}),
        ...(chains && ruleset ? { ruleset } : {}),
      }),
    }));
    let output: string | Buffer;
    if (format === "mermaid") {
      // The comment goes after the front matter, which Mermaid only reads at the very start.
      output = diagrams
        .map((d) =>
          d.source.replace(
            /^(---\n[\s\S]*?\n---\n)?/,
            `$1%% packet ${d.packet.id} (${d.packet.direction}): ${d.packet.summary}\n`,
          ),
        )
        .join("\n");
    } else {
      const parts = await renderParts(diagrams, theme);
      const title = `${meta(logFile)} (${basename(logFile, ".log")})`;
      output = await withPage(async (page) => {
        const { composeStandaloneSvg, svgToPng } = await import("../browser/standalone-svg.ts");
        const svg = await composeStandaloneSvg(page, parts, { theme, title });
        return format === "png" ? svgToPng(page, svg) : svg;
      });
    }
    if (values.out) writeFileSync(String(values.out), output);
    else process.stdout.write(output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, "run `packetwalk render --help`");
    return fail(error instanceof Error ? error.message : String(error));
  }
}
