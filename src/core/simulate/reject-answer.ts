/**
 * What a REJECT sends back to the packet it rejects: the ICMP or ICMPv6 error its type names
 * (iptables `--reject-with`, nft `reject with ...`) or a TCP RST, or nothing where the kernel sends
 * nothing (nf_send_unreach, icmp_send, icmp6_send, nf_send_reset; for the bridge family
 * nft_reject_bridge with nf_reject_skb_v4_unreach and friends). Pure: names in, numbers out.
 */

import { ICMP_CODES, ICMPV6_CODES } from "../parse/icmp-codes.ts";
import { isIcmpError } from "./conntrack.ts";
import type { PktType } from "./ruleset.ts";

/** The packet a REJECT answers with: an ICMP(v6) destination unreachable with its code, or a TCP RST. */
export type RejectAnswer = { kind: "icmp"; type: number; code: number } | { kind: "tcp-reset" };

/** A REJECT's answer, or why the kernel sends none. */
export type RejectOutcome = { answer: RejectAnswer } | { none: string };

/** iptables `--reject-with` ICMP names (long and short forms) and their codes (type 3). */
const IPT_V4: Record<string, number> = {
  "icmp-net-unreachable": 0,
  "net-unreach": 0,
  "icmp-host-unreachable": 1,
  "host-unreach": 1,
  "icmp-proto-unreachable": 2,
  "proto-unreach": 2,
  "icmp-port-unreachable": 3,
  "port-unreach": 3,
  "icmp-net-prohibited": 9,
  "net-prohib": 9,
  "icmp-host-prohibited": 10,
  "host-prohib": 10,
  "icmp-admin-prohibited": 13,
  "admin-prohib": 13,
};

/** ip6tables `--reject-with` ICMPv6 names and their codes (type 1). */
const IPT_V6: Record<string, number> = {
  "icmp6-no-route": 0,
  "no-route": 0,
  "icmp6-adm-prohibited": 1,
  "adm-prohibited": 1,
  "icmp6-addr-unreachable": 3,
  "addr-unreach": 3,
  "icmp6-port-unreachable": 4,
  "port-unreach": 4,
  "icmp6-policy-fail": 5,
  "policy-fail": 5,
  "icmp6-reject-route": 6,
  "reject-route": 6,
};

/** nft `reject with icmp [type] NAME` codes: nft's icmp_code names, as the nft monitor reader knows them. */
const NFT_V4 = ICMP_CODES;

/** nft `reject with icmpv6 [type] NAME` codes. */
const NFT_V6 = ICMPV6_CODES;

/** nft `reject with icmpx NAME`: one name per family's code (nft_reject_icmp_code, nft_reject_icmpv6_code). */
const NFT_X: Record<string, [number, number]> = {
  "no-route": [0, 0],
  "port-unreachable": [3, 4],
  "host-unreachable": [1, 3],
  "admin-prohibited": [13, 1],
};

/** `nft -n` prints an icmpx type by its number in the kernel's enum (NFT_REJECT_ICMPX_*), not a code. */
const NFT_X_NUMBERS = ["no-route", "port-unreachable", "host-unreachable", "admin-prohibited"];

/** The ICMP destination-unreachable type of a family: 3 (IPv4), 1 (ICMPv6). */
function unreachable(v6: boolean, code: number): RejectAnswer {
  return { kind: "icmp", type: v6 ? 1 : 3, code };
}

/** The code `with` names for an ICMP answer in family `v6`; undefined when it names none. */
function icmpCode(withText: string, v6: boolean): number | undefined {
  const w = withText.trim().toLowerCase();
  const nft = /^(icmpx|icmpv6|icmp)\s+(?:type\s+)?(\S+)$/.exec(w);
  if (!nft) return (v6 ? IPT_V6 : IPT_V4)[w];
  const [, kind, name] = nft as unknown as [string, string, string];
  if (kind === "icmpx")
    return NFT_X[/^\d+$/.test(name) ? (NFT_X_NUMBERS[Number(name)] ?? "") : name]?.[v6 ? 1 : 0];
  if (/^\d+$/.test(name)) return Number(name);
  // nft puts a family match before `with icmp` / `with icmpv6`, so the family fits the packet's.
  return (kind === "icmpv6" || v6 ? NFT_V6 : NFT_V4)[name];
}

