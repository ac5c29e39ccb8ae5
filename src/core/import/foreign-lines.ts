/**
 * The lines of a contributor's kernel log that this host did not print. A whole `dmesg` of a
 * machine that runs containers, VMs or test namespaces holds their LOG lines too (with
 * `nf_log_all_netns` every namespace logs to the one kernel log): their devices are not the host's
 * (`IN=br0 PHYSIN=vnet1` on a router with lo, lan0 and wan0) and their prefixes are printed by no
 * rule of the host's saved ruleset (`[UFW BLOCK] `, another test's `ns/iptable/raw-PREROUTE`).
 * Imported, they make scenarios of other machines' traffic and give a peer another machine's MAC.
 *
 * A line that names a device the host does not have is left out before any packet is read from
 * it, and one note says how many, which devices and prefixes, and where the first one is. Two
 * kinds are not left out but asked about, since the host's saves and its log disagree: a line whose
 * prefix the saved ruleset prints but whose device the host lacks (the device list was saved at
 * another moment, or another namespace logs with the same rules), and a line on the host's own
 * devices whose prefix no saved rule prints (the ruleset was saved at another moment).
 */

import type { Packet, SourcePosition, TraceEvent } from "../model/packet.ts";
import { readRepeatedMessage } from "../parse/log-loss.ts";

/** What the host's saves say is its own (either may be unknown). */
export interface HostSignature {
  /** Every prefix its saved ruleset prints (see `printedLogPrefixes`); undefined when no rule logs. */
  printed?: ReadonlySet<string>;
  /** Its devices (see `hostDevices`); undefined when no `ip` save was given. */
  devices?: ReadonlySet<string>;
}

/** Lines of one kind: how many, where the first is, the devices and prefixes they show. */
interface Tally {
  count: number;
  first?: SourcePosition;
  devices: Set<string>;
  prefixes: Set<string>;
  /** Of them, the lines whose prefix no saved rule prints. */
  byPrefix: number;
}

const tally = (): Tally => ({ count: 0, devices: new Set(), prefixes: new Set(), byPrefix: 0 });

/** At most `n` items of `list`, sorted, then how many more. */
function some(list: Iterable<string>, n = 8): string {
  const all = [...list].sort();
  const shown = all.slice(0, n).join(", ");
  return all.length > n ? `${shown} and ${all.length - n} more` : shown;
}

const quoted = (prefixes: Iterable<string>) => [...prefixes].map((p) => `'${p}'`);
const where = (p: SourcePosition) => `${p.file}:${p.line}:${p.column}`;
const lines = (n: number) => `${n} line${n === 1 ? "" : "s"}`;
/** A word for a shell command, in single quotes. */
const shellWord = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;
/** A file name for a shell command: as it is when the shell reads it so, else quoted. */
const shellPath = (p: string) => (/^[\w@%+=:,./-]+$/.test(p) ? p : shellWord(p));

/** Whether a LOG line's prefix is one the saved ruleset prints (a repeat note's is the line before's). */
function printedBy(printed: ReadonlySet<string> | undefined, prefix: string): boolean {
  return printed === undefined || printed.has(prefix.trim()) || readRepeatedMessage(prefix) !== undefined;
}

/** The devices a line names, `IN=`, `OUT=`, `PHYSIN=`, `PHYSOUT=`. */
function devicesOf(ev: TraceEvent): string[] {
  return [ev.in, ev.out, ev.physIn, ev.physOut].filter((d): d is string => !!d);
}

/**
 * Sorts a log's LOG lines by whose they are, as the parser reads them ({@link ForeignLines.keep} is
 * its `keepLine`), and says what it left out and what it must ask.
 */
export class ForeignLines {
  private readonly left = tally();
  private readonly clash = tally();

  private readonly host: HostSignature;

  constructor(host: HostSignature) {
    this.host = host;
  }

