/**
 * A MAC NAT or redirect target's option given twice, a start of two ebtables options, and -Z in a rule:
 * each verdict is what `unshare -n ebtables-restore` (ebtables-nft 1.8.9) printed for a bridge table
 * whose chain held the rule (`ebtables -L` printing the rules it took).
 */
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";

/** The problems of a bridge nat table (or filter) whose chains hold `rule` (line 5). */
const problems = (rule: string, table: "nat" | "filter" = "nat") =>
  parseEbtables(
    table === "nat"
      ? `*nat\n:PREROUTING ACCEPT\n:OUTPUT ACCEPT\n:POSTROUTING ACCEPT\n${rule}\n`
      : `*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${rule}\n`,
  ).diagnostics.map((d) => `${d.severity} 5:${d.position.column} ${d.message} | ${d.hint}`);

const MAC = "00:11:22:33:44:55";
const MAC2 = "00:11:22:33:44:66";

describe("a MAC NAT or redirect target's option given twice", () => {
  it.each([
    // ebtables-restore v1.8.9 (nf_tables): Multiple use of same option not allowed (for each; the first
    // four were taken, the second MAC written; the redirect one was refused as an unexpected option).
    [`-A PREROUTING -j dnat --to-destination ${MAC} --to-destination ${MAC2}`, 58, "--to-destination"],
    [`-A PREROUTING -j dnat --to-dst ${MAC} --to-destination ${MAC2}`, 50, "--to-destination"],
    [`-A PREROUTING -j dnat --to-dst ${MAC} --dnat-target ACCEPT --dnat-target DROP`, 71, "--dnat-target"],
    [`-A POSTROUTING -j snat --to-src ${MAC} --to-source ${MAC2}`, 51, "--to-source"],
    [`-A POSTROUTING -j snat --to-src ${MAC} --snat-arp --snat-arp`, 62, "--snat-arp"],
    [`-A POSTROUTING -j snat --to-src ${MAC} --snat-target ACCEPT --snat-target DROP`, 72, "--snat-target"],
    [`-A PREROUTING -p ARP -j arpreply --arpreply-mac ${MAC} --arpreply-mac ${MAC2}`, 67, "--arpreply-mac"],
    ["-A PREROUTING -j redirect --redirect-target DROP --redirect-target ACCEPT", 50, "--redirect-target"],
  ])("refuses %s", (rule, column, option) => {
    expect(problems(rule)).toEqual([
      `error 5:${column} ${option} is given twice: ebtables refuses it ("Multiple use of same option not allowed") | give it once: write one rule for each value`,
    ]);
  });

  it("still takes one of each (ebtables -L: -j dnat --to-dst 00:11:22:33:44:55 --dnat-target DROP)", () => {
    const got = problems(`-A PREROUTING -j dnat --to-dst ${MAC} --dnat-target DROP`);
    expect(got.filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

describe("a start of two ebtables options", () => {
  const HINT = "write the option whole (ebtables -h lists them)";
  it.each([
    // ebtables-restore v1.8.9 (nf_tables): Unknown argument: 'eth0' (getopt_long found '--in' ambiguous).
    [
      "-A INPUT --in eth0 -j ACCEPT",
      "'--in' is ambiguous to ebtables: it starts --insert, --init-table, --in-if, --in-interface",
      "eth0",
    ],
    // Unknown argument: '-j'
    [
      "-A INPUT --in -j ACCEPT",
      "'--in' is ambiguous to ebtables: it starts --insert, --init-table, --in-if, --in-interface",
      "-j",
    ],
    // Unknown argument: '00:11:22:33:44:55'
    [
      `-A INPUT --de ${MAC} -j ACCEPT`,
      "'--de' is ambiguous to ebtables: it starts --delete, --delete-chain, --destination",
      MAC,
    ],
    [
      `-A INPUT --among-s ${MAC} -j ACCEPT`,
      "'--among-s' is ambiguous to ebtables: it starts --among-src, --among-src-file",
      MAC,
    ],
    [
      `-A INPUT --among-d ${MAC} -j ACCEPT`,
      "'--among-d' is ambiguous to ebtables: it starts --among-dst, --among-dst-file",
      MAC,
    ],
    // Unknown argument: '1'
    ["-A INPUT --m 1 -j ACCEPT", "'--m' is ambiguous to ebtables: it starts --modprobe, --mark", "1"],
    // Unknown argument: '(null)' (nothing after it)
    [
      "-A INPUT -j ACCEPT --de",
      "'--de' is ambiguous to ebtables: it starts --delete, --delete-chain, --destination",
      "(null)",
    ],
  ])("refuses %s", (rule, said, after) => {
    expect(problems(rule, "filter")).toEqual([
      `error 5:${rule.indexOf(" --") + 2} ${said}; ebtables-restore refuses the rule (Unknown argument: '${after}') | ${HINT}`,
    ]);
  });

  it.each([
    // Each was taken: ebtables -L printed -i eth0, -d 00:11:22:33:44:55, --among-src 0:11:22:33:44:55.
    "-A INPUT --in-if eth0 -j ACCEPT",
    `-A INPUT --des ${MAC} -j ACCEPT`,
    `-A INPUT --among-src ${MAC} -j ACCEPT`,
  ])("takes %s", (rule) => {
    expect(problems(rule, "filter").filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

describe("-Z in a rule", () => {
  it.each([
    // ebtables-restore v1.8.9 (nf_tables): Command -Z only allowed together with command -L
    ["-A INPUT --z -j ACCEPT", "--z"],
    ["-A INPUT --ze", "--ze"],
    ["-A INPUT -Z", "-Z"],
    ["-A INPUT --zero", "--zero"],
  ])("refuses %s in the tool's words", (rule, word) => {
    expect(problems(rule, "filter")).toEqual([
      `error 5:10 a second command '${word}' in one line: ebtables-restore refuses it ("Command -Z only allowed together with command -L") | put each rule on a line of its own: a pasted text may have joined two lines`,
    ]);
  });
});
