/**
 * Edges of an `nft -f` script that a real /etc/nftables.conf meets, each loaded with nft 1.0.6 into a
 * network namespace (kernel 6.18): where nft accepted the script, the expected listing is what
 * `nft list ruleset` printed and the script must read to the same ruleset; where nft refused it, the
 * reader must say so where nft did (nft's message is quoted beside each case).
 */
import { describe, expect, it } from "vitest";
import { parseNftRuleset } from "../../../src/core/simulate/parse-nft-ruleset.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { TableDef } from "../../../src/core/simulate/ruleset.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** Each table's sets and chains with their hook and their rules' matches and verdicts, positions left out. */
function shape(tables: TableDef[]) {
  const sorted = (v: unknown[]) => v.map((e) => JSON.stringify(e)).sort();
  return tables.map((t) => ({
    table: `${t.family} ${t.name}`,
    sets: [...(t.sets?.values() ?? [])].map((s) => ({ name: s.name, elements: sorted(s.elements) })),
    chains: [...t.chains.values()].map((c) => ({
      name: c.name,
      hook: c.base && `${c.base.type} ${c.base.hook} ${c.base.priority}`,
      rules: c.rules.map((r) => ({
        conditions: JSON.stringify(r.conditions, (k, v) =>
          Array.isArray(v) && k === "elements" ? sorted(v) : v,
        ),
        target: r.target,
      })),
    })),
  }));
}

