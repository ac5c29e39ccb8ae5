/**
 * ebtables-restore's chain commands in a save file, each checked with ebtables-restore (ebtables-nft
 * 1.8.9, a fresh network namespace): `-N MYCH -P RETURN` and `-N MYCH` then `-P MYCH DROP` were taken
 * (ebtables-save printed `:MYCH RETURN`, `:MYCH DROP`; `-N MYCH` alone `:MYCH ACCEPT`), `-P INPUT DROP`
 * too; each refusal below quotes what it said of the line.
 */
import { describe, expect, it } from "vitest";
import { parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const read = (lines: string) =>
  parseEbtables(`*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${lines}\n`);
const said = (lines: string) =>
  read(lines).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`);

describe("ebtables chain commands", () => {
  it("makes a chain with its policy, as ebtables-restore did", () => {
    const r = read("-N MYCH -P RETURN\n-A FORWARD -j MYCH\n-A MYCH -j DROP");
    expect(r.diagnostics).toEqual([]);
    const mych = r.rules.tables.get("filter")?.chains.get("MYCH");
    expect(mych).toMatchObject({ policy: "RETURN", line: 5 });
    expect(mych?.rules).toHaveLength(1);
  });

  it("gives a new chain ACCEPT, and -P sets a policy afterwards", () => {
    const chains = (lines: string) => read(lines).rules.tables.get("filter")?.chains;
    expect(chains("-N MYCH")?.get("MYCH")?.policy).toBe("ACCEPT");
    expect(chains("-N MYCH\n-P MYCH DROP")?.get("MYCH")?.policy).toBe("DROP");
    expect(chains("-P INPUT DROP")?.get("INPUT")?.policy).toBe("DROP");
    expect(chains("--new-chain MYCH --policy DROP")?.get("MYCH")?.policy).toBe("DROP");
  });

  it.each([
    ["-N MYCH -P FOO", `5:12 '-N MYCH -P FOO': ebtables-restore refuses it ("Unknown policy 'FOO'")`],
    [
      "-N MYCH -P CONTINUE",
      `5:12 '-N MYCH -P CONTINUE': ebtables-restore refuses it ("Wrong policy 'CONTINUE'")`,
    ],
    [
      "-P INPUT RETURN",
      `5:10 '-P INPUT RETURN': ebtables-restore refuses it ("Policy RETURN only allowed for user defined chains")`,
    ],
    ["-N MYCH X", `5:9 '-N MYCH X': ebtables-restore refuses it ("Bad argument : 'X'")`],
    ["-N MYCH -P", `5:1 '-N MYCH -P': ebtables-restore refuses it ("Unknown argument: '(null)'")`],
    ["-P INPUT", `5:1 '-P INPUT': ebtables-restore refuses it ("No policy specified")`],
    ["-N MYCH\n-N MYCH", `6:4 '-N MYCH': ebtables-restore refuses it ("final implicit COMMIT failed")`],
    ["-N INPUT", `5:4 '-N INPUT': ebtables-restore refuses it ("final implicit COMMIT failed")`],
    ["-P MYCH DROP", `5:4 '-P MYCH DROP': ebtables-restore refuses it ("final implicit COMMIT failed")`],
  ])("refuses %s", (lines, message) => {
    expect(said(lines)).toEqual([message]);
  });

  it("reads a bridge part of chain commands after iptables-save's, and one alone", () => {
    const both = parseRulesetFile(
      "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-N MYCH -P RETURN\n-A MYCH -j ACCEPT\n",
    );
    expect(both.diagnostics).toEqual([]);
    expect(both.bridge.tables.get("filter")?.chains.get("MYCH")?.policy).toBe("RETURN");
    const alone = parseRulesetFile("*filter\n-N MYCH -P RETURN\n-A MYCH -j ACCEPT\n");
    expect(alone.diagnostics).toEqual([]);
    expect(alone.bridge.tables.get("filter")?.chains.get("MYCH")?.rules).toHaveLength(1);
  });
});
