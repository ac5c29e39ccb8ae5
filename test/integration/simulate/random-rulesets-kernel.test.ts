/**
 * The simulator against the kernel on rulesets nobody wrote by hand: for each seed, a random `inet`
 * table (test/helpers/random-nft-table.ts: base chains at every IPv4 hook, NAT chains, user chains
 * reached by jump and goto, matches, marks, rejects) is added to Docker 29's nftables ruleset, the
 * docker-bridge-nft lab is captured under it; likewise random raw, mangle, filter and bridge rules
 * (test/helpers/random-iptables-rules.ts) on Docker 28's iptables ruleset in the docker-bridge lab.
 * `check` must find every trace agreeing with the simulator: in LOG mode the hooks, NAT rewrites and fates of five scenarios; in TRACE mode also the
 * rule that decided in each chain. Its first runs found nft's `ct direction` unmodelled and a TCP
 * peer's retransmitted SYN-ACK left out after a lost SYN (test/unit/simulate/ct-direction.test.ts,
 * tcp-retransmitted-reply.test.ts).
 *
 * Known divergence, not among the default seeds (6 of 150 log-mode seeds): a table that drops every
 * frame of a container at the IP prerouting hook (br_netfilter runs it before the bridge learns the
 * sender) leaves the container's MAC out of the bridge's forwarding database, so the host's ping to it
 * floods out of every port; the simulator keeps the lab's database and does not flood (`check` says
 * so in a note, src/core/simulate/flood-copy.ts). The same with iptables: a raw PREROUTING rule that drops
 * c1's frames (iptables seeds 1 and 6, log mode; seed 3, trace mode, where the copies are one traced
 * packet crossing bridge OUTPUT once per port). Trace seeds 2-5, 9 and 12 once showed bridge chains the
 * capture did not print: it ran `xtables-monitor --trace -4`, which leaves out the bridge family's
 * traces; it now runs without a family, as a user would, and seed 2 (bridge filter INPUT traced) is
 * among the defaults. Later runs found iptables' `--ctdir` unmodelled, `fib` forms the kernel refuses at
 * some hooks read silently, an untracked reply kept by the host called a divergence (log seed 42),
 * and a REJECT's ICMP answer, which xtables-monitor prints without a header, replayed as a packet of
 * the peer (trace seeds 26, 27, 35); all fixed. Of iptables seeds 1-50 and nft seeds 1-40 in both
 * modes, what still diverges is the flood class above. The generators then gained the connection's
 * status bits (`ct status seen-reply`, `== seen-reply,confirmed`, `--ctstatus SEEN_REPLY`) and the TCP
 * MSS option (`tcp option maxseg size 1460`, `missing`, `size set 1400`; `-m tcpmss`, `-j TCPMSS` without
 * a SYN match). They found nft's `tcp option maxseg` without an implicit `meta l4proto tcp` (nft seeds
 * 15, 30, 35) and a REJECT's traced ICMP error whose NH= line gave no type (iptables trace seed 31);
 * both fixed. Of the seeds run with them in both modes (the defaults, nft 15-55 and iptables 10-60 where
 * they hold these forms, and 56-80 of both), what diverges is the flood class. Then the connection's
 * protocol, family and helper (`ct protocol`, `ct l3proto`, `ct helper != "ftp"`, `--ctproto`, `-m helper !
 * --helper ftp`): of the defaults and seeds 81-105 in both modes, what diverges is the flood class
 * (nft seed 103 and iptables seed 89 in log mode, iptables seed 89 in trace mode). Then forms users
 * write that the generators lacked: named nft sets keyed by a concatenation with an interval part (`ip
 * saddr . tcp dport @svc`) or of three parts, a named verdict map, vmaps on ports, marks, ICMP types, a
 * concatenation and to user chains, `ct mark set` / `meta mark set` read again in later chains and hooks,
 * `ip ttl set`, `notrack`, header matches negated, in sets, over ranges and under masks, `ct original|reply
 * ip saddr`; iptables `-m set` on three ipsets restored in the lab's namespace (hash:ip, hash:net with a
 * `nomatch` hole, hash:ip,port), `--ctorigdst` and kin, `INVALID`, iprange, length, ttl, addrtype
 * (`--limit-iface-in`), pkttype, tos, dscp, physdev and rpfilter forms, MARK, CONNMARK (`--restore-mark`,
 * `--save-mark --mask`), TTL, TOS and DSCP targets, `-g FZ`, more ebtables matches. They found the trace
 * parser splitting a packet in two where `-j TTL --ttl-set 63` rewrote its TTL (iptables seeds 3 and 4,
 * log mode; test/unit/parse/ttl-rewritten.test.ts); fixed. Of the defaults and seeds 131-230 in both
 * modes, what diverges is the flood class, also after a table that drops every frame to a container at
 * the forward hook, so that it never answers and the bridge never learns it (nft seed 148, log mode);
 * the others drop all of c1's frames at prerouting (`-m ttl --ttl-eq 64`, `-m dscp --dscp 0x00`, `--ctstate
 * INVALID` in raw, before conntrack): nft seeds 150, 210, 212 and 224, iptables seeds 134, 142, 150, 156,
 * 162, 177, 188 and 199 in log mode, iptables seed 156 in trace mode.
 *
 * More seeds: `PACKETWALK_RANDOM_SEEDS=1-200 npx vitest run --project integration <this file>`.
 * Needs root and network namespaces; it says why when it skips.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureLab, captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { NFT_SCENARIOS, SCENARIOS } from "../../../src/capture/capture-scenarios.ts";
import { checkLab } from "../../../src/cli/check-command.ts";
import { randomIptablesRules } from "../../helpers/random-iptables-rules.ts";
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

/** The ruleset file each lab is captured under. */
const RULESET = { "docker-bridge": "docker-28.rules", "docker-bridge-nft": "docker-29-nft.rules" } as const;

