/**
 * One SVG per diagram whose colours follow the page theme. Mermaid is run with
 * its `base` theme and every colour that differs between its `default` (light)
 * and `dark` themes replaced by a sentinel (`#0bNNNN`); afterwards each
 * sentinel in the SVG becomes `var(--pw-m-<variable>, <light value>)`. The
 * light value is the fallback, so an SVG on its own looks as Mermaid's light
 * theme; the site's CSS (src/styles/diagram-palette.css) sets the dark values.
 *
 * Mermaid cannot express everything this way: its `neo` look strokes with an
 * SVG gradient and drop-shadow filters whose colours are attributes, and the
 * dark theme adds that gradient. packetwalk draws the `classic` look only, so
 * those rules match nothing on the page (the renderer test measures this).
 */

/** The colours one theme variable takes in the light and the dark theme. */
export interface PaletteEntry {
  /** Mermaid theme variable, e.g. `mainBkg`. */
  name: string;
  /** Its value in Mermaid's `default` theme. */
  light: string;
  /** Its value in Mermaid's `dark` theme. */
  dark: string;
}

/** Sentinel colour -> the variable it stands for. */
export type DiagramPalette = Record<string, PaletteEntry>;

/** Prefix of the CSS custom properties the themed SVGs use. */
export const PALETTE_PREFIX = "--pw-m-";

/** The first byte of every sentinel; the other two number the variable. */
const SENTINEL_RED = 0x0b;

/** The sentinel of the `index`-th variable (1-based). */
export function sentinel(index: number): string {
  return `#${SENTINEL_RED.toString(16).padStart(2, "0")}${index.toString(16).padStart(4, "0")}`;
}

/**
 * Replaces every sentinel colour in `svg` (as `#0bNNNN`, or `rgb()`/`rgba()`
 * of it, which Mermaid writes after fading a colour) by the CSS custom
 * property of its variable, with the light value as fallback. A faded colour
 * keeps its alpha through relative colour syntax.
 */
export function themeSvg(svg: string, palette: DiagramPalette): string {
  const prop = (hex: string): string | undefined => {
    const entry = palette[hex.toLowerCase()];
    return entry ? `var(${PALETTE_PREFIX}${entry.name},${entry.light})` : undefined;
  };
  const red = SENTINEL_RED.toString(16).padStart(2, "0");
  return svg
    .replace(new RegExp(`#${red}[0-9a-fA-F]{4}\\b`, "gi"), (hex) => prop(hex) ?? hex)
    .replace(
      /rgba?\(\s*11\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([0-9.]+)\s*)?\)/g,
      (whole, g: string, b: string, alpha: string | undefined) => {
        const value = prop(sentinel(Number(g) * 256 + Number(b)));
        if (!value) return whole;
        return alpha === undefined || Number(alpha) === 1 ? value : `rgb(from ${value} r g b / ${alpha})`;
      },
    );
}

/**
 * The CSS that gives the themed SVGs their dark colours: one declaration per
 * variable (only those in `names`, when given), under `selector`
 * (default `[data-theme="dark"] .pw-diagram`).
 */
export function darkPaletteCss(
  palette: DiagramPalette,
  options: { names?: Iterable<string>; selector?: string } = {},
): string {
  const wanted = options.names ? new Set(options.names) : undefined;
  const entries = Object.values(palette)
    .filter((e) => !wanted || wanted.has(e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  // Hex digits in lower case, as the formatter (Biome) writes CSS.
  const lines = entries.map(
    (e) => `  ${PALETTE_PREFIX}${e.name}: ${e.dark.replace(/#[0-9A-Fa-f]{3,8}\b/g, (h) => h.toLowerCase())};`,
  );
  return `${options.selector ?? '[data-theme="dark"] .pw-diagram'} {\n${lines.join("\n")}\n}\n`;
}

/** The palette variables an SVG uses, by name. */
export function paletteNames(svg: string): Set<string> {
  return new Set([...svg.matchAll(/var\(--pw-m-([A-Za-z0-9]+)/g)].map((m) => m[1] as string));
}

/** Mermaid's theme variables as `mermaid.mermaidAPI.getConfig().themeVariables` reports them. */
export type ThemeVariables = Record<string, unknown>;

/**
 * From the computed variables of Mermaid's `default` and `dark` themes: the
 * `themeVariables` for the `base` theme (light values, sentinels where the
 * themes differ) and the palette of sentinels. `isColour` tells which strings
 * are CSS colours (in the browser: `CSS.supports("color", v)`).
 */
export function themedVariables(
  light: ThemeVariables,
  dark: ThemeVariables,
  isColour: (value: string) => boolean,
): { themeVariables: ThemeVariables; palette: DiagramPalette } {
  const themeVariables: ThemeVariables = {};
  const palette: DiagramPalette = {};
  let index = 0;
  for (const [name, value] of Object.entries(light)) {
    const other = dark[name];
    if (
      typeof value === "string" &&
      typeof other === "string" &&
      value !== other &&
      isColour(value) &&
      isColour(other)
    ) {
      const s = sentinel(++index);
      themeVariables[name] = s;
      palette[s] = { name, light: value, dark: other };
    } else {
      themeVariables[name] = value;
    }
  }
  // The default and dark themes leave node text to `textColor`; `base` would derive it from `primaryTextColor`.
  if (light.nodeTextColor === undefined && themeVariables.textColor !== undefined) {
    themeVariables.nodeTextColor = themeVariables.textColor;
  }
  return { themeVariables, palette };
}
