/**
 * Where nft's `fib` may stand: the reader refuses, at the expression, what the kernel refuses
 * (nft_fib_validate: Operation not supported), and takes what it takes. The matrix was recorded on
 * kernel 6.18 with nft 1.0.6 by loading each form in a filter chain of an `ip` table at each hook
 * (and in an inet table's ingress chain), then in a regular chain reached by a jump and by a verdict
 * map from an output chain, and in one no base chain reaches.
 */
import { describe, expect, it } from "vitest";
import { fibPlaces } from "../../../src/core/simulate/fib-hooks.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const HOOKS = ["prerouting", "input", "forward", "output", "postrouting"] as const;

/** What kernel 6.18 loaded (true) or refused (false), per form and hook. */
const RECORDED: Record<string, readonly boolean[]> = {
  "fib saddr . iif oif missing": [true, true, true, false, false],
  "fib daddr oif missing": [true, true, true, false, false],
  'fib daddr oifname "lo"': [true, true, true, false, false],
  'fib saddr . iif oifname "lo"': [true, true, true, false, false],
  "fib daddr type local": [true, true, true, true, true],
  "fib daddr . iif type local": [true, true, true, false, false],
  "fib daddr . oif type local": [false, false, true, true, true],
  "fib saddr type local": [true, true, true, true, true],
  "fib saddr . oif type local": [false, false, true, true, true],
};

