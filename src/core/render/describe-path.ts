/**
 * The numbered path of a packet in words: the text alternative of its
 * diagram (for screen readers, and for readers without images), in English
 * or Traditional Chinese.
 */
import type { Packet } from "../model/packet.ts";
import { formatAddresses, formatRewrite, hookTitle, inInterface, outInterface } from "./format-endpoints.ts";
import { chainsFor, type HookChains, packetFamily } from "./hook-chains.ts";
import { mapWords } from "./map-words.ts";
import { DECISION, type EbtablesFlavour, mapNodes } from "./netfilter-map.ts";
import { type EndpointLabels, type PathStep, planPath, type StepVerdict } from "./plan-path.ts";

/** Languages of the text alternative. */
export const DESCRIBE_LANGS = ["en", "zh-TW"] as const;
/** One of {@link DESCRIBE_LANGS}. */
export type DescribeLang = (typeof DESCRIBE_LANGS)[number];

/** Options of {@link describePath}. */
export interface DescribePathOptions {
  /** Language; default `en`. */
  lang?: DescribeLang;
  /** Entry and exit names from the lab, as given to `toMermaid`. */
  labels?: EndpointLabels;
  /** Bridge filtering flavour; default `nft`. */
  ebtables?: EbtablesFlavour;
  /** An nftables lab's base chains per hook, as given to `toMermaid`: steps name base chains. Default none. */
  chains?: HookChains;
}

/** The path in words: one sentence of overview, then one sentence per numbered step. */
export interface PathDescription {
  summary: string;
  steps: string[];
  /** `summary` and `steps` joined with spaces, for an `aria-describedby` text or `alt`. */
  text: string;
}

const TEXT = {
  en: {
    summary: (from: string, to: string, n: number, dir: string) =>
      `The ${dir} packet goes from ${from} to ${to} and crosses ${n} ${n === 1 ? "hook" : "hooks"}.`,
    /** A walk that ends short of its way out: lost (`not seen after ...`) or dropped (`dropped: ...`). */
    endedSummary: (from: string, end: string, n: number, dir: string) =>
      `The ${dir} packet goes from ${from}, crosses ${n} ${n === 1 ? "hook" : "hooks"} and is ${end}.`,
    /** After a trace that ends before the way out: the hooks the map draws as not in the trace. */
    notSeen: (hooks: readonly string[]) =>
      ` After its last line the trace does not show it: ${hooks.join(", ")} and the way out are a guess.`,
    request: "request",
    reply: "reply",
    local: "a local process",
    step: (n: number, title: string) => `Step ${n}: ${title}`,
    inOut: (i?: string, o?: string) =>
      [i ? `in on ${i}` : "", o ? `out on ${o}` : ""].filter(Boolean).join(", "),
    rewrite: (r: string) => `after ${r}`,
    hook: (box: string) => `${box} hook`,
    verdict: (v: StepVerdict) => `verdict ${v.verdict}${v.policy ? " (policy)" : ""}`,
    decision: {
      [DECISION.bridging]: "after the bridging decision",
      [DECISION.routing]: "after the routing decision",
      [DECISION.outputRouting]: "after the output routing decision",
    } as Record<string, string>,
    join: ", ",
    end: ".",
  },
  "zh-TW": {
    summary: (from: string, to: string, n: number, dir: string) =>
      `這個${dir}封包從 ${from} 到 ${to}，共經過 ${n} 個 hook。`,
    endedSummary: (from: string, end: string, n: number, dir: string) =>
      `這個${dir}封包從 ${from} 出發，共經過 ${n} 個 hook，${end}。`,
    notSeen: (hooks: readonly string[]) =>
      `最後一行之後追蹤記錄裡就沒有它了：${hooks.join("、")} 和送出的路是推測的。`,
    request: "請求",
    reply: "回覆",
    local: "本機行程",
    step: (n: number, title: string) => `第 ${n} 步：${title}`,
    inOut: (i?: string, o?: string) =>
      [i ? `從 ${i} 進入` : "", o ? `從 ${o} 送出` : ""].filter(Boolean).join("，"),
    rewrite: (r: string) => `經過 ${r} 之後`,
    hook: (box: string) => `${box} hook`,
    verdict: (v: StepVerdict) => `判決 ${v.verdict}${v.policy ? "（預設策略）" : ""}`,
    decision: {
      [DECISION.bridging]: "經過橋接判斷之後",
      [DECISION.routing]: "經過路由判斷之後",
      [DECISION.outputRouting]: "經過輸出路由判斷之後",
    } as Record<string, string>,
    join: "，",
    end: "。",
  },
} as const;

