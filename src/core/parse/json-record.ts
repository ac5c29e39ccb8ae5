/**
 * A JSON object line that is no journalctl record with a MESSAGE: what it is, and the packet in it
 * when it holds one. ulogd's JSON output plugin (`ulogd_output_JSON`, stack `...,json1:JSON`)
 * writes one object a line for each packet an NFLOG rule sends it, with ulogd's own key names
 * (`oob.prefix`, `oob.in`, `src_ip`, `ip.protocol`, `tcp.seq`, ...; `src_ip` / `dest_ip` and
 * `src_port` / `dest_port` are the names it prints for `ip.saddr.str`, `tcp.sport` and the like):
 * that record becomes the same event a LOG line gives. Any other object (a journal record exported
 * without MESSAGE, a ulogd flow record, another tool's JSON) is a warning counted once for all such
 * lines, never a silent skip: a netfilter packet may be in it. Only a journal record that names
 * another service (its `_TRANSPORT` not `kernel`, its program no trace tool) is skipped as such.
 */
import type { Family } from "../model/hook.ts";
import type { TraceEvent } from "../model/packet.ts";
import { protocolName } from "./decode-network-header.ts";
import { jsonNumber, jsonString } from "./journal-json.ts";
import { blankEvent, type ErrorLine, type EventLine, newIp, newL4 } from "./parsed-line.ts";

/**
 * What {@link readJsonRecord} found: a packet (with its time when the record gives one) or a
 * warning; undefined for a journal record of another service, which holds no netfilter line.
 */
export type JsonRecord = { event: EventLine; time?: number } | { error: ErrorLine };

/** Keys only ulogd's packet records hold (its NFLOG input plugin's and BASE filter's). */
const ULOGD_PACKET_KEYS = ["oob.prefix", "raw.pktlen", "oob.family", "oob.hook", "oob.time.sec"];
/** Keys of ulogd's conntrack (NFCT) and accounting (NFACCT) records: flows and counters, no packet. */
const ULOGD_FLOW_KEYS = ["ct.event", "ct.id", "orig.ip.protocol", "flow.start.sec", "sum.name"];
/** Programs whose journal records may hold a trace (run as a service, they log through the journal). */
const TRACE_TOOLS = /^(?:xtables-monitor|xtables-nft-multi|nft|iptables|ip6tables|ebtables)$/;
/** Keys every journal record exports (journalctl -o json). */
const JOURNAL_KEYS = ["__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID"];

const ULOGD_HINT =
  "ulogd's JSON output names the addresses only through its IP2STR filter: put ip2str1:IP2STR in the stack before json1:JSON, or log with its LOGEMU output (LOG-style text lines, also read)";

/**
 * The `"oob.prefix": ...` line of a ulogd packet record printed over several lines (`jq .` does it): no
 * line of it is a record, so it is said once with its count rather than "none a netfilter line".
 */
export function readSplitUlogdRecord(
  line: string,
): { column: number; message: string; hint: string } | undefined {
  const m = /^\s*"oob\.prefix"\s*:/.exec(line);
  if (!m) return undefined;
  return {
    column: line.indexOf('"') + 1,
    message:
      "ulogd JSON record printed over several lines (as jq . prints it): packetwalk reads one record a line",
    hint: "print the records one a line, as ulogd writes them: jq -c . FILE",
  };
}

function warning(group: string, message: string, hint: string): { error: ErrorLine } {
  return { error: { kind: "error", severity: "warning", group, column: 1, message, hint } };
}

/**
 * What the JSON object `line` holds, from `fields` (where each field's value starts, as
 * `readJournalJson` found them for a record without MESSAGE). Never throws.
 */
