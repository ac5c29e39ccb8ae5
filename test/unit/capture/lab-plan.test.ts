import { describe, expect, it } from "vitest";
import { buildLabPlan, teardownPlan } from "../../../src/capture/lab-plan.ts";
import { labTopology, NETNS_PATTERN, netnsNames } from "../../../src/capture/lab-topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";

const names = netnsNames("k3");
const plan = buildLabPlan(names);
const labNs = new Set(Object.values(names));

describe("the lab plan", () => {
  it("creates every namespace first and deletes each on teardown, last first", () => {
    expect(plan.slice(0, 4).map((s) => s.argv)).toEqual(
      Object.values(names).map((ns) => ["ip", "netns", "add", ns]),
    );
    expect(teardownPlan(plan)).toEqual(
      Object.values(names)
        .reverse()
        .map((ns) => ["ip", "netns", "delete", ns]),
    );
  });

  it("never touches the init namespace: every command names a lab namespace", () => {
    for (const { argv } of plan) {
      const target = argv[1] === "netns" ? argv[3] : argv[1] === "-n" ? argv[2] : undefined;
      expect(labNs.has(target ?? ""), argv.join(" ")).toBe(true);
      // A veth peer is created straight inside another lab namespace, never in the init one.
      if (argv.includes("peer")) expect(labNs.has(argv[argv.indexOf("netns") + 1] ?? "")).toBe(true);
    }
  });

  it("uses only the lab's private subnet and TEST-NET addresses", () => {
    const addresses = plan.flatMap((s) => s.argv).filter((arg) => /^\d+\.\d+\.\d+\.\d+/.test(arg));
    expect(addresses.length).toBeGreaterThan(10);
    for (const address of addresses) expect(address).toMatch(/^(172\.17\.|203\.0\.113\.|198\.51\.100\.)/);
  });

  it("turns IPv6 off and forwarding and br_netfilter on in the host", () => {
    const flat = plan.map((s) => s.argv.join(" "));
    for (const ns of labNs)
      expect(flat).toContain(`ip netns exec ${ns} sysctl -q -w net.ipv6.conf.all.disable_ipv6=1`);
    expect(flat).toContain(`ip netns exec ${names.host} sysctl -q -w net.ipv4.ip_forward=1`);
    expect(flat).toContain(`ip netns exec ${names.host} sysctl -q -w net.bridge.bridge-nf-call-iptables=1`);
  });

  it("names namespaces so that --cleanup finds them, and rejects other run ids", () => {
    for (const ns of labNs) expect(ns).toMatch(NETNS_PATTERN);
    expect("pw-keep-me").not.toMatch(NETNS_PATTERN);
    expect(() => netnsNames("abc")).toThrow(/two lower-case/);
    expect(() => netnsNames("A1")).toThrow(/two lower-case/);
  });

  it("describes the topology it builds in a valid lab.json", () => {
    const lab = labSchema.parse(labTopology(["docker-28"]));
    const macs = lab.hosts.flatMap((h) => h.interfaces.map((i) => i.mac)).filter(Boolean);
    for (const mac of macs)
      expect(
        plan.some((s) => s.argv.includes(mac as string)),
        mac,
      ).toBe(true);
    expect(lab.hosts.find((h) => h.name === "c2")?.label).toBe("container c2");
  });
});
