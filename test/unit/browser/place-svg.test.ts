import { describe, expect, it } from "vitest";
import { placeSvg } from "../../../src/browser/place-svg.ts";

const svg = [
  '<svg id="pwd0123abcd" aria-labelledby="chart-title-pwd0123abcd">',
  "<style>#pwd0123abcd .node rect{fill:#eee;}#pwd0123abcd{font-size:15px;}</style>",
  '<marker id="pwd0123abcd_flowchart-v2-pointEnd"></marker>',
  '<path id="pwd0123abcd-L_a_b_0" marker-end="url(#pwd0123abcd_flowchart-v2-pointEnd)"></path>',
  '<use href="#pwd0123abcd-L_a_b_0"></use>',
  '<g id="pwd0123abcd-flowchart-a-0"><p>pwd0123abcdx stays</p></g></svg>',
].join("");

describe("placeSvg", () => {
  const placed = placeSvg(svg, "pwd0123abcd", "pw1a2b3c-2-reply");

  it('rewrites ids, url(#…), href="#…", aria references and the style\'s #id selectors', () => {
    expect(placed).toContain('<svg id="pw1a2b3c-2-reply" aria-labelledby="chart-title-pw1a2b3c-2-reply">');
    expect(placed).toContain("#pw1a2b3c-2-reply .node rect{");
    expect(placed).toContain("#pw1a2b3c-2-reply{font-size");
    expect(placed).toContain('id="pw1a2b3c-2-reply_flowchart-v2-pointEnd"');
    expect(placed).toContain('marker-end="url(#pw1a2b3c-2-reply_flowchart-v2-pointEnd)"');
    expect(placed).toContain('href="#pw1a2b3c-2-reply-L_a_b_0"');
    expect(placed).toContain('id="pw1a2b3c-2-reply-flowchart-a-0"');
  });

  it("leaves a longer token that only starts like the id alone", () => {
    expect(placed).toContain("pwd0123abcdx stays");
    expect(placed).not.toMatch(/pwd0123abcd(?![a-z])/);
  });

  it("refuses an id that is not a valid placement id", () => {
    expect(() => placeSvg(svg, "pwd0123abcd", "1bad id")).toThrow(/must start with a letter/);
  });
});