export function readJsonRecord(line: string, fields: Map<string, number>): JsonRecord | undefined {
  const has = (keys: readonly string[]) => keys.some((k) => fields.has(k));
  if (has(ULOGD_PACKET_KEYS)) return readUlogdPacket(line, fields);
  if (has(ULOGD_FLOW_KEYS))
    return warning(
      "ulogd-json-flow",
      "expected a logged packet, found a ulogd conntrack or accounting record (its NFCT or NFACCT input, JSON output): flows and counters are not packets, not read",
      "log the packets themselves: an NFLOG rule and ulogd's NFLOG input, or a LOG rule and the kernel log",
    );
  // A whole search response on one line (curl without ?pretty): many documents, one line.
  if (fields.has("hits") && (fields.has("took") || fields.has("timed_out")))
    return warning(
      "search-response",
      "expected one log record a line, found an Elasticsearch or OpenSearch search response (its documents in hits.hits on this one line): not read",
      "print one document a line: jq -c '.hits.hits[]._source' response.json > docs.json (each is read by its message), or search again with ?pretty",
    );
  if (has(JOURNAL_KEYS)) {
    // Another service's record (sshd's, say) holds no netfilter line: skipped, as with its MESSAGE.
    const transport = jsonString(line, fields.get("_TRANSPORT"));
    const tool = jsonString(line, fields.get("SYSLOG_IDENTIFIER")) ?? jsonString(line, fields.get("_COMM"));
    if (transport !== undefined && transport !== "kernel" && !(tool && TRACE_TOOLS.test(tool)))
      return undefined;
    return warning(
      "journal-json-no-message",
      "expected MESSAGE in this journalctl JSON record, found none: the record was not read (was it exported with --output-fields without MESSAGE?)",
      "export the messages too: journalctl -k -o json (every field), or --output-fields=MESSAGE,__REALTIME_TIMESTAMP,_TRANSPORT",
    );
  }
  return warning(
    "json-record",
    "expected a JSON record with a message (journalctl's MESSAGE, a log shipper's message, msg or log) or a ulogd JSON packet record, found another JSON object: not read",
    "give the kernel log as text (journalctl -k -o short-iso-precise, dmesg) or as journalctl -o json; a netfilter packet in another tool's JSON is read only from its message field",
  );
}

/** ulogd's `oob.family`: AF_INET6 and AF_BRIDGE (AF_INET, 2, is the default). */
const AF_INET6 = 10;
const AF_BRIDGE = 7;

/** A ulogd JSON packet record as an event (see the module comment). */
function readUlogdPacket(line: string, fields: Map<string, number>): JsonRecord {
  const str = (name: string) => jsonString(line, fields.get(name));
  const num = (name: string) => jsonNumber(line, fields.get(name));
  const ev: TraceEvent = blankEvent("log", line);
  ev.prefix = str("oob.prefix") ?? "";
  // IFINDEX names the devices; a device the packet did not cross is printed empty, as LOG's `OUT=`.
  ev.in = str("oob.in") ?? "";
  ev.out = str("oob.out") ?? "";
  const macSrc = str("mac.saddr.str");
  const macDst = str("mac.daddr.str");
  if (macSrc !== undefined && macDst !== undefined) {
    ev.macSrc = macSrc;
    ev.macDst = macDst;
  }
  const mark = num("oob.mark");
  // The kernel's LOG prints MARK= only for a marked packet; ulogd gives 0 for the others.
  if (mark) ev.mark = `0x${mark.toString(16)}`;
  const uid = num("oob.uid");
  if (uid !== undefined) ev.uid = uid;
  const gid = num("oob.gid");
  if (gid !== undefined) ev.gid = gid;
  const family = num("oob.family");
  let familyHint: Family = family === AF_BRIDGE ? "bridge" : "ip";
  const arpOp = num("arp.operation");
  const src = str("src_ip") ?? str("ip.saddr.str");
  const dst = str("dest_ip") ?? str("ip.daddr.str");
  if (arpOp !== undefined && src === undefined) {
    ev.arp = {
      htype: num("arp.hwtype") ?? 1,
      ptype: `0x${(num("arp.protocoltype") ?? 0x800).toString(16).padStart(4, "0")}`,
      opcode: arpOp,
    };
    const ipSrc = str("arp.saddr.str");
    const ipDst = str("arp.daddr.str");
    if (ipSrc !== undefined) ev.arp.ipSrc = ipSrc;
    if (ipDst !== undefined) ev.arp.ipDst = ipDst;
    if (family !== AF_BRIDGE) familyHint = "arp";
  } else {
    if (src === undefined || dst === undefined)
      return warning(
        "ulogd-json-no-address",
        "expected the packet's addresses (src_ip and dest_ip) in this ulogd JSON record, found none: the packet was not read",
        ULOGD_HINT,
      );
    const v6 = family === AF_INET6 || src.includes(":");
    if (v6 && family !== AF_BRIDGE) familyHint = "ip6";
    const ip = newIp(src, dst);
    ev.ip = ip;
    const ttl = num(v6 ? "ip6.hoplimit" : "ip.ttl");
    if (ttl !== undefined) ip.ttl = ttl;
    if (v6) {
      // LOG's LEN= counts the IPv6 header (40 bytes) with its payload.
      const payload = num("ip6.payloadlen");
      if (payload !== undefined) ip.len = payload + 40;
      const tc = num("ip6.priority");
      if (tc !== undefined) ip.tc = tc;
      const flow = num("ip6.flowlabel");
      if (flow !== undefined) ip.flowLabel = flow;
      const offset = num("ip6.fragoff");
      const fragId = num("ip6.fragid");
      if (fragId !== undefined) {
        ip.fragment = offset ?? 0;
        ip.id = fragId;
      }
    } else {
      const len = num("ip.totlen");
      if (len !== undefined) ip.len = len;
      const tos = num("ip.tos");
      if (tos !== undefined) {
        // LOG prints the byte as TOS= (its low bits) and PREC= (its three high bits).
        ip.tos = tos & 0x1e;
        ip.prec = tos & 0xe0;
      }
      const id = num("ip.id");
      if (id !== undefined) ip.id = id;
      // ulogd gives the whole 16-bit field: flags above the offset (in 8-byte units, as LOG's FRAG:).
      const frag = num("ip.fragoff");
      if (frag !== undefined) {
        const flags = [
          ...(frag & 0x8000 ? ["CE"] : []),
          ...(frag & 0x4000 ? ["DF"] : []),
          ...(frag & 0x2000 ? ["MF"] : []),
        ];
        if (flags.length > 0) ip.flags = flags;
        if (frag & 0x1fff) ip.fragment = frag & 0x1fff;
      }
    }
    const proto = num("ip.protocol");
    // A later fragment has no transport header (ulogd reads none for it).
    if (proto !== undefined && !(ip.fragment ?? 0)) ev.l4 = readTransport(proto, num);
  }
  const time = readTime(str, num);
  const event: EventLine = { kind: "event", event: ev, familyHint };
  return time === undefined ? { event } : { event, time };
}

