/**
 * nft's `ct direction` and iptables' `-m conntrack --ctdir`: the packet's direction in its connection,
 * original for the side that opened it, reply for the other. Found by the random-ruleset comparison with kernel 6.18
 * (test/integration/simulate/random-rulesets-kernel.test.ts, in its first runs): the kernel passed
 * c1's ping to the WAN by `ct direction reply ... accept` and matched its reply, where packetwalk had
 * followed the unmodelled match both ways. iptables' `--ctdir` was recorded on kernel 6.18 with rule
 * counters (iptables-nft 1.8.9): ORIGINAL counted the echo request, REPLY its reply; an untracked packet
 * matched neither alone and both beside `--ctstate UNTRACKED`; `! --ctdir` and `--ctdir sideways` were
 * refused, `--ctdir original` saved as ORIGINAL.
 */
import { describe, expect, it } from "vitest";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { iptablesPingFates, textWorld } from "./helpers.ts";

/** A forward chain of one rule; `c1` pings the WAN server, whose echo reply comes back through it. */
function fates(rule: string) {
  const w = textWorld(
    `table inet t {\n\tchain fwdc {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "eth0" masquerade\n\t}\n}\n`,
  );
  expect(w.ruleset.diagnostics).toEqual([]);
  const run = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
  return run.packets.map((p) => `${p.direction} ${p.fate.kind}`);
}

describe("ct direction", () => {
  it("drops only the reply with `ct direction reply drop`", () => {
    expect(fates("ct direction reply drop")).toEqual(["request delivered", "reply dropped"]);
  });
  it("drops only the request with `ct direction original drop`", () => {
    expect(fates("ct direction original drop")).toEqual(["request dropped"]);
  });
  it("reads != and sets", () => {
    expect(fates("ct direction != original drop")).toEqual(["request delivered", "reply dropped"]);
    expect(fates("ct direction { original, reply } drop")).toEqual(["request dropped"]);
  });
  it("decides a verdict map keyed by it", () => {
    expect(fates("ct direction vmap { original : accept, reply : drop }")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
  });
  it("refuses another word, at its place", () => {
    const w = textWorld(
      "table inet t {\n\tchain fwdc {\n\t\ttype filter hook forward priority 0;\n\t\tct direction in drop\n\t}\n}\n",
    );
    expect(w.ruleset.diagnostics.map((d) => [d.position?.line, d.position?.column, d.message])).toEqual([
      [4, 16, "'in' is not a direction"],
    ]);
  });
});

describe("iptables -m conntrack --ctdir", () => {
  it("drops only the reply with --ctdir REPLY, only the request with ORIGINAL (in any case)", () => {
    expect(iptablesPingFates("-m conntrack --ctdir REPLY -j DROP")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(iptablesPingFates("-m conntrack --ctdir original -j DROP")).toEqual(["request dropped"]);
  });

  it("fails an untracked packet alone, and passes it when the match's --ctstate held", () => {
    const notrack = "-p icmp -j CT --notrack";
    // Untracked, the request leaves unmasqueraded: the WAN's reply to 172.17.0.2 finds no way back.
    expect(iptablesPingFates("-m conntrack --ctdir ORIGINAL -j DROP", notrack)).toEqual([
      "request delivered",
      "reply lost",
    ]);
    expect(iptablesPingFates("-m conntrack --ctstate UNTRACKED --ctdir REPLY -j DROP", notrack)).toEqual([
      "request dropped",
    ]);
  });

  it("refuses `!` and another word, at their place", () => {
    const w = (rule: string) =>
      textWorld(
        `*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD ${rule}\nCOMMIT\n`,
        "t.rules",
      ).ruleset.diagnostics.map((d) => [d.position?.column, d.message]);
    expect(w("-m conntrack ! --ctdir REPLY -j DROP")).toEqual([
      [27, `iptables refuses '! --ctdir' (conntrack: option "--ctdir" cannot be inverted)`],
    ]);
    expect(w("-m conntrack --ctdir sideways -j DROP")).toEqual([[33, "'sideways' is not a direction"]]);
  });

  it("is explained in words, with the untracked case beside --ctstate", () => {
    expect(explainRule("-A FORWARD -m conntrack --ctdir REPLY -j ACCEPT").en).toMatch(
      /^if the packet goes in its connection's reply direction, accept/,
    );
    const both = explainRule("-A INPUT -m conntrack --ctstate UNTRACKED --ctdir ORIGINAL -j DROP");
    expect(both.unknown).toEqual([]);
    expect(both.en).toContain(
      "original direction (a packet without a connection has no direction: it matches on the state alone)",
    );
    expect(both["zh-TW"]).toContain("封包在連線的原方向上");
  });
});
