/**
 * NAT as the kernel applies it at the nat hooks: the first packet of a connection sets up a binding
 * (from the nat chain's DNAT/SNAT/MASQUERADE verdict, or none), every later packet of the
 * connection gets the same rewrite, and replies get the inverse, without crossing the nat chains.
 */
import type { ConnEntry, NatBinding } from "./conntrack.ts";
import { isIcmp, type SimPacket } from "./sim-packet.ts";

/** `dst` manips happen at PREROUTING/OUTPUT, `src` manips at POSTROUTING/INPUT. */
export type ManipType = "dst" | "src";

/**
 * True when the nat chains must be traversed at this manip: a new connection whose binding is not
 * decided, or a related packet that is not ICMP (the TCP RST a REJECT sends, attached to the rejected
 * connection) while that binding is undecided: nf_nat_inet_fn treats it as new (an ICMP error is only
 * translated, nf_nat_icmp_reply_translation).
 */
export function natNeedsChain(p: SimPacket, manip: ManipType): boolean {
  const ct = p.ct;
  const fresh = ct?.dir === "original" && ct.state === "NEW";
  if (!ct || !(fresh || (ct.state === "RELATED" && !isIcmp(p)))) return false;
  const e = ct.entry;
  return (manip === "dst" ? e.dnat : e.snat) === undefined;
}

/** Records the binding the nat chain chose (or `null` for none). */
export function setBinding(entry: ConnEntry, manip: ManipType, binding: NatBinding | null): void {
  if (manip === "dst") entry.dnat = binding;
  else entry.snat = binding;
}

function rewriteDst(p: SimPacket, b: NatBinding): void {
  p.dst = b.addr;
  if (b.port !== undefined && !isIcmp(p)) p.dport = b.port;
}

function rewriteSrc(p: SimPacket, b: NatBinding): void {
  p.src = b.addr;
  if (b.port !== undefined && !isIcmp(p)) p.sport = b.port;
}

/**
 * Applies the connection's NAT at one manip point; returns true when the packet changed.
 * Original direction: the binding itself. Reply direction: the inverse of the other side's binding.
 */
export function applyNat(p: SimPacket, manip: ManipType): boolean {
  if (!p.ct) return false;
  const e = p.ct.entry;
  const before = `${p.src}:${p.sport}>${p.dst}:${p.dport}`;
  if (p.ct.dir === "original") {
    const b = manip === "dst" ? e.dnat : e.snat;
    if (b) (manip === "dst" ? rewriteDst : rewriteSrc)(p, b);
  } else if (manip === "dst" && e.snat) {
    rewriteDst(p, { addr: e.orig.src, port: isIcmp(p) ? undefined : e.orig.sport });
    // The quoted packet goes the other way: it gets the opposite manip (nf_nat_icmp_reply_translation).
    if (p.quoted)
      rewriteSrc(p.quoted, { addr: e.orig.src, port: isIcmp(p.quoted) ? undefined : e.orig.sport });
  } else if (manip === "src" && e.dnat) {
    rewriteSrc(p, { addr: e.orig.dst, port: isIcmp(p) ? undefined : e.orig.dport });
    if (p.quoted)
      rewriteDst(p.quoted, { addr: e.orig.dst, port: isIcmp(p.quoted) ? undefined : e.orig.dport });
  }
  return before !== `${p.src}:${p.sport}>${p.dst}:${p.dport}`;
}
