/**
 * The Mermaid configuration of every diagram, shared by the build-time renderer and the
 * playground, which renders in the reader's browser (pure: no Node, no DOM).
 */

/** The CSS font-family the diagrams use; the site must use the same stack. */
export const DIAGRAM_FONT_FAMILY = '"Noto Sans", "Noto Sans TC", sans-serif';

/** A diagram theme. */
export type Theme = "light" | "dark";

/** Mermaid configuration for one theme; the same for every diagram of a build. */
export function mermaidConfig(
  theme: Theme,
  id: string,
  options: { handDrawnSeed: number; fontSize: string },
) {
  return {
    startOnLoad: false,
    securityLevel: "strict",
    theme: theme === "light" ? "default" : "dark",
    themeVariables: { fontFamily: DIAGRAM_FONT_FAMILY, fontSize: options.fontSize },
    fontFamily: DIAGRAM_FONT_FAMILY,
    handDrawnSeed: options.handDrawnSeed,
    deterministicIds: true,
    deterministicIDSeed: id,
    flowchart: { htmlLabels: true },
  } as const;
}
