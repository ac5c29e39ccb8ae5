/**
 * ebtables-restore refuses a device option in a built-in chain where the frame has no such device yet
 * (ebtables-nft 1.8.9 on kernel 6.18: "Use -i only in INPUT, FORWARD, PREROUTING and BROUTING
 * chains", "Use --logical-out only in OUTPUT, FORWARD and POSTROUTING chains"); packetwalk took the
 * rule, and a frame walked through a ruleset the host could never have loaded.
 */
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";

const HEAD = "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n";
const problems = (rule: string) =>
  parseEbtables(`${HEAD}${rule}\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("ebtables device options by chain", () => {
  it.each([
    [
      "-A OUTPUT -i eth0 -j ACCEPT",
      "error 5:11 -i is not valid in OUTPUT: a frame there has no input device yet (ebtables: Use -i only in INPUT, FORWARD, PREROUTING and BROUTING chains)",
    ],
    [
      "-A OUTPUT --logical-in br0 -j ACCEPT",
      "error 5:11 --logical-in is not valid in OUTPUT: a frame there has no input device yet (ebtables: Use --logical-in only in INPUT, FORWARD, PREROUTING and BROUTING chains)",
    ],
    [
      "-A INPUT -p IPv4 --logical-out br0 -j ACCEPT",
      "error 5:18 --logical-out is not valid in INPUT: a frame there has no output device yet (ebtables: Use --logical-out only in OUTPUT, FORWARD and POSTROUTING chains)",
    ],
    [
      "-A INPUT --out-interface veth1 -j DROP",
      "error 5:10 --out-interface is not valid in INPUT: a frame there has no output device yet (ebtables: Use -o only in OUTPUT, FORWARD and POSTROUTING chains)",
    ],
  ])("refuses %s at the option, as ebtables-restore does", (rule, message) => {
    expect(problems(rule)).toEqual([message]);
  });

  it.each([
    "-A FORWARD -i veth1 -o veth2 --logical-in br0 --logical-out br0 -j ACCEPT",
    "-A INPUT -i veth1 --logical-in br0 -j ACCEPT",
    "-A OUTPUT -o veth1 --logical-out br0 -j ACCEPT",
  ])("takes %s", (rule) => {
    expect(problems(rule)).toEqual([]);
  });

  it("checks the nat table's chains too (a frame leaving in OUTPUT came in by no port)", () => {
    const r = parseEbtables(
      "*nat\n:PREROUTING ACCEPT\n:OUTPUT ACCEPT\n:POSTROUTING ACCEPT\n-A POSTROUTING -i veth1 -j ACCEPT\n",
    );
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "-i is not valid in POSTROUTING: a frame there has no input device yet (ebtables: Use -i only in INPUT, FORWARD, PREROUTING and BROUTING chains)",
    ]);
  });
});
