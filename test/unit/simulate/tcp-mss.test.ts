/**
 * The TCP MSS option: iptables' `-m tcpmss` and TCPMSS target, nft's `tcp option maxseg`. Recorded on
 * kernel 6.18 with rule counters in a router namespace (nft 1.0.6, iptables-nft 1.8.9), a TCP
 * connection through it (SYN, SYN-ACK, ACKs and FINs):
 * - the SYN and the SYN-ACK carried an MSS of 1460 (1500-byte links), no other segment any;
 * - nft `tcp flags syn tcp option maxseg size set 1400` lowered both to 1400, a later `set 1500` raised
 *   nothing; on an ACK `size != 1460` matched nothing (the rule breaks), `missing` every ACK;
 * - `-j TCPMSS --set-mss 1400` behind `--tcp-flags SYN,ACK SYN` lowered the SYN to 1400, `--set-mss
 *   1500` left the SYN-ACK at 1460; `-m tcpmss --mss X` matched no ACK and `! --mss X` every one;
 * - `--clamp-mss-to-pmtu` with the server's link at MTU 1400 gave the SYN 1360;
 * - iptables-nft took `-p tcp -j TCPMSS --set-mss 1400` without a SYN match (iptables-legacy refuses
 *   it), and it gave every ACK and FIN without data an MSS option of 536, their length 52 growing to 56.
 * The path MTU's part (links and routes of other MTUs) is test/fixtures/simulate/tcp-mss-path-mtu.
 */
import { describe, expect, it } from "vitest";
import { logStepMatches } from "../../../src/core/listing/log-step-matches.ts";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { type RecordedPacket, scenarioFromRecorded } from "../../../src/core/simulate/conformance.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import type { RouteResult } from "../../../src/core/simulate/route.ts";
import { runScenario, type ScriptItem } from "../../../src/core/simulate/run-scenario.ts";
import { advertisedMss, clampMss } from "../../../src/core/simulate/tcp-mss.ts";
import { textWorld } from "./helpers.ts";

