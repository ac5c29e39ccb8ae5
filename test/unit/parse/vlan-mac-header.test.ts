/**
 * LOG prints `dev->hard_header_len` bytes of the MAC header: 18 on a VLAN device (`eth0.90`). When the
 * card removed the tag, the last 4 of them are the IP header's start (`45:fc:02:1c`: version and
 * length, TOS 0xfc, total length 540, as the line's LEN= and TOS= say); when the tag is still in the
 * frame, they are the type and the tag. The line is from Elastic's Ubiquiti test log (harvest45): its
 * addresses and type were lost (only the raw bytes were kept).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const line = (mac: string) =>
  `Jan  5 20:17:05 MainFirewall kernel: iptable/filter-INPUT IN=eth0.90 OUT= MAC=${mac} SRC=192.168.48.137 DST=198.51.100.143 LEN=540 TOS=0x1C PREC=0xE0 TTL=64 ID=27223 PROTO=UDP SPT=48689 DPT=48689 LEN=520 `;
const first = (mac: string) => parseTraceText(line(mac)).packets[0]?.events[0];

describe("an 18-byte MAC header", () => {
  it("with the tag removed: the addresses and the type, the network header's bytes left", () => {
    const e = first("90:10:92:6e:ea:a7:90:10:73:ba:d6:77:08:00:45:fc:02:1c");
    expect([e?.macDst, e?.macSrc, e?.ethType, e?.vlan, e?.macRaw]).toEqual([
      "90:10:92:6e:ea:a7",
      "90:10:73:ba:d6:77",
      "0x0800",
      undefined,
      undefined,
    ]);
  });

  it("with the tag in the frame: the tag and the type after it", () => {
    const e = first("90:10:92:6e:ea:a7:90:10:73:ba:d6:77:81:00:a0:5a:08:00");
    expect([e?.ethType, e?.vlan]).toEqual(["0x0800", { proto: "0x8100", id: 90, pcp: 5 }]);
  });

  it("of another length stays raw", () => {
    expect(first("90:10:92:6e:ea:a7:90:10:73:ba:d6:77:08:00:45:fc")?.macRaw).toBe(
      "90:10:92:6e:ea:a7:90:10:73:ba:d6:77:08:00:45:fc",
    );
  });
});
