/**
 * A chain line's policy ebtables-restore refuses: ebtables-nft 1.8.9 (`unshare -n ebtables-restore`)
 * printed "ebtables-restore: final implicit COMMIT failed" for `:MYCH FOO`, `:MYCH accept`, `:INPUT FOO`
 * and `:INPUT RETURN`, and took `:MYCH RETURN`, `:MYCH DROP` and `:MYCH DROP extra` (ebtables-save
 * printed `:MYCH DROP`).
 */
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";

/** The problems of a bridge filter table with chain line `line` (line 5). */
const problems = (line: string) =>
  parseEbtables(
    `*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${line}\n-A FORWARD -j ACCEPT\n`,
  ).diagnostics.map((d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`);

describe("a chain line's policy", () => {
  it.each([
    [":MYCH FOO", "error 5:7 'FOO' is not a policy of chain 'MYCH'"],
    [":MYCH accept", "error 5:7 'accept' is not a policy of chain 'MYCH'"],
    [":INPUT FOO", "error 5:8 'FOO' is not a policy of built-in chain 'INPUT'"],
    [":INPUT RETURN", "error 5:8 'RETURN' is not a policy of built-in chain 'INPUT'"],
  ])("refuses %s, as ebtables-restore did (it was taken)", (line, said) => {
    expect(problems(line)).toEqual([
      `${said}: ebtables-restore refuses the table ("final implicit COMMIT failed")`,
    ]);
  });

  it.each([":MYCH RETURN", ":MYCH DROP", ":MYCH DROP extra", ":MYCH ACCEPT"])("takes %s", (line) => {
    expect(problems(line)).toEqual([]);
  });
});
