/**
 * What an nft rule writes after a verdict map's `continue`: more maps and verdicts, NATs of one
 * family, matches the simulator cannot decide, what an unmodelled statement before the map left
 * unknown; and rate limits, which a fresh token bucket passes. Checked on kernel 6.18 (nft 1.0.6) in
 * throwaway namespaces with rule counters and `nft monitor trace`: see the fixture
 * test/fixtures/simulate/nft-after-continue.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reachableChains } from "../../../src/core/render/reachable-chains.ts";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { Simulator, type World } from "../../../src/core/simulate/simulate-packet.ts";
import { natPreroutingAndInput, textWorld, wanTcpFates } from "./helpers.ts";

const DIR = join(import.meta.dirname, "../../fixtures/simulate/nft-after-continue");

/** The fixture's host (wan 203.0.113.1 -> host 203.0.113.2) under `text`. */
const world = (text: string, file = "t.nft"): World => textWorld(text, file, DIR);

/** The first packet of a TCP connection from the WAN to the host's port `dport`. */
const first = (w: World, dport: number) =>
  runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport }).packets[0];

/** The rules of the filter input chain of `w` as the walk met them: verdict, and `?` when undecided. */
const inputSteps = (w: World, dport: number) =>
  (first(w, dport)?.events.find((e) => e.hook === "ip:filter:input")?.steps ?? []).map(
    (s) => `${s.verdict}${s.unmodelled ? "?" : ""}${s.chance ? " (chance)" : ""}`,
  );

const input = (rules: string) => natPreroutingAndInput("", rules);

describe("verdicts written after a second verdict map's continue", () => {
  const rule = "tcp dport vmap { 9999 : continue } ip saddr vmap { 203.0.113.1 : continue } drop";

  it("are read and act, without a warning (the kernel loads the rule and drops)", () => {
    const w = world(input(rule));
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(wanTcpFates(w, 9999, 9998)).toEqual(["9999: dropped", "9998: host"]);
    const r = parseNftRuleset(input(rule)).tables[1]?.chains.get("input")?.rules[0];
    expect(r?.afterVerdicts?.map((a) => [a.verdict.kind, a.conditions, a.effects])).toEqual([
      ["vmap", 0, 0],
      ["DROP", 0, 0],
    ]);
    // The second map finds nothing for another source: the rule breaks there, the drop never acts.
    const miss = world(input(rule.replace("203.0.113.1", "198.51.100.7")));
    expect(wanTcpFates(miss, 9999)).toEqual(["9999: host"]);
  });

  it("a third map and the statements between them act in order", () => {
    const w = world(
      input(
        `tcp dport vmap { 9999 : continue } meta mark set 0x1 ip saddr vmap { 203.0.113.1 : continue } meta mark set 0x2 tcp sport vmap { 40000 : continue } meta mark set 0x3\n\t\tmeta mark 0x3 drop`,
      ),
    );
    expect(w.ruleset.diagnostics).toEqual([]);
    expect(wanTcpFates(w, 9999, 9998)).toEqual(["9999: dropped", "9998: host"]);
  });

  it("a verdict after a plain verdict is refused, as nft refuses it (Statement after terminal statement), and the rule is not walked", () => {
    const w = world(input("tcp dport vmap { 9999 : continue } drop accept"));
    expect(w.ruleset.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        "error",
        `'accept' after the rule's verdict or NAT does not act: the first one ends the rule, and nft refuses the rule ("Statement after terminal statement has no effect")`,
      ],
    ]);
    expect(wanTcpFates(w, 9999)).toEqual(["9999: host"]);
  });
});

