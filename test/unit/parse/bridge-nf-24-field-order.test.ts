/**
 * A bridged packet's LOG line names the bridge ports with PHYSIN= and PHYSOUT=. Today's nf_log_syslog
 * (and 2.6's ipt_LOG, `printk("%sIN=%s OUT=%s ", ...)` then PHYSIN=, PHYSOUT=) prints them after OUT=;
 * the 2.4-era ipt_LOG with the bridge-netfilter patch printed PHYSIN= between IN= and OUT=:
 * `printk("%sIN=%s ", loginfo->prefix, ...)`, then `printk("PHYSIN=%s ", physindev->name)`, then
 * `printk("OUT=%s ", ...)`, then `printk("PHYSOUT=%s ", ...)` (the stored 2.4 ipt_LOG.c, ipt_log_target,
 * found with the search tool; the 2.5.44 brnfpre3 patch already moved them after OUT=). tester56 paste
 * 09 (a 2.4 bridge's `INBOUND TCP:` line) was read with the `IN=` inside `PHYSIN=` as its start: the
 * prefix `INBOUND TCP: IN=br0 PHYS` and in=eth0. Both orders must give the same event, by the fast
 * path (`scan-log-line.ts`, with its memo) and by the general reader alike.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { LogFieldMemo } from "../../../src/core/parse/log-field-memo.ts";
import { parseBody } from "../../../src/core/parse/parse-line.ts";

/** Paste 09's line as the 2.4 kernel printed it. */
const OLD =
  "INBOUND TCP: IN=br0 PHYSIN=eth0 OUT=br0 PHYSOUT=eth1 SRC=192.150.249.87 DST=11.11.11.84 LEN=40 TOS=0x00 PREC=0x00 TTL=110 ID=12973 PROTO=TCP SPT=220 DPT=6129 WINDOW=16384 RES=0x00 SYN URGP=0 ";
/** The same packet in today's order. */
const NOW = OLD.replace("IN=br0 PHYSIN=eth0 OUT=br0 PHYSOUT=eth1", "IN=br0 OUT=br0 PHYSIN=eth0 PHYSOUT=eth1");

/** The event of `line` read by the general reader, the fast path, and the fast path through a memo (twice). */
function reads(line: string): unknown[] {
  const memo = new LogFieldMemo();
  return [false, true, memo, memo].map((fast) => {
    const r = parseBody(line, 0, fast);
    if (r.kind !== "event") throw new Error(`not read: ${JSON.stringify(r)}`);
    const { raw: _, ...ev } = r.event as unknown as Record<string, unknown>;
    return ev;
  });
}

describe("2.4-era bridge-netfilter field order (PHYSIN= before OUT=)", () => {
  it("reads the prefix without IN=, the bridge and both ports, as today's order does", () => {
    const [full, ...fast] = reads(OLD);
    expect(full).toMatchObject({
      prefix: "INBOUND TCP: ",
      in: "br0",
      physIn: "eth0",
      out: "br0",
      physOut: "eth1",
    });
    for (const f of fast) expect(f).toEqual(full);
    expect(reads(NOW)[0]).toEqual(full);
  });

  it("takes the fast path for it (the comparison above is not vacuous)", () => {
    const memo = new LogFieldMemo();
    parseBody(OLD, 0, memo);
    parseBody(OLD, 0, memo);
    expect([memo.scans, memo.hits]).toEqual([1, 1]);
  });

  it("places paste 09 with its prefix mapped, the ports kept, no warning", () => {
    const r = parseTraceText(`Feb  1 00:00:02 bridge kernel: ${OLD}`, {
      prefixMap: { "INBOUND TCP:": "ip:filter:FORWARD" },
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.events.map((e) => [e.hook, e.in, e.physIn, e.out, e.physOut]))).toEqual([
      [["ip:filter:FORWARD", "br0", "eth0", "br0", "eth1"]],
    ]);
  });

  it("still reads a PHYSIN= with no OUT= after it as no LOG line start (the `IN=` inside it is not taken)", () => {
    // Without OUT= anywhere there are no fields to read: the line is not a LOG line.
    expect(parseBody("x IN=br0 PHYSIN=eth0 SRC=192.0.2.1 ", 0).kind).toBe("skip");
  });
});
