/**
 * The MSS among the TCP options a LOG line prints with `--log-tcp-options` / nft's `log flags tcp
 * options` (`OPT (020405B40402080A...)`: the options' bytes in hex, kind 2 of length 4 the MSS).
 */

/** Where the MSS option (kind 2, length 4) starts in `hex`, in characters; -1 without one or on a malformed list. */
function mssAt(hex: string): number {
  for (let i = 0; i + 2 <= hex.length; ) {
    const kind = Number.parseInt(hex.slice(i, i + 2), 16);
    if (kind === 0) break;
    // NOP: one byte, no length.
    if (kind === 1) {
      i += 2;
      continue;
    }
    const len = Number.parseInt(hex.slice(i + 2, i + 4), 16);
    if (!(len >= 2)) break;
    if (kind === 2 && len === 4 && i + 8 <= hex.length) return i;
    i += len * 2;
  }
  return -1;
}

/** The MSS option's value in `hex` (`020405B4...` is 1460); undefined without one or on a malformed list. */
export function optionMss(hex: string | undefined): number | undefined {
  if (!hex) return undefined;
  const i = mssAt(hex);
  return i < 0 ? undefined : Number.parseInt(hex.slice(i + 4, i + 8), 16);
}

/** Each option of `hex` (kind, start and end in characters); undefined on a malformed list. */
function optionSpans(hex: string): { kind: number; at: number; end: number }[] | undefined {
  const out: { kind: number; at: number; end: number }[] = [];
  for (let i = 0; i + 2 <= hex.length; ) {
    const kind = Number.parseInt(hex.slice(i, i + 2), 16);
    if (kind === 0 || kind === 1) {
      i += 2;
      continue;
    }
    const len = Number.parseInt(hex.slice(i + 2, i + 4), 16);
    if (!(len >= 2) || i + len * 2 > hex.length) return undefined;
    out.push({ kind, at: i, end: i + len * 2 });
    i += len * 2;
  }
  return out;
}

/**
 * Whether two lines' TCP options (`OPT (...)`) can be one segment's: equal but for what a hook may rewrite,
 * the MSS's value (TCPMSS) and an option overwritten with NOPs (TCPOPTSTRIP, nft's `reset tcp option`,
 * which keep the options' length). Each option of either side is found in the other, or NOPs there.
 */
export function tcpOptionsAgree(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  const covered = (x: string, y: string): boolean => {
    const spans = optionSpans(x);
    if (!spans) return false;
    for (const o of spans) {
      const there = y.slice(o.at, o.end);
      if (there === x.slice(o.at, o.end) || /^(?:01)+$/.test(there)) continue;
      if (o.kind === 2 && o.end - o.at === 8 && there.startsWith("0204")) continue;
      return false;
    }
    return true;
  };
  return covered(a, b) && covered(b, a);
}