describe("a NAT of one family written after a verdict map's continue", () => {
  const nat = (rule: string) => `table inet nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		${rule}
		tcp dport 9999 meta mark set 0x3
	}
}
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		meta mark 0x3 drop
	}
}
`;

  it("leaves a packet of the other family alone: the rule goes on, the next rule acts (the kernel's 9003)", () => {
    const w = world(nat("tcp dport vmap { 9999 : continue } dnat ip6 to 2001:db8::1"));
    expect(w.ruleset.diagnostics).toEqual([]);
    const p = first(w, 9999);
    expect(p?.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:input" });
    expect(p?.unmodelled ?? []).toEqual([]);
  });

  it("NATs a packet of its own family (`dnat ip` in an inet table)", () => {
    const w = world(nat("tcp dport vmap { 9999 : continue } dnat ip to 192.168.1.30"));
    expect(wanTcpFates(w, 9999)).toEqual(["9999: nas"]);
  });
});

describe("a second map is checked when the ruleset loads, as the first", () => {
  it("a missing named map, a jump to a missing chain", () => {
    const messages = (rule: string) => world(input(rule)).ruleset.diagnostics.map((d) => d.message);
    expect(messages("tcp dport vmap { 9999 : continue } ip saddr vmap @nope")).toEqual([
      "verdict map '@nope' does not exist in table ip filter",
    ]);
    expect(
      messages("tcp dport vmap { 9999 : continue } ip saddr vmap { 203.0.113.1 : jump nowhere }"),
    ).toEqual(["chain 'nowhere' does not exist in table ip filter"]);
    expect(messages("tcp dport vmap { 9999 : continue } dnat to ip saddr map @nomap")).toEqual([
      "map '@nomap' does not exist in table ip filter",
    ]);
  });
});

describe("chains reached through a second verdict map", () => {
  it("are listed with the chain that jumps to them", () => {
    const text = `table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport vmap { 9999 : continue } ip saddr vmap { 203.0.113.1 : jump from_wan, 198.51.100.1 : goto other }
	}
	chain from_wan {
		drop
	}
	chain other {
		accept
	}
}
`;
    const table = parseNftRuleset(text).tables[0];
    if (!table) throw new Error("no table");
    expect(reachableChains(table, "input").map((c) => c.name)).toEqual(["input", "from_wan", "other"]);
    expect(wanTcpFates(world(text), 9999, 9998)).toEqual(["9999: dropped", "9998: host"]);
  });
});

describe("an unmodelled statement written before the first verdict map", () => {
  it("leaves what it set unknown past the map's continue: a match on it there is undecided", () => {
    const w = world(
      input("meta mark set ct mark and 0xff tcp dport vmap { 9999 : continue } meta mark 0x0 drop"),
    );
    const p = first(w, 9999);
    // Not read as the mark the packet came with (0): the drop is not taken as certain.
    expect(p?.fate.kind).toBe("delivered");
    expect((p?.unmodelled ?? []).map((u) => u.what)).toEqual(["meta mark set ct mark and 0xff"]);
    // A whole set after the map makes it known again.
    const known = world(
      input(
        "meta mark set ct mark and 0xff tcp dport vmap { 9999 : continue } meta mark set 0x0 meta mark 0x0 drop",
      ),
    );
    expect(first(known, 9999)?.fate.kind).toBe("dropped");
    expect(first(known, 9999)?.unmodelled ?? []).toEqual([]);
  });
});

describe("a match the simulator cannot decide, written after a verdict map", () => {
  it("is followed both ways: decided when both end alike", () => {
    const w = world(input("tcp dport vmap { 9999 : continue } meta cpu 1 drop\n\t\tdrop"));
    const p = first(w, 9999);
    expect(p?.fate.kind).toBe("dropped");
    expect(p?.unmodelled ?? []).toEqual([]);
    expect(inputSteps(w, 9999)).toEqual(["DROP (chance)"]);
  });

  it("names the other outcome when they differ, walked as not matched (as before the map)", () => {
    const w = world(input("tcp dport vmap { 9999 : continue } meta cpu 1 drop"));
    const p = first(w, 9999);
    expect(p?.fate.kind).toBe("delivered");
    expect((p?.unmodelled ?? []).map((u) => [u.what, u.alternatives])).toEqual([
      ["meta cpu 1", ["if it matched: DROP"]],
    ]);
    // The same match before the map gives the same note.
    const before = world(input("meta cpu 1 tcp dport vmap { 9999 : drop }"));
    expect((first(before, 9999)?.unmodelled ?? []).map((u) => [u.what, u.alternatives])).toEqual([
      ["meta cpu 1", ["if it matched: DROP"]],
    ]);
  });
});

describe("a rate limit (a fresh token bucket passes the first packets)", () => {
  // Kernel 6.18: a fresh nft `limit rate 1/second` and iptables `-m limit --limit 1/second` each
  // counted the first packet of a connection as matched.
  const ipt = (limit: string, target: string) =>
    `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 9999 ${limit} -j ${target}\n-A INPUT -p tcp --dport 9999 -j DROP\nCOMMIT\n`;

  it("is walked as matched, the other outcome named, for nft limit and iptables -m limit alike", () => {
    const nft = world(input("tcp dport 9999 limit rate 1/second accept\n\t\ttcp dport 9999 drop"));
    const xt = world(ipt("-m limit --limit 1/second", "ACCEPT"), "iptables.rules");
    const after = world(input("tcp dport vmap { 9999 : continue } limit rate 1/second accept\n\t\tdrop"));
    for (const w of [nft, xt, after]) {
      const p = first(w, 9999);
      expect(p?.fate.kind).toBe("delivered");
      expect((p?.unmodelled ?? []).map((u) => u.alternatives)).toEqual([["if it did not match: DROP"]]);
    }
  });

  it("over the rate (nft `over`, `--hashlimit-above`) a fresh bucket does not match", () => {
    const nft = world(input("tcp dport 9999 limit rate over 1/second accept\n\t\ttcp dport 9999 drop"));
    const xt = world(
      ipt("-m hashlimit --hashlimit-above 1/sec --hashlimit-mode srcip --hashlimit-name x", "ACCEPT"),
      "iptables.rules",
    );
    for (const w of [nft, xt]) {
      const p = first(w, 9999);
      expect(p?.fate.kind).toBe("dropped");
      expect((p?.unmodelled ?? []).map((u) => u.alternatives)).toEqual([["if it matched: ACCEPT"]]);
    }
  });

  // Kernel 6.18 (namespaces, counters): a named `limit lim { rate over 1/second }` did not match the
  // first SYN; a fresh `limit rate 10 bytes/second` did not pass a 60-byte SYN, `100 bytes/second` did.
  it("is not taken as passed where the rule does not show which way it goes", () => {
    const named = world(
      `table ip filter {\n\tlimit lim {\n\t\trate over 1/second\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 9999 limit name "lim" accept\n\t\ttcp dport 9999 drop\n\t}\n}\n`,
    );
    // iptables-nft's untranslated hashlimit: --hashlimit-upto or --hashlimit-above, the listing does not say.
    const xtHash = world(input('tcp dport 9999 xt match "hashlimit" accept\n\t\ttcp dport 9999 drop'));
    for (const w of [named, xtHash]) {
      const p = first(w, 9999);
      expect(p?.fate.kind).toBe("dropped");
      expect((p?.unmodelled ?? []).map((u) => u.alternatives)).toEqual([["if it matched: ACCEPT"]]);
    }
  });

  it("in bytes, passes a first packet no longer than the rate and burst allow", () => {
    const bytes = (limit: string) =>
      first(world(input(`tcp dport 9999 limit rate ${limit} accept\n\t\ttcp dport 9999 drop`)), 9999)?.fate
        .kind;
    // The first SYN is 60 bytes.
    expect(bytes("10 bytes/second")).toBe("dropped");
    expect(bytes("100 bytes/second")).toBe("delivered");
    expect(bytes("10 bytes/second burst 50 bytes")).toBe("delivered");
    expect(bytes("1 kbytes/second")).toBe("delivered");
    expect(bytes("over 100 bytes/second")).toBe("dropped");
    // hashlimit's byte mode gives a new entry room for its first packet, whatever the rate (kernel 6.18:
    // `--hashlimit-upto 10b/s`, saved back as 0b/s, and 48b/s passed a 60-byte SYN).
    const hash = world(
      ipt("-m hashlimit --hashlimit-upto 10b/s --hashlimit-mode srcip --hashlimit-name x", "ACCEPT"),
      "iptables.rules",
    );
    expect(first(hash, 9999)?.fate.kind).toBe("delivered");
  });
});

describe("a packet notrack leaves untracked (before conntrack, at raw priority)", () => {
  const raw = (pre: string, nat: string, filter: string) => `table inet raw {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		${pre}
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		${nat}
	}
}
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		${filter}
	}
}
`;

  it("reads ct state untracked, in a later chain and later in the same rule (the kernel's 9001, 9002)", () => {
    const later = world(raw("tcp dport 9999 notrack", "", "ct state untracked drop"));
    expect(later.ruleset.diagnostics).toEqual([]);
    expect(wanTcpFates(later, 9999, 9998)).toEqual(["9999: dropped", "9998: host"]);
    const notNew = world(raw("tcp dport 9999 notrack", "", "ct state new drop"));
    expect(wanTcpFates(notNew, 9999, 9998)).toEqual(["9999: host", "9998: dropped"]);
    const same = world(
      raw("tcp dport 9999 notrack ct state untracked meta mark set 0x2", "", "meta mark 0x2 drop"),
    );
    expect(wanTcpFates(same, 9999, 9998)).toEqual(["9999: dropped", "9998: host"]);
    expect(first(same, 9999)?.unmodelled ?? []).toEqual([]);
  });

  it("skips the nat chains: its DNAT never runs (the kernel's 9007)", () => {
    const w = world(raw("tcp dport 9999 notrack", "tcp dport { 9999, 9998 } dnat to 192.168.1.30", ""));
    expect(wanTcpFates(w, 9999, 9998)).toEqual(["9999: host", "9998: nas"]);
    expect(first(w, 9999)?.events.map((e) => e.hook)).not.toContain("ip:nat:prerouting");
    expect(first(w, 9998)?.events.map((e) => e.hook)).toContain("ip:nat:prerouting");
  });

  it("does nothing to a packet conntrack already saw (notrack at input, the kernel's 9006)", () => {
    const w = world(raw("", "", "tcp dport 9999 notrack ct state untracked drop"));
    expect(wanTcpFates(w, 9999)).toEqual(["9999: host"]);
  });

  // Kernel 6.18 (counters, nf_conntrack_tcp_loose 0): a bare ACK with no connection read ct state
  // invalid at prerouting; notrack at input then left it untracked (nft_notrack_eval checks only
  // that no connection is attached), and the next rule's ct state untracked dropped it.
  it("leaves a packet conntrack called INVALID untracked, even after conntrack", () => {
    const w = world(raw("", "", "tcp dport 9999 notrack\n\t\tct state untracked drop"));
    // As recorded: with the default (1) conntrack picks the ACK up as NEW.
    w.sysctls = { ...w.sysctls, "net.netfilter.nf_conntrack_tcp_loose": "0" };
    const ack = new Simulator(w).send({
      from: "wan",
      to: "203.0.113.2",
      proto: "tcp",
      sport: 41000,
      dport: 9999,
      tcpFlags: ["ACK"],
      direction: "request",
    });
    expect(ack.fate).toMatchObject({ kind: "dropped", hook: "ip:filter:input" });
  });
});

describe("iptables' notrack targets (-j CT --notrack, -j NOTRACK in the raw table)", () => {
  // Kernel 6.18 (iptables-legacy, counters): both left the first SYN untracked, so `--ctstate
  // UNTRACKED -j DROP` at INPUT dropped it, while another port's SYN was NEW.
  const ipt = (target: string, state: string) =>
    `*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 9999 -j ${target}\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp ${state} -j DROP\nCOMMIT\n`;

  it("are read as nft's notrack: the packet is untracked from there on, nothing left unsaid", () => {
    for (const target of ["CT --notrack", "NOTRACK"]) {
      const w = world(ipt(target, "-m conntrack --ctstate UNTRACKED"), "iptables.rules");
      expect(w.ruleset.diagnostics, target).toEqual([]);
      expect(wanTcpFates(w, 9999, 9998), target).toEqual(["9999: dropped", "9998: host"]);
      expect(first(w, 9999)?.unmodelled ?? [], target).toEqual([]);
      const state = world(ipt(target, "-m state --state NEW"), "iptables.rules");
      expect(wanTcpFates(state, 9999, 9998), target).toEqual(["9999: host", "9998: dropped"]);
    }
  });

  it("another CT target (a helper) stays unmodelled (a zone is modelled: conntrack-zones fixture)", () => {
    const w = world(ipt("CT --helper ftp", "-m conntrack --ctstate UNTRACKED"), "iptables.rules");
    expect(w.ruleset.diagnostics.map((d) => d.message)).toEqual(["target 'CT' is not modelled"]);
  });
});

describe("a verdict written after a NAT", () => {
  it("is refused: nft refuses it even after a NAT of one family (Statement after terminal statement)", () => {
    const w = world(
      `table inet nat {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 9999 dnat ip to 192.168.1.30 drop\n\t}\n}\n`,
    );
    expect(w.ruleset.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        "error",
        `'drop' after the rule's verdict or NAT does not act: the first one ends the rule, and nft refuses the rule ("Statement after terminal statement has no effect")`,
      ],
    ]);
    // The refused rule is not walked, as any rule nft refuses.
    expect(wanTcpFates(w, 9999)).toEqual(["9999: host"]);
  });
});
