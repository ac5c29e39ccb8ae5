/**
 * getopt_long's forms iptables-restore 1.8.9 took and iptables-save printed back in the usual one
 * (`--log-prefix=abc` as `--log-prefix abc`, `-m policy --dir=in --pol=none` as `--dir in --pol none`,
 * `--fr` as `-f`, `--sr 1.2.3.4` as `-s 1.2.3.4/32`): each is read as that form, not refused or unmodelled.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";

/** The rule's words as the reader reads them (its conditions and target, or its error). */
const read = (words: string) => {
  const tk = tokenizeRule(words);
  if (!tk.ok) throw new Error(tk.message);
  return parseRuleArgs(tk.tokens);
};

/** The problems of a filter table whose INPUT chain holds `rule` (line 3). */
const problems = (rule: string) =>
  parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("an option's other forms, read as iptables-save prints them back", () => {
  it.each([
    ["-j LOG --log-prefix=abc", "-j LOG --log-prefix abc"],
    ['-j LOG --log-prefix="a b" --log-level=4', '-j LOG --log-prefix "a b" --log-level 4'],
    ["-m policy --dir=in --pol=none -j ACCEPT", "-m policy --dir in --pol none -j ACCEPT"],
    ["-p tcp -j REJECT --reject-with=tcp-reset", "-p tcp -j REJECT --reject-with tcp-reset"],
    ["-j MARK --set-mark=1", "-j MARK --set-mark 1"],
    ["-p tcp --dport=22 -j ACCEPT", "-p tcp --dport 22 -j ACCEPT"],
    ["--fr -j ACCEPT", "-f -j ACCEPT"],
    ["! --fr -j ACCEPT", "! -f -j ACCEPT"],
    ["--sr 1.2.3.4 -j ACCEPT", "-s 1.2.3.4 -j ACCEPT"],
    ["--ds 1.2.3.4 -j ACCEPT", "-d 1.2.3.4 -j ACCEPT"],
  ])("reads %s as %s", (form, saved) => {
    const got = read(form);
    expect(got.ok).toBe(true);
    expect(got).toEqual(read(saved));
  });

  it('keeps a text option\'s value whole (iptables-save printed --comment "--x=y")', () => {
    expect(read("-m comment --comment --x=y -j ACCEPT")).toEqual(
      read('-m comment --comment "--x=y" -j ACCEPT'),
    );
  });

  it.each([
    "-A INPUT -j LOG --log-prefix=abc",
    "-A INPUT -m policy --dir=in -j ACCEPT",
    "-A INPUT --fr -j ACCEPT",
  ])("takes %s with no problem, as iptables-restore did", (rule) => {
    expect(problems(rule)).toEqual([]);
  });
});

describe("-f given twice", () => {
  it.each([
    // iptables-restore 1.8.9: multiple -f flags not allowed (both were taken).
    [
      "-A INPUT -f -f -j DROP",
      "error 3:13 -f is given twice in one rule (iptables: multiple -f flags not allowed)",
    ],
    [
      "-A INPUT --fr --fragment -j DROP",
      "error 3:15 --fragment is given twice in one rule (iptables: multiple -f flags not allowed)",
    ],
  ])("refuses %s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });
});

describe("iptables' own options written --option=value", () => {
  it.each([
    // iptables-restore 1.8.9 read the whole word as the value and printed the quoted line; they were kept unmodelled.
    ["-A INPUT --source=1.2.3.4 -j ACCEPT", "host/network `--source=1.2.3.4' not found"],
    ["-A INPUT --protocol=tcp -j ACCEPT", 'unknown protocol "--protocol=tcp" specified'],
    [
      "-A INPUT --in-interface=eth0 -j ACCEPT",
      "interface name `--in-interface=eth0' must be shorter than IFNAMSIZ (15)",
    ],
    ["-A INPUT --jump=ACCEPT", "Chain '--jump=ACCEPT' does not exist"],
    // A shortened own option with '=' is read whole alike, unless a match loaded before it by -m has an
    // option it starts (`-m addrtype --sr=` is unknown option "--sr=1.1.1.1"); they were taken as -s, -d, -p.
    ["-A INPUT --sr=1.1.1.1 -j DROP", "host/network `--sr=1.1.1.1' not found"],
    ["-A INPUT --ds=1.1.1.1 -m addrtype --dst-type LOCAL -j DROP", "host/network `--ds=1.1.1.1' not found"],
    ["-A INPUT --sou=1.1.1.1 -j DROP", "host/network `--sou=1.1.1.1' not found"],
    ["-A INPUT --pro=tcp -j DROP", 'unknown protocol "--pro=tcp" specified'],
  ])("refuses %s", (rule, said) => {
    const word = (rule.split(" ")[2] as string).trim();
    expect(problems(rule)).toEqual([
      `error 3:10 '${word}' is one word to iptables-restore, which reads it whole as the option's value and refuses it (${said})`,
    ]);
  });

  it.each([
    // --match and --set-counters read their value after '=' (iptables-save printed -m comment --comment x).
    ["--match=comment --comment x -j ACCEPT", "-m comment --comment x -j ACCEPT"],
    ["-j ACCEPT --match=comment --comment x", "-m comment --comment x -j ACCEPT"],
    // As --goto does (iptables-save printed -g MYCH; it was kept as an unmodelled match, the rule without its goto).
    ["--goto=MYCH", "-g MYCH"],
    ["--go=MYCH", "-g MYCH"],
  ])("reads %s as %s", (form, saved) => {
    expect(read(form)).toEqual(read(saved));
  });
});
