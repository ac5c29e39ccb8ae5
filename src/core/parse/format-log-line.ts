/**
 * Writes an event as the kernel's LOG target would (`nf_log_syslog.c`),
 * byte for byte, including the trailing space the kernel leaves. Used by the
 * property tests (parse(format(x)) == x) and by the simulator to write
 * simulated kernel log lines.
 */
import type { IpInfo, L4Info, TraceEvent } from "../model/packet.ts";
import { vlanTci } from "./vlan-tag.ts";

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
const PROTO_OUT: Record<string, string> = {
  tcp: "TCP",
  udp: "UDP",
  udplite: "UDPLITE",
  icmp: "ICMP",
  icmpv6: "ICMPv6",
  ah: "AH",
  esp: "ESP",
};

/**
 * The MAC header field. A SIT (6in4) device's packet (`tunnel`) takes dump_mac_header's fallback even
 * with `--log-macdecode` (only an Ethernet device's is decoded), and the kernel writes
 * ` TUNNEL=%pI4->%pI4` after the MAC's bytes, before the field's closing space.
 */
function macPart(ev: TraceEvent): string {
  const tunnel = ev.tunnel ? ` TUNNEL=${ev.tunnel.src}->${ev.tunnel.dst}` : "";
  if (ev.macRaw !== undefined) return `MAC=${ev.macRaw}${tunnel} `;
  if (ev.macSrc && ev.macDst) {
    const type = (ev.ethType ?? "0x0800").slice(2).padStart(4, "0");
    const vlan = ev.vlan ? `VPROTO=${ev.vlan.proto.slice(2)} VID=${vlanTci(ev.vlan)} ` : "";
    if (ev.macDecoded && !tunnel) return `MACSRC=${ev.macSrc} MACDST=${ev.macDst} ${vlan}MACPROTO=${type} `;
    return `MAC=${ev.macDst}:${ev.macSrc}:${type.slice(0, 2)}:${type.slice(2)}${tunnel} `;
  }
  return `MAC=${tunnel} `;
}

function ipPart(ip: IpInfo, l4: L4Info | undefined, inner: TraceEvent["inner"], top: boolean): string {
  let s = `SRC=${ip.src} DST=${ip.dst} `;
  if (ip.src.includes(":")) {
    s += `LEN=${ip.len ?? 0} TC=${ip.tc ?? 0} HOPLIMIT=${ip.ttl ?? 64} FLOWLBL=${ip.flowLabel ?? 0} `;
    s += ipv6Headers(ip);
  } else {
    s += `LEN=${ip.len ?? 0} TOS=0x${hex2(ip.tos ?? 0)} PREC=0x${hex2(ip.prec ?? 0)} TTL=${ip.ttl ?? 64} ID=${ip.id ?? 0} `;
    for (const f of ["CE", "DF", "MF"]) if (ip.flags?.includes(f)) s += `${f} `;
    if (ip.fragment) s += `FRAG:${ip.fragment} `;
    if (ip.options !== undefined) s += `OPT (${ip.options}) `;
  }
  if (!l4) return s;
  const name = PROTO_OUT[l4.proto];
  if (!name) return `${s}PROTO=${l4.proto} `;
  s += `PROTO=${name} `;
  if (ip.fragment) return s;
  switch (l4.proto) {
    case "tcp": {
      s += `SPT=${l4.sport ?? 0} DPT=${l4.dport ?? 0} `;
      if (l4.seq !== undefined) s += `SEQ=${l4.seq} ACK=${l4.ack ?? 0} `;
      s += `WINDOW=${l4.window ?? 0} RES=0x${(l4.res ?? 0).toString(16).padStart(2, "0")} `;
      for (const f of ["AE", "CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"])
        if (l4.tcpFlags?.includes(f)) s += `${f} `;
      s += `URGP=${l4.urgp ?? 0} `;
      if (l4.tcpOptions !== undefined) s += `OPT (${l4.tcpOptions}) `;
      return s;
    }
    case "udp":
    case "udplite":
      return `${s}SPT=${l4.sport ?? 0} DPT=${l4.dport ?? 0} LEN=${l4.udpLen ?? 0} `;
    case "icmp":
    case "icmpv6": {
      s += `TYPE=${l4.icmpType ?? 0} CODE=${l4.icmpCode ?? 0} `;
      const t = l4.icmpType ?? 0;
      const echo = l4.proto === "icmp" ? t === 0 || t === 8 : t === 128 || t === 129;
      if (echo) s += `ID=${l4.icmpId ?? 0} SEQ=${l4.icmpSeq ?? 0} `;
      if (l4.icmpParameter !== undefined)
        s +=
          l4.proto === "icmpv6"
            ? `POINTER=${l4.icmpParameter.toString(16).padStart(8, "0")} `
            : `PARAMETER=${l4.icmpParameter} `;
      if (l4.icmpGateway !== undefined) s += `GATEWAY=${l4.icmpGateway} `;
      if (top && inner) s += `[${ipPart(inner.ip, inner.l4, undefined, false)}] `;
      if (l4.mtu !== undefined) s += `MTU=${l4.mtu} `;
      return s;
    }
    case "esp":
    case "ah":
      return l4.spi === undefined ? s : `${s}SPI=0x${l4.spi.toString(16)} `;
    default:
      return s;
  }
}

