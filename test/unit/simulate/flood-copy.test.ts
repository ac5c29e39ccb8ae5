/**
 * `check`'s note on a flooded copy. test/fixtures/flood-copy/host-to-container.log is the docker-bridge-nft
 * lab's host-to-container capture (kernel 6.18) under a table whose prerouting chain drops what a
 * container sends: the bridge never learned c1's MAC, so the host's echo request left by veth-c2 and
 * by veth-c1, each copy logged at bridge OUTPUT and POSTROUTING, and the parse has two packets.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { floodCopyNote } from "../../../src/core/simulate/flood-copy.ts";

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
