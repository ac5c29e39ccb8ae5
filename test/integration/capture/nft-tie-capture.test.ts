/**
 * Equal-priority base chains against the real kernel: the docker-bridge-nft lab captured under a
 * committed ruleset that holds two tables of the host's own: `inet early`, whose input chain sits at
 * -1, and `inet host-fw`, whose input chain drops ICMP at priority filter (0). The capture plans its
 * log chains as simulate does, one step before each base chain, so the one naming host-fw's chain
 * cannot sit at -1 (early's chain is there) and takes 0, tied with host-fw's. nft creates the
 * committed tables first and the capture's log tables after them; at a tie the kernel runs the chain
 * registered last first, so the ping to the host is logged at host-fw's input and then dropped. The
 * trace's instrumentation file must list the tables in that creation order, or the simulator drops
 * the ping before it is logged and check disagrees. Needs root and network namespaces; it says why
 * when it skips.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLab, captureUnavailable } from "../../../src/capture/capture-lab.ts";
import { findNftScenario } from "../../../src/capture/capture-scenarios.ts";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { hostFirewall, tableNames } from "../../helpers/nft-tables.ts";

const why = await captureUnavailable();
if (why) console.warn(`skipping the nft tie capture test: ${why}`);

const COMMITTED_NFT = join(import.meta.dirname, "../../../traces/docker-bridge-nft");

/** A table of the host's own whose input chain holds priority -1, the step before host-fw's chain. */
const EARLY =
  "table inet early {\n\tchain input {\n\t\ttype filter hook input priority -1; policy accept;\n\t\tcounter\n\t}\n}\n";

describe.skipIf(why !== undefined)(
  "capturing the nft lab with committed tables whose chains leave no step free",
  () => {
    let out: string;
    beforeAll(() => {
      out = mkdtempSync(join(tmpdir(), "packetwalk-nft-tie-"));
      const rulesets = join(out, "docker-bridge-nft", "rulesets");
      mkdirSync(rulesets, { recursive: true });
      const base = readFileSync(join(COMMITTED_NFT, "rulesets", "docker-29-nft.rules"), "utf8");
      writeFileSync(
        join(rulesets, "docker-29-nft.rules"),
        `${base}${EARLY}${hostFirewall("meta l4proto icmp drop")}`,
      );
    });
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it("records the ping logged at host-fw's input before its drop, and the simulator agrees", async () => {
      const scenario = findNftScenario("container-to-host");
      if (!scenario) throw new Error("the nft lab has no container-to-host scenario");
      const result = await captureLab({
        lab: "docker-bridge-nft",
        mode: "log",
        dockerVersion: "28",
        outDir: out,
        scenarios: [scenario],
      });
      expect(result.traces).toHaveLength(1);
      const trace = result.traces[0];
      if (!trace) throw new Error("no trace");
      // The kernel: logged at host-fw's input (the log chain, tied with it, ran first), then dropped: no reply came back.
      const packets = parseTraceText(trace.lines.join("\n")).packets;
      expect(packets.length).toBeGreaterThan(0);
      // Every ping request crosses early's chain and ends at host-fw's, logged; none got a reply.
      expect(packets.map((p) => p.hooks.slice(-2))).toEqual(
        packets.map(() => ["ip:early:input", "ip:host-fw:input"]),
      );
      expect(trace.meta.exitCode).not.toBe(0);
      const folder = join(out, "docker-bridge-nft");
      // The simulator, given the file as installed, logs the ping before the host's chain drops it.
      const checked = checkLab(folder);
      expect(checked.map((c) => c.report).join("\n")).toBe("");
      expect(checked.every((c) => c.ok)).toBe(true);
      // That file: the committed tables, then the capture's, in the order nft created them.
      const inst = readFileSync(
        join(folder, "rulesets", `docker-29-nft.instrumented-${trace.meta.tag}.rules`),
        "utf8",
      );
      expect(tableNames(inst)).toEqual([
        "ip docker-bridges",
        "inet early",
        "inet host-fw",
        "ip packetwalk",
        "bridge packetwalk",
      ]);
      // The log chain naming host-fw's input sits at its priority, 0 (-1 is early's).
      expect(inst).toMatch(
        /chain log-host-fw-input \{\n\t\ttype filter hook input priority 0;[^}]*nft\/inet\/host-fw\/input/,
      );
    });
  },
);
