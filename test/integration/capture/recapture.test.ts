/**
 * Re-captures every scenario from the real kernel into a temporary folder and
 * checks that each one matches the committed trace under traces/docker-bridge/:
 * same hook per line (and, once the parser exists, the same hook list per packet).
 * Needs root and network namespaces; it says why when it skips.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLab, captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { NFT_SCENARIOS, SCENARIOS } from "../../../src/capture/capture-scenarios.ts";
import type { DockerVersion } from "../../../src/capture/docker-ruleset.ts";
import { traceSignature } from "../../../src/capture/trace-signature.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the re-capture test: ${why}`);

const COMMITTED = join(import.meta.dirname, "../../../traces/docker-bridge");
const COMMITTED_NFT = join(import.meta.dirname, "../../../traces/docker-bridge-nft");
const PARSER = join(import.meta.dirname, "../../../src/core/parse/index.ts");

type Parse = (
  text: string,
  options?: { file?: string },
) => { packets: { hooks: string[]; direction: string; events: { l4?: { tcpFlags?: string[] } }[] }[] };

const unique = (items: string[]) => [...new Set(items)].sort();

async function loadParser(): Promise<Parse | undefined> {
  if (!existsSync(PARSER)) return undefined;
  const mod = (await import(PARSER)) as { parseTraceText?: Parse };
  return mod.parseTraceText;
}

describe.skipIf(why !== undefined)("re-capturing the docker-bridge lab", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "packetwalk-recapture-"));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const runs: { mode: "log" | "trace"; version: DockerVersion }[] = [
    { mode: "log", version: "28" },
    { mode: "trace", version: "28" },
    { mode: "log", version: "27" },
  ];
  for (const { mode, version } of runs) {
    it(`gives the committed hooks for every ${mode}-mode scenario with Docker ${version}`, async () => {
      const result = await captureLab({ mode, dockerVersion: version, outDir: out, scenarios: SCENARIOS });
      const expected = SCENARIOS.filter((s) => s.modes.includes(mode)).length;
      expect(result.traces).toHaveLength(expected);
      const parse = await loadParser();
      for (const trace of result.traces) {
        const committedPath = join(COMMITTED, `${trace.stem}.log`);
        expect(existsSync(committedPath), `${committedPath} is committed`).toBe(true);
        const committed = readFileSync(committedPath, "utf8");
        const fresh = readFileSync(join(out, "docker-bridge", `${trace.stem}.log`), "utf8");
        expect(traceSignature(fresh).length, `${trace.stem} has lines`).toBeGreaterThan(0);
        // TCP: how many pure ACKs a connection sends depends on timing (delayed ACKs), so compare
        // every kind of packet and the path it took, not the count; ICMP is compared line by line.
        const tcp = trace.stem.includes("published-port");
        if (tcp) {
          expect(unique(traceSignature(fresh)), trace.stem).toEqual(unique(traceSignature(committed)));
        } else {
          expect(traceSignature(fresh), trace.stem).toEqual(traceSignature(committed));
        }
        if (parse && mode === "log") {
          const paths = (text: string) =>
            parse(text, { file: trace.stem }).packets.map(
              (p) => `${p.direction} ${p.events[0]?.l4?.tcpFlags?.join(",") ?? ""} ${p.hooks.join(" ")}`,
            );
          if (tcp) {
            expect(unique(paths(fresh)), `${trace.stem}: path of each kind of packet`).toEqual(
              unique(paths(committed)),
            );
          } else {
            expect(paths(fresh), `${trace.stem}: hook list per packet`).toEqual(paths(committed));
          }
        }
      }
      // The fresh folder validates like the committed one.
      expect(readTraceFolder(join(out, "docker-bridge")).errors).toEqual([]);
    });
  }
});

// c1's rule only: the ruleset holds one per container, and the edit must stay one edit when applied again.
const EDIT = [
  '172.17.0.2 iifname != "docker0" counter drop comment "DROP DIRECT ACCESS"',
  '172.17.0.2 iifname != "docker0" counter drop comment "DROP DIRECT ACCESS (edited)"',
] as const;

describe.skipIf(why !== undefined)("re-capturing the docker-bridge-nft lab from its committed folder", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "packetwalk-recapture-nft-"));
    // A copy of the committed lab: the capture loads its committed rulesets, as a maintainer's would.
    cpSync(COMMITTED_NFT, join(out, "docker-bridge-nft"), { recursive: true });
    // An edit the built-in ruleset does not have: kept only if the capture really loads the committed file.
    const base = join(out, "docker-bridge-nft", "rulesets", "docker-29-nft.rules");
    const text = readFileSync(base, "utf8");
    expect(text).toContain(EDIT[0]);
    writeFileSync(base, text.replace(EDIT[0], EDIT[1]));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  for (const mode of ["log", "trace"] as const) {
    it(`gives the committed lines for every ${mode}-mode scenario and rewrites no committed ruleset it loaded`, async () => {
      const rulesets = () =>
        Object.fromEntries(
          readdirSync(join(out, "docker-bridge-nft", "rulesets"))
            .filter((name) => !name.includes(".instrumented-"))
            .map((name) => [name, readFileSync(join(out, "docker-bridge-nft", "rulesets", name), "utf8")]),
        );
      const before = rulesets();
      const result = await captureLab({
        lab: "docker-bridge-nft",
        mode,
        dockerVersion: "28",
        outDir: out,
        scenarios: NFT_SCENARIOS,
      });
      expect(result.traces).toHaveLength(NFT_SCENARIOS.filter((s) => s.modes.includes(mode)).length);
      for (const trace of result.traces) {
        const committed = readFileSync(join(COMMITTED_NFT, `${trace.stem}.log`), "utf8");
        const fresh = readFileSync(join(out, "docker-bridge-nft", `${trace.stem}.log`), "utf8");
        expect(traceSignature(fresh).length, `${trace.stem} has lines`).toBeGreaterThan(0);
        // TCP: pure ACKs depend on timing; compare each kind of line, not the count.
        if (trace.stem.includes("published-port"))
          expect(unique(traceSignature(fresh)), trace.stem).toEqual(unique(traceSignature(committed)));
        else expect(traceSignature(fresh), trace.stem).toEqual(traceSignature(committed));
      }
      // Loading the committed rules and saving them back changes no byte (every trace keeps its pins),
      // except that the variants, built on the base ruleset, carry its edit once captured again.
      const edited = Object.fromEntries(
        Object.entries(before).map(([name, text]) => [name, text.replace(EDIT[0], EDIT[1])]),
      );
      expect(rulesets()).toEqual(edited);
      // The pins see the edit: after the LOG run only the TRACE recordings are stale; after both, none.
      const stale = readTraceFolder(join(out, "docker-bridge-nft")).errors.map(
        (e) => /([\w-]+)\.json:/.exec(e)?.[1],
      );
      const traceStems = NFT_SCENARIOS.filter((s) => s.modes.includes("trace")).map((s) => `${s.name}-trace`);
      expect(stale.sort()).toEqual(mode === "log" ? traceStems.sort() : []);
    });
  }
});