/** Describes the numbered path of `packet` in words. Pure; throws only for a packet without events. */
export function describePath(packet: Packet, given: DescribePathOptions = {}): PathDescription {
  const options = given.chains ? { ...given, chains: chainsFor(given.chains, packetFamily(packet)) } : given;
  const t = TEXT[options.lang ?? "en"];
  const ebtables = options.ebtables ?? "nft";
  const plan = planPath(packet, ebtables, options.labels, undefined, options.chains, options.lang);
  const boxes = new Map(mapNodes(ebtables, undefined, "en", options.chains).map((n) => [n.key, n]));
  // An nftables lab's step names its base chain as the map does, or the hook when the chain is not drawn.
  const title = (step: PathStep): string => {
    const box = boxes.get(step.key);
    if (!options.chains || !box?.chains) return hookTitle(step.hook);
    if (step.slot === step.key) return t.hook(box.label);
    return box.slots.find((s) => s.hook === step.hook)?.label ?? step.hook;
  };
  const from = plan.entryIsLocal && !options.labels?.entry ? t.local : plan.entryLabel;
  const words = mapWords(options.lang ?? "en");
  // A walk that ends short of its way out says how it ends, not where it goes ("goes ... to not seen after").
  const end = plan.lostAfter
    ? words.notSeenAfter(plan.lostAfter, plan.exitLabel)
    : plan.dropped && !(plan.exitIsLocal && !options.labels?.exit)
      ? words.dropped(plan.dropped.verdict, plan.dropped.chain, plan.dropped.policy)
      : undefined;
  const to = plan.exitIsLocal && !options.labels?.exit ? t.local : plan.exitLabel;
  const summary =
    (end === undefined
      ? t.summary(from, to, plan.steps.length, t[packet.direction])
      : t.endedSummary(from, end, plan.steps.length, t[packet.direction])) +
    // The way out after the last line is drawn as not in the trace: the words say so too.
    (plan.notSeenHooks?.length ? t.notSeen(plan.notSeenHooks) : "");
  const decisionBefore = new Map<number, string>();
  plan.segments.forEach((seg, i) => {
    const next = plan.segments[i + 1];
    if (seg.step === undefined && next?.step !== undefined && t.decision[seg.to])
      decisionBefore.set(next.step, seg.to);
    // A flooded frame's copy for the host leaves the bridging decision again (see `planPath`).
    if (seg.step !== undefined && t.decision[seg.from] && !decisionBefore.has(seg.step))
      decisionBefore.set(seg.step, seg.from);
  });
  const steps = plan.steps.map((step) => {
    const parts = [t.step(step.n, title(step))];
    const decision = decisionBefore.get(step.n);
    if (decision) parts.push(t.decision[decision] as string);
    for (const rw of step.rewrites) parts.push(t.rewrite(formatRewrite(rw, packet.direction)));
    if (step.verdict) parts.push(t.verdict(step.verdict));
    const io = t.inOut(inInterface(step.event), outInterface(step.event));
    if (io) parts.push(io);
    const addresses = formatAddresses(step.event);
    if (addresses) parts.push(addresses);
    return parts.join(t.join) + t.end;
  });
  return { summary, steps, text: [summary, ...steps].join(" ") };
}
