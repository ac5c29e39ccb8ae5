import { describe, expect, it } from "vitest";
import { diffFacts, diffLines } from "../../../src/core/diff/diff-facts.ts";
import { formatMarkdown } from "../../../src/core/diff/format-markdown.ts";
import { changedSteps, highlightChangedSteps } from "../../../src/core/diff/highlight-steps.ts";
import { checkXml } from "../../helpers/check-xml.ts";
import { oneTraceFacts } from "../../helpers/trace-facts.ts";

/** The facts of trace `name`, one packet crossing `hooks`, matching `matched[i]` at hook i. */
const facts = (name: string, hooks: string[], matched: string[][] = []) =>
  oneTraceFacts(hooks, matched, name);

describe("diffLines", () => {
  it("keeps common lines and shows a replaced line as a deletion then an addition", () => {
    expect(diffLines(["a", "b", "c"], ["a", "x", "c"])).toEqual([
      { op: "same", text: "a" },
      { op: "del", text: "b" },
      { op: "add", text: "x" },
      { op: "same", text: "c" },
    ]);
    expect(diffLines([], ["a"])).toEqual([{ op: "add", text: "a" }]);
    expect(diffLines(["a"], [])).toEqual([{ op: "del", text: "a" }]);
  });
});

describe("diffFacts", () => {
  it("finds added, removed and changed traces and counts the unchanged", () => {
    const d = diffFacts(
      [facts("l/same", ["h1", "h2"]), facts("l/gone", ["h1"]), facts("l/moved", ["h1", "h2", "h3"])],
      [facts("l/same", ["h1", "h2"]), facts("l/new", ["h1"]), facts("l/moved", ["h1", "h3", "h2"])],
    );
    expect(d.unchanged).toBe(1);
    expect(d.traces.map((t) => [t.name, t.kind])).toEqual([
      ["l/gone", "removed"],
      ["l/moved", "changed"],
      ["l/new", "added"],
    ]);
  });

  it("reports only the matched rules that differ at a step", () => {
    const d = diffFacts(
      [facts("l/t", ["h1", "h2"], [[], ["keep", "old"]])],
      [facts("l/t", ["h1", "h2"], [[], ["keep", "new"]])],
    );
    expect(d.traces[0]?.packets[0]?.matched).toEqual([
      { step: 2, hook: "h2", before: ["old"], after: ["new"] },
    ]);
    expect(d.traces[0]?.packets[0]?.hooks).toBeUndefined();
  });
});

describe("changed steps on the diagrams", () => {
  it("outlines the steps gone on the before side and the new ones on the after side", () => {
    const d = diffFacts([facts("l/t", ["h1", "h2", "h3"])], [facts("l/t", ["h1", "h4", "h3"])]);
    const t = d.traces[0];
    if (!t) throw new Error("no change found");
    expect(changedSteps(t, "request", "before")).toEqual([1]);
    expect(changedSteps(t, "request", "after")).toEqual([1]);
    expect(highlightChangedSteps(t, "request", "before")).toMatch(/class q_h2 pwchanged\n$/);
    expect(highlightChangedSteps(t, "request", "after")).toMatch(/class q_h4 pwchanged\n$/);
  });
});

describe("formatMarkdown", () => {
  it("says so when nothing changed", () => {
    const md = formatMarkdown(diffFacts([facts("l/a", ["h"])], [facts("l/a", ["h"])]), {
      from: "A",
      to: "B",
    });
    expect(md).toContain("No trace changed: 1 compared");
  });

  it("never exceeds the limit: whole sections are left out and counted, with the details link", () => {
    const many = Array.from({ length: 200 }, (_, i) => `l/t${String(i).padStart(3, "0")}`);
    const d = diffFacts(
      many.map((n) => facts(n, ["a", "b", "c"])),
      many.map((n) => facts(n, ["a", "x", "c"])),
    );
    for (const max of [800, 5_000, 65_536]) {
      const md = formatMarkdown(d, { from: "A", to: "B", maxChars: max, detailsUrl: "https://ci/run" });
      expect(md.length).toBeLessThanOrEqual(max);
      const shown = (md.match(/^### /gm) ?? []).length;
      const left = Number(/and (\d+) more section/.exec(md)?.[1] ?? 0);
      expect(shown + left).toBe(200);
      // At GitHub's limit all 200 fit; below it, the left-out ones are counted and linked.
      if (max < 65_536) expect(md).toContain("[full report](https://ci/run)");
      else expect(left).toBe(0);
      // No section is cut in half: every shown one ends with its closing fence.
      expect((md.match(/```diff/g) ?? []).length).toBe((md.match(/^\s*```$/gm) ?? []).length);
    }
  });
});

describe("checkXml", () => {
  it("rejects a second root and broken markup, accepts one root", () => {
    expect(() => checkXml("<svg></svg><svg></svg>")).toThrow();
    expect(() => checkXml("<svg><br></svg>")).toThrow();
    expect(checkXml('<svg xmlns="http://www.w3.org/2000/svg"><svg/></svg>').nestedSvgs).toBe(1);
  });
});

describe("a ruleset on one side only", () => {
  it("is all added (or all removed), its blank lines included", () => {
    const text = "table inet fw {\n\tchain pre {\n\t}\n\n\tchain fwd {\n\t}\n}\n";
    const added = diffFacts([], [], { before: {}, after: { "lab/fw": text } }).rulesets[0];
    expect(added?.kind).toBe("added");
    expect(added?.lines.map((l) => l.op)).toEqual(text.split("\n").map(() => "add"));
    const removed = diffFacts([], [], { before: { "lab/fw": text }, after: {} }).rulesets[0];
    expect(removed?.lines.every((l) => l.op === "del")).toBe(true);
  });
});
