/**
 * A value is judged by its key's form the same way written alone (`ether daddr X drop`) as in a set or
 * map (`ether daddr { X } drop`), with the same words: nft 1.0.6 (`unshare -n nft -c -f`, kernel 6.18
 * host) took or refused each rule below as these tests say, at the line:column given (the rule is on
 * line 4 from column 3).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { matchRule } from "../../../src/core/simulate/match-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { parseRulesetText } from "../../../src/core/simulate/read-ruleset-text.ts";
import { REDACTED_ADDRESS_HINT } from "../../../src/core/simulate/redacted-address.ts";
import { icmpPacket, nftJsonInput } from "./helpers.ts";

/** A one-rule input chain of table `ip t`, the rule on line 4 at column 3. */
function chainWith(rule: string): string {
  return `table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\t${rule}\n\t}\n}\n`;
}

function said(rule: string) {
  return parseRulesetText(chainWith(rule), "p.nft").diagnostics.map((d) => ({
    at: `${d.position.line}:${d.position.column}`,
    severity: d.severity,
    message: d.message,
    hint: d.hint,
  }));
}

function conditionsOf(rule: string) {
  const rs = parseRulesetText(chainWith(rule), "p.nft");
  return rs.nft?.[0]?.chains.get("c")?.rules[0]?.conditions;
}

