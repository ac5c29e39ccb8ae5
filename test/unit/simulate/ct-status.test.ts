/**
 * The connection's status bits: nft's `ct status` and iptables' `-m conntrack --ctstatus`, decided from
 * the connection the model keeps (src/core/simulate/ct-status.ts). Recorded on kernel 6.18 with rule
 * counters in a router namespace (nft 1.0.6, iptables-nft 1.8.9), for a ping and a TCP connection
 * through it: the echo request and the SYN showed no bit; the echo reply and the SYN-ACK showed
 * seen-reply and confirmed; the ACKs and FINs also assured; no packet expected. At the router's own
 * input the echo request showed none, at its output the echo reply seen-reply and confirmed. nft
 * compiles `ct status == X,Y` and `!= X,Y` to a compare of the whole word (`== seen-reply,confirmed`
 * counted the echo reply and the SYN-ACK of that NAT-less router; `== confirmed` nothing, `!= confirmed`
 * every packet), `ct status X,Y` to any of the bits and `ct status ! X` to none of them; likewise
 * `ct state == established,related` counted nothing and `!= established,related` every packet.
 * iptables: `--ctstatus NONE` counted nothing and `! --ctstatus NONE` every tracked packet; an
 * untracked echo request matched neither alone and both beside `--ctstate UNTRACKED`.
 */
import { describe, expect, it } from "vitest";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { iptablesPingFates, nftJsonChain, textWorld } from "./helpers.ts";

const MASQUERADE =
  '\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "eth0" masquerade\n\t}\n';

