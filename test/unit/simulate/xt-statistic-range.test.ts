/**
 * `-m statistic` values libxt_statistic refuses: each row was loaded with iptables-restore (iptables-nft
 * 1.8.9) in a fresh namespace, the refused ones with the message the reader repeats, at the value.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

const said = (options: string) =>
  parseIptablesSave(
    `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic ${options} -j ACCEPT\nCOMMIT\n`,
  ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);

describe("-m statistic's values", () => {
  it.each([
    [
      "--mode random --probability 1.5",
      'error 3:51 statistic: bad value for option "--probability", or out of range (0-1).',
    ],
    [
      "--mode random --probability -0.1",
      'error 3:51 statistic: bad value for option "--probability", or out of range (0-1).',
    ],
    [
      "--mode nth --every 0",
      'error 3:42 statistic: bad value for option "--every", or out of range (1-4294967295).',
    ],
    ["--mode nth --every 2 --packet 2", "error 3:53 the --packet p must be 0 <= p <= n-1"],
  ])("refuses %s", (options, error) => {
    expect(said(options)).toEqual([error]);
  });

  it.each([
    ["--mode random --probability 0.5"],
    ["--mode nth --every 2 --packet 1"],
    // `--mode nth --every 1` alone: iptables-restore 1.8.9 refuses it ('statistic: option "--every"
    // also requires "--packet".'), see xt-statistic-mode.test.ts; with `--packet 0` it loads.
    ["--mode nth --every 1 --packet 0"],
  ])("takes %s, a chance the walk follows both ways", (options) => {
    expect(said(options)).toEqual([`warning 3:10 match '-m statistic ${options}' is not modelled`]);
  });
});
