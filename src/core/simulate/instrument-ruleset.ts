/**
 * Writes logging rules (LOG, ebtables `--log`, TRACE) into a saved ruleset's text, where
 * `iptables-save` / `ebtables-save` would print them had they been installed: the
 * instrumentation a trace was recorded with, as a ruleset file of its own. Pure text in, text out.
 */

import { BRIDGE_START } from "./bridge-part-start.ts";
import type { OverlayRule } from "./log-overlay.ts";

const IP_BUILTINS: Record<string, string[]> = {
  raw: ["PREROUTING", "OUTPUT"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
};
const BRIDGE_BUILTINS: Record<string, string[]> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "OUTPUT", "POSTROUTING"],
  broute: ["BROUTING"],
};
const LEVELS: Record<string, string> = {
  emerg: "0",
  alert: "1",
  crit: "2",
  error: "3",
  warning: "4",
  notice: "5",
  info: "6",
  debug: "7",
};

/** One rule's words as the save tools print them (`--log-prefix` quoted, levels as numbers for iptables). */
function ruleText(rule: OverlayRule): string {
  const words: string[] = [];
  const args = rule.args;
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as string;
    const next = args[i + 1];
    if (rule.family === "bridge" && w === "--log") continue;
    if (w === "--log-prefix" && next !== undefined) {
      words.push(w, JSON.stringify(next));
      i++;
    } else if (w === "--log-level" && next !== undefined) {
      words.push(w, rule.family === "ip" ? (LEVELS[next] ?? next) : next);
      i++;
    } else words.push(/[\s"]/.test(w) || w === "" ? JSON.stringify(w) : w);
  }
  if (rule.family === "bridge" && !args.includes("-j")) words.push("-j", "CONTINUE");
  return `-A ${rule.chain} ${words.join(" ")}`;
}

/** A `*table` ... block of one family's part of the text (line indexes into `lines`). */
interface Block {
  table: string;
  start: number;
  /** Index of `COMMIT` (iptables) or one past the block's last line (ebtables). */
  end: number;
}

function blocks(lines: string[], from: number, to: number): Block[] {
  const out: Block[] = [];
  for (let i = from; i < to; i++) {
    const l = (lines[i] as string).trim();
    if (!l.startsWith("*")) continue;
    let end = i + 1;
    while (
      end < to &&
      !(lines[end] as string).trim().startsWith("*") &&
      (lines[end] as string).trim() !== "COMMIT"
    )
      end++;
    out.push({ table: l.slice(1).trim(), start: i, end });
  }
  return out;
}

/** Inserts one family's rules into `lines[from, to)`; returns the new lines of that part. */
function instrumentPart(part: string[], rules: readonly OverlayRule[], family: "ip" | "bridge"): string[] {
  const lines = [...part];
  const builtins = family === "ip" ? IP_BUILTINS : BRIDGE_BUILTINS;
  for (const rule of rules) {
    let block = blocks(lines, 0, lines.length).find((b) => b.table === rule.table);
    if (!block) {
      // The tools print a table only once something created it: declare its built-in chains.
      const decl = (builtins[rule.table] ?? [rule.chain]).map((c) =>
        family === "ip" ? `:${c} ACCEPT [0:0]` : `:${c} ACCEPT`,
      );
      let at = lines.length;
      while (at > 0 && (lines[at - 1] as string).trim() === "") at--;
      lines.splice(at, 0, `*${rule.table}`, ...decl, ...(family === "ip" ? ["COMMIT"] : []));
      block = blocks(lines, 0, lines.length).find((b) => b.table === rule.table) as Block;
    }
    const chainDecl = (l: string) => l.startsWith(`:${rule.chain} `);
    if (!lines.slice(block.start + 1, block.end).some(chainDecl)) {
      lines.splice(
        block.start + 1,
        0,
        family === "ip" ? `:${rule.chain} ACCEPT [0:0]` : `:${rule.chain} ACCEPT`,
      );
      block.end++;
    }
    const own: number[] = [];
    let lastRule = -1;
    let lastDecl = block.start;
    for (let i = block.start + 1; i < block.end; i++) {
      const l = lines[i] as string;
      if (l.startsWith(`-A ${rule.chain} `)) own.push(i);
      if (l.startsWith("-A ")) lastRule = i;
      if (l.startsWith(":")) lastDecl = i;
    }
    const position = Math.max(1, rule.position ?? 1);
    const at =
      own.length >= position
        ? (own[position - 1] as number)
        : own.length
          ? (own[own.length - 1] as number) + 1
          : lastRule >= 0
            ? lastRule + 1
            : lastDecl + 1;
    lines.splice(at, 0, ruleText(rule));
  }
  return lines;
}

/**
 * `text` (a lab's `.rules` file: `iptables-save`, then the bridge rules in `ebtables-save` form)
 * with `rules` written in at their chains and positions, as if saved while they were installed.
 * Tables and chains the rules need are declared when missing.
 */
export function instrumentRulesetText(text: string, rules: readonly OverlayRule[]): string {
  const lines = text.replace(/\n$/, "").split("\n");
  let split = lines.findIndex((l) => BRIDGE_START.test(l));
  if (split < 0) split = lines.length;
  const ip = instrumentPart(
    lines.slice(0, split),
    rules.filter((r) => r.family === "ip"),
    "ip",
  );
  let bridgePart = lines.slice(split);
  const bridgeRules = rules.filter((r) => r.family === "bridge");
  if (bridgeRules.length) {
    if (!bridgePart.length) bridgePart = ["# ebtables-save (bridge family)"];
    bridgePart = instrumentPart(bridgePart, bridgeRules, "bridge");
  }
  return `${[...ip, ...bridgePart].join("\n")}\n`;
}
