/**
 * Parses `xtables-monitor --trace` output (iptables-nft):
 * ` TRACE: 2 fc475095 raw:PREROUTING:rule:0x3:CONTINUE -4 -t raw -A PREROUTING -j TRACE`,
 * ` TRACE: 2 fc475095 filter:FORWARD:policy:ACCEPT`, ` TRACE: 2 fc475095 raw:PREROUTING:return:`
 * and the packet lines `PACKET: 2 fc475095 IN=eth0 MACSRC=.. SRC=.. ID=1234DF SPORT=.. DPORT=.. SYN`.
 */
import { CHAINS, type Family } from "../model/hook.ts";
import type { RuleVerdict } from "../model/packet.ts";
import { blankEvent, type ParsedLine, SKIP } from "./parsed-line.ts";
import { readLogFields, readUint } from "./read-log-fields.ts";
import { joinedRecordError, recordStartIn } from "./record-start.ts";

/** NFPROTO numbers as xtables-monitor prints them. */
const NFPROTO: Record<string, Family> = { "1": "ip", "2": "ip", "3": "arp", "7": "bridge", "10": "ip6" };

/** nf_tables internal verdicts that xtables-monitor prints as numbers. */
const NFT_VERDICTS: Record<string, string> = {
  "0xffffffff": "CONTINUE",
  "0xfffffffe": "BREAK",
  "0xfffffffd": "JUMP",
  "0xfffffffc": "GOTO",
  "0xfffffffb": "RETURN",
};

/** A verdict as printed (`ACCEPT`, `JUMP:cali-OUTPUT`, `0xfffffffb`): its word upper case, a chain's name kept as it is. */
function verdictName(v: string): string {
  const colon = v.indexOf(":");
  if (colon > 0) return `${v.slice(0, colon).toUpperCase()}${v.slice(colon)}`;
  return NFT_VERDICTS[v.toLowerCase()] ?? v.toUpperCase();
}

/**
 * Reads `<nfproto> <id> ` after a tag; returns [family, id, index after] or undefined.
 * `anyFamily`: a `PACKET:` line, whose number says nothing the TRACE lines do not (iptables
 * before 1.8.8 printed the `-4`/`-6` option there, 0 without one): any decimal number is read as `ip`.
 */
function readHead(line: string, at: number, anyFamily = false): [Family, string, number] | undefined {
  const s1 = line.indexOf(" ", at);
  if (s1 < 0) return undefined;
  const family = NFPROTO[line.slice(at, s1)] ?? (anyFamily && readUint(line, at, s1) >= 0 ? "ip" : undefined);
  let s2 = line.indexOf(" ", s1 + 1);
  if (s2 < 0) s2 = line.length;
  const id = line.slice(s1 + 1, s2);
  if (!family || !/^[0-9a-f]{1,8}$/.test(id)) return undefined;
  return [family, id, s2 + 1];
}

/** NFPROTO numbers of families packetwalk does not model. */
const UNMODELLED: Record<string, string> = { "5": "netdev" };

/**
 * A ` TRACE: <n> <id> table:chain:...` line whose family number packetwalk does not model
 * (netdev): a warning, once for all such lines; anything else is not xtables-monitor output.
 */
function unknownFamily(line: string, at: number): ParsedLine {
  const m = /^(\d+) ([0-9a-f]{1,8}) ([^: ]+):([^: ]+):(?:rule|policy|return):/.exec(line.slice(at, at + 300));
  if (!m) return SKIP;
  const [, nfproto, , table, chain] = m as unknown as [string, string, string, string, string];
  const name = UNMODELLED[nfproto] ?? `number ${nfproto}`;
  return {
    kind: "error",
    severity: "warning",
    group: `xtables-monitor family ${nfproto}`,
    column: at + 1,
    message: `xtables-monitor trace lines of the ${name} family (first: table ${table}, chain ${chain}) were skipped: packetwalk models the ip, ip6, bridge and arp families`,
    hint: "the packet's path through the other families is read as usual; these chains are not drawn",
  };
}

