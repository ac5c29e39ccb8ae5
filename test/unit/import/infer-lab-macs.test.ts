/**
 * The MACs `inferLab` gives containers from xtables-monitor's bridge lines (`LL=` link headers), on the
 * recorded `peer-to-published-port-trace` capture (test/fixtures/import): a frame's own MACs only, and
 * never a group address (broadcast, multicast) as an interface's.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inferLab } from "../../../src/core/import/infer-lab.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const input = join(import.meta.dirname, "../../fixtures/import/peer-to-published-port-trace/input");
const read = (f: string) => readFileSync(join(input, f), "utf8");
const material = {
  addr: JSON.parse(read("ip-addr.json")),
  link: JSON.parse(read("ip-link.json")),
  route: JSON.parse(read("ip-route.json")),
  bridgeLink: JSON.parse(read("bridge-link.json")),
};
const options = {
  containers: [{ name: "web", ip: "10.77.0.2" }],
  peers: [{ name: "client", ip: "203.0.113.20" }],
};

/** Each host's eth0 MAC in the lab inferred from `log`. */
function macs(log: string): Record<string, string | undefined> {
  const lab = inferLab(material, parseTraceText(log).packets, options);
  return Object.fromEntries(lab.hosts.map((h) => [h.name, h.interfaces.find((i) => i.name === "eth0")?.mac]));
}

describe("inferLab and xtables-monitor link headers", () => {
  const log = read("kernel.log");

  it("gives the container the destination MAC of the frames that left by its port", () => {
    expect(macs(log).web).toBe("02:42:0a:4d:00:02");
  });

  it("takes no broadcast or multicast destination as the container's MAC, but the next frame's", () => {
    // The SYN's frames to web (its first bridge lines) addressed to a group MAC, as a DHCP offer with the
    // broadcast flag is, or a multicast: the container's MAC comes from the frames after them.
    const first = log.indexOf("LL=0x0 02420a4d0002");
    const second = log.indexOf("LL=0x0 02420a4d0002", first + 1);
    expect(second).toBeGreaterThan(first);
    for (const group of [`${"ffffffff".repeat(6)}`, "01005e000001"]) {
      const edited = [first, second].reduceRight(
        (text, at) => `${text.slice(0, at)}LL=0x0 ${group}${text.slice(at + "LL=0x0 02420a4d0002".length)}`,
        log,
      );
      expect(edited).not.toBe(log);
      expect(macs(edited).web).toBe("02:42:0a:4d:00:02");
    }
  });
});
