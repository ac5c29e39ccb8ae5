/**
 * The source a host gives a packet whose out device has no address, and a host with no address to give.
 * Checked on kernel 6.18 in namespaces (TEST-NET addresses, counters on `ip saddr` in an output chain):
 * - a route `203.0.113.0/24 dev x0`, x0 without an address, h0 with 198.51.100.1/24 and its secondary
 *   198.51.100.9: `ip route get 203.0.113.5` said `src 198.51.100.1`, and a ping, a UDP datagram and a
 *   TCP SYN left from it; with devices a1, x0, b2 in that ifindex order, b2's address was taken while a1
 *   had only a link-scoped one, a1's once it had a global one (inet_select_addr: another device's first
 *   primary address that is neither link- nor host-scoped, in ifindex order, the lab's order here);
 * - with lo's 127.0.0.1 as the only IPv4 address, `ip route get` named no `src`, and the ping, the UDP
 *   datagram and the SYN left from 0.0.0.0 (no error to the sender: the UDP connect succeeded, bound to
 *   0.0.0.0); the receiving namespace counted the ping in prerouting, not in input (a martian source);
 * - with ::1 as the only IPv6 address (x0 with addr_gen_mode 1, no link-local), `ip -6 route get` said
 *   `src ::1`, the ping crossed output and postrouting from ::1, and x0 sent nothing (TX 0);
 * - `ip route get 127.0.0.5` said `local ... src 127.0.0.1`.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { routeLookup } from "../../../src/core/simulate/route.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { buildTopology, localSource } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

/** Host `h` (a1, x0, b2 in that order; x0 without an address, its route `dev x0`) and `q` behind x0. */
function lab(a1: string[], b2: string[], nf = "h", lo = ["127.0.0.1/8", "::1/128"]) {
  return labSchema.parse({
    version: 1,
    name: "no-source",
    description: "A host whose route leaves by a device without an address.",
    hosts: [
      {
        name: "h",
        role: nf === "h" ? "docker-host" : "container",
        interfaces: [
          { name: "lo", addresses: lo, kind: "loopback" },
          { name: "a1", addresses: a1, kind: "veth" },
          { name: "x0", mac: "02:00:00:00:00:01", addresses: [], kind: "veth", peer: "q/q1" },
          { name: "b2", addresses: b2, kind: "veth" },
        ],
        routes: [
          { to: "203.0.113.0/24", dev: "x0" },
          { to: "2001:db8::/64", dev: "x0" },
        ],
      },
      {
        name: "q",
        role: nf === "q" ? "docker-host" : "container",
        interfaces: [
          { name: "lo", addresses: ["127.0.0.1/8"], kind: "loopback" },
          {
            name: "q1",
            mac: "02:00:00:00:00:02",
            addresses: ["203.0.113.5/24", "2001:db8::5/64"],
            kind: "veth",
          },
        ],
        routes: [],
      },
    ],
  });
}

/** A world over `lab(...)` with no rules. */
function world(a1: string[], b2: string[], nf = "h") {
  const l = lab(a1, b2, nf);
  return {
    topology: buildTopology(l),
    ruleset: parseRulesetFile("", "none"),
    ebtables: "nft" as const,
    sysctls: {},
  };
}

describe("the IPv4 source when the out device has no address", () => {
  it("is another device's first address, in the lab's device order, skipping a secondary", () => {
    const t = (a1: string[], b2: string[]) => buildTopology(lab(a1, b2));
    expect(routeLookup(t([], ["198.51.100.1/24", "198.51.100.9/24"]), "h", "203.0.113.5")).toMatchObject({
      kind: "unicast",
      dev: "x0",
      src: "198.51.100.1",
    });
    expect(routeLookup(t(["10.3.0.1/24"], ["10.1.0.1/24"]), "h", "203.0.113.5")).toMatchObject({
      src: "10.3.0.1",
    });
    // lo's 127.0.0.1 is host-scoped: never a source for another device.
    expect(routeLookup(t([], []), "h", "203.0.113.5")).toMatchObject({ dev: "x0", src: undefined });
  });

  it("is what a connection from the host leaves from", () => {
    const run = runScenario(world([], ["198.51.100.1/24"]), {
      from: "h",
      to: "203.0.113.5",
      proto: "udp",
      dport: 53,
    });
    expect(run.packets[0]?.sent.src).toBe("198.51.100.1");
    expect(run.packets[0]?.fate.kind).toBe("delivered");
  });
});

