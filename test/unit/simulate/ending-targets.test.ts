/**
 * TPROXY and SYNPROXY end the packet's walk through the chain: xt_TPROXY returns NF_ACCEPT (a
 * transparent socket took the packet, marked with --tproxy-mark) or NF_DROP, xt_SYNPROXY drops a SYN
 * after answering it with a cookie and steals the client's ACK; neither gives a packet back to the
 * next rule (only SYNPROXY, for every other packet). The simulator walked on from both, as from an
 * unknown target, and showed a rule after them deciding (a Cilium ruleset's TPROXY, then a MARK and
 * a FORWARD accept on that mark: the packet was forwarded). iptables-restore (1.8.9, nf_tables)
 * loads both files below.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runChain } from "../../../src/core/simulate/rule-engine.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import type { SimPacket } from "../../../src/core/simulate/sim-packet.ts";
import { routedContext, synPacket } from "./helpers.ts";

const syn = (): SimPacket => synPacket({ dst: "198.51.100.10", sport: 40000 });
const ctx = routedContext({ in: "eth1" });

/** Table `name` of `text`, and the reader's warnings (`line:column message`). */
function read(text: string, name: string) {
  const r = parseIptablesSave(text);
  return {
    table: r.rules.tables.get(name) as TableDef,
    warnings: r.diagnostics.map((d) => `${d.position?.line}:${d.position?.column} ${d.message}`),
  };
}

describe("targets that end the walk though the simulator does not follow them", () => {
  const tproxy = read(
    "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j TPROXY --on-port 16931 --on-ip 127.0.0.1 --tproxy-mark 0x200/0xffffffff\n-A PREROUTING -p tcp -j MARK --set-xmark 0x77/0xffffffff\n-A PREROUTING -p tcp -j DROP\nCOMMIT\n",
    "mangle",
  );

  it("TPROXY: the packet is taken there with its mark, and no rule after it runs", () => {
    expect(tproxy.warnings).toEqual([
      "3:22 'TPROXY --on-port 16931 --on-ip 127.0.0.1 --tproxy-mark 0x200/0xffffffff' hands the packet to a transparent proxy socket on this host, which the simulator does not model",
    ]);
    const p = syn();
    const run = runChain(tproxy.table, "PREROUTING", p, ctx);
    expect(run.verdict).toBe("ACCEPT");
    expect(run.steps.map((s) => `${s.line} ${s.verdict}`)).toEqual(["3 TPROXY"]);
    expect(p.mark).toBe(0x200);
    expect(run.unmodelled.map((u) => u.what)).toEqual([
      "TPROXY --on-port 16931 --on-ip 127.0.0.1 --tproxy-mark 0x200/0xffffffff: taken by a transparent proxy socket on this host (none listening: the kernel drops it); its local delivery needs a policy route on the mark, which the lab does not hold",
    ]);
  });

  it("TPROXY as iptables-nft lists it (xt target, no options): the mark it sets is unknown from there", () => {
    const parsed = parseNftRuleset(
      'table ip mangle {\n\tchain PREROUTING {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t\tmeta l4proto tcp xt target "TPROXY"\n\t}\n}\n',
    );
    const p = syn();
    const run = runChain(parsed.tables[0] as TableDef, "PREROUTING", p, ctx);
    expect(run.verdict).toBe("ACCEPT");
    expect(p.markUnknown).toBe('line 4: xt target "TPROXY"');
  });

  const synproxy = read(
    "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp --dport 80 -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460\n-A FORWARD -p tcp --dport 80 -j DROP\nCOMMIT\n",
    "filter",
  );

  it("SYNPROXY: a SYN is dropped there (the host answered it with its cookie), and so is the client's ACK", () => {
    const first = runChain(synproxy.table, "FORWARD", syn(), ctx);
    expect([first.verdict, first.steps.map((s) => `${s.line} ${s.verdict}`)]).toEqual(["DROP", ["3 DROP"]]);
    expect(first.unmodelled[0]?.what).toMatch(
      /answered this SYN with a SYN cookie of its own and dropped it/,
    );
    const ack = runChain(synproxy.table, "FORWARD", { ...syn(), tcpFlags: ["ACK"] }, ctx);
    expect(ack.unmodelled[0]?.what).toMatch(/took the client's ACK/);
  });

  it("SYNPROXY: a SYN with FIN or RST is no SYN it answers, and goes on", () => {
    for (const flags of [
      ["SYN", "FIN"],
      ["SYN", "RST"],
    ]) {
      const odd = runChain(synproxy.table, "FORWARD", { ...syn(), tcpFlags: flags }, ctx);
      expect(
        odd.steps.map((s) => `${s.line} ${s.verdict}`),
        flags.join(","),
      ).toEqual(["3 CONTINUE", "4 DROP"]);
    }
  });

  it("SYNPROXY: any other packet goes on to the next rule, decided", () => {
    const fin = runChain(synproxy.table, "FORWARD", { ...syn(), tcpFlags: ["ACK", "FIN"] }, ctx);
    expect([fin.verdict, fin.steps.map((s) => `${s.line} ${s.verdict}`), fin.unmodelled]).toEqual([
      "DROP",
      ["3 CONTINUE", "4 DROP"],
      [],
    ]);
  });
});
