/**
 * The words of a folded chain's summary, in both site languages: the listing carries them, so the
 * lesson pages and the playground say the same. Pure.
 */

/** `not entered by this packet (3 rules)`: a user chain the packet did not enter, with its `rules` count. */
export function notEnteredWords(rules: number): { en: string; "zh-TW": string } {
  return {
    en: `not entered by this packet (${rules === 0 ? "no" : rules} rule${rules === 1 ? "" : "s"})`,
    "zh-TW": `這個封包沒有進入（${rules === 0 ? "沒有規則" : `${rules} 條規則`}）`,
  };
}
