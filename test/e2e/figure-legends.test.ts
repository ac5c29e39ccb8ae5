/**
 * The built lessons' legends key only what their figures show: a path figure has no circled-number key
 * (its nodes write `#N`) and a bridge key only when one of its packets crossed a bridge hook; a figure
 * whose packets all went on has no drop key; an nftables LOG figure with no TRACE verdicts has no
 * verdict key, its TRACE twin has one.
 */
import { describe, expect, it } from "vitest";
import { lessonPages, readPageHtml, siteRelative } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();

/** Each figure of a lesson page: its view, its legend's keys, whether it verdict-keys, and its steps' chain names. */
function figures(where: string) {
  const page = lessonPages().find((p) => siteRelative(p.path) === where);
  if (!page) throw new Error(`${where} is built`);
  return [
    ...readPageHtml(page).matchAll(/<figure class="pw-trace"[^>]*data-view="([a-z]+)"[\s\S]*?<\/figure>/g),
  ].map((m) => {
    const html = m[0];
    const legend = /<ul class="pw-legend">[\s\S]*?<\/ul>/.exec(html)?.[0] ?? "";
    return {
      view: m[1],
      keys: [...legend.matchAll(/pw-key pw-key-([a-z]+)/g)].map((k) => k[1]),
      verdictKey: legend.includes("pw-v-accept"),
      trace: /data-trace="([^"]+)"/.exec(html)?.[1] ?? "",
    };
  });
}

describe("figure legends", () => {
  it("key a path figure's parts without circled numbers, and the bridge only where a bridge hook was crossed", () => {
    const found = figures("/lessons/ipsets-and-rpfilter/").filter((f) => f.view === "path");
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.keys, f.trace).not.toContain("step");
      expect(f.keys, f.trace).toContain("ip");
    }
    // Its routed lab's packets cross no bridge.
    expect(found.some((f) => !f.keys.includes("bridge"))).toBe(true);
  });

  it("key a drop where a packet ends dropped, and verdicts where a TRACE gives them", () => {
    const found = figures("/lessons/nft-accept-is-not-final/");
    const log = found.find((f) => f.trace === "docker-bridge-nft/container-to-wan-forward-drop");
    const trace = found.find((f) => f.trace === "docker-bridge-nft/container-to-wan-forward-drop-trace");
    const fixed = found.find((f) => f.trace === "docker-bridge-nft/container-to-wan-forward-drop-fixed");
    expect(log?.keys).toContain("dropped");
    expect(log?.verdictKey).toBe(false);
    expect(trace?.keys).toContain("dropped");
    expect(trace?.verdictKey).toBe(true);
    expect(fixed?.keys).not.toContain("dropped");
  });
});
