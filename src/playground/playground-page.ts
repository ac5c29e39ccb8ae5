/**
 * The playground page's script: reads the reader's log (typed, pasted, dropped
 * or opened), has the worker parse it, and shows the packets, the problems,
 * the picked packet's steps and diagram. Text goes into the page only through
 * `textContent`; nothing is sent anywhere.
 */
import { foldDiagnostics } from "../core/diagnostics/fold-diagnostics.ts";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.ts";
import type { ShownRewrite } from "../core/model/chain-name.ts";
import type { HookId } from "../core/model/hook.ts";
import type { Diagnostic, Packet } from "../core/model/packet.ts";
import { formatAddresses, formatRewrite } from "../core/render/format-endpoints.ts";
import { stepChainName } from "../core/render/step-chain-name.ts";
import type { StepListing } from "../core/render/to-listing.ts";
import type { View } from "../core/render/to-mermaid.ts";
import type { ChangedLine } from "./anonymize-input.ts";
import { HOOK_CHOICES, isHookId } from "./hook-choices.ts";
import { keepPieces } from "./keep-pieces.ts";
import type { PacketDetail, PacketRow, ParseSummary } from "./parse-session.ts";
import { playgroundDiagnostic } from "./playground-hints.ts";
import { decodeShare, encodeShare } from "./share-link.ts";
import { fill, type PlaygroundStrings } from "./strings.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

type PacketView = typeof import("./packet-view.ts");
let packetViewModule: Promise<PacketView> | undefined;
/** The packet view's code, once fetched: what draws a packet, and the words of summaries and badges. */
let loadedView: PacketView | undefined;
/** The packet view's code (plan, words, diagram), fetched once, with the first packet shown. */
function packetView(): Promise<PacketView> {
  packetViewModule ??= import("./packet-view.ts").then((m) => {
    loadedView = m;
    return m;
  });
  return packetViewModule;
}
/** A packet's summary in the page's language (the parser writes English; see `summary-words.ts`). */
function shownSummary(summary: string): string {
  const zh = document.documentElement.lang.startsWith("zh");
  return zh && loadedView ? loadedView.summaryWords(summary, "zh-TW") : summary;
}

/** Pastes larger than this are kept out of the text box (a box with megabytes of text is slow to use). */
const BIG_PASTE = 1 << 20;
/** Packets added to the list at a time. */
const PAGE = 200;
/** Wait after the last keystroke before parsing again. */
const TYPING_PAUSE_MS = 300;

const root = document.querySelector<HTMLElement>("[data-playground]");
const stringsEl = document.getElementById("pg-strings");
if (root && stringsEl) start(root, JSON.parse(stringsEl.textContent ?? "{}") as PlaygroundStrings);

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** A file's size as a reader reads it: `512 B`, `3 KB`, `1.5 MB` (an 8-byte file is not "1 KB"). */
function sizeText(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  return bytes < 1024 ? `${bytes} B` : `${Math.ceil(bytes / 1024)} KB`;
}

/** `1, 3-7, 9`: line numbers as ranges. */
function lineRanges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] as number;
    let last = first;
    while (lines[i + 1] === last + 1) last = lines[++i] as number;
    out.push(last === first ? String(first) : `${first}–${last}`);
  }
  return out.join(", ");
}

