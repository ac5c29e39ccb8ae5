/**
 * What `packetwalk import` leaves out of a real host's log because the simulator does not follow
 * it (broadcast, multicast, link-local, unspecified sources, neighbour discovery and MLD, ICMP other
 * than echo, other protocols), and how it says so: the protocol in words, both addresses, the line,
 * the reason; many alike in one note with a count.
 */
import { describe, expect, it } from "vitest";
import { type LinkContext, leftOutNotes, unmodelledFlow } from "../../../src/core/import/unmodelled-flows.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const MAC4 = "02:00:00:00:00:02:02:00:00:00:00:01:08:00";
const MAC6 = "02:00:00:00:00:02:02:00:00:00:00:01:86:dd";
const v4 = (src: string, dst: string, l4: string, mac = MAC4) =>
  `[1.0] iptable/filter-INPUT IN=wan0 OUT= MAC=${mac} SRC=${src} DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=${l4} `;
const v6 = (src: string, dst: string, l4: string, mac = MAC6) =>
  `[1.0] ip6table/filter-INPUT IN=wan0 OUT= MAC=${mac} SRC=${src} DST=${dst} LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=${l4} `;
const ctx: LinkContext = {
  hostAddresses: ["203.0.113.10/24", "172.20.0.1/16", "169.254.7.1/16", "2001:db8:1::10/64"],
  named: new Set(["fe80::42"]),
};

/** The reason `line` (one packet) is left out, as `what | why`, or `kept`. */
function verdict(line: string, context = ctx): string {
  const parsed = parseTraceText(`${line}\n`);
  expect(parsed.diagnostics).toEqual([]);
  const flow = parsed.flows[0];
  if (!flow) throw new Error("no flow");
  const out = unmodelledFlow(flow, parsed.packets, context);
  return out ? `${out.what} ${out.src} -> ${out.dst} | ${out.why.split(":")[0]}` : "kept";
}

const BCAST_MAC = "ff:ff:ff:ff:ff:ff:02:00:00:00:00:01:08:00";
const MCAST_MAC = "01:00:5e:00:00:01:02:00:00:00:00:01:08:00";
const ECHO4 = "ICMP TYPE=8 CODE=0 ID=1 SEQ=1";
const ECHO6 = "ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1";
const NETBIOS = "UDP SPT=137 DPT=137 LEN=58";
const DHCP = "UDP SPT=68 DPT=67 LEN=308";
const MDNS = "UDP SPT=5353 DPT=5353 LEN=13";