/** c1's TCP connection to the WAN server's port 80 (SYN, SYN-ACK, ACK) under `world`: each packet's fate. */
function tcpFates(w: ReturnType<typeof textWorld>): string[] {
  expect(w.ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const run = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
  expect(run.packets.flatMap((p) => p.unmodelled)).toEqual([]);
  return run.packets.map((p) => `${p.sent.tcpFlags?.join(",")} ${p.fate.kind}`);
}

/** nft: `mangle` in a forward chain at priority -150, `filter` in one at 0, c1 masqueraded. */
function nft(mangle: string, filter: string): string[] {
  return tcpFates(
    textWorld(
      `table inet t {\n\tchain m {\n\t\ttype filter hook forward priority -150; policy accept;\n\t\t${mangle}\n\t}\n\tchain f {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\t${filter}\n\t}\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\toifname "eth0" masquerade\n\t}\n}\n`,
    ),
  );
}

/** iptables: `mangle` in mangle FORWARD, `filter` in filter FORWARD, c1 masqueraded as Docker does. */
function iptables(mangle: string, filter: string): string[] {
  return tcpFates(
    textWorld(
      [
        "*nat",
        ":POSTROUTING ACCEPT [0:0]",
        "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE",
        "COMMIT",
        "*mangle",
        ":FORWARD ACCEPT [0:0]",
        ...(mangle ? [`-A FORWARD ${mangle}`] : []),
        "COMMIT",
        "*filter",
        ":FORWARD ACCEPT [0:0]",
        `-A FORWARD ${filter}`,
        "COMMIT",
        "",
      ].join("\n"),
      "t.rules",
    ),
  );
}

const ALL_THROUGH = ["SYN delivered", "ACK,SYN delivered", "ACK delivered"];

describe("nft tcp option maxseg", () => {
  it("finds 1460 on the SYN and the SYN-ACK only", () => {
    expect(nft("", "tcp option maxseg size 1460 drop")).toEqual(["SYN dropped"]);
    expect(nft("", "tcp flags syn,ack / syn,ack tcp option maxseg size 1460 drop")).toEqual([
      "SYN delivered",
      "ACK,SYN dropped",
    ]);
    expect(nft("", "tcp option maxseg exists drop")).toEqual(["SYN dropped"]);
    expect(nft("", "tcp option maxseg missing drop")).toEqual([
      "SYN delivered",
      "ACK,SYN delivered",
      "ACK dropped",
    ]);
  });

  it("breaks the rule on a segment without the option, `!=` or not", () => {
    expect(nft("", "tcp option maxseg size != 1460 drop")).toEqual(ALL_THROUGH);
    expect(nft("", "tcp option maxseg size < 1000 drop")).toEqual(ALL_THROUGH);
  });

  it("lowers it with `set`, never raises it", () => {
    expect(nft("tcp flags syn tcp option maxseg size set 1400", "tcp option maxseg size 1400 drop")).toEqual([
      "SYN dropped",
    ]);
    expect(
      nft(
        "tcp flags syn tcp option maxseg size set 1400\n\t\ttcp option maxseg size set 1500",
        "tcp flags syn,ack / syn,ack tcp option maxseg size 1400 drop",
      ),
    ).toEqual(["SYN delivered", "ACK,SYN dropped"]);
    // `rt mtu`: the lab's links are 1500 bytes, so 1460 stays.
    expect(nft("tcp option maxseg size set rt mtu", "tcp option maxseg size 1460 drop")).toEqual([
      "SYN dropped",
    ]);
    // nft adds no option to a segment without one.
    expect(nft("tcp option maxseg size set 1400", "tcp option maxseg missing drop")).toEqual([
      "SYN delivered",
      "ACK,SYN delivered",
      "ACK dropped",
    ]);
  });

  it("ends the rule on a packet of another protocol at a size, read or set, but reads its option missing", () => {
    // Random-ruleset seeds 15 and 35 (kernel 6.18): an echo request met no `tcp option maxseg size set 1400
    // accept`; seed 30: one met `tcp option maxseg missing` (nft 1.0.6 adds no `meta l4proto tcp`).
    const w = textWorld(
      "table inet t {\n\tchain o {\n\t\ttype filter hook output priority 10; policy drop;\n\t\ttcp option maxseg size set 1400 accept\n\t}\n}\n",
    );
    const run = runScenario(w, { from: "host", to: "172.17.0.2", proto: "icmp" });
    expect(run.packets.map((p) => p.fate.kind)).toEqual(["dropped"]);
    const missing = textWorld(
      "table inet t {\n\tchain o {\n\t\ttype filter hook output priority 10; policy drop;\n\t\ttcp option maxseg missing accept\n\t}\n\tchain i {\n\t\ttype filter hook input priority 10; policy accept;\n\t\ttcp option maxseg exists drop\n\t}\n}\n",
    );
    expect(
      runScenario(missing, { from: "host", to: "172.17.0.2", proto: "icmp" }).packets.map((p) => p.fate.kind),
    ).toEqual(["delivered", "delivered"]);
  });

  it("is explained in words", () => {
    const size = explainNftRule("tcp option maxseg size 1460 drop");
    expect(size.unknown).toEqual([]);
    expect(size.en).toContain(
      "whose TCP MSS option is 1460 (a segment without one, anything but a SYN or SYN-ACK, ends the rule)",
    );
    expect(explainNftRule("tcp flags syn tcp option maxseg size set rt mtu").en).toContain(
      "lower its TCP MSS option to what the smaller MTU of the route on and the route back allows",
    );
    expect(explainNftRule("tcp option maxseg missing accept")["zh-TW"]).toContain("沒有 TCP MSS 選項的封包");
  });
});

describe("iptables -m tcpmss and -j TCPMSS", () => {
  it("matches the SYN's 1460; a segment without the option fails it, and `!` passes it", () => {
    expect(iptables("", "-p tcp -m tcpmss --mss 1460 -j DROP")).toEqual(["SYN dropped"]);
    expect(iptables("", "-p tcp -m tcpmss --mss 1000:1450 -j DROP")).toEqual(ALL_THROUGH);
    expect(iptables("", "-p tcp -m tcpmss ! --mss 1460 -j DROP")).toEqual([
      "SYN delivered",
      "ACK,SYN delivered",
      "ACK dropped",
    ]);
    // The common anti-flood rule: a SYN with an MSS under 536 (or none).
    expect(iptables("", "-p tcp --syn -m tcpmss ! --mss 536:65535 -j DROP")).toEqual(ALL_THROUGH);
  });

  it("lowers the option with --set-mss behind a SYN match, never raises it", () => {
    const syn = "-p tcp --tcp-flags SYN,RST SYN";
    expect(iptables(`${syn} -j TCPMSS --set-mss 1400`, "-p tcp -m tcpmss --mss 1400 -j DROP")).toEqual([
      "SYN dropped",
    ]);
    expect(iptables(`${syn} -j TCPMSS --set-mss 1500`, "-p tcp -m tcpmss --mss 1460 -j DROP")).toEqual([
      "SYN dropped",
    ]);
    expect(iptables(`${syn} -j TCPMSS --clamp-mss-to-pmtu`, "-p tcp -m tcpmss --mss 1460 -j DROP")).toEqual([
      "SYN dropped",
    ]);
  });

  it("adds an MSS of 536 to a segment without data when no SYN match holds it back (iptables-nft)", () => {
    expect(iptables("-p tcp -j TCPMSS --set-mss 1400", "-p tcp -m tcpmss --mss 536 -j DROP")).toEqual([
      "SYN delivered",
      "ACK,SYN delivered",
      "ACK dropped",
    ]);
    const w = textWorld(
      "*mangle\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -j TCPMSS --set-mss 1400\nCOMMIT\n*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\nCOMMIT\n",
      "t.rules",
    );
    const run = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
    // The ACK leaves 4 bytes longer, as the kernel's LOG line says (52, then 56).
    expect(run.packets.map((p) => [p.sent.len, p.received?.len])).toEqual([
      [60, 60],
      [60, 60],
      [52, 56],
    ]);
  });

  it("adds it to a REJECT's RST too, which carries no data and no timestamps (20 + 20 bytes)", () => {
    const w = textWorld(
      "*mangle\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -p tcp -j TCPMSS --set-mss 1400\nCOMMIT\n*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp --tcp-flags SYN,ACK SYN,ACK -j REJECT --reject-with tcp-reset\nCOMMIT\n",
      "t.rules",
    );
    const run = runScenario(w, { from: "c1", to: "198.51.100.10", proto: "tcp", dport: 80 });
    const rst = run.packets.find((p) => p.sent.tcpFlags?.includes("RST"));
    expect([rst?.sent.len, rst?.received?.len]).toEqual([40, 44]);
  });

  it("refuses a --mss that is no value, at its place", () => {
    const w = textWorld(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcpmss --mss big -j DROP\nCOMMIT\n",
      "t.rules",
    );
    expect(w.ruleset.diagnostics.map((d) => [d.position?.column, d.message])).toEqual([
      [33, "--mss needs a value or a range from 0 to 65535, not 'big'"],
    ]);
  });

  it("is explained in words", () => {
    const m = explainRule("-A PREROUTING -p tcp -m tcpmss ! --mss 536:65535 -j DROP");
    expect(m.unknown).toEqual([]);
    expect(m.en).toContain(
      "the TCP MSS option is not 536-65535 (a segment without one, anything but a SYN or SYN-ACK, matches)",
    );
    expect(explainRule("-A FORWARD -p tcp --syn -j TCPMSS --clamp-mss-to-pmtu").en).toContain(
      "lower the TCP MSS option to what the smaller MTU of the route on and the route back allows and go on",
    );
    expect(explainRule("-A FORWARD -p tcp --syn -j TCPMSS --set-mss 1400").unknown).toEqual([]);
  });
});

describe("the MSS option in a listing of LOG lines", () => {
  const rules = parseRulesetFile(
    "table inet t {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp option maxseg size 1460 counter\n\t\ttcp option maxseg size 1400 counter\n\t}\n}\n",
    "r.nft",
  );
  const syn =
    "IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=198.51.100.1 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0";

  /** The rules the input step of the SYN `line` matched, with their verdicts. */
  function marks(line: string): [number, string][] | undefined {
    const parsed = parseTraceText(`[1.0] pw/input ${line} `, { prefixMap: { "pw/input": "ip:t:input" } });
    const p = parsed.packets[0];
    if (!p) throw new Error("no packet");
    return logStepMatches(p, rules, parsed.packets)
      .at(-1)
      ?.map((m) => [m.ruleLine, m.verdict]);
  }

  it("is read from --log-tcp-options' OPT, and undecided for a SYN without it", () => {
    expect(rules.diagnostics).toEqual([]);
    expect(marks(`${syn} OPT (020405B40402080A0001E2400000000001030307)`)).toEqual([
      [4, "CONTINUE"],
      [0, "ACCEPT"],
    ]);
    expect(marks(syn)).toEqual([
      [4, "UNKNOWN"],
      [5, "UNKNOWN"],
      [0, "ACCEPT"],
    ]);
  });
});

describe("the MSS a recording shows, replayed", () => {
  it("sends a recorded SYN with the MSS its first line's OPT carries, not the route's", () => {
    const event = (hook: string, opt: string) =>
      ({
        hook,
        ip: { src: "198.51.100.10", dst: "203.0.113.2", len: 60 },
        l4: { proto: "tcp", sport: 4, dport: 8080, tcpFlags: ["SYN"], tcpOptions: opt },
        source: "log",
      }) as unknown as TraceEvent;
    // A client behind a 1340-byte link (MSS 1300, 0x0514), then clamped to 1200 (0x04B0) on a later line.
    const recorded: RecordedPacket[] = [
      {
        direction: "request",
        hooks: [],
        events: [
          event("ip:raw:PREROUTING", "020405140402080A0001E2400000000001030307"),
          event("ip:filter:FORWARD", "020404B00402080A0001E2400000000001030307"),
        ],
      },
    ];
    const script = scenarioFromRecorded(recorded, "wan", "tcp")?.script;
    expect(script?.[0]?.mss).toBe(1300);
    const w = textWorld(
      "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcpmss --mss 1300 -j DROP\nCOMMIT\n",
      "t.rules",
    );
    const fate = (s: ScriptItem[]) =>
      runScenario(w, { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 22, script: s }).packets[0]?.fate
        .kind;
    expect(fate(script ?? [])).toBe("dropped");
    // Without a recording, the WAN host's 1500-byte link gives 1460.
    expect(fate([{ direction: "request", tcpFlags: ["SYN"] }])).toBe("delivered");
  });
});

describe("the MSS a route's MTU gives", () => {
  const route = (mtu: number): RouteResult => ({ kind: "unicast", dev: "eth0", mtu });
  it("is the MTU less the headers, within the kernel's floors and IPv4's cap", () => {
    expect([advertisedMss(1500, false), advertisedMss(1500, true)]).toEqual([1460, 1440]);
    // A 65536-byte loopback: 65495 over IPv4 (capped), 65476 over IPv6 (kernel 6.18, tcp-mss-path-mtu 7409, 7410).
    expect([advertisedMss(65536, false), advertisedMss(65536, true)]).toEqual([65495, 65476]);
    // ip_rt_min_advmss (256) and IPv6's 1220.
    expect([advertisedMss(200, false), advertisedMss(1280, true)]).toEqual([256, 1220]);
  });

  it("clamps to the smaller MTU of the way on and back; past 65535 nft takes 536 (kernel 6.18, ::1)", () => {
    expect(clampMss(route(1400), route(1500), false)).toBe(1360);
    expect(clampMss(route(1500), route(1200), false)).toBe(1160);
    expect(clampMss(route(1500), { kind: "unreachable" }, false)).toBe(1460);
    const lo: RouteResult = { kind: "local", mtu: 65536 };
    // Recorded over lo: IPv4 65495 for both; IPv6 65476 for ip6tables' TCPMSS (the SYN kept it), 536 for nft.
    expect([clampMss(lo, lo, false), clampMss(lo, lo, false, true)]).toEqual([65495, 65495]);
    expect([clampMss(lo, lo, true), clampMss(lo, lo, true, true)]).toEqual([65476, 536]);
  });
});
