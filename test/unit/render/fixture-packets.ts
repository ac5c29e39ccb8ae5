/**
 * The hand-built packets behind `test/fixtures/render/<case>/input.json`,
 * from the hook orders of Docker's default bridge (br_netfilter loaded):
 * ebtables nat PREROUTING, then the IP PREROUTING hooks called by
 * br_netfilter, the bridge FORWARD hook before the IP FORWARD hooks, and
 * the bridge nat POSTROUTING hook before the IP POSTROUTING hooks.
 *
 * Run `node test/unit/render/write-fixture-inputs.ts` to rewrite the inputs.
 */
import type { Packet } from "../../../src/core/model/packet.ts";
import type { ToMermaidOptions } from "../../../src/core/render/to-mermaid.ts";
import { makePacket } from "./make-packet.ts";

/** One render fixture: its folder name, intent, packet and options. */
export interface RenderCase {
  name: string;
  intent: string;
  packet: Packet;
  options: ToMermaidOptions;
}

const C1 = "172.17.0.2";
const C2 = "172.17.0.3";
const GW = "172.17.0.1";
const HOST_WAN = "203.0.113.2";
const CLIENT = "198.51.100.10";

const c2ToC1 = makePacket(
  { id: 1, flow: 1, direction: "request", summary: `ICMP echo-request ${C2} -> ${C1}`, proto: "icmp" },
  [
    { hook: "bridge:nat:PREROUTING", in: "veth-c2", src: C2, dst: C1 },
    { hook: "ip:raw:PREROUTING", in: "docker0", physIn: "veth-c2", src: C2, dst: C1 },
    { hook: "ip:mangle:PREROUTING", in: "docker0", physIn: "veth-c2", src: C2, dst: C1 },
    { hook: "ip:nat:PREROUTING", in: "docker0", physIn: "veth-c2", src: C2, dst: C1 },
    { hook: "bridge:filter:FORWARD", in: "veth-c2", out: "veth-c1", src: C2, dst: C1 },
    {
      hook: "ip:mangle:FORWARD",
      in: "docker0",
      out: "docker0",
      physIn: "veth-c2",
      physOut: "veth-c1",
      src: C2,
      dst: C1,
    },
    {
      hook: "ip:filter:FORWARD",
      in: "docker0",
      out: "docker0",
      physIn: "veth-c2",
      physOut: "veth-c1",
      src: C2,
      dst: C1,
    },
    { hook: "bridge:nat:POSTROUTING", out: "veth-c1", src: C2, dst: C1 },
    {
      hook: "ip:mangle:POSTROUTING",
      out: "docker0",
      physIn: "veth-c2",
      physOut: "veth-c1",
      src: C2,
      dst: C1,
    },
    { hook: "ip:nat:POSTROUTING", out: "docker0", physIn: "veth-c2", physOut: "veth-c1", src: C2, dst: C1 },
  ],
);

const c1ToC2Reply = makePacket(
  { id: 2, flow: 1, direction: "reply", summary: `ICMP echo-reply ${C1} -> ${C2}`, proto: "icmp" },
  [
    { hook: "bridge:nat:PREROUTING", in: "veth-c1", src: C1, dst: C2 },
    { hook: "ip:raw:PREROUTING", in: "docker0", physIn: "veth-c1", src: C1, dst: C2 },
    { hook: "ip:mangle:PREROUTING", in: "docker0", physIn: "veth-c1", src: C1, dst: C2 },
    { hook: "bridge:filter:FORWARD", in: "veth-c1", out: "veth-c2", src: C1, dst: C2 },
    {
      hook: "ip:mangle:FORWARD",
      in: "docker0",
      out: "docker0",
      physIn: "veth-c1",
      physOut: "veth-c2",
      src: C1,
      dst: C2,
    },
    {
      hook: "ip:filter:FORWARD",
      in: "docker0",
      out: "docker0",
      physIn: "veth-c1",
      physOut: "veth-c2",
      src: C1,
      dst: C2,
    },
    { hook: "bridge:nat:POSTROUTING", out: "veth-c2", src: C1, dst: C2 },
    {
      hook: "ip:mangle:POSTROUTING",
      out: "docker0",
      physIn: "veth-c1",
      physOut: "veth-c2",
      src: C1,
      dst: C2,
    },
  ],
);

