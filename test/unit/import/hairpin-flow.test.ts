/**
 * A pod that reaches a Service whose endpoint is itself (test/fixtures/import/kube-hairpin: kernel
 * 6.18, iptables-nft 1.8.9, kube-proxy's rules; pod pa 10.244.0.2 on cni0's port veth-a connects to
 * the ClusterIP 10.96.0.10:80, and the kernel logs `k-fwd IN=cni0 OUT=cni0 PHYSIN=veth-a
 * PHYSOUT=veth-a ... SRC=10.244.0.2 DST=10.244.0.2 DPT=8080`, its answer coming to the host's
 * 10.244.0.1 after kube-proxy's MASQUERADE; the connection succeeded, exit code 0). import left the
 * flow out ("both addresses belong to 'pa', so the packet crosses no link the lab models") and then
 * refused ("no flow of the log could be placed"); the port's hairpin mode, which `ip -j -d link`
 * (info_slave_data) and `bridge -d -j link` print as "hairpin":true, was never read, so the lab's
 * simulator lost the frame ("hairpin mode off"). Now the flow is a scenario from pa to itself, and
 * the lab's sysctls carry `brport.veth-a.hairpin_mode`, as the saves (or, without them, the log's
 * PHYSIN = PHYSOUT line) say. The same kernel without the LOG rules, in namespaces: a pod DNATed to
 * itself through its bridge port gets no answer with the port's hairpin_mode 0 (`ping -c1 -W1`
 * exits 1) and one with 1 (exits 0); `bridge -d -j link` (iproute2 6.1.0) prints `"hairpin":true`
 * after `"cost"`, plain `bridge -j link` no hairpin at all.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = join(import.meta.dirname, "../../fixtures/import/kube-hairpin/material");
const material = readMaterial(input, {}, () => "");
const tmp = tempDir("pw-import-hairpin-");

const plan = (m: ImportMaterial) =>
  planImport(m, {
    lab: "hp",
    date: "2026-12-07",
    hostName: "node",
    containers: [parseNamedAddress("pa=10.244.0.2", "--container")],
    peers: [],
  });

/** `ip -j -d link` as plain `ip -j link` prints it: no bridge port flags. */
const withoutDetails = (text: string) => text.replaceAll(/"hairpin":(true|false),/g, "");
const HAIRPIN_KEY = "brport.veth-a.hairpin_mode";

describe("a pod's connection to a Service that DNATs it back to the pod itself", () => {
  it("is a scenario from the pod to itself, with its own command and exit code", () => {
    const p = plan(material);
    expect(p.questions).toEqual([]);
    expect(p.notes.join("\n")).not.toMatch(/left out/);
    expect(p.notes).toContain(
      "flow 1 (TCP 10.244.0.2 -> 10.96.0.10): the host's DNAT to 10.244.0.2 sends it back to 'pa', the host it came from (a hairpin), so it is a scenario from 'pa' to itself",
    );
    expect(
      p.scenarios.map((s) => [
        s.stem,
        s.meta.traffic.from,
        s.meta.traffic.to,
        s.packets.length,
        s.meta.exitCode,
      ]),
    ).toEqual([["pa-to-pa", "pa", "pa", 8, 0]]);
    // pa's end is the port the log names (PHYSIN=veth-a), though no port= was given.
    const node = p.lab?.hosts.find((h) => h.name === "node");
    expect(node?.interfaces.find((i) => i.peer === "pa/eth0")?.name).toBe("veth-a");
  });

  it("takes the port's hairpin mode from ip -j -d link, else bridge -d -j link, else the log's line", () => {
    const fromLink = plan(material);
    expect(fromLink.lab?.sysctls[HAIRPIN_KEY]).toBe("1");
    expect(fromLink.scenarios[0]?.meta.sysctls[HAIRPIN_KEY]).toBe("1");
    expect(fromLink.notes).toContain(
      "veth-a is in hairpin mode (ip-link.json): the lab's sysctls say brport.veth-a.hairpin_mode=1, so a frame the host sends back out of the port it came in by is delivered",
    );
    // `bridge -d -j link` prints "hairpin" after "cost" (iproute2 6.1.0, kernel 6.18).
    const ipLink = withoutDetails(material.ipLink ?? "");
    expect(ipLink).not.toContain('"hairpin"');
    const bridgeLink = (material.bridgeLink ?? "").replace('"cost":2}', '"cost":2,"hairpin":true}');
    const fromBridge = plan({ ...material, ipLink, bridgeLink });
    expect(fromBridge.lab?.sysctls[HAIRPIN_KEY]).toBe("1");
    expect(fromBridge.notes.join("\n")).toContain("veth-a is in hairpin mode (bridge-link.json)");
    // No save says it: the kernel bridged the frame back out of veth-a, which it does only in hairpin mode.
    const fromLog = plan({ ...material, ipLink });
    expect(fromLog.lab?.sysctls[HAIRPIN_KEY]).toBe("1");
    expect(fromLog.notes.join("\n")).toContain(
      "veth-a is in hairpin mode (the log's line 4 (PHYSIN=veth-a PHYSOUT=veth-a))",
    );
    // A save that says off is outweighed by the line, and said.
    const off = plan({
      ...material,
      ipLink: (material.ipLink ?? "").replaceAll('"hairpin":true', '"hairpin":false'),
    });
    expect(off.lab?.sysctls[HAIRPIN_KEY]).toBe("1");
    expect(off.notes.join("\n")).toContain("PHYSOUT=veth-a), though ip-link.json says off)");
  });

  it("with --sysctl brport.veth-a.hairpin_mode given, keeps the value given", () => {
    const p = planImport(material, {
      lab: "hp",
      date: "2026-12-07",
      hostName: "node",
      containers: [parseNamedAddress("pa=10.244.0.2", "--container")],
      peers: [],
      sysctls: { [HAIRPIN_KEY]: "0", "brport.veth-z.hairpin_mode": "1" },
    });
    expect(p.lab?.sysctls[HAIRPIN_KEY]).toBe("0");
    // Not a port of the lab: nothing to write.
    expect(p.lab?.sysctls["brport.veth-z.hairpin_mode"]).toBeUndefined();
  });

  it("agrees with the check where the kernel's random choices are taken out, and needs the hairpin mode for it", () => {
    // kube-proxy picks the endpoint by `-m statistic --mode random` and MASQUERADEs `--random-fully`
    // (the kernel drew port 18450): chance the check does not replay. Without them the kernel
    // takes the one endpoint and keeps the port.
    const iptablesSave = (material.iptablesSave ?? "")
      .replace("-m statistic --mode random --probability 0.50000000000 ", "")
      .replace(" --random-fully", "");
    const log = material.log.replaceAll("DPT=18450", "DPT=38139");
    const p = plan({ ...material, iptablesSave, log });
    expect(p.questions).toEqual([]);
    const folder = join(tmp(), "hp");
    writePlan(p, folder);
    expect(checkLab(folder).map((c) => [c.trace.split("/").pop(), c.ok, c.report])).toEqual([
      ["pa-to-pa", true, ""],
    ]);
    // The same lab with the port's hairpin mode off: the bridge does not send the frame back.
    for (const f of ["lab.json", "pa-to-pa.json"]) {
      const path = join(folder, f);
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace(`"${HAIRPIN_KEY}": "1"`, `"${HAIRPIN_KEY}": "0"`),
      );
    }
    const off = checkLab(folder);
    expect(off[0]?.ok).toBe(false);
    expect(off[0]?.report).toContain("cni0 does not send a frame back out of veth-a (hairpin mode off)");
  });
});
