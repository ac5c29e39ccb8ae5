/**
 * The status word of a connection (`ct status`, iptables' `-m conntrack --ctstatus`) as the kernel
 * keeps it, from what the model knows of the connection. Recorded on kernel 6.18 with counters in a
 * router namespace (test/unit/simulate/ct-status.test.ts): a connection's first packet sees no bit; its
 * first reply and every later packet see seen-reply and confirmed; a TCP connection is assured from the
 * ACK that ends the handshake on; an ICMP echo never is; expected needs a helper, which the lab has not.
 * Snat and dnat say NAT changed the tuple; the NAT-done bits, that the connection passed a manip point.
 */
import type { ConnEntry } from "./conntrack.ts";

/** The status bits by nft's names (IPS_*_BIT of the kernel's nf_conntrack_common.h), as values. */
export const CT_STATUS_BITS: Readonly<Record<string, number>> = {
  expected: 1,
  "seen-reply": 2,
  assured: 4,
  confirmed: 8,
  snat: 16,
  dnat: 32,
};

/**
 * The bits of the status names in `w` (`seen-reply|assured`, `(snat`, nft -n's `0xa`), or undefined for a
 * name the model does not keep; of the state names with `names` the state bits.
 */
export function ctStatusBits(
  w: string | undefined,
  names: Readonly<Record<string, number>> = CT_STATUS_BITS,
): number | undefined {
  if (w === undefined) return undefined;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(w)) return Number(w);
  let v = 0;
  for (const name of w.split("|")) {
    if (name === "" || name === "(" || name === ")") continue;
    const bit = names[name.replace(/^\(|\)$/g, "")];
    if (bit === undefined) return undefined;
    v |= bit;
  }
  return v;
}

/** The bits that say NAT changed the connection (snat, dnat). */
export const CT_STATUS_NAT = (CT_STATUS_BITS.snat as number) | (CT_STATUS_BITS.dnat as number);

/**
 * Whether the connection's binding at `manip` changed its tuple: nf_nat_setup_info sets IPS_SRC_NAT or
 * IPS_DST_NAT only then (a masquerade to the address the packet already had is a binding, not a change).
 */
export function natChanged(entry: ConnEntry, manip: "src" | "dst"): boolean {
  const b = manip === "src" ? entry.snat : entry.dnat;
  if (!b) return false;
  const [addr, port] =
    manip === "src" ? [entry.orig.src, entry.orig.sport] : [entry.orig.dst, entry.orig.dport];
  return b.addr !== addr || (b.port !== undefined && b.port !== port);
}

/** The bits nf_nat sets once a connection passed its source (128) or destination (256) manip point. */
const SRC_NAT_DONE = 128;
const DST_NAT_DONE = 256;
/** IPS_OFFLOAD: a flowtable took the connection. */
const OFFLOAD = 1 << 14;

/**
 * The value of iptables' `--ctstatus` word `name` (`SEEN_REPLY`, `NONE`: 0), or undefined when it is
 * none of libxt_conntrack's.
 */
export function xtStatusValue(name: string): number | undefined {
  if (name === "NONE") return 0;
  const v = CT_STATUS_BITS[name.toLowerCase().replace("_", "-")];
  return v !== undefined && v <= 8 ? v : undefined;
}

/**
 * The whole status word of `entry`. `natHooks`: the ruleset has a nat chain of the packet's family, so
 * nf_nat's hooks run at every manip point and mark each one passed (a null binding included), which an
 * exact comparison (`ct status == seen-reply,confirmed`) sees.
 */
export function ctStatusWord(entry: ConnEntry, natHooks: boolean): number {
  let word = 0;
  if (entry.seenReply) word |= CT_STATUS_BITS["seen-reply"] as number;
  if (entry.assured) word |= CT_STATUS_BITS.assured as number;
  if (!entry.unconfirmed) word |= CT_STATUS_BITS.confirmed as number;
  if (natChanged(entry, "src")) word |= CT_STATUS_BITS.snat as number;
  if (natChanged(entry, "dst")) word |= CT_STATUS_BITS.dnat as number;
  if (natHooks && entry.snat !== undefined) word |= SRC_NAT_DONE;
  if (natHooks && entry.dnat !== undefined) word |= DST_NAT_DONE;
  if (entry.offloaded) word |= OFFLOAD;
  return word;
}
