/**
 * An answer conntrack did not match to its request is a scenario of its own, and no command sent it
 * (test/fixtures/import/ct-zone-reply: kernel 6.18, iptables-nft 1.8.9; `-A PREROUTING -i lan0 -p
 * icmp -j CT --zone 7` puts lan's ping to 198.51.100.30 in zone 7, so its echo reply, which comes in
 * on wana in zone 0, is no reply of it: `conntrack -L` shows the ping [UNREPLIED] in zone 7, and the
 * reply is logged at `z-in` for the host's 203.0.113.10). The one command given, lan's `ping -c1 -W1
 * 198.51.100.30` (exit code 1), went to both scenarios, so `wan-to-rtr` said `from: wan` with lan's
 * ping and `exitCode: 1`, and check failed it: "fate differ: not delivered: the command got no
 * answer | delivered to rtr". Now such a scenario has no command and no exit code, and a note says why.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = join(import.meta.dirname, "../../fixtures/import/ct-zone-reply/material");
const material = readMaterial(input, {}, () => "");
const tmp = tempDir("pw-import-split-reply-");

const plan = (m: ImportMaterial) =>
  planImport(m, {
    lab: "ctzone",
    date: "2026-12-07",
    hostName: "rtr",
    containers: [],
    peers: ["lan=10.4.0.2", "wan=203.0.113.1"].map((p) => parseNamedAddress(p, "--peer")),
  });

const NOT_GIVEN = ["(not given: imported from a kernel log)"];

describe("a scenario made of an answer conntrack did not match to its request", () => {
  it("takes neither the sender's command nor its exit code, says why, and agrees with the check", () => {
    const p = plan(material);
    expect(p.questions).toEqual([]);
    expect(
      p.scenarios.map((s) => [s.stem, s.meta.traffic.from, s.meta.traffic.command, s.meta.exitCode]),
    ).toEqual([
      ["lan-to-wan", "lan", ["ping", "-c1", "-W1", "198.51.100.30"], 1],
      ["wan-to-rtr", "wan", NOT_GIVEN, undefined],
    ]);
    expect(p.notes).toContain(
      "wan-to-rtr: its packets answer a request that is not in it (conntrack did not match them to it, or the request was not logged), so no command given sent them: its command says it was not given",
    );
    const folder = join(tmp(), "ctzone");
    writePlan(p, folder);
    expect(checkLab(folder).map((c) => [c.trace.split("/").pop(), c.ok, c.report])).toEqual([
      ["lan-to-wan", true, ""],
      ["wan-to-rtr", true, ""],
    ]);
  });

  it("does not give the one command to a request it does not name either", () => {
    // The reply as an echo request (a packet wan sent on its own): still not lan's ping to 198.51.100.30.
    const log = material.log.replaceAll("TYPE=0 CODE=0 ID=28759", "TYPE=8 CODE=0 ID=28759");
    const p = plan({ ...material, log });
    const wan = p.scenarios.find((s) => s.meta.traffic.from === "wan");
    expect([wan?.meta.traffic.command, wan?.meta.exitCode]).toEqual([NOT_GIVEN, undefined]);
    expect(p.notes).toContain(
      `${wan?.stem}: the command given does not send ICMP to 203.0.113.10: its command says it was not given`,
    );
    // A command that names no address at all is still every scenario's, as before.
    const unnamed = plan({ ...material, log, command: "ping -c1 -W1 wan-host\n" });
    expect(unnamed.scenarios.map((s) => [s.meta.traffic.command.join(" "), s.meta.exitCode])).toEqual([
      ["ping -c1 -W1 wan-host", 1],
      ["ping -c1 -W1 wan-host", 1],
    ]);
  });
});
