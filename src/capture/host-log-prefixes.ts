/**
 * The prefixes of the host's own logging rules, read from the saves `capture --host` keeps next to the
 * log: the lines they print during a step are the host's firewall at work on the step's packets, and
 * the saved ruleset (which `import` simulates) holds those rules, so the lines are kept with the run's.
 */

/** How much of a prefix the kernel prints: xt_LOG and ebt_log keep 29 characters, nft's log 127. */
const KEPT = { xt: 29, nft: 127 } as const;

/** Unquotes a prefix as the saves print it (`"a b "` or a bare word). */
function unquote(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/\\(.)/g, "$1") : text;
}

/**
 * Every log prefix of the saved rulesets (`iptables-save.txt`, `ip6tables-save.txt`,
 * `ebtables-save.txt`, `nft-ruleset.txt` of `material`), cut to what the kernel prints, without the
 * run's own (`tag` in it) and without an empty one (it would keep every line).
 */
export function hostLogPrefixes(material: Readonly<Record<string, string>>, tag: string): string[] {
  const out = new Set<string>();
  const add = (prefix: string, kept: number) => {
    const cut = prefix.slice(0, kept);
    if (cut.length > 0 && !cut.includes(tag)) out.add(cut);
  };
  for (const file of ["iptables-save.txt", "ip6tables-save.txt", "ebtables-save.txt"])
    for (const m of (material[file] ?? "").matchAll(/--log-prefix ("(?:[^"\\]|\\.)*"|\S+)/g))
      add(unquote(m[1] as string), KEPT.xt);
  for (const m of (material["nft-ruleset.txt"] ?? "").matchAll(/\blog\b[^\n]*?\bprefix ("(?:[^"\\]|\\.)*")/g))
    add(unquote(m[1] as string), KEPT.nft);
  return [...out];
}
