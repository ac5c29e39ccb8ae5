/**
 * `check`'s note on a flooded copy. test/fixtures/flood-copy/host-to-container.log is the docker-bridge-nft
 * lab's host-to-container capture (kernel 6.18) under a table whose prerouting chain drops what a
 * container sends: the bridge never learned c1's MAC, so the host's echo request left by veth-c2 and
 * by veth-c1, each copy logged at bridge OUTPUT and POSTROUTING, and the parse has two packets.
 * wan-to-published-port-trace.log is the same class in TRACE mode (xtables-monitor): check's recorded
 * packet (trace events regrouped by hook stage) crosses bridge filter OUTPUT twice.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { recordedPackets } from "../../../src/core/simulate/conformance.ts";
import { floodCopyNote, floodedWithinNote } from "../../../src/core/simulate/flood-copy.ts";

const log = readFileSync(
  join(import.meta.dirname, "../../fixtures/flood-copy/host-to-container.log"),
  "utf8",
);

describe("floodCopyNote", () => {
  const packets = parseTraceText(log).packets;

  it("names the second copy of the host's flooded echo request, and the ports", () => {
    expect(packets.map((p) => p.hooks.filter((h) => h.startsWith("bridge:")).join(" "))).toEqual([
      "bridge:packetwalk:OUTPUT bridge:packetwalk:POSTROUTING",
      "bridge:packetwalk:OUTPUT bridge:packetwalk:POSTROUTING",
      "bridge:packetwalk:PREROUTING",
    ]);
    const note = floodCopyNote(packets[0]?.events ?? [], packets[1]?.events ?? [], 1);
    expect(note).toMatch(
      /^the kernel's packet is a copy of packet 1 that the bridge flooded: it left by veth-c1 as well as by veth-c2,/,
    );
  });

  it("says nothing of a reply, nor of the first copy", () => {
    expect(floodCopyNote(packets[1]?.events ?? [], packets[2]?.events ?? [], 2)).toBeUndefined();
    expect(floodCopyNote([], packets[0]?.events ?? [], 0)).toBeUndefined();
  });
});

describe("floodedWithinNote", () => {
  const traced = readFileSync(
    join(import.meta.dirname, "../../fixtures/flood-copy/wan-to-published-port-trace.log"),
    "utf8",
  );
  const [packet, ...rest] = recordedPackets(parseTraceText(traced), "trace");
  const events = packet?.events ?? [];

  it("names the ports of a traced packet that crossed a bridge hook once per port", () => {
    expect(rest).toEqual([]);
    expect(events.filter((e) => e.hook.startsWith("bridge:")).map((e) => `${e.hook} ${e.out}`)).toEqual([
      "bridge:filter:OUTPUT veth-c2",
      "bridge:filter:OUTPUT veth-c1",
    ]);
    expect(floodedWithinNote(events)).toMatch(
      /^the kernel's packet crossed bridge:filter:OUTPUT once for each of veth-c2, veth-c1: the bridge flooded it,/,
    );
  });

  it("says nothing of a packet that left the bridge once, nor of one that never crossed it", () => {
    const once = events.filter((e) => !(e.hook.startsWith("bridge:") && e.out === "veth-c1"));
    expect(once.length).toBe(events.length - 1);
    expect(floodedWithinNote(once)).toBeUndefined();
    expect(floodedWithinNote(events.filter((e) => !e.hook.startsWith("bridge:")))).toBeUndefined();
    // The log-mode capture's packets each left by one port.
    for (const p of parseTraceText(log).packets) expect(floodedWithinNote(p.events)).toBeUndefined();
    // A broadcast or multicast frame crosses the hook once per port by design.
    const to = (macDst: string, dst: string) =>
      floodedWithinNote(events.map((e) => ({ ...e, macDst, ...(e.ip ? { ip: { ...e.ip, dst } } : {}) })));
    expect(to("ff:ff:ff:ff:ff:ff", "172.17.255.255")).toBeUndefined();
    expect(to("01:00:5e:00:00:fb", "224.0.0.251")).toBeUndefined();
    expect(to("02:42:ac:11:00:02", "172.17.0.2")).toMatch(/the bridge flooded it/);
  });
});

describe("a flooded copy in the parse", () => {
  const routed = readFileSync(
    join(import.meta.dirname, "../../fixtures/flood-copy/wan-to-published-port.log"),
    "utf8",
  );

  it("keeps the copy's bridge lines apart from the next packet's IP lines", () => {
    const packets = parseTraceText(routed).packets;
    const egress = "bridge:filter:OUTPUT bridge:nat:OUTPUT bridge:nat:POSTROUTING";
    const forward = "ip:mangle:FORWARD ip:filter:FORWARD ip:mangle:POSTROUTING";
    expect(packets.map((p) => `${p.direction} ${p.hooks.join(" ")}`)).toEqual([
      `request ip:raw:PREROUTING ip:mangle:PREROUTING ip:nat:PREROUTING ${forward} ip:nat:POSTROUTING ${egress}`,
      `request ${egress}`,
      "reply bridge:nat:PREROUTING ip:raw:PREROUTING",
      "reply bridge:nat:PREROUTING ip:raw:PREROUTING",
      `request ip:raw:PREROUTING ip:mangle:PREROUTING ${forward} ${egress}`,
      `request ${egress}`,
    ]);
    // Each SYN's IP lines carry its own IP id; each copy left by veth-c1, its original by veth-c2.
    expect(packets[4]?.events.flatMap((e) => e.ip?.id ?? [])).toEqual(Array(5).fill(39879));
    expect([1, 5].map((k) => packets[k]?.events.map((e) => e.out).join(" "))).toEqual([
      "veth-c1 veth-c1 veth-c1",
      "veth-c1 veth-c1 veth-c1",
    ]);
    expect(floodCopyNote(packets[4]?.events ?? [], packets[5]?.events ?? [], 5)).toMatch(
      /^the kernel's packet is a copy of packet 5 that the bridge flooded/,
    );
  });

  it("keeps them apart in a routed flow too, where the next packet's PREROUTING lines share the copy's addresses", () => {
    // The same lines as if the wan had sent to c1's address (no DNAT): no rewrite tells the packets apart.
    const direct = routed.replaceAll("DST=203.0.113.2", "DST=172.17.0.2").replaceAll("DPT=8080", "DPT=80");
    const packets = parseTraceText(direct).packets;
    expect(packets.map((p) => p.hooks.filter((h) => h.startsWith("ip:raw")).length)).toEqual([
      1, 0, 1, 1, 1, 0,
    ]);
    for (const p of packets) {
      const output = p.hooks.indexOf("bridge:filter:OUTPUT");
      // Nothing of the IP stack after the bridge device sent the frame.
      if (output >= 0) expect(p.hooks.slice(output).filter((h) => h.startsWith("ip:"))).toEqual([]);
    }
    expect(packets[4]?.events.flatMap((e) => e.ip?.id ?? [])).toEqual(Array(5).fill(39879));
  });
});
