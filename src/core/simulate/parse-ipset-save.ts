/**
 * Reads `ipset save` output (`create NAME TYPE [options]`, then `add NAME ELEMENT [options]`), the
 * sets iptables' `-m set --match-set` looks packets up in. Problems are positioned diagnostics; a set
 * of a type this reader does not know is left out with a warning, so matches on it stay unknown.
 */
import type { Diagnostic } from "../model/packet.ts";
import { parseIpCidr } from "./ip-address.ts";
import { parseIcmpType } from "./parse-rule-args.ts";
import type { IpSet, IpSetDim, IpSetPart } from "./ruleset.ts";

/** Whether `line` is an `ipset save` line: what starts its section in a `.rules` file. */
export function isIpsetCreate(line: string): boolean {
  return /^create\s+\S+\s+(?:hash|bitmap|list):[a-z,]+(?:\s|$)/.test(line);
}

/** Whether `line` belongs to an `ipset save` section (after its first `create`). */
export function isIpsetLine(line: string): boolean {
  return isIpsetCreate(line) || /^add\s+\S+\s+\S/.test(line);
}

/**
 * Takes the `ipset save` section out of `lines` (each of its lines becomes blank): the section
 * starts at a `create NAME TYPE` line and runs over `create`/`add` lines, blank lines and comments.
 * `text` is set when something was taken.
 */