/** The lab's Docker ruleset with seed `seed`'s random rules (see {@link compare}). */
function rulesFor(lab: "docker-bridge" | "docker-bridge-nft", seed: number): string {
  const base = readFileSync(join(ROOT, "traces", lab, "rulesets", RULESET[lab]), "utf8");
  return lab === "docker-bridge" ? randomIptablesRules(seed, base) : base + randomNftTable(seed);
}

/**
 * Captures `lab` under its Docker ruleset with seed `seed`'s random rules (nft: Docker 29's plus a
 * table; iptables: Docker 28's with rules and a bridge part); each trace's check.
 */
async function compare(lab: "docker-bridge" | "docker-bridge-nft", seed: number, mode: "log" | "trace") {
  const out = mkdtempSync(join(tmpdir(), "packetwalk-random-"));
  try {
    mkdirSync(join(out, lab, "rulesets"), { recursive: true });
    writeFileSync(join(out, lab, "rulesets", RULESET[lab]), rulesFor(lab, seed));
    const all = lab === "docker-bridge" ? SCENARIOS : NFT_SCENARIOS;
    const scenarios = all.filter((s) => NAMED.includes(s.name) && s.modes.includes(mode));
    await captureLab({ lab, mode, dockerVersion: "28", outDir: out, scenarios });
    return checkLab(join(out, lab)).map((c) => ({ trace: basename(c.trace), ok: c.ok, report: c.report }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Each lab's default seeds per mode (the iptables ones avoid the known divergences above). */
const CASES = [
  { lab: "docker-bridge-nft", what: "random nft tables", log: [1, 2, 3, 4, 5, 6], trace: [7, 8, 9, 10, 11] },
  {
    lab: "docker-bridge",
    what: "random iptables and ebtables rules",
    log: [2, 3, 4, 5, 7, 42],
    trace: [1, 2, 6, 7, 8, 26],
  },
] as const;

for (const c of CASES)
  describe.skipIf(why !== undefined)(`${c.what}: the kernel and the simulator agree`, () => {
    for (const mode of ["log", "trace"] as const)
      for (const seed of seeds([...c[mode]]))
        it(`seed ${seed}, ${mode} mode`, async () => {
          const checks = await compare(c.lab, seed, mode);
          expect(checks.length).toBe(mode === "log" ? 5 : 2);
          const failed = checks.filter((x) => !x.ok);
          expect(
            failed,
            `under\n${rulesFor(c.lab, seed)}\n${failed.map((x) => x.report).join("\n")}`,
          ).toEqual([]);
        }, 60_000);
  });
