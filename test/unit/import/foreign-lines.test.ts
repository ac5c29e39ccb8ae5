/**
 * A contributor's whole `dmesg` holds the LOG lines of every network namespace on the machine
 * (test/fixtures/import/nat-router-dmesg: a router with lo, lan0 and wan0 whose saved ruleset prints
 * only `rtr-*` prefixes, in a log with 465 lines of Docker-like labs, a bridged VM lab and ufw).
 * `import` took them all: 13 scenarios (a DHCP offer one of them, a peer with another lab's MAC), 11
 * of which the check failed. Now a line naming a device the host does not have is left out before
 * anything is read from it, in one note with the count, the devices, the prefixes and where the
 * first one is; a line whose saves and log disagree (a prefix the ruleset prints on a device the
 * host lacks, a prefix it does not print on the host's own devices) is a question, positioned, whose
 * hint's command cuts the lines out (run here, and the import then goes through).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial, writePlan } from "../../../src/cli/import-command.ts";
import { type ImportMaterial, planImport } from "../../../src/core/import/plan-import.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { labSchema } from "../../../src/core/trace-file/schema.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = join(import.meta.dirname, "../../fixtures/import/nat-router-dmesg/material");
const material = readMaterial(input, {}, () => "");
const log = material.logFile;
const lines = material.log.split("\n");
const tmp = tempDir("pw-import-foreign-");

const plan = (m: ImportMaterial, peers = ["laptop=192.0.2.2"]) =>
  planImport(m, {
    lab: "nat-router",
    date: "2026-12-07",
    containers: [],
    peers: peers.map((p) => parseNamedAddress(p, "--peer")),
  });

/** The material with its log's lines replaced by `edit`'s. */
const edited = (edit: (lines: string[]) => string[]): ImportMaterial => ({
  ...material,
  log: edit([...lines]).join("\n"),
});

