/**
 * Reads `nft -j list ruleset` output into the same model as {@link parseNftRuleset}: each rule's
 * JSON expressions are written back as the nft text `nft list ruleset` prints, and that text is read
 * by the one rule reader, so both inputs give the same rules, texts and unmodelled reports. Problems
 * are positioned at the JSON object they are about (`file:line:col`); this never throws.
 */
import type { Diagnostic } from "../model/packet.ts";
import { dscpValue, NFT_ICMP_NAMES, pktTypeNumber } from "./nft-names.ts";
import { declaredName } from "./nft-reserved-names.ts";
import type { ParsedNft } from "./parse-nft-ruleset.ts";
import { parseNftRuleset } from "./parse-nft-ruleset.ts";

/** Options of {@link parseNftJson}. */
export interface ParseNftJsonOptions {
  /** File name for diagnostics (default `ruleset.json`). */
  file?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** 1-based line and column of every element of the top-level `nftables` array, by a string-aware scan. */
function elementPositions(text: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  const key = text.indexOf('"nftables"');
  let i = key < 0 ? 0 : text.indexOf("[", key) + 1;
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < i; k++)
    if (text[k] === "\n") {
      line++;
      lineStart = k + 1;
    }
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") {
      line++;
      lineStart = i + 1;
    }
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") {
      if (depth === 0) out.push({ line, column: i - lineStart + 1 });
      depth++;
    } else if (ch === "}" || ch === "]") {
      if (depth === 0) break;
      depth--;
    }
  }
  return out;
}

/** nft's writing of a JSON expression's left-hand side (`meta iifname` is printed `iifname`). */
function lhs(v: Json): string | undefined {
  if (!isObj(v)) return undefined;
  if (isObj(v.meta)) {
    const k = String(v.meta.key);
    return k === "iifname" || k === "oifname" || k === "iif" || k === "oif" ? k : `meta ${k}`;
  }
  // A raw payload (`@nh,528,48`, LXD's neighbour-advert MAC check) has a base, offset and length instead.
  if (isObj(v.payload) && v.payload.base !== undefined)
    return `@${v.payload.base},${v.payload.offset},${v.payload.len}`;
  if (isObj(v.payload)) return `${v.payload.protocol} ${v.payload.field}`;
  // `rt type`, or `exthdr rt` for a presence test (its right side is true or false).
  if (isObj(v.exthdr))
    return v.exthdr.field ? `${v.exthdr.name} ${v.exthdr.field}` : `exthdr ${v.exthdr.name}`;
  // `ct original ip daddr`, `ct reply proto-dst`: a connection tuple's field names its direction.
  if (isObj(v.ct))
    return ["ct", v.ct.dir, v.ct.family, v.ct.key].filter((w) => typeof w === "string").join(" ");
  // `tcp option maxseg size` (OpenWrt's MSS clamping), `rt mtu`: named as nft lists them.
  const opt = v["tcp option"];
  if (isObj(opt)) return ["tcp option", opt.name, opt.field].filter((w) => typeof w === "string").join(" ");
  if (isObj(v.rt) && typeof v.rt.key === "string") return `rt ${v.rt.key}`;
  // `ipsec in reqid`, `ipsec out spnum 1 ip daddr`: nft lists the policy number only when it is not 0.
  if (isObj(v.ipsec)) {
    const x = v.ipsec;
    const spnum = typeof x.spnum === "number" && x.spnum !== 0 ? `spnum ${x.spnum}` : undefined;
    return ["ipsec", x.dir, spnum, x.family, x.key].filter((w) => typeof w === "string").join(" ");
  }
  if (isObj(v.fib)) {
    const flags = Array.isArray(v.fib.flags) ? v.fib.flags.join(" . ") : "";
    return `fib ${flags} ${v.fib.result}`;
  }
  // nft writes `&` as an array of its two operands; anything else is no expression it lists.
  if (Array.isArray(v["&"]) && v["&"].length === 2) {
    const [a, b] = v["&"] as Json[];
    const left = lhs(a as Json);
    // nft prints a flag mask in parentheses: `tcp flags & (fin | syn | rst | ack)`.
    if ((left === "tcp flags" || left === "ct status") && Array.isArray(b))
      return `${left} & (${b.join(" | ")})`;
    // nft 1.0's `-j` writes the mask of a match against a set as a chain of `|`.
    if (left === "tcp flags" && isObj(b) && Array.isArray(b["|"])) return `${left} & (${rhs(b, left)})`;
    return left ? `${left} & ${rhs(b as Json, left)}` : undefined;
  }
  // `meta mark | 0x4000`, `meta mark ^ 0x4000` (the value kube-proxy sets the mark to).
  for (const op of ["|", "^"]) {
    const pair = v[op];
    if (!Array.isArray(pair)) continue;
    const left = lhs(pair[0] as Json);
    return left ? `${left} ${op} ${rhs(pair[1] as Json, left)}` : undefined;
  }
  if (isObj(v.numgen)) {
    const g = v.numgen;
    return `numgen ${g.mode} mod ${g.mod}${g.offset ? ` offset ${g.offset}` : ""}`;
  }
  if (Array.isArray(v.concat)) {
    const parts = v.concat.map((x) => lhs(x));
    return parts.every((x) => x !== undefined) ? parts.join(" . ") : undefined;
  }
  return undefined;
}

