/**
 * Prefix lengths as nft reads them, and the mask one gives a MAC address (`02:42:00:00:00:00/24`, which
 * nft takes alone or in a set and prints in its listings). Pure; shared by the reader and the matcher.
 */

/** A prefix length as nft reads it: decimal, hex (`0x18`) or octal (`030`). */
export function prefixLength(len: string): number {
  return Number.parseInt(len, /^0x/i.test(len) ? 16 : /^0\d/.test(len) ? 8 : 10);
}

/** The mask of a MAC address's first `bits` bits (0 to 48), written as a padded MAC: `ff:ff:ff:00:00:00`. */
export function macPrefixMask(bits: number): string {
  return (2 ** 48 - 2 ** (48 - bits))
    .toString(16)
    .padStart(12, "0")
    .replace(/..(?!$)/g, "$&:");
}
