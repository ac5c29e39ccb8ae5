import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { toListing } from "../../../src/core/render/to-listing.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const lab = join(import.meta.dirname, "../../../traces/docker-bridge");
const ruleset = parseRulesetFile(readFileSync(join(lab, "rulesets/docker-28.rules"), "utf8"));
const packetsOf = (name: string) =>
  parseTraceText(readFileSync(join(lab, `${name}.log`), "utf8"), { file: name }).packets;

describe("toListing", () => {
  it("lists the chain of the hook and every user chain it jumps to, each once, in jump order", () => {
    const request = packetsOf("container-to-wan")[0];
    const forward = request?.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect(forward).toBeDefined();
    const listing = toListing(forward as NonNullable<typeof forward>, ruleset);
    expect(listing.chains.map((c) => c.chain)).toEqual([
      "FORWARD",
      "DOCKER-USER",
      "DOCKER-FORWARD",
      "DOCKER-CT",
      "DOCKER-ISOLATION-STAGE-1",
      "DOCKER-ISOLATION-STAGE-2",
      "DOCKER-BRIDGE",
      "DOCKER",
    ]);
    expect(listing.chains[0]?.policy).toBe("DROP");
    expect(listing.chains[0]?.rules[0]?.note.en).toContain("DOCKER-USER");
    // A LOG trace says which hooks, not which rules: nothing is marked.
    expect(listing.verdictsKnown).toBe(false);
    expect(listing.chains.flatMap((c) => c.rules).some((r) => r.matched)).toBe(false);
  });

  it("marks exactly the rules a TRACE trace reports, with their verdicts", () => {
    const request = packetsOf("container-to-wan-trace")[0];
    const forward = request?.events.find((e) => e.hook === "ip:filter:FORWARD");
    const listing = toListing(forward as NonNullable<typeof forward>, ruleset);
    expect(listing.verdictsKnown).toBe(true);
    const matched = listing.chains.flatMap((c) =>
      c.rules.filter((r) => r.matched).map((r) => `${r.text} => ${r.matched}`),
    );
    expect(matched).toContain("-A DOCKER-FORWARD -i docker0 -j ACCEPT => ACCEPT");
    expect(matched).toContain("-A FORWARD -j DOCKER-USER => JUMP:DOCKER-USER");
    // The rule for traffic into docker0 was not reached by this outgoing packet.
    expect(matched.some((m) => m.startsWith("-A DOCKER-CT"))).toBe(false);
  });

  it("returns no chains for a table the ruleset does not have", () => {
    const request = packetsOf("container-to-wan")[0];
    const mangle = request?.events.find((e) => e.hook === "ip:mangle:PREROUTING");
    expect(toListing(mangle as NonNullable<typeof mangle>, ruleset).chains).toEqual([]);
  });
});

describe("toListing on iptables-save next to the host's own nft tables", () => {
  const rp = join(import.meta.dirname, "../../../traces/rpfilter");
  const mixed = parseRulesetFile(readFileSync(join(rp, "rulesets/rpfilter.rules"), "utf8"));

  it("lists an iptables step's chain, not the nft view (the rpfilter lab's dropped ping)", () => {
    expect(mixed.nft?.map((t) => `${t.family} ${t.name}`)).toEqual(["inet hostfw"]);
    const [packet] = parseTraceText(readFileSync(join(rp, "ping-spoofed.log"), "utf8"), {
      prefixMap: { "[raw]": "ip:raw:PREROUTING" },
    }).packets;
    const event = packet?.events[0];
    if (!event) throw new Error("ping-spoofed has no event");
    const listing = toListing(event, mixed);
    expect(listing.nft).toBeUndefined();
    expect(listing.chains.map((c) => c.chain)).toEqual(["PREROUTING"]);
    expect(listing.chains[0]?.rules.map((r) => r.text)).toContain(
      "-A PREROUTING -m rpfilter --invert -j DROP",
    );
  });

  it("says what an ipset a rule looks packets up in holds, in both languages", () => {
    const dir = join(import.meta.dirname, "../../../traces/fail2ban-ipset");
    const sets = parseRulesetFile(readFileSync(join(dir, "rulesets/fail2ban-ipset.rules"), "utf8"));
    const [packet] = parseTraceText(readFileSync(join(dir, "published-banned.log"), "utf8"), {
      prefixMap: { "[fwd]": "ip:filter:FORWARD", "[raw]": "ip:raw:PREROUTING", "[nat]": "ip:nat:PREROUTING" },
    }).packets;
    const forward = packet?.events.find((e) => e.hook === "ip:filter:FORWARD");
    if (!forward) throw new Error("published-banned has no FORWARD line");
    const rule = toListing(forward, sets)
      .chains.flatMap((c) => c.rules)
      .find((r) => r.text.includes("--match-set docker-allow"));
    expect(rule?.note.en).toMatch(
      /; ipset docker-allow \(hash:net\) holds 198\.51\.100\.0\/24, 198\.51\.100\.66 nomatch$/,
    );
    expect(rule?.note["zh-TW"]).toMatch(
      /；ipset docker-allow（hash:net）裡有 198\.51\.100\.0\/24, 198\.51\.100\.66 nomatch$/,
    );
  });
});
