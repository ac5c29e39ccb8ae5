/**
 * ebt_log prints an ARP header as ` ARP HTYPE=%d, PTYPE=0x%04x, OPCODE=%d` (ntohs() values), the
 * opcode followed by a space (` ARP MAC SRC=...`, ` INCOMPLETE ARP payload`) or the line's end. A value
 * that is not such a number is an error at its column, not a packet with opcode -1.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const HEAD =
  "[ 2201.000100] ebtable/filter-INPUT IN=eth1 OUT= MAC source = 3c:7c:3f:aa:bb:cc MAC dest = ff:ff:ff:ff:ff:ff proto = 0x0806";
const PAYLOAD =
  " ARP MAC SRC=3c:7c:3f:aa:bb:cc ARP IP SRC=192.168.50.2 ARP MAC DST=00:00:00:00:00:00 ARP IP DST=192.168.50.1";

describe("ebtables ARP lines with a malformed HTYPE or OPCODE", () => {
  it("reports the reader's stray comma after the opcode at the value's column, with what was expected and a hint", () => {
    // 09c-ebtables-named.log, as pasted in the playground.
    const line = `${HEAD} ARP HTYPE=1, PTYPE=0x0800, OPCODE=1,${PAYLOAD}`;
    const r = parseTraceText(line, { file: "09c.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        message: "expected a number from 0 to 65535 after OPCODE=, found '1,'",
        hint: expect.stringContaining("OPCODE=N"),
        position: { file: "09c.log", line: 1, column: line.indexOf("OPCODE=") + 8 },
      },
    ]);
  });

  it.each([
    ["HTYPE=x1", "HTYPE", "x1"],
    ["HTYPE=70000", "HTYPE", "70000"],
  ])("reports %s at its column", (htype, key, found) => {
    const line = `${HEAD} ARP ${htype}, PTYPE=0x0800, OPCODE=1${PAYLOAD}`;
    const [d] = parseTraceText(line, { file: "a.log" }).diagnostics;
    expect(d).toMatchObject({
      severity: "error",
      message: `expected a number from 0 to 65535 after ${key}=, found '${found}'`,
      position: { line: 1, column: line.indexOf(`${key}=`) + key.length + 2 },
    });
  });

  it("reads the kernel's own form, with or without the payload", () => {
    const r = parseTraceText(
      [
        `${HEAD} ARP HTYPE=1, PTYPE=0x0800, OPCODE=1${PAYLOAD}`,
        `${HEAD.replace("2201.000100", "2201.000200")} ARP HTYPE=6, PTYPE=0x0800, OPCODE=2`,
      ].join("\n"),
      { file: "a.log" },
    );
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.packets.map((p) => p.events[0]?.arp && [p.events[0].arp.htype, p.events[0].arp.opcode])).toEqual(
      [
        [1, 1],
        [6, 2],
      ],
    );
  });
});
