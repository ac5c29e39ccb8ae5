/**
 * Bridge OUTPUT/POSTROUTING lines logged without --log-ip after the IP stack routed a packet onto
 * a bridge: they show new MACs only, and must join the packet when that is unambiguous, and
 * say so when it is not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const real = readFileSync(
  join(import.meta.dirname, "../../fixtures/parse/real-published-port-ebt-no-log-ip/input.log"),
  "utf8",
);

const fwd = (t: string, id: number, sport: number) =>
  `[  10.${t}] filter-FORWARD IN=wan0 OUT=br-web MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=203.0.113.20 DST=10.77.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=${id} DF PROTO=TCP SPT=${sport} DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 `;
const ebtOut = (t: string, port = "vweb") =>
  `[  10.${t}] ebt-filter-OUTPUT IN= OUT=${port} MAC source = 02:42:0a:4d:00:01 MAC dest = 02:42:0a:4d:00:02 proto = 0x0800`;

describe("bridge egress lines without IP data", () => {
  it("keep every packet of the real capture whole (no frame-only packets)", () => {
    const r = parseTraceText(real, { file: "input.log" });
    expect(r.packets.every((p) => p.events.some((e) => e.ip))).toBe(true);
    expect(r.packets[0]?.hooks).toEqual([
      "ip:nat:PREROUTING",
      "ip:filter:FORWARD",
      "bridge:filter:OUTPUT",
      "bridge:nat:POSTROUTING",
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("a line that two packets could own stays alone, with a positioned warning", () => {
    const text = [fwd("000100", 1, 1000), fwd("000110", 2, 1001), ebtOut("000120")].join("\n");
    const r = parseTraceText(text, { file: "x.log" });
    expect(r.packets.map((p) => p.hooks)).toEqual([
      ["ip:filter:FORWARD"],
      ["ip:filter:FORWARD"],
      ["bridge:filter:OUTPUT"],
    ]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.severity).toBe("warning");
    expect(r.diagnostics[0]?.position).toMatchObject({ file: "x.log", line: 3 });
    expect(r.diagnostics[0]?.message).toMatch(/2 packets/);
  });

  it("is not tied to a packet seen long before, nor to one routed to another bridge", () => {
    const late = parseTraceText([fwd("000100", 1, 1000), ebtOut("200100")].join("\n"));
    expect(late.packets).toHaveLength(2);
    // vweb is known (from an open packet's PHYSIN) to be a port of br-web, and the packet left on br-x.
    const other = [
      "[  10.000050] filter-FORWARD IN=br-web OUT=wan0 PHYSIN=vweb MAC=02:42:0a:4d:00:01:02:42:0a:4d:00:02:08:00 SRC=10.77.0.2 DST=203.0.113.20 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=80 DPT=999 WINDOW=64240 RES=0x00 ACK SYN URGP=0 ",
      fwd("000100", 1, 1000).replace("OUT=br-web", "OUT=br-x"),
      ebtOut("000120"),
    ];
    expect(parseTraceText(other.join("\n")).packets).toHaveLength(3);
  });
});
