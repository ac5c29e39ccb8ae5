/**
 * `packetwalk import`'s checks of what the contributor saved, before anything is inferred or
 * written: each `-j` JSON file is the output of the command it is named after, the exit codes are
 * numbers, one per command, and the date is a real one. Problems are positioned diagnostics in the
 * contributor's own file (`file:line:col`, what was expected, a hint). Pure.
 */
import type { Diagnostic } from "../model/packet.ts";

export { isCalendarDate } from "../trace-file/calendar-date.ts";

/** The host's JSON saves, by material field. */
export type HostJsonKey =
  | "ipAddr"
  | "ipLink"
  | "ipRoute"
  | "ip6Route"
  | "ipRule"
  | "ip6Rule"
  | "bridgeLink"
  | "bridgeFdb";

/** What each JSON save must hold: the command that prints it, its conventional file, a key every element has. */
export const HOST_JSON: Record<HostJsonKey, { command: string; file: string; key: string; what: string }> = {
  ipAddr: { command: "ip -j addr", file: "ip-addr.json", key: "addr_info", what: "interface" },
  ipLink: { command: "ip -j -d link", file: "ip-link.json", key: "ifname", what: "link" },
  ipRoute: { command: "ip -j route", file: "ip-route.json", key: "dst", what: "route" },
  ip6Route: { command: "ip -6 -j route", file: "ip6-route.json", key: "dst", what: "route" },
  ipRule: { command: "ip -j rule", file: "ip-rule.json", key: "priority", what: "rule" },
  ip6Rule: { command: "ip -6 -j rule", file: "ip6-rule.json", key: "priority", what: "rule" },
  bridgeLink: { command: "bridge -j link", file: "bridge-link.json", key: "ifname", what: "port" },
  bridgeFdb: { command: "bridge -j fdb show", file: "bridge-fdb.json", key: "mac", what: "fdb entry" },
};

/** The 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/** Where each element of the top-level JSON array in `text` starts (offsets); [] when it is no array. */
function elementOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expect = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expect && c !== "]") {
      out.push(i);
      expect = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expect = c === "[";
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expect = true;
  }
  return out;
}

/** The offset of `text`'s first JSON syntax error (this engine's messages do not always say it). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail();
      i++;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if ((text.charCodeAt(i) as number) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === "{") {
          space();
          if (text[i] !== '"') fail();
          string();
          space();
          if (text[i] !== ":") fail();
          i++;
        }
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (c === '"') string();
    else if (num) i += num[0].length;
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (at) {
    return Math.max(0, Math.min(typeof at === "number" ? at : 0, text.length));
  }
  return 0;
}

/** The command whose output an element looks like, by the keys only that command prints. */
function lookalike(element: Record<string, unknown>): string | undefined {
  if ("addr_info" in element) return "ip -j addr";
  if ("dst" in element) return "ip -j route";
  if ("mac" in element && "ifname" in element) return "bridge -j fdb show";
  if ("link_type" in element) return "ip -j link";
  return undefined;
}

/**
 * Reads one host JSON save: its value, or a positioned error when it is not JSON or not the
 * output of {@link HOST_JSON}'s command for `key` (an array of objects that each have its key).
 */
export function readHostJson(
  key: HostJsonKey,
  text: string,
  file: string,
): { value?: unknown; diagnostics: Diagnostic[] } {
  const spec = HOST_JSON[key];
  const hint = `run \`${spec.command} > ${spec.file}\` on the Docker host and give that file unchanged`;
  const error = (offset: number, message: string): { diagnostics: Diagnostic[] } => ({
    diagnostics: [{ severity: "error", message, hint, position: { file, ...lineColumn(text, offset) } }],
  });
  const expected = `expected \`${spec.command}\` output (a JSON array of ${spec.what} objects, each with "${spec.key}")`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = ((e as Error).message.split("\n")[0] as string).replace(/,? ".*" is not valid JSON$/, "");
    return error(
      jsonErrorOffset(text),
      `${expected}, but the file is not JSON (${message.replace(/ in JSON at position.*$/, "")})`,
    );
  }
  const start = text.length - text.trimStart().length;
  if (!Array.isArray(value))
    return error(start, `${expected}, found ${value === null ? "null" : `a JSON ${typeof value}`}`);
  const offsets = elementOffsets(text);
  for (const [i, element] of value.entries()) {
    const isObject = typeof element === "object" && element !== null && !Array.isArray(element);
    if (isObject && spec.key in element) continue;
    const like = isObject ? lookalike(element as Record<string, unknown>) : undefined;
    return error(
      offsets[i] ?? start,
      `${expected}, but element ${i + 1} ${isObject ? `has no "${spec.key}"` : "is not an object"}${like ? ` (it looks like \`${like}\` output)` : ""}`,
    );
  }
  return { value, diagnostics: [] };
}

/**
 * The exit codes of `exit-code.txt`, one per line: a positioned error for a line that is no exit
 * code (0-255), and for a count that is not the number of commands given (`commands`, 0 when
 * none: then one code at most).
 */
export function exitCodeDiagnostics(text: string, file: string, commands: number): Diagnostic[] {
  // trimEnd, not a `\s+$` pattern, which rescans a long run of blanks from each of its positions.
  const lines = text.trimEnd().split(/\r?\n/);
  const out: Diagnostic[] = [];
  const hint =
    "write the traffic command's exit code (`echo $?` right after it), one line per command of command.txt, in the same order";
  let codes = 0;
  lines.forEach((raw, i) => {
    const word = raw.trim();
    if (word === "" && lines.length === 1) return;
    codes++;
    if (/^\d{1,3}$/.test(word) && Number(word) <= 255) return;
    out.push({
      severity: "error",
      message: `expected an exit code (a whole number 0-255), found '${word}'`,
      hint,
      position: { file, line: i + 1, column: raw.length - raw.trimStart().length + 1 },
    });
  });
  if (!out.length && codes > Math.max(commands, 1))
    out.push({
      severity: "error",
      message: `${codes} exit codes for ${commands === 0 ? "no command (no command.txt / --command)" : `${commands} command${commands === 1 ? "" : "s"}`}: expected ${commands > 1 ? `${commands}, one per command` : "one"}`,
      hint,
      position: { file, line: Math.max(commands, 1) + 1, column: 1 },
    });
  else if (!out.length && commands > 1 && codes > 0 && codes < commands)
    out.push({
      severity: "error",
      message: `${codes} exit code${codes === 1 ? "" : "s"} for ${commands} commands: expected ${commands}, one per command`,
      hint,
      position: { file, line: codes, column: 1 },
    });
  return out;
}