/** By kind: the logged packet, and `what src -> dst | kind of reason` (or `kept`). */
const CASES: Record<string, [string, string][]> = {
  "keeps unicast ICMP echo, TCP and UDP between addresses a host can own": [
    [v4("203.0.113.1", "203.0.113.10", ECHO4), "kept"],
    [v4("203.0.113.1", "203.0.113.10", "TCP SPT=40000 DPT=22 WINDOW=1 RES=0x00 SYN URGP=0"), "kept"],
    [v6("2001:db8:1::1", "2001:db8:1::10", ECHO6), "kept"],
    // A link-local address a name was given for is a lab host's.
    [v6("fe80::42", "2001:db8:1::10", ECHO6), "kept"],
    // 198.51.100.255 is on no link of the host: without a broadcast MAC it is an address like any.
    [v4("198.51.100.1", "198.51.100.255", NETBIOS), "kept"],
  ],
  "broadcast: kept when the host takes it (limited, or a host link's subnet broadcast, at INPUT); an unspecified source first":
    [
      [
        v4("0.0.0.0", "255.255.255.255", DHCP),
        "UDP to port 67 (DHCP) 0.0.0.0 -> 255.255.255.255 | unspecified source (a host without an address yet",
      ],
      [v4("172.20.0.2", "255.255.255.255", DHCP), "kept"],
      [v4("203.0.113.1", "203.0.113.255", NETBIOS), "kept"],
      [v4("172.20.0.2", "172.20.255.255", ECHO4, BCAST_MAC), "kept"],
      [
        v4("172.20.0.2", "172.20.255.255", ECHO4).replace(
          "filter-INPUT IN=wan0 OUT=",
          "filter-FORWARD IN=br0 OUT=br0",
        ),
        "ICMP echo request (type 8) 172.20.0.2 -> 172.20.255.255 | broadcast destination the host sent or passed on (logged with an output device)",
      ],
      // An nft firewall's chain names (firewalld's, fw4's): the devices tell a broadcast the host took in.
      [
        v4("203.0.113.1", "203.0.113.255", NETBIOS).replace(
          "iptable/filter-INPUT",
          "pwsm/nft/inet/fw4/input",
        ),
        "kept",
      ],
      [
        v4("203.0.113.10", "203.0.113.255", NETBIOS).replace(
          "filter-INPUT IN=wan0 OUT=",
          "filter-OUTPUT IN= OUT=wan0",
        ),
        "UDP to port 137 (NetBIOS name service) 203.0.113.10 -> 203.0.113.255 | broadcast destination the host sent or passed on (logged with an output device)",
      ],
      [
        v4("198.51.100.1", "198.51.100.255", NETBIOS, BCAST_MAC),
        "UDP to port 137 (NetBIOS name service) 198.51.100.1 -> 198.51.100.255 | broadcast destination",
      ],
    ],
  "multicast: 224.0.0.0/4, ff00::/8, or a multicast MAC; IGMP and MLD by name": [
    [
      v4("203.0.113.1", "224.0.0.1", "2"),
      "IGMP (protocol 2) 203.0.113.1 -> 224.0.0.1 | multicast destination",
    ],
    [
      v4("172.20.0.2", "224.0.0.251", MDNS),
      "UDP to port 5353 (mDNS) 172.20.0.2 -> 224.0.0.251 | multicast destination",
    ],
    [
      v4("172.20.0.2", "239.255.255.250", "UDP SPT=40000 DPT=1900 LEN=13"),
      "UDP to port 1900 (SSDP) 172.20.0.2 -> 239.255.255.250 | multicast destination",
    ],
    [
      v6("fe80::1", "ff02::1", "ICMPv6 TYPE=130 CODE=0"),
      "ICMPv6 MLD query (type 130) fe80::1 -> ff02::1 | multicast destination",
    ],
    [
      v4("203.0.113.1", "203.0.113.10", "UDP SPT=1 DPT=9 LEN=8", MCAST_MAC),
      "UDP to port 9 203.0.113.1 -> 203.0.113.10 | multicast destination",
    ],
  ],
  "link-local addresses no lab host owns; the host's own 169.254 address is kept": [
    [
      v6("fe80::1", "fe80::2", ECHO6),
      "ICMPv6 echo request (type 128) fe80::1 -> fe80::2 | link-local source",
    ],
    [
      v4("169.254.7.9", "169.254.7.1", ECHO4),
      "ICMP echo request (type 8) 169.254.7.9 -> 169.254.7.1 | link-local source",
    ],
    [v4("169.254.7.1", "203.0.113.1", ECHO4), "kept"],
  ],
  "unicast neighbour discovery, ICMP errors and protocols other than ICMP, TCP and UDP": [
    [
      v6("2001:db8:1::1", "2001:db8:1::10", "ICMPv6 TYPE=135 CODE=0"),
      "ICMPv6 neighbour solicitation (type 135) 2001:db8:1::1 -> 2001:db8:1::10 | neighbour discovery and MLD are not simulated",
    ],
    [
      v4("203.0.113.1", "203.0.113.10", "ICMP TYPE=13 CODE=0"),
      "ICMP timestamp request (type 13) 203.0.113.1 -> 203.0.113.10 | the simulator sends ICMP echo requests and replies only",
    ],
    [
      v4("203.0.113.1", "203.0.113.10", "47"),
      "GRE (protocol 47) 203.0.113.1 -> 203.0.113.10 | the simulator follows ICMP, TCP and UDP only",
    ],
    [
      v4("203.0.113.1", "203.0.113.10", "2"),
      "IGMP (protocol 2) 203.0.113.1 -> 203.0.113.10 | the simulator follows ICMP, TCP and UDP only",
    ],
  ],
};

describe("unmodelledFlow: what the simulator cannot follow", () => {
  for (const [title, cases] of Object.entries(CASES))
    it(title, () => {
      expect(cases.map(([line]) => verdict(line))).toEqual(cases.map(([, want]) => want));
    });
});