describe("a single value and a set element get the same verdict and words", () => {
  it.each([
    // [value, the key, nft 1.0.6's error, column of the single value's bad bound, what it is not]
    ["tcp flags", "bogus", "Could not parse TCP flag", 13, "a TCP flag"],
    ["ct status", "bogus", "Could not parse conntrack status", 13, "a conntrack status"],
    ["ip dscp", "bogus", "Could not parse Differentiated Services Code Point", 11, "a DSCP"],
    ["icmp type", "bogus", "Could not parse ICMP type", 13, "an ICMP type"],
    ["ct state", "bogus", "Could not parse conntrack state", 12, "a conntrack state"],
    ["meta pkttype", "bogus", "Could not parse packet type", 16, "a packet type"],
  ])("%s %s: refused alone as in a set (%s)", (key, value, nft, column, what) => {
    const message = `'${value}' is not ${what}: nft refuses it ("${nft}"), and with it the whole file`;
    const alone = said(`${key} ${value} drop`);
    expect(alone).toEqual([expect.objectContaining({ at: `4:${column}`, severity: "error", message })]);
    // In a set the value is two columns further (`{ `), with the same words and hint.
    const inSet = said(`${key} { ${value} } drop`);
    expect(inSet).toEqual([{ ...alone[0], at: `4:${column + 2}` }]);
  });

  it.each([
    // review48: nft -f loaded each, and `nft list ruleset` prints the first five so.
    "tcp flags & (fin | syn | rst | psh | ack | urg) < fin drop",
    "tcp flags & (syn | ack) > 0x0 accept",
    "tcp flags & (syn | ack) >= syn accept",
    "ct status & (snat | dnat) > 0x0 accept",
    "ct status & (snat | dnat) < 0x20 accept",
    "tcp flags and (syn|ack) == syn accept",
    "tcp flags & syn ne 0 accept",
    "ct status & dnat == dnat accept",
  ])("reads no comparison or operator word as a flag: %s", (rule) => {
    expect(said(rule).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("takes a packet type's verdict map and named set, and judges the map's keys (nft: 4:23)", () => {
    // review48: nft -f took both (and lists them so); they were refused as "'vmap' is not a packet type".
    expect(said("meta pkttype vmap { broadcast : drop, host : accept }")).toEqual([]);
    expect(
      parseRulesetText(
        "table ip t {\n\tset s { type pkt_type; }\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta pkttype @s drop\n\t}\n}\n",
        "p.nft",
      ).diagnostics,
    ).toEqual([]);
    expect(said("meta pkttype vmap { bogus : drop }").map((d) => `${d.at} ${d.message}`)).toEqual([
      `4:23 'bogus' is not a packet type: nft refuses it ("Could not parse packet type"), and with it the whole file`,
    ]);
  });

  it("refuses a flag among others at its own column (nft: 4:28 and 4:24)", () => {
    expect(said("tcp flags & (fin | syn | bogus) == syn drop").map((d) => d.at)).toEqual(["4:28"]);
    expect(said("ct status seen-reply,bogus drop").map((d) => d.at)).toEqual(["4:24"]);
  });

  it("takes a MAC address with a prefix alone, as nft does and lists it, comparing its first bits", () => {
    // nft -f took `ether daddr 02:42:00:00:00:00/24 drop` and listed it so.
    expect(said("ether daddr 02:42:00:00:00:00/24 drop")).toEqual([]);
    expect(conditionsOf("ether daddr 02:42:00:00:00:00/24 drop")).toEqual([
      { kind: "mac-dst", mac: "02:42:00:00:00:00", mask: "ff:ff:ff:00:00:00", neg: false },
    ]);
    expect(conditionsOf("ether saddr 2:42:ac:11:0:2/0x2c drop")).toEqual([
      { kind: "mac-src", mac: "02:42:ac:11:00:02", mask: "ff:ff:ff:ff:ff:f0", neg: false },
    ]);
    // Past the width: "Prefix length 49 is invalid for type of 48 bits width", at the value (4:15).
    expect(said("ether saddr 02:42:00:00:00:00/49 drop")).toEqual([
      expect.objectContaining({
        at: "4:15",
        message: expect.stringMatching(/is not a MAC address: nft refuses it/),
      }),
    ]);
  });

  it("judges a packet type by one reader, wherever it is written (nft 1.0.6 -c -f, each verdict and column)", () => {
    // review49: a second check (nft-grammar-refusals.ts) refused `0x1`, `{ 0x3, 7 }` and `1-3`, which nft took;
    // the value reader took `otherhost` in a verdict map, after `pkttype` without `meta` and `host-other`,
    // which nft refused; a concatenation's `otherhost` was refused as "'.' is not a packet type".
    const other = (word: string) =>
      `'${word}' is not a packet type: nft refuses it ("Could not parse packet type"), and with it the whole file`;
    const hint = "write host, unicast, broadcast, multicast or other (ebtables' otherhost is nft's other)";
    for (const [rule, at] of [
      ["meta pkttype otherhost drop", "4:16"],
      ["meta pkttype != otherhost drop", "4:19"],
      ["meta pkttype { host, otherhost } drop", "4:24"],
      ["meta pkttype vmap { otherhost : drop }", "4:23"],
      ["meta pkttype . ip saddr { otherhost . 1.2.3.4 } drop", "4:29"],
      ["pkttype otherhost drop", "4:11"],
    ])
      expect(said(rule as string), rule).toEqual([
        { at, severity: "error", message: other("otherhost"), hint },
      ]);
    for (const word of ["bcast", "HOST", "host-other"])
      expect(said(`meta pkttype ${word} drop`).map((d) => `${d.at} ${d.message}`)).toEqual([
        `4:16 ${other(word)}`,
      ]);
    expect(said("meta pkttype { 256 } drop").map((d) => `${d.at} ${d.message}`)).toEqual([
      `4:18 meta pkttype value 256 exceeds its valid range 0-255: nft refuses it ("Value 256 exceeds valid range 0-255"), and with it the whole file`,
    ]);
    /** Whether `rule` matches a packet of type `type`. */
    const matches = (rule: string, type: "host" | "broadcast" | "multicast" | "other") => {
      const rs = parseRulesetText(chainWith(rule), "p.nft");
      expect(rs.diagnostics).toEqual([]);
      const table = rs.nft?.[0];
      const r = table?.chains.get("c")?.rules[0];
      if (!table || !r) throw new Error(`no rule read from ${rule}`);
      const ctx = {
        bridged: false,
        ethType: "0x0800",
        addrType: () => "UNICAST",
        sets: table.sets,
        pktType: type,
      };
      return matchRule(r, icmpPacket(), ctx);
    };
    // nft took each; the number is the type's (host 0, broadcast 1, multicast 2, other 3).
    const types = ["host", "broadcast", "multicast", "other"] as const;
    expect(types.map((t) => matches("meta pkttype 0x1 drop", t))).toEqual([false, true, false, false]);
    expect(types.map((t) => matches("meta pkttype { 0x3, 7 } drop", t))).toEqual([false, false, false, true]);
    expect(types.map((t) => matches("meta pkttype 1-2 drop", t))).toEqual([false, true, true, false]);
    expect(types.map((t) => matches("meta pkttype { 0-broadcast } drop", t))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(types.map((t) => matches("meta pkttype unicast drop", t))).toEqual([true, false, false, false]);
  });

  it("reads nft -j's packet type range of names as the numbers its text listing prints", () => {
    // nft 1.0.6 loaded 'meta pkttype 1-2' and '{ 0-1, 3 }'; 'nft -j list ruleset' printed the bounds as
    // names ({"range": ["broadcast", "multicast"]}), which were refused as "'broadcast-multicast' is not a packet type".
    const pkttype = { meta: { key: "pkttype" } };
    const json = nftJsonInput("ip", [
      [{ match: { op: "==", left: pkttype, right: { range: ["broadcast", "multicast"] } } }, { drop: null }],
      [
        { match: { op: "==", left: pkttype, right: { set: [{ range: ["host", "broadcast"] }, "other"] } } },
        { drop: null },
      ],
    ]);
    const rs = parseRulesetFile(json, "p.json");
    expect(rs.diagnostics).toEqual([]);
    const table = rs.nft?.[0];
    const rules = table?.chains.get("c")?.rules ?? [];
    const types = ["host", "broadcast", "multicast", "other"] as const;
    const ctx = (pktType: (typeof types)[number]) => ({
      bridged: false,
      ethType: "0x0800",
      addrType: () => "UNICAST",
      sets: table?.sets ?? new Map(),
      pktType,
    });
    expect(rules.map((r) => types.map((t) => matchRule(r, icmpPacket(), ctx(t))))).toEqual([
      [false, true, true, false],
      [true, true, false, true],
    ]);
  });

  it("reads a word from a letter as one name, dashes and all, as nft's lexer does", () => {
    // review49: nft 1.0.6 refused each whole, at its first column; they were read as ranges of two names.
    for (const [rule, what, nft] of [
      ["icmp type echo-reply-8 drop", "an ICMP type", "Could not parse ICMP type"],
      ["ip dscp cs1-cs3 drop", "a DSCP", "Could not parse Differentiated Services Code Point"],
      ["ct state new-established drop", "a conntrack state", "Could not parse conntrack state"],
    ]) {
      const word = (rule as string).split(" ")[2];
      expect(said(rule as string).map((d) => d.message)).toEqual([
        `'${word}' is not ${what}: nft refuses it ("${nft}"), and with it the whole file`,
      ]);
    }
    // A range from a number it took (`0-echo-request`, `8-cs3`).
    expect(said("icmp type 0-echo-request drop").filter((d) => d.severity === "error")).toEqual([]);
  });

  it("refuses a reversed range from a number to a name at its word, as written", () => {
    // nft 1.0.6: 'ip dscp 9-cs1' (cs1 is 8) "4:11-15: Error: Range has zero or negative size", and
    // 'icmp type 8-echo-reply' at 4:13-24; the error was at the rule's first word, saying '9-8'.
    for (const [rule, at, word] of [
      ["ip dscp 9-cs1 drop", "4:11", "9-cs1"],
      ["ip dscp 0x09-cs1 drop", "4:11", "0x09-cs1"],
      ["icmp type 8-echo-reply drop", "4:13", "8-echo-reply"],
    ])
      expect(said(rule as string).map((d) => [d.at, d.message])).toEqual([
        [at, `range '${word}' has zero or negative size: nft refuses it, and with it the whole file`],
      ]);
  });

  it("matches a MAC address with a prefix by its first bits, alone as in a set", () => {
    /** Whether `rule` matches a frame from `mac`. */
    const matches = (rule: string, mac: string) => {
      const rs = parseRulesetText(chainWith(rule), "p.nft");
      const table = rs.nft?.[0];
      const r = table?.chains.get("c")?.rules[0];
      if (!table || !r) throw new Error(`no rule read from ${rule}`);
      const ctx = { bridged: false, ethType: "0x0800", addrType: () => "UNICAST", sets: table.sets };
      return matchRule(r, icmpPacket({ macSrc: mac }), ctx);
    };
    for (const rule of [
      "ether saddr 02:42:00:00:00:00/24 drop",
      "ether saddr { 02:42:00:00:00:00/24 } drop",
    ]) {
      expect(matches(rule, "02:42:00:ac:11:02"), rule).toBe(true);
      expect(matches(rule, "02:42:01:ac:11:02"), rule).toBe(false);
    }
    // `/0x2c` (44 bits, hex as nft reads it): the last nibble is free.
    expect(matches("ether saddr { 2:42:ac:11:0:2/0x2c } drop", "02:42:ac:11:00:0f")).toBe(true);
    expect(matches("ether saddr { 2:42:ac:11:0:2/0x2c } drop", "02:42:ac:11:00:12")).toBe(false);
  });

  it("says a placeholder address was redacted, alone as in a set", () => {
    // nft: "Could not resolve hostname", at 4:12.
    expect(said("ip saddr x.x.x.x drop")).toEqual([
      expect.objectContaining({ at: "4:12", severity: "error", hint: REDACTED_ADDRESS_HINT }),
    ]);
    expect(said("ip saddr { x.x.x.x } drop")[0]?.hint).toBe(REDACTED_ADDRESS_HINT);
  });

  it("takes what nft takes alone: packet type numbers, state words joined by '|', octal prefixes", () => {
    for (const rule of ["meta pkttype 7 drop", "meta mark 0x100/030 drop", "icmp type 0x8 drop"])
      expect(said(rule), rule).toEqual([]);
    // Was refused as "not a conntrack state"; nft compares the whole state word: not modelled.
    expect(said("ct state new|established drop")).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: "expression 'ct state new|established' is not modelled",
      }),
    ]);
    // `/030` is octal: nft listed `meta mark 0x00000100/24`.
    expect(conditionsOf("meta mark 0x100/030 drop")).toEqual([
      { kind: "mark", value: 0x100, mask: 0xffffff00, neg: false },
    ]);
  });
});

