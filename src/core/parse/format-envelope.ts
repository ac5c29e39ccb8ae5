/**
 * Wraps a kernel message in one of the envelopes users paste (dmesg,
 * journalctl, syslog, ...). Used by tests to cover every envelope with real
 * message content.
 */
import type { EnvelopeKind } from "./detect-envelope.ts";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");

/** Options of {@link formatEnvelope}. */
export interface EnvelopeOptions {
  /** Seconds since boot, for dmesg stamps. Default: 122.212126. */
  uptime?: number;
  /** Wall clock, epoch seconds (UTC), for -T, iso, journal and syslog stamps. Default: 2026-11-26T05:58:48Z. */
  epoch?: number;
  /** Host name for journal/syslog. Default: `labhost`. */
  host?: string;
  /** Kernel log level for `dmesg -r` and `dmesg -x`. Default: 7 (debug). */
  level?: number;
}

/** Returns `message` wrapped in the `kind` envelope. */
export function formatEnvelope(kind: EnvelopeKind, message: string, options: EnvelopeOptions = {}): string {
  const up = options.uptime ?? 122.212126;
  const epoch = options.epoch ?? Date.UTC(2026, 10, 26, 5, 58, 48) / 1000;
  const host = options.host ?? "labhost";
  const level = options.level ?? 7;
  const d = new Date(Math.floor(epoch) * 1000);
  const micros = String(Math.round((up % 1) * 1e6)).padStart(6, "0");
  const stamp = `[${up.toFixed(6).padStart(12, " ")}]`;
  const clock = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const date = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
  const syslogDate = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${clock}`;
  const levels = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"];
  switch (kind) {
    case "bare":
      return message;
    case "dmesg":
      return `${stamp} ${message}`;
    case "dmesg-T":
      return `[${DAYS[d.getUTCDay()]} ${syslogDate} ${d.getUTCFullYear()}] ${message}`;
    case "dmesg-iso":
      return `${date}T${clock},${micros}+00:00 ${message}`;
    case "dmesg-x":
      return `${"kern".padEnd(6)}:${(levels[level] ?? "debug").padEnd(6)}: ${stamp} ${message}`;
    case "dmesg-r":
      return `<${level}>${stamp} ${message}`;
    case "journal":
      return `${syslogDate}.${micros} ${host} kernel: ${message}`;
    case "journal-iso":
      return `${date}T${clock}+0000 ${host} kernel: ${message}`;
    case "journal-monotonic":
      return `${stamp} ${host} kernel: ${message}`;
    case "dmesg-delta":
      return `[<${(up % 1).toFixed(6).padStart(12, " ")}>] ${message}`;
    case "dmesg-reltime":
      return `[${`+${(up % 1).toFixed(6)}`.padStart(10, " ")}] ${message}`;
    case "journal-unix":
      return `${epoch.toFixed(6)} ${host} kernel: ${message}`;
    case "journal-full":
      return `${DAYS[d.getUTCDay()]} ${date} ${clock} UTC ${host} kernel: ${message}`;
    case "syslog":
      return `${syslogDate} ${host} kernel: ${stamp} ${message}`;
    case "ulogd":
      return `${syslogDate} ${host} ${message}`;
    case "kmsg":
      return `${level},${Math.round(up * 1000)},${Math.round(up * 1e6)},-;${message}`;
    case "journal-verbose":
      return `    MESSAGE=${message}`;
    case "logread":
      return `${DAYS[d.getUTCDay()]} ${syslogDate} ${d.getUTCFullYear()} kern.${levels[level] ?? "debug"} kernel: ${stamp} ${message}`;
    case "busybox":
      return `${syslogDate} ${host} kern.${levels[level] ?? "debug"} kernel: ${message}`;
    case "journal-json":
      return JSON.stringify({
        __REALTIME_TIMESTAMP: String(Math.round(epoch * 1e6)),
        _HOSTNAME: host,
        _TRANSPORT: "kernel",
        MESSAGE: message,
      });
    case "pve-firewall":
      // pvefw-logger's own form, for a prefix not of the `:VMID:LEVEL:CHAIN: ` form (VMID 0, chain `-`).
      return `0 ${Math.min(level, 7)} - ${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${clock} +0000 ${message}`;
    case "cri":
      // The container runtime's nanoseconds (Kubernetes' /var/log/containers/*.log).
      return `${date}T${clock}.${micros}000Z stdout F ${message}`;
    case "loki":
      // logcli query's default output: the labels, then the line as shipped (here the bare message).
      return `${date}T${clock}Z {host="${host}", job="varlogs"} ${message}`;
    case "compose":
      // `docker compose logs`: the service's container, padded to the longest name of the project.
      return `web1-1  | ${message}`;
    case "rfc5424":
      return `<${level}>1 ${date}T${clock}.${micros}+00:00 ${host} kernel - - - ${message}`;
  }
}
