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

/** `hex` with the MSS option's value blanked (`0204----`): what TCPMSS cannot have changed. */
export function withoutMss(hex: string): string {
  const i = mssAt(hex);
  return i < 0 ? hex : `${hex.slice(0, i + 4)}----${hex.slice(i + 8)}`;
}
