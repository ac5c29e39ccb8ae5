/**
 * Network namespaces (containers, a lab's hosts) logging with `nf_log_all_netns=1` write into one
 * kernel log, with nothing that names the namespace. A packet that left one of them by a device
 * comes back in there only on that device (lo, a looped multicast copy): a router's POSTROUTING
 * `OUT=re` followed by INPUT `IN=ce` is the next host's line, another packet. Lines recorded on
 * kernel 6.18 (hv46), trimmed.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const HDR = "SRC=10.5.0.2 DST=198.51.100.9 LEN=84 TOS=0x00 PREC=0x00";
const ECHO = "ID=53353 DF PROTO=ICMP TYPE=8 CODE=0 ID=3023 SEQ=1";
const routerThenHost = [
  `[36750.209279] iptable/mangle-PREROUTING IN=re OUT= MAC=02:00:00:00:05:01:02:00:00:00:05:02:08:00 ${HDR} TTL=64 ${ECHO} `,
  `[36750.209302] iptable/mangle-FORWARD IN=re OUT=re MAC=02:00:00:00:05:01:02:00:00:00:05:02:08:00 ${HDR} TTL=63 ${ECHO} `,
  `[36750.209304] iptable/mangle-POSTROUTING IN=re OUT=re MAC=02:00:00:00:05:01:02:00:00:00:05:02:08:00 ${HDR} TTL=63 ${ECHO} `,
  `[36750.209415] iptable/filter-INPUT IN=ce OUT= MAC=02:00:00:00:05:03:02:00:00:00:05:01:08:00 ${HDR} TTL=63 ${ECHO} `,
];
const hooksOf = (lines: string[]) =>
  parseTraceText(lines.join("\n"), { file: "x.log" }).packets.map((p) => p.hooks.join(" > "));

describe("two hosts' lines in one kernel log", () => {
  it("splits a router's way out from the next host's INPUT on another device", () => {
    expect(hooksOf(routerThenHost)).toEqual([
      "ip:mangle:PREROUTING > ip:mangle:FORWARD > ip:mangle:POSTROUTING",
      "ip:filter:INPUT",
    ]);
  });

  it("splits a sender's OUTPUT from the receiver's INPUT and FORWARD", () => {
    const out = `[10.000001] iptable/filter-OUTPUT IN= OUT=ae ${HDR} TTL=64 ${ECHO} `;
    const inp = `[10.000050] iptable/filter-INPUT IN=be OUT= MAC=02:00:00:00:05:03:02:00:00:00:05:01:08:00 ${HDR} TTL=64 ${ECHO} `;
    const fwd = `[10.000050] iptable/filter-FORWARD IN=be OUT=bf ${HDR} TTL=63 ${ECHO} `;
    expect(hooksOf([out, inp])).toEqual(["ip:filter:OUTPUT", "ip:filter:INPUT"]);
    expect(hooksOf([out, fwd])).toEqual(["ip:filter:OUTPUT", "ip:filter:FORWARD"]);
  });

  it("keeps a routed packet's FORWARD chains of two tables together (the device it came in by differs from its way out)", () => {
    expect(
      hooksOf([
        `[10.000001] iptable/mangle-FORWARD IN=docker0 OUT=eth0 ${HDR} TTL=63 ${ECHO} `,
        `[10.000002] iptable/filter-FORWARD IN=docker0 OUT=eth0 ${HDR} TTL=63 ${ECHO} `,
        `[10.000003] iptable/mangle-POSTROUTING IN= OUT=eth0 ${HDR} TTL=63 ${ECHO} `,
      ]),
    ).toEqual(["ip:mangle:FORWARD > ip:filter:FORWARD > ip:mangle:POSTROUTING"]);
  });

  it("keeps a connection nat OUTPUT redirected to a local port one packet (mangle OUTPUT printed the first route's device)", () => {
    const tcp = (dst: string, dport: number) =>
      `SRC=192.168.1.5 DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=4242 DF PROTO=TCP SPT=40000 DPT=${dport} WINDOW=64240 RES=0x00 SYN URGP=0 `;
    expect(
      hooksOf([
        `[100.000001] iptable/mangle-OUTPUT IN= OUT=eth0 ${tcp("198.51.100.34", 80)}`,
        `[100.000002] iptable/filter-INPUT IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 ${tcp("127.0.0.1", 8080)}`,
      ]),
    ).toEqual(["ip:mangle:OUTPUT > ip:filter:INPUT"]);
  });

  it("keeps one packet that comes back in on the device it left by (lo, a looped multicast copy)", () => {
    const mc =
      "SRC=10.5.0.2 DST=224.0.0.251 LEN=60 TOS=0x00 PREC=0x00 TTL=255 ID=7 DF PROTO=UDP SPT=5353 DPT=5353 LEN=40";
    expect(
      hooksOf([
        `[10.000001] iptable/filter-OUTPUT IN= OUT=ae ${mc} `,
        `[10.000002] iptable/mangle-POSTROUTING IN= OUT=ae ${mc} `,
        `[10.000003] iptable/filter-INPUT IN=ae OUT= MAC= ${mc} `,
      ]),
    ).toEqual(["ip:filter:OUTPUT > ip:mangle:POSTROUTING > ip:filter:INPUT"]);
    const lo =
      "SRC=127.0.0.1 DST=127.0.0.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=9 DF PROTO=TCP SPT=40000 DPT=80 WINDOW=65495 RES=0x00 SYN URGP=0";
    expect(
      hooksOf([
        `[10.000001] iptable/filter-OUTPUT IN= OUT=lo ${lo} `,
        `[10.000003] iptable/filter-INPUT IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 ${lo} `,
      ]),
    ).toEqual(["ip:filter:OUTPUT > ip:filter:INPUT"]);
  });
});

describe("two LOG rules of one chain with the same prefix", () => {
  // A general LOG rule and one for `-o tun46`, both `--log-prefix "iptable/filter-OUTPUT "`; one `ping -c1` (hv46).
  const line = (t: string, id: number) =>
    `[${t}] iptable/filter-OUTPUT IN= OUT=tun46 SRC=100.64.0.1 DST=100.64.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=26584 SEQ=1 `;

  it("reads one datagram printed twice (same nonzero IP id, within the relog time) as one packet", () => {
    const { packets } = parseTraceText([line("36600.672941", 494), line("36600.672954", 494)].join("\n"), {
      file: "x.log",
    });
    expect(packets).toHaveLength(1);
    expect(packets[0]?.events).toHaveLength(2);
  });

  it("keeps two namespaces' copies of one broadcast two packets (the same header, IN=eth0 in each)", () => {
    const copy = (t: string) =>
      `[${t}] iptable/filter-INPUT IN=eth0 OUT= MAC=ff:ff:ff:ff:ff:ff:02:42:ac:14:00:04:08:00 SRC=172.20.0.4 DST=172.20.255.255 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=51234 DF PROTO=ICMP TYPE=8 CODE=0 ID=9 SEQ=1 `;
    expect(
      parseTraceText([copy("100.000101"), copy("100.000107")].join("\n"), { file: "x.log" }).packets,
    ).toHaveLength(2);
  });

  it("keeps two packets when the IP id tells nothing (0) or differs", () => {
    for (const [a, b] of [
      [0, 0],
      [494, 495],
    ] as const)
      expect(
        parseTraceText([line("36600.672941", a), line("36600.672954", b)].join("\n"), { file: "x.log" })
          .packets,
      ).toHaveLength(2);
  });
});
