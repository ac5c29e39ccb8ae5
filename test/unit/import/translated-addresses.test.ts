/**
 * An address the host answers for only by translating it (NETMAP, `snat prefix to`, an SNAT to an
 * address it does not own) is held by no host: import routes it from the `wan` host to the host, as
 * the upstream router must, instead of putting it on `wan` itself, where the check would deliver
 * the reply to `wan` without it reaching the host. The home-router capture
 * (test/fixtures/import/home-router), its first echo reply also logged before the un-SNAT, at an
 * address the host translates.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { planImport } from "../../../src/core/import/plan-import.ts";

const input = join(import.meta.dirname, "../../fixtures/import/home-router/input");
const material = readMaterial(input, {}, () => "");
const lines = readFileSync(join(input, "kernel.log"), "utf8").split("\n").filter(Boolean);
const reply = lines.findIndex((l) => l.includes("home fwd: IN=wan0") && l.includes("ID=12619"));
/** The reply as it came in on wan0, addressed to 198.51.100.77, before conntrack's un-SNAT. */
const before = (lines[reply] as string)
  .replace("[72277.577616] home fwd: IN=wan0 OUT=lan0", "[72277.577600] home pre: IN=wan0 OUT=")
  .replace("DST=192.168.50.10", "DST=198.51.100.77")
  .replace("TTL=62", "TTL=63");

function plan(logLines: readonly string[]) {
  return planImport(
    { ...material, log: `${logLines.join("\n")}\n`, command: undefined, exitCode: undefined },
    {
      lab: "home-router",
      date: "2026-12-03",
      containers: [],
      peers: [parseNamedAddress("laptop=192.168.50.10", "--peer")],
    },
  );
}

describe("an address the host translates", () => {
  it("is routed from the wan host to the host, not given to the wan host", () => {
    const p = plan([...lines.slice(0, reply), before, ...lines.slice(reply)]);
    expect(p.questions).toEqual([]);
    const wan = p.lab?.hosts.find((h) => h.name === "wan");
    const held = wan?.interfaces.flatMap((i) => i.addresses) ?? [];
    expect(held).not.toContain("198.51.100.77/32");
    expect(held).toContain("198.51.100.10/32");
    expect(wan?.routes).toContainEqual({ to: "198.51.100.77/32", via: expect.any(String), dev: "eth0" });
    expect(p.notes.join("\n")).toContain("198.51.100.77 is an address the host translates");
  });

  it("changes nothing in a log without such an address", () => {
    const p = plan(lines);
    const wan = p.lab?.hosts.find((h) => h.name === "wan");
    expect(wan?.routes.some((r) => r.to.endsWith("/32") && r.via !== undefined)).toBe(false);
  });
});
