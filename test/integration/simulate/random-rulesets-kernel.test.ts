/**
 * The simulator against the kernel on rulesets nobody wrote by hand: for each seed, a random `inet`
 * table (test/helpers/random-nft-table.ts: base chains at every IPv4 hook, NAT chains, user chains
 * reached by jump and goto, matches, marks, rejects) is added to Docker 29's nftables ruleset, the
 * docker-bridge-nft lab is captured under it, and `check` must find every trace agreeing with the
 * simulator: in LOG mode the hooks, NAT rewrites and fates of five scenarios; in TRACE mode also the
 * rule that decided in each chain. Its first runs found nft's `ct direction` unmodelled and a TCP
 * peer's retransmitted SYN-ACK left out after a lost SYN (test/unit/simulate/ct-direction.test.ts,
 * tcp-retransmitted-reply.test.ts).
 *
 * Known divergence, not among the default seeds (6 of 150 log-mode seeds): a table that drops every
 * frame of a container at the IP prerouting hook (br_netfilter runs it before the bridge learns the
 * sender) leaves the container's MAC out of the bridge's forwarding database, so the host's ping to it
 * floods out of every port; the simulator keeps the lab's database and does not flood.
 *
 * More seeds: `PACKETWALK_RANDOM_SEEDS=1-200 npx vitest run --project integration <this file>`.
 * Needs root and network namespaces; it says why when it skips.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureLab, captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { NFT_SCENARIOS } from "../../../src/capture/capture-scenarios.ts";
import { checkLab } from "../../../src/cli/check-command.ts";
import { randomNftTable } from "../../helpers/random-nft-table.ts";

const ROOT = join(import.meta.dirname, "../../..");
const why = await captureUnavailable();
if (why) console.warn(`skipping the random-ruleset comparison: ${why}`);

/** The scenarios captured per seed (those of them offering the mode). */
const NAMED = [
  "container-to-container",
  "container-to-wan",
  "container-to-host",
  "host-to-container",
  "wan-to-published-port",
];

/** Seeds from `PACKETWALK_RANDOM_SEEDS` (`1-200`, `5,9`), or the default few. */
function seeds(fallback: number[]): number[] {
  const spec = process.env.PACKETWALK_RANDOM_SEEDS;
  if (!spec) return fallback;
  return spec.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    return Array.from({ length: (b ?? a ?? 0) - (a ?? 0) + 1 }, (_, k) => (a ?? 0) + k);
  });
}

/** Captures the lab under Docker 29's ruleset plus seed `seed`'s table; each trace's check. */
async function compare(seed: number, mode: "log" | "trace") {
  const out = mkdtempSync(join(tmpdir(), "packetwalk-random-"));
  try {
    const base = readFileSync(join(ROOT, "traces/docker-bridge-nft/rulesets/docker-29-nft.rules"), "utf8");
    mkdirSync(join(out, "docker-bridge-nft", "rulesets"), { recursive: true });
    writeFileSync(
      join(out, "docker-bridge-nft", "rulesets", "docker-29-nft.rules"),
      base + randomNftTable(seed),
    );
    const scenarios = NFT_SCENARIOS.filter((s) => NAMED.includes(s.name) && s.modes.includes(mode));
    await captureLab({ lab: "docker-bridge-nft", mode, dockerVersion: "28", outDir: out, scenarios });
    return checkLab(join(out, "docker-bridge-nft")).map((c) => ({
      trace: basename(c.trace),
      ok: c.ok,
      report: c.report,
    }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe.skipIf(why !== undefined)("random nft tables: the kernel and the simulator agree", () => {
  for (const [mode, list] of [
    ["log", seeds([1, 2, 3, 4, 5, 6])],
    ["trace", seeds([7, 8, 9, 10, 11])],
  ] as const)
    for (const seed of list)
      it(`seed ${seed}, ${mode} mode`, async () => {
        const checks = await compare(seed, mode);
        expect(checks.length).toBe(mode === "log" ? 5 : 2);
        const failed = checks.filter((c) => !c.ok);
        expect(failed, `under\n${randomNftTable(seed)}\n${failed.map((c) => c.report).join("\n")}`).toEqual(
          [],
        );
      }, 60_000);
});
