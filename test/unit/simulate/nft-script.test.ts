/**
 * A contributor's `/etc/nftables.conf` (an `nft -f` script), not only `nft list ruleset` output: the
 * reader applies `define` / `redefine` variables, `flush ruleset`, a table or chain opened twice,
 * `add` / `insert` commands (`index N` included) and anonymous chains (`jump { ... }`) the way
 * nft 1.0.6 on kernel 6.18 did when the scripts below were loaded in a namespace: the expected
 * listings here are what `nft list ruleset` printed then.
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { isNftRuleset } from "../../../src/core/simulate/parse-xtables-ruleset.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const SCRIPT = `#!/usr/sbin/nft -f
flush ruleset
define LAN = "docker0"
define NETS = { 203.0.113.0/24, 198.51.100.0/24 }
table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname $LAN ip daddr $NETS counter accept
	}
}
table inet fw {
	chain forward {
		ct state established counter accept
	}
}
add table ip extra
add chain ip extra c { type filter hook input priority 0; policy accept; }
add rule ip extra c tcp dport 80 accept
insert rule ip extra c tcp dport 81 accept
add rule ip extra c index 0 tcp dport 82 accept
insert rule ip extra c index 0 tcp dport 83 accept
redefine LAN = "eth0"
add rule inet fw forward oifname $LAN accept
`;

/** What nft listed after loading {@link SCRIPT}. */
const LISTED = `table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname "docker0" ip daddr { 198.51.100.0/24, 203.0.113.0/24 } counter packets 0 bytes 0 accept
		ct state established counter packets 0 bytes 0 accept
		oifname "eth0" accept
	}
}
table ip extra {
	chain c {
		type filter hook input priority filter; policy accept;
		tcp dport 83 accept
		tcp dport 81 accept
		tcp dport 82 accept
		tcp dport 80 accept
	}
}
`;

/** Each table's chains with their hook and their rules' matches and verdicts, positions left out. */
function shape(tables: TableDef[]) {
  return tables.map((t) => ({
    table: `${t.family} ${t.name}`,
    chains: [...t.chains.values()].map((c) => ({
      name: c.name,
      hook: c.base && `${c.base.type} ${c.base.hook} ${c.base.priority}`,
      policy: c.policy,
      rules: c.rules.map((r) => ({
        index: r.index,
        conditions: JSON.stringify(r.conditions, (k, v) =>
          // A set's elements are the same in any order (nft lists them sorted).
          Array.isArray(v) && k === "elements" ? v.map((e) => JSON.stringify(e)).sort() : v,
        ),
        target: r.target,
      })),
    })),
  }));
}

