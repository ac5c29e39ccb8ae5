/**
 * The reset a REJECT sends (`reject with tcp reset`, `-j REJECT --reject-with tcp-reset`) has IPv4 id 0
 * and window 0, as nf_reject_iphdr_put and nf_reject_ip_tcphdr_put build it. Before, the simulated
 * log printed it with the host's next id and `WINDOW=64240`, where the kernel printed (kernel 6.18,
 * test/fixtures/closed-port-reset/capture.txt, step 4) `LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF
 * PROTO=TCP SPT=8082 DPT=58150 WINDOW=0 RES=0x00 ACK RST URGP=0` at the host's OUTPUT, counted by
 * `ct state related`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { toTrace } from "../../../src/core/simulate/to-kernel-log.ts";
import { buildWorld, loadLab } from "../../../src/lab/load-lab.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures");
const LAB = loadLab(join(FIXTURES, "docker29-nft-labs/lo"));

// The capture's router rules, reduced to the REJECT and the log at output (nft 1.0.6 `nft -c -f` takes it).
const RULES = `table inet t {
	chain c_in {
		type filter hook input priority 0; policy accept;
		tcp dport 8082 reject with tcp reset
	}
	chain c_out {
		type filter hook output priority 0; policy accept;
		ct state related log prefix "pwD7 r-out "
	}
}
`;

/** A log line's fields from LEN= to the end, the ports left out (the capture's client port is its own). */
const header = (line: string) => (/ LEN=.*$/.exec(line)?.[0] ?? "").replace(/ SPT=\d+ DPT=\d+/, "").trimEnd();

describe("a REJECT's TCP reset", () => {
  it("has id 0 and window 0, as the kernel logged it", () => {
    const { world } = buildWorld(LAB, { rulesetText: { text: RULES, file: "t.nft" } });
    const r = runScenario(world, { from: "wan", to: "203.0.113.10", proto: "tcp", dport: 8082 });
    const kernel = readFileSync(join(FIXTURES, "closed-port-reset/capture.txt"), "utf8")
      .split("\n")
      .filter((l) => l.includes("pwD7 r-out") && l.includes("SPT=8082"));
    expect(kernel).toHaveLength(1);
    const simulated = toTrace(r.packets).lines.filter((l) => l.includes("pwD7 r-out"));
    expect(simulated.map(header)).toEqual(kernel.map(header));
    expect(header(simulated[0] ?? "")).toContain("ID=0 DF PROTO=TCP WINDOW=0 RES=0x00 ACK RST URGP=0");
  });
});