/** What the packet REJECT answered looked like, as far as the answer depends on it. */
export interface RejectedPacket {
  v6?: boolean;
  proto: string;
  dst: string;
  icmpType?: number;
  tcpFlags?: readonly string[];
  pktType?: PktType;
}

/** Which kernel code answers: an IP family's REJECT (icmp_send, nf_send_reset) or nft_reject_bridge. */
export type RejectFamily = "ip" | "bridge";

/**
 * What REJECT with type `withText` (iptables `--reject-with` value, nft's `with ...` words; undefined:
 * the default port unreachable) sends for packet `p`: nothing for a frame addressed to a broadcast or
 * multicast MAC, for a TCP reset of a packet that is not TCP or is itself a RST
 * (nf_reject_ip_tcphdr_get), and, in an IP family, for an ICMP error (icmp_send and icmp6_send never
 * answer one) or a multicast or broadcast address. A bridge family's reject (`family` "bridge") looks at
 * the MAC only and refuses only a destination unreachable (nf_reject_skb_v4_unreach, _v6_unreach).
 */
export function rejectAnswer(
  withText: string | undefined,
  p: RejectedPacket,
  family: RejectFamily = "ip",
): RejectOutcome {
  const v6 = !!p.v6;
  const w = withText?.trim().toLowerCase();
  if (family === "bridge" && (p.pktType === "broadcast" || p.pktType === "multicast"))
    return { none: "a bridge family's reject sends nothing for a frame to a broadcast or multicast MAC" };
  if (w === "tcp-reset" || w === "tcp reset") {
    if (p.proto !== "tcp") return { none: "a TCP reset answers only TCP" };
    if (p.tcpFlags?.includes("RST")) return { none: "the kernel sends no RST in answer to a RST" };
    return { answer: { kind: "tcp-reset" } };
  }
  if (family === "bridge") {
    if (p.icmpType === (v6 ? 1 : 3) && p.proto === (v6 ? "icmpv6" : "icmp"))
      return { none: "the kernel sends no destination unreachable about a destination unreachable" };
  } else {
    const refused = icmpErrorRefused(p);
    if (refused) return { none: refused };
  }
  const code = w === undefined || w === "" ? (v6 ? 4 : 3) : icmpCode(w, v6);
  if (code === undefined) return { none: `'${withText}' is a reject type the model does not know` };
  return { answer: unreachable(v6, code) };
}

/**
 * Why icmp_send (icmp6_send) sends no error about `p`, or undefined when it sends one: `p` is itself an
 * ICMP error, or went to a broadcast or multicast address or MAC.
 */
export function icmpErrorRefused(p: RejectedPacket): string | undefined {
  if (isIcmpError({ proto: p.proto, icmpType: p.icmpType }))
    return "the kernel sends no ICMP error about an ICMP error";
  if (p.pktType === "broadcast" || p.pktType === "multicast" || multicastOrBroadcast(p.dst))
    return "the kernel sends no ICMP error about a broadcast or multicast packet";
  return undefined;
}

/** An IPv4 multicast or limited broadcast address, or an IPv6 multicast one. */
function multicastOrBroadcast(addr: string): boolean {
  if (addr.includes(":")) return addr.toLowerCase().startsWith("ff");
  const first = Number(addr.split(".")[0]);
  return addr === "255.255.255.255" || (first >= 224 && first < 240);
}

/**
 * What the program whose packet was rejected reports for `answer` (iputils ping, or a connect or send
 * on a TCP or UDP socket; kernel 6.18 capture, nft-bridge-reject): undefined where none was recorded.
 */
export function clientSees(answer: RejectAnswer, rejectedProto: string): string | undefined {
  if (answer.kind === "tcp-reset") return "connect: Connection refused";
  if (answer.type !== 3) return undefined;
  if (rejectedProto === "icmp")
    return answer.code === 3
      ? "ping: Destination Port Unreachable"
      : answer.code === 13
        ? "ping: Packet filtered"
        : undefined;
  if (answer.code === 3)
    return rejectedProto === "tcp" ? "connect: Connection refused" : "send: Connection refused";
  if (answer.code === 13 && rejectedProto === "tcp") return "connect: No route to host";
  return undefined;
}
