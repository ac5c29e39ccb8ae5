import { describe, expect, it } from "vitest";
import {
  buildHostPlan,
  checkOneFamily,
  hostAddressOnLink,
  parseContainerArg,
} from "../../../src/capture/host-plan.ts";
import { MAX_PREFIX } from "../../../src/capture/log-rules.ts";

const containers = [
  { name: "web", ip: "172.17.0.2" },
  { name: "netutils", ip: "172.17.0.3" },
];

describe("the --host plan", () => {
  const plan = buildHostPlan({ runId: "k3", containers });

  it("inserts with iptables-restore then ebtables, and removes in the exact reverse order", () => {
    expect(plan.insert[0]?.argv).toEqual(["iptables-restore", "--noflush"]);
    expect(plan.remove.at(-1)?.argv).toEqual(["iptables-restore", "--noflush"]);
    const ebInsert = plan.insert.slice(1).map((c) => c.argv);
    const ebRemove = plan.remove.slice(0, -1).map((c) => c.argv);
    expect(ebInsert).toHaveLength(6);
    // Each removal is its insertion with -D and without the position, last inserted first removed.
    expect(ebRemove).toEqual(
      [...ebInsert].reverse().map((argv) => {
        const i = argv.indexOf("-I");
        return [...argv.slice(0, i), "-D", argv[i + 1] as string, ...argv.slice(i + 3)];
      }),
    );
    const inserted = (plan.insert[0]?.input ?? "").split("\n").filter((l) => l.startsWith("-I"));
    const deleted = (plan.remove.at(-1)?.input ?? "").split("\n").filter((l) => l.startsWith("-D"));
    expect(inserted.map((l) => l.replace(/^-I (\S+) \d+ /, "-D $1 "))).toEqual(deleted);
    expect(inserted).toHaveLength(14);
  });

  it("logs only ICMP on a real host, tagged with the run", () => {
    for (const rule of plan.rules) expect(rule.match).toContain("icmp");
    expect(plan.insert[0]?.input).toContain(
      "-m comment --comment pw-k3 -j LOG --log-prefix pwk3/iptable/raw-PREROUTE",
    );
  });

  it("makes traffic with docker exec, never towards the internet", () => {
    expect(plan.traffic.map((t) => [t.scenario, t.command.argv.join(" ")])).toEqual([
      ["container-to-container", "docker exec web ping -c1 -W1 172.17.0.3"],
      ["host-to-container", "ping -c1 -W1 172.17.0.2"],
      ["container-to-host", "docker exec web ping -c1 -W1 172.17.0.1"],
    ]);
  });

  it("runs every rule command inside a namespace when given one (the lab's real-code-path test)", () => {
    const inLab = buildHostPlan({
      runId: "k3",
      containers,
      netns: "pw-k3-host",
      execIn: (c) => ["ip", "netns", "exec", c],
    });
    for (const command of [...inLab.insert, ...inLab.remove])
      expect(command.argv.slice(0, 4)).toEqual(["ip", "netns", "exec", "pw-k3-host"]);
    expect(inLab.traffic[0]?.command.argv.slice(0, 4)).toEqual(["ip", "netns", "exec", "web"]);
  });

  it("plans no traffic without containers, and reads --container NAME=IP", () => {
    expect(buildHostPlan({ runId: "k3", containers: [] }).traffic).toEqual([]);
    expect(parseContainerArg("web=172.17.0.2")).toEqual({ name: "web", ip: "172.17.0.2" });
    expect(() => parseContainerArg("web")).toThrow(/NAME=IP, e\.g\. web=172\.17\.0\.2 or web=fd00:a::2/);
    expect(() => parseContainerArg("web=$(reboot)")).toThrow(/NAME=IP/);
    expect(() => parseContainerArg("web=fd00::a::2")).toThrow(/NAME=IP/);
    // IPv6 in the form the kernel log and the import key addresses by.
    expect(parseContainerArg("web=FD00:A:0::2")).toEqual({ name: "web", ip: "fd00:a::2" });
  });

  it("refuses containers of two families: the planned pings use one", () => {
    expect(() =>
      checkOneFamily([
        { name: "web", ip: "fd00:a::2" },
        { name: "db", ip: "172.17.0.3" },
      ]),
    ).toThrow("--container web=fd00:a::2 and db=172.17.0.3 are of two IP families");
    expect(() => checkOneFamily(containers)).not.toThrow();
  });
});

