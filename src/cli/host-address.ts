/**
 * Which address of a lab host `packetwalk simulate --to HOST` sends to: one of a family the
 * sender can send from, so an IPv6-only container is not sent to a dual-stack host's IPv4 address.
 */
import { addressFamily, addressInIpCidr, parseIpCidr } from "../core/simulate/ip-address.ts";
import type { LabHost } from "../core/trace-file/schema.ts";

/** An IP family: 4 or 6. */
type IpFamily = 4 | 6;

/** A lab host's addresses (no prefix length) a packet can be sent to or from, by family. */
type HostAddresses = Record<IpFamily, string[]>;

/** The addresses of `host` other than loopback (127/8, ::1) and link-local (fe80::/10) ones. */
function hostAddresses(host: LabHost): HostAddresses {
  const all = host.interfaces.flatMap((i) => i.addresses).map((a) => a.split("/")[0] as string);
  const usable = all.filter((a) => !a.startsWith("127.") && a !== "::1" && !/^fe[89ab]/i.test(a));
  return { 4: usable.filter((a) => !a.includes(":")), 6: usable.filter((a) => a.includes(":")) };
}

/** The destination and the sender of `--to HOST`, and what chooses the family. */
export interface HostAddressQuery {
  /** The `--to` host. */
  to: LabHost;
  /** The `--from` host. */
  from: LabHost;
  /** `-6`: the IPv6 address, and the sender must have one too. Default: false. */
  v6?: boolean;
  /** `--src ADDR` (a valid address): its family decides, before `-6`. Default: none. */
  src?: string;
}

/**
 * The destination's address of the family `--src` or `-6` asks for, else of the first family (IPv4,
 * then IPv6) both hosts have, on a link the sender shares when one is (see `nearest`); or why there
 * is none, as a message for the user.
 */
export function pickHostAddress(q: HostAddressQuery): { address: string } | { problem: string } {
  const { name: to } = q.to;
  const { name: from } = q.from;
  const dst = hostAddresses(q.to);
  const src = hostAddresses(q.from);
  const asked = q.src === undefined ? (q.v6 ? 6 : undefined) : addressFamily(q.src);
  if (q.v6 && asked === 4)
    return { problem: `-6 and --src ${q.src} (an IPv4 address) ask for two IP families: give one` };
  if (asked) {
    const address = nearest(q.to, q.from, dst[asked]);
    const because = q.src === undefined ? "-6" : `--src ${q.src} is IPv${asked}`;
    if (address === undefined)
      return {
        problem: `--to: '${to}' is neither an IPv${asked} address nor a lab host with an IPv${asked} address (${because}; ${to} has ${families(dst)})`,
      };
    // --src names the source address itself (it may be spoofed); -6 sends from the sender's own.
    if (q.src === undefined && src[asked].length === 0)
      return {
        problem: `-6: '${from}' has no IPv6 address to send from (${from} has ${families(src)}, ${to} has ${families(dst)})`,
      };
    return { address };
  }
  if (dst[4].length === 0 && dst[6].length === 0)
    return { problem: `--to: '${to}' is neither an IP address nor a lab host with an IP address` };
  const shared = ([4, 6] as const).find((f) => dst[f].length > 0 && src[f].length > 0);
  if (shared === undefined)
    return {
      problem: `--from '${from}' has ${families(src)} and --to '${to}' has ${families(dst)}: they share no IP family (give --to an address to send to it anyway)`,
    };
  return { address: nearest(q.to, q.from, dst[shared]) as string };
}

/**
 * Of `to`'s addresses of one family, the first on a link the sender shares (the host's wan0 address
 * for the internet, its bridge address for a container), else the first.
 */
function nearest(to: LabHost, from: LabHost, candidates: readonly string[]): string | undefined {
  const mine = hostAddresses(from);
  const shared = to.interfaces
    .flatMap((i) => i.addresses)
    .find((a) => {
      const cidr = parseIpCidr(a);
      const addr = a.split("/")[0] as string;
      return (
        cidr && candidates.includes(addr) && [...mine[4], ...mine[6]].some((m) => addressInIpCidr(m, cidr))
      );
    });
  return shared ? (shared.split("/")[0] as string) : candidates[0];
}

/** `only IPv4 addresses`, `only IPv6 addresses`, `IPv4 and IPv6 addresses` or `no IP address`. */
function families(a: HostAddresses): string {
  if (a[4].length && a[6].length) return "IPv4 and IPv6 addresses";
  if (a[4].length) return "only IPv4 addresses";
  if (a[6].length) return "only IPv6 addresses";
  return "no IP address";
}
