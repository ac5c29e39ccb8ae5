/**
 * nft text for the tests of the nft lab's instrumentation file: a table of the host's own that a
 * committed ruleset may hold next to Docker's, and the tables a file lists, in its order.
 */

/** `table inet host-fw` with an input chain at priority filter (0) holding `rule`. */
export function hostFirewall(rule: string): string {
  return `table inet host-fw {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\t${rule}\n\t}\n}\n`;
}

/** The `<family> <name>` of every table of nft text, in the order it lists them (nft's creation order). */
export function tableNames(text: string): string[] {
  return [...text.matchAll(/^table (\S+ \S+) \{/gm)].map((m) => m[1] ?? "");
}
