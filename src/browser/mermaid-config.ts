/**
 * The Mermaid configuration of every diagram, shared by the build-time renderer and the
 * playground, which renders in the reader's browser (pure: no Node, no DOM).
 */

/** The CSS font-family the diagrams use; the site must use the same stack. */
export const DIAGRAM_FONT_FAMILY = '"Noto Sans", "Noto Sans TC", sans-serif';

/**
 * Mermaid configuration of every diagram: the `base` theme with `themeVariables` (from
 * `themedVariables` in diagram-theme.ts: light values, sentinels where light and dark differ),
 * so one SVG serves both page themes.
 */
export function mermaidConfig(
  themeVariables: Record<string, unknown>,
  options: {
    /** Seed for Mermaid's hand-drawn shapes, so paths are the same every run. */
    handDrawnSeed: number;
    /** Font size of labels, e.g. `15px`. */
    fontSize: string;
  },
) {
  return {
    startOnLoad: false,
    securityLevel: "strict",
    theme: "base",
    themeVariables: { ...themeVariables, fontFamily: DIAGRAM_FONT_FAMILY, fontSize: options.fontSize },
    fontFamily: DIAGRAM_FONT_FAMILY,
    handDrawnSeed: options.handDrawnSeed,
    deterministicIds: true,
    flowchart: { htmlLabels: true },
  } as const;
}
