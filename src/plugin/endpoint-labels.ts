/**
 * Names a packet's entry and exit from the lab's topology, so diagrams say
 * "container c2 172.17.0.3 via veth-c2" instead of a bare address.
 */
import type { Packet, TraceEvent } from "../core/model/packet.ts";
import type { EndpointLabels } from "../core/render/plan-path.ts";
import type { Lab, LabHost } from "../core/trace-file/schema.ts";

/** The lab host that owns `address` (on any interface), if any. */
export function hostOfAddress(lab: Lab, address: string): LabHost | undefined {
  return lab.hosts.find((h) => h.interfaces.some((i) => i.addresses.some((a) => a.split("/")[0] === address)));
}

function hostName(host: LabHost): string {
  return host.label ?? host.name;
}

function describe(lab: Lab, address: string | undefined, via: string | undefined): string | undefined {
  if (!address) return undefined;
  const host = hostOfAddress(lab, address);
  const who = host ? `${hostName(host)} ${address}` : address;
  return via ? `${who} via ${via}` : who;
}

function firstWith(events: TraceEvent[], pick: (e: TraceEvent) => string | undefined): string | undefined {
  for (const e of events) {
    const v = pick(e);
    if (v) return v;
  }
  return undefined;
}

/**
 * Entry: the packet's first source address and the port it came in on (bridge port first).
 * Exit: its last destination address (after any NAT) and the port it left on.
 */
export function endpointLabels(lab: Lab, packet: Packet): EndpointLabels {
  const first = packet.events[0];
  const last = packet.events[packet.events.length - 1];
  const reversed = [...packet.events].reverse();
  const labels: EndpointLabels = {};
  const entry = describe(
    lab,
    firstWith(packet.events, (e) => e.ip?.src) ?? first?.ip?.src,
    firstWith(packet.events, (e) => e.physIn || e.in || undefined),
  );
  const exit = describe(
    lab,
    firstWith(reversed, (e) => e.ip?.dst) ?? last?.ip?.dst,
    firstWith(reversed, (e) => e.physOut || e.out || undefined),
  );
  if (entry) labels.entry = entry;
  if (exit) labels.exit = exit;
  return labels;
}
