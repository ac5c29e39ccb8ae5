/**
 * `check` regroups a TRACE recording's steps into packets by the hooks where a packet is first seen,
 * in every family: test/fixtures/trace-packet-bounds (see its intent) holds real captures (kernel
 * 6.18): an inet router's IPv6 ping (nft monitor trace), an ip6tables TRACE (xtables-monitor), a
 * bridge with br_netfilter, and an arp-family table. A tester's IPv6 ping once came out as one packet
 * ("packet 1: hooks differ", the reply's hooks after the request's) though the kernel gave the reply
 * a trace id of its own and `parse` showed two.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { chainHooksFromRuleset } from "../../../src/core/simulate/chain-hooks-from-ruleset.ts";
import { recordedPackets } from "../../../src/core/simulate/conformance.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "../../fixtures/trace-packet-bounds", name), "utf8");

/** The packets check compares, as their hooks (chain names only) and directions. */
function packets(log: string, rulesetText?: string): string[] {
  const chainHooks = rulesetText ? chainHooksFromRuleset(rulesetText) : undefined;
  const ruleset = rulesetText ? parseRulesetFile(rulesetText) : undefined;
  const parsed = parseTraceText(fixture(log), chainHooks ? { chainHooks } : {});
  return recordedPackets(parsed, "trace", ruleset).map((p) => `${p.direction}: ${p.hooks.join(" ")}`);
}

describe("TRACE packets in every family", () => {
  it("splits an inet table's IPv6 echo request from its reply (nft monitor trace)", () => {
    expect(packets("inet-v6-trace.log", fixture("inet-v6.nft"))).toEqual([
      "request: ip6:fw:trace_pre ip6:fw:forward ip6:nat:post",
      "reply: ip6:fw:trace_pre ip6:fw:forward",
    ]);
  });

  it("tells ip6tables' built-in OUTPUT by its name (xtables-monitor --trace)", () => {
    expect(packets("ip6tables-trace.log")).toEqual([
      "request: ip6:raw:PREROUTING ip6:filter:INPUT",
      "reply: ip6:raw:OUTPUT",
    ]);
  });

  it("keeps a bridged packet's bridge and IP hooks together, and starts one at the bridge's prerouting", () => {
    expect(packets("bridge-netfilter-trace.log", fixture("bridge-netfilter.nft"))).toEqual([
      "request: bridge:bt:c_pre ip:it:c_pre bridge:bt:c_fw ip:it:c_fw bridge:bt:c_post ip:it:c_post",
      "reply: bridge:bt:c_pre ip:it:c_pre bridge:bt:c_fw ip:it:c_fw bridge:bt:c_post ip:it:c_post",
      // To the bridge's own address: IP's input after the bridge's, the same packet (another trace id).
      "request: bridge:bt:c_pre ip:it:c_pre bridge:bt:c_in ip:it:c_in",
      // The host's answer leaves by IP's output and postrouting, then the bridge's output: one packet.
      "reply: ip:it:c_out ip:it:c_post bridge:bt:c_out bridge:bt:c_post",
    ]);
  });

  it("keeps the packet the bridge hands up to IP without br_netfilter (the bridge's input, then IP's prerouting)", () => {
    expect(packets("bridge-local-trace.log", fixture("bridge-netfilter.nft"))).toEqual([
      "request: bridge:bt:c_pre bridge:bt:c_in ip:it:c_pre ip:it:c_in",
      "reply: ip:it:c_out ip:it:c_post bridge:bt:c_out bridge:bt:c_post",
    ]);
  });

  it("takes each ARP packet at its input or output hook as a packet of its own", () => {
    expect(packets("arp-trace.log", fixture("arp.nft"))).toEqual([
      "request: arp:at:c_out",
      "request: arp:at:c_in",
      "request: arp:at:c_in",
      "request: arp:at:c_out",
    ]);
  });
});