describe("an nft -f script", () => {
  it("is recognised as nft text whatever its first statement", () => {
    expect(isNftRuleset(SCRIPT)).toBe(true);
    expect(isNftRuleset("define X = 1\ntable ip t {\n}\n")).toBe(true);
    expect(isNftRuleset("add table ip t\n")).toBe(true);
    expect(isNftRuleset("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n")).toBe(false);
  });

  it("reads to the ruleset nft listed after loading it", () => {
    const script = parseNftRuleset(SCRIPT, { file: "nftables.conf" });
    const listed = parseNftRuleset(LISTED, { file: "listed.nft" });
    expect(script.diagnostics).toEqual([]);
    expect(listed.diagnostics).toEqual([]);
    expect(shape(script.tables)).toEqual(shape(listed.tables));
    // The tables opened twice are one table, once in the list.
    expect(script.tables.map((t) => t.name)).toEqual(["fw", "extra"]);
  });

  it("shows a rule as written, with its variables", () => {
    const rules = parseNftRuleset(SCRIPT).tables[0]?.chains.get("forward")?.rules ?? [];
    expect(rules.map((r) => r.text)).toEqual([
      "iifname $LAN ip daddr $NETS counter accept",
      "ct state established counter accept",
      "oifname $LAN accept",
    ]);
    expect(rules.map((r) => r.line)).toEqual([8, 13, 23]);
  });

  it("starts over at flush ruleset", () => {
    const r = parseNftRuleset("table ip old {\n\tchain c {\n\t}\n}\nflush ruleset\ntable ip new {\n}\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.tables.map((t) => t.name)).toEqual(["new"]);
  });

  it("empties a chain at flush chain, a table's chains at flush table, and drops a table at delete table", () => {
    const base = "table ip t {\n\tchain a {\n\t\taccept\n\t}\n\tchain b {\n\t\tdrop\n\t}\n}\n";
    const rules = (text: string) =>
      parseNftRuleset(text).tables.map((t) =>
        [...t.chains.values()].map((c) => `${c.name}:${c.rules.length}`),
      );
    expect(rules(`${base}flush chain ip t a\n`)).toEqual([["a:0", "b:1"]]);
    expect(rules(`${base}flush table ip t\n`)).toEqual([["a:0", "b:0"]]);
    expect(rules(`${base}delete table ip t\n`)).toEqual([]);
    expect(rules(`${base}add element ip t s { 1 }\n`)).toEqual([["a:1", "b:1"]]);
  });

  it("adds elements to a declared set", () => {
    const r = parseNftRuleset(
      "table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n}\nadd element ip t s { 192.0.2.1, 192.0.2.2 }\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.tables[0]?.sets?.get("s")?.elements).toHaveLength(2);
  });
});

describe("mistakes in a script are positioned errors", () => {
  const errors = (text: string) =>
    parseNftRuleset(text, { file: "nftables.conf" }).diagnostics.map(
      (d) => `${d.position.line}:${d.position.column} ${d.severity}: ${d.message} (${d.hint})`,
    );

  it("a variable used but not defined", () => {
    expect(errors("table ip t {\n\tchain c {\n\t\tiifname $WAN accept\n\t}\n}\n")[0]).toBe(
      "3:11 error: variable '$WAN' is not defined (define it above its first use: define WAN = ...)",
    );
  });

  it("a define without a value, and one over a name already defined", () => {
    expect(errors("define A\n")).toEqual([
      "1:9 error: expected 'define A = VALUE' (write e.g. define LAN = 192.168.1.0/24 (a set: define PORTS = { 22, 443 }))",
    ]);
    expect(errors("define A = 1\ndefine A = 2\n")).toEqual([
      "2:8 error: variable 'A' is already defined (use 'redefine A = ...' to change its value)",
    ]);
  });

  it("an include, which is not followed", () => {
    expect(errors('include "/etc/nftables.d/main.nft"\n')).toEqual([
      "1:1 error: 'include' is not followed: packetwalk reads only the file it is given (paste the included file's rules in place of the include line (or give 'nft list ruleset' output))",
    ]);
    // A wildcard may match nothing, which nft takes as including nothing.
    expect(errors('include "/etc/nftables.d/*.nft"\n')).toEqual([
      `1:1 warning: 'include "/etc/nftables.d/*.nft"' is not followed: packetwalk reads only the file it is given, without the rules of the files the pattern matches (when the pattern matches no file (nft then includes nothing) the ruleset is whole; else paste those files' rules in place of the include line, or give 'nft list ruleset' output)`,
    ]);
  });

  it("a rule added to a chain or table that does not exist", () => {
    expect(errors("add rule ip t c accept\n")[0]).toMatch(/^1:13 error: table ip t does not exist here/);
    expect(errors("table ip t {\n}\nadd rule ip t c accept\n")[0]).toMatch(
      /^3:15 error: chain c does not exist in table ip t/,
    );
  });

  it("a rule placed by handle, which only the loading kernel knew", () => {
    expect(errors("table ip t {\n\tchain c {\n\t}\n}\nadd rule ip t c position 4 accept\n")[0]).toMatch(
      /^5:17 error: 'position 4' is not modelled/,
    );
    expect(errors("table ip t {\n\tchain c {\n\t}\n}\ndelete rule ip t c handle 4\n")[0]).toMatch(
      /^5:1 error: 'delete rule' is not modelled/,
    );
  });

  it("a base chain opened again with another hook", () => {
    const text =
      "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t}\n}\n" +
      "table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n\t}\n}\n";
    expect(errors(text)[0]).toMatch(
      /^8:3 error: chain c was declared 'type filter hook input priority 0' above/,
    );
  });

  it("an anonymous chain not closed", () => {
    expect(errors("table ip t {\n\tchain c {\n\t\tjump {\n\t\t\taccept\n")[0]).toMatch(/not closed/);
  });
});

/** A forward chain (policy drop) whose container rule jumps to an anonymous chain, as nft listed it. */
const ANONYMOUS = `table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname "docker0" jump {
			ip daddr 198.51.100.0/24 tcp dport 22 counter packets 0 bytes 0 drop
			ip daddr 198.51.100.0/24 counter packets 0 bytes 0 accept
		}
		ct state established,related accept
	}
}
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth0" ip saddr 172.17.0.0/16 masquerade
	}
}
`;

describe("an anonymous chain (jump { ... })", () => {
  const world = () => textWorld(ANONYMOUS);

  it("is read as a chain of its own that the rule jumps to", () => {
    const rs = parseRulesetFile(ANONYMOUS, "t.nft");
    expect(rs.diagnostics).toEqual([]);
    const fw = rs.nft?.find((t) => t.name === "fw");
    expect([...(fw?.chains.keys() ?? [])]).toEqual(["forward", "__chain0"]);
    const rules = fw?.chains.get("__chain0")?.rules ?? [];
    expect(rules.map((r) => `${r.line} ${r.text}`)).toEqual([
      "5 ip daddr 198.51.100.0/24 tcp dport 22 counter drop",
      "6 ip daddr 198.51.100.0/24 counter accept",
    ]);
    expect(fw?.chains.get("forward")?.rules[0]?.target).toEqual({ kind: "jump", chain: "__chain0" });
  });

  it("accepts what its rule accepts, and the reply comes back through the outer chain's established rule", () => {
    const r = runScenario(world(), { from: "c1", to: "198.51.100.10", proto: "icmp" });
    expect(r.stopped).toBeUndefined();
    expect(r.packets[0]?.fate).toEqual({ kind: "delivered", host: "wan" });
    const fwd = r.packets[0]?.events.find((e) => e.hook === "ip:fw:forward");
    expect(fwd?.steps.map((s) => `${s.chain}:${s.verdict}:${s.target ?? ""}`)).toEqual([
      "forward:JUMP:__chain0",
      "__chain0:ACCEPT:",
    ]);
    expect(r.packets[1]?.fate).toEqual({ kind: "delivered", host: "c1" });
  });

  it("drops at its own rule, named by its line in the reason", () => {
    const p = runScenario(world(), { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 22 }).packets[0];
    expect(p?.fate).toMatchObject({ kind: "dropped", hook: "ip:fw:forward" });
    expect(p?.fate.kind === "dropped" ? p.fate.reason : "").toBe(
      "DROP by rule at line 5 of t.nft: ip daddr 198.51.100.0/24 tcp dport 22 counter drop",
    );
  });

  it("returns to the outer chain at its end: a packet its rules do not take meets the policy drop", () => {
    const p = runScenario(world(), { from: "c1", to: "203.0.113.1", proto: "icmp" }).packets[0];
    expect(p?.fate).toMatchObject({ kind: "dropped", hook: "ip:fw:forward" });
    const fwd = p?.events.find((e) => e.hook === "ip:fw:forward");
    expect(fwd?.steps.map((s) => `${s.chain}:${s.verdict}:${s.target ?? ""}`)).toEqual([
      "forward:JUMP:__chain0",
      "__chain0:RETURN:",
      "forward:DROP:",
    ]);
  });
});