function rhs(v: Json, left: string): string {
  // A presence test: an extension header, a route, a secpath (`meta ipsec`, nft's `meta secpath`).
  if (
    typeof v === "boolean" &&
    (left.startsWith("exthdr ") ||
      left.startsWith("tcp option ") ||
      left.startsWith("fib ") ||
      left === "meta ipsec" ||
      left === "meta secpath")
  )
    return v ? "exists" : "missing";
  if (typeof v === "string")
    return /ifname$/.test(left) || left === "iif" || left === "oif" ? JSON.stringify(v) : v;
  if (typeof v === "number")
    return /^(meta|ct) mark( &|$)/.test(left)
      ? `0x${v.toString(16).padStart(8, "0")}`
      : left.startsWith("tcp flags")
        ? `0x${v.toString(16)}`
        : String(v);
  if (Array.isArray(v)) return v.map((x) => rhs(x, left)).join(",");
  if (isObj(v)) {
    if (isObj(v.prefix)) return `${v.prefix.addr}/${v.prefix.len}`;
    if (Array.isArray(v.range))
      return `${rangeBound(v.range[0] as Json, left)}-${rangeBound(v.range[1] as Json, left)}`;
    if (Array.isArray(v.set)) return `{ ${v.set.map((x) => rhs(x, left)).join(", ")} }`;
    if (Array.isArray(v.concat)) return v.concat.map((x) => rhs(x, left)).join(" . ");
    // An element with options (`timeout`, `counter`): its value.
    if (isObj(v.elem) && "val" in v.elem) return rhs(v.elem.val as Json, left);
    const expr = lhs(v);
    if (expr) return expr;
    // A value of several flags (`syn | ack`), nested as nft -j writes it: `{"|": [{"|": ["fin", "syn"]}, "rst"]}`.
    if (Array.isArray(v["|"])) return v["|"].map((x) => rhs(x, left)).join(" | ");
  }
  return JSON.stringify(v);
}

/** One bound of a range as nft's text listing prints it. */
function rangeBound(v: Json, left: string): string {
  // nft -j names an ICMP type or code in a range (`["host-unreachable", "port-unreachable"]`); its text listing, the number.
  const n = typeof v === "string" ? NFT_ICMP_NAMES[left]?.[v] : undefined;
  if (n !== undefined) return String(n);
  // It names a DSCP too (`["cs1", "cs2"]`); the text listing, the number in hex (`0x08-0x10`).
  const dscp = typeof v === "string" && /^ip6? dscp$/.test(left) ? dscpValue(v) : undefined;
  if (dscp !== undefined) return `0x${dscp.toString(16).padStart(2, "0")}`;
  // And a packet type (`["broadcast", "multicast"]`); the text listing, the number (`1-2`).
  const type = typeof v === "string" && left === "meta pkttype" ? pktTypeNumber(v) : undefined;
  return type === undefined ? rhs(v, left) : String(type);
}

