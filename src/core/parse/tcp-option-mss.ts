/**
 * The MSS among the TCP options a LOG line prints with `--log-tcp-options` / nft's `log flags tcp
 * options` (`OPT (020405B40402080A...)`: the options' bytes in hex, kind 2 of length 4 the MSS).
 */

/** The MSS option's value in `hex` (`020405B4...` is 1460); undefined without one or on a malformed list. */
export function optionMss(hex: string | undefined): number | undefined {
  if (!hex) return undefined;
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
    if (kind === 2 && len === 4 && i + 8 <= hex.length) return Number.parseInt(hex.slice(i + 4, i + 8), 16);
    i += len * 2;
  }
  return undefined;
}
