import { describe, expect, it } from "vitest";
import {
  darkPaletteCss,
  paletteNames,
  sentinel,
  themedVariables,
  themeSvg,
} from "../../../src/browser/diagram-theme.ts";
import { dropWoffFallback } from "../../../src/plugin/woff2-only.ts";

const light = {
  textColor: "#333",
  mainBkg: "#ECECFF",
  fontSize: "16px",
  edgeLabelBackground: "rgba(232,232,232, 0.8)",
  same: "#fff",
  useGradient: false,
};
const dark = {
  textColor: "#ccc",
  mainBkg: "#1f2020",
  fontSize: "16px",
  edgeLabelBackground: "hsl(0, 0%, 34%)",
  same: "#fff",
  useGradient: true,
};
const isColour = (v: string) => /^(#|rgb|hsl)/.test(v);

describe("themedVariables", () => {
  const { themeVariables, palette } = themedVariables(light, dark, isColour);

  it("gives a sentinel to every colour that differs between the themes, and keeps the rest", () => {
    expect(Object.values(palette).map((e) => e.name)).toEqual([
      "textColor",
      "mainBkg",
      "edgeLabelBackground",
    ]);
    expect(themeVariables.textColor).toBe(sentinel(1));
    expect(themeVariables.same).toBe("#fff");
    expect(themeVariables.fontSize).toBe("16px");
    expect(themeVariables.useGradient).toBe(false);
  });

  it("leaves node text to the text colour, as Mermaid's light and dark themes do", () => {
    expect(themeVariables.nodeTextColor).toBe(themeVariables.textColor);
  });
});

describe("themeSvg", () => {
  const { palette } = themedVariables(light, dark, isColour);
  const s = (name: string) => Object.keys(palette).find((k) => palette[k]?.name === name) as string;

  it("turns sentinels into custom properties with the light value as fallback", () => {
    const out = themeSvg(
      `<style>#d{fill:${s("textColor")};}#d rect{fill:${s("mainBkg").toUpperCase()}}</style>`,
      palette,
    );
    expect(out).toBe(
      "<style>#d{fill:var(--pw-m-textColor,#333);}#d rect{fill:var(--pw-m-mainBkg,#ECECFF)}</style>",
    );
  });

  it("keeps the alpha of a faded sentinel through relative colour syntax", () => {
    const index = Number.parseInt(s("edgeLabelBackground").slice(3), 16);
    const out = themeSvg(
      `.labelBkg{background-color:rgba(11, ${index >> 8}, ${index & 255}, 0.5);}`,
      palette,
    );
    expect(out).toBe(
      ".labelBkg{background-color:rgb(from var(--pw-m-edgeLabelBackground,rgba(232,232,232, 0.8)) r g b / 0.5);}",
    );
  });

  it("leaves colours that are not sentinels alone, and lists the variables used", () => {
    const out = themeSvg(`#d .hit{fill:#ffcc80}#d{color:${s("textColor")}}`, palette);
    expect(out).toContain("#ffcc80");
    expect([...paletteNames(out)]).toEqual(["textColor"]);
  });
});

describe("darkPaletteCss", () => {
  it("declares the dark value of each variable asked for, hex in lower case", () => {
    const { palette } = themedVariables({ a: "#FFF", b: "#000" }, { a: "#F9FFFE", b: "#111" }, isColour);
    expect(darkPaletteCss(palette, { names: ["a"] })).toBe(
      '[data-theme="dark"] .pw-diagram {\n  --pw-m-a: #f9fffe;\n}\n',
    );
  });
});

describe("dropWoffFallback", () => {
  it("keeps the woff2 source and drops the woff one", () => {
    const css = "src: url(./files/a-400.woff2) format('woff2'), url(./files/a-400.woff) format('woff');";
    expect(dropWoffFallback(css)).toBe("src: url(./files/a-400.woff2) format('woff2');");
  });
});
