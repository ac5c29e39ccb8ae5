/**
 * `packetwalk render TRACE`: turns a recorded or simulated trace into
 * Mermaid source or SVG, for contributors regenerating diagrams.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { closest } from "../core/diagnostics/format-diagnostic.ts";
import type { HookId } from "../core/model/hook.ts";
import type { Packet, ParsedTrace } from "../core/model/packet.ts";
import { parseTraceText } from "../core/parse/index.ts";
import { isPrefixHint } from "../core/parse/parse-hints.ts";
import { endpointLabels } from "../core/render/endpoint-labels.ts";
import { type HookChains, hookChains } from "../core/render/hook-chains.ts";
import { labEndpoints } from "../core/render/lab-endpoints.ts";
import { labHookChains } from "../core/render/lab-hook-chains.ts";
import { toMermaid, VIEWS, type View } from "../core/render/to-mermaid.ts";
import { unseenRewrite } from "../core/render/unseen-rewrite.ts";
import type { Ruleset } from "../core/simulate/ruleset.ts";
import { validateLabText } from "../core/trace-file/load-trace.ts";
import { readRegularFile } from "../core/trace-file/read-regular-file.ts";
import { readTraceFolder, type TraceFolder } from "../core/trace-file/read-trace-folder.ts";
import type { Lab } from "../core/trace-file/schema.ts";
import { parseAsShown } from "../lab/parse-as-shown.ts";
import { choosePackets } from "../plugin/choose-packets.ts";
import { readCommandArgs } from "./command-args.ts";
import { loadParseRuleset, type ParseRuleset } from "./parse-ruleset-option.ts";
import { type GuardedPath, outPathProblem } from "./render-out-path.ts";

/** One line for `packetwalk --help`. */
export const summary = "turn a trace into Mermaid source, a standalone SVG or a PNG";

const USAGE = `usage: packetwalk render TRACE [--direction request|reply|both] [--view map|path] [--packet N]
                        [--format mermaid|svg|png] [--theme light|dark] [--out FILE]
                        [--prefix-map FILE] [--ruleset FILE]

TRACE is traces/<lab>/<scenario>, <lab>/<scenario> (as a lesson names it) or a path to the .log
file (or to its .json metadata); lab.json next to it names the hosts.
  --direction  request, reply or both (default) of the flow --packet picks
  --view       map (whole netfilter map, path highlighted; default) or path (only the hooks crossed)
  --packet N   whose flow to draw (default the trace's first packet), as a lesson's ::trace
               packet="N" does: the request drawn is packet N if it is a request, else the one
               it answers (the last request of its flow before it, or the flow's first when the
               flow starts with the reply); the reply drawn is packet N if it is a reply, else
               the first reply of its flow after it. So --packet 1 draws a SYN and its SYN-ACK;
               packet N alone is --packet N --direction <its direction> (packetwalk parse
               lists the packets with their directions)
  --format     mermaid (default), svg or png. svg: ONE standalone SVG document per file, the chosen
               directions stacked (request above reply), each captioned, fonts embedded, on the
               theme's background; it opens the same in any browser. png: a picture of that SVG
               (2x), for slides and issues. Both are drawn by Mermaid in headless Chromium.
  --theme      light (default) or dark: one theme per file (run twice for both)
  --out FILE   write there instead of stdout (required for png); never over the trace, its
               metadata, lab.json or the lab's rulesets
  --prefix-map FILE  JSON object mapping LOG prefixes to hook ids, as packetwalk parse reads it,
               e.g. {"fw-in": "ip:filter:INPUT"}; for a log whose prefixes name no chain
  --ruleset FILE  the ruleset a log outside a lab ran with (iptables-save, nft list ruleset, an
               nft -f script or nft -j), as packetwalk parse reads it: its LOG rules name their
               prefixes' chains, and its nftables base chains are drawn in their hook boxes, the
               trace's own among them (a lab's trace is drawn with the lab's rulesets); repeat
               it for a host's several saves (iptables-save, ip6tables-save)`;

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

/**
 * `--packet -1` as `--packet=-1`: node's parseArgs reads a value starting with `-` as an option
 * and says only "ambiguous", so the number is checked (and refused) with the others.
 */
function negativePacket(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === "--packet" && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`--packet=${next}`);
      i++;
    } else out.push(argv[i] as string);
  }
  return out;
}

