/**
 * A NAT whose port is drawn at random (`--random`, `--random-fully`, nft `random`, `fully-random`), and
 * iptables-nft's MASQUERADE as nft -j lists it (a bare `xt target`). Checked on kernel 6.18 in throwaway
 * namespaces (flannel's node lab, conntrack -L after each connection): MASQUERADE --random-fully gave
 * ports 40001-40003 the ports 38485, 29558, 44319 and ports 701-703 ports of 600-1023; --random gave
 * ports 501-503 ports of 1-511, and with --to-ports 2000-3000 moved port 2500 (inside the range) to 2124;
 * a plain MASQUERADE kept 41001-41003; fully-random gave a ping a new echo id (2512 became 44658).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { nftJsonChain, textWorld } from "./helpers.ts";

/** The first packet of a TCP connection from c1 to the internet under nat POSTROUTING `rule` (iptables-save). */
function masqueraded(rule: string, sport = 40000, file = "t.rules") {
  const text = file.endsWith(".rules")
    ? `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 ${rule}\nCOMMIT\n`
    : rule;
  return runScenario(textWorld(text, file), {
    from: "c1",
    to: "198.51.100.10",
    proto: "tcp",
    dport: 80,
    sport,
  }).packets[0];
}

/** One nft nat postrouting chain holding `stmt` for c1's subnet. */
function nftNat(stmt: string): string {
  return `table ip t {\n\tchain p {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip saddr 172.17.0.0/16 oifname "eth0" ${stmt}\n\t}\n}\n`;
}

describe("a NAT whose port the kernel draws at random", () => {
  it("iptables --random-fully: the port is said to be random of 1024-65535, shown as its lowest", () => {
    const p = masqueraded("-j MASQUERADE --random-fully");
    expect(p?.received).toMatchObject({ src: "203.0.113.2", sport: 1024 });
    expect(p?.notes.join("\n")).toMatch(
      /MASQUERADE at ip:nat:POSTROUTING is random: the kernel draws the connection's source port at random from 1024-65535; shown here as its lowest, 1024/,
    );
  });

  it("takes the kernel's range by the packet's own port: 1-511 below 512, 600-1023 below 1024", () => {
    expect(masqueraded("-j MASQUERADE --random", 502)?.notes.join("\n")).toMatch(/from 1-511;/);
    expect(masqueraded("-j MASQUERADE --random-fully", 702)?.notes.join("\n")).toMatch(/from 600-1023;/);
  });

  it("draws from the target's own range even when the packet's port lies inside it", () => {
    const p = masqueraded("-p tcp -j MASQUERADE --to-ports 2000-3000 --random", 2500);
    expect(p?.received?.sport).toBe(2000);
    expect(p?.notes.join("\n")).toMatch(/at random from 2000-3000; shown here as its lowest, 2000/);
    const snat = masqueraded("-p tcp -j SNAT --to-source 203.0.113.2:2000-3000 --random", 2500);
    expect(snat?.received).toMatchObject({ src: "203.0.113.2", sport: 2000 });
  });

  it("follows an undecided rule both ways when its masquerade differs from the next only by random", () => {
    const p = masqueraded(
      nftNat("numgen random mod 2 0 masquerade random\n\t\tip saddr 172.17.0.0/16 masquerade"),
      40000,
      "t.nft",
    );
    expect(p?.unmodelled.map((u) => u.alternatives)).toEqual([["if it matched: MASQUERADE (random port)"]]);
    // The way shown (it did not match) keeps the port.
    expect(p?.received?.sport).toBe(40000);
  });

  it("a plain MASQUERADE keeps the packet's port, without a note", () => {
    const p = masqueraded("-j MASQUERADE");
    expect(p?.received?.sport).toBe(40000);
    expect(p?.notes.join("\n")).not.toMatch(/random/);
  });

  it("reads nft's fully-random and random flags, as text and as nft -j", () => {
    for (const stmt of ["masquerade fully-random", "masquerade random", "snat to 203.0.113.2 fully-random"])
      expect(masqueraded(nftNat(stmt), 40000, "t.nft")?.received?.sport, stmt).toBe(1024);
    const json = nftJsonChain("ip", { type: "nat", hook: "postrouting", prio: 100 }, [
      [
        {
          match: {
            op: "==",
            left: { payload: { protocol: "ip", field: "saddr" } },
            right: { prefix: { addr: "172.17.0.0", len: 16 } },
          },
        },
        { masquerade: { flags: "fully-random" } },
      ],
    ]);
    expect(masqueraded(json, 40000, "t.json")?.received).toMatchObject({ src: "203.0.113.2", sport: 1024 });
  });

  it("an echo keeps its id in the model, with a note that the kernel draws a new one", () => {
    const p = runScenario(textWorld(nftNat("masquerade fully-random"), "t.nft"), {
      from: "c1",
      to: "198.51.100.10",
      proto: "icmp",
    }).packets[0];
    expect(p?.received?.src).toBe("203.0.113.2");
    expect(p?.notes.join("\n")).toMatch(/is random: the kernel gives the echo a random id/);
  });
});

describe("iptables-nft's MASQUERADE as nft -j lists it (xt target, no options)", () => {
  it("masquerades to the outgoing interface's address, keeps the port and says the options are not shown", () => {
    const text = nftNat('xt target "MASQUERADE"');
    const world = textWorld(text, "t.nft");
    expect(world.ruleset.diagnostics.map((d) => d.message)).toEqual([
      `'xt target "MASQUERADE"': nft does not print the options of this iptables-nft target; read as a masquerade that keeps the port of the packet`,
    ]);
    const r = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
    expect(r.packets[0]?.received).toMatchObject({ src: "203.0.113.2", sport: 40000 });
    expect(r.packets[0]?.notes.join("\n")).toMatch(
      /nft -j does not show the options of iptables-nft's xt target MASQUERADE/,
    );
    // The reply finds its way back to c1 through the connection's binding.
    expect(r.packets[1]?.fate).toEqual({ kind: "delivered", host: "c1" });
  });
});
