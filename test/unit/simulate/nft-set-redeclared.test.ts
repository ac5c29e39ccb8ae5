/**
 * A set or map declared twice in one file: `nft -f` adds the second declaration's elements to the
 * set it has when both are alike, and refuses the whole file with "Could not process rule: File
 * exists" at the second name when the type, flags or timeout differ (each case checked with nft 1.0.6
 * on kernel 6.18, `nft -f` then `nft list set` in a throwaway namespace). The reader kept the second
 * declaration alone, so the first one's elements were lost and a packet they hold went through.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { NftSet } from "../../../src/core/simulate/ruleset.ts";

const twice = (second: string) => `table ip t {
	set s { type ipv4_addr; flags interval; elements = { 198.51.100.0/24 } }
	map m { type ipv4_addr : verdict; elements = { 192.0.2.4 : accept } }
	chain fw {
		type filter hook forward priority filter; policy accept;
		ip daddr @s drop
	}
}
table ip t {
	${second}
}
`;

/** The reader's problems (`line:column message`) and the set's elements as written. */
function read(text: string, name = "s") {
  const parsed = parseRulesetFile(text, "s.nft");
  const set = parsed.nft?.find((t) => t.name === "t")?.sets?.get(name) as NftSet | undefined;
  return {
    problems: parsed.diagnostics.map((d) => `${d.position?.line}:${d.position?.column} ${d.message}`),
    elements: set?.elements.map((e) =>
      e.kind === "prefix" ? "prefix" : e.kind === "value" ? e.value : e.kind,
    ),
    verdicts: set?.verdicts.map((v) => (v.key.kind === "value" ? v.key.value : "?")),
  };
}

describe("a set declared again", () => {
  it("adds its elements to the first declaration's (nft listed { 198.51.100.0/24, 203.0.113.0/24 })", () => {
    const r = read(twice("set s { type ipv4_addr; flags interval; elements = { 203.0.113.0/24 } }"));
    expect(r.problems).toEqual([]);
    expect(r.elements).toEqual(["prefix", "prefix"]);
  });

  it("a map's elements too (nft listed { 192.0.2.4 : accept, 192.0.2.5 : drop })", () => {
    const r = read(twice("map m { type ipv4_addr : verdict; elements = { 192.0.2.5 : drop } }"), "m");
    expect(r.problems).toEqual([]);
    expect(r.verdicts).toEqual(["192.0.2.4", "192.0.2.5"]);
  });

  it("auto-merge on the second declaration alone is alike (nft merged both)", () => {
    const r = read(
      twice("set s { type ipv4_addr; flags interval; auto-merge; elements = { 203.0.113.0/24 } }"),
    );
    expect(r.problems).toEqual([]);
  });

  it("an element overlapping the first declaration's is refused where nft points", () => {
    const r = read(twice("set s { type ipv4_addr; flags interval; elements = { 198.51.100.7 } }"));
    expect(r.problems).toEqual([
      `10:55 set s: element '198.51.100.7' overlaps '198.51.100.0/24': nft refuses an interval set's overlapping elements ("conflicting intervals specified"), and with them the whole file`,
    ]);
  });

  it.each([
    [
      "set s { type ipv4_addr; elements = { 203.0.113.1 } }",
      "with flags, timeout and expressions none, 'interval' at line 2",
    ],
    [
      "set s { type inet_service; flags interval; elements = { 80 } }",
      "with type inet_service, ipv4_addr at line 2",
    ],
    [
      "set s { type ipv4_addr; flags interval; timeout 10s; elements = { 203.0.113.0/24 } }",
      "with flags, timeout and expressions 'interval timeout', 'interval' at line 2",
    ],
    [
      "set s { type ipv4_addr; flags interval; counter; elements = { 203.0.113.0/24 } }",
      "with flags, timeout and expressions 'counter interval', 'interval' at line 2",
    ],
  ])("%s is refused at its name (File exists)", (second, unlike) => {
    expect(read(twice(second)).problems).toEqual([
      `10:6 set s is declared again ${unlike}: nft refuses the file ("Could not process rule: File exists")`,
    ]);
  });

  // nft 1.0.6 on kernel 6.18 (`nft -f`, then `nft list`) merged each pair: the kernel compares the flags
  // (a timeout sets one), the element expressions and the key's datatype, and updates a size or a timeout.
  it.each([
    ["set s { type ipv4_addr; flags timeout; }", "set s { type ipv4_addr; flags timeout; timeout 1h; }"],
    ["set s { type ipv4_addr; timeout 1h; }", "set s { type ipv4_addr; timeout 2h; }"],
    ["set s { type ipv4_addr; size 100; }", "set s { type ipv4_addr; size 200; }"],
    ["set s { typeof ip saddr; }", "set s { type ipv4_addr; }"],
    ["set s { typeof tcp dport; }", "set s { type inet_service; }"],
    ["set s { typeof ip saddr; }", "set s { typeof ip daddr; }"],
    ["set s { typeof tcp dport; }", "set s { typeof udp dport; }"],
  ])("%s then %s is one set, not File exists", (first, second) => {
    expect(read(`table inet t {\n\t${first}\n}\ntable inet t {\n\t${second}\n}\n`).problems).toEqual([]);
  });
});
