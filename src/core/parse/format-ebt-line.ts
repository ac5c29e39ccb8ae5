/**
 * Writes an event as ebtables' `--log` watcher would (`ebt_log.c`), byte for
 * byte: `<prefix> IN=.. OUT=.. MAC source = .. MAC dest = .. proto = 0x....`
 * plus the `--log-ip` / `--log-ip6` / `--log-arp` tail. Used by the property
 * tests and by the simulator to write simulated bridge log lines.
 */
import { UNNAMED_PORTS_TRANSPORT } from "../model/ip-protocols.ts";
import type { TraceEvent } from "../model/packet.ts";

const PROTO_NUM: Record<string, number> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  icmpv6: 58,
  udplite: 136,
  sctp: 132,
  dccp: 33,
};
/** Transports ebt_log prints ports for; SCTP and DCCP also by number, as the parsers keep them. */
const WITH_PORTS = new Set(["tcp", "udp", "udplite", "sctp", "dccp", "132", "33", UNNAMED_PORTS_TRANSPORT]);

/**
 * The ebt_log line of `event` (message only). The prefix is written as given,
 * followed by the space ebt_log adds; `ethType` defaults to `0x0800`. With
 * `ip` set the `--log-ip` tail is written (IPv6 addresses give the `--log-ip6` tail),
 * with `arp` the `--log-arp` tail. Ports are written for TCP/UDP/UDPLITE/SCTP/DCCP when known.
 */
export function formatEbtLine(event: TraceEvent): string {
  let s = `${event.prefix} IN=${event.in ?? ""} OUT=${event.out ?? ""} MAC source = ${event.macSrc ?? "00:00:00:00:00:00"} MAC dest = ${
    event.macDst ?? "00:00:00:00:00:00"
  } proto = ${event.ethType ?? "0x0800"}`;
  const ip = event.ip;
  const l4 = event.l4;
  if (ip) {
    // An extension header printed first is written back as printed (the transport behind it has no number here).
    const proto = ip.nextHeader ?? (l4 ? (PROTO_NUM[l4.proto] ?? Number(l4.proto)) : 0);
    if (ip.src.includes(":")) {
      s += ` IPv6 SRC=${ip.src} IPv6 DST=${ip.dst}, IPv6 priority=0x${(ip.tc ?? 0).toString(16).toUpperCase()}, Next Header=${proto}`;
    } else {
      s += ` IP SRC=${ip.src} IP DST=${ip.dst}, IP tos=0x${(ip.tos ?? 0).toString(16).toUpperCase().padStart(2, "0")}, IP proto=${proto}`;
    }
    if (l4 && WITH_PORTS.has(l4.proto) && l4.sport !== undefined)
      s += ` SPT=${l4.sport} DPT=${l4.dport ?? 0}`;
  } else if (event.arp) {
    const a = event.arp;
    s += ` ARP HTYPE=${a.htype}, PTYPE=${a.ptype}, OPCODE=${a.opcode}`;
    if (a.macSrc !== undefined)
      s += ` ARP MAC SRC=${a.macSrc} ARP IP SRC=${a.ipSrc} ARP MAC DST=${a.macDst} ARP IP DST=${a.ipDst}`;
  }
  return s;
}
