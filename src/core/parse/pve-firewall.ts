/**
 * Reads the message of a line of Proxmox VE's /var/log/pve-firewall.log (envelope `pve-firewall`,
 * see `detect-envelope.ts`). pvefw-logger (pve-firewall's `src/pvefw-logger.c`) gets the packets
 * of the firewall's NFLOG rules and prints them itself, in the words of the kernel's LOG but not
 * its rules: `IN=` / `OUT=` / `PHYSIN=` / `PHYSOUT=` only for the devices the packet crossed, no
 * `RES=`, `URGP=` only with URG, `FRAG=n` for LOG's `FRAG:n`, a UDP line's `LEN=n` with no space
 * after it, `mark=n` in decimal, ARP as `SRC= DST= PROTO=ARP REQUEST|REPLY MAC=..`, and no IPv6
 * fields at all. So a line the kernel's reader does not take whole is read again here leniently;
 * a kernel line (the kernel always prints RES= and URGP=) is never read this way outside this
 * envelope. The rule's prefix is `:VMID:LEVEL:CHAIN: ` before the message, which the logger moves
 * into its header: the event's prefix is given back that form, which the firewall's ruleset
 * (`iptables-save`) shows. The chains pve-firewall's iptables rules log from name their hook.
 */
import type { HookId } from "../model/hook.ts";
import type { LoggedDrop, TraceEvent } from "../model/packet.ts";
import type { Envelope } from "./detect-envelope.ts";
import type { LogFieldMemo } from "./log-field-memo.ts";
import { LOST_HINT, TRAILING_SPACE_HINT } from "./parse-hints.ts";
import { parseBody } from "./parse-line.ts";
import { blankEvent, type EventLine, type ParsedLine } from "./parsed-line.ts";
import { readLogFields } from "./read-log-fields.ts";

/** The keys a pvefw-logger line's fields may start with (each device only when the packet crossed it). */
const FIRST_KEYS = ["IN=", "OUT=", "PHYSIN=", "PHYSOUT=", "MAC=", "SRC="];

