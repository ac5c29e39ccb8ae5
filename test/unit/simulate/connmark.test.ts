/**
 * Connection marks: `-j CONNMARK` / nft `ct mark set` write the connection's mark, `--restore-mark` /
 * `meta mark set ct mark` copy it to every later packet of the connection (its replies too), `-m
 * connmark` / `ct mark` match it; a new connection's mark is 0. The recorded kernel's behaviour is the
 * fixture test/fixtures/simulate/connmark-restore.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseRuleArgs } from "../../../src/core/simulate/parse-rule-args.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { tokenizeRule } from "../../../src/core/simulate/tokenize-rule.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { LAB_DIR } from "./helpers.ts";

const target = (text: string) => {
  const tk = tokenizeRule(text);
  if (!tk.ok) throw new Error(tk.message);
  const r = parseRuleArgs(tk.tokens);
  if (!r.ok) throw new Error(r.error.message);
  return r.target;
};
const ALL = 0xffffffff;

/** c1's ping to the internet in the docker-bridge lab, under `text`: each packet's fate and unmodelled rules. */
function pings(text: string) {
  const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB_DIR, "lab.json"), "utf8")));
  const ruleset = parseRulesetFile(text, "t.rules");
  expect(ruleset.diagnostics).toEqual([]);
  const world = { topology: buildTopology(lab), ruleset, ebtables: lab.ebtables, sysctls: lab.sysctls };
  return runScenario(world, { from: "c1", to: "198.51.100.10", proto: "icmp" }).packets.map(
    (p) => `${p.direction}: ${p.fate.kind}${p.unmodelled.length ? " (uncertain)" : ""}`,
  );
}

/** An iptables-save of `mangle` rules, c1's masquerade to the internet, and FORWARD (policy `policy`) with `forward`. */
function masquerading(mangle: string[], policy: string, forward: string[]): string {
  return [
    "*mangle",
    ...mangle,
    "COMMIT",
    "*nat",
    ":POSTROUTING ACCEPT [0:0]",
    "-A POSTROUTING -s 172.17.0.0/16 -o eth0 -j MASQUERADE",
    "COMMIT",
    "*filter",
    `:FORWARD ${policy} [0:0]`,
    ...forward,
    "COMMIT",
    "",
  ].join("\n");
}

