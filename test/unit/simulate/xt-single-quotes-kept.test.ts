/**
 * A single-quoted value without a space: iptables-restore 1.8.9 keeps the quotes as letters
 * (`--log-prefix 'fw:'` was printed back by iptables-save as `"\'fw:\'"`, `--comment 'abc'` as
 * `"\'abc\'"`), and a `"` inside them opens a quote (`--comment 'a"b' -j ACCEPT` was stored as
 * `'ab' -j ACCEPT`). ebtables-restore reads `'` as a letter too (`--ip-src '1.2.3.4'`: "host/network
 * `'1.2.3.4'' not found").
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";

const words = (line: string) => {
  const tk = tokenizeRule(line, false, true);
  return tk.ok ? tk.tokens.map((t) => t.value) : [];
};

describe("single quotes as iptables-restore reads them", () => {
  it("keeps a closed pair without a space as letters", () => {
    expect(words("-m comment --comment 'abc' -j LOG --log-prefix 'p:'")).toEqual([
      "-m",
      "comment",
      "--comment",
      "'abc'",
      "-j",
      "LOG",
      "--log-prefix",
      "'p:'",
    ]);
    expect(words("--comment ab'c'd")).toEqual(["--comment", "ab'c'd"]);
  });

  it("lets a double quote inside them open a quote to the line's end", () => {
    expect(words(`--comment 'a"b' -j ACCEPT`)).toEqual(["--comment", "'ab' -j ACCEPT"]);
  });

  it("logs with the prefix the tool stored, quotes and all", () => {
    const r = parseIptablesSave("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j LOG --log-prefix 'fw:'\nCOMMIT\n");
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.rules.tables.get("filter")?.chains.get("INPUT")?.rules[0]?.target).toEqual({
      kind: "LOG",
      prefix: "'fw:'",
    });
  });

  it("still refuses a single-quoted value with a space, which the tool splits", () => {
    const tk = tokenizeRule("--comment 'one two' -j ACCEPT", false, true);
    expect(tk.ok && tk.tokens[1]).toMatchObject({ value: "one two", split: true });
    const eq = tokenizeRule("--comment='one two' -j ACCEPT", false, true);
    expect(eq.ok && eq.tokens[0]).toMatchObject({ value: "--comment=one two", split: true });
  });

  it("reads an apostrophe inside a word as a letter, even with another one later on the line", () => {
    // iptables-restore 1.8.9 took both rules; iptables-save printed `--comment "it\'s" -j LOG --log-prefix
    // "\'x\'"` and `--comment "don\'t" -m comment --comment "won\'t"`. They were refused as one
    // single-quoted value from the first apostrophe to the next ('its -j LOG --log-prefix x').
    expect(words("-m comment --comment it's -j LOG --log-prefix 'x'")).toEqual([
      "-m",
      "comment",
      "--comment",
      "it's",
      "-j",
      "LOG",
      "--log-prefix",
      "'x'",
    ]);
    const r = parseIptablesSave(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment don't -m comment --comment won't -j ACCEPT\nCOMMIT\n",
    );
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // The tool split `x'y z'w` at its space and refused `z'w` ("Bad argument"): still refused.
    expect(words("--comment x'y z'w -j ACCEPT")).toEqual(["--comment", "x'y", "z'w", "-j", "ACCEPT"]);
  });
});
