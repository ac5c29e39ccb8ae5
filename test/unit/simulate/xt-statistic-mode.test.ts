/**
 * `-m statistic` options that do not fit its mode: each row was loaded with `unshare -n
 * iptables-restore --test` (iptables-nft 1.8.9), and the reader refuses what the tool refused, with
 * the tool's words, at the word the refusal is about (the mode's value, the option, the value).
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

const line = (options: string) => `-A INPUT ${options} -j ACCEPT`;
const said = (options: string) =>
  parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n${line(options)}\nCOMMIT\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );
/** The column of the last word `word` of the rule's line. */
const at = (options: string, word: string) => line(options).lastIndexOf(` ${word}`) + 2;

describe("-m statistic's modes", () => {
  // The word the refusal is about, and the tool's first line for each, verbatim (after "iptables-restore v1.8.9 (nf_tables): ").
  it.each([
    ["-m statistic --mode nth", "nth", "--every and --packet must be specified when using nth mode"],
    [
      "-m statistic --mode nth --probability 0.5",
      "nth",
      "--every and --packet must be specified when using nth mode",
    ],
    ["-m statistic --mode nth --every 3", "--every", 'statistic: option "--every" also requires "--packet".'],
    ["-m statistic --mode nth --every 1", "--every", 'statistic: option "--every" also requires "--packet".'],
    [
      "-m statistic --mode nth --packet 0",
      "--packet",
      'statistic: option "--packet" also requires "--every".',
    ],
    // Without --every the round is 0 packets long: the module's own check comes first.
    ["-m statistic --mode nth --packet 1", "1", "the --packet p must be 0 <= p <= n-1"],
    ["-m statistic --mode random", "random", "--probability must be specified when using random mode"],
    [
      "-m statistic --mode random --every 3",
      "random",
      "--probability must be specified when using random mode",
    ],
    // No --mode is random mode (libxt_statistic's 0): the module's check, at the module's name.
    ["-m statistic", "statistic", "--probability must be specified when using random mode"],
    [
      "-m statistic --every 3 --packet 1",
      "statistic",
      "--probability must be specified when using random mode",
    ],
    ["-m statistic --probability 0.5", "statistic", 'statistic: option "--mode" must be specified'],
    ["-m statistic --probability 0.5 --every 2", "statistic", 'statistic: option "--mode" must be specified'],
    ["-m statistic --mode foo", "foo", 'Bad mode "foo"'],
    ["-m statistic --mode Nth --every 2 --packet 0", "Nth", 'Bad mode "Nth"'],
    // Its value is the next word, whatever it is.
    ["-m statistic --mode", "-j", 'Bad mode "-j"'],
    [
      "-m statistic --mode random --probability 0.5 --packet 1",
      "--packet",
      `'--packet' cannot be given with '--probability' in one -m statistic: iptables-restore refuses it ("statistic: option "--probability" cannot be used together with "--packet".")`,
    ],
    // The probability is written over the round's length (a union): 0 leaves --packet 1 past it.
    [
      "-m statistic --mode random --every 2 --packet 1 --probability 0",
      "1",
      "the --packet p must be 0 <= p <= n-1",
    ],
    // The module's check before the generic one's "cannot be used together".
    [
      "-m statistic --mode nth --probability 0.5 --every 3 --packet 5",
      "5",
      "the --packet p must be 0 <= p <= n-1",
    ],
    [
      "-m statistic --mode nth --every 3 --packet x",
      "x",
      'statistic: bad value for option "--packet", or out of range (0-4294967295).',
    ],
    [
      "-m statistic --mode nth --every 3 --packet 4294967296",
      "4294967296",
      'statistic: bad value for option "--packet", or out of range (0-4294967295).',
    ],
    // A bad value is refused as it is read, before the options' clash.
    [
      "-m statistic --mode random --probability 0.5 --every 2 --packet x",
      "x",
      'statistic: bad value for option "--packet", or out of range (0-4294967295).',
    ],
    // Options given later in the rule are the match's too (only statistic knows them).
    [
      "-m statistic --mode random --probability 0.5 -m statistic --mode nth --every 2",
      "--every",
      'statistic: option "--every" also requires "--packet".',
    ],
    [
      "-m statistic --mode nth --packet 0 --every 2 -p tcp --every 3",
      "--every",
      `'--every' is given twice in one -m statistic: iptables-restore refuses it ("statistic: option "--every" can only be used once.")`,
    ],
    [
      "-m statistic --mode nth --every 2 --packet 0 --foo",
      "--foo",
      `'--foo' is no option of this rule's matches: iptables-restore refuses it (unknown option "--foo")`,
    ],
    // `--mo` starts --mode and iptables' --modprobe.
    [
      "-m statistic --mo nth --every 2 --packet 0",
      "--mo",
      `'--mo' is no option of this rule's matches: iptables-restore refuses it (unknown option "--mo")`,
    ],
  ])("refuses %s, at '%s'", (options, word, error) => {
    expect(said(options)).toEqual([`error 3:${at(options, word)} ${error}`]);
  });

  it.each([
    "-m statistic --mode nth --every 3 --packet 2",
    "-m statistic --packet 0 --every 2 --mode nth",
    "-m statistic --probability 0.5 --mode random",
    "-m statistic --mode nth --every 4294967295 --packet 4294967294",
    "-m statistic --mode nth ! --every 2 --packet 0",
    // Shortened as getopt_long takes them.
    "-m statistic --mode nth --ev 2 --pa 0",
  ])("takes %s (iptables-restore --test: exit 0)", (options) => {
    expect(said(options)).toHaveLength(1);
    expect(said(options)[0]).toMatch(/^warning 3:10 match '-m statistic .*' is not modelled$/);
  });

  it("takes a statistic option given after another match's", () => {
    // iptables-restore --test loads both (the --every is the statistic match's).
    for (const options of [
      "-m statistic --mode nth --packet 0 -p tcp --every 2",
      "-m statistic --mode nth --packet 0 -m comment --comment x --every 2",
    ])
      expect(said(options).filter((d) => d.startsWith("error"))).toEqual([]);
  });
});