/** A value a statement sets or rewrites to: a constant, or an expression (`ct mark`, `ip daddr map @m`). */
function valueText(v: Json, left: string): string {
  if (typeof v === "number" || typeof v === "string") return rhs(v, left);
  if (isObj(v) && isObj(v.map)) {
    const key = lhs(v.map.key as Json) ?? "expression";
    const data = v.map.data;
    if (typeof data === "string") return `${key} map ${data}`;
    // An anonymous data map (`dnat to udp dport map { 5353 : 192.168.1.20 }`): its elements as nft prints them.
    const elems = isObj(data) && Array.isArray(data.set) ? data.set : undefined;
    return `${key} map { ${elems ? elems.map((e) => mapItem(e, key)).join(", ") : "..."} }`;
  }
  if (isObj(v) && (isObj(v.prefix) || Array.isArray(v.range))) return rhs(v, left);
  return (isObj(v) ? lhs(v) : undefined) ?? "expression";
}

/** A map element (`[key, verdict]` or `[key, data]`) as nft prints it: `KEY : VERDICT|DATA`. */
function mapItem(e: Json, left: string): string {
  if (!Array.isArray(e)) return rhs(e, left);
  const [k, v] = e as Json[];
  return `${rhs(k as Json, left)} : ${verdictText(v as Json) ?? rhs(v as Json, "data")}`;
}

function verdictText(v: Json): string | undefined {
  if (!isObj(v)) return undefined;
  for (const k of ["accept", "drop", "continue", "return"]) if (k in v) return k;
  if (isObj(v.jump)) return `jump ${v.jump.target}`;
  if (isObj(v.goto)) return `goto ${v.goto.target}`;
  return undefined;
}

/** A `tcp flags` value as nft prints it: names, or a number in hex. */
function tcpFlagsText(v: Json): string {
  return typeof v === "number" ? `0x${v.toString(16)}` : rhs(v, "tcp flags");
}

