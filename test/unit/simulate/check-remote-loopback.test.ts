/**
 * `check` of a recording to another host's loopback address. A tester emulating a Docker 29 host in
 * namespaces (kernel 6.18, nft 1.0.6) had wan put a TCP SYN on the wire from a packet socket (a
 * hand-made frame to the host's MAC 52:54:00:bb:00:10, destination 127.0.0.1:8080); nft monitor trace
 * printed `raw-PREROUTING rule iifname != "lo" ip daddr 127.0.0.1 tcp dport 8080 counter packets 0
 * bytes 0 drop comment "DROP REMOTE LOOPBACK" (verdict drop)`, and conntrack -L showed no entry. The
 * log rule before it printed test/fixtures/docker29-nft-labs/lo/wan-to-host.log (IN=wan0).
 *
 * Before, check replayed it as wan sending to 127.0.0.1, which wan's own kernel keeps to itself: the
 * replay never reached the host ("packet 1: hooks differ", nothing predicted). Now check sees the
 * packet came in by a device of the host, not lo, and frames it to the host's address there, as
 * `simulate --via 203.0.113.10` does, and says so under --verbose.
 *
 * test/fixtures/replay-needs/remote-loopback (see its intent) goes past the host's prerouting: on
 * kernel 6.18 a host with route_localnet 1 on wan0 took wan's hand-made SYN for 127.0.0.1:8080 to its
 * socket and answered from 127.0.0.1 out of wan0 (twice); with 0, routing dropped it after prerouting.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { checkLab, run } from "../../../src/cli/check-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { recordedPackets } from "../../../src/core/simulate/conformance.ts";
import { replayNeeds } from "../../../src/core/simulate/replay-needs.ts";
import { buildTopology } from "../../../src/core/simulate/topology.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import type { Lab } from "../../../src/core/trace-file/schema.ts";

const LO = join(import.meta.dirname, "../../fixtures/docker29-nft-labs/lo");
const LOCALNET = join(import.meta.dirname, "../../fixtures/replay-needs/remote-loopback/route-localnet");
const root = mkdtempSync(join(tmpdir(), "pw-check-remote-lo-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The fixture lab with the recording's metadata, as `packetwalk import` wrote it, in a folder named as the lab. */
function labWithMetadata(): string {
  const dir = join(root, "d29-lo");
  cpSync(LO, dir, { recursive: true });
  const meta = {
    version: 1,
    scenario: "wan-to-host",
    title: "internet (behind the host's gateway) to Docker host (TCP)",
    description: "TCP from 203.0.113.1 to 127.0.0.1, a hand-made frame to the host's MAC.",
    mode: "log",
    origin: "recorded",
    traffic: {
      from: "wan",
      to: "host",
      proto: "tcp",
      command: [
        ...["/usr/bin/python3", "inject.py", "203.0.113.1", "127.0.0.1", "8080"],
        ...["52:54:00:bb:00:10", "52:54:00:bb:00:01"],
      ],
    },
    ruleset: "d29-lo",
    instrumentation: "d29-lo.instrumented-581a0246",
    rulesetPins: {
      "d29-lo": "sha256:d6a21d4922f5fc1310954bcec86ae0616759da8069a1f97bcae075c731dbbc5a",
      "d29-lo.instrumented-581a0246":
        "sha256:0a05af7b330edfac6ca1f1e5b9f43b2fb41f6367cfb68b9727c4edaccf720b19",
    },
    sysctls: {
      "net.ipv4.ip_forward": "1",
      "net.bridge.bridge-nf-call-iptables": "1",
      "net.ipv4.conf.all.route_localnet": "0",
    },
  };
  writeFileSync(join(dir, "wan-to-host.json"), `${JSON.stringify(meta, null, 2)}\n`);
  return dir;
}

const LAB = labWithMetadata();
const SAID =
  "the requests framed to 203.0.113.10 (the first packet, to 127.0.0.1, came in by host's wan0: wan's own kernel keeps a loopback address to itself, so it was a hand-made frame on the link), as simulate --via 203.0.113.10";

describe("check: a recorded packet to another host's loopback address", () => {
  it("agrees, replayed as a frame to the host's address on the device it came in by", () => {
    const [r] = checkLab(LAB, ["wan-to-host"]).filter((x) => !x.labFile);
    expect(r?.report, r?.report).toBe("");
    expect(r?.ok).toBe(true);
    expect(r?.packets).toBe(1);
    expect(r?.inferred).toEqual([SAID]);
  });

  it("says it under --verbose", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      await run([join(LAB, "wan-to-host.log"), "--verbose"]);
      const text = out.mock.calls.map((c) => String(c[0])).join("");
      expect(text).toContain(`ok    ${LAB}/wan-to-host (1 packets); replayed with ${SAID}\n`);
    } finally {
      out.mockRestore();
    }
  });

  const folder = readTraceFolder(LAB);
  const trace = folder.traces.find((t) => t.stem === "wan-to-host");
  const topology = buildTopology(folder.lab as Lab);
  const log = trace?.text ?? "";
  const needs = (text: string, from: string) =>
    replayNeeds(
      recordedPackets(parseTraceText(text, { prefixMap: trace?.prefixMap }), "log"),
      "tcp",
      undefined,
      undefined,
      { topology, from },
    );

  it("infers the frame from the log line alone", () => {
    expect(needs(log, "wan")).toEqual({ via: "203.0.113.10", said: [SAID] });
  });

  it("not for a packet that came in by lo (the host's own), nor one the ruleset's host sent", () => {
    expect(needs(log.replace("IN=wan0", "IN=lo"), "wan").via).toBeUndefined();
    expect(needs(log, "host").via).toBeUndefined();
    // Another destination than a loopback address: the sender's routes lead it.
    expect(needs(log.replace("DST=127.0.0.1", "DST=203.0.113.10"), "wan").via).toBeUndefined();
  });

  it("a host with route_localnet 1 answers from 127.0.0.1, with 0 drops it at routing: both agree", () => {
    const results = checkLab(LOCALNET);
    expect(results.map((r) => [r.trace.split("/").pop(), r.ok, r.packets, r.report])).toEqual([
      ["wan-to-loopback-martian", true, 1, ""],
      ["wan-to-loopback", true, 3, ""],
    ]);
    for (const r of results) expect(r.inferred).toEqual([SAID]);
  });
});