function start(root: HTMLElement, s: PlaygroundStrings): void {
  const $ = <T extends Element>(sel: string) => root.querySelector<T>(sel) as T;
  const form = $<HTMLFormElement>("[data-input-form]");
  const logBox = $<HTMLTextAreaElement>("[data-log]");
  const bigNote = $<HTMLElement>("[data-big-note]");
  const fileInput = $<HTMLInputElement>("[data-file]");
  const drop = $<HTMLElement>("[data-drop]");
  const rulesBox = $<HTMLTextAreaElement>("[data-rules]");
  const rulesDetails = $<HTMLDetailsElement>("[data-rules-box]");
  const progress = $<HTMLProgressElement>("[data-progress]");
  const statusText = $<HTMLElement>("[data-status-text]");
  const problems = $<HTMLElement>("[data-problems]");
  const diagList = $<HTMLElement>("[data-diagnostics]");
  const skippedEl = $<HTMLElement>("[data-skipped]");
  const unknown = $<HTMLElement>("[data-unknown]");
  const unknownList = $<HTMLElement>("[data-unknown-list]");
  const mapped = $<HTMLElement>("[data-mapped]");
  const mappedList = $<HTMLElement>("[data-mapped-list]");
  const rulesetProblems = $<HTMLElement>("[data-ruleset-problems]");
  const rulesetDiagList = $<HTMLElement>("[data-ruleset-diagnostics]");
  const packetsSection = $<HTMLElement>("[data-packets]");
  const packetsSummary = $<HTMLElement>("[data-packets-summary]");
  const packetList = $<HTMLElement>("[data-packet-list]");
  const moreButton = $<HTMLButtonElement>("[data-more]");
  const packetSection = $<HTMLElement>("[data-packet-detail]");
  const packetTitle = $<HTMLElement>("[data-packet-title]");
  const packetSummary = $<HTMLElement>("[data-packet-summary]");
  const drawing = $<HTMLElement>("[data-drawing]");
  const diagram = $<HTMLElement>("[data-diagram]");
  const stepsList = $<HTMLElement>("[data-steps]");
  const sourceEl = $<HTMLElement>("[data-source]");
  const shareStatus = $<HTMLElement>("[data-share-status]");
  const shareBox = $<HTMLElement>("[data-share-box]");
  const shareUrl = $<HTMLInputElement>("[data-share-url]");
  const anonBox = $<HTMLElement>("[data-anon]");
  const anonSummary = $<HTMLElement>("[data-anon-summary]");
  const anonSampleNote = $<HTMLElement>("[data-anon-sample-note]");
  const anonKept = $<HTMLElement>("[data-anon-kept]");
  const anonLines = $<HTMLElement>("[data-anon-lines]");
  const diagramTitle = $<HTMLElement>("[data-diagram-title]");
  const diagramSummary = $<HTMLElement>("[data-diagram-summary]");

  /** The input when it is not the text box's content: a big paste or a file. */
  let held: { blob: Blob; name: string; text?: string } | undefined;
  let prefixMap: Record<string, HookId> = {};
  let worker: Worker | undefined;
  let request = 0;
  let parseRequest = 0;
  let rulesetRequest = 0;
  let parsing = false;
  let summary: ParseSummary | undefined;
  let shown = 0;
  let detail: PacketDetail | undefined;
  let view: View = "map";
  let drawn = 0;
  /** The packet to show again after a parse the ruleset asked for (see the "ruleset" answer). */
  let keepPicked: number | undefined;

  const newWorker = (): Worker => {
    // Each language's worker carries only its own rule notes (the build empties the other's: see its entry).
    const w = document.documentElement.lang.startsWith("zh")
      ? new Worker(new URL("./parse-worker-zh.ts", import.meta.url), { type: "module" })
      : new Worker(new URL("./parse-worker-en.ts", import.meta.url), { type: "module" });
    w.addEventListener("message", (e: MessageEvent<FromWorker>) => onMessage(e.data));
    w.addEventListener("error", (e) => {
      parsing = false;
      progress.hidden = true;
      setStatus(fill(s.parseFailed, { message: e.message || "worker error" }));
    });
    // The ruleset lives in the worker: a new one is told again.
    if (rulesBox.value.trim()) {
      rulesetRequest = ++request;
      send(w, { type: "ruleset", request: rulesetRequest, text: rulesBox.value });
    }
    return w;
  };
  const send = (w: Worker, m: ToWorker) => w.postMessage(m);
  const getWorker = () => {
    worker ??= newWorker();
    return worker;
  };

  /** The ruleset's problems counted, said after the log's status (the log's counts are the log's only). */
  let rulesetNote = "";
  let statusBase = "";
  const setStatus = (text: string) => {
    statusBase = text;
    statusText.textContent = rulesetNote ? `${text} ${rulesetNote}`.trim() : text;
  };

  // ---- Input -----------------------------------------------------------------------------------

  const hold = (blob: Blob, name: string, text?: string) => {
    held = { blob, name, ...(text !== undefined ? { text } : {}) };
    logBox.value = "";
    bigNote.hidden = false;
    bigNote.textContent = fill(s.bigPaste, { size: sizeText(blob.size) });
    if (name !== "-") bigNote.textContent = `${name} (${sizeText(blob.size)})`;
    runParse();
  };

  const release = () => {
    held = undefined;
    bigNote.hidden = true;
    bigNote.textContent = "";
  };

  const runParse = () => {
    const text = logBox.value;
    if (!held && text.trim() === "") {
      clearResults();
      // Said, not silent: a Parse of an empty box (or one emptied after a result) tells what it needs.
      setStatus(s.emptyInput);
      return;
    }
    const blob = held ? held.blob : new Blob([text]);
    // A parse still running is for an input that is gone: stop it rather than wait for it.
    if (parsing && worker) {
      worker.terminate();
      worker = undefined;
    }
    parsing = true;
    parseRequest = ++request;
    progress.hidden = false;
    progress.max = Math.max(1, blob.size);
    progress.value = 0;
    setStatus(fill(s.parsing, { percent: 0, packets: 0 }));
    send(getWorker(), {
      type: "parse",
      request: parseRequest,
      input: blob,
      // Positions name a pasted log "log", as a pasted ruleset's say "ruleset" ("-" is a shell's word for stdin).
      file: held && held.name !== "-" ? held.name : "log",
      prefixMap,
    });
  };

  let typing: ReturnType<typeof setTimeout> | undefined;
  // The before/after is of the text as it was: an edit makes it stale.
  const forgetAnon = () => {
    anonBox.hidden = true;
  };
  logBox.addEventListener("input", () => {
    forgetAnon();
    if (held && logBox.value !== "") release();
    clearTimeout(typing);
    typing = setTimeout(runParse, TYPING_PAUSE_MS);
  });
  logBox.addEventListener("paste", (e) => {
    const text = e.clipboardData?.getData("text/plain") ?? "";
    if (text.length < BIG_PASTE) return;
    // Megabytes in a text box make every keystroke slow: keep them aside and parse them as they are.
    e.preventDefault();
    forgetAnon();
    hold(new Blob([text]), "-", text);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(typing);
    runParse();
    if (!held && logBox.value.trim() === "") logBox.focus();
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    forgetAnon();
    if (file) hold(file, file.name);
    fileInput.value = "";
  });
  drop.addEventListener("dragover", (e) => {
    if (!e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    drop.dataset.dragging = "";
  });
  drop.addEventListener("dragleave", () => delete drop.dataset.dragging);
  drop.addEventListener("drop", (e) => {
    const file = e.dataTransfer?.files[0];
    delete drop.dataset.dragging;
    if (!file) return;
    e.preventDefault();
    forgetAnon();
    hold(file, file.name);
  });
  $<HTMLButtonElement>("[data-clear]").addEventListener("click", () => {
    release();
    forgetAnon();
    logBox.value = "";
    rulesBox.value = "";
    prefixMap = {};
    renderMapped();
    sendRuleset();
    rulesetNote = "";
    clearResults();
    history.replaceState(null, "", location.pathname);
    logBox.focus();
  });

  let rulesTyping: ReturnType<typeof setTimeout> | undefined;
  const sendRuleset = () => {
    rulesetRequest = ++request;
    send(getWorker(), { type: "ruleset", request: rulesetRequest, text: rulesBox.value });
  };
  rulesBox.addEventListener("input", () => {
    forgetAnon();
    clearTimeout(rulesTyping);
    rulesTyping = setTimeout(sendRuleset, TYPING_PAUSE_MS);
  });

  // ---- Worker answers --------------------------------------------------------------------------

  function onMessage(m: FromWorker): void {
    if (m.type === "progress") {
      if (m.request !== parseRequest) return;
      progress.value = m.done;
      const percent = m.total ? Math.floor((100 * m.done) / m.total) : 0;
      setStatus(fill(s.parsing, { percent, packets: m.packets }));
    } else if (m.type === "parsed") {
      if (m.request !== parseRequest) return;
      parsing = false;
      progress.hidden = true;
      showSummary(m.summary, m.ms);
    } else if (m.type === "ruleset") {
      // An answer to a ruleset since replaced: the later one is coming.
      if (m.request !== rulesetRequest) return;
      showDiagnostics(rulesetDiagList, m.diagnostics);
      rulesetProblems.hidden = m.diagnostics.length === 0;
      const errors = m.diagnostics.filter((d) => d.severity === "error").length;
      rulesetNote = m.diagnostics.length
        ? fill(s.rulesetCount, { errors, warnings: m.diagnostics.length - errors })
        : "";
      setStatus(statusBase);
      // Its logging rules say which chains printed the log's prefixes: the packets change.
      if (m.reparse && (held || logBox.value.trim())) {
        keepPicked = pickedId;
        runParse();
        return;
      }
      // The packet asked for last (maybe not shown yet) is asked for again, with its listing.
      if (pickedId !== undefined) pick(pickedId, false);
    } else if (m.type === "packet") {
      if (m.request !== pickRequest || !m.detail) return;
      void showPacket(m.detail);
    } else {
      if (m.request === parseRequest) {
        parsing = false;
        progress.hidden = true;
      }
      setStatus(fill(s.parseFailed, { message: m.message }));
    }
  }

  function clearResults(): void {
    summary = undefined;
    detail = undefined;
    pickedId = undefined;
    if (parsing && worker) {
      worker.terminate();
      worker = undefined;
      parsing = false;
    }
    progress.hidden = true;
    setStatus("");
    for (const section of [problems, unknown, packetsSection, packetSection]) section.hidden = true;
    packetList.replaceChildren();
    diagList.replaceChildren();
    stepsList.replaceChildren();
    diagram.replaceChildren();
  }

  function showDiagnostics(list: HTMLElement, diagnostics: Diagnostic[]): void {
    // A pasted log repeats one warning on every line (its trailing spaces lost): shown once, the lines listed.
    const folded = foldDiagnostics(diagnostics);
    // A hint shared by several problems (one per unknown prefix) is given once, under the first.
    const hinted = new Set<string>();
    const items = folded.map(({ first: d, more }) => {
      const [head = "", given] = formatDiagnostic(playgroundDiagnostic(d)).split("\n  hint: ");
      const hint = given && !hinted.has(given) ? given : undefined;
      if (given) hinted.add(given);
      const lines = more.map((m) => m.position.line);
      const listed = `${lines.slice(0, 20).join(", ")}${lines.length > 20 ? ", …" : ""}`;
      return el(
        "li",
        { class: `pg-diag pg-${d.severity}` },
        el("code", { text: head }),
        ...(hint ? [el("p", { class: "pg-hint", text: `hint: ${hint}` })] : []),
        ...(more.length
          ? [
              el("p", {
                class: "pg-more",
                text: fill(more.length === 1 ? s.moreLikeItOne : s.moreLikeIt, {
                  n: more.length,
                  lines: listed,
                }),
              }),
            ]
          : []),
      );
    });
    list.replaceChildren(...items);
    // The core's words are English: the zh-TW page loads their translation (and only it does).
    if (items.length && document.documentElement.lang.startsWith("zh"))
      void import("./diagnostics-zh.ts").then((m) =>
        m.showDiagnosticsZh(
          items,
          folded.map((f) => f.first),
        ),
      );
  }

  function showSummary(sum: ParseSummary, ms: number): void {
    summary = sum;
    const errors = sum.diagnostics.filter((d) => d.severity === "error").length;
    setStatus(
      sum.packets.length === 0
        ? // Lines were found but set aside (their prefixes name no chain): say so, as the CLI does.
          sum.unknownPrefixes.length
          ? s.noPacketsPlaced
          : s.noPackets
        : fill(s.parsed, {
            packets: sum.packets.length,
            events: sum.events,
            skipped: sum.skippedLines,
            errors,
            warnings: sum.diagnostics.length - errors,
            ms: Math.round(ms),
          }),
    );
    showDiagnostics(diagList, sum.diagnostics);
    const listed = sum.skippedLineNumbers;
    skippedEl.hidden = sum.skippedLines === 0;
    skippedEl.textContent = fill(s.skipped, {
      lines:
        lineRanges(listed) +
        (sum.skippedLines > listed.length
          ? ` ${fill(s.skippedMore, { n: sum.skippedLines - listed.length })}`
          : ""),
    });
    problems.hidden = sum.diagnostics.length === 0 && sum.skippedLines === 0;
    renderUnknown(sum);

    packetsSection.hidden = sum.packets.length === 0;
    packetsSummary.textContent = fill(s.packetsSummary, {
      packets: sum.packets.length,
      flows: sum.flows.length,
    });
    packetSection.hidden = true;
    detail = undefined;
    // After a parse the ruleset asked for, the reader stays on the packet they looked at.
    const kept = sum.packets.find((p) => p.id === keepPicked);
    keepPicked = undefined;
    const list = () => {
      packetList.replaceChildren();
      shown = 0;
      showMore();
    };
    // On the zh-TW page the rows' summaries need the packet view's words, fetched for the first packet anyway.
    if (!loadedView && sum.packets.length && document.documentElement.lang.startsWith("zh")) {
      packetList.replaceChildren();
      void packetView().then(() => {
        if (summary === sum) list();
      });
    } else list();
    const first = kept ?? sum.packets[0];
    if (first) pick(first.id, false);
  }

  // ---- Unknown prefixes and the prefix map ------------------------------------------------------

  function renderUnknown(sum: ParseSummary): void {
    unknown.hidden = sum.unknownPrefixes.length === 0;
    unknownList.replaceChildren(
      ...sum.unknownPrefixes.map((u, i) => {
        const id = `pg-map-${i}`;
        const select = el("select", { attrs: { id } });
        select.append(el("option", { text: "—", attrs: { value: "" } }));
        for (const hook of HOOK_CHOICES) select.append(el("option", { text: hook, attrs: { value: hook } }));
        const button = el("button", {
          class: "icon-button pg-button",
          text: s.mapButton,
          attrs: { type: "button" },
        });
        button.addEventListener("click", () => {
          if (!isHookId(select.value)) {
            select.focus();
            return;
          }
          prefixMap = { ...prefixMap, [u.name]: select.value };
          renderMapped();
          runParse();
        });
        return el(
          "li",
          { class: "pg-unknown-item" },
          el("code", { text: u.name }),
          ` ${fill(s.unknownLines, { n: u.count, line: u.line })} `,
          el("label", { class: "sr-only", text: fill(s.mapTo, { prefix: u.name }), attrs: { for: id } }),
          select,
          " ",
          button,
        );
      }),
    );
  }

  function renderMapped(): void {
    const entries = Object.entries(prefixMap);
    mapped.hidden = entries.length === 0;
    mappedList.replaceChildren(
      ...entries.map(([prefix, hook]) => {
        const remove = el("button", {
          class: "icon-button pg-button",
          text: "×",
          attrs: { type: "button", "aria-label": fill(s.unmap, { prefix }) },
        });
        remove.addEventListener("click", () => {
          const { [prefix]: _, ...rest } = prefixMap;
          prefixMap = rest;
          renderMapped();
          runParse();
        });
        return el("li", {}, el("code", { text: `${prefix} → ${hook}` }), " ", remove);
      }),
    );
  }

  // ---- Packet list ---------------------------------------------------------------------------------

  function rewriteText(r: ShownRewrite, direction: "request" | "reply"): string {
    return `${formatRewrite(r, direction)} (${r.afterHook} → ${r.beforeHook})`;
  }

  function packetItem(p: PacketRow): HTMLLIElement {
    const dir = p.direction === "request" ? s.request : s.reply;
    const button = el("button", {
      class: "icon-button pg-button pg-pick",
      text: fill(s.showPacket, { id: p.id }),
      attrs: { type: "button", "aria-pressed": "false", "data-pick": String(p.id) },
    });
    button.addEventListener("click", () => pick(p.id, true));
    const hooks = el(
      "ol",
      { class: "pg-hooks", attrs: { "aria-label": s.hooks } },
      ...p.hooks.map((h) => el("li", {}, el("code", { text: h }))),
    );
    const item = el(
      "li",
      {
        class: "pg-packet-item",
        attrs: { "data-packet": String(p.id), "data-flow": String(p.flow), "data-direction": p.direction },
      },
      el(
        "p",
        { class: "pg-packet-head" },
        el("strong", { text: `#${p.id}` }),
        ` ${s.flow} ${p.flow} · ${dir} · `,
        // The worker's summary is the parser's English one: its words in the page's language.
        el("code", { class: "pg-summary" }, ...keepPieces(shownSummary(p.summary))),
        ` · ${fill(s.line, { line: p.line })}`,
      ),
      hooks,
    );
    if (p.rewrites.length)
      item.append(
        el(
          "ul",
          { class: "pg-rewrites", attrs: { "aria-label": s.rewrites } },
          ...p.rewrites.map((r) => el("li", { class: "pw-rewrite", text: rewriteText(r, p.direction) })),
        ),
      );
    item.append(button);
    return item;
  }

  function showMore(): void {
    if (!summary) return;
    const next = summary.packets.slice(shown, shown + PAGE);
    packetList.append(...next.map(packetItem));
    shown += next.length;
    const left = summary.packets.length - shown;
    moreButton.hidden = left <= 0;
    moreButton.textContent = fill(s.showMore, { n: Math.min(PAGE, left) });
  }
  moreButton.addEventListener("click", () => {
    const firstNew = shown;
    showMore();
    packetList.querySelectorAll<HTMLButtonElement>("[data-pick]")[firstNew]?.focus();
  });

  // ---- One packet: steps and diagram ---------------------------------------------------------------

  let pickRequest = 0;
  let pickedId: number | undefined;
  let focusOnShow = false;
  function pick(id: number, focus: boolean): void {
    pickRequest = ++request;
    pickedId = id;
    focusOnShow = focus;
    for (const b of packetList.querySelectorAll<HTMLButtonElement>("[data-pick]"))
      b.setAttribute("aria-pressed", String(b.dataset.pick === String(id)));
    send(getWorker(), { type: "packet", request: pickRequest, id });
  }

  async function showPacket(d: PacketDetail): Promise<void> {
    detail = d;
    const { describePath, planPath, unseenRewrite } = await packetView();
    // A later packet came while the code loaded: it is the one shown.
    if (detail !== d) return;
    const p = d.packet;
    const lang = document.documentElement.lang.startsWith("zh") ? "zh-TW" : "en";
    packetSection.hidden = false;
    packetTitle.textContent = fill(s.packetTitle, { id: p.id });
    packetSummary.replaceChildren(
      ...keepPieces(
        `${p.direction === "request" ? s.request : s.reply} · ${s.flow} ${p.flow} · ${shownSummary(p.summary)}`,
      ),
    );
    const words = describePath(p, { lang });
    diagram.setAttribute("aria-label", words.summary);
    diagram.setAttribute("aria-describedby", "pg-steps-h");
    const plan = planPath(p, "nft");
    const unseen = d.other && unseenRewrite(p, d.other);
    const other = p.direction === "request" ? s.reply : s.request;
    stepsList.replaceChildren(
      ...plan.steps.map((step, i) => {
        const item = stepItem(p, step.n, i, words.steps[i] ?? "", d.listings?.[i], d.chains);
        // A NAT after the packet's last line, read off the other direction (as the lessons' figures do).
        if (unseen && unseen.afterEvent === i)
          item.querySelector(".pw-step-head")?.append(
            el("span", {
              class: "pw-rewrite pw-rewrite-unseen",
              text: fill(s.unseenRewrite, { rewrite: formatRewrite(unseen, p.direction), other }),
            }),
          );
        return item;
      }),
    );
    markScrollers();
    if (focusOnShow) packetTitle.focus();
    void draw();
    // The rules just listed are not coloured yet, whatever the packet shown before was.
    stepsList.dataset.highlighted = "";
    if (d.listings) void colourRules(d);
  }

  function stepItem(
    p: Packet,
    n: number,
    index: number,
    words: string,
    listing: StepListing | undefined,
    chains: PacketDetail["chains"],
  ): HTMLLIElement {
    const event = p.events[index] as Packet["events"][number];
    const io = [
      event.in !== undefined ? `IN=${event.in}` : "",
      event.out !== undefined ? `OUT=${event.out}` : "",
      event.physIn ? `PHYSIN=${event.physIn}` : "",
      event.physOut ? `PHYSOUT=${event.physOut}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    const rewrites = p.rewrites.filter((r) => r.atEvent === index);
    const head = el(
      "div",
      { class: "pw-step-head" },
      el("span", { class: "pw-step-n", text: String(n), attrs: { "aria-hidden": "true" } }),
      el("code", { class: "pw-hook", text: stepChainName(event, chains) }),
      el("span", { class: "sr-only", text: words }),
      el(
        "span",
        { attrs: { "aria-hidden": "true" } },
        ...(io ? [el("span", { class: "pw-io", text: io }), " "] : []),
        el("span", { class: "pw-addr" }, ...keepPieces(formatAddresses(event))),
      ),
      ...rewrites.map((r) => el("span", { class: "pw-rewrite", text: formatRewrite(r, p.direction) })),
    );
    const item = el("li", { class: "pw-step", attrs: { "data-step": String(n), tabindex: "0" } }, head);
    // A ruleset that is not the trace's would list the wrong rules as if they explained the step: say so first.
    if (listing?.unlisted)
      item.append(
        el(
          "div",
          { class: "pw-unlisted", attrs: { role: "note" } },
          el("p", { text: listing.unlisted.length === 1 ? s.unlistedRule : s.unlistedRules }),
          el("ul", {}, ...listing.unlisted.map((r) => el("li", {}, el("code", {}, ...keepPieces(r))))),
        ),
      );
    if (listing) item.append(rulesBlock(listing));
    item.append(
      el(
        "div",
        { class: "pg-raw" },
        el("p", {
          class: "pw-line-ref",
          text: `${s.logLine}, ${fill(s.line, { line: event.position.line })}`,
        }),
        el("pre", {}, el("code", { text: event.raw })),
      ),
    );
    const activate = () => highlight(String(n));
    item.addEventListener("focusin", activate);
    item.addEventListener("mouseenter", activate);
    item.addEventListener("focusout", () => highlight(""));
    item.addEventListener("mouseleave", () => {
      if (!item.contains(document.activeElement)) highlight("");
    });
    return item;
  }

  function rulesBlock(listing: StepListing): HTMLElement {
    if (listing.chains.length === 0) return el("p", { class: "pw-note", text: s.noRules });
    const box = el("details", { class: "pw-rules" }, el("summary", { text: s.rules }));
    box.open = listing.verdictsKnown;
    const lang = document.documentElement.lang.startsWith("zh") ? "zh-TW" : "en";
    for (const chain of listing.chains) {
      const code = el("code", { text: `${chain.table} ${chain.chain}` });
      const list = ruleList(chain, lang);
      // A chain the packet never jumped to is folded, as on the lesson pages: its rules are there, not in the way.
      if (chain.notEntered) {
        const note = el("span", { class: "pw-policy", text: chain.notEntered[lang] });
        box.append(
          list
            ? el(
                "details",
                { class: "pw-chain-unentered" },
                el("summary", { class: "pw-chain-name" }, code, " ", note),
                list,
              )
            : el("p", { class: "pw-chain-name pw-chain-unentered" }, code, " ", note),
        );
        continue;
      }
      const name = el("p", { class: "pw-chain-name" }, code);
      if (chain.policy)
        name.append(" ", el("span", { class: "pw-policy", text: `${s.policy} ${chain.policy}` }));
      if (chain.policyApplied)
        name.append(" ", el("span", { class: "pw-verdict", text: `${s.policy}: ${chain.policyApplied}` }));
      box.append(name);
      if (list) box.append(list);
    }
    return box;
  }

  function ruleList(
    chain: StepListing["chains"][number],
    lang: "en" | "zh-TW",
  ): HTMLOListElement | undefined {
    if (!chain.rules.length) return undefined;
    const list = el("ol", { class: "pw-rule-list" });
    for (const r of chain.rules) {
      const li = el(
        "li",
        { class: `pw-rule${r.matched ? " pw-matched" : ""}`, attrs: { value: String(r.index) } },
        el("code", { class: "pw-rule-text" }, ...keepPieces(r.text)),
      );
      // Who says it matched, as on the lesson pages: the kernel (TRACE) or packetwalk's simulator.
      const who = r.matchedBy === "simulator" ? s.predicted : s.matched;
      if (r.matched)
        li.append(
          " ",
          el("span", {
            class: `pw-verdict pw-verdict-${r.matchedBy ?? "kernel"}`,
            text: `${who}: ${r.matchedBy === "simulator" || !loadedView ? r.matched : loadedView.matchedVerdict(r.text, r.matched)}`,
          }),
        );
      li.append(el("span", { class: "pw-note" }, ...keepPieces(r.note[lang])));
      list.append(li);
    }
    return list;
  }

  /** Colours the listed rules of `d` once Shiki is loaded (on the first listing), if it is still shown. */
  async function colourRules(d: PacketDetail): Promise<void> {
    const codes = [...stepsList.querySelectorAll<HTMLElement>("code.pw-rule-text")];
    try {
      // Shiki's glue comes with the first listing, not with the page.
      const { highlightRules } = await import("./highlight-rules.ts");
      await highlightRules(codes, d.rulesLanguage ?? "iptables");
      // A later packet's rules replaced these meanwhile (a ruleset pasted after the log): its own run,
      // which may end first, reports; this one must not undo that.
      if (detail === d) stepsList.dataset.highlighted = "done";
    } catch {
      // Uncoloured rules read the same: no colour is no loss of content.
      if (detail === d) stepsList.dataset.highlighted = "failed";
    }
  }

  // A raw line wider than its box scrolls in it: keyboard users reach it with Tab, then the arrow keys
  // (the layout does this for what is on the page at load; these lines come later).
  function markScrollers(): void {
    for (const pre of stepsList.querySelectorAll<HTMLElement>(".pg-raw pre")) {
      if (pre.scrollWidth > pre.clientWidth) pre.tabIndex = 0;
      else pre.removeAttribute("tabindex");
    }
  }
  addEventListener("resize", markScrollers);

  function highlight(n: string): void {
    for (const x of packetSection.querySelectorAll(".is-active")) x.classList.remove("is-active");
    if (!n) return;
    for (const x of packetSection.querySelectorAll(`.pw-step[data-step="${n}"], svg [data-step~="${n}"]`))
      x.classList.add("is-active");
  }

  async function draw(): Promise<void> {
    const d = detail;
    if (!d) return;
    const mine = ++drawn;
    const { diagramSource, drawDiagram } = await packetView();
    if (mine !== drawn) return;
    const svgId = `pg${d.packet.id}${view === "map" ? "m" : "p"}`;
    const lang = document.documentElement.lang.startsWith("zh") ? "zh-TW" : "en";
    const source = diagramSource(d.packet, view, lang, d.chains, d.other);
    sourceEl.textContent = source;
    // The full-screen viewer's title, and the line its button sits on.
    diagramTitle.textContent = `${fill(s.packetTitle, { id: d.packet.id })} · ${view === "map" ? s.viewMap : s.viewPath}`;
    diagramSummary.textContent = shownSummary(d.packet.summary);
    const rules = d.chains ? "nft" : "xt";
    for (const legend of root.querySelectorAll<HTMLElement>("[data-legend]"))
      legend.hidden = legend.dataset.legend !== view || legend.dataset.legendRules !== rules;
    drawing.hidden = false;
    drawing.textContent = s.drawing;
    try {
      const svg = await drawDiagram(d.packet, view, source, svgId, d.chains);
      if (mine !== drawn) return;
      // Mermaid's own output, sanitised by it (securityLevel strict); labels were escaped by toMermaid.
      // One SVG for both page themes: its colours are the site's CSS custom properties.
      diagram.innerHTML = svg;
      diagram.dataset.view = view;
      diagram.dataset.drawnPacket = String(d.packet.id);
      drawing.hidden = true;
    } catch (error) {
      if (mine !== drawn) return;
      drawing.textContent = fill(s.drawFailed, {
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  for (const radio of root.querySelectorAll<HTMLInputElement>("[data-view]")) {
    radio.addEventListener("change", () => {
      if (!radio.checked) return;
      view = radio.value === "path" ? "path" : "map";
      void draw();
    });
  }

  // ---- Share --------------------------------------------------------------------------------------

  $<HTMLButtonElement>("[data-share]").addEventListener("click", async () => {
    shareBox.hidden = true;
    await share(held ? (held.text ?? (await held.blob.text())) : logBox.value);
  });

  async function share(log: string): Promise<void> {
    const encoded = await encodeShare({ log, rules: rulesBox.value, prefixMap });
    if (!encoded.ok) {
      shareStatus.textContent = fill(s.shareTooLong, { chars: encoded.chars, limit: encoded.limit });
      return;
    }
    history.replaceState(null, "", `${location.pathname}#${encoded.fragment}`);
    shareUrl.value = location.href;
    shareBox.hidden = false;
    try {
      await navigator.clipboard.writeText(location.href);
      shareStatus.textContent = s.shareCopied;
    } catch {
      // No clipboard permission: the link is in the box, selected, for the reader to copy.
      shareStatus.textContent = s.shareReady;
      shareUrl.focus();
      shareUrl.select();
    }
  }

  // ---- Anonymise -----------------------------------------------------------------------------------

  $<HTMLButtonElement>("[data-anonymize]").addEventListener("click", async () => {
    const log = held ? (held.text ?? (await held.blob.text())) : logBox.value;
    // Its own chunk: a reader who never anonymises never loads it.
    const { anonymizeInput } = await import("./anonymize-input.ts");
    const result = anonymizeInput(log, rulesBox.value);
    anonBox.hidden = false;
    anonLines.replaceChildren();
    anonSampleNote.textContent = "";
    anonKept.hidden = true;
    if (!result.ok) {
      anonSummary.textContent = fill(s.anonFailed, { message: result.message });
    } else if (result.log === log && result.rules === rulesBox.value) {
      anonSummary.textContent = s.anonNothing;
    } else {
      anonSummary.textContent = fill(s.anonSummary, {
        ...result.counts,
        log: result.changedLines.log,
        rules: result.changedLines.rules,
      });
      anonKept.hidden = false;
      anonSampleNote.textContent = fill(s.anonMore, { n: result.sample.length });
      anonLines.replaceChildren(...result.sample.map(changedLineItem));
      // A link made before is of the original input: it goes, and the new text is what a new one carries.
      history.replaceState(null, "", location.pathname);
      shareBox.hidden = true;
      shareStatus.textContent = "";
      if (rulesBox.value !== result.rules) {
        rulesBox.value = result.rules;
        sendRuleset();
      }
      if (held) hold(new Blob([result.log]), held.name, result.log);
      else {
        logBox.value = result.log;
        runParse();
      }
    }
    anonBox.focus();
  });

  function changedLineItem(c: ChangedLine): HTMLLIElement {
    const side = (which: "before" | "after") =>
      el(
        "pre",
        { class: `pg-anon-${which}` },
        el("span", {
          class: "pg-anon-sign",
          text: which === "before" ? "−" : "+",
          attrs: { "aria-hidden": "true" },
        }),
        el("span", { class: "sr-only", text: `${s[which]}: ` }),
        el(
          "code",
          {},
          ...c.pieces.map((p) =>
            p.changed ? el(which === "before" ? "del" : "ins", { text: p[which] }) : p[which],
          ),
        ),
      );
    return el(
      "li",
      {},
      el("p", {
        class: "pw-line-ref",
        text: `${c.input === "log" ? s.anonLog : s.anonRules}, ${fill(s.line, { line: c.line })}`,
      }),
      side("before"),
      side("after"),
    );
  }

  async function restore(): Promise<void> {
    const decoded = await decodeShare(location.hash);
    if (!decoded) return;
    if (!decoded.ok) {
      shareStatus.textContent = decoded.problem === "version" ? s.shareVersion : s.shareCorrupt;
      return;
    }
    const { log, rules, prefixMap: map } = decoded.input;
    prefixMap = {};
    for (const [k, v] of Object.entries(map ?? {})) if (isHookId(v)) prefixMap[k] = v;
    renderMapped();
    if (rules) {
      rulesBox.value = rules;
      rulesDetails.open = true;
      sendRuleset();
    }
    if (log.length >= BIG_PASTE) hold(new Blob([log]), "-", log);
    else {
      logBox.value = log;
      runParse();
    }
    shareStatus.textContent = s.shareRestored;
  }
  void restore();
  addEventListener("hashchange", () => void restore());
}
