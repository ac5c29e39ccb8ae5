/**
 * A REJECT's answer in an `xtables-monitor --trace` capture (test/fixtures/import/reject-trace:
 * kernel 6.18, iptables-nft 1.8.9, fail2ban's ipset REJECT of 198.51.100.66's SSH). xtables-monitor
 * prints the ICMP error with no protocol: `PACKET: 2 c8f09dec OUT=wan0 SRC=203.0.113.10
 * DST=198.51.100.66 LEN=88 TOS=0xc0 TTL=64 ID=50012` (kernel.log lines 46-50, printed before the
 * REJECT rule's own line 51). import left it out as "IP ...: the simulator follows ICMP, TCP and UDP
 * only" and wrote wan-to-host-2-trace without it; its own check then failed: "packet 2: count
 * differ (no such packet) | ip:raw:OUTPUT, ip:filter:OUTPUT". Now the answer goes with the packet it
 * answers, the check agrees, and a packet without a protocol that answers no REJECT is left out
 * for that reason.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = join(import.meta.dirname, "../../fixtures/import/reject-trace/material");
const material = readMaterial(input, {}, () => "");
const lines = material.log.split("\n");
const tmp = tempDir("pw-import-reject-");

const plan = (m: ImportMaterial) =>
  planImport(m, { lab: "f2b-ipset", date: "2026-12-07", containers: [], peers: [] });

describe("a REJECT's ICMP error that xtables-monitor prints without a protocol", () => {
  it("is imported with the rejected SYN, and the check agrees with the trace import writes", () => {
    const p = plan(material);
    expect(p.questions).toEqual([]);
    expect(p.notes.join("\n")).not.toMatch(/left out/);
    const rejected = p.files.find((f) => f.path === "wan-to-host-2-trace.log")?.text ?? "";
    // The SYN's lines, the error's (46-50), the REJECT's verdict line: lines 41 to 51.
    expect(rejected).toBe(`${lines.slice(40, 51).join("\n")}\n`);
    expect(p.scenarios.map((s) => [s.stem, s.packets.length])).toEqual([
      ["wan-to-host-trace", 8],
      ["wan-to-host-2-trace", 2],
    ]);
    const folder = join(tmp(), "f2b-ipset");
    writePlan(p, folder);
    const checks = checkLab(folder);
    expect(checks.map((c) => [c.trace.split("/").pop(), c.ok, c.report])).toEqual([
      ["wan-to-host-2-trace", true, ""],
      ["wan-to-host-trace", true, ""],
    ]);
  });

  it("is left out, saying its lines name no protocol, when no REJECT dropped a packet from its destination", () => {
    // The same error sent to another address: it answers nothing of the log.
    const log = material.log.replaceAll("DST=198.51.100.66 LEN=88", "DST=198.51.100.77 LEN=88");
    const p = plan({ ...material, log });
    expect(p.notes).toContain(
      "left out: a packet whose lines name no protocol from 203.0.113.10 to 198.51.100.77 (kernel.log line 47): xtables-monitor prints the protocol of TCP and UDP only, so this is ICMP or another protocol, and no REJECT of the log dropped a packet from its destination before it (a REJECT's error would go with that packet's flow): the simulator cannot tell what to send",
    );
    expect(p.notes.join("\n")).not.toMatch(/follows ICMP, TCP and UDP only/);
  });

  it("goes with the rejected SYN when a matched '-p icmp' TRACE rule names it ICMP, but a later packet back to that sender does not", () => {
    // A TRACE rule for ICMP at OUTPUT names the error ICMP (no type is printed): still the REJECT's answer.
    const named = material.log.replaceAll("-A OUTPUT -j TRACE", "-A OUTPUT -p icmp -j TRACE");
    const p = plan({ ...material, log: named });
    expect(p.scenarios.find((sc) => sc.stem === "wan-to-host-2-trace")?.packets.length).toBe(2);
    // The same error printed 40 lines after the REJECT (an echo reply the host still sends that client,
    // say): no answer of the REJECT, which prints its error while it runs.
    const all = material.log.split("\n");
    const error = all.slice(45, 50);
    const moved = [
      ...all.slice(0, 45),
      ...all.slice(50),
      ...Array.from({ length: 8 }, () => all.slice(36, 41)).flat(),
      ...error,
    ].join("\n");
    const later = plan({ ...material, log: moved });
    expect(later.scenarios.find((sc) => sc.stem === "wan-to-host-2-trace")?.packets.length).toBe(1);
  });
});
