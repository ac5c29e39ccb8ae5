/**
 * A host link with several neighbours, for `packetwalk import`. A lab's links are point to point (a
 * veth's two ends), so when the log shows two hosts on one of the host's links (a k3s node's eth0 on
 * a LAN with its gateway 203.0.113.1 and another node 203.0.113.12), one `peer` could name only one of
 * them, and the other's `peer` pointed at the host one way: the check lost every packet to it ("no
 * neighbour answers for 203.0.113.1 on eth0"). The segment is modelled as a switch instead: a host of
 * its own holding a bridge with one port per neighbour and one for the host's interface, each
 * veth-peered to its end. That host has no ruleset (the simulator runs the lab's rulesets on the
 * docker-host only, and br_netfilter with them), so it forwards every frame by its MAC, as a switch.
 * Pure (edits the hosts given).
 */
import type { LabHost } from "../trace-file/schema.ts";

/** Linux's longest interface name (IFNAMSIZ less its NUL): a lab may be rebuilt in namespaces. */
const IFNAME_MAX = 15;

/** A host name not in `taken`: `base`, else `base-2`, `base-3`... */
function freeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/**
 * Puts a switch between `hostName`'s interface and its neighbours wherever two or more hosts of
 * `hosts` name that interface as their `peer`; each switch is said in `notes`. Returns the switches'
 * names.
 */
export function switchSharedLinks(hosts: LabHost[], hostName: string, notes: string[]): string[] {
  const host = hosts.find((h) => h.name === hostName);
  if (!host) return [];
  const made: string[] = [];
  for (const iface of host.interfaces) {
    if (iface.kind === "bridge" || iface.kind === "loopback" || iface.bridge !== undefined) continue;
    const me = `${hostName}/${iface.name}`;
    const ends = hosts.flatMap((h) =>
      h === host ? [] : h.interfaces.filter((i) => i.peer === me).map((i) => ({ host: h, iface: i })),
    );
    if (ends.length < 2) continue;
    const name = freeName(`lan-${iface.name}`, new Set(hosts.map((h) => h.name)));
    const ports: string[] = [];
    // A port is named after the host behind it (`to-n2`), or by its number when that is too long.
    const portName = (behind: string) => {
      const wanted = `to-${behind}`;
      const p = wanted.length <= IFNAME_MAX && !ports.includes(wanted) ? wanted : `p${ports.length}`;
      ports.push(p);
      return p;
    };
    const mtu = iface.mtu !== undefined ? { mtu: iface.mtu } : {};
    const uplink = portName(hostName);
    const switchHost: LabHost = {
      name,
      role: "other",
      label: `${hostName}'s ${iface.name} network`,
      interfaces: [
        { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
        { name: "br0", addresses: [], kind: "bridge", ...mtu },
        { name: uplink, addresses: [], bridge: "br0", kind: "veth", ...mtu, peer: me },
      ],
      routes: [],
    };
    iface.peer = `${name}/${uplink}`;
    for (const end of ends) {
      const port = portName(end.host.name);
      switchHost.interfaces.push({
        name: port,
        addresses: [],
        bridge: "br0",
        kind: "veth",
        ...(end.iface.mtu !== undefined ? { mtu: end.iface.mtu } : mtu),
        peer: `${end.host.name}/${end.iface.name}`,
      });
      end.iface.peer = `${name}/${port}`;
    }
    hosts.push(switchHost);
    made.push(name);
    const names = ends.map((e) => `'${e.host.name}'`);
    notes.push(
      `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} are ${names.length === 2 ? "both" : "all"} on the host's ${iface.name}: a lab's link joins two ends, so '${name}' stands for that network, a switch (a bridge with a port for each of them and for ${iface.name}, no ruleset of its own)`,
    );
  }
  return made;
}
