import { describe, expect, it } from "vitest";
import { annotateSvg } from "../../../src/plugin/annotate-svg.ts";

const svg = [
  '<svg id="f-request-light">',
  '<g class="node" id="f-request-light-flowchart-p_ip_nat_PREROUTING-3"></g>',
  '<g class="node" id="f-request-light-flowchart-p_ip_raw_PREROUTING-1"></g>',
  '<path id="f-request-light-p_step2"></path>',
  '<g class="label" id="p_step2"></g>',
  "</svg>",
].join("");

describe("annotateSvg", () => {
  it("puts every step number of a hook on its box and the step on its arrow", () => {
    const out = annotateSvg(svg, "f-request-light", {
      nodes: new Map([["p_ip_nat_PREROUTING", [2, 7]]]),
      links: new Map([["p_step2", 2]]),
    });
    expect(out).toContain('id="f-request-light-flowchart-p_ip_nat_PREROUTING-3" data-step="2 7"');
    expect(out).toContain('id="f-request-light-p_step2" data-step="2"');
    expect(out).toContain('id="f-request-light-flowchart-p_ip_raw_PREROUTING-1">');
  });

  it("prefixes ids Mermaid left bare, so the light and dark copies never share one", () => {
    const light = annotateSvg(svg, "f-request-light", { nodes: new Map(), links: new Map() });
    const dark = annotateSvg(svg.replaceAll("-light", "-dark"), "f-request-dark", {
      nodes: new Map(),
      links: new Map(),
    });
    const ids = (s: string) => [...s.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    const shared = ids(light).filter((id) => ids(dark).includes(id));
    expect(shared).toEqual([]);
    expect(light).toContain('id="f-request-light-p_step2"></g>');
  });
});

describe("annotateSvg on narrow screens", () => {
  it("gives the diagram a minimum width of 62% of its natural width, so its box scrolls instead", () => {
    const root =
      '<svg id="d-light" width="100%" class="flowchart" style="max-width: 800px;" viewBox="0 0 800 1400"></svg>';
    const out = annotateSvg(root, "d-light", { nodes: new Map(), links: new Map() });
    expect(out).toContain('data-min-width style="max-width: 800px; --pw-min-width: 496px;"');
  });
});
