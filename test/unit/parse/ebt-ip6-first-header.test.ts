/**
 * ebtables' IPv6 line names the first next header (`Next Header=50`, `=51`, `=0`), where LOG and nft name
 * the transport behind it; the grouping takes it for the same packet as the lines around it only when they
 * show that header (fixture `ebt-ip6-first-header`). Different packets between the same two hosts in a row
 * stay apart (review43: an AH line joined the TCP packet before it, after its ip6 INPUT line).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const MAC = "MACSRC=be:44:60:40:90:62 MACDST=ee:3f:25:1f:a7:c0 MACPROTO=86dd";
const ADDR = "SRC=fd00:0000:0000:0000:0000:0000:0000:0001 DST=fd00:0000:0000:0000:0000:0000:0000:0002";
const ebt = (t: string, nh: number) =>
  `[  300.00000${t}] pwcap/ebtable/filter-INPUT IN=hvb OUT= MAC source = be:44:60:40:90:62 MAC dest = ee:3f:25:1f:a7:c0 proto = 0x86dd IPv6 SRC=fd00:0000:0000:0000:0000:0000:0000:0001 IPv6 DST=fd00:0000:0000:0000:0000:0000:0000:0002, IPv6 priority=0x0, Next Header=${nh}`;
const nftIn = (t: string, rest: string) =>
  `[  300.00000${t}] pwcap/nft/ip6/hv/INPUT IN=br0 OUT= PHYSIN=hvb ${MAC} ${ADDR} LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=1 ${rest}`;

describe("ebtables' IPv6 first next header", () => {
  it("keeps an ESP, a TCP, an AH and a UDP packet in a row apart", () => {
    const text = [
      ebt("1", 50),
      nftIn("2", "PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 "),
      ebt("3", 51),
      nftIn("4", "PROTO=UDP SPT=5000 DPT=53 LEN=40 "),
    ].join("\n");
    const r = parseTraceText(text, { file: "four.log" });
    expect(r.packets.map((p) => [p.summary, p.hooks])).toEqual([
      ["ESP (IPsec) (protocol 50) fd00::1 -> fd00::2", ["bridge:filter:INPUT"]],
      ["TCP SYN [fd00::1]:40000 -> [fd00::2]:22", ["ip6:hv:INPUT"]],
      ["AH (IPsec) (protocol 51) fd00::1 -> fd00::2", ["bridge:filter:INPUT"]],
      ["UDP [fd00::1]:5000 -> [fd00::2]:53", ["ip6:hv:INPUT"]],
    ]);
  });

  it("joins the line to its packet when the lines around it show the header (the recorded fixture)", () => {
    const input = readFileSync(
      join(import.meta.dirname, "../../fixtures/parse/ebt-ip6-first-header/input.log"),
      "utf8",
    );
    const r = parseTraceText(input, { file: "input.log" });
    expect(r.packets).toHaveLength(7);
    for (const p of r.packets) expect(p.hooks).toContain("bridge:filter:INPUT");
  });
});
