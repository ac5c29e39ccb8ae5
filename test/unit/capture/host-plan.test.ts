import { describe, expect, it } from "vitest";
import { buildHostPlan, parseContainerArg } from "../../../src/capture/host-plan.ts";

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
    expect(() => parseContainerArg("web")).toThrow(/NAME=IPv4/);
    expect(() => parseContainerArg("web=$(reboot)")).toThrow(/NAME=IPv4/);
  });
});
