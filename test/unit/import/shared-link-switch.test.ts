/**
 * Several neighbours on one link of the host's. test/fixtures/import/shared-link-switch: a flannel
 * node n1 (kernel 6.18) whose eth0 shares a LAN with its gateway 203.0.113.1 and the node n2
 * 203.0.113.12. import wrote `n1/eth0.peer = "n2/eth0"` while 'wan' kept `eth0.peer = "n1/eth0"`
 * (one way, unsaid), and its check lost every packet to the gateway ("no neighbour answers for
 * 203.0.113.1 on eth0"). The segment is now a switch host with a bridge and a port for each end.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";
import { switchSharedLinks } from "../../../src/core/import/shared-link-switch.ts";
import type { LabHost } from "../../../src/core/trace-file/schema.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const material = () =>
  readMaterial(join(import.meta.dirname, "../../fixtures/import/shared-link-switch/material"), {}, () => "");
const tmp = tempDir("pw-import-switch-");

describe("two neighbours on the host's eth0", () => {
  const p = planImport(material(), {
    lab: "flannel-node",
    date: "2026-12-07",
    hostName: "n1",
    containers: [parseNamedAddress("p1=10.42.0.5", "--container")],
    peers: [parseNamedAddress("n2=203.0.113.12", "--peer")],
  });
  const hosts = p.lab?.hosts ?? [];
  const iface = (end: string) => {
    const [h, i] = end.split("/");
    return hosts.find((x) => x.name === h)?.interfaces.find((x) => x.name === i);
  };

  it("are joined by a switch host, every link named from both ends", () => {
    expect(p.questions).toEqual([]);
    const sw = hosts.find((h) => h.name === "lan-eth0");
    expect(sw).toEqual({
      name: "lan-eth0",
      role: "other",
      label: "n1's eth0 network",
      interfaces: [
        { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
        { name: "br0", addresses: [], kind: "bridge" },
        { name: "to-n1", addresses: [], bridge: "br0", kind: "veth", peer: "n1/eth0" },
        { name: "to-n2", addresses: [], bridge: "br0", kind: "veth", peer: "n2/eth0" },
        { name: "to-wan", addresses: [], bridge: "br0", kind: "veth", peer: "wan/eth0" },
      ],
      routes: [],
    });
    expect(iface("n1/eth0")?.peer).toBe("lan-eth0/to-n1");
    expect(iface("n2/eth0")?.peer).toBe("lan-eth0/to-n2");
    expect(iface("wan/eth0")?.peer).toBe("lan-eth0/to-wan");
    // No one-way link anywhere in the lab.
    for (const h of hosts)
      for (const i of h.interfaces)
        if (i.peer) expect(iface(i.peer)?.peer, `${h.name}/${i.name}`).toBe(`${h.name}/${i.name}`);
    expect(p.notes).toContain(
      "'n2' and 'wan' are both on the host's eth0: a lab's link joins two ends, so 'lan-eth0' stands for that network, a switch (a bridge with a port for each of them and for eth0, no ruleset of its own)",
    );
  });

  it("and the check agrees with the kernel for the pod's ping out and the gateway's ping in", () => {
    const folder = join(tmp(), "flannel-node");
    writePlan(p, folder);
    const results = new Map(checkLab(folder).map((r) => [r.trace.split("/").pop(), r]));
    for (const stem of ["p1-to-wan", "wan-to-p1"]) {
      const r = results.get(stem);
      expect(r?.report, stem).toBe("");
      expect(r?.ok, stem).toBe(true);
    }
  });
});

describe("switchSharedLinks", () => {
  const host = (name: string, peer?: string): LabHost => ({
    name,
    role: name === "h" ? "docker-host" : "wan",
    interfaces: [{ name: "eth0", addresses: [], kind: "veth", ...(peer ? { peer } : {}) }],
    routes: [],
  });

  it("leaves a link with one neighbour as it is", () => {
    const hosts = [host("h", "a/eth0"), host("a", "h/eth0")];
    const notes: string[] = [];
    expect(switchSharedLinks(hosts, "h", notes)).toEqual([]);
    expect(hosts.map((h) => h.interfaces[0]?.peer)).toEqual(["a/eth0", "h/eth0"]);
    expect(notes).toEqual([]);
  });

  it("takes a free name, and numbers a port whose name would be too long for Linux", () => {
    const long = "a-very-long-host-name";
    const hosts = [host("h", "a/eth0"), host("a", "h/eth0"), host(long, "h/eth0"), host("lan-eth0")];
    const notes: string[] = [];
    expect(switchSharedLinks(hosts, "h", notes)).toEqual(["lan-eth0-2"]);
    const sw = hosts.find((x) => x.name === "lan-eth0-2");
    expect(sw?.interfaces.map((i) => `${i.name}>${i.peer ?? ""}`)).toEqual([
      "lo>",
      "br0>",
      "to-h>h/eth0",
      "to-a>a/eth0",
      `p2>${long}/eth0`,
    ]);
    expect(notes[0]).toMatch(/^'a' and 'a-very-long-host-name' are both on the host's eth0/);
  });
});
