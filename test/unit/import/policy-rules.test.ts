/**
 * The host's own routing rules are named, as `ip rule` lists them, and the rules every host has are
 * not. The JSON is what `ip -j rule` (iproute2 6.1) printed on kernel 6.18 in a namespace after
 * `ip rule add from 10.9.0.0/24 fwmark 0x5/0xff iif lo lookup 100 prio 100`,
 * `ip rule add not to 10.2.0.0/16 ipproto tcp dport 80-90 unreachable prio 200`,
 * `ip rule add uidrange 1000-1000 goto 32766 prio 300` and
 * `ip rule add oif lo lookup main suppress_prefixlength 0 prio 400`; the expected strings are the
 * lines `ip rule` printed for them.
 */
import { describe, expect, it } from "vitest";
import { ownRules, policyRoutingNote } from "../../../src/core/import/policy-rules.ts";

const DEFAULTS_V4 = [
  { priority: 0, src: "all", table: "local" },
  { priority: 32766, src: "all", table: "main" },
  { priority: 32767, src: "all", table: "default" },
];
const DEFAULTS_V6 = [
  { priority: 0, src: "all", table: "local" },
  { priority: 32766, src: "all", table: "main" },
];
const OWN = JSON.parse(
  '[{"priority":0,"src":"all","table":"local"},{"priority":100,"src":"10.9.0.0","srclen":24,"fwmark":"0x5","fwmask":"0xff","iif":"lo","table":"100"},{"priority":200,"not":null,"src":"all","dst":"10.2.0.0","dstlen":16,"ipproto":"tcp","dport_start":80,"dport_end":90,"action":"unreachable"},{"priority":300,"src":"all","uid_start":1000,"uid_end":1000,"goto":32766},{"priority":400,"src":"all","oif":"lo","table":"main","suppress_prefixlen":0},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]',
);

describe("the host's routing rules", () => {
  it("names each rule of the host's own as ip rule lists it, and none of the defaults", () => {
    expect(ownRules(OWN)).toEqual([
      "100: from 10.9.0.0/24 fwmark 0x5/0xff iif lo lookup 100",
      "200: not from all to 10.2.0.0/16 ipproto tcp dport 80-90 unreachable",
      "300: from all uidrange 1000-1000 goto 32766",
      "400: from all oif lo lookup main suppress_prefixlength 0",
    ]);
  });

  it("says nothing for a host with the default rules only, or without the saves", () => {
    expect(policyRoutingNote(DEFAULTS_V4, DEFAULTS_V6)).toBeUndefined();
    expect(policyRoutingNote(undefined, undefined)).toBeUndefined();
  });

  it("a default table looked up at another priority is the host's own (wg-quick moves main)", () => {
    expect(ownRules([{ priority: 100, src: "all", table: "main" }])).toEqual(["100: from all lookup main"]);
  });

  it("the note names both families' rules and what the simulator does instead", () => {
    const note = policyRoutingNote(OWN, [
      ...DEFAULTS_V6,
      { priority: 5, src: "fd00::", srclen: 8, table: "7" },
    ]);
    expect(note).toContain("IPv4 100: from 10.9.0.0/24 fwmark 0x5/0xff iif lo lookup 100;");
    expect(note).toContain("IPv6 5: from fd00::/8 lookup 7.");
    expect(note).toContain("simulated as the main table routes it");
  });
});