/** One statement as nft prints it; an expression it does not know is written as its JSON key (reported unmodelled by the rule reader). */
function statementText(e: Json): string {
  if (!isObj(e)) return "unknown-expression";
  const verdict = verdictText(e);
  if (verdict) return verdict;
  if (isObj(e.match)) {
    const left = lhs(e.match.left as Json);
    if (!left) {
      const l = e.match.left;
      return `match-${isObj(l) ? (Object.keys(l)[0] ?? "?") : "without-left"} (json)`;
    }
    const right = e.match.right;
    // `ct status & dnat == dnat`: a masked test, its comparison kept (review49: nft -j writes it so).
    if (left.startsWith("tcp flags &") || left.startsWith("ct status &")) {
      const flags = Array.isArray(right) ? right.join(" | ") : tcpFlagsText(right as Json);
      return `${left} ${e.match.op === "!=" ? "!=" : "=="} ${flags}`;
    }
    // Unlike other keys, `tcp flags == syn` (exactly syn) is not the implicit `tcp flags syn` (syn on), which
    // nft -j writes as `in`; an exact value of several flags comes as a number (`18`, nft's `0x12`).
    if (left === "tcp flags" && (e.match.op === "==" || e.match.op === "!=") && !isObj(right))
      return `${left} ${e.match.op} ${tcpFlagsText(right as Json)}`;
    // `ct status == seen-reply|confirmed`, `ct state != established|related`: nft compares the whole word
    // (nft -j's `in` is the implicit test of any of the bits). Written with `==`, as the text reader takes it.
    if ((left === "ct status" || left === "ct state") && (e.match.op === "==" || e.match.op === "!=")) {
      const words =
        isObj(right) && Array.isArray(right["|"])
          ? right["|"]
          : typeof right === "string"
            ? [right]
            : undefined;
      if (words?.every((w) => typeof w === "string")) return `${left} ${e.match.op} ${words.join(",")}`;
    }
    const op =
      e.match.op === "!=" ? "!= " : e.match.op === "==" || e.match.op === "in" ? "" : `${e.match.op} `;
    return `${left} ${op}${rhs(e.match.right as Json, left)}`;
  }
  // `{"flow": {"op": "add", "flowtable": "@ft"}}`.
  if (isObj(e.flow)) return `flow ${e.flow.op ?? "add"} ${e.flow.flowtable}`;
  // A named object (`{"limit": "l"}`, `{"ct helper": "ftp"}`): the statement as nft lists it (`limit name
  // "l"`, `ct helper set "ftp"`, `meta secmark set "s"`), so its object is looked for as in the text form.
  for (const k of [
    "counter",
    "quota",
    "limit",
    "synproxy",
    "secmark",
    "ct helper",
    "ct timeout",
    "ct expectation",
  ])
    if (typeof e[k] === "string")
      return `${k === "secmark" ? "meta secmark set" : k.startsWith("ct") ? `${k} set` : `${k} name`} ${JSON.stringify(e[k])}`;
  if ("counter" in e) return "counter";
  // nft -j writes `notrack` as `{"notrack": null}`.
  if ("notrack" in e) return "notrack";
  if (isObj(e["ct count"])) {
    const c = e["ct count"];
    return `ct count ${c.inv ? "over " : ""}${c.val}`;
  }
  if (isObj(e.set) && typeof e.set.set === "string") {
    // `add @meter { ip saddr limit rate over 3/minute }`: the key, and the statements kept per element.
    const key = lhs(e.set.elem as Json) ?? "expression";
    const stmts = Array.isArray(e.set.stmt) ? e.set.stmt.map(statementText) : [];
    return `${e.set.op} ${e.set.set} { ${[key, ...stmts].join(" ")} }`;
  }
  if (isObj(e.limit)) {
    const l = e.limit;
    const unit = typeof l.rate_unit === "string" && l.rate_unit !== "packets" ? ` ${l.rate_unit}` : "";
    // As nft lists it: a packet burst but the default 5, a byte burst in its own unit.
    const burst =
      l.burst && (unit || l.burst !== 5) ? ` burst ${l.burst} ${unit ? l.burst_unit : "packets"}` : "";
    return `limit rate ${l.inv ? "over " : ""}${l.rate}${unit}/${l.per}${burst}`;
  }
  if (isObj(e.xt)) return `xt ${e.xt.type} ${JSON.stringify(String(e.xt.name))}`;
  if (isObj(e.vmap)) {
    const left = lhs(e.vmap.key as Json) ?? "unknown-key";
    const data = e.vmap.data;
    if (typeof data === "string") return `${left} vmap ${data}`;
    const elems = isObj(data) && Array.isArray(data.set) ? data.set : [];
    const items = elems.map((pair) => {
      const [k, v] = Array.isArray(pair) ? pair : [];
      return `${rhs(k as Json, left)} : ${verdictText(v as Json) ?? "?"}`;
    });
    return `${left} vmap { ${items.join(", ")} }`;
  }
  if (isObj(e.log) || "log" in e) {
    const l = isObj(e.log) ? e.log : {};
    const parts = ["log"];
    if (l.prefix !== undefined) parts.push(`prefix ${JSON.stringify(l.prefix)}`);
    if (l.level !== undefined) parts.push(`level ${l.level}`);
    if (l.group !== undefined) parts.push(`group ${l.group}`);
    return parts.join(" ");
  }
  if (isObj(e.mangle)) {
    const left = lhs(e.mangle.key as Json);
    if (left) return `${left} set ${valueText(e.mangle.value as Json, left)}`;
    return "mangle (json)";
  }
  for (const k of ["dnat", "snat"]) {
    if (isObj(e[k])) {
      const d = e[k] as Obj;
      const family = d.family === "ip" || d.family === "ip6" ? `${d.family} ` : "";
      let addr = d.addr === undefined ? "" : valueText(d.addr, "ip daddr");
      if (addr.includes(":") && d.port !== undefined) addr = `[${addr}]`;
      // `persistent` changes which address of a range the kernel picks; nft -j lists it among the flags.
      const all = (Array.isArray(d.flags) ? d.flags : [d.flags]).filter((f) => typeof f === "string");
      // nft -j writes `snat prefix to NET/LEN` as a `netmap` flag (and `"type_flags": "prefix"`).
      const prefix = all.includes("netmap") || d.type_flags === "prefix" ? "prefix " : "";
      const flags = all.filter((f) => f !== "netmap");
      return `${k} ${family}${prefix}to ${addr}${d.port !== undefined ? `:${rhs(d.port, "th dport")}` : ""}${flags.map((f) => ` ${f}`).join("")}`;
    }
  }
  for (const k of ["masquerade", "redirect"]) {
    if (!(k in e)) continue;
    const m = isObj(e[k]) ? (e[k] as Obj) : {};
    // A port or a range (`{"range": [1024, 65535]}`), as nft prints it; then its flags (`fully-random`).
    const flags = (Array.isArray(m.flags) ? m.flags : [m.flags]).filter((f) => typeof f === "string");
    return `${m.port !== undefined ? `${k} to :${rhs(m.port, "th dport")}` : k}${flags.map((f) => ` ${f}`).join("")}`;
  }
  if ("reject" in e) {
    const r = isObj(e.reject) ? e.reject : {};
    if (r.type === "tcp reset") return "reject with tcp reset";
    return typeof r.type === "string" && typeof r.expr === "string"
      ? `reject with ${r.type} ${r.expr}`
      : "reject";
  }
  // `{"queue": {"num": 5, "flags": ["bypass"]}}` is `queue flags bypass to 5`, as nft lists it.
  if ("queue" in e) {
    const q = isObj(e.queue) ? e.queue : {};
    const flags = (Array.isArray(q.flags) ? q.flags : [q.flags]).filter((f) => typeof f === "string");
    const num = q.num === undefined ? "" : ` to ${rhs(q.num, "queue num")}`;
    return `queue${flags.length ? ` flags ${flags.join(",")}` : ""}${num}`;
  }
  // Any other statement keeps its JSON key; "(json)" ends its words, so a verdict after it stays a verdict.
  return `${Object.keys(e)[0] ?? "unknown-expression"} (json)`;
}

