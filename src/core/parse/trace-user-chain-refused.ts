/**
 * The words for a legacy TRACE packet first read at a user chain right after a refused line. Apart from
 * `parse-hints.ts`, which the playground's page bundles whole: these are only said by the parser (worker).
 */
/** A legacy TRACE packet first read at a user chain right after a refused line: how to read it whole. */
export const TRACE_USER_CHAIN_REFUSED_HINT =
  "correct the refused line (its error says what is wrong) or copy the trace again: with it read, the packet starts at its base chain";

/**
 * The warning for packets whose first legacy TRACE line read is at user chain `chain` of `table`
 * when the line just before was refused with an error: the lines before are in the paste (not
 * missing, as `traceUserChainMessage` (parse-hints.ts) says otherwise), the refused one likely this packet's.
 */
export function traceUserChainAfterRefusedMessage(table: string, chain: string): string {
  return `packets whose first TRACE line read is at ${table} chain '${chain}', a user chain, right after a line that was refused with an error: that line is likely the packet's line at the base chain that jumped to it, so the packet is drawn from ${table} '${chain}' on`;
}
