/** MAC address facts shared by the parser's readers, the simulator and the listings. */

/**
 * Whether `mac` is a group address (broadcast or multicast): the lowest bit of its first byte, read
 * with or without leading zeros (`1:0:5e:0:0:fb`, as nft and xtables-monitor print it, or `01:00:5e:...`).
 */
export function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.split(":")[0] ?? "0", 16) & 1) === 1;
}
