/**
 * A `!` before a match's option, as iptables-nft 1.8.9 reads it: every verdict here is what
 * `unshare -n iptables-restore --test` (ip6tables-restore for `6 ` rules) printed for a filter table
 * whose chain held the rule (an ipset `x` made in the namespace for `-m set`). Refused options said
 * `limit: option "--limit" cannot be inverted.`; the taken ones printed nothing.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";
import { secondCommand } from "../../../src/core/simulate/xt-second-command.ts";

/** The errors of `rule` in a chain (`6 ` before it: an ip6tables-save table), as `column message`. */
function errors(line: string, chain = "INPUT", table = "filter"): string[] {
  const v6 = line.startsWith("6 ");
  const rule = v6 ? line.slice(2) : line;
  const text = `*${table}\n:${chain} ACCEPT [0:0]\n-A ${chain} ${rule}\nCOMMIT\n`;
  return parseIptablesSave(text, { family: v6 ? "ip6" : "ip" })
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position.column} ${d.message}`);
}

/** The conditions read from `rule` (words after `-A INPUT`). */
function conditions(rule: string) {
  const t = tokenizeRule(rule);
  if (!t.ok) throw new Error(t.message);
  const r = parseRuleArgs(t.tokens);
  if (!r.ok) throw new Error(r.error.message);
  return r.conditions;
}

describe("an option its match cannot invert", () => {
  it.each([
    ["-m limit ! --limit 5/s -j ACCEPT", 21, "limit", "--limit"],
    ["-m limit --limit 5/s ! --limit-burst 5 -j ACCEPT", 33, "limit", "--limit-burst"],
    ["-m recent --rcheck ! --name x -j ACCEPT", 31, "recent", "--name"],
    ["-m recent --rcheck --name x ! --seconds 5 -j ACCEPT", 40, "recent", "--seconds"],
    ["-m recent --rcheck ! --rsource -j ACCEPT", 31, "recent", "--rsource"],
    ["-m string --string x ! --algo bm -j ACCEPT", 33, "string", "--algo"],
    ["-m string --algo bm --string x ! --icase -j ACCEPT", 43, "string", "--icase"],
    ["-m time ! --timestart 10:00 -j ACCEPT", 20, "time", "--timestart"],
    ["-m time ! --utc -j ACCEPT", 20, "time", "--utc"],
    // After a flag the `!` negates the next option.
    ["-m time --utc ! --timestart 10:00 -j ACCEPT", 26, "time", "--timestart"],
    ["-m hashlimit --hashlimit-upto 5/s ! --hashlimit-name x -j ACCEPT", 46, "hashlimit", "--hashlimit-name"],
    ["-m connlimit --connlimit-above 2 ! --connlimit-mask 24 -j ACCEPT", 45, "connlimit", "--connlimit-mask"],
    ["-m statistic --probability 0.5 ! --mode random -j ACCEPT", 43, "statistic", "--mode"],
    [
      "-m connbytes --connbytes 10 --connbytes-mode bytes ! --connbytes-dir both -j ACCEPT",
      63,
      "connbytes",
      "--connbytes-dir",
    ],
    ["-m socket ! --transparent -j ACCEPT", 22, "socket", "--transparent"],
    [
      "-m cluster --cluster-local-node 1 ! --cluster-hash-seed 1 -j ACCEPT",
      46,
      "cluster",
      "--cluster-hash-seed",
    ],
    ["-m nfacct ! --nfacct-name x -j ACCEPT", 22, "nfacct", "--nfacct-name"],
    ["-m osf --genre Linux ! --ttl 1 -j ACCEPT", 33, "osf", "--ttl"],
    ["-m connlabel --label 1 ! --set -j ACCEPT", 35, "connlabel", "--set"],
    ["-m bpf ! --object-pinned /sys/fs/bpf/x -j ACCEPT", 19, "bpf", "--object-pinned"],
    ["-m ipvs --ipvs ! --vdir ORIGINAL -j ACCEPT", 27, "ipvs", "--vdir"],
    // Modelled matches, read by readers of their own.
    ["-m ttl ! --ttl-gt 1 -j ACCEPT", 19, "ttl", "--ttl-gt"],
    ["6 -m hl ! --hl-lt 1 -j ACCEPT", 18, "hl", "--hl-lt"],
    ["-m policy --dir in --pol ipsec ! --strict -j ACCEPT", 43, "policy", "--strict"],
    ["6 -m frag ! --fragfirst -j ACCEPT", 20, "frag", "--fragfirst"],
    ["6 -m rt --rt-type 0 ! --rt-0-addrs ::1 -j ACCEPT", 30, "rt", "--rt-0-addrs"],
    ["6 -m hbh ! --hbh-opts 1 -j ACCEPT", 19, "hbh", "--hbh-opts"],
    ["6 -m ipv6header --header hop ! --soft -j ACCEPT", 39, "ipv6header", "--soft"],
    ["6 -m ah ! --ahres -j ACCEPT", 18, "ah", "--ahres"],
    // getopt_long takes a start of one option (limit: option "--limit-burst" cannot be inverted.).
    ["-m limit ! --limit-b 5 -j ACCEPT", 21, "limit", "--limit-burst"],
  ])("refuses %s", (rule, column, module, option) => {
    expect(errors(rule)).toEqual([
      `${column} iptables refuses '! ${option}' (${module}: option "${option}" cannot be inverted)`,
    ]);
  });

  it("refuses rpfilter's in the raw table and owner's in OUTPUT, where each may stand", () => {
    expect(errors("-m rpfilter ! --invert -j ACCEPT", "PREROUTING", "raw")).toEqual([
      `29 iptables refuses '! --invert' (rpfilter: option "--invert" cannot be inverted)`,
    ]);
    expect(errors("-m owner --gid-owner 0 ! --suppl-groups -j ACCEPT", "OUTPUT")).toEqual([
      `36 iptables refuses '! --suppl-groups' (owner: option "--suppl-groups" cannot be inverted)`,
    ]);
  });

  it.each([
    ["-m set --match-set x src ! --return-nomatch -j ACCEPT", "--return-nomatch", "flag"],
    ["-m set --match-set x src ! --packets-gt 1 -j ACCEPT", "--packets-gt", "option"],
  ])("refuses %s in libxt_set's own words", (rule, option, what) => {
    expect(errors(rule)).toEqual([
      `37 iptables refuses '! ${option}' (${option} ${what} cannot be inverted)`,
    ]);
  });

  it.each([
    "-m recent --name x ! --rcheck -j ACCEPT",
    "-m string --algo bm ! --string x -j ACCEPT",
    "-m time ! --weekdays Mon -j ACCEPT",
    "-m time --utc ! --weekdays Mon -j ACCEPT",
    "-m hashlimit --hashlimit-name x ! --hashlimit-upto 5/s -j ACCEPT",
    "-m connlimit ! --connlimit-above 2 -j ACCEPT",
    "-m statistic --mode random ! --probability 0.5 -j ACCEPT",
    "-m connbytes --connbytes-dir both --connbytes-mode bytes ! --connbytes 10 -j ACCEPT",
    "-m cluster --cluster-total-nodes 2 --cluster-hash-seed 1 ! --cluster-local-node 1 -j ACCEPT",
    "-m connlabel ! --label 1 -j ACCEPT",
    "-m ttl ! --ttl-eq 1 -j ACCEPT",
    "-m set --match-set x src ! --update-counters -j ACCEPT",
    "-m policy --dir in --pol ipsec ! --spi 1 -j ACCEPT",
    "6 -m frag ! --fragid 1 -j ACCEPT",
    // A `!` right after an option that takes a value is that value: the list named '!'.
    "-m recent --rcheck --name ! -j ACCEPT",
  ])("takes %s", (rule) => {
    expect(errors(rule)).toEqual([]);
  });
});

describe("a '!' before -j after a match's option that takes no value", () => {
  it.each([
    ["-m recent --rcheck ! -j ACCEPT", 29],
    ["-m recent --set ! -j ACCEPT", 26],
    ["-m socket --transparent ! -j ACCEPT", 34],
    ["-m socket --transparent ! --jump ACCEPT", 34],
    ["-m string --algo bm --string x --icase ! -j ACCEPT", 49],
    ["-m connlimit --connlimit-above 2 --connlimit-saddr ! -j ACCEPT", 61],
  ])("refuses %s (cannot have ! before -j)", (rule, column) => {
    expect(errors(rule)).toEqual([
      `${column} '!' negates no option: iptables-restore refuses it (cannot have ! before -j)`,
    ]);
  });

  it("takes it after one that takes a value, whose value it is (-m string --string ! -j ACCEPT)", () => {
    expect(errors("-m string --algo bm --string ! -j ACCEPT")).toEqual([]);
  });

  it("reads a command after such an option as a second command (Cannot use -A with -A)", () => {
    const t = tokenizeRule("-m socket --transparent -A INPUT -j ACCEPT");
    expect(t.ok && secondCommand("append", t.tokens)?.message).toBe(
      `a second command '-A' in one line: iptables-restore refuses it ("Cannot use -A with -A")`,
    );
  });
});

describe("the rule's own long options after an unmodelled match", () => {
  it("are the rule's (iptables-save: -A INPUT ! -s 198.51.100.7/32 -m limit --limit 5/sec -j ACCEPT)", () => {
    expect(conditions("-m limit --limit 5/s ! --source 198.51.100.7 -j ACCEPT")).toEqual([
      { kind: "unknown", text: "-m limit --limit 5/s", neg: false, chance: "rate" },
      { kind: "src", cidr: { net: 0xc6336407, len: 32, mask: 0xffffffff }, neg: true },
    ]);
  });

  it("reads --proto and the protocol's options after it (-p tcp -m limit --limit 5/sec -m tcp --dport 22)", () => {
    expect(conditions("-m limit --limit 5/s --proto tcp --dport 22 -j ACCEPT").map((c) => c.kind)).toEqual([
      "unknown",
      "proto",
      "dport",
    ]);
  });

  it("keeps -m connlabel's --set its own, no start of --set-counters", () => {
    expect(conditions("-m connlabel --label 1 --set -j ACCEPT")).toEqual([
      { kind: "unknown", text: "-m connlabel --label 1 --set", neg: false },
    ]);
  });
});

describe("a '!' where an option takes its second word", () => {
  it.each([
    // --tcp-flags requires two args.
    [
      "-p tcp --tcp-flags SYN ! SYN -j ACCEPT",
      "33 '!' where --tcp-flags expects its second word, the flags that must be set, after 'SYN': iptables-restore refuses it (--tcp-flags requires two args.)",
      "to negate the test put '!' before the option: ! --tcp-flags SYN SYN",
    ],
    [
      "-p tcp --tcp-flags SYN ! -j ACCEPT",
      "33 '!' where --tcp-flags expects its second word, the flags that must be set, after 'SYN': iptables-restore refuses it (--tcp-flags requires two args.)",
      "to negate the test put '!' before the option: ! --tcp-flags SYN ...",
    ],
    // --match-set requires two args.
    [
      "-m set --match-set x ! src -j ACCEPT",
      "31 '!' where --match-set expects its second word, the flags (src, dst), after 'x': iptables-restore refuses it (--match-set requires two args.)",
      "to negate the test put '!' before the option: ! --match-set x src",
    ],
    // --chunk-types requires two args
    [
      "-p sctp --chunk-types any ! INIT -j ACCEPT",
      "36 '!' where --chunk-types expects its second word, the chunk types, after 'any': iptables-restore refuses it (--chunk-types requires two args)",
      "to negate the test put '!' before the option: ! --chunk-types any INIT",
    ],
  ])("refuses %s, saying what was expected there", (rule, said, hint) => {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${rule}\nCOMMIT\n`;
    const found = parseIptablesSave(text).diagnostics.map((d) => [
      `${d.position.column} ${d.message}`,
      d.hint,
    ]);
    expect(found).toEqual([[said, hint]]);
  });

  it("names both words in the hint for a '!' before them (Unknown TCP flag `!')", () => {
    const text = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --tcp-flags ! SYN SYN -j ACCEPT\nCOMMIT\n";
    expect(parseIptablesSave(text).diagnostics.map((d) => d.hint)).toEqual(["write ! --tcp-flags SYN SYN"]);
  });
});
