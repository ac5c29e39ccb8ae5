/** Where rule text and addresses may wrap: words with a hyphen kept whole, up to 24 characters. */
import { describe, expect, it } from "vitest";
import { keepWords } from "../../../src/core/render/keep-words.ts";

describe("keepWords", () => {
  it("keeps options, arrows and hyphenated names whole, and gives the text back", () => {
    const text = "-A DOCKER-CT -o br-a -m conntrack --ctstate RELATED  -> -j ACCEPT";
    const pieces = keepWords(text);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(pieces.filter((p) => p.keep).map((p) => p.text)).toEqual([
      "-A",
      "DOCKER-CT",
      "-o",
      "br-a",
      "-m",
      "--ctstate",
      "->",
      "-j",
    ]);
    // Spaces are where a line wraps: never kept.
    expect(pieces.filter((p) => /\s/.test(p.text)).every((p) => !p.keep)).toBe(true);
  });

  it("lets a word longer than 24 characters wrap, so a phone's line can still hold it", () => {
    expect(keepWords("ufw6-before-logging-forward")[0]?.keep).toBe(false);
    expect(keepWords("ufw6-before-logging-input")[0]?.keep).toBe(false);
    expect(keepWords("ufw6-before-forward")[0]?.keep).toBe(true);
  });
});
