/**
 * br_netfilter hands a bridged frame to the IP hooks only when it can read an IP header right behind
 * the Ethernet one: an 802.1Q-tagged frame only while `net.bridge.bridge-nf-filter-vlan-tagged` is 1
 * (the kernel's default is 0). The simulator takes every frame as untagged, so a tagged one that the
 * kernel kept out of the IP hooks diverges; this names the setting where the check can tell.
 * Tester, kernel 6.18 (s4-vlan/ebt, bridge-nf-call-iptables=1, bridge-nf-filter-vlan-tagged=0): a
 * frame tagged VLAN 10 logged ebtables' nat PREROUTING, filter FORWARD and nat POSTROUTING only, the
 * untagged ping after it iptables' FORWARD as well; with the setting at 1 (s4-vlan/nftbr) both did.
 */

/** The one hook list difference a tagged frame makes: the bridge hooks alike, the IP ones missing from the kernel's. */
export function taggedFrameNote(d: {
  what: string;
  kernel: readonly string[];
  predicted: readonly string[];
}): string | undefined {
  if (d.what !== "hooks" || d.kernel.length === 0) return undefined;
  const ip = (h: string) => h.startsWith("ip:") || h.startsWith("ip6:");
  if (!d.kernel.every((h) => h.startsWith("bridge:")) || !d.predicted.some(ip)) return undefined;
  const bridgeOnly = d.predicted.filter((h) => !ip(h));
  if (bridgeOnly.join("\n") !== d.kernel.join("\n")) return undefined;
  return "the kernel ran this frame's bridge hooks but none of the IP hooks br_netfilter calls from them: it keeps an 802.1Q-tagged frame out of the IP hooks while net.bridge.bridge-nf-filter-vlan-tagged is 0 (the kernel's default); the simulator takes every frame as untagged";
}