/** Where JSON.parse stopped: its `position N`, or (Node 24) the excerpt it quotes, ten characters each side. */
function jsonErrorOffset(text: string, msg: string): number {
  const at = /position (\d+)/.exec(msg);
  if (at) return Number(at[1]);
  const m = /Unexpected token '(.)', (\.\.\.)?"(.*)"(\.\.\.)? is not valid JSON/s.exec(msg);
  if (m) {
    const excerpt = m[3] as string;
    const start = text.indexOf(excerpt);
    if (start >= 0) return start + (m[2] ? 10 : excerpt.indexOf(m[1] as string));
  }
  return /end of JSON input/.test(msg) ? text.length : 0;
}

/**
 * `nft -j list ruleset` output written as `nft list ruleset` prints the same ruleset: one statement
 * per line, tab-indented, blocks apart, a base chain's `type ... hook ... priority P; policy P;` on
 * its own line (standard priorities by name), counters without their values; a set's elements on one
 * line. `lines` gives, per written line, the JSON
 * object it comes from; `diagnostics` the problems of the JSON itself (then `text` holds what could
 * be read).
 */
export function nftJsonText(
  text: string,
  options: ParseNftJsonOptions = {},
): { text: string; lines: { line: number; column: number }[]; diagnostics: Diagnostic[] } {
  const file = options.file ?? "ruleset.json";
  const diagnostics: Diagnostic[] = [];
  const fail = (line: number, column: number, message: string, hint: string) => {
    diagnostics.push({ severity: "error", message, hint, position: { file, line, column } });
    return { text: "", lines: [], diagnostics };
  };
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (error) {
    const msg = (error as Error).message;
    const offset = jsonErrorOffset(text, msg);
    const before = text.slice(0, offset).split("\n");
    return fail(
      before.length,
      (before[before.length - 1]?.length ?? 0) + 1,
      `not valid JSON: ${msg.replace(/ in JSON at position \d+.*$/, "")}`,
      "give the output of 'nft -j list ruleset' unchanged",
    );
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables))
    return fail(
      1,
      1,
      "expected an object with an 'nftables' array",
      "give the output of 'nft -j list ruleset'",
    );
  const positions = elementPositions(text);
  // The JSON is rewritten as nft text, one object per line, so that every problem found in the text maps back to an object.
  const out: string[] = [];
  const lineOf: { line: number; column: number }[] = [];
  const emit = (s: string, at: { line: number; column: number }) => {
    out.push(s);
    lineOf.push(at);
  };
  const byTable = new Map<
    string,
    {
      head: string;
      at: { line: number; column: number };
      body: { s: string; at: { line: number; column: number } }[];
    }
  >();
  const chains = new Map<
    string,
    {
      s: string;
      at: { line: number; column: number };
      rules: { s: string; at: { line: number; column: number } }[];
    }
  >();
  doc.nftables.forEach((item, index) => {
    const at = positions[index] ?? { line: 1, column: 1 };
    if (!isObj(item)) {
      diagnostics.push({
        severity: "error",
        message: "expected an object",
        hint: 'each entry of \'nftables\' is {"table": ...}, {"chain": ...}, ...',
        position: { file, ...at },
      });
      return;
    }
    const [kind] = Object.keys(item);
    const v = item[kind ?? ""];
    if (kind === "metainfo") return;
    if (!isObj(v) || (typeof v.name !== "string" && kind !== "rule")) {
      diagnostics.push({
        severity: "error",
        message: `'${kind}' entry needs a name`,
        hint: "give the output of 'nft -j list ruleset' unchanged",
        position: { file, ...at },
      });
      return;
    }
    const tkey = `${v.family} ${kind === "table" ? v.name : v.table}`;
    if (kind === "table") {
      const flags = Array.isArray(v.flags) ? v.flags : [v.flags];
      byTable.set(tkey, {
        head: `table ${v.family} ${declaredName(String(v.name))} {${flags.includes("dormant") ? " flags dormant;" : ""}`,
        at,
        body: [],
      });
      return;
    }
    const table = byTable.get(tkey);
    if (!table) {
      diagnostics.push({
        severity: "error",
        message: `${kind} of table ${tkey}, which is not listed before it`,
        hint: "list the table before its chains, sets and rules",
        position: { file, ...at },
      });
      return;
    }
    if (kind === "set" || kind === "map") {
      const elems = Array.isArray(v.elem) ? v.elem : [];
      const items = elems.map((e) => mapItem(e, String(v.type) === "ifname" ? "iifname" : String(v.type)));
      const type = kind === "map" ? `${v.type} : ${v.map}` : String(v.type);
      table.body.push(
        { s: `\t${kind} ${declaredName(String(v.name))} {`, at },
        { s: `\t\ttype ${type}`, at },
        // `flags interval` decides how elements read (a prefix or range needs it), `dynamic` who fills the set.
        ...(Array.isArray(v.flags) && v.flags.length ? [{ s: `\t\tflags ${v.flags.join(", ")}`, at }] : []),
        ...(items.length ? [{ s: `\t\telements = { ${items.join(", ")} }`, at }] : []),
        { s: "\t}", at },
      );
      return;
    }
    if (kind === "flowtable") {
      // `dev` is a string for one device, a list for more (nft 1.0.6's flowtable_print_json).
      const devs = Array.isArray(v.dev) ? v.dev.map(String) : v.dev === undefined ? [] : [String(v.dev)];
      table.body.push(
        { s: `\tflowtable ${v.name} {`, at },
        { s: `\t\thook ${v.hook} priority ${v.prio}`, at },
        ...(devs.length ? [{ s: `\t\tdevices = { ${devs.join(", ")} }`, at }] : []),
        { s: "\t}", at },
      );
      return;
    }
    if (kind !== undefined && NAMED_OBJECTS.has(kind)) {
      // Declared, so the rules that use it by name (`counter name`, `ct helper set`) find it.
      table.body.push({ s: `\t${kind} ${JSON.stringify(v.name)} { }`, at });
      return;
    }
    if (kind === "chain") {
      const prio = priorityText(String(v.family), String(v.hook), Number(v.prio));
      const rules = v.hook
        ? [{ s: `\t\ttype ${v.type} hook ${v.hook} priority ${prio}; policy ${v.policy ?? "accept"};`, at }]
        : [];
      chains.set(`${tkey} ${v.name}`, { s: `\tchain ${declaredName(String(v.name))} {`, at, rules });
      table.body.push({ s: `@chain ${v.name}`, at });
      return;
    }
    if (kind === "rule") {
      const chain = chains.get(`${tkey} ${v.chain}`);
      if (!chain || !Array.isArray(v.expr)) {
        diagnostics.push({
          severity: "error",
          message: `rule of chain ${String(v.chain)}, which is not listed before it (or has no 'expr')`,
          hint: "list the chain before its rules",
          position: { file, ...at },
        });
        return;
      }
      const words = v.expr.map(statementText);
      if (typeof v.comment === "string") words.push(`comment ${JSON.stringify(v.comment)}`);
      chain.rules.push({ s: `\t\t${words.join(" ")}`, at });
      return;
    }
    diagnostics.push({
      severity: "warning",
      message: `'${kind}' entries are not modelled`,
      hint: "the simulator ignores this entry",
      position: { file, ...at },
    });
  });
  for (const [tkey, table] of byTable) {
    emit(table.head, table.at);
    table.body.forEach((b, k) => {
      // A blank line between the blocks of a table, as nft prints them.
      if (k > 0 && (b.s.startsWith("@chain ") || /^\t(set|map|flowtable) /.test(b.s))) emit("", b.at);
      if (!b.s.startsWith("@chain ")) {
        emit(b.s, b.at);
        return;
      }
      const chain = chains.get(`${tkey} ${b.s.slice(7)}`);
      if (!chain) return;
      emit(chain.s, chain.at);
      for (const r of chain.rules) emit(r.s, r.at);
      emit("\t}", chain.at);
    });
    emit("}", table.at);
  }
  return { text: out.join("\n"), lines: lineOf, diagnostics };
}

