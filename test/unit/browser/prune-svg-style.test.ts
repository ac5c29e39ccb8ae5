import { describe, expect, it } from "vitest";
import { pruneSvgStyle } from "../../../src/browser/prune-svg-style.ts";

const css = [
  "#d{fill:#333;}",
  "@keyframes dash{to{stroke-dashoffset:0;}}",
  "#d .edge-animation-slow{animation:dash 50s linear infinite;}",
  "#d .node rect,#d .node circle{fill:#eee;}",
  "#d .cluster-label text{fill:#333;}",
  "#d .label text,#d span{color:#333;}",
  '#d [data-look="neo"].node rect{stroke:#000;}',
  "#d .hit&gt;*{fill:#fc8!important;}",
  "#d .node:not(.x){opacity:1;}",
  "#d .katex path{fill:#000;}",
].join("");
const svg = `<svg id="d"><style>${css}</style><g class="node hit" data-look="classic"><rect></rect><foreignObject><span>x</span></foreignObject></g></svg>`;

describe("pruneSvgStyle", () => {
  const out = /<style>(.*)<\/style>/.exec(pruneSvgStyle(svg))?.[1] ?? "";

  it("keeps every rule that matches an element, whichever selector of a list matches", () => {
    expect(out).toContain("#d{fill:#333;}");
    expect(out).toContain("#d .node rect,#d .node circle{fill:#eee;}");
    expect(out).toContain("#d .label text,#d span{color:#333;}");
    expect(out).toContain("#d .hit&gt;*{fill:#fc8!important;}");
  });

  it("drops rules naming a class, tag or attribute value the SVG does not have", () => {
    expect(out).not.toContain("cluster-label");
    expect(out).not.toContain("neo");
    expect(out).not.toContain("katex");
    expect(out).not.toContain("edge-animation");
  });

  it("drops keyframes no kept rule animates with, and keeps what it cannot judge", () => {
    expect(out).not.toContain("@keyframes");
    expect(out).toContain("#d .node:not(.x){opacity:1;}");
  });

  it("leaves an SVG without a style as it is, and never reads the style as content", () => {
    expect(pruneSvgStyle("<svg></svg>")).toBe("<svg></svg>");
    // The attribute value appears in the stylesheet only: still dropped.
    expect(pruneSvgStyle(svg.replace('data-look="classic"', ""))).not.toContain("neo");
  });
});
