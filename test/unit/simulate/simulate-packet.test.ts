import { describe, expect, it } from "vitest";
import { insertRules } from "../../../src/core/simulate/log-overlay.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { labWorld, logEverywhere, textWorld } from "./helpers.ts";

const hooks = (p: { events: { hook: string }[] } | undefined) => p?.events.map((e) => e.hook) ?? [];

describe("simulating the docker-bridge lab", () => {
  it("orders ebtables-nft filter OUTPUT before nat OUTPUT, legacy the other way round", () => {
    const nft = runScenario(labWorld("docker-28", {}, logEverywhere()), {
      from: "host",
      to: "172.17.0.2",
      proto: "icmp",
    });
    expect(hooks(nft.packets[0]).slice(-3)).toEqual([
      "bridge:filter:OUTPUT",
      "bridge:nat:OUTPUT",
      "bridge:nat:POSTROUTING",
    ]);
    const w = labWorld("docker-28", {}, logEverywhere());
    w.ebtables = "legacy";
    const legacy = runScenario(w, { from: "host", to: "172.17.0.2", proto: "icmp" });
    expect(hooks(legacy.packets[0]).slice(-3)).toEqual([
      "bridge:nat:OUTPUT",
      "bridge:filter:OUTPUT",
      "bridge:nat:POSTROUTING",
    ]);
  });

  it("runs the IPv4 hooks from inside the bridge only with bridge-nf-call-iptables=1", () => {
    const on = runScenario(labWorld("docker-28", {}, logEverywhere()), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(hooks(on.packets[0])).toContain("ip:filter:FORWARD");
    expect(on.packets[0]?.events.find((e) => e.hook === "ip:filter:FORWARD")).toMatchObject({
      in: "docker0",
      out: "docker0",
      physIn: "veth-c1",
      physOut: "veth-c2",
    });
    const off = runScenario(
      labWorld("docker-28", { "net.bridge.bridge-nf-call-iptables": "0" }, logEverywhere()),
      { from: "c1", to: "172.17.0.3", proto: "icmp" },
    );
    expect(hooks(off.packets[0])).toEqual([
      "bridge:nat:PREROUTING",
      "bridge:filter:FORWARD",
      "bridge:nat:POSTROUTING",
    ]);
  });

  it("nat sees only a connection's first packet; the reply is de-MASQUERADEd at PREROUTING and TTL drops when routed", () => {
    const r = runScenario(labWorld("docker-28", {}, logEverywhere()), {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
    });
    const [req, rep] = r.packets;
    expect(hooks(req)).toContain("ip:nat:POSTROUTING");
    expect(req?.events.find((e) => e.hook === "ip:nat:POSTROUTING")?.verdict).toBe("MASQUERADE");
    expect(req?.events.find((e) => e.hook === "ip:filter:FORWARD")?.packet.ttl).toBe(63);
    expect(hooks(rep).some((h) => h.startsWith("ip:nat:"))).toBe(false);
    const pre = rep?.events.find((e) => e.hook === "ip:mangle:PREROUTING");
    const fwd = rep?.events.find((e) => e.hook === "ip:mangle:FORWARD");
    expect([pre?.packet.dst, fwd?.packet.dst]).toEqual(["203.0.113.2", "172.17.0.2"]);
    expect(rep?.fate).toEqual({ kind: "delivered", host: "c1" });
  });

  it("runs the TCP handshake through the published port's DNAT and back", () => {
    const r = runScenario(labWorld(), {
      from: "wan",
      src: "198.51.100.10",
      to: "203.0.113.2",
      proto: "tcp",
      sport: 5555,
      dport: 8080,
    });
    expect(r.stopped).toBeUndefined();
    expect(r.packets.map((p) => p.fate)).toEqual([
      { kind: "delivered", host: "c1" },
      { kind: "delivered", host: "wan" },
      { kind: "delivered", host: "c1" },
    ]);
    expect(r.packets[0]?.received).toMatchObject({ dst: "172.17.0.2", dport: 80 });
    expect(r.packets[1]?.received).toMatchObject({ src: "203.0.113.2", sport: 8080, dport: 5555 });
    const filter = r.packets[2]?.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect(filter?.steps.at(-1)?.text).toBe(
      "-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    );
  });

  it("Docker 28's raw rule drops direct access to a container from the WAN side", () => {
    const w = labWorld();
    w.topology.hosts.get("wan")?.routes.push({ to: "172.17.0.0/16", via: "203.0.113.2", dev: "eth0" });
    const r = runScenario(w, { from: "wan", to: "172.17.0.2", proto: "icmp" });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:raw:PREROUTING" });
    expect(r.stopped).toContain("-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP");
  });

  it("the what-if rulesets: DOCKER-USER drop, icc=false, FORWARD DROP without Docker's rules", () => {
    const user = runScenario(labWorld("sim-docker-user-drop"), {
      from: "wan",
      src: "198.51.100.10",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
    });
    expect(user.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
    expect(user.packets).toHaveLength(1);
    const icc = runScenario(labWorld("sim-icc-false"), { from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(icc.packets[0]?.fate).toMatchObject({
      kind: "dropped",
      rule: { text: "-A DOCKER-FORWARD -i docker0 -o docker0 -j DROP" },
    });
    const iccOff = runScenario(labWorld("sim-icc-false", { "net.bridge.bridge-nf-call-iptables": "0" }), {
      from: "c1",
      to: "172.17.0.3",
      proto: "icmp",
    });
    expect(iccOff.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered"]);
    const fwd = runScenario(labWorld("sim-forward-drop"), { from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(fwd.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
    expect(fwd.packets[0]?.fate.kind === "dropped" && fwd.packets[0].fate.reason).toContain("policy DROP");
  });

  it("hairpin: DNAT inside the bridge back out of the same port needs hairpin mode, and MASQUERADE makes the reply come back", () => {
    const off = runScenario(labWorld("sim-hairpin"), {
      from: "c1",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
    });
    expect(off.packets[0]?.fate).toMatchObject({ kind: "lost" });
    expect(off.stopped).toContain("hairpin");
    const on = runScenario(labWorld("sim-hairpin", { "brport.veth-c1.hairpin_mode": "1" }), {
      from: "c1",
      to: "203.0.113.2",
      proto: "tcp",
      dport: 8080,
    });
    expect(on.packets.map((p) => p.fate.kind)).toEqual(["delivered", "delivered", "delivered"]);
    expect(on.packets[0]?.received).toMatchObject({ src: "172.17.0.1", dst: "172.17.0.2", dport: 80 });
    expect(on.packets[1]?.received).toMatchObject({ src: "203.0.113.2", sport: 8080, dst: "172.17.0.2" });
  });

  it("an unmodelled rule makes the rest of the walk uncertain and names the rule", () => {
    const w = labWorld();
    insertRules(w.ruleset, [
      {
        family: "ip",
        table: "filter",
        chain: "DOCKER-USER",
        args: ["-m", "set", "--match-set", "blocked", "src", "-j", "DROP"],
      },
    ]);
    const r = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    const p = r.packets[0];
    expect(p?.unmodelled[0]).toMatchObject({ chain: "DOCKER-USER", what: "-m set --match-set blocked src" });
    const i = p?.events.findIndex((e) => e.hook === "ip:filter:FORWARD") ?? -1;
    expect(p?.events[i - 1]?.uncertain).toBe(false);
    expect(p?.events.slice(i).every((e) => e.uncertain)).toBe(true);
  });

  it("a MARK set in mangle PREROUTING is seen by a filter rule later", () => {
    const w = labWorld();
    insertRules(w.ruleset, [
      {
        family: "ip",
        table: "mangle",
        chain: "PREROUTING",
        args: ["-i", "docker0", "-j", "MARK", "--set-mark", "0x7"],
      },
      {
        family: "ip",
        table: "filter",
        chain: "DOCKER-USER",
        args: ["-m", "mark", "--mark", "0x7", "-j", "REJECT"],
      },
    ]);
    const r = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(r.packets[0]?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:FORWARD" });
    expect(r.packets[0]?.notes[0]).toContain("REJECT");
  });

  it("MASQUERADE to a port range keeps the connection's own port inside it, and takes the lowest outside it", () => {
    const masquerade = (ports: string) => {
      const w = labWorld();
      insertRules(w.ruleset, [
        {
          family: "ip",
          table: "nat",
          chain: "POSTROUTING",
          args: ["-s", "172.17.0.0/16", "-p", "tcp", "-j", "MASQUERADE", "--to-ports", ports],
        },
      ]);
      const r = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "tcp", sport: 40000, dport: 80 });
      return [r.packets[0]?.received, r.packets[1]?.received].map(
        (x) => `${x?.src}:${x?.sport} > ${x?.dst}:${x?.dport}`,
      );
    };
    expect(masquerade("1024-65535")).toEqual([
      "203.0.113.2:40000 > 198.51.100.10:80",
      "198.51.100.10:80 > 172.17.0.2:40000",
    ]);
    expect(masquerade("1024-2000")).toEqual([
      "203.0.113.2:1024 > 198.51.100.10:80",
      "198.51.100.10:80 > 172.17.0.2:40000",
    ]);
  });
});

describe("a loopback source sent out of another device after DNAT at OUTPUT", () => {
  // Kernel 6.18 (ipt-docker-swarm-ingress lab): curl 127.0.0.1:8080 through Docker's DOCKER-INGRESS DNAT
  // timed out with docker_gwbridge's route_localnet 0 and connected with it 1, as Docker sets it.
  // Masqueraded on the way out, as Docker's `-o docker_gwbridge -m addrtype --src-type LOCAL` does.
  const text = `table ip t {\n\tchain o {\n\t\ttype nat hook output priority -100; policy accept;\n\t\tip daddr 127.0.0.1 tcp dport 8080 dnat to 172.17.0.2:80\n\t}\n\tchain p {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "docker0" masquerade\n\t}\n}\n`;
  const first = (sysctls: Record<string, string>) => {
    const w = textWorld(text, "t.nft");
    return runScenario(
      { ...w, sysctls: { ...w.sysctls, ...sysctls } },
      { from: "host", to: "127.0.0.1", proto: "tcp", dport: 8080 },
    ).packets[0];
  };
  it("is dropped unless route_localnet is on for that device or for all", () => {
    expect(first({}).fate).toEqual({
      kind: "lost",
      reason:
        "host: a packet from 127.0.0.1 may not leave on docker0 after DNAT to 172.17.0.2: the kernel drops it (net.ipv4.conf.docker0.route_localnet is not 1)",
    });
    expect(first({ "net.ipv4.conf.docker0.route_localnet": "1" }).fate).toEqual({
      kind: "delivered",
      host: "c1",
    });
    expect(first({ "net.ipv4.conf.all.route_localnet": "1" }).fate).toEqual({
      kind: "delivered",
      host: "c1",
    });
  });
});
