/**
 * A NAT no line of a packet shows, read off the other direction of its connection, on real
 * recordings: the LOG rule of nat POSTROUTING runs before MASQUERADE (so the request never shows its
 * new source), and a reply's un-DNAT happens at POSTROUTING after its last logged line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { TraceParser } from "../../../src/core/parse/trace-parser.ts";
import { formatRewrite } from "../../../src/core/render/format-endpoints.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { unseenRewrite } from "../../../src/core/render/unseen-rewrite.ts";

const TRACES = join(import.meta.dirname, "../../../traces");

/** The first request of a recorded trace and the first reply of its flow. */
function pair(trace: string): { request: Packet; reply: Packet } {
  const packets: Packet[] = [];
  const parser = new TraceParser((p) => packets.push(p), { file: `${trace}.log` });
  for (const line of readFileSync(join(TRACES, `${trace}.log`), "utf8").split("\n")) parser.line(line);
  parser.end();
  const request = packets.find((p) => p.direction === "request") as Packet;
  const reply = packets.find((p) => p.direction === "reply" && p.flow === request.flow) as Packet;
  return { request, reply };
}

/** What the figure writes after the packet's last line, or "-". */
function shown(packet: Packet, other: Packet): string {
  const u = unseenRewrite(packet, other);
  return u ? `${formatRewrite(u, packet.direction)} after ${packet.events[u.afterEvent]?.hook}` : "-";
}

describe("unseenRewrite", () => {
  it("reads a container's MASQUERADE off the reply's destination", () => {
    const { request, reply } = pair("docker-bridge/container-to-wan");
    expect(request.rewrites).toEqual([]);
    expect(shown(request, reply)).toBe("SNAT 172.17.0.2 -> 203.0.113.2 after ip:nat:POSTROUTING");
    // The reply shows its own un-SNAT: nothing of it is unseen.
    expect(shown(reply, request)).toBe("-");
  });

  it("reads a published port's un-DNAT of the reply, ports included, off the request", () => {
    const { request, reply } = pair("docker-bridge/wan-to-published-port");
    expect(shown(reply, request)).toBe(
      "un-DNAT 172.17.0.2:80 -> 203.0.113.2:8080 after ip:mangle:POSTROUTING",
    );
    expect(shown(request, reply)).toBe("-");
  });

  it("writes IPv6 short, and says nothing where no NAT is", () => {
    const v6 = pair("dual-stack/a1-to-wan-v6");
    expect(shown(v6.request, v6.reply)).toBe("SNAT fd00:a::2 -> 2001:db8:1::10 after ip6:nat:POSTROUTING");
    const local = pair("docker-bridge/container-to-container");
    expect(shown(local.request, local.reply)).toBe("-");
    expect(shown(local.reply, local.request)).toBe("-");
  });

  it("claims nothing when the request's lines already show the rewrite, or the reply shows none", () => {
    const { request, reply } = pair("docker-bridge/container-to-wan");
    const last = request.events.at(-1);
    if (!last?.ip) throw new Error("the request's last line has addresses");
    // A chain after srcnat would log the new source: then nothing is unseen.
    const seen: Packet = {
      ...request,
      events: [...request.events.slice(0, -1), { ...last, ip: { ...last.ip, src: "203.0.113.2" } }],
    };
    expect(shown(seen, reply)).toBe("-");
    // A reply logged only after conntrack undid the SNAT shows no rewrite, so its addresses prove nothing.
    expect(shown(request, { ...reply, rewrites: [] })).toBe("-");
  });
});

describe("the path view's arrow after the last line", () => {
  /** The labelled arrows of a diagram: `from -> to: label`. */
  function labelled(source: string): string[] {
    return [...source.matchAll(/^ {2}(\S+) \S+@-->\|"([^"]*)"\| (\S+)$/gm)].map(
      (m) => `${m[1]} -> ${m[3]}: ${m[2]}`,
    );
  }

  it("carries the unseen MASQUERADE into the way out, in the diagram's language", () => {
    const { request, reply } = pair("docker-bridge/container-to-wan");
    const unseen = unseenRewrite(request, reply);
    expect(unseen).toBeDefined();
    const en = toMermaid(request, { view: "path", ...(unseen ? { unseen } : {}) });
    // Mermaid's entities: `#62;` is `>`, `#40;`/`#41;` the parentheses.
    expect(labelled(en)).toEqual(["s9 -> exit: then SNAT 172.17.0.2 -#62; 203.0.113.2 #40;not logged#41;"]);
    const zh = toMermaid(request, { view: "path", lang: "zh-TW", ...(unseen ? { unseen } : {}) });
    expect(labelled(zh)).toEqual(["s9 -> exit: 之後 SNAT 172.17.0.2 -#62; 203.0.113.2（未記錄）"]);
    // Without the other direction nothing is claimed.
    expect(labelled(toMermaid(request, { view: "path" }))).toEqual([]);
  });

  it("keeps the lines' own rewrites on their arrows, and says un-DNAT on a reply", () => {
    const { request, reply } = pair("docker-bridge/wan-to-published-port");
    const unseen = unseenRewrite(reply, request);
    const drawn = labelled(toMermaid(reply, { view: "path", ...(unseen ? { unseen } : {}) }));
    expect(drawn.at(-1)).toBe(
      "s7 -> exit: then un-DNAT 172.17.0.2#58;80 -#62; 203.0.113.2#58;8080 #40;not logged#41;",
    );
    // The request's DNAT, which its lines show, stays where it was seen.
    const forward = labelled(toMermaid(request, { view: "path" }));
    expect(forward.some((l) => l.includes("DNAT") && !l.includes("not logged"))).toBe(true);
  });

  it("leaves the map alone: its arrows never carry words, so no box moves", () => {
    const { request, reply } = pair("docker-bridge/container-to-wan");
    const unseen = unseenRewrite(request, reply);
    expect(toMermaid(request, { view: "map", ...(unseen ? { unseen } : {}) })).toBe(
      toMermaid(request, { view: "map" }),
    );
  });
});
