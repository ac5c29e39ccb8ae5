/**
 * Reads the name of an `-m conntrack` tuple option (`--ctorigdstport`, `--ctreplsrc`, ...): which
 * tuple and which field of it it tests. Shared by the rule reader and the rule explainer.
 */

/** The tuple and field an option names. */
export interface CtTupleOption {
  /** The connection's first packet (`--ctorig*`) or its replies (`--ctrepl*`). */
  dir: "orig" | "repl";
  field: "src" | "dst" | "sport" | "dport";
  /** True for the port options (`--ctorigdstport`), which take `PORT[:PORT]`; else an address. */
  port: boolean;
}

/** The tuple and field of `opt` (`--ctorigdstport`), or undefined for any other option. */
export function ctTupleOption(opt: string): CtTupleOption | undefined {
  const m = /^--ct(orig|repl)(src|dst)(port)?$/.exec(opt);
  if (!m) return undefined;
  const side = m[2] as "src" | "dst";
  const port = m[3] !== undefined;
  return {
    dir: m[1] as "orig" | "repl",
    field: port ? (side === "src" ? "sport" : "dport") : side,
    port,
  };
}
