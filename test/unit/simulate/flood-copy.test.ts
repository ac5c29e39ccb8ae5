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
  });
});
