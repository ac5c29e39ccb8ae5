/**
 * A connection mark copied from a packet mark the model does not know (`-j CONNMARK --save-mark`, nft
 * `ct mark set meta mark`, after an unmodelled rule that may set the mark) is not known either: a later
 * `ct mark` / `-m connmark --mark` match is undecided and names the rule that made the mark unknown,
 * for the connection's later packets (its replies) too; `--restore-mark` / `meta mark set ct mark` of
 * such a connection mark leaves the packet's mark unknown in turn. Copies whose masks take no unknown
 * bit stay decided.
 */
import { describe, expect, it } from "vitest";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** A ping from the lab's wan to the router's 203.0.113.2 under an nft ruleset: request and reply. */
function nftPing(pre: string, input: string, output = "") {
  const text = `table inet t {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		${pre}
	}

	chain in {
		type filter hook input priority filter; policy accept;
		${input}
	}

	chain out {
		type filter hook output priority filter; policy accept;
		${output}
	}
}
`;
  return runScenario(textWorld(text), { from: "wan", to: "203.0.113.2", proto: "icmp" }).packets;
}

/** The first packet of a TCP connection from the wan to the router's port 22 under an iptables-save `mangle` and `filter` INPUT. */
function iptablesSsh(mangle: string[], input: string[]) {
  const text = [
    "*mangle",
    ":PREROUTING ACCEPT [0:0]",
    ...mangle,
    "COMMIT",
    "*filter",
    ":INPUT ACCEPT [0:0]",
    ...input,
    "COMMIT",
    "",
  ].join("\n");
  const w = textWorld("", "t.rules");
  const ruleset = parseRulesetFile(text, "t.rules");
  expect(ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return runScenario({ ...w, ruleset }, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22 })
    .packets[0];
}

/** The undecided rule whose text holds `text`, with why. */
const undecided = (p: { unmodelled: { text: string; what: string }[] } | undefined, text: string) =>
  p?.unmodelled.find((u) => u.text.includes(text));

describe("a connection mark copied from an unknown packet mark", () => {
  it("nft ct mark set meta mark: a later ct mark match is undecided, naming the rule", () => {
    const [request] = nftPing('xt target "MARK"\n\t\tct mark set meta mark', "ct mark 0x00000001 drop");
    const why = undecided(request, "ct mark 0x00000001 drop");
    expect(why?.what).toContain("the connection's mark holds bits a rule that is not modelled may have set");
    expect(why?.what).toContain('xt target "MARK"');
  });

  it("without the unknown mark before it, the same match is decided (the copied mark is 0)", () => {
    const [request] = nftPing("ct mark set meta mark", "ct mark 0x00000001 drop");
    expect(request?.fate.kind).toBe("delivered");
    expect(request?.unmodelled).toEqual([]);
  });

  it("stays unknown for the reply of the connection, and meta mark set ct mark passes it to the reply's mark", () => {
    const pre = 'xt target "MARK"\n\t\tct mark set meta mark';
    const [, matched] = nftPing(pre, "", "ct mark 0x00000002 drop");
    expect(undecided(matched, "ct mark 0x00000002 drop")?.what).toContain('xt target "MARK"');
    const [, reply] = nftPing(pre, "", "meta mark set ct mark\n\t\tmeta mark 0x00000001 drop");
    const restored = undecided(reply, "meta mark 0x00000001 drop");
    expect(restored?.what).toContain("the mark was last changed by a rule that is not modelled");
    expect(restored?.what).toContain('xt target "MARK"');
  });

  it("a restore and a mark match in one rule: the match's reason names the rule that made the mark unknown", () => {
    const [, reply] = nftPing(
      'xt target "MARK"\n\t\tct mark set meta mark',
      "",
      "meta mark set ct mark meta mark 0x00000001 drop",
    );
    expect(undecided(reply, "meta mark 0x00000001 drop")?.what).toContain('xt target "MARK"');
  });

  it("a ct mark set to a whole value makes it known again", () => {
    const [request] = nftPing(
      'xt target "MARK"\n\t\tct mark set meta mark\n\t\tct mark set 0x00000001',
      "ct mark 0x00000001 drop",
    );
    expect(request?.fate.kind).toBe("dropped");
    expect(undecided(request, "ct mark 0x00000001 drop")).toBeUndefined();
  });

  it("a ct mark set that keeps some of the old bits (ct mark and 0xffff0000 xor 0x1) leaves it unknown", () => {
    const [request] = nftPing(
      'xt target "MARK"\n\t\tct mark set meta mark\n\t\tct mark set ct mark and 0xffff0000 xor 0x00000001',
      "ct mark 0x00000001 drop",
    );
    expect(undecided(request, "ct mark 0x00000001 drop")?.what).toContain('xt target "MARK"');
  });

  it("an unmodelled ct mark set (masked: ct mark set meta mark and 0xff) leaves the connection's mark unknown", () => {
    const [request] = nftPing("ct mark set meta mark and 0x000000ff", "ct mark 0x00000001 drop");
    expect(undecided(request, "ct mark 0x00000001 drop")?.what).toContain(
      "ct mark set meta mark and 0x000000ff",
    );
  });

  it("iptables --save-mark with --nfmask/--ctmask: unknown when the nfmask takes packet bits, decided when it takes none", () => {
    const mangle = (save: string) => [
      // A shifted restore: packet and connection mark both unknown (not modelled).
      "-A PREROUTING -p tcp --dport 22 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff --right-shift-mark 8",
      // The connection's whole mark set again: known.
      "-A PREROUTING -j CONNMARK --set-xmark 0x0/0xffffffff",
      save,
    ];
    const input = ["-A INPUT -m connmark --mark 0x1 -j DROP"];
    const p = iptablesSsh(
      mangle("-A PREROUTING -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xffffffff"),
      input,
    );
    const why = undecided(p, "--mark 0x1");
    expect(why?.what).toContain("--right-shift-mark 8");
    expect(why?.what).toContain("copied to the connection by line");
    const none = iptablesSsh(
      mangle("-A PREROUTING -j CONNMARK --save-mark --nfmask 0x0 --ctmask 0xffffffff"),
      input,
    );
    expect(none?.fate.kind).toBe("delivered");
    expect(undecided(none, "--mark 0x1")).toBeUndefined();
  });

  it("iptables --restore-mark of an unknown connection mark leaves the packet's mark unknown", () => {
    const p = iptablesSsh(
      [
        "-A PREROUTING -p tcp --dport 22 -j CONNMARK --save-mark --right-shift-mark 8",
        "-A PREROUTING -j MARK --set-xmark 0x0/0xffffffff",
        "-A PREROUTING -j CONNMARK --restore-mark --mask 0xff",
      ],
      ["-A INPUT -m mark --mark 0x1 -j DROP"],
    );
    const why = undecided(p, "-m mark --mark 0x1");
    expect(why?.what).toContain("the mark was last changed by a rule that is not modelled");
    expect(why?.what).toContain("copied back to the packet by line");
  });

  it("a verdict map keyed on an unknown ct mark (or packet mark) is undecided, not looked up with the stale 0", () => {
    const [request] = nftPing(
      'xt target "MARK"\n\t\tct mark set meta mark',
      "ct mark vmap { 0x00000000 : accept, 0x00000001 : drop }",
    );
    const why = undecided(request, "ct mark vmap");
    expect(why?.what).toContain("the connection's mark holds bits a rule that is not modelled may have set");
    expect(why?.what).toContain('xt target "MARK"');
    const [marked] = nftPing('xt target "MARK"', "meta mark vmap { 0x00000000 : accept, 0x00000001 : drop }");
    expect(undecided(marked, "meta mark vmap")?.what).toContain(
      "the mark was last changed by a rule that is not modelled",
    );
    // A known ct mark is looked up as before.
    const [known] = nftPing(
      "ct mark set 0x00000001",
      "ct mark vmap { 0x00000000 : accept, 0x00000001 : drop }",
    );
    expect(known?.fate.kind).toBe("dropped");
    expect(known?.unmodelled).toEqual([]);
  });
});

