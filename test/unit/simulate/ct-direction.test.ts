/**
 * nft's `ct direction`: the packet's direction in its connection, original for the side that opened
 * it, reply for the other. Found by the random-ruleset comparison with kernel 6.18
 * (test/integration/simulate/random-rulesets-kernel.test.ts, in its first runs): the kernel passed
 * c1's ping to the WAN by `ct direction reply ... accept` and matched its reply, where packetwalk had
 * followed the unmodelled match both ways.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** A forward chain of one rule; `c1` pings the WAN server, whose echo reply comes back through it. */
function fates(rule: string) {
  const w = textWorld(
    `table inet t {\n\tchain fwd {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\t${rule}\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "eth0" masquerade\n\t}\n}\n`,
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
      "table inet t {\n\tchain fwd {\n\t\ttype filter hook forward priority 0;\n\t\tct direction in drop\n\t}\n}\n",
    );
    expect(w.ruleset.diagnostics.map((d) => [d.position?.line, d.position?.column, d.message])).toEqual([
      [4, 16, "'in' is not a direction"],
    ]);
  });
});