/** The reader's errors for `text`, as `line:column message`. */
function errors(text: string): string[] {
  return parseRulesetFile(text, "t.nft")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.position?.line}:${d.position?.column} ${d.message}`);
}

describe("fib at the hooks the kernel takes it at", () => {
  for (const [expr, loaded] of Object.entries(RECORDED))
    it(`${expr}: refused where the kernel refused it, at its column`, () => {
      const got = HOOKS.map(
        (hook) =>
          errors(
            `table ip t {\n\tchain c {\n\t\ttype filter hook ${hook} priority 0;\n\t\t${expr} counter\n\t}\n}\n`,
          ).length === 0,
      );
      expect(got).toEqual(loaded);
      const refused = HOOKS.find((_, k) => !loaded[k]);
      if (refused)
        expect(
          errors(
            `table ip t {\n\tchain c {\n\t\ttype filter hook ${refused} priority 0;\n\t\ttcp dport 22 ${expr} drop\n\t}\n}\n`,
          ),
        ).toEqual([
          expect.stringMatching(
            new RegExp(
              `^4:16 '${expr.split(/ (?:missing|local|"lo")$/)[0]}' works only in .* chains, and chain c is at the ${refused} hook$`,
            ),
          ),
        ]);
    });

  it("refuses every fib at an inet table's ingress hook", () => {
    expect(
      errors(
        'table inet t {\n\tchain c {\n\t\ttype filter hook ingress device "lo" priority 0;\n\t\tfib daddr type local counter\n\t}\n}\n',
      ),
    ).toEqual([
      "4:3 'fib daddr type' works only in prerouting, input, forward, output and postrouting chains, and chain c is at the ingress hook",
    ]);
  });

  it("checks a regular chain from every base chain that reaches it, through a jump or a verdict map", () => {
    const reached = (how: string) =>
      errors(
        `table ip t {\n\tchain u {\n\t\tfib daddr oif missing counter\n\t}\n\tchain c {\n\t\ttype filter hook output priority 0;\n\t\t${how}\n\t}\n}\n`,
      );
    const message =
      "3:3 'fib daddr oif' works only in prerouting, input and forward chains, and chain u is reached from chain c at the output hook";
    expect(reached("jump u")).toEqual([message]);
    expect(reached("ip daddr vmap { 192.0.2.1 : jump u }")).toEqual([message]);
    // A chain no base chain reaches is not checked, as the kernel does not check it.
    expect(reached("counter")).toEqual([]);
  });

  it("reads each fib of a rule, its flags in any order, and none inside a string", () => {
    expect(
      fibPlaces(
        'fib saddr . mark . iif oif missing fib mark . daddr oif "x" fib daddr type local comment "fib daddr oif"',
      ).map((f) => [f.nth, f.words, f.hooks.length]),
    ).toEqual([
      [0, "fib saddr . mark . iif oif", 3],
      [1, "fib mark . daddr oif", 3],
      [2, "fib daddr type", 5],
    ]);
    expect(fibPlaces("fib iif . saddr oif missing")[0]?.hooks).toEqual(["prerouting", "input", "forward"]);
  });

  it("points at the fib of a rule written over several lines, and at none in a comment", () => {
    const output = (rule: string) =>
      errors(`table ip t {\n\tchain c {\n\t\ttype filter hook output priority 0;\n\t\t${rule}\n\t}\n}\n`);
    expect(output("ip daddr { 192.0.2.1,\n\t\t\t192.0.2.2 } fib daddr oif missing drop")).toEqual([
      "5:16 'fib daddr oif' works only in prerouting, input and forward chains, and chain c is at the output hook",
    ]);
    expect(output('counter comment "fib daddr oif missing"')).toEqual([]);
  });

  it("follows gotos and named verdict maps, and ends on a loop", () => {
    const text = (how: string, extra = "") =>
      `table ip t {\n\tmap m {\n\t\ttype ipv4_addr : verdict\n\t\telements = { 192.0.2.1 : goto u }\n\t}\n\tchain u {\n\t\tfib daddr . iif type local counter\n${extra}\t}\n\tchain v {\n\t\tjump u\n\t}\n\tchain c {\n\t\ttype filter hook postrouting priority 0;\n\t\t${how}\n\t}\n}\n`;
    const message =
      "7:3 'fib daddr . iif type' works only in prerouting, input and forward chains, and chain u is reached from chain c at the postrouting hook";
    expect(errors(text("goto u"))).toEqual([message]);
    expect(errors(text("ip daddr vmap @m"))).toEqual([message]);
    // A loop a base chain reaches is refused on its own (jump-loops.ts); the walk still ends. In line order.
    expect(errors(text("jump v", "\t\tip daddr 192.0.2.9 jump v\n"))).toEqual([
      expect.stringMatching(/^7:3 .*reached from chain c at the postrouting hook$/),
      expect.stringMatching(/^8:3 chain u goes back to chain v/),
    ]);
  });

  it("holds socket and tproxy to their hooks in a chain a jump reaches, as in a base chain", () => {
    // nft 1.0.6 on kernel 6.18 refused both (at the base chain's `jump u`: "Operation not supported"),
    // and loaded tproxy reached from prerouting and socket from prerouting and output.
    const reached = (hook: string, rule: string) =>
      errors(
        `table ip t {\n\tchain u {\n\t\t${rule}\n\t}\n\tchain c {\n\t\ttype filter hook ${hook} priority 0;\n\t\tjump u\n\t}\n}\n`,
      );
    expect(reached("output", "meta l4proto tcp tproxy to :50080")).toEqual([
      "3:20 'tproxy' works only in prerouting chains, and chain u is reached from chain c at the output hook",
    ]);
    expect(reached("postrouting", "socket transparent 1 accept")).toEqual([
      "3:3 'socket' works only in prerouting, input and output chains, and chain u is reached from chain c at the postrouting hook",
    ]);
    expect(reached("prerouting", "meta l4proto tcp tproxy to :50080")).toEqual([]);
    expect(reached("output", "socket transparent 1 accept")).toEqual([]);
    // In a base chain the rule reader says it once, at the expression.
    expect(
      errors(
        "table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n\t\tsocket transparent 1 accept\n\t}\n}\n",
      ),
    ).toHaveLength(1);
  });

  it("holds rt mtu to forward, output and postrouting, in a chain a jump reaches too", () => {
    // Loaded on kernel 6.18 with nft 1.0.6: refused at prerouting, input and an inet ingress hook.
    const at = (hook: string, rule: string) =>
      errors(`table inet t {\n\tchain c {\n\t\ttype filter hook ${hook} priority 0;\n\t\t${rule}\n\t}\n}\n`);
    const clamp = "tcp flags syn tcp option maxseg size set rt mtu";
    for (const hook of ["forward", "output", "postrouting"]) expect(at(hook, clamp)).toEqual([]);
    expect(at("input", "rt mtu 1400 accept")).toEqual([
      "4:3 'rt mtu' works only in forward, output and postrouting chains, and chain c is at the input hook",
    ]);
    expect(at("prerouting", clamp)).toEqual([
      "4:44 'rt mtu' works only in forward, output and postrouting chains, and chain c is at the prerouting hook",
    ]);
    expect(at('ingress device "lo"', clamp)).toEqual([
      "4:44 'rt mtu' works only in forward, output and postrouting chains, and chain c is at the ingress hook",
    ]);
    expect(
      errors(
        "table ip t {\n\tchain u {\n\t\trt mtu 1400 accept\n\t}\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tjump u\n\t}\n}\n",
      ),
    ).toEqual([
      "3:3 'rt mtu' works only in forward, output and postrouting chains, and chain u is reached from chain c at the input hook",
    ]);
    // The route's other keys work at every hook.
    expect(at("prerouting", "rt classid 5 rt ipsec exists accept")).toEqual([]);
  });
});