/** Runs a question's hint command (`grep ... LOG > mine.log`) on `text` in a scratch folder; the lines it keeps. */
function runHint(question: string, text: string): string {
  const command = /\((grep .+) > mine\.log, then --log mine\.log\)$/.exec(question)?.[1];
  if (!command) throw new Error(`no command in: ${question}`);
  writeFileSync(join(tmp(), "IN.log"), text);
  const r = spawnSync("sh", ["-c", `${command.replaceAll(log, "IN.log")} > out.log`], {
    cwd: tmp(),
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C" },
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(join(tmp(), "out.log"), "utf8");
}

describe("import on a whole dmesg of a machine with other namespaces", () => {
  it("imports the router's two flows and leaves out the 465 lines of the others, in one note", () => {
    const p = plan(material, ["laptop=192.0.2.2", "b=192.0.2.3", "c=192.0.2.50"]);
    expect(p.questions).toEqual([]);
    expect(p.scenarios.map((s) => `${s.stem} ${s.packets.length}`)).toEqual([
      "laptop-to-wan 2",
      "laptop-to-wan-tcp 12",
    ]);
    // The first foreign line is the log's first (a Docker-like lab's), at its prefix's column.
    expect(lines[0]).toMatch(/^\[19433\.\d+\] pwkh\/iptable\/raw-OUTPUTIN= OUT=docker0 /);
    const note = p.notes.find((n) => n.startsWith("left out: 465 lines"));
    expect(note).toBe(
      `left out: 465 lines of other machines or network namespaces, the first at ${log}:1:16: they name devices the host does not have (br0, docker0, eth0, veth-c1, veth-c2, vnet0, vnet1; the host's are lan0, lo, wan0), and all of them have LOG prefixes no rule of the saved ruleset prints ('[UFW BLOCK]', '[UFW LIMIT BLOCK]', 'pwah/nft/bridge/packetwalk/FORWARD', 'pwah/nft/bridge/packetwalk/INPUT', 'pwah/nft/bridge/packetwalk/OUTPUT', 'pwah/nft/bridge/packetwalk/POSTROUTING', 'pwah/nft/bridge/packetwalk/PREROUTING', 'pwah/nft/ip/docker-bridges/filter-FORWARD' and 113 more); a whole dmesg holds every namespace's LOG lines, and none of these is in the lab`,
    );
    // No host, MAC or address of theirs: the VM lab's 192.0.2.3 and .50 and its DHCP offer are no peers.
    expect(p.lab?.hosts.map((h) => h.name)).toEqual(["host", "laptop", "wan"]);
    const text = JSON.stringify(p.lab) + p.files.map((f) => f.text).join("");
    for (const other of [
      "52:54:00:00:01:02",
      "52:54:00:12:34:01",
      "02:42:ac:11:00:02",
      "198.51.100.172",
      "192.0.2.3",
    ])
      expect(text).not.toContain(other);
    expect(p.unusedNames).toEqual([
      "--peer b=192.0.2.3 is given, but no packet of the log has 192.0.2.3: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)",
      "--peer c=192.0.2.50 is given, but no packet of the log has 192.0.2.50: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)",
    ]);
    // The lines left out raise no problem of their own (their prefixes are not "unknown": not the host's).
    expect(p.diagnostics).toEqual([]);
    // The published logs are the router's lines, as captured.
    expect(p.files.find((f) => f.path === "laptop-to-wan.log")?.text.split("\n")[0]).toMatch(
      /^\[21249\.757642\] rtr-raw-pre IN=lan0 OUT= /,
    );
  });

  it("asks, at the first line, when a prefix the ruleset prints names a device the host lacks", () => {
    // Another router namespace with the same rules whose LAN device is lan1: its lines look like ours.
    const twin = lines
      .filter((l) => / rtr-(raw-pre|fwd) IN=lan0 /.test(l))
      .map((l) => l.replace(/IN=lan0 /, "IN=lan1 "));
    const m = edited((all) => [...all, ...twin]);
    const p = plan(m);
    expect(p.lab).toBeUndefined();
    const at = lines.length + 1;
    const q = p.questions.find((x) => x.includes("name devices the host does not have"));
    expect(q).toBe(
      `${log}:${at}:16: ${twin.length} lines with LOG prefixes the saved ruleset prints ('rtr-fwd', 'rtr-raw-pre') name devices the host does not have (lan1; the host's are lan0, lo, wan0): the host's ip saves were made at another moment than the log (a container's veth gone), or another network namespace logs with the same rules; save \`ip -j addr\` and \`ip -j -d link\` while the traffic is logged, or cut the other namespace's lines out of the log (grep -v -E '(IN|OUT|PHYSIN|PHYSOUT)=(lan1) ' ${log} > mine.log, then --log mine.log)`,
    );
    // The hint's command cuts exactly those lines: the import then goes through.
    const kept = runHint(q as string, m.log);
    expect(kept.split("\n").filter(Boolean).length).toBe(lines.filter(Boolean).length);
    expect(plan({ ...m, log: kept }).questions).toEqual([]);
  });

  it("asks, at the first line, when a line on the host's own devices has a prefix its saved ruleset does not print", () => {
    // ufw's own line, as a host running ufw logs it, on the router's wan0: its saved ruleset has no ufw rule.
    const ufw = lines.find((l) => l.includes("[UFW BLOCK] IN=eth0 ")) as string;
    const stray = ufw.replace("IN=eth0 ", "IN=wan0 ");
    const m = edited((all) => [...all, stray]);
    const p = plan(m);
    expect(p.lab).toBeUndefined();
    expect(p.questions).toEqual([
      `${log}:${lines.length + 1}:16: 1 line on the host's own devices has a LOG prefix no logging rule of the saved ruleset prints ('[UFW BLOCK]'): the lab's ruleset would not print it, so the ruleset was saved at another moment than the log, or without the rules that print them; save it while those rules are installed, or cut those lines out of the log (grep -v -F -e '[UFW BLOCK]' ${log} > mine.log, then --log mine.log)`,
    ]);
    const kept = runHint(p.questions[0] as string, m.log);
    expect(kept).not.toContain(stray);
    expect(plan({ ...m, log: kept }).questions).toEqual([]);
  });

  it("keeps the question for a prefix no reader knows on the host's own devices", () => {
    // The saves and the log disagree: as before, a question (the lines are the host's, their rule is missing).
    // (`rtr-mangle-pre` names its chain since session 53, as `v6-raw-PRE` does: `mgl` is no table's name.)
    const m = edited((all) => [...all, all[789]?.replace("rtr-raw-pre ", "rtr-mgl-pre ") ?? ""]);
    const p = plan(m);
    expect(p.questions).toEqual([
      `${log}: 'rtr-mgl-pre' is printed by no logging rule of the saved ruleset, so their lines would be left out: save the ruleset while the rules that print them are installed, or cut those lines out of the log`,
    ]);
  });

  it("leaves lines out of a parse only as the caller says, silently", () => {
    const foreign = lines.slice(0, 120).join("\n");
    expect(parseTraceText(foreign).packets.length).toBeGreaterThan(0);
    const none = parseTraceText(foreign, { keepLine: () => false });
    expect(none.packets).toEqual([]);
    expect(none.diagnostics).toEqual([]);
  });
});

describe("a lab whose two hosts have one MAC", () => {
  it("is a question before anything is written, naming the field and the flag", () => {
    // The gateway given the laptop's MAC (a copy-paste slip): the bridge-less router's two links.
    const p = plan(material, ["laptop=192.0.2.2", "wan=203.0.113.1,mac=52:54:00:c0:00:02"]);
    expect(p.lab).toBeUndefined();
    expect(p.questions).toEqual([
      "lab.json would not validate: hosts[2].interfaces[1].mac: '52:54:00:c0:00:02' is already the MAC of eth0 of host 'laptop': two hosts cannot have one MAC (a bridge would deliver both hosts' frames to one of them); give eth0 of 'wan' its own, as `ip link` shows it there (import takes a host's MAC from the log's lines: give the right one with --peer NAME=IP,mac=MAC or --container NAME=IP,mac=MAC)",
    ]);
  });

  it("fails lab.json's validation at the MAC's field; a bridge and its port on one host may share one", () => {
    // The tester's lab: peers laptop and c, c with laptop's MAC (taken from another namespace's line).
    // Two namespaces with one MAC on one bridge (kernel 6.18): the bridge's fdb held the MAC on the
    // port that sent last (p1, then p2), and its ping to the first namespace then failed.
    const p = plan(material);
    const lab = p.lab;
    if (!lab) throw new Error("no lab");
    const folder = join(tmp(), "twins", "nat-router");
    writePlan(p, folder);
    const twins = structuredClone(lab);
    twins.hosts.push({
      name: "c",
      role: "wan",
      label: "peer c",
      interfaces: [{ name: "eth0", mac: "52:54:00:c0:00:02", addresses: ["192.0.2.50/24"], kind: "other" }],
      routes: [],
    });
    const text = `${JSON.stringify(twins, null, 2)}\n`;
    writeFileSync(join(folder, "lab.json"), text);
    const lines = text.split("\n");
    const at = lines.findLastIndex((l) => l.includes('"mac": "52:54:00:c0:00:02"'));
    expect(readTraceFolder(folder).errors).toEqual([
      `${join(folder, "lab.json")}:${at + 1}:${(lines[at]?.indexOf('"mac"') ?? 0) + 1}: hosts[3].interfaces[0].mac: '52:54:00:c0:00:02' is already the MAC of eth0 of host 'laptop': two hosts cannot have one MAC (a bridge would deliver both hosts' frames to one of them); give eth0 of 'c' its own, as \`ip link\` shows it there`,
    ]);
    // A bridge takes its port's MAC unless one is set (kernel 6.18, in a namespace: br0's random
    // 26:42:5f:4d:17:86 became 52:54:00:c0:00:01 once v0 with that MAC was its port): within one host that is fine.
    const bridged = structuredClone(lab);
    bridged.hosts[0]?.interfaces.push({
      name: "br0",
      mac: "52:54:00:c0:00:01",
      addresses: [],
      kind: "bridge",
    });
    expect(labSchema.safeParse(bridged).success).toBe(true);
  });
});
