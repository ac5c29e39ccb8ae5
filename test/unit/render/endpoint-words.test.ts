/**
 * A diagram's ends in the page's language: the lab's names (`c1 172.17.0.2 via veth-c1`) and the
 * defaults a packet without a lab host gets (`[2001:db8:2::10]:36489 via wan0`, `packet via vweb`)
 * say `經由` and `封包` on a zh-TW page, and stay as they were in English.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { describePath } from "../../../src/core/render/describe-path.ts";
import { endpointLabels } from "../../../src/core/render/endpoint-labels.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { annotateRecorded, loadLab } from "../../../src/lab/load-lab.ts";

const first = (packets: Packet[]) => packets[0] as Packet;

describe("a diagram's ends in its language", () => {
  it("names the lab's hosts with the interface in English and Chinese", () => {
    const packet = first(annotateRecorded("traces/docker-bridge", "container-to-wan").trace.packets);
    const lab = loadLab("traces/docker-bridge").data.lab;
    if (!lab) throw new Error("no lab");
    expect(endpointLabels(packet, lab).entry).toBe("c1 172.17.0.2 via veth-c1");
    expect(endpointLabels(packet, lab, "zh-TW").entry).toBe("c1 172.17.0.2 經由 veth-c1");
  });

  it("says the default ends in the diagram's language, in the path view and its description", () => {
    const log = readFileSync("traces/ufw-docker/wan-to-a1-v6.log", "utf8");
    const packet = first(parseTraceText(log, { file: "wan-to-a1-v6.log" }).packets);
    const zh = toMermaid(packet, { view: "path", lang: "zh-TW" });
    expect(zh).toContain("經由 wan0");
    expect(zh).not.toMatch(/ via /);
    expect(describePath(packet, { lang: "zh-TW" }).summary).toContain("經由 wan0");
    expect(toMermaid(packet, { view: "path" })).toContain("via wan0");
  });

  it("calls a packet without addresses 封包 in Chinese (ebtables without --log-ip)", () => {
    const log = readFileSync("traces/user-network/client-to-web.log", "utf8");
    const packets = parseTraceText(log, { file: "client-to-web.log" }).packets;
    // Its last line is ebtables' at the container's port, which prints no addresses.
    const bare = packets.find((p) => !p.events[p.events.length - 1]?.ip);
    if (!bare) throw new Error("no packet ending without addresses");
    expect(toMermaid(bare, { view: "path" })).toMatch(/packet via /);
    const zh = toMermaid(bare, { view: "path", lang: "zh-TW" });
    expect(zh).toMatch(/封包 經由 /);
    expect(zh).not.toContain("packet");
  });
});