describe("a host with no IPv4 address to send from", () => {
  it("sends from 0.0.0.0, and the receiver drops it at routing after prerouting", () => {
    const run = runScenario(world([], [], "q"), { from: "h", to: "203.0.113.5", proto: "icmp" });
    const ping = run.packets[0];
    expect(ping?.sent.src).toBe("0.0.0.0");
    expect(ping?.notes).toContain(
      "h has no IPv4 address to send it from (lo's 127.0.0.0/8 does not count): the kernel sends it from 0.0.0.0",
    );
    expect(ping?.fate).toEqual({
      kind: "lost",
      reason:
        "q drops it at routing: its source 0.0.0.0 is in 0.0.0.0/8, which the kernel accepts only toward the limited broadcast 255.255.255.255 (a martian source)",
    });
  });

  it("is dropped the same way by a receiver that is not the netfilter host", () => {
    const run = runScenario(world([], []), { from: "h", to: "203.0.113.5", proto: "udp", dport: 53 });
    expect(run.packets[0]?.sent.src).toBe("0.0.0.0");
    expect(run.packets[0]?.fate).toMatchObject({
      kind: "lost",
      reason: expect.stringMatching(/^q drops it at routing: its source 0\.0\.0\.0/),
    });
  });
});

describe("a host with no IPv6 address but ::1", () => {
  it("sends from ::1 through its hooks, and nothing leaves the device", () => {
    const run = runScenario(world([], []), { from: "h", to: "2001:db8::5", proto: "icmp" });
    const ping = run.packets[0];
    expect(ping?.sent.src).toBe("::1");
    expect(ping?.notes).toContain(
      "h has no IPv6 address to send it from but ::1: the kernel sends it from ::1",
    );
    expect(ping?.fate).toEqual({
      kind: "lost",
      reason:
        "h: nothing leaves x0: a neighbour solicitation needs a link-local source, and x0 has none in the lab (a device that came up with one would send from it instead)",
    });
  });
});

describe("the source of a packet to a loopback address", () => {
  it("is 127.0.0.1 for any 127/8 address, listed on lo or not", () => {
    const t = buildTopology(lab([], []));
    expect(localSource(t, "h", "127.0.0.5")).toBe("127.0.0.1");
    expect(localSource(t, "h", "127.0.0.1")).toBe("127.0.0.1");
    // A lab that lists no address on lo: the kernel's lo has 127.0.0.1/8 all the same.
    const bare = buildTopology(lab([], [], "h", []));
    expect(localSource(bare, "h", "127.0.0.5")).toBe("127.0.0.1");
  });
});

describe("MASQUERADE on a host with no address to give", () => {
  // Kernel 6.18, router namespace forwarding a ping out of x0 (no address) under `oifname "x0" masquerade`:
  // with r0's 192.168.5.1 the receiver saw the ping from 192.168.5.1 (conntrack's reply tuple to it); with
  // no IPv4 address left on the router the masquerade rule counted the ping, and nothing reached the receiver.
  const rules = (text: string) => parseRulesetFile(text, "nat.nft");
  const MASQ =
    'table ip n {\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "x0" masquerade\n\t}\n}\n';

  it("takes another device's address, as the route's source", () => {
    const w = { ...world(["192.168.5.1/24"], []), ruleset: rules(MASQ) };
    const run = runScenario(w, { from: "h", to: "203.0.113.5", proto: "icmp" });
    expect(run.packets[0]?.received?.src).toBe("192.168.5.1");
  });

  it("drops the packet when no device has one", () => {
    const w = { ...world([], []), ruleset: rules(MASQ) };
    const run = runScenario(w, { from: "h", to: "203.0.113.5", proto: "icmp" });
    expect(run.packets[0]?.fate).toMatchObject({
      kind: "dropped",
      reason:
        'MASQUERADE by rule at line 4 of nat.nft: oifname "x0" masquerade: no device of the host has an IPv4 address to masquerade it with, so the kernel drops it',
    });
  });
});
