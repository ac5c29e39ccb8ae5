/**
 * Rules ebtables-restore refuses (ebtables-nft 1.8.9, each restored in a fresh network namespace) that
 * the reader kept: a `--limit` rate it cannot read ("bad rate `5/fortnight'") or past 10000 a second
 * ("Rate too fast"), two rules joined on one line ("Multiple commands are not allowed") and a value in
 * single quotes with a space (split: "Bad argument"); and the
 * forms it took, still taken.
 */
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";

/** The problems of a bridge filter table whose FORWARD chain holds `rule` (line 5). */
const problems = (rule: string) =>
  parseEbtables(`*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${rule}\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("rules ebtables-restore refuses", () => {
  it.each([
    [
      "-A FORWARD --limit 100000/sec -j ACCEPT",
      `error 5:20 '100000/sec' is faster than --limit counts: ebtables-restore refuses it (Rate too fast "100000/sec")`,
    ],
    // -5 wraps around in atoi's 32 bits: as fast as can be, refused alike.
    [
      "-A FORWARD --limit -5/sec -j ACCEPT",
      `error 5:20 '-5/sec' is faster than --limit counts: ebtables-restore refuses it (Rate too fast "-5/sec")`,
    ],
    [
      "-A FORWARD --limit 5/fortnight -j ACCEPT",
      "error 5:20 '5/fortnight' is not a rate: ebtables-restore refuses it (bad rate `5/fortnight')",
    ],
    [
      "-A FORWARD --limit 5/ -j ACCEPT",
      "error 5:20 '5/' is not a rate: ebtables-restore refuses it (bad rate `5/')",
    ],
    [
      "-A FORWARD --limit 0x10/sec -j ACCEPT",
      "error 5:20 '0x10/sec' is not a rate: ebtables-restore refuses it (bad rate `0x10/sec')",
    ],
    [
      "-A FORWARD -p IPv4 -j ACCEPT -A FORWARD -j DROP",
      `error 5:30 a second command '-A' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    ],
    [
      "-A FORWARD -j ACCEPT -F",
      `error 5:22 a second command '-F' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    ],
    // ebtables-restore 1.8.9: the same for a long command (`--insert`) and for -A after the flag --log.
    [
      "-A FORWARD -p IPv4 --insert FORWARD -j ACCEPT",
      `error 5:20 a second command '--insert' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    ],
    [
      "-A FORWARD --log -A FORWARD -j ACCEPT",
      `error 5:18 a second command '-A' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    ],
    // ebtables-restore quotes only with ": "Bad argument : 'b''".
    [
      "-A FORWARD --log-prefix 'a b' -j ACCEPT",
      "error 5:25 'a b' is in single quotes, which ebtables-restore does not read as quotes: it splits the value at its space and refuses the line",
    ],
  ])("%s", (rule, said) => {
    expect(problems(rule)).toEqual([said]);
  });

  it.each([
    "-A FORWARD --limit 10000/sec -j ACCEPT",
    "-A FORWARD --limit 600000/min --limit-burst 3 -j ACCEPT",
    "-A FORWARD --limit 5x/sec -j ACCEPT",
    "-A FORWARD --log-prefix -A -j ACCEPT",
    // review48: an apostrophe is a letter to ebtables-restore, never a quote.
    "-A FORWARD --log-prefix it's -j ACCEPT",
  ])("takes %s, as ebtables-restore did", (rule) => {
    expect(problems(rule).filter((p) => p.startsWith("error"))).toEqual([]);
  });
});
