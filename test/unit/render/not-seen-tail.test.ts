/**
 * A trace that ends before its packet's way out: the boxes after its last line are a guess, drawn as
 * not in the trace (dashed, washed out, `notSeen*` classes), never as the packet's recorded way.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";
import { describePath } from "../../../src/core/render/describe-path.ts";
import { endpointLabels } from "../../../src/core/render/endpoint-labels.ts";
import { labEndpoints } from "../../../src/core/render/lab-endpoints.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { loadTraces } from "../../../src/plugin/trace-store.ts";

const ROOT = join(import.meta.dirname, "../../..");

function parse(text: string, file = "pasted.log"): Packet[] {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file });
  for (const line of text.split("\n")) parser.line(line);
  parser.end();
  return packets;
}

function recorded(trace: string): Packet[] {
  return parse(readFileSync(join(ROOT, "traces", `${trace}.log`), "utf8"), `${trace}.log`);
}

/** `class a,b cls` lines of a diagram: box key -> class. */
function classes(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/^ {2}class (\S+) (\S+)$/gm))
    for (const key of (m[1] as string).split(",")) out.set(key, m[2] as string);
  return out;
}

/** The style of each arrow `from>to` of a map (its `linkStyle` line). */
function arrowStyles(source: string): Map<string, string> {
  const arrows = [...source.matchAll(/^ {2}(\S+) \S+@-->(?:\|"[^"]*"\|)? (\S+)$/gm)].map(
    (m) => `${m[1]}>${m[2]}`,
  );
  const out = new Map<string, string>();
  for (const m of source.matchAll(/^ {2}linkStyle (\S+) (.+)$/gm))
    for (const i of (m[1] as string).split(",")) out.set(arrows[Number(i)] as string, m[2] as string);
  return out;
}

const NOT_SEEN = /^notSeen/;
const DASHED_ORANGE = "stroke:#e65100,stroke-width:2px,stroke-dasharray:6 4";

// iptables TRACE lines (the forms of test/unit/parse): a forwarded SYN seen at raw and mangle PREROUTING only.
const FIELDS =
  "MAC=00:16:3e:4b:67:80:5a:ff:4d:38:41:2f:08:00 SRC=198.51.100.84 DST=203.0.113.222 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=6687 DF PROTO=TCP SPT=62702 DPT=443 SEQ=1 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0";
const EARLY = [
  `[ 7001.000001] TRACE: raw:PREROUTING:policy:2 IN=eth1 OUT= ${FIELDS}`,
  `[ 7001.000002] TRACE: mangle:PREROUTING:policy:1 IN=eth1 OUT= ${FIELDS}`,
].join("\n");
// The same as OpenWrt's fw4 prints it with `nft monitor trace`, pasted with no ruleset.
const HEADERS =
  'iif "wan" ether saddr 00:16:3e:4b:67:80 ether daddr 5a:ff:4d:38:41:2f ip saddr 198.51.100.84 ip daddr 203.0.113.222 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 6687 ip protocol tcp ip length 60 tcp sport 62702 tcp dport 443 tcp flags == syn tcp window 64240';
const FW4 = [
  `trace id 3786311f inet fw4 raw_prerouting packet: ${HEADERS}`,
  "trace id 3786311f inet fw4 raw_prerouting policy accept",
  `trace id 3786311f inet fw4 mangle_prerouting packet: ${HEADERS}`,
  "trace id 3786311f inet fw4 mangle_prerouting policy accept",
].join("\n");

describe("a pasted trace that ends before the way out (no ruleset)", () => {
  for (const [name, text] of [
    ["iptables TRACE", EARLY],
    ["fw4 nft monitor trace", FW4],
  ] as const) {
    it(`${name}: the map draws the boxes after IP PREROUTING as not in the trace, the seen ones as today`, () => {
      const [p] = parse(text);
      if (!p) throw new Error("one packet");
      expect(p.events.map((e) => e.hook.split(":")[2])).toEqual(
        name === "fw4 nft monitor trace"
          ? ["raw_prerouting", "mangle_prerouting"]
          : ["PREROUTING", "PREROUTING"],
      );
      const src = toMermaid(p, { view: "map" });
      const cls = classes(src);
      // Seen: the entry and the box of both steps, in the path's solid style.
      expect(cls.get("in_routed")).toBe("endpoint");
      expect(cls.get("ip_PREROUTING")).toBe("ipHit");
      // The guess after it: the routing decision, FORWARD, POSTROUTING and the way out.
      expect(cls.get("ip_route")).toBe("notSeen");
      expect(cls.get("ip_FORWARD")).toBe("notSeenIp");
      expect(cls.get("ip_POSTROUTING")).toBe("notSeenIp");
      expect(cls.get("out_routed")).toBe("notSeenEnd");
      expect([...cls].filter(([, c]) => NOT_SEEN.test(c)).map(([k]) => k)).toEqual([
        "ip_route",
        "ip_FORWARD",
        "ip_POSTROUTING",
        "out_routed",
      ]);
      expect(src).toMatch(
        /^ {2}classDef notSeenIp fill:#bbdefb,fill-opacity:0\.3,stroke:#e65100,.*dasharray/m,
      );
      const arrows = arrowStyles(src);
      expect(arrows.get("in_routed>ip_PREROUTING")).toBe("stroke:#e65100,stroke-width:3px");
      for (const a of [
        "ip_PREROUTING>ip_route",
        "ip_route>ip_FORWARD",
        "ip_FORWARD>ip_POSTROUTING",
        "ip_POSTROUTING>out_routed",
      ])
        expect(arrows.get(a), a).toBe(DASHED_ORANGE);
      // Steps are numbered where the trace saw the packet only.
      expect([...src.matchAll(/data-step='(\d+)'/g)].map((m) => m[1])).toEqual(["1", "2"]);
    });
  }

  it("the path view names the hooks not in the trace on the dashed arrow out, in English and zh-TW", () => {
    const [p] = parse(EARLY);
    if (!p) throw new Error("one packet");
    const en = toMermaid(p, { view: "path" });
    expect(en).toMatch(
      /^ {2}s2 stepx@-->\|"not in the trace#58;<br\/>IP FORWARD<br\/>IP POSTROUTING"\| exit$/m,
    );
    expect(classes(en).get("exit")).toBe("notSeenEnd");
    expect(classes(en).get("entry")).toBe("endpoint");
    expect(en).toMatch(new RegExp(`^ {2}linkStyle 2 ${DASHED_ORANGE}$`, "m"));
    expect(en).toMatch(/^ {2}linkStyle 0,1 stroke:#e65100,stroke-width:3px$/m);
    const zh = toMermaid(p, { view: "path", lang: "zh-TW" });
    expect(zh).toContain('stepx@-->|"追蹤記錄裡沒有：<br/>IP FORWARD<br/>IP POSTROUTING"| exit');
    expect(planPath(p, "nft").notSeenHooks).toEqual(["IP FORWARD", "IP POSTROUTING"]);
  });

  it("the text alternative says so too, in English and zh-TW", () => {
    const [p] = parse(EARLY);
    if (!p) throw new Error("one packet");
    expect(describePath(p).summary).toBe(
      "The request packet goes from 198.51.100.84:62702 via eth1 to 203.0.113.222:443 and crosses 2 hooks. After its last line the trace does not show it: IP FORWARD, IP POSTROUTING and the way out are a guess.",
    );
    expect(describePath(p, { lang: "zh-TW" }).summary).toMatch(
      /。最後一行之後追蹤記錄裡就沒有它了：IP FORWARD、IP POSTROUTING 和送出的路是推測的。$/,
    );
  });
});

describe("a trace that shows its packet up to the way out", () => {
  it("a recorded LOG trace (bridged in, routed out): no not-seen class, arrow or words anywhere", () => {
    const [request, reply] = recorded("docker-bridge/container-to-wan").filter((p) => p.flow === 1);
    for (const p of [request, reply]) {
      if (!p) throw new Error("request and reply");
      expect(planPath(p, "nft").notSeen).toBeUndefined();
      for (const view of ["map", "path"] as const) {
        const src = toMermaid(p, { view });
        expect(src, view).not.toMatch(/notSeen|not in the trace|6 4/);
      }
      expect(describePath(p).summary).not.toContain("does not show");
    }
  });

  it("a dropped packet ends where it was dropped, not in a guess", () => {
    const packets = recorded("docker-bridge-nft/container-to-wan-forward-drop-trace");
    const p = packets[0] as Packet;
    expect(planPath(p, "nft").dropped).toBeDefined();
    expect(toMermaid(p, { view: "map" })).not.toContain("notSeen");
  });

  it("leaves a bridged-in packet routed out by eth0 at a routed interface, not a bridge port", () => {
    // PHYSIN=veth-c1 ... OUT=eth0: the bridge saw it come in, routing sent it out eth0. It was drawn
    // leaving by bridge OUTPUT and POSTROUTING to a bridge port, boxes no line of the trace shows.
    const request = recorded("docker-bridge/container-to-wan")[0] as Packet;
    const plan = planPath(request, "nft");
    expect(plan.exitKey).toBe("out_routed");
    expect(plan.touched.has("br_OUTPUT")).toBe(false);
    expect(classes(toMermaid(request, { view: "map" })).get("br_OUTPUT")).toBe("brFaded");
  });
});

describe("lesson maps (lab endpoints)", () => {
  const store = loadTraces(join(ROOT, "traces"), ROOT);

  it("a TRACE recording whose last line is filter FORWARD: POSTROUTING and the way out are not in it", () => {
    const trace = store.traces.get("docker-bridge/wan-to-published-port-trace");
    if (!trace) throw new Error("trace");
    const p = recorded("docker-bridge/wan-to-published-port-trace").find((q) => q.direction === "reply");
    if (!p) throw new Error("a reply");
    expect(p.events.at(-1)?.hook).toBe("ip:filter:FORWARD");
    const src = toMermaid(p, {
      view: "map",
      labels: endpointLabels(p, trace.lab),
      ebtables: trace.lab.ebtables,
      endpoints: labEndpoints(trace.lab),
    });
    const cls = classes(src);
    expect(cls.get("ip_FORWARD")).toBe("ipHit");
    expect(cls.get("ip_POSTROUTING")).toBe("notSeenIp");
    expect(cls.get("out_wan")).toBe("notSeenEnd");
  });

  it("an nftables lab keeps its own reading of a lost packet (the way stops where it was lost)", () => {
    const trace = store.traces.get("docker-bridge-nft/container-to-wan-forward-drop");
    if (!trace?.chains) throw new Error("an nftables lab");
    const p = recorded("docker-bridge-nft/container-to-wan-forward-drop")[0] as Packet;
    const plan = planPath(p, trace.lab.ebtables, {}, labEndpoints(trace.lab), trace.chains);
    expect(plan.lostAfter).toBe("IP FORWARD");
    expect(plan.notSeen).toBeUndefined();
    expect(describePath(p, { chains: trace.chains }).summary).toContain("not seen after IP FORWARD");
  });

  it("a ruleset's own LOG rules that stop printing: the way on is not in the trace, on an nftables map too", () => {
    const trace = store.traces.get("docker-bridge-nft/container-to-wan-forward-drop");
    if (!trace?.chains) throw new Error("an nftables lab");
    const p = recorded("docker-bridge-nft/container-to-wan-forward-drop")[0] as Packet;
    // The same lines as a contributor's `log prefix` rules inside the chains would print them.
    const own: Packet = { ...p, events: p.events.map((e) => ({ ...e, prefix: "home fwd: " })) };
    const options = {
      labels: endpointLabels(own, trace.lab),
      ebtables: trace.lab.ebtables,
      endpoints: labEndpoints(trace.lab),
      chains: trace.chains,
    };
    const plan = planPath(own, options.ebtables, options.labels, options.endpoints, trace.chains);
    expect(plan.lostAfter).toBeUndefined();
    expect(plan.notSeen).toEqual(["ip_POSTROUTING", "out_wan"]);
    const cls = classes(toMermaid(own, { view: "map", ...options }));
    expect(cls.get("ip_FORWARD")).toBe("ipHit");
    expect(cls.get("ip_POSTROUTING")).toBe("notSeenIp");
    expect(cls.get("out_wan")).toBe("notSeenEnd");
  });
});
