/**
 * Without a ruleset, a chain of an nft trace is drawn in a hook's box when its name says the hook, and
 * beside the map otherwise; the parser warns exactly for the chains drawn beside it. Both read names by
 * one rule (`mapHookOf`): the nft wiki's lower-case `input`, firewalld's `filter_INPUT`, an iptables
 * chain reached from a hook (`DOCKER-FORWARD`).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { boxKey } from "../../../src/core/render/netfilter-map.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";

const PACKET =
  'iif "eth0" ether saddr 52:54:00:12:34:01 ether daddr 52:54:00:12:34:02 ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 7 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 1 icmp sequence 1';

/** A ping to this host through two base chains, named `pre` and `in`. */
function trace(pre: string, input: string): string {
  return [
    `trace id 1a2b3c4d inet filter ${pre} packet: ${PACKET}`,
    `trace id 1a2b3c4d inet filter ${pre} policy accept `,
    `trace id 1a2b3c4d inet filter ${input} packet: ${PACKET}`,
    `trace id 1a2b3c4d inet filter ${input} rule icmp type echo-request accept (verdict accept)`,
    "",
  ].join("\n");
}

/** The box each step is drawn in (`%% step N: hook` comments, then the node holding `data-step='N'`). */
function stepBoxes(source: string): string[] {
  return [...source.matchAll(/^ {2}(\w+)\[".*?data-step='(\d+)'/gm)]
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => m[1] as string);
}

describe("an nft trace's chains on the map, by their names", () => {
  it("draws lower-case hook names (the nft wiki's) in their boxes, with no warning", () => {
    const parsed = parseTraceText(trace("prerouting", "input"));
    expect(parsed.diagnostics).toEqual([]);
    const packet = parsed.packets[0];
    expect(packet?.events.map((e) => e.hook)).toEqual(["ip:filter:prerouting", "ip:filter:input"]);
    expect(stepBoxes(toMermaid(packet as NonNullable<typeof packet>, { view: "map" }))).toEqual([
      "ip_PREROUTING",
      "ip_INPUT",
    ]);
  });

  it("draws other names beside the map, and the parser says so for each", () => {
    const parsed = parseTraceText(trace("pre", "in_filter"));
    expect(parsed.diagnostics.map((d) => d.message.match(/chain '([^']+)'/)?.[1])).toEqual([
      "inet filter pre",
      "inet filter in_filter",
    ]);
    const packet = parsed.packets[0];
    expect(stepBoxes(toMermaid(packet as NonNullable<typeof packet>, { view: "map" }))).toEqual([
      "ip_pre",
      "ip_in_filter",
    ]);
  });

  it.each([
    ["ip:filter:input", "ip_INPUT"],
    ["ip6:fw:forward", "ip_FORWARD"],
    ["bridge:filter:prerouting", "br_PREROUTING"],
    ["ip:firewalld:filter_INPUT", "ip_INPUT"],
    ["ip:filter:DOCKER-FORWARD", "ip_FORWARD"],
    ["ip:nat:pre", "ip_pre"],
    ["ip:filter:ufw-before-input", "ip_ufw_before_input"],
  ])("boxKey(%s) is %s", (hook, box) => {
    expect(boxKey(hook)).toBe(box);
  });
});