/** `nft -j`'s entries for a table's named stateful objects (their options are not modelled). */
const NAMED_OBJECTS: ReadonlySet<string> = new Set([
  "counter",
  "quota",
  "limit",
  "ct helper",
  "ct timeout",
  "ct expectation",
  "secmark",
  "synproxy",
]);

/** nft's standard priorities by family, with the one hook each is named at (none: any hook). */
const STD_PRIORITIES: Record<"bridge" | "ip", { name: string; value: number; hook?: string }[]> = {
  ip: [
    { name: "raw", value: -300 },
    { name: "mangle", value: -150 },
    { name: "dstnat", value: -100, hook: "prerouting" },
    { name: "filter", value: 0 },
    { name: "security", value: 50 },
    { name: "srcnat", value: 100, hook: "postrouting" },
  ],
  bridge: [
    { name: "dstnat", value: -300, hook: "prerouting" },
    { name: "filter", value: -200 },
    { name: "out", value: 100, hook: "output" },
    { name: "srcnat", value: 300, hook: "postrouting" },
  ],
};

/**
 * A base chain's priority as `nft list ruleset` prints it (nft 1.0.6, checked in a namespace): the
 * standard name within 10 of its value at a hook it is named at (`raw - 1`, `srcnat + 1`), else the number.
 */