const hostToC1 = makePacket(
  { id: 1, flow: 1, direction: "request", summary: `ICMP echo-request ${GW} -> ${C1}`, proto: "icmp" },
  [
    { hook: "ip:raw:OUTPUT", out: "docker0", src: GW, dst: C1 },
    { hook: "ip:mangle:OUTPUT", out: "docker0", src: GW, dst: C1 },
    { hook: "ip:nat:OUTPUT", out: "docker0", src: GW, dst: C1 },
    { hook: "ip:filter:OUTPUT", out: "docker0", src: GW, dst: C1 },
    { hook: "ip:mangle:POSTROUTING", out: "docker0", src: GW, dst: C1 },
    { hook: "ip:nat:POSTROUTING", out: "docker0", src: GW, dst: C1 },
    { hook: "bridge:nat:OUTPUT", out: "veth-c1", src: GW, dst: C1 },
    { hook: "bridge:filter:OUTPUT", out: "veth-c1", src: GW, dst: C1 },
    { hook: "bridge:nat:POSTROUTING", out: "veth-c1", src: GW, dst: C1 },
  ],
);

const c1ToHostReply = makePacket(
  { id: 2, flow: 1, direction: "reply", summary: `ICMP echo-reply ${C1} -> ${GW}`, proto: "icmp" },
  [
    { hook: "bridge:nat:PREROUTING", in: "veth-c1", src: C1, dst: GW },
    { hook: "ip:raw:PREROUTING", in: "docker0", physIn: "veth-c1", src: C1, dst: GW },
    { hook: "ip:mangle:PREROUTING", in: "docker0", physIn: "veth-c1", src: C1, dst: GW },
    { hook: "bridge:filter:INPUT", in: "veth-c1", src: C1, dst: GW },
    { hook: "ip:mangle:INPUT", in: "docker0", src: C1, dst: GW },
    { hook: "ip:filter:INPUT", in: "docker0", src: C1, dst: GW },
  ],
);