describe("protocol names in sets", () => {
  it.each([
    // nft 1.0.6: "Could not resolve protocol name" at the name.
    ["meta l4proto { tcp, tpc } drop", "4:23", "tpc"],
    ["ip protocol { bogus } drop", "4:17", "bogus"],
  ])("%s: warned of at %s, as a single value is", (rule, at, name) => {
    const single = said(`meta l4proto ${name} drop`)[0];
    expect(said(rule)).toEqual([{ ...single, at }]);
    expect(single?.severity).toBe("warning");
    expect(single?.message).toMatch(new RegExp(`^'${name}' is not a protocol name of /etc/protocols`));
  });

  it("keeps the rule, matching the names it knows", () => {
    expect(conditionsOf("meta l4proto { tcp, tpc } drop")).toEqual([
      expect.objectContaining({ kind: "nft-set", key: "meta l4proto" }),
    ]);
  });
});

describe("map keys the same by name and by number", () => {
  it.each([
    // nft 1.0.6: "Could not process rule: File exists" at the second key.
    ["tcp dport vmap { ssh : accept, 22 : drop }", "4:34", "22"],
    ["meta l4proto vmap { tcp : accept, 6 : drop }", "4:37", "6"],
    ["icmp type vmap { echo-request : accept, 8 : drop }", "4:43", "8"],
    ["ip dscp vmap { cs1 : accept, 8 : drop }", "4:32", "8"],
    ["meta mark vmap { 0x1 : accept, 1 : drop }", "4:34", "1"],
    ["ip saddr . tcp dport vmap { 1.2.3.4 . ssh : accept, 1.2.3.4 . 22 : drop }", "4:55", "1.2.3.4 . 22"],
  ])("%s is refused at %s", (rule, at, key) => {
    expect(said(rule)).toEqual([
      expect.objectContaining({
        at,
        message: `map key '${key}' is given twice with other data: the kernel refuses it (nft: "Could not process rule: File exists")`,
      }),
    ]);
  });

  it("takes a key given twice with the same verdict, and interface names that only look alike", () => {
    expect(said("tcp dport vmap { ssh : accept, 22 : accept }")).toEqual([]);
    expect(said('iifname vmap { "22" : accept, "ssh" : drop }')).toEqual([]);
  });

  it("refuses the same in a named verdict map", () => {
    const text =
      "table ip t {\n\tmap m {\n\t\ttype inet_service : verdict\n\t\telements = { ssh : accept, 22 : drop }\n\t}\n}\n";
    // nft 1.0.6: at 4:30.
    expect(
      parseRulesetText(text, "p.nft").diagnostics.map(
        (d) => `${d.position.line}:${d.position.column} ${d.message}`,
      ),
    ).toEqual([
      `4:30 map key '22' is given twice with other data: the kernel refuses it (nft: "Could not process rule: File exists")`,
    ]);
  });
});

