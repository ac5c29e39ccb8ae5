/**
 * Which font draws a character: the font stacks a site's CSS and pages declare, and the first family of a
 * stack whose web font has the glyph. A web font needs only the characters it can be the first to draw.
 */

/** `"Noto Sans", 'Noto Sans TC', system-ui` → `["Noto Sans", "Noto Sans TC", "system-ui"]`. */
export function parseFontStack(value: string): string[] {
  return value
    .split(",")
    .map((f) => f.trim().replace(/^["']|["']$/g, ""))
    .filter(Boolean);
}

/**
 * The font stacks declared in CSS or HTML text (`font-family:` and custom properties such as
 * `--font-body:`), outside `@font-face` rules, that name one of `families`. Values that are only a
 * `var(...)` are skipped: the custom property they name is a declaration of its own.
 */
export function fontStacks(text: string, families: ReadonlySet<string>): string[][] {
  const stacks: string[][] = [];
  const body = text.replace(/@font-face\s*\{[^}]*\}/g, "");
  for (const m of body.matchAll(/(?:font-family|--[\w-]+)\s*:\s*((?:"[^"]*"|'[^']*'|[^;}"'<>])+)/g)) {
    const value = (m[1] ?? "").replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    if (/var\(/.test(value)) continue;
    const stack = parseFontStack(value);
    if (stack.some((f) => families.has(f))) stacks.push(stack);
  }
  return stacks;
}

/** Stacks as a set of distinct lists, for one pass over them. */
export function distinctStacks(stacks: string[][]): string[][] {
  return [...new Map(stacks.map((s) => [s.join("\u0000"), s])).values()];
}

/**
 * Whether `family` can be the font that draws code point `p`: some stack names it, and no family before it
 * in that stack is sure to draw `p` (only a web font known to draw it is; a system font might not).
 * @param covers whether a web font family draws `p` in every weight it ships
 */
export function canDraw(
  family: string,
  p: number,
  stacks: string[][],
  covers: (family: string, p: number) => boolean,
): boolean {
  return stacks.some((stack) => {
    const at = stack.indexOf(family);
    return at >= 0 && stack.slice(0, at).every((earlier) => !covers(earlier, p));
  });
}