describe("the --host plan with IPv6", () => {
  const v6 = [
    { name: "web", ip: "fd00:a::2" },
    { name: "db", ip: "fd00:a::3" },
  ];
  const plan = buildHostPlan({ runId: "k3", containers: v6, ipv6: true, bridgeIp: "fd00:a::1" });
  const restoreLines = (input = "") => input.split("\n").filter((l) => /^-[ID] /.test(l));

  it("inserts ip6tables rules after the iptables ones and removes them before, each the exact inverse", () => {
    expect(plan.insert.slice(0, 2).map((c) => c.argv)).toEqual([
      ["iptables-restore", "--noflush"],
      ["ip6tables-restore", "--noflush"],
    ]);
    expect(plan.remove.slice(-2).map((c) => c.argv)).toEqual([
      ["ip6tables-restore", "--noflush"],
      ["iptables-restore", "--noflush"],
    ]);
    const inserted = restoreLines(plan.insert[1]?.input);
    const deleted = restoreLines(plan.remove.at(-2)?.input);
    // Echo request and reply at the top of each of the 14 chains.
    expect(inserted).toHaveLength(28);
    expect(inserted.map((l) => l.replace(/^-I (\S+) \d+ /, "-D $1 "))).toEqual(deleted);
    // The iptables text is unchanged by IPv6: still ICMP only.
    expect(restoreLines(plan.insert[0]?.input).every((l) => l.includes(" -p icmp "))).toBe(true);
  });

  it("logs ICMPv6 echo only (no neighbour discovery), tagged ip6t within the kernel's prefix limit", () => {
    const ip6 = plan.rules.filter((r) => r.family === "ip6");
    expect(new Set(ip6.map((r) => r.match.join(" ")))).toEqual(
      new Set(["-p ipv6-icmp --icmpv6-type echo-request", "-p ipv6-icmp --icmpv6-type echo-reply"]),
    );
    for (const rule of plan.rules) expect(rule.prefix.length).toBeLessThanOrEqual(MAX_PREFIX);
    expect(plan.insert[1]?.input).toContain(
      "-I POSTROUTING 2 -p ipv6-icmp --icmpv6-type echo-reply -m comment --comment pw-k3 -j LOG --log-prefix pwk3/ip6t/mangle-POSTROUTE --log-level debug",
    );
  });

  it("logs IPv6 ICMP echo frames on the bridge with their IPv6 header, and removes them", () => {
    const bridge6 = plan.insert.filter((c) => c.argv.includes("IPv6")).map((c) => c.argv);
    expect(bridge6).toHaveLength(6);
    expect(bridge6[0]).toEqual([
      "ebtables",
      "-t",
      "filter",
      "-I",
      "INPUT",
      "2",
      "-p",
      "IPv6",
      "--ip6-proto",
      "ipv6-icmp",
      "--ip6-icmp-type",
      "128:129",
      "--log",
      "--log-level",
      "debug",
      "--log-ip6",
      "--log-prefix",
      "pwk3/ebtable/filter-INPUT",
    ]);
    expect(plan.remove.filter((c) => c.argv.includes("IPv6"))).toHaveLength(6);
  });

  it("pings with ping -6 in the containers' family, the host at the bridge's IPv6 address", () => {
    expect(plan.traffic.map((t) => [t.scenario, t.command.argv.join(" ")])).toEqual([
      ["container-to-container", "docker exec web ping -6 -c1 -W1 fd00:a::3"],
      ["host-to-container", "ping -6 -c1 -W1 fd00:a::2"],
      ["container-to-host", "docker exec web ping -6 -c1 -W1 fd00:a::1"],
    ]);
    // No IPv6 bridge address known: no container-to-host step (172.17.0.1 is IPv4 only).
    const unknown = buildHostPlan({ runId: "k3", containers: v6, ipv6: true });
    expect(unknown.traffic.map((t) => t.scenario)).toEqual(["container-to-container", "host-to-container"]);
  });

  it("without ip6tables on the host plans the IPv4 rules alone", () => {
    const v4only = buildHostPlan({ runId: "k3", containers, ipv6: false });
    expect(v4only.rules.every((r) => r.family !== "ip6" && !r.match.includes("IPv6"))).toBe(true);
    expect(v4only.insert.map((c) => c.argv[0])).not.toContain("ip6tables-restore");
    expect(v4only).toEqual(buildHostPlan({ runId: "k3", containers }));
  });

  it("finds the host's IPv6 address on a container's link in ip -j addr", () => {
    const addr = JSON.stringify([
      { ifname: "lo", addr_info: [{ family: "inet6", local: "::1", prefixlen: 128 }] },
      {
        ifname: "docker0",
        addr_info: [
          { family: "inet", local: "172.17.0.1", prefixlen: 16 },
          { family: "inet6", local: "fe80::42:5eff:fe1a:b001", prefixlen: 64 },
          { family: "inet6", local: "fd00:a::1", prefixlen: 64 },
        ],
      },
    ]);
    expect(hostAddressOnLink("fd00:a::2", addr)).toBe("fd00:a::1");
    expect(hostAddressOnLink("fd00:b::2", addr)).toBeUndefined();
    expect(hostAddressOnLink("fd00:a::2", "not json")).toBeUndefined();
    // A wider prefix listed first (fd00::/8 on eth0) is not the container's link: the /64 is.
    const wide = JSON.stringify([
      { ifname: "eth0", addr_info: [{ family: "inet6", local: "fd00::1", prefixlen: 8 }] },
      ...JSON.parse(addr),
    ]);
    expect(hostAddressOnLink("fd00:a::2", wide)).toBe("fd00:a::1");
  });
});