describe("marks in a forked walk (an undecided rule followed both ways)", () => {
  it("a mark left unknown after an undecided rule is handed on by the way followed (to the next chain)", () => {
    // Both ways of the undecided `meta cpu` rule meet the unmodelled MARK target after it.
    const [request] = nftPing(
      'meta cpu > 0 meta mark set 0x00000000\n\t\txt target "MARK"',
      "meta mark 0x00000001 drop",
    );
    expect(undecided(request, "meta mark 0x00000001 drop")?.what).toContain('xt target "MARK"');
  });

  it("is not seen by the other way: an undecided ct mark set then a ct mark match stays undecided", () => {
    // `meta cpu` is not modelled: the walk follows the rule both ways; only the way it matched sets the ct mark.
    const [request] = nftPing("meta cpu > 0 ct mark set 0x00000001\n\t\tct mark 0x00000001 drop", "");
    expect(request?.fate.kind).toBe("delivered");
    expect(undecided(request, "meta cpu > 0")).toBeDefined();
  });

  it("ways that set the same ct mark hand it on, decided", () => {
    // Both ways (the mark set to the 0 it was, or not) go on to set the ct mark on their copy of the connection.
    const [request] = nftPing(
      "meta cpu > 0 meta mark set 0x00000000\n\t\tct mark set 0x00000001",
      "ct mark 0x00000001 drop",
    );
    expect(request?.fate.kind).toBe("dropped");
    expect(request?.unmodelled).toEqual([]);
  });
});

/**
 * Checked on kernel 6.18 in throwaway namespaces (iptables-nft, mangle OUTPUT, one ping, counters and
 * `conntrack -L`): after `MARK --set-mark 0x100`, `CONNMARK --save-mark --right-shift-mark 8` left the
 * packet's mark 0x100 and set the connection's to 1; after `CONNMARK --set-mark 0x5`, `--restore-mark
 * --left-shift-mark 8` set the packet's to 0x500 and left the connection's 5.
 */
describe("a shifted CONNMARK copy (not modelled) leaves unknown only the mark it writes", () => {
  const MARK = "-A INPUT -m mark --mark 0x0 -j DROP";
  const CONNMARK = "-A INPUT -m connmark --mark 0x0 -j DROP";
  // [the copy, the match it leaves decided, the match it leaves undecided]
  for (const [copy, decided, unknown] of [
    ["--save-mark --right-shift-mark 8", MARK, CONNMARK],
    ["--restore-mark --left-shift-mark 8", CONNMARK, MARK],
  ] as const)
    it(`${copy}: ${unknown.includes("connmark") ? "the connection's mark, not the packet's" : "the packet's mark, not the connection's"}`, () => {
      const mangle = [`-A PREROUTING -p tcp --dport 22 -j CONNMARK ${copy}`];
      const known = iptablesSsh(mangle, [decided]);
      expect(known?.fate.kind).toBe("dropped");
      expect(undecided(known, decided.slice("-A INPUT ".length))).toBeUndefined();
      const unsure = iptablesSsh(mangle, [unknown]);
      expect(undecided(unsure, unknown.slice("-A INPUT ".length))?.what).toContain(copy.split(" --")[1]);
    });
});
