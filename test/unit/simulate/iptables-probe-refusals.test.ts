/**
 * Match and target options iptables-restore refuses (iptables-nft 1.8.9, each rule restored in a fresh
 * network namespace) that the reader kept as unmodelled matches or read wrapped: each is refused at its
 * value with iptables' message, and each form iptables-restore took is still taken.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

/** The problems of a filter table whose INPUT chain holds `rule` (line 3). */
const problems = (rule: string) =>
  parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("options iptables-restore refuses", () => {
  it.each([
    [
      "-A INPUT -m hashlimit --hashlimit-upto 5/sec -j ACCEPT",
      `error 3:13 -m hashlimit needs --hashlimit-name: iptables-restore refuses the rule without it ("hashlimit: option "--hashlimit-name" must be specified")`,
    ],
    [
      "-A INPUT -m string --string foo -j DROP",
      `error 3:13 -m string needs --algo: iptables-restore refuses the rule without it ("string: option "--algo" must be specified")`,
    ],
    [
      "-A INPUT -m time --weekdays Mon,Funday -j DROP",
      `error 3:29 'Mon,Funday' names a day iptables does not know: iptables-restore refuses it ("Fun is not a valid day specifier")`,
    ],
    [
      "-A INPUT -m time --weekdays Mon,,Tue -j DROP",
      `error 3:29 'Mon,,Tue' names a day iptables does not know: iptables-restore refuses it ("No, the week does NOT begin with Sunday.")`,
    ],
    [
      "-A INPUT -m limit --limit 5/fortnight -j ACCEPT",
      `error 3:27 '5/fortnight' is not a rate: iptables-restore refuses it (bad rate "5/fortnight"')`,
    ],
    [
      "-A INPUT -m limit --limit 0/s -j ACCEPT",
      `error 3:27 '0/s' is not a rate: iptables-restore refuses it (bad rate "0/s"')`,
    ],
    [
      "-A INPUT -m hashlimit --hashlimit-above 5/hr --hashlimit-name x -j DROP",
      `error 3:41 '5/hr' is not a rate: iptables-restore refuses it (hashlimit: Bad value for "--hashlimit-above" option: "5/hr")`,
    ],
    // iptables-restore: "You have to specify --hashlimit" (the name given or not: this check comes first).
    [
      "-A INPUT -m hashlimit --hashlimit-name x --hashlimit-mode srcip -j ACCEPT",
      `error 3:13 -m hashlimit needs --hashlimit-upto or --hashlimit-above: iptables-restore refuses the rule without it ("You have to specify --hashlimit")`,
    ],
    [
      "-A INPUT -m hashlimit -j ACCEPT",
      `error 3:13 -m hashlimit needs --hashlimit-upto or --hashlimit-above: iptables-restore refuses the rule without it ("You have to specify --hashlimit")`,
    ],
    // iptables-restore: "STRING match: You must specify `--string' or `--hex-string'", before --algo's.
    [
      "-A INPUT -m string --algo bm -j DROP",
      "error 3:13 -m string needs --string or --hex-string: iptables-restore refuses the rule without it (\"STRING match: You must specify `--string' or `--hex-string'\")",
    ],
    [
      "-A INPUT -m string -j DROP",
      "error 3:13 -m string needs --string or --hex-string: iptables-restore refuses the rule without it (\"STRING match: You must specify `--string' or `--hex-string'\")",
    ],
    // libxt_limit counts 10000 a second (600000 a minute); 10001/sec and 600001/min are "Rate too fast".
    [
      "-A INPUT -m limit --limit 100000/sec -j ACCEPT",
      `error 3:27 '100000/sec' is faster than -m limit counts: iptables-restore refuses it (Rate too fast "100000/sec")`,
    ],
    [
      "-A INPUT -m limit --limit 600001/min -j ACCEPT",
      `error 3:27 '600001/min' is faster than -m limit counts: iptables-restore refuses it (Rate too fast "600001/min")`,
    ],
    [
      "-A INPUT -m limit --limit 10001 -j ACCEPT",
      `error 3:27 '10001' is faster than -m limit counts: iptables-restore refuses it (Rate too fast "10001")`,
    ],
    // atoi: a negative count wraps to a huge one; no leading digit reads 0; hex is not read.
    [
      "-A INPUT -m limit --limit -5/sec -j ACCEPT",
      `error 3:27 '-5/sec' is faster than -m limit counts: iptables-restore refuses it (Rate too fast "-5/sec")`,
    ],
    [
      "-A INPUT -m limit --limit abc/sec -j ACCEPT",
      `error 3:27 'abc/sec' is not a rate: iptables-restore refuses it (bad rate "abc/sec"')`,
    ],
    [
      "-A INPUT -m limit --limit 0x10/sec -j ACCEPT",
      `error 3:27 '0x10/sec' is not a rate: iptables-restore refuses it (bad rate "0x10/sec"')`,
    ],
    // 2^32 is 0 in atoi's int: "bad rate", not "too fast".
    [
      "-A INPUT -m limit --limit 4294967296/sec -j ACCEPT",
      `error 3:27 '4294967296/sec' is not a rate: iptables-restore refuses it (bad rate "4294967296/sec"')`,
    ],
    [
      "-A INPUT -m limit --limit 5/s/x -j ACCEPT",
      `error 3:27 '5/s/x' is not a rate: iptables-restore refuses it (bad rate "5/s/x"')`,
    ],
    // hashlimit (revision 3) counts 1000000 a second.
    [
      "-A INPUT -m hashlimit --hashlimit-name x --hashlimit-upto 1000001/sec -j ACCEPT",
      `error 3:59 '1000001/sec' is faster than -m hashlimit counts: iptables-restore refuses it (Rate too fast "1000001/sec")`,
    ],
    [
      "-A INPUT -m hashlimit --hashlimit-name x --hashlimit-above 1000001 -j ACCEPT",
      `error 3:60 '1000001' is faster than -m hashlimit counts: iptables-restore refuses it (Rate too fast "1000001")`,
    ],
    [
      "-A INPUT -m hashlimit --hashlimit-name x --hashlimit 18446744073709551616/sec -j ACCEPT",
      `error 3:54 '18446744073709551616/sec' is faster than -m hashlimit counts: iptables-restore refuses it (Rate too fast "18446744073709551616/sec")`,
    ],
    [
      "-A INPUT -m hashlimit --hashlimit-name x --hashlimit-upto 0kb/s -j ACCEPT",
      `error 3:59 '0kb/s' is not a rate: iptables-restore refuses it (hashlimit: Bad value for "--hashlimit-upto" option: "0kb/s")`,
    ],
    // Two rules joined on one line: "Cannot use -A with -A"; -I then -D: "Cannot use -D with -I".
    [
      "-A INPUT -p tcp -j ACCEPT -A INPUT -j DROP",
      `error 3:27 a second command '-A' in one line: iptables-restore refuses it ("Cannot use -A with -A")`,
    ],
    [
      "-I INPUT -p tcp -D INPUT",
      `error 3:17 a second command '-D' in one line: iptables-restore refuses it ("Cannot use -D with -I")`,
    ],
    // iptables-restore 1.8.9: a long command, whole or shortened, is one too ("Cannot use -A with -A",
    // "Cannot use -I with -A" for `--ins`), and so is -A right after a flag (`--syn -A X`, `--dport=22 -A X`).
    [
      "-A INPUT -p tcp --append INPUT -j ACCEPT",
      `error 3:17 a second command '--append' in one line: iptables-restore refuses it ("Cannot use -A with -A")`,
    ],
    [
      "-A INPUT -p tcp --ins INPUT -j ACCEPT",
      `error 3:17 a second command '--ins' in one line: iptables-restore refuses it ("Cannot use -I with -A")`,
    ],
    [
      "-A INPUT -p tcp --syn -A INPUT -j ACCEPT",
      `error 3:23 a second command '-A' in one line: iptables-restore refuses it ("Cannot use -A with -A")`,
    ],
    [
      "-A INPUT -p tcp --dport=22 -A INPUT -j ACCEPT",
      `error 3:28 a second command '-A' in one line: iptables-restore refuses it ("Cannot use -A with -A")`,
    ],
    // An option no loaded match knows, or the start of two: "unknown option".
    [
      "-A INPUT -p tcp --dprot 22 -j ACCEPT",
      `error 3:17 '--dprot' is no option of this rule's matches: iptables-restore refuses it (unknown option "--dprot")`,
    ],
    [
      "-A INPUT -m mark ! --mak 1 -j ACCEPT",
      `error 3:20 '--mak' is no option of this rule's matches: iptables-restore refuses it (unknown option "--mak")`,
    ],
    [
      "-A INPUT -m conntrack --ctstat NEW -j ACCEPT",
      `error 3:23 '--ctstat' is no option of this rule's matches: iptables-restore refuses it (unknown option "--ctstat")`,
    ],
    [
      "-A INPUT --foo -j ACCEPT",
      `error 3:10 '--foo' is no option of this rule's matches: iptables-restore refuses it (unknown option "--foo")`,
    ],
    // iptables-restore 1.8.9: an option twice in one match, in the name it reports it by
    // ("hashlimit: option "--hashlimit-upto" can only be used once.", `--hashlimit` and `--ttl` are aliases).
    [
      "-A INPUT -m hashlimit --hashlimit-upto 5/s --hashlimit-upto 6/s --hashlimit-name a -j ACCEPT",
      `error 3:44 '--hashlimit-upto' is given twice in one -m hashlimit: iptables-restore refuses it ("hashlimit: option "--hashlimit-upto" can only be used once.")`,
    ],
    [
      "-A INPUT -m hashlimit --hashlimit 5/s --hashlimit-upto 6/s --hashlimit-name a -j ACCEPT",
      `error 3:39 '--hashlimit-upto' is given twice in one -m hashlimit: iptables-restore refuses it ("hashlimit: option "--hashlimit-upto" can only be used once.")`,
    ],
    [
      "-A INPUT -m limit --limit 5/s --limit-burst 3 --limit-burst 4 -j ACCEPT",
      `error 3:47 '--limit-burst' is given twice in one -m limit: iptables-restore refuses it ("limit: option "--limit-burst" can only be used once.")`,
    ],
    [
      "-A INPUT -m comment --comment a --comment b -j ACCEPT",
      `error 3:33 '--comment' is given twice in one -m comment: iptables-restore refuses it ("comment: option "--comment" can only be used once.")`,
    ],
    [
      "-A INPUT -m ttl --ttl 1 --ttl 2 -j ACCEPT",
      `error 3:25 '--ttl' is given twice in one -m ttl: iptables-restore refuses it ("ttl: option "--ttl-eq" can only be used once.")`,
    ],
    [
      "-A INPUT -m conntrack --ctstate NEW ! --ctstate NEW -j ACCEPT",
      `error 3:39 '--ctstate' is given twice in one -m conntrack: iptables-restore refuses it ("conntrack: option "--ctstate" can only be used once.")`,
    ],
    // review49: iptables-restore 1.8.9 refused these too ("recent: option "--set" can only be used once.",
    // "--name" likewise); they were taken.
    [
      "-A INPUT -m recent --set --set -j ACCEPT",
      `error 3:26 '--set' is given twice in one -m recent: iptables-restore refuses it ("recent: option "--set" can only be used once.")`,
    ],
    [
      "-A INPUT -m recent --name a --name b --set -j ACCEPT",
      `error 3:29 '--name' is given twice in one -m recent: iptables-restore refuses it ("recent: option "--name" can only be used once.")`,
    ],
    // iptables-restore 1.8.9 reads options after -j as the matches': it refuses what it would refuse before -j.
    [
      "-A INPUT -j ACCEPT --syn",
      "error 3:20 --syn needs -p tcp in the rule: iptables-restore refuses it in a rule without -p",
    ],
    [
      "-A INPUT -j ACCEPT -p udp --syn",
      "error 3:27 --syn needs -p tcp in the rule: iptables-restore refuses it with -p udp",
    ],
    // iptables-restore quotes only with ": 'one two' is split ("Bad argument `two''"), 'drop: ' too ("Bad argument `''").
    [
      "-A INPUT -m comment --comment 'one two' -j ACCEPT",
      "error 3:31 'one two' is in single quotes, which iptables-restore does not read as quotes: it splits the value at its space and refuses the line",
    ],
    [
      "-A INPUT -j LOG --log-prefix 'drop: '",
      "error 3:30 'drop: ' is in single quotes, which iptables-restore does not read as quotes: it splits the value at its space and refuses the line",
    ],
    [
      "-A INPUT -j MARK --set-xmark 0x100000000",
      `error 3:30 '0x100000000' does not fit a mark's 32 bits: iptables-restore refuses it ("MARK: bad integer value for option "--set-xmark", or out of range.")`,
    ],
    [
      "-A INPUT -j MARK --set-xmark 0x1/0x100000000",
      `error 3:30 '0x1/0x100000000' does not fit a mark's 32 bits: iptables-restore refuses it ("MARK: bad integer value for option "--set-xmark", or out of range.")`,
    ],
    [
      "-A INPUT -m mark --mark 0x100000000 -j ACCEPT",
      `error 3:25 '0x100000000' does not fit a mark's 32 bits: iptables-restore refuses it ("mark: bad integer value for option "--mark", or out of range.")`,
    ],
    [
      "-A INPUT -j CONNMARK --set-mark 0x100000000",
      `error 3:33 '0x100000000' does not fit a mark's 32 bits: iptables-restore refuses it ("CONNMARK: bad integer value for option "--set-mark", or out of range.")`,
    ],
  ])("%s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it.each([
    "-A INPUT -m limit --limit 5/SEC -j ACCEPT",
    "-A INPUT -m limit --limit 5 --limit-burst 3 -j ACCEPT",
    "-A INPUT -m limit --limit 5/d -j ACCEPT",
    "-A INPUT -m hashlimit --hashlimit-above 1kb/s --hashlimit-name x -j ACCEPT",
    "-A INPUT -m time --weekdays Mo,Tu -j DROP",
    "-A INPUT -m time --weekdays Sat-Sun -j DROP",
    "-A INPUT -m time --weekdays Monday,9 -j DROP",
    "-A INPUT -m string --hex-string |41| --algo kmp -j DROP",
    "-A INPUT -m string --algo bm ! --string x -j DROP",
    "-A INPUT -m comment --comment -A -j ACCEPT",
    // A command's letter or long name as an option's value (`--comment --append`), and policy's own `--pol`.
    "-A INPUT -m comment --comment --append -j ACCEPT",
    "-A INPUT -m policy --dir in --pol none -j ACCEPT",
    // One option in each of two matches of one module.
    "-A INPUT -m mark --mark 1 -m mark --mark 2 -j ACCEPT",
    "-A INPUT -m limit --limit 5/s -m limit --limit 6/s -j ACCEPT",
    // iptables-restore 1.8.9 took each, and iptables-save printed the match before -j.
    "-A INPUT -j ACCEPT -p tcp --syn",
    "-A INPUT -p tcp -j ACCEPT --syn",
    "-A INPUT -p tcp -j ACCEPT --dport 22",
    "-A INPUT -p tcp -j LOG --log-prefix x --syn",
    "-A INPUT -m limit -j ACCEPT --limit 5/s",
    "-A INPUT -j ACCEPT ! -p tcp",
    "-A INPUT -j ACCEPT -f",
    // A match's option shortened to the start of one (getopt_long), and options of matches not listed.
    "-A INPUT -m state --stat NEW -j ACCEPT",
    "-A INPUT -p icmp --icmp-t 8 -j ACCEPT",
    "-A INPUT -p udp --sp 5 -j ACCEPT",
    "-A INPUT -p sctp --dport 5 -j ACCEPT",
    "-A INPUT -p esp --espspi 5 -j ACCEPT",
    "-A INPUT -m policy --dir in --pol none --proto esp -j ACCEPT",
    "-A INPUT -p tcp -m tcp --dport 22 -m comment --comment x --syn -j ACCEPT",
    "-A INPUT -m limit --limit 10000/sec -j ACCEPT",
    "-A INPUT -m limit --limit 600000/min -j ACCEPT",
    "-A INPUT -m limit --limit 5x/sec -j ACCEPT",
    "-A INPUT -m limit --limit +5/s -j ACCEPT",
    "-A INPUT -m hashlimit --hashlimit-name x --hashlimit-upto 1000000/sec -j ACCEPT",
    "-A INPUT -m hashlimit --hashlimit-name x --hashlimit-upto 1000001/min -j ACCEPT",
    "-A INPUT -m hashlimit --hashlimit-name x --hashlimit 10001/sec -j ACCEPT",
    "-A INPUT -j MARK --set-xmark 0xffffffff/0xffffffff",
    "-A INPUT -m connmark --mark 0xffffffff -j ACCEPT",
    // review48, each taken by iptables-restore 1.8.9: an apostrophe is a letter to it, never a quote.
    "-A INPUT -m comment --comment it's -j ACCEPT",
    '-A INPUT -m comment --comment Bob\'s -j LOG --log-prefix "x "',
    // `--ttl` is `--ttl-eq` (iptables-save prints it so).
    "-A INPUT -m ttl --ttl 64 -j ACCEPT",
    "-A INPUT -m ttl ! --ttl 64 -j ACCEPT",
    // getopt_long's `--option=value`.
    "-A INPUT -p tcp --dport=22 -j ACCEPT",
    "-A INPUT -p tcp -m multiport --dports=22,23 -j ACCEPT",
    "-A INPUT -m conntrack --ctstate=NEW -j ACCEPT",
    "-A INPUT -m state --state=NEW -j ACCEPT",
    "-A INPUT -m mark --mark=1 -j ACCEPT",
    // Shortened options of the one a match needs.
    "-A INPUT -m hashlimit --hashlimit-up 5/s --hashlimit-name a -j ACCEPT",
    "-A INPUT -m hashlimit --hashlimit-ab 5/s --hashlimit-name a -j ACCEPT",
    "-A INPUT -m string --str foo --algo bm -j DROP",
    "-A INPUT -m string --hex |41| --algo bm -j DROP",
  ])("takes %s, as iptables-restore did", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});

describe("ip6tables-restore's forms", () => {
  it("takes `-m hl --hl 5` (`--hl-eq`), as ip6tables-restore did", () => {
    const said = parseIptablesSave(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m hl --hl 5 -j ACCEPT\nCOMMIT\n",
      {
        family: "ip6",
      },
    ).diagnostics.filter((d) => d.severity === "error");
    expect(said).toEqual([]);
  });
});
