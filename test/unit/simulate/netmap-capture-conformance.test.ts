/**
 * Captures from another kind of machine, checked as `packetwalk check` checks a lab: a router in
 * network namespaces (kernel 6.18), imported with `packetwalk import`
 * (test/fixtures/simulate/netmap-prefix-router/capture/). `pwxlab`: iptables and ip6tables NETMAP, a
 * LOG rule at the top of every chain. `pwxnft`: nft `dnat|snat ip prefix to`, recorded with nft monitor
 * trace. The kernel mapped each address by its host bits; it sent the TCP reset of a packet that came
 * in by a bridge port with no LOG or trace line at all (nf_send_reset puts it straight on that port);
 * nft monitor trace showed `reject with tcp reset` as `(verdict drop)`.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";

const CAPTURE = join(import.meta.dirname, "../../fixtures/simulate/netmap-prefix-router/capture");

/** The per-trace results of `packetwalk check` on a captured lab (the missing zh-TW texts left aside). */
const traceChecks = (lab: string) =>
  checkLab(join(CAPTURE, lab)).filter((r) => !r.trace.endsWith("zh-tw.json"));

describe("recorded NETMAP routers agree with the simulator", () => {
  for (const [lab, stems] of [
    ["pwxlab", ["pod1-to-host", "pod1-to-host-v6", "pod1-to-wan", "wan-to-pod2", "wan-to-pod2-v6"]],
    ["pwxnft", ["pod1-to-wan-trace", "pod2-to-wan-trace", "wan-to-pod2-tcp-trace", "wan-to-pod2-trace"]],
  ] as const) {
    const results = traceChecks(lab);
    it(`${lab}: finds its recorded traces`, () => {
      expect(results.map((r) => r.trace.split("/").pop()).sort()).toEqual([...stems]);
    });
    for (const r of results)
      it(`${lab}/${r.trace.split("/").pop()} agrees with the kernel`, () => {
        expect(r.report, r.report).toBe("");
        expect(r.ok).toBe(true);
      });
  }
});