describe("unmodelledFlow: a transport ebtables did not name", () => {
  /** An ebtables `--log-ip6` line between 2001:db8:1::1 and ::10, next header `nh`, with ports. */
  const ebt6 = (nh: number, reply = false) => {
    const [a, b] = reply ? ["0010", "0001"] : ["0001", "0010"];
    const ports = reply ? "SPT=4789 DPT=40000" : "SPT=40000 DPT=4789";
    return `[1.0] ebt-filter-FORWARD IN=veth-a OUT=veth-b MAC source = 02:00:00:00:00:01 MAC dest = 02:00:00:00:00:02 proto = 0x86dd IPv6 SRC=2001:0db8:0001:0000:0000:0000:0000:${a} IPv6 DST=2001:0db8:0001:0000:0000:0000:0000:${b}, IPv6 priority=0x0, Next Header=${nh} ${ports}`;
  };

  it("is left out saying the log never names it, not as another protocol; once a packet names it, it is kept", () => {
    expect(verdict(ebt6(44))).toBe(
      "TCP/UDP/SCTP/DCCP behind IPv6 extension headers 2001:db8:1::1 -> 2001:db8:1::10 | ebtables printed its ports behind an IPv6 extension header without naming the transport, and no packet of the flow names it",
    );
    const parsed = parseTraceText(`${ebt6(44)}\n${ebt6(17, true)}\n`);
    expect(parsed.flows.map((f) => f.proto)).toEqual(["udp"]);
    expect(unmodelledFlow(parsed.flows[0] as never, parsed.packets, ctx)).toBeUndefined();
  });
});

describe("leftOutNotes: one note per kind", () => {
  it("a single flow names its protocol, addresses, line and reason", () => {
    const parsed = parseTraceText(`${v4("203.0.113.1", "224.0.0.1", "2")}\n`);
    const out = unmodelledFlow(parsed.flows[0] as never, parsed.packets, ctx);
    expect(leftOutNotes(out ? [out] : [], "/home/me/kernel.log")).toEqual([
      "left out: IGMP (protocol 2) from 203.0.113.1 to 224.0.0.1 (kernel.log line 1): multicast destination: the simulator follows unicast packets only",
    ]);
  });

  it("thirty mDNS senders and an IGMP query are two notes, counted, addresses and lines cut short", () => {
    const lines = [
      ...Array.from({ length: 30 }, (_, i) =>
        v4(`172.20.0.${i + 2}`, "224.0.0.251", "UDP SPT=5353 DPT=5353 LEN=13"),
      ),
      v4("203.0.113.1", "224.0.0.1", "2"),
    ];
    const parsed = parseTraceText(`${lines.join("\n")}\n`);
    expect(parsed.flows).toHaveLength(31);
    const out = parsed.flows.map((f) =>
      unmodelledFlow(
        f,
        parsed.packets.filter((p) => p.flow === f.id),
        ctx,
      ),
    );
    expect(out.every((o) => o !== undefined)).toBe(true);
    expect(leftOutNotes(out as never, "kernel.log")).toEqual([
      "left out: 30 flows of UDP to port 5353 (mDNS) from 172.20.0.2, 172.20.0.3, 172.20.0.4 and 27 more to 224.0.0.251 (kernel.log lines 1, 2, 3, 4, 5, 6, 7, 8 and 22 more): multicast destination: the simulator follows unicast packets only",
      "left out: IGMP (protocol 2) from 203.0.113.1 to 224.0.0.1 (kernel.log line 31): multicast destination: the simulator follows unicast packets only",
    ]);
  });
});

describe("unmodelledFlow: TCP whose connection began before the log", () => {
  it("a flow first logged without its SYN (a late FIN, a RST, a SYN-ACK) is left out; late packets to many ports are one note", () => {
    const lines = [
      v4("198.51.100.7", "203.0.113.10", "TCP SPT=443 DPT=51234 WINDOW=0 RES=0x00 ACK RST URGP=0"),
      v4("198.51.100.8", "203.0.113.10", "TCP SPT=443 DPT=51235 WINDOW=501 RES=0x00 ACK FIN URGP=0"),
      v4("198.51.100.9", "203.0.113.10", "TCP SPT=80 DPT=40000 WINDOW=501 RES=0x00 ACK SYN URGP=0"),
      v4("198.51.100.9", "203.0.113.10", "TCP SPT=40001 DPT=22 WINDOW=501 RES=0x00 SYN URGP=0"),
    ];
    const parsed = parseTraceText(`${lines.join("\n")}\n`);
    const out = parsed.flows.map((f) =>
      unmodelledFlow(
        f,
        parsed.packets.filter((p) => p.flow === f.id),
        ctx,
      ),
    );
    expect(out[3]).toBeUndefined();
    expect(
      leftOutNotes(
        out.filter((o) => o !== undefined),
        "kernel.log",
      ),
    ).toEqual([
      "left out: 3 flows of TCP without its opening SYN from 198.51.100.7, 198.51.100.8, 198.51.100.9 to 203.0.113.10 (kernel.log lines 1, 2, 3): the connection began before the log, or its conntrack entry had expired: what conntrack knew of it is not in the log, so the simulator cannot replay it",
    ]);
  });
});