describe("an element of a concatenation with too few parts", () => {
  it.each([
    // nft 1.0.6: "invalid data type, expected concatenation of (IPv4 address, internet network service)".
    ["ip saddr . tcp dport { 1.2.3.4 } drop", "4:26", "1.2.3.4", 1, 2],
    ["ip saddr . tcp dport { 1.2.3.4 . 22, 1.2.3.5 } drop", "4:40", "1.2.3.5", 1, 2],
    // nft 1.0.6: "datatype mismatch, expected concatenation of (IPv4 address, internet network service, Internet protocol), ...".
    ["ip saddr . tcp dport . meta l4proto { 1.2.3.4 . 22 } drop", "4:41", "1.2.3.4", 2, 3],
  ])("%s is refused at %s", (rule, at, element, parts, of) => {
    expect(said(rule)).toEqual([
      {
        at,
        severity: "error",
        message: `the element at '${element}' has ${parts} of the ${of} parts of the key's concatenation: nft refuses it ("... expected concatenation of ..."), and with it the whole file`,
        hint: "write a value for each part, joined by ' . ' (e.g. 192.0.2.1 . 22)",
      },
    ]);
  });
});

describe("a statement after a verdict", () => {
  it.each([
    // nft 1.0.6: "Statement after terminal statement has no effect", at the statement.
    ["accept limit rate 1/second", "4:10"],
    ["drop quota 10 mbytes", "4:8"],
    ['accept ct helper set "ftp"', "4:10"],
    // The statement's own values are not judged first (nft said this, not "Could not parse TCP flag").
    ["drop tcp flags bogus", "4:8"],
    // `new|established` alone is not modelled: that warning gives way too.
    ["accept ct state new|established", "4:10"],
    ["drop ip dscp bogus", "4:8"],
    ["drop meta mark 0x100000000", "4:8"],
  ])("%s: one error, no 'not modelled' warning besides", (rule, at) => {
    const all = said(rule);
    expect(all).toEqual([expect.objectContaining({ at, severity: "error" })]);
    expect(all[0]?.message).toMatch(/^statement '.*' after the rule's verdict or NAT does not act/);
  });
});

describe("nft's own listings of every judged key", () => {
  it("reads nft list ruleset (and nft -n) of a ruleset using each key alone and in sets without a refusal", () => {
    // test/fixtures/nft-ruleset/value-forms/: load.nft loaded with `nft -f` (nft 1.0.6, kernel 6.18),
    // listed.nft and listed-n.nft what `nft list ruleset` and `nft -n list ruleset` printed then.
    const dir = join(import.meta.dirname, "../../fixtures/nft-ruleset/value-forms");
    for (const file of ["load.nft", "listed.nft", "listed-n.nft"]) {
      const rs = parseRulesetText(readFileSync(join(dir, file), "utf8"), file);
      expect(
        rs.diagnostics.filter((d) => d.severity === "error"),
        file,
      ).toEqual([]);
      expect(rs.nft?.[0]?.chains.get("c")?.rules.length, file).toBe(29);
    }
  });
});

describe("an IPv6 element nft's lexer splits", () => {
  // nft 1.0.6 (`unshare -n nft -c -f`, the rule on line 3 from column 5, its set's element at 17) refused
  // each with "syntax error, unexpected string, expecting comma or '}'" at the word after the longest
  // start it lexed (`1::`, `ab::`, `zz`, `1::1`, `1`): 3:20, 3:21, 3:19, 3:25, 3:18; `fd00::1/x` with
  // "expecting number" at 3:25, and `1::1:x` with "mapping outside of map context" at 3:17. They were
  // all said at the element's first column.
  const at = (rule: string) =>
    parseRulesetText(`table inet t {\n  chain c {\n    ${rule}\n  }\n}\n`, "p.nft").diagnostics.map(
      (d) => `${d.position.line}:${d.position.column} ${d.message}`,
    );
  const refused = (bad: string) =>
    `'${bad}' is not an IPv6 address or prefix: nft refuses it, and with it the whole file`;
  it.each([
    ["ip6 saddr { 1::x }", 20, "1::x"],
    ["ip6 saddr { ab::xy }", 21, "ab::xy"],
    ["ip6 saddr { zz::1 }", 19, "zz::1"],
    ["ip6 saddr { 1::1-1::x }", 25, "1::x"],
    ["ip6 daddr { 1x }", 18, "1x"],
    ["ip6 saddr { fd00::1/x }", 25, "fd00::1/x"],
    ["ip6 saddr { 1::1:x }", 17, "1::1:x"],
  ])("%s at column %i", (rule, column, bad) => {
    expect(at(rule)).toEqual([`3:${column} ${refused(bad)}`]);
  });
});

describe("an IPv6 address nft's lexer splits, outside a set", () => {
  // nft 1.0.6 (`unshare -n nft -c -f`, the rule on line 3 from column 5) pointed inside the address or past
  // it: `ip6 saddr 1::x tcp dport 22 accept` "3:18-18: Error: No symbol type information" (at `x`),
  // `ip6 daddr != 1::x tcp dport 22` 3:21 (same words, at `x`), `ip6 saddr 1::x` "3:19-19: Error: syntax
  // error, unexpected newline", `ip6 saddr 1::1-1::x` 3:24 (unexpected newline), `ip6 saddr fd00::1/x tcp
  // dport 22` "3:25-27: ... unexpected tcp, expecting comma"; they were said at the address's first column.
  // A word it took for a host name is said at its start, as nft said it: `ip6 saddr zz::1 tcp dport 22`
  // and `ip6 daddr 1x tcp dport 22`, 3:15 ("Could not resolve hostname").
  const at = (rule: string) =>
    parseRulesetText(`table inet t {\n  chain c {\n    ${rule}\n  }\n}\n`, "p.nft").diagnostics.map(
      (d) => `${d.position.line}:${d.position.column} ${d.message}`,
    );
  const refused = (bad: string) =>
    `'${bad}' is not an IPv6 address or prefix: nft refuses it, and with it the whole file`;
  it.each([
    ["ip6 saddr 1::x tcp dport 22 accept", 18, "1::x"],
    ["ip6 daddr != 1::x tcp dport 22", 21, "1::x"],
    ["ip6 saddr 1::x", 18, "1::x"],
    ["ip6 saddr 1::1-1::x", 23, "1::x"],
    ["ip6 saddr fd00::1/x tcp dport 22", 23, "fd00::1/x"],
    ["ip6 saddr zz::1 tcp dport 22", 15, "zz::1"],
    ["ip6 daddr 1x tcp dport 22", 15, "1x"],
  ])("%s at column %i", (rule, column, bad) => {
    expect(at(rule)).toEqual([`3:${column} ${refused(bad)}`]);
  });
});

describe("two protocol names joined by a dash", () => {
  // nft 1.0.6 -c -f (the rule on line 3 from column 5) refused each, its lexer reading the word as one
  // name: `ip protocol tcp-udp` "3:17-23: Error: Could not resolve protocol name", `ip protocol { tcp-udp }`
  // 3:19, `meta l4proto udp-tcp accept` 3:18, `ip6 nexthdr tcp-udp` 3:17; it took `meta l4proto tcp - udp`
  // (listed 6-17) and `ip protocol ipv6-icmp` (a name of /etc/protocols). They were only warned of, as a
  // name another system's /etc/protocols might hold.
  const said = (rule: string) =>
    parseRulesetText(`table inet t {\n  chain c {\n    ${rule}\n  }\n}\n`, "p.nft").diagnostics.map(
      (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message} | ${d.hint}`,
    );
  const refused = (at: string, bad: string) =>
    `error ${at} '${bad}' is two protocol names nft reads as one: nft refuses it ("Could not resolve protocol name"), and with it the whole file | write the range with spaces: 'tcp - udp' (6-17), or one protocol by its number`;
  it.each([
    ["ip protocol tcp-udp", "3:17", "tcp-udp"],
    ["ip protocol { tcp-udp }", "3:19", "tcp-udp"],
    ["meta l4proto udp-tcp accept", "3:18", "udp-tcp"],
    ["ip6 nexthdr tcp-udp", "3:17", "tcp-udp"],
  ])("refuses '%s' at %s", (rule, at, bad) => {
    expect(said(rule)).toEqual([refused(at, bad)]);
  });

  it("takes a name of /etc/protocols with a dash, and the spaced range", () => {
    expect(said("ip protocol ipv6-icmp")).toEqual([]);
    expect(said("meta l4proto tcp - udp accept")).toEqual([]);
  });
});
