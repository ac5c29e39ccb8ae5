/**
 * Fields of LOG lines recorded from kernel 6.18 (`test/fixtures/parse/real-router-fragments-errors`)
 * that were read as unknown and lost: the IPv6 fragment header's ID and more-fragments flag, and the
 * ICMPv6 parameter problem's `POINTER=`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseLine } from "../../../src/core/parse/parse-line.ts";

const recorded = readFileSync(
  new URL("../../fixtures/parse/real-router-fragments-errors/input.log", import.meta.url),
  "utf8",
).split("\n");

/** The event of recorded line `n` (1-based). */
function event(n: number) {
  const r = parseLine(recorded[n - 1] as string).result;
  if (r.kind !== "event") throw new Error(`line ${n}: ${r.kind}`);
  return r.event;
}

describe("IPv6 fragment header", () => {
  it("keeps the ID and more-fragments flag, with and without --log-ip-options", () => {
    // Line 35: `OPT ( FRAG:1448 INCOMPLETE ID:5156cab0 )`; line 36: `FRAG:1448 INCOMPLETE ID:5156cab0`.
    for (const n of [35, 36]) {
      const ip = event(n).ip;
      expect([ip?.fragment, ip?.id, ip?.flags]).toEqual([1448, 0x5156cab0, ["MF"]]);
    }
    // The last fragment: no INCOMPLETE, so no MF.
    for (const n of [37, 38]) {
      const ip = event(n).ip;
      expect([ip?.fragment, ip?.id, ip?.flags]).toEqual([2896, 0x5156cab0, undefined]);
    }
  });

  it("the first and second fragment at two hooks, lines between them lost, are two packets", () => {
    const text = [33, 36].map((n) => recorded[n - 1]).join("\n");
    expect(parseTraceText(text, { file: "x.log" }).packets.length).toBe(2);
  });
});

describe("ICMPv6 parameter problem", () => {
  it("reads POINTER= (hex) as the pointer, and the packet it quotes", () => {
    const ev = event(130);
    expect(ev.l4?.icmpType).toBe(4);
    expect(ev.l4?.icmpParameter).toBe(6);
    expect(ev.inner?.l4?.proto).toBe("132");
  });

  it("a damaged POINTER= is an error at its value", () => {
    const line = (recorded[129] as string).replace("POINTER=00000006", "POINTER=0000zz06");
    const r = parseLine(line).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error") {
      expect(r.column).toBe(line.indexOf("POINTER=") + 9);
      expect(r.message).toContain("POINTER=");
      expect(r.hint).toBeTruthy();
    }
  });

  it("a line cut before the quoted packet says what is missing", () => {
    const line = (recorded[129] as string).slice(0, (recorded[129] as string).indexOf("[SRC="));
    const r = parseLine(line).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error")
      expect(r.message).toBe("expected '[' and the quoted packet before the end of the line");
  });
});

describe("VLAN tag of a bridged frame (test/fixtures/parse/real-nft-bridge-vlan)", () => {
  const read = (c: string) =>
    readFileSync(new URL(`../../fixtures/parse/${c}/input.log`, import.meta.url), "utf8");

  it("LOG lines keep VPROTO= and VID=, and a damaged VID= is an error at its value", () => {
    const tagged = read("real-nft-bridge-vlan")
      .split("\n")
      .filter((l) => l.includes(" VID="));
    expect(tagged.length).toBe(3);
    for (const line of tagged) {
      const r = parseLine(line).result;
      expect(r.kind).toBe("event");
      if (r.kind === "event") expect(r.event.vlan).toEqual({ proto: "0x8100", id: 10 });
    }
    const bad = (tagged[0] as string).replace("VID=10", "VID=10x");
    const r = parseLine(bad).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error") expect(r.column).toBe(bad.indexOf("VID=") + 5);
  });

  it("nft monitor trace keeps `vlan id 10` at every hook of the packet", () => {
    const p = parseTraceText(read("real-nft-bridge-vlan-trace"), { file: "x.log" }).packets.find(
      (x) => x.events[0]?.ip?.src === "198.51.100.12",
    );
    expect(p?.events.map((e) => [e.hook, e.vlan?.id])).toEqual([
      ["bridge:lab:PREROUTING", 10],
      ["bridge:lab:FORWARD", 10],
      ["bridge:lab:POSTROUTING", 10],
    ]);
  });
});

describe("ICMP redirect (test/fixtures/parse/real-icmp-redirect)", () => {
  const line = readFileSync(
    new URL("../../fixtures/parse/real-icmp-redirect/input.log", import.meta.url),
    "utf8",
  ).split("\n")[1] as string;

  it("reads GATEWAY= and the quoted echo", () => {
    const r = parseLine(line).result;
    expect(r.kind).toBe("event");
    if (r.kind === "event") {
      expect([r.event.l4?.icmpType, r.event.l4?.icmpGateway]).toEqual([5, "198.51.100.3"]);
      expect(r.event.inner?.l4?.icmpId).toBe(25619);
    }
  });

  it("a redirect cut before the packet it quotes is an error (the kernel always quotes it)", () => {
    const cut = line.slice(0, line.indexOf("[SRC="));
    const r = parseLine(cut).result;
    expect(r.kind).toBe("error");
    if (r.kind === "error")
      expect(r.message).toBe("expected '[' and the quoted packet before the end of the line");
  });
});
