/**
 * A reverse-path check (`fib saddr . iif oif missing`, `-m rpfilter`) passes a link-local IPv6 source:
 * the kernel keeps a fe80::/64 route on every IPv6 device, so a neighbour solicitation a host sends from
 * its link-local address (ndisc_solicit, when the packet's source is not on the outgoing device) is not
 * dropped. simcheck12 D6 (kernel 6.18): a ping from an address held on lo crossed the router's check and
 * was dropped there, where packetwalk had the solicitation dropped and the packet never sent.
 */
import { describe, expect, it } from "vitest";
import { evalCondition } from "../../../src/core/simulate/match-rule.ts";
import type { Condition } from "../../../src/core/simulate/ruleset.ts";
import { icmpPacket, routedContext } from "./helpers.ts";

const strict: Condition = { kind: "rpfilter", strict: true, acceptLocal: false, neg: false };
const v6 = (src: string) => icmpPacket({ v6: true, src, dst: "fd00:2::2" });
// A host with no route back to anything: only its links.
const ctx = routedContext({ ethType: "0x86dd", routeTo: () => ({ kind: "unreachable" }) });

describe("the reverse-path check and a link-local source", () => {
  it("passes fe80::/10 on the device it came in by", () => {
    expect(evalCondition(strict, v6("fe80::ff:fe00:2"), ctx)).toBe(true);
    expect(evalCondition({ ...strict, strict: false }, v6("fe80::1"), ctx)).toBe(true);
  });

  it("still fails a global source with no route back", () => {
    expect(evalCondition(strict, v6("fd00:2::99"), ctx)).toBe(false);
  });
});