  /** The parser's `keepLine`: false for a line of another machine or namespace (and for a clash, which is asked about). */
  readonly keep = (ev: TraceEvent): boolean => {
    const devices = this.host.devices;
    if (!devices) return true;
    const other = devicesOf(ev).filter((d) => !devices.has(d));
    if (!other.length) return true;
    const own = printedBy(this.host.printed, ev.prefix);
    // A prefix the host's rules print on a device it lacks: its saves and its log disagree.
    const t =
      own && this.host.printed !== undefined && !readRepeatedMessage(ev.prefix) ? this.clash : this.left;
    t.count++;
    t.first ??= { ...ev.position };
    for (const d of other) t.devices.add(d);
    if (!own) {
      t.byPrefix++;
      t.prefixes.add(ev.prefix.trim());
    } else if (t === this.clash) t.prefixes.add(ev.prefix.trim());
    return false;
  };

  /** The note on the lines left out (none when there were none). */
  notes(): string[] {
    const t = this.left;
    if (!t.count || !t.first) return [];
    const prefixes = t.byPrefix
      ? `, and ${t.byPrefix === t.count ? "all" : t.byPrefix} of them have LOG prefixes no rule of the saved ruleset prints (${some(quoted(t.prefixes))})`
      : "";
    return [
      `left out: ${lines(t.count)} of other machines or network namespaces, the first at ${where(t.first)}: they name devices the host does not have (${some(t.devices)}; the host's are ${some(this.host.devices ?? [], 12)})${prefixes}; a whole dmesg holds every namespace's LOG lines, and none of these is in the lab`,
    ];
  }

  /**
   * The questions: lines with a prefix the ruleset prints on a device the host lacks, and (from the
   * packets read) lines on the host's devices whose prefix no saved rule prints but the parser placed
   * by its own conventions (one it cannot place is the parser's unknown-prefix warning already).
   */
  questions(packets: readonly Packet[], logFile: string): string[] {
    const out: string[] = [];
    const c = this.clash;
    if (c.count && c.first) {
      const pattern = `(IN|OUT|PHYSIN|PHYSOUT)=(${[...c.devices]
        .sort()
        .map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("|")}) `;
      out.push(
        `${where(c.first)}: ${lines(c.count)} with LOG prefixes the saved ruleset prints (${some(quoted(c.prefixes))}) ${c.count === 1 ? "names" : "name"} devices the host does not have (${some(c.devices)}; the host's are ${some(this.host.devices ?? [], 12)}): the host's ip saves were made at another moment than the log (a container's veth gone), or another network namespace logs with the same rules; save \`ip -j addr\` and \`ip -j -d link\` while the traffic is logged, or cut the other namespace's lines out of the log (grep -v -E ${shellWord(pattern)} ${shellPath(logFile)} > mine.log, then --log mine.log)`,
      );
    }
    const printed = this.host.printed;
    if (printed) {
      const stray = tally();
      for (const p of packets)
        for (const e of p.events) {
          if ((e.source !== "log" && e.source !== "ebt-log") || printedBy(printed, e.prefix)) continue;
          stray.count++;
          if (!stray.first || e.position.line < stray.first.line) stray.first = e.position;
          stray.prefixes.add(e.prefix.trim());
        }
      if (stray.count && stray.first)
        out.push(
          `${where(stray.first)}: ${lines(stray.count)}${this.host.devices ? " on the host's own devices" : ""} ${stray.count === 1 ? "has a LOG prefix" : "have LOG prefixes"} no logging rule of the saved ruleset prints (${some(quoted(stray.prefixes))}): the lab's ruleset would not print ${stray.count === 1 ? "it" : "them"}, so the ruleset was saved at another moment than the log, or without the rules that print them; save it while those rules are installed, or cut those lines out of the log (grep -v -F ${[...stray.prefixes].map((p) => `-e ${shellWord(p)}`).join(" ")} ${shellPath(logFile)} > mine.log, then --log mine.log)`,
        );
    }
    return out;
  }
}