/** The transport header of a ulogd record whose `ip.protocol` is `proto`. */
function readTransport(proto: number, num: (name: string) => number | undefined): TraceEvent["l4"] {
  const name = protocolName(proto);
  const l4 = newL4(name);
  const set = <K extends keyof NonNullable<TraceEvent["l4"]>>(key: K, value: number | undefined) => {
    if (value !== undefined) (l4 as unknown as Record<string, number>)[key as string] = value;
  };
  // ulogd names the ports src_port / dest_port (their CIM names); older builds print tcp.sport and the like.
  const port = (end: "sport" | "dport") =>
    num(end === "sport" ? "src_port" : "dest_port") ?? num(`${name}.${end}`);
  if (name === "tcp" || name === "udp" || name === "udplite") {
    set("sport", port("sport"));
    set("dport", port("dport"));
  }
  if (name === "tcp") {
    set("seq", num("tcp.seq"));
    set("ack", num("tcp.ackseq"));
    set("window", num("tcp.window"));
    // LOG's order; ulogd prints each flag as 0 or 1.
    const flags = ["urg", "ack", "psh", "rst", "syn", "fin"].filter((f) => num(`tcp.${f}`) === 1);
    if (flags.length > 0) l4.tcpFlags = flags.map((f) => f.toUpperCase());
    set("urgp", num("tcp.urgp"));
  } else if (name === "udp" || name === "udplite") set("udpLen", num("udp.len"));
  else if (name === "icmp" || name === "icmpv6") {
    const k = name === "icmp" ? "icmp" : "icmpv6";
    set("icmpType", num(`${k}.type`));
    set("icmpCode", num(`${k}.code`));
    set("icmpId", num(`${k}.echoid`));
    set("icmpSeq", num(`${k}.echoseq`));
    if (k === "icmp") set("mtu", num("icmp.fragmtu"));
  }
  return l4;
}

/**
 * The record's time in epoch seconds: NFLOG's `oob.time.sec` / `oob.time.usec` when the stack
 * prints them, else the `timestamp` ulogd writes (`2026-12-03T10:00:00[.usec][+0100]`, local time
 * with its offset; without one, taken as UTC).
 */
function readTime(
  str: (name: string) => string | undefined,
  num: (name: string) => number | undefined,
): number | undefined {
  const sec = num("oob.time.sec");
  if (sec !== undefined) return sec + (num("oob.time.usec") ?? 0) / 1e6;
  const stamp = str("timestamp") ?? str("@timestamp");
  const m = stamp
    ? /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|([+-])(\d\d):?(\d\d))?$/.exec(stamp)
    : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om] = m as unknown as string[];
  const offset = sign ? (sign === "+" ? 1 : -1) * (Number(oh) * 3600 + Number(om) * 60) : 0;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  return base + (frac ? Number(`0.${frac}`) : 0) - offset;
}
