import { describe, expect, it } from "vitest";
import { validateLesson } from "../../../src/lessons/validate-lesson.ts";

const good = `---
title: Container to WAN
description: How a ping from a container leaves through MASQUERADE.
section: directions
order: 60
locale: en
---
Body`;

describe("validateLesson", () => {
  it("accepts a valid front matter and fills defaults", () => {
    const r = validateLesson(good, "x.md");
    expect(r.diagnostics).toEqual([]);
    expect(r.data).toMatchObject({ order: 60, draft: false, locale: "en" });
  });

  it("names a byte-order mark before the front matter instead of saying there is none", () => {
    const r = validateLesson(`\uFEFF${good}`, "x.md");
    expect(r.data).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        message: "the lesson starts with a byte-order mark (U+FEFF) before its front matter's `---`",
        hint: "save it as UTF-8 without BOM (in your editor, or: sed -i '1s/^\\xEF\\xBB\\xBF//' x.md)",
        position: { file: "x.md", line: 1, column: 1 },
      },
    ]);
    // CRLF line ends (a Windows editor's) are read as they are.
    expect(validateLesson(good.replaceAll("\n", "\r\n"), "x.md").diagnostics).toEqual([]);
  });

  it("points at the line and column of a bad value, with the allowed values", () => {
    const r = validateLesson(good.replace("section: directions", "section: routing"), "x.md");
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.position).toEqual({ file: "x.md", line: 4, column: 10 });
    expect(r.diagnostics[0]?.message).toContain("front matter field 'section'");
    expect(r.diagnostics[0]?.hint).toContain("'directions'");
  });

  it("names a missing field and suggests the closest known one for an unknown field", () => {
    const r = validateLesson(good.replace("order: 60", "ordr: 60"), "x.md");
    const messages = r.diagnostics.map((d) => d.message);
    expect(messages).toContain("front matter field 'ordr' is not a lesson field");
    expect(messages).toContain("front matter field 'order' is missing");
    expect(r.diagnostics.find((d) => d.message.includes("ordr"))?.hint).toBe("did you mean 'order'?");
  });

  it("reports YAML syntax errors and a missing front matter with a position", () => {
    expect(validateLesson("no front matter", "x.md").diagnostics[0]?.position.line).toBe(1);
    const broken = validateLesson("---\ntitle: [unclosed\n---\n", "x.md");
    expect(broken.diagnostics[0]?.message).toMatch(/not valid YAML/);
    expect(broken.diagnostics[0]?.position.line).toBeGreaterThanOrEqual(2);
  });
});
