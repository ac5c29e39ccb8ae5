/**
 * An 802.1Q tag control field (TCI) and its parts: LOG's `VID=` prints the whole field the kernel
 * keeps (`skb_vlan_tag_get`: 3 priority bits, the drop eligible bit, the 12-bit VLAN id), where
 * nft trace prints `vlan pcp`, `vlan dei` and `vlan id` apart.
 */
import type { VlanTag } from "../model/packet.ts";

/** The {@link VlanTag} of tag control field `tci` (0 to 65535) under TPID `proto` (`0x8100`). */
export function vlanFromTci(proto: string, tci: number): VlanTag {
  const tag: VlanTag = { proto, id: tci & 0xfff };
  // Absent when 0, as a tag from nft trace (`vlan pcp 0 vlan dei 0`) keeps them: both read the same.
  if (tci >> 13) tag.pcp = tci >> 13;
  if ((tci >> 12) & 1) tag.dei = 1;
  return tag;
}

/** The tag control field of `tag`, as LOG prints it after `VID=`. */
export function vlanTci(tag: VlanTag): number {
  return ((tag.pcp ?? 0) << 13) | ((tag.dei ?? 0) << 12) | tag.id;
}
