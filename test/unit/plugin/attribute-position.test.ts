/**
 * A `::trace` problem about one attribute is reported at that attribute, so the `file:line:col` a
 * contributor's editor jumps to lands on what to fix, not on the `::` the directive starts with.
 */
import { describe, expect, it } from "vitest";
import { attributePosition } from "../../../src/plugin/attribute-position.ts";

const START = { line: 12, column: 3 };

describe("attributePosition", () => {
  it("finds the attribute after the brace or a space, counted from the directive's start", () => {
    const source = '::trace{src="docker-bridge/container-to-wan" direction="sideways" view="map"}';
    expect(attributePosition(source, START, "src")).toEqual({ line: 12, column: 3 + 8 });
    expect(attributePosition(source, START, "direction")).toEqual({ line: 12, column: 3 + 45 });
  });

  it("does not take the same letters inside another attribute's value", () => {
    const source = '::trace{caption="a view= of the path" view="maps"}';
    expect(attributePosition(source, START, "view")).toEqual({ line: 12, column: 3 + 38 });
  });

  it("finds a bare attribute and one on a later line", () => {
    expect(attributePosition('::trace{src="a/b" listing}', START, "listing")).toEqual({
      line: 12,
      column: 3 + 18,
    });
    expect(attributePosition('::trace{src="a/b"\n  packet="9"}', START, "packet")).toEqual({
      line: 13,
      column: 3,
    });
  });

  it("falls back to the directive's start for an attribute not written", () => {
    expect(attributePosition('::trace{view="map"}', START, "src")).toEqual(START);
  });
});