/** Parses the message at `bodyStart` (leading spaces allowed); `skip` when it is not xtables-monitor output. */
export function parseXtablesMonitorLine(line: string, bodyStart: number): ParsedLine {
  let at = bodyStart;
  while (line.charCodeAt(at) === 32) at++;
  if (line.startsWith("PACKET: ", at)) {
    const head = readHead(line, at + 8, true);
    if (!head) return SKIP;
    const ev = blankEvent("xtables-monitor", line);
    ev.traceId = head[1];
    const err = readLogFields(line, head[2], ev, false, head[0]);
    // xtables-monitor prints no MAC= (its MACSRC= is ether_ntoa's): a warning of one is not its to say.
    if (err && !err.warning) return { kind: "error", ...err };
    return { kind: "packet-data", traceId: head[1], event: ev };
  }
  if (!line.startsWith("TRACE: ", at)) return SKIP;
  const head = readHead(line, at + 7);
  if (!head) return unknownFamily(line, at + 7);
  const [family, traceId, labelAt] = head;
  let sp = line.indexOf(" ", labelAt);
  if (sp < 0) sp = line.length;
  const parts = line.slice(labelAt, sp).split(":");
  const [table, chain, kind] = parts;
  if (!table || !chain || (kind !== "rule" && kind !== "policy" && kind !== "return")) {
    return {
      kind: "error",
      column: labelAt + 1,
      message: `expected 'table:chain:rule|policy|return:...' in an xtables-monitor trace line, found '${line.slice(labelAt, sp)}'`,
      hint: "xtables-monitor --trace prints ' TRACE: 2 fc475095 raw:PREROUTING:rule:0x3:CONTINUE ...'",
    };
  }
  const verdict: RuleVerdict = { kind, chain };
  // iptables before 1.8.8 printed a rule it could not look up as nothing, so its PACKET: went on on the same line.
  let glued = kind === "rule" ? line.indexOf(" PACKET: ", sp - 1) : -1;
  const packet = glued < 0 ? undefined : readHead(line, glued + 9, true);
  // Only its own trace id makes it a packet part (rule text may quote anything).
  if (!packet || packet[1] !== traceId) glued = -1;
  // Another line after the rule (a chat joined them; a rule prints a prefix inside its quotes): not its text.
  const next = recordStartIn(line, sp, glued < 0 ? line.length : glued + 1);
  if (next >= 0) return joinedRecordError(line, next);
  if (kind === "rule") {
    verdict.rule = parts[3];
    const v = parts.slice(4).join(":");
    if (v) verdict.verdict = verdictName(v);
    const text = line.slice(sp, glued < 0 ? line.length : glued).trim();
    if (text) verdict.text = text;
  } else if (kind === "policy") {
    const v = parts.slice(3).join(":");
    if (v) verdict.verdict = verdictName(v);
  } else if (parts[3]) {
    verdict.verdict = `RETURN:${parts[3]}`;
  }
  const ev = blankEvent("xtables-monitor", line);
  const upper = chain.toUpperCase();
  ev.hook = `${family}:${table.toLowerCase()}:${(CHAINS as readonly string[]).includes(upper) ? upper : chain}`;
  ev.prefix = line.slice(at, sp);
  ev.traceId = traceId;
  ev.verdict = verdict;
  ev.verdicts = [verdict];
  if (packet && glued >= 0) {
    const err = readLogFields(line, packet[2], ev, false, packet[0]);
    if (err && !err.warning) return { kind: "error", ...err };
  }
  return { kind: "event", event: ev, familyHint: family };
}

/** A line number before an xtables-monitor line, as the xtables-monitor man page numbers its example (` 2 PACKET: 0 fc475095 ...`). */
const PAGE_NUMBER = /^[ \t]*\d{1,4}[ \t]+(?=(?:TRACE|PACKET):[ \t])/;

/**
 * A line that failed every reader and is an xtables-monitor line after a line number (the man page's
 * example, or `cat -n`): read without the number, which says nothing about the packet; a warning when
 * what follows it cannot be read (the page as `man` draws it, justified and wrapped); undefined otherwise.
 */
export function parseNumberedMonitorLine(line: string, bodyStart: number): ParsedLine | undefined {
  const c = line.charCodeAt(bodyStart);
  if (!((c >= 48 && c <= 57) || c === 32 || c === 9)) return undefined;
  const m = PAGE_NUMBER.exec(line.slice(bodyStart, bodyStart + 40));
  if (!m) return undefined;
  const at = bodyStart + m[0].length;
  const r = parseXtablesMonitorLine(line, at);
  if (r.kind !== "skip") return r;
  return {
    kind: "error",
    severity: "warning",
    group: "numbered xtables-monitor",
    column: at + 1,
    message:
      "expected an xtables-monitor line after the page's line number, found one a rendered page spaced or wrapped: not read",
    hint: "copy the lines from xtables-monitor itself, or from the page's source",
  };
}
