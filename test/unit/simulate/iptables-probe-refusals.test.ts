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
    "-A INPUT -j MARK --set-xmark 0xffffffff/0xffffffff",
    "-A INPUT -m connmark --mark 0xffffffff -j ACCEPT",
  ])("takes %s, as iptables-restore did", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});
