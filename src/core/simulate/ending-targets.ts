/**
 * iptables targets the simulator does not follow further but whose end of the walk it knows: they
 * never give the packet back to the chain's next rule, so walking on from them (as from an unknown
 * target) would show a path the kernel cannot take.
 *
 * - `TPROXY` (xt_TPROXY, mangle PREROUTING): hands the packet to a transparent proxy socket on this
 *   host and accepts it (NF_ACCEPT, with `--tproxy-mark`), or drops it when no socket listens
 *   (NF_DROP); never XT_CONTINUE. Its local delivery then needs a policy route on the mark (`ip rule
 *   fwmark ... lookup ...` with a `local` route), which a lab does not hold.
 * - `SYNPROXY` (xt_SYNPROXY): a client's SYN is answered with the host's own SYN cookie and dropped; the
 *   client's ACK is taken (NF_STOLEN, or dropped when its cookie is wrong) and the host opens the
 *   connection to the server itself; every other packet goes on (XT_CONTINUE).
 */
import type { SimPacket } from "./sim-packet.ts";

/** Target names (as the readers keep an unknown target's name) whose end the simulator knows. */
export const ENDING_TARGETS: ReadonlySet<string> = new Set(["TPROXY", "SYNPROXY"]);

/** The readers' warning for an ending target `name` written `text`: what the simulator does there. */
export function endingWarning(name: string, text: string): { message: string; hint: string } {
  return name === "TPROXY"
    ? {
        message: `'${text}' hands the packet to a transparent proxy socket on this host, which the simulator does not model`,
        hint: "the simulator takes a proxy as listening: the packet is accepted there with the --tproxy-mark (the rules after this one do not run), and the kernel drops it when none listens; its local delivery needs a policy route on that mark (ip rule fwmark ... lookup ...), which a lab does not hold, so the result is uncertain from there",
      }
    : {
        message: `'${text}' answers a SYN with the host's own SYN cookie and takes the client's ACK, which the simulator does not model`,
        hint: "the simulator drops a SYN there, as the kernel does after sending its cookie, and ends the walk of the client's ACK (the host then opens the connection to the server itself); other packets go on to the next rule",
      };
}

/** The `--tproxy-mark value[/mask]` of a TPROXY target written `text` (mask all ones when left out), or undefined. */
function tproxyMark(text: string): { value: number; mask: number } | undefined {
  const m = /--tproxy-mark\s+(0x[0-9a-f]+|\d+)(?:\/(0x[0-9a-f]+|\d+))?/i.exec(text);
  if (!m) return undefined;
  return { value: Number(m[1]) >>> 0, mask: m[2] === undefined ? 0xffffffff : Number(m[2]) >>> 0 };
}

/**
 * What the ending target `name` written `text` does to `p`: the verdict that ends the walk and why
 * (`ACCEPT` or `DROP`, said in the report's unmodelled entry), the mark it sets (or that it sets one
 * not shown: `markUnknown`), or undefined when
 * the packet goes on to the next rule (SYNPROXY on a packet that is neither a SYN nor a bare ACK).
 */
export function endingVerdict(
  name: string,
  text: string,
  p: SimPacket,
):
  | {
      verdict: "ACCEPT" | "DROP";
      what: string;
      mark?: { value: number; mask: number };
      markUnknown?: boolean;
    }
  | undefined {
  if (name === "TPROXY") {
    const mark = tproxyMark(text);
    return {
      verdict: "ACCEPT",
      what: `${text}: taken by a transparent proxy socket on this host (none listening: the kernel drops it); its local delivery needs a policy route on the mark, which the lab does not hold`,
      ...(mark ? { mark } : {}),
      // iptables-nft lists it as `xt target "TPROXY"` without its options: the mark it sets is not known.
      ...(text.startsWith("xt target") ? { markUnknown: true } : {}),
    };
  }
  if (name !== "SYNPROXY" || p.proto !== "tcp") return undefined;
  const flags = new Set(p.tcpFlags ?? []);
  // xt_SYNPROXY's SYN branch takes a SYN without ACK, FIN or RST; a SYN with FIN or RST goes on.
  if (flags.has("SYN") && !flags.has("ACK") && !flags.has("FIN") && !flags.has("RST"))
    return {
      verdict: "DROP",
      what: `${text}: the host answered this SYN with a SYN cookie of its own and dropped it; the server sees a SYN only once the client's ACK comes back (not simulated)`,
    };
  if (flags.has("ACK") && !flags.has("SYN") && !flags.has("FIN") && !flags.has("RST"))
    return {
      verdict: "DROP",
      what: `${text}: the host took the client's ACK (a valid cookie) and opens the connection to the server itself (not simulated)`,
    };
  return undefined;
}