/** The script reads without a problem to the ruleset nft listed after loading it. */
function readsAsListed(script: string, listed: string) {
  const s = parseNftRuleset(script, { file: "nftables.conf" });
  const l = parseNftRuleset(listed, { file: "listed" });
  expect(s.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(l.diagnostics).toEqual([]);
  expect(shape(s.tables)).toEqual(shape(l.tables));
  return s;
}

/** Each diagnostic as `line:column severity: message`. */
const problems = (text: string) =>
  parseNftRuleset(text, { file: "nftables.conf" }).diagnostics.map(
    (d) => `${d.position.line}:${d.position.column} ${d.severity}: ${d.message}`,
  );

describe("a line ending in a backslash", () => {
  it("continues the rule on the next line, as nft read it (it was read as two rules, the second an unconditional accept)", () => {
    const script = `table inet x {
	chain c {
		type filter hook input priority 0; policy accept;
		ip saddr 198.51.100.1 jump {
			tcp dport 22
				accept
		}
		tcp dport 3 \\
			accept
	}
}
`;
    // nft list ruleset after nft -f: the anonymous chain's two lines stayed two rules, the '\\' joined.
    const listed = `table inet x {
	chain c {
		type filter hook input priority filter; policy accept;
		ip saddr 198.51.100.1 jump {
			tcp dport 22
			accept
		}
		tcp dport 3 accept
	}
}
`;
    const r = readsAsListed(script, listed);
    expect(r.diagnostics).toEqual([]);
    const rule = r.tables[0]?.chains.get("c")?.rules[1];
    expect([rule?.line, rule?.text]).toEqual([8, "tcp dport 3 accept"]);
  });

  it("followed by a space is refused where it is", () => {
    // nft: "o6.nft:3:15-15: Error: syntax error, unexpected junk, expecting newline or semicolon".
    expect(problems("table inet y {\n\tchain c {\n\t\ttcp dport 1 \\  \n\t\taccept\n\t}\n}\n")).toEqual([
      "3:15 error: a '\\' continuing a rule must be the last character of its line",
    ]);
  });

  it("in a comment is part of the comment", () => {
    // nft listed 'tcp dport 1 accept' and 'drop' as two rules.
    const r = parseNftRuleset(
      "table inet y {\n\tchain c {\n\t\ttcp dport 1 accept # x \\\n\t\tdrop\n\t}\n}\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.tables[0]?.chains.get("c")?.rules.map((x) => x.text)).toEqual(["tcp dport 1 accept", "drop"]);
  });
});

describe("a variable's scope is its table or chain block, as in nft", () => {
  it("a define in a table block is unknown in the next table", () => {
    // nft: "c3.nft:10:14-14: Error: unknown identifier 'P'" (it was read as 443).
    const text = `table inet x {
	define P = 443
	chain c {
		type filter hook input priority 0; policy accept;
		tcp dport $P accept
	}
}
table inet y {
	chain c {
		tcp dport $P accept
	}
}
`;
    const r = parseNftRuleset(text);
    expect(r.diagnostics[0]?.message).toBe("variable '$P' is not defined");
    expect(r.diagnostics[0]?.position).toMatchObject({ line: 10, column: 13 });
    expect(r.diagnostics[0]?.hint).toMatch(/defined at line 2 in a table or chain block that is closed here/);
  });

  it("a define in a chain block is unknown in the next chain, and in the same chain opened again", () => {
    // nft: "Error: unknown identifier 'R'" at both uses.
    const chains = (second: string) =>
      `table ip t {\n\tchain c {\n\t\tdefine R = 7\n\t}\n\tchain ${second} {\n\t\ttcp dport $R accept\n\t}\n}\n`;
    for (const second of ["d", "c"])
      expect(problems(chains(second))[0]).toBe("6:13 error: variable '$R' is not defined");
  });

  it("a define in a table block opened by add table is unknown after it", () => {
    // nft: "u5.nft:2:28-28: Error: unknown identifier 'Q'".
    expect(
      problems(
        "add table ip t { define Q = 5; chain c { tcp dport $Q accept; }; }\nadd rule ip t c tcp dport $Q accept\n",
      )[0],
    ).toBe("2:27 error: variable '$Q' is not defined");
  });

  it("a redefine in a table block changes the variable there only", () => {
    const script = `define P = 22
table inet x {
	redefine P = 443
	chain c {
		type filter hook input priority 0; policy accept;
		tcp dport $P accept
	}
}
add rule inet x c tcp dport $P drop
`;
    // Both rules were read with 443.
    readsAsListed(
      script,
      `table inet x {
	chain c {
		type filter hook input priority filter; policy accept;
		tcp dport 443 accept
		tcp dport 22 drop
	}
}
`,
    );
  });

  it("a define in a set block belongs to the table", () => {
    const script = `table ip t {
	set s {
		type inet_service
		define Q = 5
		elements = { $Q }
	}
	chain c {
		tcp dport $Q accept
	}
}
`;
    readsAsListed(
      script,
      "table ip t {\n\tset s {\n\t\ttype inet_service\n\t\telements = { 5 }\n\t}\n\n\tchain c {\n\t\ttcp dport 5 accept\n\t}\n}\n",
    );
  });

  it("a define of a name an outer block holds is refused", () => {
    // nft: "s1.nft:3:9-9: Error: redefinition of symbol 'P'".
    expect(problems("define P = 22\ntable inet x {\n\tdefine P = 443\n}\n")).toEqual([
      "3:9 error: variable 'P' is already defined",
    ]);
  });

  it("an undefine of a name the block does not hold is a warning: nft took it and left the variable", () => {
    // nft 1.0.6 loaded all three (it was an error here): 'undefine Q' with no Q, twice, and in a
    // table block over a global Q, which the next table still used as 1.
    expect(problems("undefine Q\n")).toEqual([
      "1:10 warning: variable 'Q' is not defined, so it cannot be undefined",
    ]);
    expect(problems("define Q = 1\nundefine Q\nundefine Q\n")).toEqual([
      "3:10 warning: variable 'Q' is not defined, so it cannot be undefined",
    ]);
    const text =
      "define Q = 1\ntable ip t {\n\tundefine Q\n}\ntable ip u {\n\tchain c {\n\t\ttcp dport $Q accept\n\t}\n}\n";
    expect(problems(text)).toEqual(["3:11 warning: variable 'Q' is not defined, so it cannot be undefined"]);
    readsAsListed(text, "table ip t {\n}\ntable ip u {\n\tchain c {\n\t\ttcp dport 1 accept\n\t}\n}\n");
  });
});

describe("a variable holds a value, not a verdict or a match", () => {
  it("a verdict or several words are refused at the define", () => {
    // nft: "Error: syntax error, unexpected jump" / "unexpected drop" at 1:12, and for 'tcp dport 22'
    // "1:16-20: Error: syntax error, unexpected string, expecting newline or semicolon".
    expect(problems("define J = jump other\n")[0]).toMatch(
      /^1:12 error: a variable cannot hold the verdict 'jump'/,
    );
    expect(problems("define D = drop\n")[0]).toMatch(
      /^1:12 error: a variable cannot hold the verdict 'drop'/,
    );
    expect(problems("define M = tcp dport 22\n")).toEqual([
      "1:16 error: a variable holds one value: nft refuses 'dport' after 'tcp'",
    ]);
    // A use is not reported again as undefined.
    const text =
      "define D = drop\ntable inet x {\n\tchain c {\n\t\ttcp dport vmap { 22 : $D, 23 : accept }\n\t}\n}\n";
    expect(problems(text).filter((p) => p.includes("not defined"))).toEqual([]);
  });

  it("values nft takes are not refused", () => {
    // nft loaded each of these defines.
    for (const v of [
      "1 . 2",
      "10.0.0.1 - 10.0.0.5",
      "10.0.0.0 / 8",
      "syn | ack",
      "ip",
      '"a" . "b"',
      "established , related",
      "22, 23",
      "{ 22 : accept }",
    ])
      expect(problems(`define V = ${v}\n`)).toEqual([]);
  });

  it("a comment from a variable is refused", () => {
    // nft: "c5.nft:4:19-19: Error: syntax error, unexpected '$', expecting string or quoted string ...".
    expect(
      problems('define COM = "hello"\ntable inet x {\n\tchain c {\n\t\tcounter comment $COM\n\t}\n}\n'),
    ).toEqual(["4:19 error: a comment cannot be a variable ('comment $COM'): nft refuses it"]);
  });

  it("a variable as a rule's map is refused (nft stops on it)", () => {
    // nft: "BUG: invalid mapping expression variable", evaluate.c:1797: expr_evaluate_map: Assertion `0' failed.
    expect(
      problems("define V = { 22 : accept }\ntable inet x {\n\tchain c {\n\t\ttcp dport vmap $V\n\t}\n}\n")[0],
    ).toMatch(/^4:18 error: nft cannot use a variable as a rule's map \('vmap \$V'\)/);
    // Its elements in the rule, a variable among them, load.
    readsAsListed(
      "define K = 22\ntable inet x {\n\tchain c {\n\t\ttcp dport vmap { $K : accept }\n\t}\n}\n",
      "table inet x {\n\tchain c {\n\t\ttcp dport vmap { 22 : accept }\n\t}\n}\n",
    );
  });
});

describe("anonymous chains", () => {
  it("one inside another is refused", () => {
    // nft: "sim.nft:7:32-32: Error: too many levels of nesting".
    const text = `table inet fw {
	chain forward {
		iifname "docker0" jump {
			meta l4proto udp counter goto {
				counter
			}
		}
	}
}
`;
    expect(problems(text)).toEqual([
      "4:34 error: an anonymous chain cannot hold another ('goto {' inside 'jump { ... }'): nft refuses it (too many levels of nesting)",
    ]);
  });

  it("a goto one returns past the rule that went to it, as the kernel's counters showed", () => {
    // Loaded in a namespace between c1 and wan, a UDP packet to port 9 counted at lines 8, 10 and 12
    // only: the goto chain's end went back past the jump rule's caller to the base chain's policy,
    // not to 'iifname "docker0" counter' (line 14).
    const text = `table inet fw {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter accept
		iifname "docker0" jump {
			ip daddr 203.0.113.1 tcp dport 22 counter drop
			ip protocol icmp icmp type echo-request counter accept
			counter
		}
		meta l4proto udp counter goto {
			udp dport 53 counter accept
			counter
		}
		iifname "docker0" counter
		iifname "docker0" tcp dport 80 counter accept
		counter
	}
}
`;
    const steps = (proto: "udp" | "tcp", dport: number) => {
      const p = runScenario(textWorld(text), { from: "c1", to: "203.0.113.1", proto, dport }).packets[0];
      const fwd = p?.events.find((e) => e.hook === "ip:fw:forward");
      return {
        fate: p?.fate.kind,
        steps: fwd?.steps.map((s) => `${s.chain}:${s.verdict}:${s.target ?? ""}`),
      };
    };
    expect(steps("udp", 9)).toEqual({
      fate: "dropped",
      steps: [
        "forward:JUMP:__chain0",
        "__chain0:CONTINUE:",
        "__chain0:RETURN:",
        "forward:GOTO:__chain1",
        "__chain1:CONTINUE:",
        "forward:DROP:",
      ],
    });
    // TCP 80 counted at lines 8, 14 and 15: back from the jump chain to the rules after it.
    expect(steps("tcp", 80)).toEqual({
      fate: "delivered",
      steps: [
        "forward:JUMP:__chain0",
        "__chain0:CONTINUE:",
        "__chain0:RETURN:",
        "forward:CONTINUE:",
        "forward:ACCEPT:",
      ],
    });
  });
});

describe("each statement ends with a line end or ';'", () => {
  it("a table on one line with ';' after each rule and chain reads as listed", () => {
    readsAsListed(
      "table inet y { chain c { type filter hook input priority 0; policy accept; tcp dport 1 accept; tcp dport 2 drop; }; }\n",
      "table inet y {\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 1 accept\n\t\ttcp dport 2 drop\n\t}\n}\n",
    );
  });

  it("one missing before a '}' or the next statement is refused there", () => {
    // nft: "Error: syntax error, unexpected '}', expecting newline or semicolon" at 1:45 (o5),
    // 1:87 (in an anonymous chain), 1:30 (after flags), 1:45 (after a set's type), and
    // "unexpected chain" at 1:28, "unexpected table" at 1:32.
    expect(problems("table inet y { chain c { tcp dport 1 accept } }\n")[0]).toBe(
      "1:45 error: expected a line end or ';' before '}'",
    );
    expect(
      problems(
        "table inet y { set s { type inet_service; elements = { 1 } }; chain c { jump { accept }; } ; }\n",
      ),
    ).toEqual(["1:87 error: expected a line end or ';' before '}'"]);
    expect(problems("table inet y { flags dormant }\n")).toEqual([
      "1:30 error: expected a line end or ';' before '}'",
    ]);
    expect(problems("table inet y { set s { type inet_service; } }\n")).toEqual([
      "1:45 error: expected a line end or ';' before '}'",
    ]);
    expect(problems("table inet y { chain a { } chain b { } ; }\n")).toEqual([
      "1:28 error: expected a line end or ';' before 'chain'",
    ]);
    expect(problems("table inet y { chain a { } ; } table inet z { chain a { } ; }\n")).toEqual([
      "1:32 error: expected a line end or ';' before 'table'",
    ]);
  });
});

describe("commands the kernel refuses", () => {
  const base = "add table ip t\nadd chain ip t c\nadd rule ip t c tcp dport 1 accept\n";

  it("a rule placed at an index the chain does not have", () => {
    // nft: "e1.nft:4:17-23: Error: Could not process rule: No such file or directory" (it was appended).
    expect(problems(`${base}add rule ip t c index 5 tcp dport 2 accept\n`)).toEqual([
      "4:17 error: 'index 5': chain c has rules at index 0 to 0 only here",
    ]);
    expect(problems(`${base}insert rule ip t c index 1 tcp dport 2 accept\n`)).toEqual([
      "4:20 error: 'index 1': chain c has rules at index 0 to 0 only here",
    ]);
    expect(problems(`${base}add rule ip t c index 0 tcp dport 2 accept\n`)).toEqual([]);
  });

  it("position 0 and handle 0 name no rule: insert puts the rule first, add last, as nft 1.0.6 did", () => {
    // nft -a list ruleset after each: `tcp dport 2` above `tcp dport 1` for insert, below it for add.
    const order = (text: string) =>
      parseNftRuleset(text, { file: "t.nft" })
        .tables[0]?.chains.get("c")
        ?.rules.map((r) => r.text);
    for (const place of ["position 0", "handle 0"]) {
      expect(problems(`${base}insert rule ip t c ${place} tcp dport 2 accept\n`)).toEqual([]);
      expect(order(`${base}insert rule ip t c ${place} tcp dport 2 accept\n`)).toEqual([
        "tcp dport 2 accept",
        "tcp dport 1 accept",
      ]);
      expect(order(`${base}add rule ip t c ${place} tcp dport 2 accept\n`)).toEqual([
        "tcp dport 1 accept",
        "tcp dport 2 accept",
      ]);
    }
    expect(problems(`${base}insert rule ip t c position 7 tcp dport 2 accept\n`)).toEqual([
      "4:20 error: 'position 7' is not modelled: a handle is only known to the kernel that loaded the rules",
    ]);
  });

  it("create of a table or a chain that exists", () => {
    // nft: "Error: Could not process rule: File exists" at the name.
    expect(problems(`${base}create table ip t\n`)).toEqual([
      "4:17 error: table ip t exists already: 'create table' refuses it",
    ]);
    expect(problems(`${base}create chain ip t c\n`)).toEqual([
      "4:19 error: chain c exists already in table ip t: 'create chain' refuses it",
    ]);
    expect(problems("create table ip t\ncreate chain ip t c\n")).toEqual([]);
    // nft 1.0.6 refused the second create of a set (at 3:19), and a create after an add.
    expect(
      problems(
        "add table inet t\ncreate set inet t s { type ipv4_addr; }\ncreate set inet t s { type ipv4_addr; }\n",
      ),
    ).toEqual(["3:19 error: set s exists already in table inet t: 'create set' refuses it"]);
    expect(
      problems(
        "add table inet t\nadd map inet t m { type ipv4_addr : verdict; }\ncreate map inet t m { type ipv4_addr : verdict; }\n",
      ),
    ).toEqual(["3:19 error: map m exists already in table inet t: 'create map' refuses it"]);
  });

  it("a hook given to a chain declared above without one", () => {
    // nft: "e10.nft:4:16-16: Error: Could not process rule: File exists".
    expect(
      problems(
        `${base}add chain ip t c { type filter hook input priority 0; }\nadd chain ip t c { type filter hook input priority 0; policy drop; }\n`,
      ),
    ).toEqual(["4:20 error: chain c was declared above without a hook; it cannot become a base chain here"]);
  });
});

describe("a set variable inside a set (nft's tests/shell sets/0049set_define_0)", () => {
  it("is flattened into the set, as nft does: a port of either matches", () => {
    readsAsListed(
      "define A = { 22, 80 }\ntable inet f {\n chain fwdc {\n  type filter hook forward priority 0; policy accept;\n  tcp dport { $A, 443 } drop\n }\n}\n",
      "table inet f {\n chain fwdc {\n  type filter hook forward priority 0; policy accept;\n  tcp dport { 22, 80, 443 } drop\n }\n}\n",
    );
  });

  it("is flattened over several lines, from another define, and written nested, as nft merges them", () => {
    const listed =
      "table inet f {\n chain fwdc {\n  type filter hook forward priority 0; policy accept;\n  tcp dport { 22, 80, 443 } drop\n }\n}\n";
    readsAsListed(
      "define A = { 22, 80 }\ntable inet f {\n chain fwdc {\n  type filter hook forward priority 0; policy accept;\n  tcp dport {\n     $A,\n     443\n  } drop\n }\n}\n",
      listed,
    );
    readsAsListed(
      "define A = { 22, 80 }\ndefine B = { $A, 443 }\ntable inet f {\n chain fwdc {\n  type filter hook forward priority 0; policy accept;\n  tcp dport $B drop\n }\n}\n",
      listed,
    );
    readsAsListed(
      "table inet f {\n chain fwdc {\n  type filter hook forward priority 0; policy accept;\n  tcp dport { 22, { 80, 443 } } drop\n }\n}\n",
      listed,
    );
  });

  it("stays a set where it is no element of one (a map's key, a value of its own)", () => {
    expect(
      problems("define A = { 22, 80 }\ntable inet f {\n chain c {\n  tcp dport $A drop\n }\n}\n"),
    ).toEqual([]);
  });
});

describe("rulesets that would take forever or overflow the stack", () => {
  it("defines that double at each step stop expanding at a cap, said at the use", () => {
    const defines = Array.from({ length: 30 }, (_, k) => `define v${k + 1} = { $v${k}, $v${k} }`).join("\n");
    const found = problems(
      `define v0 = { 1, 2 }\n${defines}\ntable ip t {\n chain c {\n  tcp dport $v30 drop\n }\n}\n`,
    );
    expect(
      found.some((p) => /variable '\$v\d+' would make the ruleset over 5,000,000 words long/.test(p)),
    ).toBe(true);
  });

  it("a value of 90,000 elements and 66,000 problems in one chain are read without a stack overflow", () => {
    const big = `define P = { ${Array.from({ length: 90_000 }, () => "1").join(",")} }\ntable ip t {\n chain c {\n  tcp dport $P drop\n }\n}\n`;
    expect(parseNftRuleset(big, { file: "big.nft" }).tables).toHaveLength(1);
    const many = `table ip t {\n chain c {\n${"$a;".repeat(66_000)}\n }\n}\n`;
    expect(problems(many).length).toBeGreaterThan(66_000);
  });

  it("a goto loop with an undecided match ends (each fork's walk stops at the chain it already went through)", () => {
    const world = textWorld(
      "table inet t {\n chain la { goto lb }\n chain lb { goto la la }\n chain pre { type filter hook prerouting priority 0; policy accept; goto la }\n}\n",
    );
    const r = runScenario(world, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
    expect(r.packets.length).toBeGreaterThan(0);
  });
});

describe("a table named on a line of its own, and a script that starts with a command", () => {
  // OpenWrt's fw4 and Arch Linux's /etc/nftables.conf declare the table, flush or delete it, then fill
  // it: nft 1.0.6 loaded this twice in a namespace and listed the one chain.
  const fw4 = `table inet fw4
flush table inet fw4

table inet fw4 {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		tcp dport 22 accept
	}
}
`;
  it("reads 'table inet fw4' alone as 'add table' (it was 'expected {', and the whole file was refused)", () => {
    readsAsListed(
      fw4,
      'table inet fw4 {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tiif "lo" accept\n\t\ttcp dport 22 accept\n\t}\n}\n',
    );
    const arch = parseRulesetFile(
      `# Arch Linux's default\ntable inet filter\ndelete table inet filter\n${fw4.replaceAll("fw4", "filter").split("\n").slice(3).join("\n")}`,
      "nftables.conf",
    );
    expect(arch.diagnostics).toEqual([]);
    expect(arch.nft?.map((t) => `${t.family} ${t.name}`)).toEqual(["inet filter"]);
  });

  it("still refuses a table name followed by anything but '{' or the line's end", () => {
    const r = parseNftRuleset("table inet t chain c\n", { file: "x.nft" });
    expect(r.diagnostics.map((d) => d.message)).toContain("expected '{' after table inet t");
  });

  it("reads a script whose first line is flush, delete or insert as nft, not as iptables-save", () => {
    // nft 1.0.6 refused this one as nft does ("No such file or directory"): the table is not there yet.
    const r = parseRulesetFile(
      "flush table inet t\ntable inet t {\n chain c {\n  type filter hook input priority 0; policy accept;\n }\n}\n",
      "x.nft",
    );
    expect(r.diagnostics.map((d) => d.message)).toEqual(["table inet t does not exist here"]);
    expect(r.nft?.map((t) => t.name)).toEqual(["t"]);
  });
});

describe("NAT written without 'to', as OpenWrt's fw4 writes its port forwards", () => {
  it("reads dnat/snat ADDRESS[:PORT] and redirect to PORT as nft listed them (with 'to', the port after ':')", () => {
    // nft 1.0.6 loaded the script and listed each statement in the form of the second text.
    readsAsListed(
      `table inet t {
  chain dstnat {
    type nat hook prerouting priority dstnat; policy accept;
    meta nfproto ipv4 tcp dport 2222 counter dnat 192.168.26.100:22 comment "x"
    meta nfproto ipv4 tcp dport 8080 dnat 192.168.26.101
    meta nfproto ipv4 tcp dport 26 redirect to 26
  }
  chain srcnat {
    type nat hook postrouting priority srcnat; policy accept;
    meta nfproto ipv4 oifname "wan" snat 203.0.113.9
  }
}
`,
      `table inet t {
	chain dstnat {
		type nat hook prerouting priority dstnat; policy accept;
		meta nfproto ipv4 tcp dport 2222 counter packets 0 bytes 0 dnat ip to 192.168.26.100:22 comment "x"
		meta nfproto ipv4 tcp dport 8080 dnat ip to 192.168.26.101
		meta nfproto ipv4 tcp dport 26 redirect to :26
	}

	chain srcnat {
		type nat hook postrouting priority srcnat; policy accept;
		meta nfproto ipv4 oifname "wan" snat ip to 203.0.113.9
	}
}
`,
    );
  });
});

describe("an include inside a table, as OpenWrt's fw4 writes it", () => {
  const fw4 = (path: string) =>
    `table inet fw4 {\n\tinclude "${path}"\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n`;

  it("a wildcard, which nft takes as nothing when it matches no file (every fw4 ruleset has one), is a warning; the table is read", () => {
    const r = parseNftRuleset(fw4("/etc/nftables.d/*.nft"), { file: "fw4.nft" });
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.severity, d.message])).toEqual([
      [
        2,
        2,
        "warning",
        `'include "/etc/nftables.d/*.nft"' is not followed: packetwalk reads only the file it is given, without the rules of the files the pattern matches`,
      ],
    ]);
    expect([...(r.tables[0]?.chains.keys() ?? [])]).toEqual(["input"]);
  });

  it("a file named outright holds rules that are missing here: an error, said as at the top", () => {
    const r = parseNftRuleset(fw4("/etc/nftables.d/10-custom.nft"), { file: "fw4.nft" });
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.severity, d.message])).toEqual([
      [2, 2, "error", "'include' is not followed: packetwalk reads only the file it is given"],
    ]);
  });
});
