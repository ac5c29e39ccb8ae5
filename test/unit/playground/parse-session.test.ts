/** The worker's parse session gives the CLI parser's packets, and says which lines it skipped. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { ParseSession } from "../../../src/playground/parse-session.ts";
import { sctpGuessed, sctpNamed } from "../parse/sctp-answer.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("parse session", () => {
  it("gives the packets, flows and problems parseTraceText gives, read in small byte chunks, with progress", async () => {
    const text = readFileSync(path.join(ROOT, "test/fixtures/parse/mixed-envelopes/input.log"), "utf8");
    const bytes = new TextEncoder().encode(`not a kernel line\n${text}`);
    const session = new ParseSession();
    const progress: number[] = [];
    const summary = await session.parse(chunks(bytes, 97), {
      total: bytes.length,
      progressEvery: 512,
      onProgress: (p) => progress.push(p.done),
    });
    // A session names its input "log" unless told otherwise, as the page's problems do.
    const expected = parseTraceText(`not a kernel line\n${text}`, { file: "log" });
    expect(summary.packets.map((p) => [p.id, p.flow, p.direction, p.summary, p.hooks, p.rewrites])).toEqual(
      expected.packets.map((p) => [p.id, p.flow, p.direction, p.summary, p.hooks, p.rewrites]),
    );
    expect(summary.flows).toEqual(expected.flows);
    expect(summary.diagnostics).toEqual(expected.diagnostics);
    expect(summary.skippedLineNumbers[0]).toBe(1);
    expect(summary.skippedLines).toBe(expected.skippedLines);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(progress.length).toBeGreaterThan(1);
    expect((await session.packet(1))?.packet).toEqual(expected.packets[0]);
    expect(await session.packet(10_000)).toBeUndefined();
  });

  it("renames a packet read as UDP once a later packet of its flow names SCTP, as parseTraceText does", async () => {
    // The answer to the recorded SCTP INIT, traced by a rule that names no protocol, comes first.
    const text = [...sctpGuessed, ...sctpNamed].join("\n");
    const summary = await new ParseSession().parse(chunks(new TextEncoder().encode(text), 64));
    expect(summary.packets.map((p) => p.summary.split(" ")[0])).toEqual(["SCTP", "SCTP"]);
    expect(summary.packets.map((p) => p.summary)).toEqual(parseTraceText(text).packets.map((p) => p.summary));
    expect(summary.flows).toEqual([{ id: 1, proto: "sctp", packets: [1, 2] }]);
  });

  it("reads a log's own prefixes with the chains the pasted ruleset's logging rules name, and says when to parse again", async () => {
    // A contributor's nft host: `log prefix "dbg fwd: "` in a table of their own, no naming convention.
    const dir = path.join(ROOT, "test/fixtures/import/docker29-noicc-routed/input");
    const log = readFileSync(path.join(dir, "kernel.log"));
    const rules = readFileSync(path.join(dir, "nft-ruleset.txt"), "utf8");
    const session = new ParseSession();
    const before = await session.parse(chunks(log, 4096));
    expect(before.packets).toEqual([]);
    expect(before.unknownPrefixes.map((u) => u.name).sort()).toEqual(["dbg fwd:", "dbg post:", "dbg pre:"]);
    await session.setRuleset(rules);
    expect(await session.prefixesChanged()).toBe(true);
    const after = await session.parse(chunks(log, 4096));
    expect(after.unknownPrefixes).toEqual([]);
    expect(after.packets[0]?.hooks).toEqual(["ip:mylog:log-pre", "ip:mylog:log-fwd"]);
    expect(after.packets.length).toBe(
      parseTraceText(log.toString("utf8"), {
        prefixMap: {
          "dbg pre:": "ip:mylog:log-pre",
          "dbg fwd:": "ip:mylog:log-fwd",
          "dbg post:": "ip:mylog:log-post",
        },
      }).packets.length,
    );
    // The same ruleset again changes nothing; the reader's own mapping wins over the ruleset's.
    await session.setRuleset(rules);
    expect(await session.prefixesChanged()).toBe(false);
    const mapped = await session.parse(chunks(log, 4096), { prefixMap: { "dbg fwd:": "ip:filter:FORWARD" } });
    expect(mapped.packets[0]?.hooks).toEqual(["ip:mylog:log-pre", "ip:filter:FORWARD"]);
  });

  it("lists each step's rules once a ruleset is set, and reports the ruleset's problems", async () => {
    const log = readFileSync(path.join(ROOT, "traces/docker-bridge/container-to-wan-trace.log"));
    const rules = readFileSync(path.join(ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");
    const session = new ParseSession();
    await session.parse(chunks(log, 4096));
    expect((await session.packet(1))?.listings).toBeUndefined();
    expect(await session.setRuleset(rules)).toEqual([]);
    const detail = await session.packet(1);
    expect(detail?.listings?.length).toBe(detail?.packet.events.length);
    expect(
      detail?.listings?.some((l) => l.chains.some((c) => c.rules.some((r) => r.matchedBy === "kernel"))),
    ).toBe(true);
    expect((await session.setRuleset("-A FORWARD -j ACCEPT\n")).length).toBeGreaterThan(0);
    expect(await session.setRuleset("")).toEqual([]);
    expect((await session.packet(1))?.listings).toBeUndefined();
  });

  it("marks the simulator's rules on the steps of a LOG paste", async () => {
    const log = readFileSync(path.join(ROOT, "traces/docker-bridge/container-to-wan.log"));
    const rules = readFileSync(path.join(ROOT, "traces/docker-bridge/rulesets/docker-28.rules"), "utf8");
    const session = new ParseSession();
    await session.parse(chunks(log, 4096));
    await session.setRuleset(rules);
    const listings = (await session.packet(1))?.listings ?? [];
    const marked = listings.flatMap((l) =>
      l.chains.flatMap((c) =>
        c.rules.filter((r) => r.matched).map((r) => `${c.chain} ${r.matched} ${r.matchedBy}`),
      ),
    );
    expect(marked).toContain("FORWARD JUMP simulator");
    expect(marked).toContain("POSTROUTING MASQUERADE simulator");
    expect(marked.every((m) => m.endsWith(" simulator"))).toBe(true);
  });

  it("reads an nftables ruleset, lists its chains and reports its problems", async () => {
    const log = readFileSync(path.join(ROOT, "traces/docker-bridge-nft/container-to-wan-trace.log"));
    const nft = readFileSync(
      path.join(ROOT, "traces/docker-bridge-nft/rulesets/docker-29-nft.rules"),
      "utf8",
    );
    const session = new ParseSession();
    const summary = await session.parse(chunks(log, 4096));
    expect(await session.setRuleset(nft, "r.rules")).toEqual([]);
    const withForward = summary.packets.find((p) => p.hooks.includes("ip docker-bridges filter-FORWARD"));
    const detail = await session.packet(withForward?.id ?? 0);
    const chains = detail?.listings?.flatMap((l) => l.chains.map((c) => c.chain)) ?? [];
    expect(chains).toContain("filter-FORWARD");
    expect(
      detail?.listings?.some((l) => l.chains.some((c) => c.rules.some((r) => r.matchedBy === "kernel"))),
    ).toBe(true);
    const broken = await session.setRuleset(
      "table ip t {\n  chain c {\n    bogus words here\n  }\n}\n",
      "b.rules",
    );
    expect(broken[0]?.position).toMatchObject({ file: "b.rules" });
  });

  it("ends the diagram of a packet the pasted ruleset's rule after its LOG rule drops, and of none that goes on", async () => {
    // A reader's router: LOG then DROP in FORWARD for SMTP out, LOG then DROP in INPUT for the WAN side.
    const log = [
      "2026-12-01T21:14:03+0100 gw kernel: FW-IN: IN=ppp0 OUT= MAC= SRC=203.0.113.77 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=40211 DF PROTO=TCP SPT=51514 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
      "2026-12-01T21:14:05+0100 gw kernel: DROP-FWD IN=br-lan OUT=ppp0 MAC=a4:2b:b0:11:22:33:3c:7c:3f:aa:bb:cc:08:00 SRC=192.168.8.23 DST=198.51.100.34 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=40022 DPT=25 WINDOW=64240 RES=0x00 SYN URGP=0 ",
      "2026-12-01T21:14:06+0100 gw kernel: OK-FWD IN=br-lan OUT=ppp0 MAC=a4:2b:b0:11:22:33:3c:7c:3f:aa:bb:cc:08:00 SRC=192.168.8.23 DST=198.51.100.34 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=40023 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 ",
    ].join("\n");
    const rules = [
      "*filter",
      ":INPUT DROP [0:0]",
      ":FORWARD DROP [0:0]",
      ":OUTPUT ACCEPT [0:0]",
      "-A INPUT -i lo -j ACCEPT",
      '-A INPUT -i ppp0 -j LOG --log-prefix "FW-IN: "',
      "-A INPUT -i ppp0 -j DROP",
      '-A FORWARD -i br-lan -o ppp0 -p tcp --dport 25 -j LOG --log-prefix "DROP-FWD "',
      "-A FORWARD -i br-lan -o ppp0 -p tcp --dport 25 -j DROP",
      '-A FORWARD -i br-lan -o ppp0 -j LOG --log-prefix "OK-FWD "',
      "-A FORWARD -i br-lan -o ppp0 -j ACCEPT",
      "COMMIT",
      "",
    ].join("\n");
    const session = new ParseSession();
    await session.setRuleset(rules);
    const summary = await session.parse(chunks(new TextEncoder().encode(log), 4096));
    expect(summary.packets.length).toBe(3);
    const plan = async (id: number) => {
      const d = await session.packet(id);
      if (!d) throw new Error(`packet ${id}`);
      return planPath(d.packet, "nft");
    };
    expect((await plan(1)).dropped).toMatchObject({ verdict: "DROP", chain: "INPUT", policy: false });
    expect((await plan(1)).exitIsLocal).toBe(false);
    expect((await plan(2)).dropped).toMatchObject({ verdict: "DROP", chain: "FORWARD", policy: false });
    expect((await plan(3)).dropped).toBeUndefined();
  });
});