export function takeIpsetSection(lines: string[]): { lines: string[]; first: number; text?: true } {
  const start = lines.findIndex(isIpsetCreate);
  if (start < 0) return { lines: [], first: 1 };
  let end = start;
  while (
    end < lines.length &&
    (isIpsetLine(lines[end] as string) || /^\s*(#.*)?$/.test(lines[end] as string))
  )
    end++;
  const taken = lines.slice(start, end);
  for (let i = start; i < end; i++) lines[i] = "";
  return { lines: taken, first: start + 1, text: true };
}

/** The dimensions of the types the kernel has, by their name after `hash:` / `bitmap:`. */
const DIMS: Readonly<Record<string, IpSetDim>> = {
  ip: "ip",
  net: "net",
  port: "port",
  iface: "iface",
  mac: "mac",
  mark: "mark",
};

/** Protocols a port element may name (ipset's own list), and what a bare port means. */
const PORT_PROTOS = new Set(["tcp", "udp", "sctp", "udplite", "icmp", "icmpv6"]);

/** Options of `add` that take a value (they follow the element). */
const ADD_OPTIONS_WITH_VALUE = new Set([
  "timeout",
  "packets",
  "bytes",
  "comment",
  "skbmark",
  "skbprio",
  "skbqueue",
]);

/** What {@link parseIpsetSave} returns. */
export interface IpsetSaveResult {
  sets: Map<string, IpSet>;
  diagnostics: Diagnostic[];
}

/** Splits a line into words, keeping a quoted comment whole; each with its 1-based column. */
function words(line: string): { value: string; column: number }[] {
  const out: { value: string; column: number }[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push({ value: m[1] !== undefined ? m[1] : (m[2] as string), column: m.index + 1 });
  return out;
}

/** One part of an element for dimension `dim`, or a message saying what was expected. */
function readPart(dim: IpSetDim, text: string, family: 4 | 6 | undefined): IpSetPart | string {
  switch (dim) {
    case "ip":
    case "net": {
      const range = /^([^-]+)-([^-]+)$/.exec(text);
      if (range && parseIpCidr(range[1] as string) && parseIpCidr(range[2] as string))
        return { kind: "range", lo: range[1] as string, hi: range[2] as string };
      const cidr = parseIpCidr(text);
      if (!cidr) return `an ${family === 6 ? "IPv6" : "IPv4"} address or prefix, found '${text}'`;
      if (family !== undefined && ("v6" in cidr ? 6 : 4) !== family)
        return `an address of the set's family (${family === 6 ? "inet6" : "inet"}), found '${text}'`;
      return { kind: "addr", cidr };
    }
    case "port": {
      const m = /^(?:([a-z0-9-]+):)?(.+)$/.exec(text) as RegExpExecArray;
      const proto = m[1] === undefined ? "tcp" : m[1] === "ipv6-icmp" ? "icmpv6" : m[1];
      if (!PORT_PROTOS.has(proto))
        return `a port as PROTO:PORT (tcp, udp, sctp, udplite, icmp, icmpv6), found '${text}'`;
      if (proto === "icmp" || proto === "icmpv6") {
        const t = parseIcmpType(m[2] as string, proto === "icmpv6");
        if (!t || t.type === "any") return `an ICMP type name or TYPE/CODE, found '${m[2]}'`;
        return { kind: "port", proto, lo: t.type, hi: t.type, code: t.code ?? 0 };
      }
      const r = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(m[2] as string);
      const lo = Number(r?.[1]);
      const hi = r?.[2] === undefined ? lo : Number(r[2]);
      if (!r || lo > 65535 || hi > 65535 || lo > hi) return `a port or PORT-PORT, found '${m[2]}'`;
      return { kind: "port", proto, lo, hi };
    }
    case "iface":
      return text.startsWith("physdev:")
        ? { kind: "iface", name: text.slice(8), physdev: true }
        : { kind: "iface", name: text, physdev: false };
    case "mac":
      return /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i.test(text)
        ? { kind: "mac", mac: text.toLowerCase() }
        : `a MAC address, found '${text}'`;
    case "mark": {
      const n = Number(text);
      return Number.isInteger(n) && n >= 0 && n <= 0xffffffff
        ? { kind: "mark", value: n }
        : `a mark number, found '${text}'`;
    }
  }
}

/**
 * Parses the `ipset save` lines `lines` (the first is line `firstLine` of `file`). Every set of a
 * known type comes back with its elements; unknown options after an element are ignored.
 */
export function parseIpsetSave(lines: readonly string[], file: string, firstLine = 1): IpsetSaveResult {
  const sets = new Map<string, IpSet>();
  const diagnostics: Diagnostic[] = [];
  const skipped = new Set<string>();
  const problem = (
    line: number,
    column: number,
    message: string,
    hint: string,
    severity: "error" | "warning" = "error",
  ) => diagnostics.push({ severity, message, hint, position: { file, line, column } });
  lines.forEach((text, i) => {
    const line = firstLine + i;
    const w = words(text);
    const verb = w[0]?.value;
    if (verb === undefined || verb.startsWith("#")) return;
    const name = w[1];
    if (!name || (verb !== "create" && verb !== "add")) {
      problem(
        line,
        1,
        `expected 'create NAME TYPE' or 'add NAME ELEMENT' (ipset save), found '${text.trim()}'`,
        "keep the ipset section as `ipset save` printed it",
      );
      return;
    }
    if (verb === "create") {
      const type = w[2];
      const t = type ? /^(hash|bitmap|list):([a-z,]+)$/.exec(type.value) : null;
      if (!type || !t) {
        problem(
          line,
          type?.column ?? text.length + 1,
          `expected an ipset type (hash:ip, hash:net,port, bitmap:port, list:set, ...) after '${name.value}'`,
          "keep the line as `ipset save` printed it",
        );
        return;
      }
      const list = t[1] === "list";
      const dims = list ? [] : (t[2] as string).split(",").map((d) => DIMS[d]);
      if ((list && t[2] !== "set") || dims.some((d) => d === undefined)) {
        skipped.add(name.value);
        problem(
          line,
          type.column,
          `ipset type '${type.value}' is not modelled`,
          "matches on this set stay uncertain in the simulator",
          "warning",
        );
        return;
      }
      const fam = w.findIndex((x) => x.value === "family");
      const famWord = fam >= 0 ? w[fam + 1]?.value : undefined;
      const hasAddr = dims.includes("ip") || dims.includes("net");
      const family =
        famWord === "inet6" ? 6 : famWord === "inet" || (hasAddr && t[1] === "hash") ? 4 : undefined;
      sets.set(name.value, {
        name: name.value,
        type: type.value,
        dims: dims as IpSetDim[],
        ...(family ? { family } : {}),
        entries: [],
        ...(list ? { members: [] } : {}),
        line,
      });
      return;
    }
    const set = sets.get(name.value);
    if (!set) {
      if (!skipped.has(name.value))
        problem(
          line,
          name.column,
          `set '${name.value}' is added to before it is created`,
          "ipset save writes each set's `create` line before its `add` lines; was the section cut?",
        );
      return;
    }
    const elem = w[2];
    if (!elem) {
      problem(
        line,
        text.length + 1,
        `expected an element after 'add ${name.value}'`,
        "keep the line as `ipset save` printed it",
      );
      return;
    }
    if (set.members) {
      set.members.push(elem.value);
      return;
    }
    const texts = elem.value.split(",");
    if (texts.length !== set.dims.length) {
      problem(
        line,
        elem.column,
        `a ${set.type} element has ${set.dims.length} parts separated by commas, found '${elem.value}'`,
        "keep the line as `ipset save` printed it",
      );
      return;
    }
    const parts: IpSetPart[] = [];
    let column = elem.column;
    for (let k = 0; k < texts.length; k++) {
      const part = readPart(set.dims[k] as IpSetDim, texts[k] as string, set.family);
      if (typeof part === "string") {
        problem(line, column, `expected ${part}`, `element parts of ${set.type} are ${set.dims.join(", ")}`);
        return;
      }
      parts.push(part);
      column += (texts[k] as string).length + 1;
    }
    let nomatch = false;
    for (let k = 3; k < w.length; k++) {
      const opt = (w[k] as { value: string }).value;
      if (opt === "nomatch") nomatch = true;
      else if (ADD_OPTIONS_WITH_VALUE.has(opt)) k++;
    }
    set.entries.push({ parts, nomatch, line });
  });
  return { sets, diagnostics };
}
