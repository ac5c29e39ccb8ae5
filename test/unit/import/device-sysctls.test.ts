/**
 * A device's own sysctls in an imported lab (test/fixtures/import/docker29-noproxy: a tester's Docker
 * 29 nftables host with `--userland-proxy=false`, kernel 6.18, nft 1.0.6). Docker then sets
 * `net.ipv4.conf.<bridge>.route_localnet = 1`, `all`'s staying 0, and the host's connection to
 * 127.0.0.1:8080 is DNATed to c1 (192.0.2.2:80) out of bridge1; the kernel let it through (exit code
 * 0, conntrack `src=127.0.0.1 dst=127.0.0.1 sport=37804 dport=8080 src=192.0.2.2 dst=192.0.2.1
 * [ASSURED]`). import kept only `net.ipv4.conf.all.route_localnet: "0"`, so the check said "a packet
 * from 127.0.0.1 may not leave on bridge1 after DNAT to 192.0.2.2: the kernel drops it
 * (net.ipv4.conf.bridge1.route_localnet is not 1)". The same kernel in namespaces (a host, a bridge,
 * a container, `dnat to 192.0.2.2:80` at output and `fib saddr type local masquerade` at
 * postrouting, all.route_localnet=0): with br0.route_localnet=0 the connection to 127.0.0.1:8080
 * timed out (exit 124), with 1 it was answered (exit 0). So import keeps the switches the simulator
 * reads per device (route_localnet, accept_local, forwarding; rp_filter already) for the lab's
 * devices, where they differ from the default.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = join(import.meta.dirname, "../../fixtures/import/docker29-noproxy/material");
const material = readMaterial(input, {}, () => "");
const tmp = tempDir("pw-import-device-sysctls-");

const plan = (m: ImportMaterial) =>
  planImport(m, {
    lab: "np",
    date: "2026-12-07",
    containers: [parseNamedAddress("c1=192.0.2.2,port=vethc1", "--container")],
    peers: [],
  });

/** The fixture's sysctl.txt with `key`'s line set to `value` (added when it has none). */
const withSysctl = (m: ImportMaterial, key: string, value: string): ImportMaterial => {
  const lines = (m.sysctl ?? "").split("\n").filter((l) => !l.startsWith(`${key} =`));
  return { ...m, sysctl: [...lines, `${key} = ${value}`].join("\n") };
};

