/**
 * The rules a pasted LOG packet matched, found with no lab: for every recorded LOG trace of the
 * iptables labs (IPv4 and IPv6), each step the paste-time simulator marks has exactly the rules and verdicts the
 * build marks with the whole lab (topology, sysctls, LOG rules inserted); and a fact the log lacks
 * is never guessed.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { logFacts, logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import type { PrefixHooks } from "../../../src/core/model/hook.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { annotateRecorded } from "../../../src/lab/load-lab.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Recorded LOG traces of the iptables labs, with their ruleset's name. */
const CASES = ["docker-bridge", "user-network", "two-networks", "dual-stack", "ufw-docker"].flatMap((lab) =>
  readdirSync(path.join(ROOT, "traces", lab))
    .filter((f) => f.endsWith(".json") && f !== "lab.json")
    .map((f) => ({
      lab,
      stem: f.slice(0, -5),
      meta: JSON.parse(readFileSync(path.join(ROOT, "traces", lab, f), "utf8")),
    }))
    .filter((c) => c.meta.mode === "log" && c.meta.origin === "recorded")
    .map((c) => ({ lab: c.lab, stem: c.stem, ruleset: c.meta.ruleset as string })),
);

let markedSteps = 0;
/** Of them, steps at an IPv6 hook (ip6tables, in the dual-stack labs). */
let markedSteps6 = 0;

