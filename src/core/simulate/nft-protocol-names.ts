/**
 * The protocol names nft resolves (`meta l4proto gre`, `ip protocol esp`): its own words and those of
 * /etc/protocols, looked up as written (nft 1.0.6 took `TCP` and `OSPFIGP`, refused `IPV6-ICMP`).
 * The list is Debian's netbase; another system's file may hold more, so a name outside it is warned
 * of, never refused.
 */
/** Each name's protocol number (`tcp` 6, `IPSEC-ESP` 50), as /etc/protocols and nft's own words (`icmpv6`, `comp`) give it. */
const NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(
  (
    "ip:0 IP:0 hopopt:0 HOPOPT:0 icmp:1 ICMP:1 igmp:2 IGMP:2 ggp:3 GGP:3 ipencap:4 IP-ENCAP:4 st:5 " +
    "ST:5 tcp:6 TCP:6 egp:8 EGP:8 igp:9 IGP:9 pup:12 PUP:12 udp:17 UDP:17 hmp:20 HMP:20 xns-idp:22 " +
    "XNS-IDP:22 rdp:27 RDP:27 iso-tp4:29 ISO-TP4:29 dccp:33 DCCP:33 xtp:36 XTP:36 ddp:37 DDP:37 " +
    "idpr-cmtp:38 IDPR-CMTP:38 ipv6:41 IPv6:41 ipv6-route:43 IPv6-Route:43 ipv6-frag:44 " +
    "IPv6-Frag:44 idrp:45 IDRP:45 rsvp:46 RSVP:46 gre:47 GRE:47 esp:50 IPSEC-ESP:50 ah:51 " +
    "IPSEC-AH:51 skip:57 SKIP:57 ipv6-icmp:58 IPv6-ICMP:58 ipv6-nonxt:59 IPv6-NoNxt:59 ipv6-opts:60 " +
    "IPv6-Opts:60 rspf:73 RSPF:73 CPHB:73 vmtp:81 VMTP:81 eigrp:88 EIGRP:88 ospf:89 OSPFIGP:89 " +
    "ax.25:93 AX.25:93 ipip:94 IPIP:94 etherip:97 ETHERIP:97 encap:98 ENCAP:98 pim:103 PIM:103 " +
    "ipcomp:108 IPCOMP:108 vrrp:112 VRRP:112 l2tp:115 L2TP:115 isis:124 ISIS:124 sctp:132 SCTP:132 " +
    "fc:133 FC:133 mobility-header:135 Mobility-Header:135 udplite:136 UDPLite:136 mpls-in-ip:137 " +
    "MPLS-in-IP:137 manet:138 hip:139 HIP:139 shim6:140 Shim6:140 wesp:141 WESP:141 rohc:142 " +
    "ROHC:142 ethernet:143 Ethernet:143 mptcp:262 MPTCP:262 icmpv6:58 comp:108"
  )
    .split(" ")
    .map((pair) => [pair.slice(0, pair.lastIndexOf(":")), Number(pair.slice(pair.lastIndexOf(":") + 1))]),
);

const NAMES = new Set(Object.keys(NUMBERS));

/** The number of protocol name `word` nft resolves here (`gre` 47); undefined for another word. */
export function protocolNumber(word: string): number | undefined {
  return NAMES.has(word) ? NUMBERS[word] : undefined;
}

/** Whether nft resolves `word` as a protocol (a number, or a name of {@link NAMES}). */
export function knownProtocol(word: string): boolean {
  return /^(0x[0-9a-f]+|\d+)$/i.test(word) || NAMES.has(word);
}

/** The warning's words for a protocol name nft would not resolve here. */
export const UNKNOWN_PROTOCOL_HINT =
  "write the protocol's name as /etc/protocols has it (tcp, udp, icmp, gre, esp, sctp, ...) or its number";

/** The warning for protocol name `name` nft would not resolve here, alone or in a set. */
export function unknownProtocolMessage(name: string): string {
  return `'${name}' is not a protocol name of /etc/protocols: nft refuses a name it cannot resolve ("Could not resolve protocol name"), and the simulator matches no packet with it`;
}
