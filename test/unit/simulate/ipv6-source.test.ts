/**
 * The IPv6 source a host gives its own packets (RFC 6724 as ipv6_dev_get_saddr applies it), against
 * `ip -6 route get` in a namespace on kernel 6.18 (M4 of the kernel probe): sim-m0 with 2001:db8:1::2/64,
 * ::3/64 and ::ff00/120 (added in that order, so `ip -6 addr` lists ::ff00 first), sim-m1 with
 * 2001:db8:9::1/64 and fd00:5::1/64, and, in a second setup, sim-m1 with its link-local address alone
 * and 2001:db8:9::1/128 on lo.
 */
import { describe, expect, it } from "vitest";
import { routeLookup } from "../../../src/core/simulate/route.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

/** Host `m` with `m1`'s addresses and `lo`'s extra ones as given, and the probe's routes. */
function topology(m1: string[], lo: string[] = []) {
  return buildTopology(
    labSchema.parse({
      version: 1,
      name: "v6-source",
      description: "IPv6 source address selection",
      hosts: [
        {
          name: "m",
          role: "docker-host",
          interfaces: [
            { name: "lo", kind: "loopback", addresses: ["127.0.0.1/8", "::1/128", ...lo] },
            {
              name: "m0",
              kind: "veth",
              addresses: [
                "2001:db8:1::ff00/120",
                "2001:db8:1::3/64",
                "2001:db8:1::2/64",
                "fe80::a0a0:48ff:feeb:33ed/64",
              ],
            },
            { name: "m1", kind: "veth", addresses: m1 },
          ],
          routes: [
            { to: "2001:db8:7::/64", via: "2001:db8:1::1", dev: "m0" },
            { to: "2001:db8:9:1::/64", via: "2001:db8:1::1", dev: "m0" },
            { to: "fd00:6::/64", via: "2001:db8:1::1", dev: "m0" },
            { to: "2001:db8:8::/64", via: "fe80::1", dev: "m1" },
          ],
        },
      ],
    }),
  );
}

const both = topology(["2001:db8:9::1/64", "fd00:5::1/64", "fe80::5447:18ff:fe5a:e1d3/64"]);
const src = (topo: ReturnType<typeof topology>, dst: string) => {
  const r = routeLookup(topo, "m", dst);
  return r.kind === "unicast" ? r.src : r.kind;
};

describe("IPv6 source address selection", () => {
  it("the longest prefix shared, counted up to the address's own length; a tie goes to the address listed first", () => {
    expect(src(both, "2001:db8:1::99")).toBe("2001:db8:1::ff00");
    expect(src(both, "2001:db8:7::5")).toBe("2001:db8:1::ff00");
  });

  it("the out device's address before a longer prefix or a matching label on another device", () => {
    expect(src(both, "2001:db8:9:1::5")).toBe("2001:db8:1::ff00");
    expect(src(both, "fd00:6::5")).toBe("2001:db8:1::ff00");
  });

  it("a global address of another device when the out device has only its link-local one", () => {
    const lonely = topology(["fe80::5447:18ff:fe5a:e1d3/64"], ["2001:db8:9::1/128"]);
    expect(src(lonely, "2001:db8:8::5")).toBe("2001:db8:9::1");
    // Listed without its link-local address, the device still gets the host's global one, not the destination.
    expect(src(topology([], ["2001:db8:9::1/128"]), "2001:db8:8::5")).toBe("2001:db8:9::1");
  });

  it("a link-local destination: the out device's link-local address (the model routes fe80::/64 by the first device holding it)", () => {
    expect(routeLookup(both, "m", "fe80::1")).toMatchObject({ dev: "m0", src: "fe80::a0a0:48ff:feeb:33ed" });
  });
});

/**
 * Global, unique local and link-local addresses side by side, against `ip -6 route get` on kernel 6.18
 * (namespace sim48s, veth devices d0, d1, d2 in ifindex order, addresses added with nodad in the order
 * listed, a route to the destination's /64 by d0). A unique local address is of global scope, so the
 * out device (rule 5) and the label (rule 6: fc00::/7 is 5, 2001::/32 is 6) decide between it and a
 * global one; a link-local one loses to either for a global destination (rule 2) but beats `::1`, which
 * the kernel takes only when nothing else is left (the simulator's fallback; see no-source-address).
 */
describe("global, unique local and link-local addresses (kernel 6.18, sim48s)", () => {
  const cases: [Record<string, string[]>, string, string | undefined][] = [
    [{ d0: ["fd00:1::2/64"], d1: ["2001:db8:9::5/64"] }, "2001:db8:2::2", "fd00:1::2"],
    [{ d0: ["fe80::1/64"] }, "2001:db8:2::2", "fe80::1"],
    [{ d0: ["fe80::1/64", "fd00:1::2/64"], d1: ["2001:db8:9::5/64"] }, "fd00:5::1", "fd00:1::2"],
    [{ d0: ["2001:db8:1::2/64", "fd00:1::2/64"] }, "2001:db8:2::2", "2001:db8:1::2"],
    [{ d0: ["2001:db8:1::2/64", "fd00:1::2/64"] }, "fd00:5::1", "fd00:1::2"],
    [{ d0: ["fd00:1::2/64", "2001:db8:1::2/64"] }, "2001:db8:2::2", "2001:db8:1::2"],
    [{ d1: ["2001:db8:9::5/64"], d2: ["fd00:9::5/64"] }, "fd00:5::1", "fd00:9::5"],
    [{ d0: ["fe80::1/64"], d1: ["fe80::2/64", "fd00:1::2/64"] }, "2001:db8:2::2", "fd00:1::2"],
    [{ lo: ["2001:db8:9::5/128"], d0: ["fe80::1/64"] }, "2001:db8:2::2", "2001:db8:9::5"],
    [{ d0: ["fd00:1::2/64"] }, "2001:db8:2::2", "fd00:1::2"],
    // ::2 added before ::3: the kernel lists a device's addresses of one scope newest first (`ip -6 addr`
    // and `ip -j addr` showed ::3, ::2, fe80::1) and took ::3, the first of a tie, as the lab's listing does.
    [{ d0: ["2001:db8:1::3/64", "2001:db8:1::2/64", "fe80::1/64"] }, "2001:db8:2::2", "2001:db8:1::3"],
    // Nothing but ::1: the kernel said `src ::1`; the route gives none, and the walk sends from ::1.
    [{}, "2001:db8:2::2", undefined],
  ];
  it.each(cases)("%j to %s: %s", (addrs, dst, src) => {
    const topo = buildTopology(
      labSchema.parse({
        version: 1,
        name: "v6-scopes",
        description: "IPv6 source selection across scopes",
        hosts: [
          {
            name: "s",
            role: "docker-host",
            interfaces: [
              { name: "lo", kind: "loopback", addresses: ["127.0.0.1/8", "::1/128", ...(addrs.lo ?? [])] },
              ...["d0", "d1", "d2"].map((d) => ({ name: d, kind: "veth", addresses: addrs[d] ?? [] })),
            ],
            routes: [{ to: `${dst.replace(/::\w+$/, "::")}/64`, dev: "d0" }],
          },
        ],
      }),
    );
    const r = routeLookup(topo, "s", dst);
    expect(r.kind === "unicast" ? r.src : r.kind).toBe(src);
  });
});