/**
 * IPv6 extension headers: with `--log-ip-options` each inside its own `OPT ( .. )` (kept as read in
 * `extensionHeaders`), else only a fragment header's `FRAG:n [INCOMPLETE ]ID:%08x`.
 */
function ipv6Headers(ip: IpInfo): string {
  if (ip.extensionHeaders) return ip.extensionHeaders.map((h) => `OPT ( ${h ? `${h} ` : ""}) `).join("");
  if (ip.fragment === undefined) return "";
  const more = ip.flags?.includes("MF") ? "INCOMPLETE " : "";
  return `FRAG:${ip.fragment} ${more}ID:${(ip.id ?? 0).toString(16).padStart(8, "0")} `;
}

/**
 * The kernel LOG line of `event` (the message only, no envelope): the prefix
 * verbatim, `IN= OUT=`, `PHYSIN=`/`PHYSOUT=`, the MAC header when `in` is set
 * (`MAC=dst:src:type`, or `MACSRC=.. MACDST=.. MACPROTO=..` when `macDecoded`,
 * or `MAC=<macRaw>`; a SIT device's `TUNNEL=` after its bytes), then the IP, transport or ARP fields, `UID=`/`GID=` and `MARK=`.
 * Fields the event lacks are written as the kernel's zero values (e.g. `PREC=0x00`).
 */
export function formatLogLine(event: TraceEvent): string {
  let s = `${event.prefix}IN=${event.in ?? ""} OUT=${event.out ?? ""} `;
  if (event.physIn) s += `PHYSIN=${event.physIn} `;
  if (event.physOut) s += `PHYSOUT=${event.physOut} `;
  if (event.arp && !event.ip) {
    if (event.macDecoded && event.macSrc && event.macDst) {
      s += `MACSRC=${event.macSrc} MACDST=${event.macDst} MACPROTO=${(event.ethType ?? "0x0806").slice(2)} `;
    }
    const a = event.arp;
    s += `ARP HTYPE=${a.htype} PTYPE=${a.ptype} OPCODE=${a.opcode}`;
    if (a.macSrc !== undefined)
      s += ` MACSRC=${a.macSrc} IPSRC=${a.ipSrc} MACDST=${a.macDst} IPDST=${a.ipDst}`;
    return s;
  }
  if (event.in) s += macPart(event);
  if (!event.ip) return s;
  s += ipPart(event.ip, event.l4, event.inner, true);
  if (event.uid !== undefined) s += `UID=${event.uid} GID=${event.gid ?? 0} `;
  if (event.mark !== undefined && event.mark !== "0x0") s += `MARK=${event.mark} `;
  return s;
}
