/**
 * An unmodelled statement or target that may set the packet's mark (iptables-nft's `xt target "MARK"`,
 * whose options `nft list` does not print; `meta mark set ct mark and 0xff`) leaves the mark unknown
 * for every later rule: a mark match after it is undecided, with the reason, never read from the mark
 * the packet had before. A rule that sets the whole mark makes it known again.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { preroutingAndInput, textWorld, wanTcpFates } from "./helpers.ts";

/** The first packet of a TCP connection from the WAN to the router's port 22. */
const ssh = (pre: string, input: string) =>
  runScenario(textWorld(preroutingAndInput(pre, input, true)), {
    from: "wan",
    to: "203.0.113.2",
    proto: "tcp",
    dport: 22,
  }).packets[0];

describe("a mark an unmodelled rule may have set", () => {
  it("after xt target MARK, a later chain's mark match is undecided, the reason named", () => {
    const p = ssh('tcp dport 22 counter xt target "MARK"', "meta mark 0x40000 drop");
    const why = p?.unmodelled.find((u) => u.text.includes("meta mark 0x40000"));
    expect(why?.what).toContain("the mark was last changed by a rule that is not modelled");
    expect(why?.what).toContain('xt target "MARK"');
  });

  it("the same match without the MARK target before it is decided (the mark is 0)", () => {
    const p = ssh("tcp dport 22 counter", "meta mark 0x40000 drop");
    expect(p?.fate.kind).toBe("delivered");
    expect(p?.unmodelled ?? []).toEqual([]);
  });

  it("after an acting unmodelled mark statement, a later rule's mark match is undecided", () => {
    // In nat prerouting, after conntrack's lookup: the packet has a connection to load the mark from.
    const p = runScenario(
      textWorld(preroutingAndInput("meta mark set ct mark and 0xff", "meta mark 0x1 drop")),
      {
        from: "wan",
        to: "203.0.113.2",
        proto: "tcp",
        dport: 22,
      },
    ).packets[0];
    expect(p?.unmodelled.some((u) => u.text.includes("meta mark 0x1") && /not modelled/.test(u.what))).toBe(
      true,
    );
  });

  it("before conntrack's lookup the same statement breaks its rule: the mark stays known", () => {
    // At priority raw the packet has no connection: nft_ct's load of `ct mark` ends the rule (kernel 6.18,
    // test/fixtures/simulate/nft-ct-break), so the later match reads the mark 0.
    const p = ssh("meta mark set ct mark and 0xff", "meta mark 0x1 drop");
    expect(p?.fate.kind).toBe("delivered");
    expect(p?.unmodelled ?? []).toEqual([]);
    expect(p?.notes.some((n) => n.includes("abandoned at 'ct mark'"))).toBe(true);
  });

  it("a rule that sets the whole mark makes it known again: the later match is decided", () => {
    const w = textWorld(
      preroutingAndInput(
        'tcp dport 22 counter xt target "MARK"\n\t\tmeta mark set 0x1',
        "meta mark 0x1 drop",
        true,
      ),
    );
    expect(wanTcpFates(w, 22)).toEqual(["22: dropped"]);
    const p = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22 }).packets[0];
    expect(p?.unmodelled.some((u) => u.text.includes("meta mark 0x1 drop"))).toBe(false);
  });

  it("a mark in a set's key (meta mark . ip saddr) is undecided too", () => {
    const p = ssh(
      'tcp dport 22 counter xt target "MARK"',
      "meta mark . ip saddr { 0x00000001 . 203.0.113.1 } drop",
    );
    expect(p?.unmodelled.some((u) => u.what.includes("the mark was last changed"))).toBe(true);
  });
});