describe("CONNMARK and connection marks", () => {
  it("reads -j CONNMARK as the kernel's xt_CONNMARK runs it", () => {
    expect(target("-j CONNMARK --set-xmark 0x42/0xff")).toEqual({
      kind: "CONNMARK",
      op: "set",
      value: 0x42,
      mask: 0xff,
      nfmask: ALL,
      ctmask: ALL,
    });
    // --set-mark V/M clears M and V's bits (iptables-save writes it --set-xmark V/(M|V)).
    expect(target("-j CONNMARK --set-mark 0x40/0x0f")).toMatchObject({ op: "set", value: 0x40, mask: 0x4f });
    expect(target("-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xf0")).toMatchObject({
      op: "save",
      nfmask: 0xff,
      ctmask: 0xf0,
    });
    expect(target("-j CONNMARK --restore-mark --mask 0xff")).toMatchObject({
      op: "restore",
      nfmask: 0xff,
      ctmask: 0xff,
    });
  });

  it("reads --and-mark, --or-mark and --xor-mark as the --set-xmark iptables-save prints for them; a value/mask is an error there", () => {
    // iptables-nft 1.8.9 in a namespace: --and-mark 0x1 is saved as --set-xmark 0x0/0xfffffffe,
    // --or-mark 0x1 as 0x1/0x1, --xor-mark 0x1 as 0x1/0x0; each refuses 0x1/0x2 ("bad value for option").
    expect(target("-j CONNMARK --and-mark 0x1")).toEqual(target("-j CONNMARK --set-xmark 0x0/0xfffffffe"));
    expect(target("-j CONNMARK --or-mark 0x1")).toEqual(target("-j CONNMARK --set-xmark 0x1/0x1"));
    expect(target("-j CONNMARK --xor-mark 0x1")).toEqual(target("-j CONNMARK --set-xmark 0x1/0x0"));
    for (const opt of ["--and-mark", "--or-mark", "--xor-mark"]) {
      const tk = tokenizeRule(`-j CONNMARK ${opt} 0x1/0x2`);
      if (!tk.ok) throw new Error(tk.message);
      const r = parseRuleArgs(tk.tokens);
      expect(r.ok, opt).toBe(false);
      if (!r.ok) {
        expect(r.error.column).toBe(14 + opt.length);
        expect(r.error.message).toBe(`${opt} takes bits, not value/mask: '0x1/0x2'`);
        expect(r.error.hint).toMatch(/--set-xmark/);
      }
    }
    // The connection's mark ORed with 0x7 (a new connection's is 0) comes back on the reply.
    const ored = masquerading(
      [
        ":PREROUTING ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]",
        "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff",
        "-A POSTROUTING -o eth0 -j CONNMARK --or-mark 0x7",
      ],
      "DROP",
      ["-A FORWARD -m mark --mark 0x7 -j DROP", "-A FORWARD -i docker0 -j ACCEPT"],
    );
    expect(pings(ored)).toEqual(["request: delivered", "reply: dropped"]);
  });

  const save = (forward: string) =>
    masquerading(
      [
        ":PREROUTING ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]",
        "-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff",
        "-A POSTROUTING -o eth0 -j MARK --set-xmark 0x7/0xffffffff",
        "-A POSTROUTING -o eth0 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff",
      ],
      "DROP",
      [forward, "-A FORWARD -i docker0 -j ACCEPT"],
    );

  it("a mark saved on the way out comes back on the reply (restore), decided, not uncertain", () => {
    // The reply carries mark 0x7: dropped when a rule drops that mark, accepted by one accepting it.
    expect(pings(save("-A FORWARD -m mark --mark 0x7 -j DROP"))).toEqual([
      "request: delivered",
      "reply: dropped",
    ]);
    expect(pings(save("-A FORWARD -m connmark --mark 0x7 -j ACCEPT"))).toEqual([
      "request: delivered",
      "reply: delivered",
    ]);
    // A new connection's mark is 0: the request does not match a connmark of 0x7.
    expect(pings(save("-A FORWARD -m connmark ! --mark 0x0 -j DROP"))).toEqual([
      "request: delivered",
      "reply: dropped",
    ]);
  });

  it("nft's ct mark set / meta mark set ct mark / ct mark & M == V do the same", () => {
    const nft = (rule: string) => `table ip t {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		meta mark set ct mark
	}

	chain fw {
		type filter hook forward priority filter; policy accept;
		${rule}
	}

	chain post {
		type filter hook postrouting priority mangle; policy accept;
		oifname "eth0" meta mark set 0x00000017 ct mark set meta mark
	}

	chain nat {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" masquerade
	}
}
`;
    expect(pings(nft("meta mark 0x00000017 drop"))).toEqual(["request: delivered", "reply: dropped"]);
    expect(pings(nft("ct mark & 0x000000f0 == 0x00000010 drop"))).toEqual([
      "request: delivered",
      "reply: dropped",
    ]);
    expect(pings(nft("ct mark and 0xf0 == 0x20 drop"))).toEqual(["request: delivered", "reply: delivered"]);
    expect(pings(nft("ct mark { 0x17, 0x18 } drop"))).toEqual(["request: delivered", "reply: dropped"]);
  });

  it("is explained in both rule grammars", () => {
    expect(
      explainRule("-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff").en,
    ).toBe("copy the connection's mark to the packet");
    expect(explainRule("-A FORWARD -p udp -m connmark --mark 0x40/0xf0 -j DROP").en).toBe(
      // xt_connmark fails a packet without a connection (kernel 6.18, test/fixtures/simulate/nft-ct-break).
      "if it is protocol udp and the connection's mark is 0x40/0xf0 (a packet without a connection never matches), drop the packet silently",
    );
    const n = explainNftRule('oifname "eth0" meta mark set 0x00000007 ct mark set meta mark');
    expect(n.en).toBe(
      "to eth0: set its mark to 0x7, then copy its mark to its connection, then go on with the next rule",
    );
    expect(n.unknown).toEqual([]);
    expect(explainNftRule("ct mark & 0x000000f0 == 0x00000040 drop").en).toBe(
      "whose connection's mark, masked with 0xf0, is 0x40 (a packet without a connection, e.g. untracked, ends the rule at 'ct mark': no match, nothing after it runs): drop (final: the packet ends here)",
    );
  });

  it("copies only the bits of partial --nfmask/--ctmask, as the kernel did", () => {
    // Checked in the kernel: mark 0x13, ctmark 0x100, save --nfmask 0xf --ctmask 0xff: ctmark 0x103;
    // then mark 0xabc0, restore --nfmask 0xf0 --ctmask 0xf: mark 0xab03.
    const masked = (forward: string[]) =>
      masquerading(
        [
          ":PREROUTING ACCEPT [0:0]",
          "-A PREROUTING -i docker0 -j MARK --set-xmark 0x13/0xffffffff",
          "-A PREROUTING -i docker0 -j CONNMARK --set-xmark 0x100/0xffffffff",
          "-A PREROUTING -i docker0 -j CONNMARK --save-mark --nfmask 0xf --ctmask 0xff",
          "-A PREROUTING -i docker0 -j MARK --set-xmark 0xabc0/0xffffffff",
          "-A PREROUTING -i docker0 -j CONNMARK --restore-mark --nfmask 0xf0 --ctmask 0xf",
        ],
        "ACCEPT",
        forward,
      );
    const exact = [
      "-A FORWARD -i docker0 -m connmark ! --mark 0x103 -j DROP",
      "-A FORWARD -i docker0 -m mark ! --mark 0xab03 -j DROP",
    ];
    expect(pings(masked(exact))).toEqual(["request: delivered", "reply: delivered"]);
    // With full masks the marks would be 0x13 and 0xab03 ^ 0x3 ^ 0x13: the same rules drop it.
    const full = masked(exact).replace(/ --nfmask 0xf0? --ctmask 0xff?/g, "");
    expect(pings(full)).toEqual(["request: dropped"]);
  });

  it("leaves a shifted mark (CONNMARK revision 2) unmodelled, a warning, not an error; explains masks that are not full", () => {
    const rs = parseRulesetFile(
      "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff --right-shift-mark 8\nCOMMIT\n",
      "t.rules",
    );
    expect(rs.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      "warning: target 'CONNMARK' is not modelled",
    ]);
    expect(target("-j CONNMARK --save-mark --left-shift-mark 4")).toMatchObject({
      kind: "unknown",
      name: "CONNMARK",
    });
    expect(target("-j CONNMARK --save-mark --left-shift-mark 0")).toMatchObject({
      kind: "CONNMARK",
      op: "save",
    });
    expect(explainRule("-A PREROUTING -j CONNMARK --save-mark --nfmask 0xf --ctmask 0xffffffff").en).toBe(
      "copy the packet's mark to its connection (only the packet's mark bits 0xf are copied or replaced)",
    );
    expect(
      explainRule("-A PREROUTING -j CONNMARK --restore-mark --ctmask 0xff --right-shift-mark 8").en,
    ).toBe(
      "copy the connection's mark to the packet (only the connection's mark bits 0xff are copied or replaced) (the mark shifted right by 8 bits)",
    );
    // -m recent's --mask is an address mask, not CONNMARK's.
    expect(explainRule("-A INPUT -m recent --mask 255.255.255.0 -j DROP").en).not.toMatch(/copied/);
  });
});
