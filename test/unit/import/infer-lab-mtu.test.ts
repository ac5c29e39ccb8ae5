/**
 * The MTUs `inferLab` writes into lab.json from `ip -j link` and `ip -j route` (the MSS a simulated SYN
 * carries and the clamp's value follow them), on the recorded `peer-to-published-port-trace` capture's
 * material with its MTUs edited: a device's MTU other than the kernel's default, on both ends of its
 * link, and a route's own `mtu`; nothing when every MTU is the default.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inferLab } from "../../../src/core/import/infer-lab.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const input = join(import.meta.dirname, "../../fixtures/import/peer-to-published-port-trace/input");
const read = (f: string) => JSON.parse(readFileSync(join(input, f), "utf8"));
const packets = parseTraceText(readFileSync(join(input, "kernel.log"), "utf8")).packets;
const options = {
  containers: [{ name: "web", ip: "10.77.0.2" }],
  peers: [{ name: "client", ip: "203.0.113.20" }],
};

type Json = Record<string, unknown>;

/** The lab inferred with `mtus` (by interface name) set in `ip -j link` and `ip -j addr`, and `routeMtu` on the WAN route. */
function lab(mtus: Record<string, number>, routeMtu?: number) {
  const withMtu = (rows: Json[]) =>
    rows.map((r) => ({ ...r, ...(mtus[String(r.ifname)] ? { mtu: mtus[String(r.ifname)] } : {}) }));
  const route = (read("ip-route.json") as Json[]).map((r) =>
    routeMtu && r.dst === "203.0.113.0/24" ? { ...r, metrics: [{ mtu: routeMtu }] } : r,
  );
  const material = {
    addr: withMtu(read("ip-addr.json")),
    link: withMtu(read("ip-link.json")),
    route,
    bridgeLink: read("bridge-link.json"),
  };
  const inferred = inferLab(material, packets, options);
  const mtu = Object.fromEntries(
    inferred.hosts.flatMap((h) =>
      h.interfaces.filter((i) => i.mtu !== undefined).map((i) => [`${h.name}/${i.name}`, i.mtu]),
    ),
  );
  const routes = inferred.hosts.flatMap((h) =>
    h.routes.filter((r) => r.mtu !== undefined).map((r) => `${h.name} ${r.to} ${r.mtu}`),
  );
  return { inferred, mtu, routes };
}

describe("inferLab and MTUs", () => {
  it("writes none when every device has the kernel's default", () => {
    expect(lab({})).toMatchObject({ mtu: {}, routes: [] });
  });

  it("writes a device's MTU on both ends of its link, and a route's own", () => {
    const { mtu, routes } = lab({ "br-web": 1450, vweb: 1450, wan0: 1400 }, 1380);
    expect(mtu).toEqual({
      "host/br-web": 1450,
      "host/vweb": 1450,
      "host/wan0": 1400,
      "web/eth0": 1450,
      "client/eth0": 1400,
    });
    expect(routes).toEqual(["host 203.0.113.0/24 1380"]);
  });

  it("gives a lab the schema takes", () => {
    const { inferred } = lab({ "br-web": 1450, vweb: 1450, wan0: 1400 }, 1380);
    const parsed = labSchema.safeParse({ version: 1, name: "t", description: "t", hosts: inferred.hosts });
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