/** `rule` alone in a chain at `hook` (with c1's masquerade when `nat`); the fates of `from`'s exchange with `to`. */
function fates(
  rule: string,
  opts: { hook?: string; from?: string; to?: string; proto?: "icmp" | "tcp"; nat?: boolean } = {},
) {
  const { hook = "forward", from = "c1", to = "198.51.100.10", proto = "icmp", nat = true } = opts;
  const w = textWorld(
    `table inet t {\n\tchain c {\n\t\ttype filter hook ${hook} priority filter; policy accept;\n\t\t${rule}\n\t}\n${nat ? MASQUERADE : ""}}\n`,
  );
  expect(w.ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const run = runScenario(w, { from, to, proto, ...(proto === "tcp" ? { dport: 80 } : {}) });
  expect(run.packets.flatMap((p) => p.unmodelled)).toEqual([]);
  return run.packets.map((p) => `${p.direction} ${p.fate.kind}`);
}

describe("nft ct status", () => {
  it("shows no bit on a connection's first packet, seen-reply and confirmed on its reply", () => {
    expect(fates("ct status seen-reply drop")).toEqual(["request delivered", "reply dropped"]);
    expect(fates("ct status confirmed drop")).toEqual(["request delivered", "reply dropped"]);
    expect(fates("ct status ! seen-reply drop")).toEqual(["request dropped"]);
    expect(fates("ct status ! confirmed drop")).toEqual(["request dropped"]);
  });

  it("never shows assured on a ping, nor expected without a helper", () => {
    expect(fates("ct status assured drop")).toEqual(["request delivered", "reply delivered"]);
    expect(fates("ct status expected drop")).toEqual(["request delivered", "reply delivered"]);
    expect(fates("ct status seen-reply|assured drop")).toEqual(["request delivered", "reply dropped"]);
  });

  it("reads a masked test, with '&' or 'and' before a status word, as the flag test it is", () => {
    // review49: nft 1.0.6 took `ct status and dnat == dnat` (no dnat statement) and listed it
    // `ct status & dnat == dnat`; `& dnat != 0` it listed `ct status dnat`, `& dnat == 0` `ct status ! dnat`,
    // `& (snat|dnat) == snat` `ct status snat / snat,dnat`, and nft -j wrote each with its `&` and op.
    expect(fates("ct status and snat == snat drop")).toEqual(fates("ct status snat drop"));
    expect(fates("ct status & seen-reply == seen-reply drop")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(fates("ct status and seen-reply != 0 drop")).toEqual(["request delivered", "reply dropped"]);
    expect(fates("ct status & seen-reply == 0 drop")).toEqual(["request dropped"]);
    expect(fates("ct status & (seen-reply | assured) == seen-reply drop")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(fates("ct status and seen-reply != seen-reply drop")).toEqual(["request dropped"]);
    const status = { ct: { key: "status" } };
    const rules = (text: string, file: string) =>
      (parseRulesetFile(text, file).nft ?? []).flatMap((t) =>
        [...t.chains.values()].flatMap((c) => c.rules.map((r) => r.conditions)),
      );
    const json = nftJsonChain("inet", { type: "filter", hook: "forward", prio: 0 }, [
      [{ match: { op: "==", left: { "&": [status, "dnat"] }, right: "dnat" } }, { accept: null }],
      [{ match: { op: "==", left: { "&": [status, ["snat", "dnat"]] }, right: "snat" } }, { accept: null }],
    ]);
    expect(parseRulesetFile(json, "r.json").diagnostics).toEqual([]);
    expect(rules(json, "r.json")).toEqual([
      [{ kind: "ctstatus", mask: 32, values: [32], neg: false }],
      [{ kind: "ctstatus", mask: 48, values: [16], neg: false }],
    ]);
  });

  it("looks the whole word up in a named set of type ct_status", () => {
    // review49: nft 1.0.6 took `ct status @s` and `!= @s` (s of type ct_status; nft -j: `"right": "@s"`),
    // refused `@s` of type ipv4_addr at 5:13 ("datatype mismatch, expected conntrack status, expression has
    // type IPv4 address"), `ct state @s` of ct_status at 5:12 and a missing set at 5:13. Kernel 6.18, a ping
    // over lo in a fresh namespace, input chain: `@{ seen-reply | confirmed }` and `& seen-reply == seen-reply`
    // counted the reply, `@{ confirmed }` the request and `!= @{ confirmed }` the reply (one packet each).
    const world = (rule: string, type = "ct_status; elements = { seen-reply | confirmed, assured }") =>
      textWorld(
        `table inet t {\n\tset s { type ${type}; }\n\tchain c {\n\t\ttype filter hook input priority filter;\n\t\t${rule}\n\t}\n}\n`,
      );
    const run = (rule: string, type?: string) => {
      const w = world(rule, type);
      expect(w.ruleset.diagnostics).toEqual([]);
      const packets = runScenario(w, { from: "host", to: "172.17.0.2", proto: "icmp" }).packets;
      expect(packets.flatMap((p) => p.unmodelled)).toEqual([]);
      return packets.map((p) => `${p.direction} ${p.fate.kind}`);
    };
    // The reply's word at input is seen-reply|confirmed exactly (no nat chain), as `== seen-reply,confirmed` found.
    expect(run("ct status @s drop")).toEqual(["request delivered", "reply dropped"]);
    expect(run("ct status != @s drop")).toEqual(["request delivered", "reply delivered"]);
    // A set of `confirmed` alone holds no word with seen-reply: the whole word is looked up, not a bit.
    const confirmed = "ct_status; elements = { confirmed }";
    expect(run("ct status @s drop", confirmed)).toEqual(["request delivered", "reply delivered"]);
    expect(run("ct status != @s drop", confirmed)).toEqual(["request delivered", "reply dropped"]);
    const said = (rule: string, type: string) =>
      world(rule, type).ruleset.diagnostics.map(
        (d) => `${d.position.line}:${d.position.column} ${d.message}`,
      );
    expect(said("ct status @s drop", "ipv4_addr")).toEqual([
      "5:13 datatype mismatch, expected conntrack status, expression has type IPv4 address: 'ct status' is looked up in set @s (type ipv4_addr), and nft refuses the rule",
    ]);
    expect(said("ct state @s drop", "ct_status")).toEqual([
      "5:12 datatype mismatch, expected conntrack state, expression has type conntrack status: 'ct state' is looked up in set @s (type ct_status), and nft refuses the rule",
    ]);
    expect(said("ct status @nope drop", "ct_status")).toEqual([
      "5:13 set '@nope' does not exist in table inet t",
    ]);
    expect(explainNftRule("ct status != @s drop").en).toContain(
      "the connection's status word is not exactly one of set @s's (ct status)",
    );
  });

  it("shows assured from the ACK that ends a TCP handshake on", () => {
    expect(fates("ct status assured drop", { proto: "tcp" })).toEqual([
      "request delivered",
      "reply delivered",
      "request dropped",
    ]);
    expect(fates("tcp flags syn ct status seen-reply drop", { proto: "tcp" })).toEqual([
      "request delivered",
      "reply dropped",
    ]);
  });

  it("is not assured when a FIN comes before the handshake's ACK (tcp_packet: SYN_RECV goes to FIN_WAIT)", () => {
    const w = textWorld(
      `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tct status assured drop\n\t}\n${MASQUERADE}}\n`,
    );
    const run = runScenario(w, {
      from: "c1",
      to: "198.51.100.10",
      proto: "tcp",
      dport: 80,
      script: [
        { direction: "request", tcpFlags: ["SYN"] },
        { direction: "reply", tcpFlags: ["SYN", "ACK"] },
        { direction: "request", tcpFlags: ["FIN", "ACK"] },
        { direction: "reply", tcpFlags: ["ACK"] },
        { direction: "request", tcpFlags: ["ACK"] },
      ],
    });
    expect(run.packets.map((p) => p.fate.kind)).toEqual([
      "delivered",
      "delivered",
      "delivered",
      "delivered",
      "delivered",
    ]);
  });

  it("compares the whole word with == and !=, NAT bits included", () => {
    // The host pings c1 (no NAT): the reply's word at input is seen-reply|confirmed exactly, when no nat chain runs.
    const host = { hook: "input", from: "host", to: "172.17.0.2" } as const;
    expect(fates("ct status == seen-reply,confirmed drop", { ...host, nat: false })).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    // A nat chain makes nf_nat mark the manip points the connection passed: the word is more than that.
    expect(fates("ct status == seen-reply,confirmed drop", host)).toEqual([
      "request delivered",
      "reply delivered",
    ]);
    expect(fates("ct status == confirmed drop")).toEqual(["request delivered", "reply delivered"]);
    expect(fates("ct status != confirmed drop")).toEqual(["request dropped"]);
    expect(fates("ct status { seen-reply, confirmed } drop")).toEqual([
      "request delivered",
      "reply delivered",
    ]);
  });

  it("reads nft's listing of an exact compare (`seen-reply | confirmed`, spaced) and of a masked one", () => {
    const host = { hook: "input", from: "host", to: "172.17.0.2", nat: false } as const;
    expect(fates("ct status seen-reply | confirmed drop", host)).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(fates("ct status seen-reply|assured drop", host)).toEqual(["request delivered", "reply dropped"]);
    expect(fates("ct status { seen-reply | confirmed, assured } drop", host)).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(fates("ct status seen-reply / seen-reply,assured drop", host)).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(fates("ct status assured / seen-reply,assured drop", host)).toEqual([
      "request delivered",
      "reply delivered",
    ]);
  });

  it("reads nft -j's forms as the text ones (nft 1.0.6 listed the same rules both ways)", () => {
    const status = { ct: { key: "status" } };
    const state = { ct: { key: "state" } };
    const matches: [object, string][] = [
      [{ op: "in", left: status, right: ["seen-reply", "assured"] }, "ct status seen-reply,assured"],
      [{ op: "!=", left: status, right: "assured" }, "ct status != assured"],
      [
        { op: "==", left: status, right: { "|": ["seen-reply", "confirmed"] } },
        "ct status seen-reply | confirmed",
      ],
      [
        { op: "==", left: status, right: { set: [{ "|": ["seen-reply", "confirmed"] }, "confirmed"] } },
        "ct status { seen-reply | confirmed, confirmed }",
      ],
      [{ op: "!", left: status, right: "assured" }, "ct status ! assured"],
      [{ op: "in", left: status, right: "dnat" }, "ct status dnat"],
      [
        { op: "==", left: state, right: { "|": ["established", "related"] } },
        "ct state established | related",
      ],
      [
        { op: "!=", left: state, right: { "|": ["established", "related"] } },
        "ct state != established | related",
      ],
    ];
    const conditions = (text: string, file: string) =>
      (parseRulesetFile(text, file).nft ?? []).flatMap((t) =>
        [...t.chains.values()].flatMap((c) => c.rules.map((r) => r.conditions)),
      );
    const json = conditions(
      nftJsonChain(
        "inet",
        { type: "filter", hook: "forward", prio: 0 },
        matches.map(([m]) => [{ match: m }, { drop: null }]),
      ),
      "r.json",
    );
    const text = conditions(
      `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n${matches.map(([, t]) => `\t\t${t} drop\n`).join("")}\t}\n}\n`,
      "r.nft",
    );
    expect(json).toEqual(text);
    expect(text.flat().map((c) => c.kind)).toEqual([
      "ctstatus",
      "ctstatus",
      "ctstatus",
      "ctstatus",
      "ctstatus",
      "ctstatus",
      "ctstate",
      "ctstate",
    ]);
    expect(text[2]).toEqual([{ kind: "ctstatus", values: [10], neg: false }]);
    expect(text[6]).toEqual([
      { kind: "ctstate", states: ["ESTABLISHED", "RELATED"], neg: false, exact: true },
    ]);
  });

  it("breaks the rule on a packet without a connection, negated or not", () => {
    const w = textWorld(
      `table inet t {\n\tchain raw {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tct status != confirmed drop\n\t\tct status ! assured drop\n\t}\n}\n`,
    );
    const run = runScenario(w, { from: "c1", to: "172.17.0.3", proto: "icmp" });
    expect(run.packets.map((p) => `${p.direction} ${p.fate.kind}`)).toEqual([
      "request delivered",
      "reply delivered",
    ]);
  });

  it("warns that `ct state == a,b` never matches and `!= a,b` always does", () => {
    const w = textWorld(
      "table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n\t\tct state == established,related drop\n\t}\n}\n",
    );
    expect(
      w.ruleset.diagnostics.map((d) => [d.severity, d.position?.line, d.position?.column, d.message]),
    ).toEqual([
      [
        "warning",
        4,
        12,
        "'ct state == established,related' never matches: nft compares the whole state with established|related, and a packet has one state",
      ],
    ]);
    expect(fates("ct state == established,related drop")).toEqual(["request delivered", "reply delivered"]);
    expect(fates("ct state != established,related drop")).toEqual(["request dropped"]);
    expect(fates("icmp type echo-request accept\n\t\tct state != established,related drop")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
  });

  it("reads the value right after a mask as compared with ==, even a statement's word", () => {
    // nft 1.0.6 took each (`unshare -n nft -f`, kernel 6.18) and listed `ct status and dnat dnat accept` and
    // `ct status & dnat { dnat }` as `ct status & dnat == dnat accept`, `ct status and dnat dnat dnat to
    // 10.0.0.1` as `ct status & dnat == dnat dnat to 10.0.0.1`; the second `dnat` was read as a dnat
    // statement without `to` and the rule refused ("dnat needs 'to ADDRESS[:PORT]'").
    expect(fates("ct status and seen-reply seen-reply drop")).toEqual(["request delivered", "reply dropped"]);
    expect(fates("ct status & seen-reply { seen-reply } drop")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(fates("ct status & seen-reply 0 drop")).toEqual(["request dropped"]);
    const conditions = (rule: string) => {
      const r = parseRulesetFile(`table ip t {\n\tchain c {\n\t\t${rule}\n\t}\n}\n`, "t.nft");
      expect(r.diagnostics).toEqual([]);
      const [c] = [...(r.nft?.[0]?.chains.values() ?? [])];
      return c?.rules.map((x) => [x.conditions, x.target.kind]);
    };
    const dnat = { kind: "ctstatus", mask: 32, values: [32], neg: false };
    expect(conditions("ct status and dnat dnat accept")).toEqual([[[dnat], "ACCEPT"]]);
    expect(conditions("ct status and dnat dnat dnat to 10.0.0.1")).toEqual([[[dnat], "DNAT"]]);
  });

  it("reads `& a | b` as nft does, the mask `a` and `| b` set after it", () => {
    // nft 1.0.6 stored `ct status & snat | dnat == dnat` and `& snat|dnat dnat` as `bitwise reg 1 = (reg 1 &
    // 0x10) ^ 0x20; cmp eq 0x20` (nft --debug=netlink, kernel 6.18): the word passes when snat is off. It was
    // read as the mask snat|dnat holding exactly dnat. So `& confirmed | seen-reply == seen-reply` holds
    // while confirmed is off: a connection's first packet in forward.
    expect(fates("ct status & confirmed | seen-reply == seen-reply drop")).toEqual(["request dropped"]);
    expect(fates("ct status & confirmed|seen-reply seen-reply drop")).toEqual(["request dropped"]);
    expect(fates("ct status & (confirmed | seen-reply) == seen-reply drop")).toEqual([
      "request delivered",
      "reply delivered",
    ]);
    // A value without the bits after `|` is never equal (`& dnat | snat 0`: nft 1.0.6 took it).
    expect(fates("ct status & seen-reply | confirmed 0 drop")).toEqual([
      "request delivered",
      "reply delivered",
    ]);
    expect(explainNftRule("ct status & dnat | snat 0 accept").en).toContain(
      "the connection's status never passes its masked test (ct status)",
    );
  });

  it("is explained in words", () => {
    const any = explainNftRule("ct status seen-reply,assured accept");
    expect(any.en).toContain("the connection's status has seen-reply or assured (ct status)");
    expect(any.unknown).toEqual([]);
    expect(explainNftRule("ct status dnat accept").unknown).toEqual([]);
    expect(explainNftRule("ct status { confirmed, seen-reply | confirmed } accept").en).toContain(
      "is exactly one of confirmed, seen-reply|confirmed",
    );
    expect(explainNftRule("ct status != confirmed drop").en).toContain(
      "is not exactly confirmed (ct status; the word also carries the NAT-done bits (where the ruleset has nat chains), assured, snat and dnat)",
    );
    expect(explainNftRule("ct status dnat accept").en).toContain("a connection conntrack rewrote by DNAT");
    expect(explainNftRule("ct state == established,related accept")["zh-TW"]).toContain("永遠不符合");
    // The word under a mask: the mask is said, not dropped (it was explained as "exactly dnat" of the whole word).
    expect(explainNftRule("ct status and dnat == dnat accept").en).toContain(
      "of the connection's status bits dnat, those on are exactly dnat (ct status)",
    );
    expect(explainNftRule("ct status seen-reply / seen-reply,assured drop")["zh-TW"]).toContain(
      "連線的狀態旗標 seen-reply|assured 之中，有的剛好是 seen-reply（ct status）",
    );
    expect(explainNftRule("ct status & dnat == 0 accept").en).toContain("those on are exactly none");
  });
});

describe("iptables -m conntrack --ctstatus", () => {
  it("tests any of the bits named, in any case", () => {
    expect(iptablesPingFates("-m conntrack --ctstatus SEEN_REPLY -j DROP")).toEqual([
      "request delivered",
      "reply dropped",
    ]);
    expect(iptablesPingFates("-m conntrack --ctstatus expected,assured -j DROP")).toEqual([
      "request delivered",
      "reply delivered",
    ]);
    expect(iptablesPingFates("-m conntrack ! --ctstatus CONFIRMED -j DROP")).toEqual(["request dropped"]);
  });

  it("never matches NONE, and always matches ! NONE", () => {
    expect(iptablesPingFates("-m conntrack --ctstatus NONE -j DROP")).toEqual([
      "request delivered",
      "reply delivered",
    ]);
    expect(iptablesPingFates("-m conntrack ! --ctstatus NONE -j DROP")).toEqual(["request dropped"]);
  });

  it("fails an untracked packet alone, and passes it when the match's --ctstate held", () => {
    const notrack = "-p icmp -j CT --notrack";
    expect(iptablesPingFates("-m conntrack ! --ctstatus NONE -j DROP", notrack)).toEqual([
      "request delivered",
      "reply lost",
    ]);
    expect(iptablesPingFates("-m conntrack --ctstate UNTRACKED --ctstatus NONE -j DROP", notrack)).toEqual([
      "request dropped",
    ]);
  });

  it("refuses a word that is no status, at its place", () => {
    const w = textWorld(
      "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstatus SEEN -j DROP\nCOMMIT\n",
      "t.rules",
    );
    expect(w.ruleset.diagnostics.map((d) => [d.position?.column, d.message])).toEqual([
      [36, "'SEEN' is not a conntrack status (iptables: Bad ctstatus)"],
    ]);
  });

  it("is explained in words", () => {
    expect(explainRule("-A FORWARD -m conntrack --ctstatus ASSURED -j ACCEPT").en).toMatch(
      /^if the connection's status has ASSURED, accept/,
    );
    expect(explainRule("-A FORWARD -m conntrack --ctstatus NONE -j ACCEPT").en).toContain("never");
    expect(explainRule("-A FORWARD -m conntrack --ctstatus ASSURED -j ACCEPT").unknown).toEqual([]);
  });
});

describe("nft ct state under a mask", () => {
  // nft 1.0.6 loaded each (`unshare -n nft -f`; `nft list ruleset`, `nft --debug=netlink list ruleset`):
  //   ct state & established == established       listed as written; bitwise & 0x02, cmp eq 0x02
  //   ct state and established == established     listed `ct state & established == established`
  //   ct state & established established          the same (no operator: ==)
  //   ct state & established != 0                 listed `ct state established`; & 0x02, cmp neq 0x00
  //   ct state & (established|related) == 0       listed `ct state ! established,related`; & 0x06, cmp eq 0x00
  //   ct state & established == related           listed `ct state related / established`; & 0x02, cmp eq 0x04
  //   ct state & (established|related) == established   listed `ct state established / established,related`
  // A packet has one state bit (new 0x08, established 0x02, ...): the test passes the states whose bit
  // under the mask is the value, and none when the value has a bit outside it. The reader left the
  // written forms unmodelled, and read the listed `related / established` as related plus an unknown.
  it("passes the states whose bit under the mask is the value", () => {
    const established = ["request delivered", "reply dropped"];
    expect(fates("ct state established drop")).toEqual(established);
    for (const rule of [
      "ct state & established == established",
      "ct state and established == established",
      "ct state & established established",
      "ct state & established != 0",
      "ct state & (established|related) == established",
      "ct state established / established,related",
    ])
      expect(fates(`${rule} drop`), rule).toEqual(established);
    expect(fates("ct state & (established|related) == 0 drop")).toEqual(["request dropped"]);
    expect(fates("ct state ! established,related drop")).toEqual(["request dropped"]);
  });

  it("passes no state when the value has a bit outside the mask, and says so", () => {
    const never = ["request delivered", "reply delivered"];
    expect(fates("ct state & established == related drop")).toEqual(never);
    expect(fates("ct state related / established drop")).toEqual(never);
    expect(explainNftRule("ct state related / established drop").en).toBe(
      "never: no connection state passes the masked test (ct state): drop (final: the packet ends here)",
    );
    expect(explainNftRule("ct state & established != 0 accept").en).toBe(
      "part of a connection conntrack already knows (established): accept (ends this base chain only)",
    );
  });

  it("reads a ct status value outside its mask, as nft lists it, as never equal", () => {
    // nft 1.0.6 listed `ct status & dnat == snat` as `ct status snat / dnat` (& 0x20, cmp eq 0x10). The
    // reader compared the masked word with snat & dnat, 0: every packet without dnat passed.
    expect(fates("ct status snat / dnat drop")).toEqual(["request delivered", "reply delivered"]);
  });
});
