/**
 * ebtables' `--mark V[/M]` match read as ebtables-nft 1.8.9 reads it (libebt_mark_m: strtoul base 0 for
 * the value, then for the mask after `/`). Kernel 6.18 (x86_64), `ebtables -A FORWARD --mark ...` in a
 * throwaway namespace, then `ebtables-save`:
 * - taken and saved as: `0x10`, `16`, `020`, `0X10`, `+5` (0x5), `" 0x10"` -> `--mark 0x10`; `0x10/0xff`,
 *   `16/255` -> `0x10/0xff`; `010/010` -> `0x8/0x8`; `0x10/` -> `0x10/0x0`; `/0xff` -> `/0xff`; `/` ->
 *   `/0x0`; `0x10/0` -> `0x10/0x0`; `0` -> `0x0`; `0xffffffff/0xffffffff` -> `0xffffffff`;
 *   `0x100000000` and `4294967296` -> `0x100000000`; `1/0x100000000` -> `0x1/0x100000000`;
 *   `0x10/0x1ffffffff` -> `0x10/0x1ffffffff`; `-1` and `0x1ffffffffffffffffff` -> `0xffffffffffffffff`;
 *   `! --mark 0x10` and `--mark ! 0x10` -> `--mark ! 0x10`; `! --mark 0x10/0xff` -> `--mark ! 0x10/0xff`.
 * - refused: `08`, `abc`, `0x`, `1e3`, `0x10/0x10/0x10` and (ebtables-restore) `0x1g`: "Bad mark value
 *   '08'" (each its own text); `--mark -j ACCEPT` and `--mark ! -j ACCEPT`: "Bad mark value '-j'"; `--mark`
 *   last: "Unknown argument: '(null)'"; `--mark 0x10 /0xff`: "Bad argument : '/0xff'".
 * - `nft --debug=netlink list ruleset` showed each as `[ match name mark_m rev 0 ]`: the kernel's
 *   ebt_mark_m runs it, `(skb->mark & mask) == mark` in unsigned longs, the mark 32 bits wide, so a value
 *   past 32 bits never matches (nft's listing, `meta mark 0x0` for `0x100000000`, is only its guess).
 */
import { describe, expect, it } from "vitest";
import { ebtMarkMatch, parseEbtables } from "../../../src/core/simulate/parse-ebtables.ts";
import type { Rule } from "../../../src/core/simulate/ruleset.ts";

const save = (...rules: string[]) =>
  `*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n${rules.join("\n")}\n`;

/** The FORWARD rules and the `line:column message` of each diagnostic of `rules`. */
const read = (...rules: string[]) => {
  const r = parseEbtables(save(...rules));
  return {
    rules: (r.rules.tables.get("filter")?.chains.get("FORWARD")?.rules ?? []) as Rule[],
    errors: r.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => `${d.position.line}:${d.position.column} ${d.message}`),
  };
};

/** The conditions of the one rule `-A FORWARD --mark VALUE -j ACCEPT` (with `!` after --mark when `neg`). */
const conditions = (value: string, neg = false) => {
  const r = read(`-A FORWARD --mark ${neg ? "! " : ""}${value} -j ACCEPT`);
  expect(r.errors, value).toEqual([]);
  return r.rules[0]?.conditions;
};

const mark = (value: number, mask = 0xffffffff, neg = false) => [{ kind: "mark", value, mask, neg }];

describe("ebtables --mark as ebtables-nft reads it", () => {
  it.each([
    ["0x10", mark(0x10)],
    ["16", mark(0x10)],
    ["020", mark(0x10)],
    ["0X10", mark(0x10)],
    ["+5", mark(5)],
    ["0x10/0xff", mark(0x10, 0xff)],
    ["16/255", mark(0x10, 0xff)],
    ["010/010", mark(8, 8)],
    ["0x10/", mark(0x10, 0)],
    ["0x10/0", mark(0x10, 0)],
    ["0", mark(0)],
    ["0xffffffff/0xffffffff", mark(0xffffffff)],
    // The mark has 32 bits: a mask's higher bits test nothing.
    ["0x10/0x1ffffffff", mark(0x10, 0xffffffff)],
    ["1/0x100000000", mark(1, 0)],
  ])("--mark %s", (v, expected) => {
    expect(conditions(v)).toEqual(expected);
  });

  it("a value past 32 bits is kept and never matches; inverted it always does", () => {
    for (const v of ["0x100000000", "4294967296", "-1", "0x1ffffffffffffffffff"]) {
      expect(conditions(v), v).toEqual([{ kind: "never", text: `--mark ${v}`, neg: false }]);
      expect(conditions(v, true), v).toEqual([]);
    }
    expect(ebtMarkMatch("-1")).toEqual({ value: 0xffffffffffffffffn, mask: 0xffffffffn, any: false });
    expect(ebtMarkMatch("0x1ffffffffffffffffff")).toMatchObject({ value: 0xffffffffffffffffn });
  });

  it("both places of '!' invert", () => {
    expect(read("-A FORWARD ! --mark 0x10/0xff -j ACCEPT").rules[0]?.conditions).toEqual(
      mark(0x10, 0xff, true),
    );
    expect(conditions("0x10", true)).toEqual(mark(0x10, 0xffffffff, true));
  });

  it("/M is any bit of M set: (mark & M) == 0 negated; '/' alone (mask 0) never holds", () => {
    // Kernel 6.18: a 0x12 mark passed `--mark /0x10` and `! /0x1`, not `/0x1` (test/fixtures/simulate/ebt-mark-among).
    expect(conditions("/0xff")).toEqual([{ kind: "mark", value: 0, mask: 0xff, neg: true }]);
    expect(conditions("/")).toEqual([{ kind: "mark", value: 0, mask: 0, neg: true }]);
    expect(ebtMarkMatch("/")).toEqual({ value: 0n, mask: 0n, any: true });
  });

  it.each([
    ["08", 20],
    ["abc", 19],
    ["0x", 20],
    ["1e3", 20],
    ["0x1g", 22],
    ["0x10/0x10/0x10", 28],
  ])("refuses --mark %s at the first character strtoul does not read", (v, column) => {
    expect(read(`-A FORWARD --mark ${v} -j ACCEPT`).errors).toEqual([
      `5:${column} '${v}' is not a mark value: ebtables refuses it ("Bad mark value '${v}'")`,
    ]);
  });

  it("refuses a missing value, and an option where the value should be", () => {
    expect(read("-A FORWARD --mark").errors).toEqual(["5:12 --mark needs a value"]);
    expect(read("-A FORWARD --mark ! -j ACCEPT").errors).toEqual([
      `5:21 '-j' is not a mark value: ebtables refuses it ("Bad mark value '-j'")`,
    ]);
    expect(read("-A FORWARD --mark -j ACCEPT").errors).toEqual([
      `5:19 '-j' is not a mark value: ebtables refuses it ("Bad mark value '-j'")`,
    ]);
  });
});
