/**
 * A recorded packet that is a copy of the one before it, flooded by a bridge: seen only at bridge
 * hooks, leaving by another port than the first copy at the same hook, with the same addresses (and IP
 * id, where both lines print one: ebtables' --log-ip does not). A bridge floods a frame whose destination MAC its forwarding database does not
 * hold (kernel 6.18: when a ruleset drops every frame of a container at the IP prerouting hook,
 * br_netfilter runs that hook before the bridge learns the sender, so frames to it are flooded). The
 * simulator keeps lab.json's database: `check` names such a copy instead of leaving a bare hook diff.
 * A TRACE capture groups the copies into one packet (xtables-monitor prints each clone's chains in turn):
 * {@link floodedWithinNote} names that case.
 */
import { isGroupMac } from "../model/mac-address.ts";
import type { TraceEvent } from "../model/packet.ts";

/** The bridge chain name of a hook id (`bridge:filter:OUTPUT` -> `OUTPUT`), or undefined for another family. */
function bridgeChain(hook: string): string | undefined {
  return hook.startsWith("bridge:") ? hook.slice(hook.lastIndexOf(":") + 1) : undefined;
}

/**
 * Why recorded packet `copy` is a flooded copy of `first` (the port each left by), or undefined when
 * it is not one (see the module comment).
 */
export function floodCopyNote(
  first: readonly TraceEvent[],
  copy: readonly TraceEvent[],
  firstNumber: number,
): string | undefined {
  if (!copy.length || copy.some((e) => bridgeChain(e.hook) === undefined || !e.ip)) return undefined;
  const at = copy[0] as TraceEvent;
  const twin = first.find((e) => e.hook === at.hook && e.out !== undefined && e.out !== at.out);
  const a = twin?.ip;
  const b = at.ip;
  // ebtables' --log-ip prints no IP id: compared where both lines have one.
  if (!twin?.out || !at.out || !a || !b || a.src !== b.src || a.dst !== b.dst) return undefined;
  if (a.id !== undefined && b.id !== undefined && a.id !== b.id) return undefined;
  return `the kernel's packet is a copy of packet ${firstNumber} that the bridge flooded: it left by ${at.out} as well as by ${twin.out}, ${WHY_FLOODED}`;
}

/**
 * Whether an IP destination is a broadcast or multicast one (IPv4 224/4 or 255.255.255.255, IPv6
 * ff00::/8); a subnet's broadcast goes to the broadcast MAC, which {@link isGroupMac} tells.
 */
function groupAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  if (ip.includes(":")) return /^ff/i.test(ip);
  const first = Number(ip.split(".")[0]);
  return (first >= 224 && first <= 239) || ip === "255.255.255.255";
}

/** What a flooded copy says of the bridge, and why the simulator differs. */
const WHY_FLOODED =
  "so the bridge's forwarding database did not hold its destination MAC (a ruleset that drops all of a host's frames at the IP prerouting hook keeps the bridge from learning it); the simulator keeps lab.json's database and floods nothing";

/**
 * Why one recorded packet crossed a bridge hook once per port (the ports, in order), or undefined when
 * no bridge hook of it saw two output ports: the copies of a flooded frame, as a TRACE capture groups them.
 */
export function floodedWithinNote(events: readonly TraceEvent[]): string | undefined {
  // A broadcast or group frame crosses a bridge hook once per port by design: no unlearned MAC there.
  if (events.some((e) => (e.macDst !== undefined && isGroupMac(e.macDst)) || groupAddress(e.ip?.dst)))
    return undefined;
  const ports = new Map<string, string[]>();
  for (const e of events) {
    if (bridgeChain(e.hook) === undefined || e.out === undefined) continue;
    const seen = ports.get(e.hook) ?? [];
    if (!seen.includes(e.out)) seen.push(e.out);
    ports.set(e.hook, seen);
  }
  const flooded = [...ports].find(([, outs]) => outs.length > 1);
  if (!flooded) return undefined;
  const [hook, outs] = flooded;
  return `the kernel's packet crossed ${hook} once for each of ${outs.join(", ")}: the bridge flooded it, ${WHY_FLOODED}`;
}