/** The files a render reads, which `--out` must not replace: the trace and, in a lab folder, the lab's. */
function guardedFiles(logFile: string, labFile: string, folder: TraceFolder | undefined): GuardedPath[] {
  const metaOf = (log: string) => log.replace(/\.log$/, ".json");
  const guarded: GuardedPath[] = [
    { path: logFile, why: "the trace being rendered" },
    { path: metaOf(logFile), why: "the trace's metadata" },
  ];
  if (!folder) return guarded;
  guarded.push(
    { path: labFile, why: "the lab's description" },
    { path: join(dirname(logFile), "rulesets"), why: "the lab's rulesets folder", folder: true },
    { path: join(dirname(logFile), "i18n"), why: "the lab's translations folder", folder: true },
  );
  for (const t of folder.traces)
    guarded.push(
      { path: t.logPath, why: "another trace of the lab" },
      { path: metaOf(t.logPath), why: "another trace's metadata" },
    );
  // Last, so that an existing file is named for what it is: a new trace-like file would fail the lab's check.
  guarded.push({ path: dirname(logFile), why: "the lab folder", reads: /\.(log|json)$/i });
  return guarded;
}

/**
 * The trace's packets: a lab's trace as the site shows it (a LOG trace with the verdicts the
 * simulator predicts, so a drop ends the walk), other logs as written. With a prefix map, a trace
 * whose prefixes were not all known is read again with it (a lab's then without the verdicts).
 */
function parseTrace(
  text: string,
  logFile: string,
  own: TraceFolder["traces"][number] | undefined,
  prefixMap: Record<string, HookId> | undefined,
): ParsedTrace {
  // Drawn all the same, but the reader is told why no drop or accept is marked.
  const shown = own
    ? parseAsShown(own, (why) =>
        process.stderr.write(
          `packetwalk render: warning: drawn without the rules that matched, as the simulator cannot load the lab: ${why.split("\n")[0]}\n`,
        ),
      )
    : undefined;
  if (shown && !(prefixMap && shown.diagnostics.some((d) => isPrefixHint(d.hint)))) return shown;
  const map = { ...own?.prefixMap, ...prefixMap };
  return parseTraceText(text, {
    file: logFile,
    ...(Object.keys(map).length ? { prefixMap: map } : {}),
    ...(own ? { chainHooks: own.chainHooks } : {}),
  });
}

/** `packets` with each LOG step's rules the simulator says matched (`matched`), from `ruleset`. */
async function withMatchedRules(
  packets: readonly Packet[],
  all: readonly Packet[],
  ruleset: Ruleset,
): Promise<Packet[]> {
  const { logFacts, logStepMatches } = await import("../core/listing/log-step-matches.ts");
  const facts = logFacts(all);
  return packets.map((packet) => {
    if (packet.events.some((e) => e.verdicts?.length || e.matched)) return packet;
    const matches = logStepMatches(packet, ruleset, all, facts);
    const events = packet.events.map((e, i) => (matches[i] ? { ...e, matched: matches[i] } : e));
    return { ...packet, events };
  });
}

/** Why a trace gave no packet, and what to do: it is empty, its prefixes are unknown, or no line is netfilter's. */
function noPackets(text: string, parsed: ParsedTrace): { message: string; hint: string } {
  const formats =
    "packetwalk reads netfilter's LOG lines ('... IN=eth0 OUT= ... SRC=... DST=...'), xtables-monitor --trace and nft monitor trace output";
  const lines = text.split("\n").filter((l) => l.trim() !== "").length;
  if (lines === 0)
    return {
      message: "the file is empty",
      hint: `${formats}: record a trace with packetwalk capture, or predict one with packetwalk simulate --write`,
    };
  if (parsed.diagnostics.some((d) => isPrefixHint(d.hint)))
    return {
      message: "its netfilter lines' LOG prefixes name no chain (the warnings above list them)",
      hint: 'map them with --prefix-map FILE (JSON: {"<prefix>": "ip:filter:INPUT"})',
    };
  if (parsed.diagnostics.length)
    return { message: "no line of it made a packet (the warnings above say why)", hint: formats };
  return {
    message:
      lines === 1 ? "its one line is not a netfilter line" : `none of its ${lines} lines is a netfilter line`,
    hint: `${formats}: give dmesg, journalctl -k or the syslog file that holds them`,
  };
}