describe("logStepMatches", () => {
  it("has traces to compare", () => expect(CASES.length).toBeGreaterThan(10));

  it.each(CASES)("marks what the lab's simulation marks in $lab/$stem", ({ lab, stem, ruleset }) => {
    const dir = path.join(ROOT, "traces", lab);
    const annotated = annotateRecorded(dir, stem).trace;
    const rules = parseRulesetFile(readFileSync(path.join(dir, "rulesets", `${ruleset}.rules`), "utf8"), "r");
    const parsed = parseTraceText(readFileSync(path.join(dir, `${stem}.log`), "utf8"));
    const facts = logFacts(parsed.packets);
    parsed.packets.forEach((p, pi) => {
      const mine = logStepMatches(p, rules, parsed.packets, facts);
      p.events.forEach((e, i) => {
        const m = mine[i];
        if (!m) return;
        markedSteps++;
        if (e.hook.startsWith("ip6:")) markedSteps6++;
        // The lab's run also lists the LOG rule it inserted (line 0, not in the reader's ruleset).
        const lab = (annotated.packets[pi]?.events[i]?.matched ?? []).filter(
          (x) => x.ruleLine > 0 || x.text.startsWith("policy"),
        );
        expect(
          m.map((x) => [x.chain, x.ruleLine, x.verdict]),
          `${e.hook} of packet ${p.id}`,
        ).toEqual(lab.map((x) => [x.chain, x.ruleLine, x.verdict]));
        expect(m.some((x) => x.verdict === "UNKNOWN")).toBe(false);
      });
    });
  });

  // (A trace of bridged frames only, with no ebtables rules, has nothing to mark.)
  it("marked steps in most of them", () => expect(markedSteps).toBeGreaterThan(100));

  // Before, an IPv6 packet's steps got no marks at all (only ip and bridge tables were looked up).
  it("marked IPv6 steps too, in ip6tables' tables", () => expect(markedSteps6).toBeGreaterThan(30));

  it("leaves a conntrack match undecided when the log starts in the middle of a connection", () => {
    const rules = parseRulesetFile(
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -p tcp --dport 80 -j ACCEPT\nCOMMIT\n",
      "r",
    );
    // A bare ACK with no SYN before it: NEW or ESTABLISHED, the log cannot say; both lead to ACCEPT,
    // but by different rules.
    const log =
      "[1.0] pw/ip/filter/FORWARD IN=eth0 OUT=docker0 SRC=203.0.113.5 DST=172.17.0.2 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=40000 DPT=80 WINDOW=501 RES=0x00 ACK URGP=0 ";
    const parsed = parseTraceText(log, { prefixMap: { "pw/ip/filter/FORWARD": "ip:filter:FORWARD" } });
    const p = parsed.packets[0];
    if (!p) throw new Error("no packet");
    expect(logStepMatches(p, rules, parsed.packets)[0]?.map((x) => [x.ruleLine, x.verdict])).toEqual([
      [3, "UNKNOWN"],
      [4, "ACCEPT"],
    ]);
    // With the SYN first, the same ACK is ESTABLISHED once the reply was seen.
    const syn = log.replace("ACK URGP", "SYN URGP").replace("ID=1 ", "ID=0 ");
    const reply =
      "[1.0] pw/ip/filter/FORWARD IN=docker0 OUT=eth0 SRC=172.17.0.2 DST=203.0.113.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=9 DF PROTO=TCP SPT=80 DPT=40000 WINDOW=501 RES=0x00 ACK SYN URGP=0 ";
    const three = parseTraceText([syn, reply, log].join("\n"), {
      prefixMap: { "pw/ip/filter/FORWARD": "ip:filter:FORWARD" },
    });
    const [first, , third] = three.packets;
    if (!first || !third) throw new Error("packets missing");
    expect(logStepMatches(first, rules, three.packets)[0]?.map((x) => [x.ruleLine, x.verdict])).toEqual([
      [4, "ACCEPT"],
    ]);
    expect(logStepMatches(third, rules, three.packets)[0]?.map((x) => [x.ruleLine, x.verdict])).toEqual([
      [3, "ACCEPT"],
    ]);
  });

  it("decides packet type, MAC and DSCP from what the line prints, and leaves what it does not undecided", () => {
    const rules = parseRulesetFile(
      [
        "*filter",
        ":FORWARD ACCEPT [0:0]",
        "-A FORWARD -m pkttype ! --pkt-type unicast -j DROP",
        "-A FORWARD -m mac ! --mac-source 02:42:ac:11:00:02 -j DROP",
        "-A FORWARD -m dscp ! --dscp-class EF -j DROP",
        "-A FORWARD -m addrtype --dst-type LOCAL --limit-iface-in -j DROP",
        "-A FORWARD -j ACCEPT",
        "COMMIT",
        "# Generated by ebtables-nft-save v1.8.9 (nf_tables)",
        "*filter",
        ":FORWARD ACCEPT",
        "-A FORWARD --pkttype-type otherhost -j DROP",
      ].join("\n"),
      "r",
    );
    const prefixMap: PrefixHooks = {
      "pw/ip/filter/FORWARD": "ip:filter:FORWARD",
      "pw/br/filter/FORWARD": "bridge:filter:FORWARD",
    };
    /** The rules the one step of a one-line paste matched, with their verdicts. */
    const marks = (line: string) => {
      const p = parseTraceText(line, { prefixMap }).packets[0];
      if (!p) throw new Error("no packet");
      return logStepMatches(p, rules, [p])[0]?.map((x) => [x.ruleLine, x.verdict]);
    };
    // Routed, from c1's MAC, with DSCP EF (TOS=0x18 PREC=0xA0): the IP hooks only see the host's frames.
    // Which addresses docker0 holds is not in the log: the interface-limited type stays undecided.
    expect(
      marks(
        "[1.0] pw/ip/filter/FORWARD IN=docker0 OUT=eth0 MAC=02:42:5e:1a:b0:01:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x18 PREC=0xA0 TTL=63 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ",
      ),
    ).toEqual([
      [6, "UNKNOWN"],
      [7, "ACCEPT"],
    ]);
    // A bridge hook's unicast frame may be for another host: the line cannot say.
    expect(
      marks(
        "[1.0] pw/br/filter/FORWARD IN=veth-c1 OUT=veth-c2 MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=172.17.0.2 IP DST=172.17.0.3, IP tos=0x00, IP proto=1",
      ),
    ).toEqual([
      [12, "UNKNOWN"],
      [0, "ACCEPT"],
    ]);
  });

  // Kernel 6.18 (the fixture test/fixtures/simulate/nft-after-continue, counters): notrack at raw
  // priority left the SYN untracked, so the input chain's ct state untracked matched it (9001); a
  // notrack at input, after conntrack, did nothing to the NEW SYN (9006).
  it("reads a packet an earlier chain left untracked as untracked, and a notrack after conntrack as doing nothing", () => {
    const rules = parseRulesetFile(
      [
        "table inet raw {",
        "\tchain pre {",
        "\t\ttype filter hook prerouting priority raw; policy accept;",
        "\t\ttcp dport 9001 notrack",
        "\t}",
        "}",
        "table inet filter {",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy accept;",
        "\t\ttcp dport 9006 notrack ct state untracked accept",
        "\t\tct state untracked accept",
        "\t\tct state new accept",
        "\t}",
        "}",
      ].join("\n"),
      "r.nft",
    );
    const prefixMap: PrefixHooks = { "pw/raw/pre": "ip:raw:pre", "pw/filter/input": "ip:filter:input" };
    const syn = (prefix: string, dport: number) =>
      `[1.0] ${prefix} IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=203.0.113.1 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=${dport} WINDOW=501 RES=0x00 SYN URGP=0 `;
    /** The rules each step of a SYN to `dport`, logged at raw prerouting and at input, matched. */
    const marks = (dport: number) => {
      const p = parseTraceText([syn("pw/raw/pre", dport), syn("pw/filter/input", dport)].join("\n"), {
        prefixMap,
      }).packets[0];
      if (!p) throw new Error("no packet");
      return logStepMatches(p, rules, [p]).map((m) => m?.map((x) => [x.ruleLine, x.verdict]));
    };
    expect(marks(9001)).toEqual([
      [
        [4, "CONTINUE"],
        [0, "ACCEPT"],
      ],
      [[11, "ACCEPT"]],
    ]);
    expect(marks(9006)).toEqual([[[0, "ACCEPT"]], [[12, "ACCEPT"]]]);
  });
});
