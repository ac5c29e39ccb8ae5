/**
 * iptables `-j NFQUEUE`/`-j QUEUE` and nft `queue` hand the packet to a userspace program. Checked on
 * kernel 6.18 in a throwaway namespace: `-A OUTPUT -o lo -p icmp -j NFQUEUE --queue-num 5
 * --queue-bypass` then `-j DROP`, no program listening: the ping is answered and the DROP's counter
 * stays 0 (the packet resumed at the next hook, not at the next rule); without --queue-bypass the ping
 * is dropped. The simulator takes the program as accepting the packet, says so, and marks the rest
 * uncertain. (This kernel has no nft_queue: nft's queue follows the same path per the kernel's source.)
 */
import { describe, expect, it } from "vitest";
import { queueBypass } from "../../../src/core/simulate/queue-target.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { rulesetText, textWorld } from "./helpers.ts";

/** Docker 28's rules with `rule` first in DOCKER-USER (every forwarded packet meets it). */
const dockerWith = (rule: string) =>
  rulesetText("docker-28").replace(
    "-A DOCKER-USER -j RETURN",
    `-A DOCKER-USER ${rule}\n-A DOCKER-USER -j DROP`,
  );

describe("a queue target", () => {
  it("ends the table's walk at its hook: the rules after it do not run, the packet goes on", () => {
    const w = textWorld(dockerWith("-j NFQUEUE --queue-num 0 --queue-bypass"), "q.rules");
    const warning = w.ruleset.diagnostics.find((d) => d.message.includes("NFQUEUE"));
    expect(warning?.message).toBe(
      "'NFQUEUE --queue-num 0 --queue-bypass' hands the packet to a userspace program (a netfilter queue), which decides its fate",
    );
    expect(warning?.hint).toContain("with bypass, a packet no program is listening for goes on the same way");
    const r = runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 8080 });
    const first = r.packets[0];
    // The DROP after the queue rule would have ended the path: the program's accept resumes at the next hook.
    expect(first?.fate).toEqual({ kind: "delivered", host: "c1" });
    const forward = first?.events.find((e) => e.hook === "ip:filter:FORWARD");
    expect(forward?.steps?.map((s) => s.verdict)).toEqual(["JUMP", "QUEUE"]);
    expect(first?.unmodelled[0]?.what).toBe(
      "NFQUEUE --queue-num 0 --queue-bypass: a userspace program decides; taken as accepting the packet, which goes on at the next hook",
    );
    expect(forward?.uncertain).toBe(true);
  });

  it("without bypass, says the kernel drops it when no program listens", () => {
    const w = textWorld(dockerWith("-j QUEUE"), "q.rules");
    expect(w.ruleset.diagnostics.find((d) => d.message.includes("'QUEUE'"))?.hint).toContain(
      "when no program listens on the queue the kernel drops the packet",
    );
    const r = runScenario(w, { from: "c1", to: "203.0.113.1", proto: "icmp" });
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "wan" });
    expect(r.packets[0]?.unmodelled[0]?.what).toContain("(none listening: the kernel drops it)");
  });

  it("reads nft's queue statement, text and JSON, the same way", () => {
    const table = (stmt: string) => `table inet f {
	chain fwdc {
		type filter hook forward priority filter; policy drop;
		${stmt}
		drop
	}
}
`;
    const text = textWorld(table("queue flags bypass to 3"), "q.nft");
    expect(text.ruleset.diagnostics.map((d) => d.message)).toEqual([
      "'queue flags bypass to 3' hands the packet to a userspace program (a netfilter queue), which decides its fate",
    ]);
    const r = runScenario(text, { from: "c1", to: "203.0.113.1", proto: "icmp" });
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "wan" });
    const json = JSON.stringify({
      nftables: [
        { table: { family: "inet", name: "f", handle: 1 } },
        {
          chain: {
            family: "inet",
            table: "f",
            name: "fwdc",
            handle: 1,
            type: "filter",
            hook: "forward",
            prio: 0,
            policy: "drop",
          },
        },
        {
          rule: {
            family: "inet",
            table: "f",
            chain: "fwdc",
            handle: 2,
            expr: [{ queue: { num: 3, flags: "bypass" } }],
          },
        },
      ],
    });
    const j = textWorld(json, "q.json");
    expect(j.ruleset.diagnostics.map((d) => d.message)).toEqual([
      "'queue flags bypass to 3' hands the packet to a userspace program (a netfilter queue), which decides its fate",
    ]);
    expect(runScenario(j, { from: "c1", to: "203.0.113.1", proto: "icmp" }).packets[0]?.fate).toEqual({
      kind: "delivered",
      host: "wan",
    });
  });

  it("tells bypass by its word, not inside another", () => {
    expect(queueBypass("NFQUEUE --queue-num 1 --queue-bypass")).toBe(true);
    expect(queueBypass("queue flags bypass,fanout to 0-3")).toBe(true);
    expect(queueBypass("queue num 2 bypass")).toBe(true);
    expect(queueBypass("NFQUEUE --queue-balance 0:3")).toBe(false);
    expect(queueBypass("queue to 1")).toBe(false);
  });
});
