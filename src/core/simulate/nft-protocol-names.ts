/**
 * The protocol names nft resolves (`meta l4proto gre`, `ip protocol esp`): its own words and those of
 * /etc/protocols, looked up as written (nft 1.0.6 took `TCP` and `OSPFIGP`, refused `IPV6-ICMP`).
 * The list is Debian's netbase; another system's file may hold more, so a name outside it is warned
 * of, never refused.
 */
const NAMES = new Set(
  "ip IP hopopt HOPOPT icmp ICMP igmp IGMP ggp GGP ipencap IP-ENCAP st ST tcp TCP egp EGP igp IGP pup PUP udp UDP hmp HMP xns-idp XNS-IDP rdp RDP iso-tp4 ISO-TP4 dccp DCCP xtp XTP ddp DDP idpr-cmtp IDPR-CMTP ipv6 IPv6 ipv6-route IPv6-Route ipv6-frag IPv6-Frag idrp IDRP rsvp RSVP gre GRE esp IPSEC-ESP ah IPSEC-AH skip SKIP ipv6-icmp IPv6-ICMP ipv6-nonxt IPv6-NoNxt ipv6-opts IPv6-Opts rspf RSPF CPHB vmtp VMTP eigrp EIGRP ospf OSPFIGP ax.25 AX.25 ipip IPIP etherip ETHERIP encap ENCAP pim PIM ipcomp IPCOMP vrrp VRRP l2tp L2TP isis ISIS sctp SCTP fc FC mobility-header Mobility-Header udplite UDPLite mpls-in-ip MPLS-in-IP manet hip HIP shim6 Shim6 wesp WESP rohc ROHC ethernet Ethernet mptcp MPTCP icmpv6 comp".split(
    " ",
  ),
);

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
