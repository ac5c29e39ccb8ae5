/**
 * `yamlStop`: a front matter that Astro's reader (js-yaml) refuses, positioned in the lesson file
 * (js-yaml counts from just after the opening `---`), for the few that our reader accepts.
 */
import { parseFrontmatter } from "@astrojs/markdown-remark";
import { describe, expect, it } from "vitest";
import { yamlStop } from "../../../src/plugin/check-lesson-files.ts";

/** What parseFrontmatter threw on `text`. */
function thrown(text: string): unknown {
  try {
    parseFrontmatter(text, { frontmatter: "empty-with-spaces" });
  } catch (error) {
    return error;
  }
  throw new Error("parseFrontmatter accepted it");
}

describe("yamlStop", () => {
  it("positions js-yaml's error at the lesson's line and column", () => {
    const text = "---\ntitle: A\ndescription: A router of its own: masquerade\n---\n\nBody\n";
    expect(yamlStop(thrown(text), text, "x.md")).toEqual({
      severity: "error",
      message: "front matter is not valid YAML (as Astro reads it): bad indentation of a mapping entry",
      hint: "quote values that contain ':' or '#'",
      position: { file: "x.md", line: 3, column: 33 },
    });
  });

  it("counts the blank lines Astro allows before the front matter, and CRLF line ends", () => {
    const text = "\n\n---\r\ntitle: A\r\n<<: 1\r\n---\r\n\r\nBody\r\n";
    // At the value js-yaml cannot merge: line 5, after `<<: `.
    expect(yamlStop(thrown(text), text, "x.md")?.position).toEqual({ file: "x.md", line: 5, column: 6 });
  });

  it("is undefined for an error that is not js-yaml's", () => {
    expect(yamlStop(new Error("EISDIR"), "", "x.md")).toBeUndefined();
    expect(yamlStop(undefined, "", "x.md")).toBeUndefined();
  });
});