function priorityText(family: string, hook: string, prio: number): string {
  for (const std of STD_PRIORITIES[family === "bridge" ? "bridge" : "ip"]) {
    const offset = prio - std.value;
    if (Math.abs(offset) > 10 || (std.hook !== undefined && std.hook !== hook)) continue;
    return offset === 0 ? std.name : `${std.name} ${offset > 0 ? "+" : "-"} ${Math.abs(offset)}`;
  }
  return String(prio);
}

/** Parses nft JSON output. */
export function parseNftJson(json: string, options: ParseNftJsonOptions = {}): ParsedNft {
  const file = options.file ?? "ruleset.json";
  // A byte-order mark (a file saved by an editor) is no JSON: JSON.parse called it an unexpected token.
  const text = json.charCodeAt(0) === 0xfeff ? json.slice(1) : json;
  const written = nftJsonText(text, options);
  const diagnostics = written.diagnostics;
  if (diagnostics.some((d) => d.severity === "error") && written.text === "")
    return { tables: [], diagnostics };
  const lineOf = written.lines;
  const parsed = parseNftRuleset(written.text, { file, quotedNames: true });
  for (const d of parsed.diagnostics) {
    const at = lineOf[d.position.line - 1] ?? { line: 1, column: 1 };
    diagnostics.push({ ...d, position: { file, line: at.line, column: at.column } });
  }
  // Rule and chain lines point at their JSON objects.
  for (const t of parsed.tables) {
    if (t.line) t.line = lineOf[t.line - 1]?.line ?? t.line;
    for (const c of t.chains.values()) {
      c.line = lineOf[c.line - 1]?.line ?? c.line;
      for (const r of c.rules) r.line = lineOf[r.line - 1]?.line ?? r.line;
    }
    for (const s of t.sets?.values() ?? []) s.line = lineOf[s.line - 1]?.line ?? s.line;
    for (const f of t.flowtables?.values() ?? []) f.line = lineOf[f.line - 1]?.line ?? f.line;
  }
  return { tables: parsed.tables, diagnostics };
}