/** Where the fields of a pvefw-logger message start (the first key of {@link FIRST_KEYS}), or -1. */
function fieldsStart(text: string, from: number): number {
  let best = -1;
  for (const key of FIRST_KEYS) {
    let i = text.indexOf(key, from);
    // A key starts the message or follows a space (the prefix ends in one).
    while (i > from && text.charCodeAt(i - 1) !== 32) i = text.indexOf(key, i + 1);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

/** The header words before `bodyStart`: VMID, log level, chain. */
function header(text: string, bodyStart: number): { vmid: string; level: string; chain: string } {
  // Its last five words (`<VMID> <LEVEL> <CHAIN> <TIME> <ZONE>`): a syslog header may come before them.
  const words = text.slice(0, bodyStart).trim().split(" ");
  const [vmid = "0", level = "6", chain = "-"] = words.slice(-5);
  return { vmid, level, chain };
}

/** Where pve-firewall's iptables chains (`PVEFW-HOST-IN`, a guest's `tap101i0-IN`) hook in. */
function chainHook(chain: string): HookId | undefined {
  if (chain === "PVEFW-HOST-IN") return "ip:filter:INPUT";
  if (chain === "PVEFW-HOST-OUT") return "ip:filter:OUTPUT";
  // A guest's chains are reached from PVEFW-FORWARD (bridged, through br_netfilter).
  if (/^(?:tap|veth)\d+i\d+-(?:IN|OUT)$/.test(chain)) return "ip:filter:FORWARD";
  return undefined;
}

/** The drop a pve-firewall message announces: `policy DROP: `, `REJECT: `, ... */
function announcedDrop(message: string): LoggedDrop | undefined {
  const m = /^(?:policy )?(DROP|REJECT):\s*$/.exec(message);
  return m ? { verdict: m[1] as "DROP" | "REJECT", by: "Proxmox VE firewall" } : undefined;
}

/** The keys pvefw-logger prints (`mark` in lower case); any other key is not its line. */
const PVE_KEYS = new Set([
  "IN",
  "OUT",
  "PHYSIN",
  "PHYSOUT",
  "MAC",
  "SRC",
  "DST",
  "LEN",
  "TOS",
  "PREC",
  "TTL",
  "ID",
  "FRAG",
  "PROTO",
  "SPT",
  "DPT",
  "SEQ",
  "ACK",
  "WINDOW",
  "URGP",
  "TYPE",
  "CODE",
  "PARAMETER",
  "GATEWAY",
  "MTU",
  "INVALID",
]);
/** The words without `=` pvefw-logger prints: IP and TCP flags, ARP operations. */
const PVE_WORDS = new Set(["DF", "MF", "URG", "ACK", "PSH", "RST", "SYN", "FIN", "REQUEST", "REPLY", "NAK"]);
/** The fields pvefw-logger always prints for a protocol (unless it says `INVALID=` instead). */
const PVE_REQUIRED: Record<string, readonly string[]> = {
  TCP: ["SPT", "DPT", "SEQ", "ACK", "WINDOW"],
  UDP: ["SPT", "DPT"],
  ICMP: ["TYPE", "CODE"],
  SCTP: ["SPT", "DPT"],
};
const IP_REQUIRED = ["DST", "LEN", "TOS", "PREC", "TTL", "ID", "PROTO"];

/**
 * The last words pvefw-logger may end a packet's fields with, by `PROTO=` (print_tcp: the flags, or
 * the window when none is set, `URGP=` only with URG; print_icmp: the code, or the field its type
 * adds; print_sctp: the ports; print_arp: the operation, a reply's sender MAC, or an unknown one's
 * code). A line that lost its last space (a web page or a forum post keeps none)
 * and ends in one of them is whole; one ending elsewhere was cut.
 */
const PVE_LAST: Record<string, RegExp> = {
  TCP: /^(?:URG|ACK|PSH|RST|SYN|FIN|WINDOW=\d+|URGP=\d+)$/,
  UDP: /^LEN=\d+$/,
  ICMP: /^(?:(?:CODE|SEQ|PARAMETER|MTU)=\d+|GATEWAY=[\d.]+)$/,
  SCTP: /^DPT=\d+$/,
  ARP: /^(?:REQUEST|NAK|CODE=\d+|MAC=[0-9a-f]{2}(?::[0-9a-f]{2}){5})$/,
};

/** Whether pvefw-logger may end the fields of a packet of `proto` with `last` (see {@link PVE_LAST}). */
function pveMayEnd(last: string, proto: string): boolean {
  // An invalid header's mark, and a protocol it prints by name or number only (AH, ESP, IGMP, 47).
  if (/^INVALID=(?:LEN|IHL)$/.test(last)) return true;
  const ends = PVE_LAST[proto];
  return ends ? ends.test(last) : last === `PROTO=${proto}`;
}

/**
 * Whether the fields [from, end of `fields`) are as pvefw-logger prints them, whole: only its keys
 * and words, every field it always prints, and its line end (a space, or a word it ends a line
 * with: see {@link PVE_LAST}). A kernel line is not (RES=, HTYPE=, ebtables' `MAC source = ` ...),
 * nor one cut short. `unspaced`: all that but the line's last space and a last word it may end with
 * (a copy or an editor drops the space; the last value may be cut).
 */
function pveShaped(fields: string, from: number): boolean | "unspaced" {
  const seen = new Set<string>();
  let proto = "";
  for (const w of fields.slice(from).split(" ")) {
    if (w === "") continue;
    const eq = w.indexOf("=");
    if (eq < 0) {
      if (!PVE_WORDS.has(w)) return false;
      continue;
    }
    const key = w.slice(0, eq);
    if (!PVE_KEYS.has(key)) return false;
    if (key === "PROTO") proto = w.slice(eq + 1);
    seen.add(key);
  }
  const last = fields.slice(fields.lastIndexOf(" ") + 1);
  // No IP header (a bridged frame of another type): the logger stops after the MAC.
  const frame = !seen.has("SRC") && /^MAC=[0-9a-f]{2}(?::[0-9a-f]{2})*$/.test(last);
  const end = fields.endsWith(" ") || frame || pveMayEnd(last, proto) || "unspaced";
  if (seen.has("INVALID") || !seen.has("SRC")) return end;
  // ARP: `SRC= DST= PROTO=ARP` and the operation, no IP header.
  if (proto === "ARP") return seen.has("DST") && end;
  if (IP_REQUIRED.some((k) => !seen.has(k))) return false;
  if ((PVE_REQUIRED[proto] ?? []).some((k) => !seen.has(k))) return false;
  return end;
}

/** pvefw-logger's own status line about a full queue: `skipped 12 log entries (queue full)`. */
const QUEUE_FULL = /^skipped (\d+) log entries \(queue full\)/;

/** Parses the message at `bodyStart` of a `pve-firewall` line (`text`, as {@link Envelope} indexes it). */
export function parsePveBody(
  text: string,
  envelope: Envelope,
  fast: boolean | LogFieldMemo = true,
): ParsedLine {
  const at = envelope.bodyStart;
  const h = header(text, at);
  if (h.chain === "-" && h.vmid === "0") {
    const full = QUEUE_FULL.exec(text.slice(at));
    if (full)
      return {
        kind: "error",
        severity: "warning",
        column: at + 1,
        message: `pvefw-logger skipped ${full[1]} log entries here (its queue was full): LOG lines of the firewall are among them`,
        hint: LOST_HINT,
      };
  }
  const v6 = text.indexOf("IPV6 logging not implemented", at);
  if (v6 >= 0 && fieldsStart(text, at) >= 0)
    return {
      kind: "error",
      severity: "warning",
      group: "pve-ipv6",
      column: v6 + 1,
      message:
        "expected the packet's fields, found 'IPV6 logging not implemented': Proxmox VE's firewall logger prints no IPv6 packet, not read",
      hint: "log IPv6 with a LOG rule (the kernel log prints every field), or read the firewall's counters",
    };
  const r = parseBody(text, at, fast);
  if (r.kind === "event" && !r.warning) return withHeader(r, h);
  if (r.kind === "packet-data" || r.kind === "ignore") return r;
  const from = fieldsStart(text, at);
  if (from < 0) return r;
  const lenient = readLenient(text, at, from);
  if (!lenient) return r;
  return lenient.kind === "event" ? withHeader(lenient, h) : lenient;
}

/**
 * The fields from `from` read as pvefw-logger prints them (see the module comment); undefined when
 * they are not its (see {@link pveShaped}).
 */
function readLenient(text: string, bodyStart: number, from: number): ParsedLine | undefined {
  // `mark=n ` ends the line, glued to UDP's `LEN=n` before it.
  const markAt = text.lastIndexOf("mark=");
  const mark = markAt > from ? /^mark=(\d+) ?$/.exec(text.slice(markAt)) : null;
  const fields = mark ? text.slice(0, markAt) : text;
  const shaped = pveShaped(fields, from);
  if (!shaped) return undefined;
  const ev = blankEvent("log", text);
  ev.prefix = text.slice(bodyStart, from);
  const err = readLogFields(fields, from, ev, false);
  if (err && !err.warning) return { kind: "error", ...err };
  // A warning the fields left standing (a MAC= in upper case: an edited line).
  const said = err && {
    column: err.column,
    message: err.message,
    ...(err.hint ? { hint: err.hint } : {}),
    ...(err.group ? { group: err.group } : {}),
  };
  if (mark) ev.mark = `0x${Number(mark[1]).toString(16)}`;
  ev.in ??= "";
  ev.out ??= "";
  const frag = / FRAG=(\d+) /.exec(fields.slice(from));
  if (frag && ev.ip) ev.ip.fragment = Number(frag[1]);
  if (ev.l4?.proto === "arp" && ev.ip) {
    // `SRC=`/`DST=` are the ARP addresses; `REPLY MAC=` the sender's hardware address.
    const words = fields.slice(from);
    ev.arp = {
      htype: 1,
      ptype: "0x0800",
      opcode: / REQUEST /.test(words) ? 1 : / REPLY /.test(words) ? 2 : / NAK /.test(words) ? 10 : 0,
      ipSrc: ev.ip.src,
      ipDst: ev.ip.dst,
    };
    if (ev.macRaw !== undefined && ev.macSrc !== undefined) {
      ev.arp.macSrc = ev.macRaw;
      ev.macRaw = undefined;
    }
    ev.ip = undefined;
    ev.l4 = undefined;
    return said
      ? { kind: "event", event: ev, familyHint: "arp", warning: said }
      : { kind: "event", event: ev, familyHint: "arp" };
  }
  const last = fields.lastIndexOf(" ") + 1;
  return {
    kind: "event",
    event: ev,
    familyHint: ev.ip?.src.includes(":") ? "ip6" : "ip",
    ...(shaped === "unspaced"
      ? {
          warning: {
            column: last + 1,
            message: `the line ends without the space pvefw-logger prints after every field: its last field '${fields.slice(last)}' may be cut short`,
            hint: TRAILING_SPACE_HINT,
            // One cause throughout a pasted log: said once, with the count.
            group: "pve no trailing space",
          },
        }
      : said
        ? { warning: said }
        : {}),
  };
}

/** The event with its rule's prefix (`:VMID:LEVEL:CHAIN: message`), its chain's hook and announced drop. */
function withHeader(r: EventLine, h: { vmid: string; level: string; chain: string }): EventLine {
  const ev: TraceEvent = r.event;
  if (h.chain === "-") return r;
  const drop = announcedDrop(ev.prefix);
  const hook = r.familyHint === "ip" ? chainHook(h.chain) : undefined;
  ev.prefix = `:${h.vmid}:${h.level}:${h.chain}: ${ev.prefix}`;
  if (hook) {
    ev.hook = hook;
    if (drop) ev.drop = drop;
  }
  return r;
}
