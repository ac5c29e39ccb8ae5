/**
 * Ties iptables' `-m set` matches to the ipsets of the same ruleset file. A match stays decided
 * only when its set is in the file with the elements it had when saved; a set the file lacks, one
 * that rules fill or empty as packets pass (`-j SET --add-set`), or counter comparisons make the
 * match unknown, with a warning at the rule that says why.
 */
import type { Diagnostic } from "../model/packet.ts";
import type { Condition, IpSet, Ruleset, TableDef } from "./ruleset.ts";
import { MISSING_IPSET_HINT } from "./ruleset-hints.ts";
import { STATE_HINT } from "./unmodelled-hints.ts";

/** The iptables and ip6tables tables of `ruleset`. */
function xtablesTables(ruleset: Ruleset): TableDef[] {
  return [...ruleset.ip.tables.values(), ...(ruleset.ip6 ? ruleset.ip6.tables.values() : [])];
}

/** Names of the sets a rule adds to or deletes from (`-j SET --add-set NAME` / `--del-set NAME`), with the first rule's line. */
function filledSets(tables: readonly TableDef[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tables)
    for (const c of t.chains.values())
      for (const r of c.rules) {
        if (r.target.kind !== "unknown" || r.target.name !== "SET") continue;
        for (const m of r.target.text.matchAll(/--(?:add|del)-set\s+(\S+)/g))
          if (!out.has(m[1] as string)) out.set(m[1] as string, r.line);
      }
  return out;
}

/**
 * Resolves every `-m set` condition of `ruleset`'s iptables tables against `ruleset.ipsets` (see the
 * module comment), and gives each table the sets. Warnings go to `ruleset.diagnostics`, positioned in `file`.
 */
export function resolveIpsets(ruleset: Ruleset, file: string): void {
  const tables = xtablesTables(ruleset);
  const sets: ReadonlyMap<string, IpSet> = ruleset.ipsets ?? new Map();
  const filled = filledSets(tables);
  const found: Diagnostic[] = [];
  const warn = (line: number, column: number, message: string, hint: string) =>
    found.push({ severity: "warning", message, hint, position: { file, line, column } });
  for (const set of sets.values())
    for (const m of set.members ?? [])
      if (!sets.has(m))
        warn(
          set.line,
          1,
          `list:set '${set.name}' holds set '${m}', which is not in this file`,
          "matches on it look only at the members the file holds",
        );
  const v6Tables = new Set(ruleset.ip6 ? ruleset.ip6.tables.values() : []);
  for (const table of tables) {
    if (ruleset.ipsets) table.ipsets = ruleset.ipsets;
    const family = v6Tables.has(table) ? 6 : 4;
    for (const chain of table.chains.values())
      for (const rule of chain.rules) {
        rule.conditions = rule.conditions.map((c): Condition => {
          if (c.kind !== "ipset") return c;
          // At the match's `-m set`, like the readers' other match warnings.
          const at = rule.text.lastIndexOf("-m set", rule.text.indexOf(`--match-set ${c.name}`));
          const column = at < 0 ? 1 : at + 1;
          const set = sets.get(c.name);
          const filler = filled.get(c.name);
          if (!set) {
            warn(
              rule.line,
              column,
              `match '${c.text}' is not modelled: ipset '${c.name}' is not in this file`,
              MISSING_IPSET_HINT,
            );
            return { kind: "unknown", text: c.text, neg: c.neg };
          }
          if (set.family !== undefined && set.family !== family) {
            // xt_set checks the set's family against the table's when the rule is added.
            found.push({
              severity: "error",
              message: `ipset '${c.name}' is of family ${set.family === 6 ? "inet6" : "inet"}: ${family === 6 ? "ip6tables" : "iptables"} refuses a match on it ("The protocol family of set ${c.name} is IPv${set.family}, which is not applicable.")`,
              hint: `match it from ${set.family === 6 ? "ip6tables" : "iptables"}, or name a set created with 'family ${family === 6 ? "inet6" : "inet"}'`,
              position: { file, line: rule.line, column },
            });
            return c;
          }
          if (filler !== undefined || c.counters) {
            warn(
              rule.line,
              column,
              filler !== undefined
                ? `match '${c.text}' is chance: rules change set '${c.name}' as packets pass (-j SET at line ${filler})`
                : `match '${c.text}' is chance: it compares the set's counters of earlier traffic`,
              STATE_HINT,
            );
            return { kind: "unknown", text: c.text, neg: c.neg, chance: "state" };
          }
          return c;
        });
      }
  }
  // In line order among the readers' problems of the same file.
  for (const d of found) {
    const at = ruleset.diagnostics.findIndex(
      (x) => x.position.file === file && x.position.line > d.position.line,
    );
    if (at < 0) ruleset.diagnostics.push(d);
    else ruleset.diagnostics.splice(at, 0, d);
  }
}