describe("the lab's devices' own sysctls", () => {
  it("keeps a bridge's route_localnet = 1 (Docker's --userland-proxy=false), in lab.json and each trace", () => {
    const p = plan(material);
    expect(p.questions).toEqual([]);
    const sysctls = p.lab?.sysctls ?? {};
    expect(sysctls["net.ipv4.conf.bridge1.route_localnet"]).toBe("1");
    expect(sysctls["net.ipv4.conf.docker0.route_localnet"]).toBe("1");
    expect(sysctls["net.ipv4.conf.all.route_localnet"]).toBe("0");
    for (const s of p.scenarios) expect(s.meta.sysctls["net.ipv4.conf.bridge1.route_localnet"]).toBe("1");
    // The defaults (route_localnet 0, forwarding 1, accept_local 0 on every device) say nothing new.
    expect(
      Object.keys(sysctls)
        .filter((k) => /^net\.ipv4\.conf\.(?!all\.)/.test(k))
        .sort(),
    ).toEqual(["net.ipv4.conf.bridge1.route_localnet", "net.ipv4.conf.docker0.route_localnet"]);
  });

  it("agrees with the check on the host's connection to 127.0.0.1, which needs bridge1's route_localnet", () => {
    const p = plan(material);
    const folder = join(tmp(), "np");
    writePlan(p, folder);
    expect(checkLab(folder).map((c) => [c.trace.split("/").pop(), c.ok])).toEqual([
      ["c1-to-c1-trace", true],
      ["host-to-c1-trace", true],
    ]);
    // Without it (as import wrote it before), the simulator drops what the kernel let through.
    for (const f of ["lab.json", "host-to-c1-trace.json"]) {
      const path = join(folder, f);
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace(/\n\s*"net\.ipv4\.conf\.bridge1\.route_localnet": "1",?/, ""),
      );
    }
    const off = checkLab(folder).find((c) => c.trace.endsWith("host-to-c1-trace"));
    expect(off?.ok).toBe(false);
    expect(off?.report).toContain(
      "a packet from 127.0.0.1 may not leave on bridge1 after DNAT to 192.0.2.2: the kernel drops it (net.ipv4.conf.bridge1.route_localnet is not 1)",
    );
  });

  it("keeps a lab device's forwarding 0 and accept_local 1, all's accept_local, and tcp_loose 0; not another device's", () => {
    let m = withSysctl(material, "net.ipv4.conf.vethc1.forwarding", "0");
    m = withSysctl(m, "net.ipv4.conf.wan0.accept_local", "1");
    m = withSysctl(m, "net.ipv4.conf.all.accept_local", "1");
    m = withSysctl(m, "net.netfilter.nf_conntrack_tcp_loose", "0");
    // vethc2 has no host behind it in this log: not a device of the lab.
    m = withSysctl(m, "net.ipv4.conf.vethc2.route_localnet", "1");
    const sysctls = plan(m).lab?.sysctls ?? {};
    expect(sysctls["net.ipv4.conf.vethc1.forwarding"]).toBe("0");
    expect(sysctls["net.ipv4.conf.wan0.accept_local"]).toBe("1");
    expect(sysctls["net.ipv4.conf.all.accept_local"]).toBe("1");
    expect(sysctls["net.netfilter.nf_conntrack_tcp_loose"]).toBe("0");
    expect(sysctls["net.ipv4.conf.vethc2.route_localnet"]).toBeUndefined();
    // With ip_forward 0 the host forwards nothing: every device's forwarding is 0 and says no more.
    let off = withSysctl(material, "net.ipv4.ip_forward", "0");
    off = withSysctl(off, "net.ipv4.conf.vethc1.forwarding", "0");
    const offSysctls = plan(off).lab?.sysctls ?? {};
    expect(offSysctls["net.ipv4.ip_forward"]).toBe("0");
    expect(offSysctls["net.ipv4.conf.vethc1.forwarding"]).toBeUndefined();
  });

  it("reads a dotted device's key as sysctl -a prints it (eth0/100), and the /proc path form", () => {
    // sysctl -a on kernel 6.18 prints a device d0.100's key as `net.ipv4.conf.d0/100.route_localnet`,
    // and takes `net/ipv4/conf/d0.100/route_localnet` for it; the simulator's rp_filter reads the first.
    const m = withSysctl(material, "net.ipv4.conf.wan0/5.rp_filter", "1");
    const sysctls =
      plan({ ...m, sysctl: `${m.sysctl}\nnet/ipv4/conf/vethc1/accept_local = 1` }).lab?.sysctls ?? {};
    expect(sysctls["net.ipv4.conf.wan0/5.rp_filter"]).toBe("1");
    expect(sysctls["net.ipv4.conf.vethc1.accept_local"]).toBe("1");
  });
});

describe("Docker's hairpin: c1 to its own published port (D2)", () => {
  it("is a scenario from c1 to itself, with vethc1's hairpin mode from ip -j -d link, and agrees with the check", () => {
    // ip-link.json (ip -j -d link, iproute2 6.1.0) has `"hairpin":true` in vethc1's info_slave_data;
    // bridge-link.json (plain bridge -j link) has no hairpin field. The connection succeeded (exit 0).
    expect(material.ipLink).toContain('"hairpin":true');
    expect(material.bridgeLink).not.toContain("hairpin");
    const p = plan(material);
    expect(p.lab?.sysctls["brport.vethc1.hairpin_mode"]).toBe("1");
    expect(p.notes).toContain(
      "flow 1 (TCP 192.0.2.2 -> 203.0.113.10): the host's DNAT to 192.0.2.2 sends it back to 'c1', the host it came from (a hairpin), so it is a scenario from 'c1' to itself",
    );
    const hairpin = p.scenarios.find((s) => s.stem === "c1-to-c1-trace");
    expect([hairpin?.meta.traffic.from, hairpin?.meta.traffic.to, hairpin?.packets.length]).toEqual([
      "c1",
      "c1",
      8,
    ]);
  });
});
