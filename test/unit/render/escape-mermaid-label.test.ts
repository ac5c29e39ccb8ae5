import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeMermaidLabel, toMermaidId } from "../../../src/core/render/escape-mermaid-label.ts";

describe("escapeMermaidLabel", () => {
  it("keeps plain names readable", () => {
    expect(escapeMermaidLabel("c2 172.17.0.3 via veth-c2")).toBe("c2 172.17.0.3 via veth-c2");
  });
  it("escapes quotes", () => {
    expect(escapeMermaidLabel('say "hi"')).toBe("say #34;hi#34;");
  });
  it("escapes < > & for HTML", () => {
    expect(escapeMermaidLabel("<b>&amp;</b>")).toBe("#60;b#62;#38;amp#59;#60;/b#62;");
  });
  it("escapes # so a literal entity code is not decoded", () => {
    expect(escapeMermaidLabel("#35; #quot;")).toBe("#35;35#59; #35;quot#59;");
  });
  it("escapes backticks (markdown strings) and brackets, braces, pipes, colons", () => {
    expect(escapeMermaidLabel("`a` [b] (c) {d} |e| f:g")).toBe(
      "#96;a#96; #91;b#93; #40;c#41; #123;d#125; #124;e#124; f#58;g",
    );
  });
  it("keeps unicode text but spells invisible and Mermaid-placeholder characters as references", () => {
    expect(escapeMermaidLabel("容器 c1 → ok")).toBe("容器 c1 → ok");
    expect(escapeMermaidLabel("a\u202eb")).toBe("a#8238;b");
    expect(escapeMermaidLabel("ﬂ°x¶ß")).toBe("#64258;#176;x#182;#223;");
  });
  it("turns line breaks and control characters into spaces", () => {
    expect(escapeMermaidLabel("a\nb\r\nc\td\u0000e")).toBe("a b c d e");
  });
  it("never leaves a character that could end the quote or open a tag (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = escapeMermaidLabel(s);
        expect(out).not.toMatch(/["<>&`[\]{}()|:\n\r]/);
        // Every ';' belongs to an entity code we wrote.
        expect(out.replace(/#\d+;/g, "")).not.toContain(";");
      }),
    );
  });
});

describe("toMermaidId", () => {
  it("keeps letters, digits and underscores only", () => {
    expect(toMermaidId("fig-2 a.b")).toBe("fig_2_a_b");
    expect(toMermaidId("")).toBe("_");
  });
});
