import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { natOfData } from "../../../src/core/simulate/nat-map-data.ts";
import { jhash2, natRangeAddress } from "../../../src/core/simulate/nat-range-address.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/nat-range-choices");

/** The ranges record.sh loads, by case name: low, high, which address is rewritten, persistent. */
const RANGES: Record<string, [string, string, "src" | "dst", boolean]> = {
  snat: ["198.51.100.5", "198.51.100.9", "src", false],
  persistent: ["198.51.100.5", "198.51.100.9", "src", true],
  dnat: ["203.0.113.2", "203.0.113.3", "dst", false],
  snat6: ["2001:db8:c::5", "2001:db8:c::9", "src", false],
  snat6wide: ["2001:db8:c::ffff:fffe", "2001:db8:c::1:0:1", "src", false],
};

const recorded = readFileSync(join(DIR, "kernel.txt"), "utf8")
  .trim()
  .split("\n")
  .map((l) => l.split(" ") as [string, string, string, string]);

describe("the address of a NAT range the kernel gives a new connection", () => {
  it("the recording covers every case with several clients", () => {
    for (const name of [...Object.keys(RANGES), "both"])
      expect(recorded.filter((r) => r[0] === name).length, name).toBeGreaterThanOrEqual(11);
    // Not one address for all: a prediction of "the first address" would fail most lines.
    expect(new Set(recorded.filter((r) => r[0] === "snat").map((r) => r[3])).size).toBeGreaterThan(3);
  });

  const single = recorded.filter((r) => r[0] !== "both");
  it.each(single.map((r) => [r.join(" "), r] as const))("%s", (_name, [name, client, server, got]) => {
    const [lo, hi, manip, persistent] = RANGES[name] as (typeof RANGES)[string];
    expect(natRangeAddress(lo, hi, client, server, manip, { persistent })).toBe(got);
  });

  // One connection DNATed then SNATed: the SNAT hashes the destination the DNAT chose.
  const both = recorded.filter((r) => r[0] === "both");
  it.each(both.map((r) => [r.join(" "), r] as const))("%s", (_name, [, client, server, got]) => {
    const dnat = natRangeAddress("203.0.113.2", "203.0.113.3", client, server, "dst") as string;
    const snat = natRangeAddress("198.51.100.5", "198.51.100.9", client, dnat, "src");
    expect(`${dnat}/${snat}`).toBe(got);
  });

  it("keeps a source already inside a SNAT range, and the one address of a range of one", () => {
    expect(natRangeAddress("198.51.100.5", "198.51.100.9", "198.51.100.7", "203.0.113.2", "src")).toBe(
      "198.51.100.7",
    );
    expect(natRangeAddress("198.51.100.5", "198.51.100.5", "10.99.0.2", "203.0.113.2", "src")).toBe(
      "198.51.100.5",
    );
  });

  it("refuses addresses of two families", () => {
    expect(
      natRangeAddress("198.51.100.5", "198.51.100.9", "2001:db8:a::2", "203.0.113.2", "src"),
    ).toBeUndefined();
  });

  it("hashes as the kernel's jhash2 (lookup3): the empty key is the seeded start", () => {
    expect(jhash2([], 0)).toBe(0xdeadbeef);
    expect(jhash2([], 1)).toBe(0xdeadbef0);
  });
});

describe("a source port outside a NAT's port range", () => {
  it("is said to be the kernel's random pick, shown as the range's lowest; a port inside it is kept without a note", () => {
    const masq = (ports: string) =>
      runScenario(
        textWorld(
          `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -p tcp -j MASQUERADE --to-ports ${ports}\nCOMMIT\n`,
          "t.rules",
        ),
        { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 },
      ).packets[0];
    const outside = masq("1024-2000");
    expect(outside?.received?.sport).toBe(1024);
    expect(outside?.notes.join("\n")).toMatch(
      /MASQUERADE at ip:nat:POSTROUTING: port 40000 is outside 1024-2000, so the kernel gives the connection a random port of that range; shown here as its lowest, 1024/,
    );
    const inside = masq("30000-50000");
    expect(inside?.received?.sport).toBe(40000);
    expect(inside?.notes.join("\n")).not.toMatch(/random port/);
  });
});

/** The map data record-maps.sh loads, by case name, and which address the NAT rewrites. */
const MAP_DATA: Record<string, [readonly string[], "DNAT" | "SNAT"]> = {
  dnatmap: [["203.0.113.2-203.0.113.3"], "DNAT"],
  snatprefix: [["198.51.100.4/30"], "SNAT"],
  snatnamed: [["198.51.100.5-198.51.100.9"], "SNAT"],
  dnatport: [["203.0.113.2-203.0.113.3", "8080"], "DNAT"],
  // IPv6: nft lists the range 2001:db8:b::2-2001:db8:b::3 as the prefix 2001:db8:b::2/127.
  dnatmap6: [["2001:db8:b::2/127"], "DNAT"],
  snatprefix6: [["2001:db8:c::4/126"], "SNAT"],
};

describe("NAT through an nft data map whose data is a range or a prefix (kernel-maps.txt)", () => {
  const lines = readFileSync(join(DIR, "kernel-maps.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" ") as [string, string, string, string]);
  it("the recording covers every case with eleven clients (two servers for a SNAT)", () => {
    for (const name of Object.keys(MAP_DATA))
      expect(lines.filter((r) => r[0] === name).length, name).toBeGreaterThanOrEqual(11);
  });
  it.each(lines.map((r) => [r.join(" "), r] as const))("%s", (_name, [name, client, server, got]) => {
    const [data, nat] = MAP_DATA[name] as (typeof MAP_DATA)[string];
    const t = natOfData(nat, data);
    if (t?.kind !== nat) throw new Error(`no ${nat} from ${data.join(" . ")}`);
    expect(t.addrHi).toBeDefined();
    const addr = natRangeAddress(
      t.addr as string,
      t.addrHi as string,
      client,
      server,
      nat === "SNAT" ? "src" : "dst",
    );
    expect(t.port ? `${addr}:${t.port.lo}` : addr).toBe(got);
  });
  it("reads a prefix as its network to its broadcast address, and leaves a port range or a port alone unmodelled", () => {
    expect(natOfData("SNAT", ["198.51.100.4/30"])).toEqual({
      kind: "SNAT",
      addr: "198.51.100.4",
      addrHi: "198.51.100.7",
    });
    expect(natOfData("DNAT", ["2001:db8::5-2001:db8::9", "80"])).toEqual({
      kind: "DNAT",
      addr: "2001:db8::5",
      addrHi: "2001:db8::9",
      port: { lo: 80, hi: 80 },
    });
    expect(natOfData("DNAT", ["203.0.113.5", "80-90"])).toBeUndefined();
    expect(natOfData("DNAT", ["80"])).toBeUndefined();
    expect(natOfData("DNAT", ["203.0.113.5:80"])).toBeUndefined();
  });
});
