/**
 * A recorded trace pins the ruleset files it was recorded with: their sha256,
 * stored in its metadata (`rulesetPins`). Editing a committed ruleset then no
 * longer silently changes a recorded trace's listing while its diagram still
 * shows what the kernel did with the old rules.
 */
import { createHash } from "node:crypto";
import { positionOfValue } from "./json-positions.ts";
import { rerecordHint } from "./rerecord-hint.ts";
import type { TraceMeta } from "./schema.ts";

/** `sha256:<hex>` of a ruleset file's text. */
export function rulesetDigest(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** The names of the ruleset files a trace depends on: its ruleset and its instrumentation. */
export function pinnedNames(meta: TraceMeta): string[] {
  return [...new Set([meta.ruleset, ...(meta.instrumentation ? [meta.instrumentation] : [])])];
}

/** The pins of `meta` from the ruleset texts it depends on (names without a text are left out). */
export function pinRulesets(
  meta: TraceMeta,
  rulesets: Readonly<Record<string, string>>,
): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const name of pinnedNames(meta)) {
    const text = rulesets[name];
    if (text !== undefined) pins[name] = rulesetDigest(text);
  }
  return pins;
}

/**
 * `file: rulesetPins.<name>: ...` errors for a recorded trace whose ruleset files are not the ones
 * it pinned (or that pins nothing). Simulated traces are computed from today's rules: nothing to pin.
 */
export function checkRulesetPins(
  meta: TraceMeta,
  rulesets: Readonly<Record<string, string>>,
  file: string,
  labName: string,
  metaText?: string,
): string[] {
  // At the pin's value in the metadata file when its text is given (`file:line:col`), else the file.
  const at = (name: string) => {
    if (metaText === undefined) return file;
    const { line, column } = positionOfValue(metaText, ["rulesetPins", name]);
    return `${file}:${line}:${column}`;
  };
  if (meta.origin !== "recorded") return [];
  if (!meta.rulesetPins) {
    return [
      `${file}: rulesetPins: missing; a recorded trace pins the ruleset files it was recorded with (\`packetwalk capture\` and \`packetwalk import\` write them)`,
    ];
  }
  const errors: string[] = [];
  for (const name of pinnedNames(meta)) {
    const text = rulesets[name];
    const pinned = meta.rulesetPins[name];
    if (text === undefined) continue; // a missing ruleset file is reported with the lab
    if (pinned === undefined) {
      errors.push(`${file}: rulesetPins.${name}: missing; the trace depends on rulesets/${name}.rules`);
    } else if (pinned !== rulesetDigest(text)) {
      // Three ways out: record again (the command that works for this lab), re-pin an edit that changes no rule, or a what-if.
      const repin = `if the edit changes no rule (a comment, blank lines), pin the edited file instead: "rulesetPins": { "${name}": "${rulesetDigest(text)}" }`;
      errors.push(
        `${at(name)}: rulesetPins.${name}: rulesets/${name}.rules changed since this trace was recorded, so its listing would no longer match what the kernel did; ${rerecordHint(meta, labName)}; ${repin}; or keep the recording and show the edited rules as a simulated what-if (\`packetwalk simulate --write\`)`,
      );
    }
  }
  return errors;
}

/** The rulesets a reader chooses from: a lab's list without the instrumentation files (`<name>.instrumented-<run>`). */
export function readerRulesets(names: readonly string[]): string[] {
  return names.filter((name) => !/\.instrumented-/.test(name));
}
