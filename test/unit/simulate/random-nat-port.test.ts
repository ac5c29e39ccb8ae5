/**
 * A NAT port the kernel chooses, compared by `check` as any port of its range. The recording
 * (test/fixtures/random-nat-port, see its intent): a kube-proxy node on kernel 6.18 whose
 * `-j MASQUERADE --random-fully` gave a WAN client's connection port 8131, which `check` once
 * reported as "rewrites differ ... 10.244.0.2:8080 vs 10.244.0.3:8080", blaming kube-proxy's random
 * pick of a pod for the port the simulator shows (1024). A source NAT to a port range was checked in
 * namespaces too (kernel 6.18, nft 1.0.6, UDP from two clients, conntrack -L): with
 * `snat to 203.0.113.10:2000-3000` a client's port 2500 stayed 2500, another client's 2500 became
 * 2057 (taken), a port 40000 outside the range became 2780; `masquerade to :2000-3000` gave 2500,
 * 2302 and 2408; a plain `masquerade` kept 2500 and 40000 and gave the second 2500 port 64593.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

const LAB = join(import.meta.dirname, "../../fixtures/random-nat-port/capture/kube-proxy");
const scratch = mkdtempSync(join(tmpdir(), "pw-random-nat-port-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `check` on the lab with its log edited by `edit` (the missing zh-TW texts left aside). */
function checked(edit: (log: string) => string = (l) => l) {
  const dir = join(scratch, `kube-proxy-${Math.random().toString(36).slice(2)}`);
  cpSync(LAB, dir, { recursive: true });
  const log = join(dir, "ext-to-pa.log");
  writeFileSync(log, edit(readFileSync(log, "utf8")));
  const results = checkLab(dir).filter((r) => !r.trace.endsWith("zh-tw.json"));
  expect(results).toHaveLength(1);
  return results[0] as (typeof results)[number];
}

/** The log's lines of the reply packets (pa's, to the port the kernel drew). */
const replyLines = (log: string) => log.split("\n").filter((l) => l.includes("DPT=8131 "));

describe("a port MASQUERADE --random-fully drew", () => {
  it("agrees with any port of 1024-65535, and says so", () => {
    const r = checked();
    expect(r.report, r.report).toBe("");
    expect(r.ok).toBe(true);
    expect(r.chosenPorts).toEqual([
      "MASQUERADE at ip:nat:POSTROUTING draws it at random: compared as any port of 1024-65535 with 10.244.0.1 (the kernel's 8131, shown here as 1024)",
    ]);
    // The pod kube-proxy's statistic rule picked, taken the kernel's way.
    expect(r.ways?.join()).toMatch(/KUBE-SVC-WEBWEBWEBWEBWEBW .*-m statistic --mode random/);
  });

  it("still catches another address with that port, and blames only it", () => {
    const r = checked((log) => log.replace(/DST=10\.244\.0\.1 /g, "DST=10.244.0.9 "));
    expect(r.ok).toBe(false);
    expect(r.report).toContain(
      "packet 2: rewrites differ (kernel vs predicted)\n  ! dnat between ip:mangle:PREROUTING and ip:filter:FORWARD: 10.244.0.2:8080 -> 10.244.0.9:8131 => 10.244.0.2:8080 -> 203.0.113.1:42311 | dnat between ip:mangle:PREROUTING and ip:filter:FORWARD: 10.244.0.2:8080 -> 10.244.0.1:8131 => 10.244.0.2:8080 -> 203.0.113.1:42311",
    );
    // The replay shown is the pod the kernel picked: no packet's DNAT to 10.244.0.3 is in the report.
    expect(r.report).not.toContain("10.244.0.3");
    expect(r.report).toMatch(/packet 5: rewrites differ/);
  });

  it("refuses a port outside the range, and a second port for the same connection", () => {
    const outside = checked((log) => log.replace(/DPT=8131 /g, "DPT=80 "));
    expect(outside.ok).toBe(false);
    expect(outside.report).toContain("10.244.0.2:8080 -> 10.244.0.1:(1024-65535) =>");
    const two = checked((log) => {
      const later = replyLines(log)[1] as string;
      return log.replace(later, later.replace("DPT=8131 ", "DPT=8132 "));
    });
    expect(two.ok).toBe(false);
    expect(two.report).toMatch(
      /packet 5: rewrites differ[\s\S]*-> 10\.244\.0\.1:8132 => .* -> 10\.244\.0\.1:\(1024-65535\) =>/,
    );
  });
});

/** The ports the simulator says the kernel chooses when c1 (172.17.0.2:`sport`) connects out under nat POSTROUTING `rule`. */
function choices(rule: string, sport = 40000, file = "t.rules") {
  const text = file.endsWith(".rules")
    ? `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 ${rule}\nCOMMIT\n`
    : `table ip t {\n\tchain p {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip saddr 172.17.0.0/16 oifname "eth0" ${rule}\n\t}\n}\n`;
  const run = runScenario(textWorld(text, file), { from: "c1", to: "198.51.100.10", proto: "tcp", sport });
  return run.simulator.portChoices.map((c) => `${c.target} ${c.why} ${c.addr}:${c.port} of ${c.lo}-${c.hi}`);
}

describe("the NAT ports the simulator says the kernel chooses", () => {
  it("a random NAT's, iptables and nft alike", () => {
    expect(choices("-j MASQUERADE --random-fully")).toEqual([
      "MASQUERADE random 203.0.113.2:1024 of 1024-65535",
    ]);
    expect(choices("-j MASQUERADE --random", 700)).toEqual(["MASQUERADE random 203.0.113.2:600 of 600-1023"]);
    expect(choices("masquerade fully-random", 40000, "t.nft")).toEqual([
      "MASQUERADE random 203.0.113.2:1024 of 1024-65535",
    ]);
    expect(choices("masquerade random", 40000, "t.nft")).toEqual([
      "MASQUERADE random 203.0.113.2:1024 of 1024-65535",
    ]);
  });

  it("a source NAT's port range, whether the packet's port lies inside it or not", () => {
    // nft 1.0.6 wants the protocol first: "transport protocol mapping is only valid after transport protocol match".
    expect(choices("meta l4proto tcp snat to 203.0.113.2:1024-65535", 40000, "t.nft")).toEqual([
      "SNAT range 203.0.113.2:40000 of 1024-65535",
    ]);
    expect(choices("meta l4proto tcp masquerade to :2000-3000", 40000, "t.nft")).toEqual([
      "MASQUERADE range 203.0.113.2:2000 of 2000-3000",
    ]);
    expect(choices("-p tcp -j SNAT --to-source 203.0.113.2:2000-3000", 2500)).toEqual([
      "SNAT range 203.0.113.2:2500 of 2000-3000",
    ]);
  });

  it("none for a NAT that keeps the port or names one", () => {
    expect(choices("-j MASQUERADE")).toEqual([]);
    expect(choices("-p tcp -j SNAT --to-source 203.0.113.2:5000")).toEqual([]);
  });
});