const wanToC1 = makePacket(
  {
    id: 1,
    flow: 1,
    direction: "request",
    summary: `TCP SYN ${CLIENT}:40000 -> ${HOST_WAN}:8080`,
    proto: "tcp",
  },
  [
    { hook: "ip:raw:PREROUTING", in: "eth0", src: CLIENT, dst: HOST_WAN, sport: 40000, dport: 8080 },
    { hook: "ip:mangle:PREROUTING", in: "eth0", src: CLIENT, dst: HOST_WAN, sport: 40000, dport: 8080 },
    { hook: "ip:nat:PREROUTING", in: "eth0", src: CLIENT, dst: HOST_WAN, sport: 40000, dport: 8080 },
    { hook: "ip:mangle:FORWARD", in: "eth0", out: "docker0", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    { hook: "ip:filter:FORWARD", in: "eth0", out: "docker0", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    { hook: "ip:mangle:POSTROUTING", out: "docker0", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    { hook: "ip:nat:POSTROUTING", out: "docker0", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    { hook: "bridge:nat:OUTPUT", out: "veth-c1", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    { hook: "bridge:filter:OUTPUT", out: "veth-c1", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    { hook: "bridge:nat:POSTROUTING", out: "veth-c1", src: CLIENT, dst: C1, sport: 40000, dport: 80 },
  ],
  [
    {
      atEvent: 3,
      afterHook: "ip:nat:PREROUTING",
      beforeHook: "ip:mangle:FORWARD",
      kind: "dnat",
      from: { src: CLIENT, dst: HOST_WAN, sport: 40000, dport: 8080 },
      to: { src: CLIENT, dst: C1, sport: 40000, dport: 80 },
    },
  ],
);

const twice = makePacket(
  { id: 1, flow: 1, direction: "request", summary: `ICMP echo-request ${C1} -> ${GW}`, proto: "icmp" },
  [
    { hook: "bridge:nat:PREROUTING", in: "veth-c1", src: C1, dst: GW },
    { hook: "ip:raw:PREROUTING", in: "docker0", physIn: "veth-c1", src: C1, dst: GW },
    { hook: "ip:mangle:PREROUTING", in: "docker0", physIn: "veth-c1", src: C1, dst: GW },
    { hook: "bridge:filter:INPUT", in: "veth-c1", src: C1, dst: GW },
    { hook: "ip:raw:PREROUTING", in: "docker0", src: C1, dst: GW },
    { hook: "ip:mangle:PREROUTING", in: "docker0", src: C1, dst: GW },
    { hook: "ip:mangle:INPUT", in: "docker0", src: C1, dst: GW },
    { hook: "ip:filter:INPUT", in: "docker0", src: C1, dst: GW },
  ],
);

const hostile = makePacket(
  { id: 3, flow: 2, direction: "request", summary: "ICMP with hostile names", proto: "icmp" },
  [
    { hook: "bridge:broute:BROUTING", in: 've"th<1>', src: C2, dst: C1 },
    { hook: "bridge:nat:PREROUTING", in: 've"th<1>', src: C2, dst: C1 },
    { hook: "ip:security:FORWARD", in: "docker0", out: "docker0", src: C2, dst: C1 },
    { hook: "bridge:filter:FORWARD", in: 've"th<1>', out: "veth#2", src: C2, dst: C1 },
    { hook: "bridge:nat:POSTROUTING", out: "veth#2", src: C2, dst: C1 },
  ],
);

/** Every render fixture case. */
export const RENDER_CASES: RenderCase[] = [
  {
    name: "c2c-request-map",
    intent:
      "Container c2 pings c1 across docker0 with br_netfilter: bridge and IP hooks interleave; map view.",
    packet: c2ToC1,
    options: {
      view: "map",
      ebtables: "nft",
      labels: { entry: `c2 ${C2} via veth-c2`, exit: `c1 ${C1} via veth-c1` },
    },
  },
  {
    name: "c2c-request-path",
    intent: "The same c2 -> c1 ping drawn as the compact path view.",
    packet: c2ToC1,
    options: {
      view: "path",
      ebtables: "nft",
      labels: { entry: `c2 ${C2} via veth-c2`, exit: `c1 ${C1} via veth-c1` },
    },
  },
  {
    name: "c2c-reply-map",
    intent: "The echo-reply c1 -> c2: an established packet, no nat table hooks; its own diagram.",
    packet: c1ToC2Reply,
    options: {
      view: "map",
      ebtables: "nft",
      labels: { entry: `c1 ${C1} via veth-c1`, exit: `c2 ${C2} via veth-c2` },
    },
  },
  {
    name: "host-to-container-map",
    intent:
      "The host pings c1: the path starts at the local process, goes down the IP OUTPUT hooks into the bridge.",
    packet: hostToC1,
    options: { view: "map", ebtables: "nft", labels: { entry: `host ${GW}`, exit: `c1 ${C1} via veth-c1` } },
  },
  {
    name: "container-to-host-reply-map",
    intent: "c1 answers the host: bridged up through ebtables filter INPUT and ends at the local process.",
    packet: c1ToHostReply,
    options: { view: "map", ebtables: "nft", labels: { entry: `c1 ${C1} via veth-c1`, exit: `host ${GW}` } },
  },
  {
    name: "wan-to-container-dnat-map",
    intent:
      "A client on the WAN reaches a published port: DNAT 203.0.113.2:8080 -> 172.17.0.2:80 labelled on its step.",
    packet: wanToC1,
    options: {
      view: "map",
      ebtables: "nft",
      labels: { entry: `client ${CLIENT} via eth0`, exit: `c1 ${C1}:80 via veth-c1` },
    },
  },
  {
    name: "wan-to-container-dnat-path",
    intent: "The published-port packet as the path view, the DNAT on the arrow into step 4.",
    packet: wanToC1,
    options: { view: "path", ebtables: "nft" },
  },
  {
    name: "hook-crossed-twice-map",
    intent:
      "A path that crosses the IP PREROUTING hooks twice stays unambiguous: each box lists every step number.",
    packet: twice,
    options: { view: "map", ebtables: "nft", idPrefix: "t2" },
  },
  {
    name: "legacy-hostile-labels-map",
    intent:
      "Legacy ebtables (broute drawn), a hook off the map, and names with quotes, <>, #, backticks, brackets and CJK.",
    packet: hostile,
    options: {
      view: "map",
      ebtables: "legacy",
      labels: {
        entry: 'c2 "evil" <script>alert(1)</script> `x` [a] {b} #35; 容器',
        exit: "c1 & co (veth#2) |pipe|",
      },
    },
  },
];