/** A write error in words (an errno code alone tells a newcomer nothing). */
function writeProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOSPC":
      return "no space left on the device";
    case "ENOENT":
      return "its folder does not exist";
    case "EISDIR":
      return "it is a folder";
    case "ENOTDIR":
      return "a part of the path is a file, not a folder";
    default:
      return error.code ?? error.message;
  }
}

function fail(message: string, hint?: string): number {
  process.stderr.write(`packetwalk render: ${message}\n${hint ? `hint: ${hint}\n` : ""}`);
  return 2;
}

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = readCommandArgs(negativePacket(argv), {
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
      "prefix-map": { type: "string" },
      // Repeatable: a host's several saves (iptables-save, ip6tables-save) read together.
      ruleset: { type: "string", multiple: true },
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
    if (values.out === "") throw new UsageError("--out needs a FILE (e.g. diagram.svg)");
    const packetNumber = values.packet === undefined ? undefined : String(values.packet);
    if (packetNumber !== undefined && !/^[0-9]+$/.test(packetNumber.trim()))
      throw new UsageError(
        `--packet needs a whole number from 1 (the packet's number in the trace), not '${packetNumber}'`,
      );
    if (packetNumber !== undefined && Number(packetNumber) < 1)
      throw new UsageError("--packet needs a whole number from 1: packets are numbered from 1");

    const named = positionals[0] as string;
    // A trace's metadata names its trace, as `check` takes it: the `.log` beside it.
    const arg =
      /\.json$/i.test(named) && existsSync(named.replace(/\.json$/i, ".log"))
        ? named.replace(/\.json$/i, ".log")
        : named;
    // A log saved under any name (`monitor-trace.txt`) is read as given; a trace's name gets its `.log`.
    const given = arg.endsWith(".log") || (existsSync(arg) && statSync(arg).isFile()) ? arg : `${arg}.log`;
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
    const labFile = join(dirname(logFile), "lab.json");
    // Checked before anything is drawn: a diagram never replaces what it was drawn from.
    if (values.out !== undefined) {
      const ext = format === "mermaid" ? "mmd" : format;
      const problem = outPathProblem(
        String(values.out),
        guardedFiles(logFile, labFile, folder),
        `${basename(logFile, ".log")}.${ext}`,
      );
      if (problem) return fail(problem.message, problem.hint);
    }
    let prefixMap: Record<string, HookId> | undefined;
    let logRuleset: ParseRuleset | undefined;
    const rulesetFiles = (values.ruleset ?? []) as string[];
    if (values.ruleset !== undefined) {
      if (own)
        return fail(
          `--ruleset: ${logFile} is a trace of its lab, drawn with the lab's rulesets`,
          "render a copy of the log outside the lab to draw it with another ruleset, or simulate that ruleset (packetwalk simulate --ruleset-file)",
        );
      const r = await loadParseRuleset(rulesetFiles);
      if (typeof r === "string") {
        for (const line of r.split("\n")) process.stderr.write(`packetwalk render: ${line}\n`);
        return 2;
      }
      logRuleset = r;
    }
    // Read after the ruleset, whose base chains place chains the map names.
    if (values["prefix-map"] !== undefined) {
      const { loadPrefixMap } = await import("./parse-command.ts");
      const map = await loadPrefixMap(String(values["prefix-map"]), logRuleset?.chainHooks);
      if (typeof map === "string") {
        // Its hint comes as a "hint:" line: printed as this command prints a hint.
        for (const line of map.split("\n"))
          process.stderr.write(line.startsWith("hint: ") ? `${line}\n` : `packetwalk render: ${line}\n`);
        return 2;
      }
      prefixMap = map;
    }
    // The user's own map names a prefix before the ruleset's LOG rules do.
    if (logRuleset) prefixMap = { ...logRuleset.prefixMap, ...prefixMap } as Record<string, HookId>;
    const parsed = logRuleset
      ? parseTraceText(read.text, {
          file: logFile,
          ...(Object.keys(prefixMap ?? {}).length ? { prefixMap } : {}),
          chainHooks: logRuleset.chainHooks,
          netdevPrefixes: logRuleset.netdevPrefixes,
        })
      : parseTrace(read.text, logFile, own, prefixMap);
    for (const d of parsed.diagnostics) {
      process.stderr.write(
        `${d.position.file}:${d.position.line}:${d.position.column}: ${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ""}\n`,
      );
    }
    if (parsed.diagnostics.some((d) => d.severity === "error")) return 1;
    if (parsed.packets.length === 0) {
      const why = noPackets(read.text, parsed);
      return fail(`${logFile}:1:1: no packets in this trace: ${why.message}`, why.hint);
    }
    let lab: Lab | undefined;
    if (existsSync(labFile)) {
      // Positioned like every lab.json error (a bare JSON.parse threw a stack trace on invalid JSON).
      const result = validateLabText(readFileSync(labFile, "utf8"), labFile);
      if (!result.ok)
        return fail(result.errors.join("\n"), "fix lab.json, or render a copy of the log outside the lab");
      lab = result.value;
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
    if (logRuleset?.ruleset.nft?.length) {
      ruleset = rulesetFiles.map((f) => basename(f)).join(" + ");
      chains = hookChains([{ name: ruleset, ruleset: logRuleset.ruleset }]);
    }

    // What a lesson's ::trace with the same packet= and direction= draws: one rule for both.
    const chosen = choosePackets(
      parsed.packets,
      packetNumber === undefined ? undefined : Number(packetNumber),
    );
    if (!chosen)
      throw new UsageError(`--packet ${packetNumber}: the trace has packets 1..${parsed.packets.length}`);
    const dirs =
      direction === "both" ? (["request", "reply"] as const) : ([direction] as Array<"request" | "reply">);
    const packets = dirs.flatMap((d) => (chosen[d] ? [chosen[d]] : []));
    if (packets.length === 0) {
      const other = direction === "request" ? "reply" : "request";
      const n = parsed.packets.length;
      if (!parsed.packets.some((p) => p.direction === direction))
        return fail(
          `${logFile}: no ${direction} packet in this trace (${n === 1 ? `its one packet is a ${other}` : `its ${n} packets are ${other === "reply" ? "replies" : "requests"}`})`,
          `draw the trace with --direction ${other}, or one packet with --packet N`,
        );
      // The trace has one, in another flow (or, for a reply, only before the packet asked for).
      const anchor = packetNumber ?? String(parsed.packets[0]?.id ?? 1);
      return fail(
        `${logFile}: packet ${anchor}'s flow has no ${direction} packet${direction === "reply" ? " after it" : ""}`,
        `draw it with --direction ${other}, or another flow with --packet N (\`packetwalk parse ${logFile}\` lists the packets and their flows)`,
      );
    }

    const stem = basename(logFile, ".log").replace(/[^A-Za-z0-9]/g, "-");
    // LOG lines say nothing of rules: with the log's ruleset, each logged chain is run on the packet as
    // printed (as the playground does), so a rule that surely dropped it after its last line ends its path.
    const drawn = logRuleset ? await withMatchedRules(packets, parsed.packets, logRuleset.ruleset) : packets;
    const diagrams = drawn.map((p) => {
      // A NAT after the packet's last line, as the other direction of its flow shows it (the site's figures label it too).
      const other = chosen[p.direction === "request" ? "reply" : "request"];
      const unseen = other ? unseenRewrite(p, other) : undefined;
      return {
        id: `${stem}-p${p.id}-${p.direction}`.replace(/^[^A-Za-z]/, "t"),
        packet: p,
        source: toMermaid(p, {
          view: view as View,
          ebtables: lab?.ebtables ?? "nft",
          labels: lab ? endpointLabels(p, lab) : {},
          endpoints: labEndpoints(lab),
          ...(chains ? { chains } : {}),
          ...(chains && ruleset ? { ruleset } : {}),
          ...(unseen ? { unseen } : {}),
        }),
      };
    });
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
    if (values.out) {
      const out = String(values.out);
      try {
        writeFileSync(out, output);
      } catch (error) {
        return fail(
          `--out ${out}: cannot write the diagram: ${writeProblem(error as NodeJS.ErrnoException)}`,
          "choose a file in a folder you can write to",
        );
      }
    } else process.stdout.write(output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, "run `packetwalk render --help`");
    return fail(error instanceof Error ? error.message : String(error));
  }
}
