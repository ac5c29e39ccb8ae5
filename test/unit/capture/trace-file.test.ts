import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labTopology } from "../../../src/capture/lab-topology.ts";
import { traceSignature } from "../../../src/capture/trace-signature.ts";
import { stableRuleset, traceStem } from "../../../src/capture/write-trace.ts";
import {
  crossCheckTrace,
  parseJsonText,
  validateLabText,
  validateTraceMetaText,
} from "../../../src/core/trace-file/load-trace.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { hostFirewall, tableNames } from "../../helpers/nft-tables.ts";

const COMMITTED = join(import.meta.dirname, "../../../traces/docker-bridge");

describe("trace files", () => {
  it("the committed docker-bridge folder is valid and complete", () => {
    const folder = readTraceFolder(COMMITTED);
    expect(folder.errors).toEqual([]);
    expect(folder.lab?.rulesets).toEqual([
      "docker-27",
      "docker-27.instrumented-pwzx",
      "docker-28",
      "docker-28.instrumented-pw-dh",
      "docker-28.instrumented-pwid",
    ]);
    const stems = folder.traces.map((t) => t.stem);
    for (const stem of [
      "container-to-container",
      "host-to-container",
      "container-to-host",
      "container-to-wan",
      "wan-to-published-port",
      "container-to-container-nobrnf",
      "container-to-wan-nobrnf",
      "container-to-wan-trace",
      "wan-to-published-port-trace",
    ]) {
      expect(stems).toContain(stem);
    }
    for (const trace of folder.traces) {
      // What-if traces from the simulator are named sim-*; everything else came from the kernel.
      expect(trace.meta.origin, trace.stem).toBe(trace.stem.startsWith("sim-") ? "simulated" : "recorded");
      expect(traceSignature(trace.text).length, trace.stem).toBeGreaterThan(0);
    }
  });

  it("names the file, the field and what was expected", () => {
    const lab = labTopology(["docker-28"]);
    const broken = structuredClone(lab) as { hosts: { interfaces: { mac?: string }[] }[] };
    (broken.hosts[1]?.interfaces[1] as { mac?: string }).mac = "02:42:AC:11:00:02";
    const text = JSON.stringify(broken);
    const result = validateLabText(text, "traces/x/lab.json");
    // At the key of the field, on the file's one line.
    const column = text.indexOf('"mac":"02:42:AC:11:00:02"') + 1;
    expect(result).toEqual({
      ok: false,
      errors: [
        `traces/x/lab.json:1:${column}: hosts[1].interfaces[1].mac: a lower-case MAC like 02:42:ac:11:00:02`,
      ],
    });
    // A missing field is shown at the object that lacks it: here the top level.
    const meta = validateTraceMetaText('{"version": 1}', "traces/x/a.json");
    expect(meta.ok).toBe(false);
    if (!meta.ok)
      expect(meta.errors).toContain(
        "traces/x/a.json:1:1: scenario: Invalid input: expected string, received undefined",
      );
  });

  it("refuses a recording date that is no calendar day, at its line", () => {
    const meta = JSON.parse(readFileSync(join(COMMITTED, "container-to-wan.json"), "utf8"));
    meta.environment.date = "2026-02-30";
    const text = `${JSON.stringify(meta, null, 2)}\n`;
    const line = text.slice(0, text.indexOf('"date": "2026-02-30"')).split("\n").length;
    const result = validateTraceMetaText(text, "traces/x/a.json");
    expect(result).toEqual({
      ok: false,
      errors: [
        `traces/x/a.json:${line}:5: environment.date: expected the day it was recorded as YYYY-MM-DD, a real calendar date`,
      ],
    });
    meta.environment.date = "2026-11-30";
    expect(validateTraceMetaText(JSON.stringify(meta), "a.json").ok).toBe(true);
  });

  it("positions a field's problem at its line and column, with the closest allowed value", () => {
    const meta = {
      version: 1,
      scenario: "a",
      title: "t",
      mode: "logg",
      origin: "recorded",
      traffic: { from: "c1", to: "wan", proto: "icmpp", command: ["ping"] },
      ruleset: "docker-28",
    };
    const result = validateTraceMetaText(`${JSON.stringify(meta, null, 2)}\n`, "traces/x/a.json");
    expect(result).toEqual({
      ok: false,
      errors: [
        'traces/x/a.json:5:3: mode: Invalid option: expected one of "log"|"trace"; did you mean "log"?',
        'traces/x/a.json:10:5: traffic.proto: Invalid option: expected one of "icmp"|"tcp"|"udp"; did you mean "icmp"?',
      ],
    });
    // An element of an array, and a field of an object inside it, are found too.
    const lab = structuredClone(labTopology(["docker-28"])) as {
      hosts: { interfaces: { mac?: string }[] }[];
    };
    (lab.hosts[2]?.interfaces[1] as { mac?: string }).mac = "nope";
    const pretty = JSON.stringify(lab, null, 2);
    const labResult = validateLabText(pretty, "lab.json");
    const at = pretty.indexOf('"mac": "nope"');
    const line = pretty.slice(0, at).split("\n").length;
    const col = at - pretty.lastIndexOf("\n", at);
    expect(labResult.ok).toBe(false);
    if (!labResult.ok)
      expect(labResult.errors[0]).toMatch(
        new RegExp(`^lab\\.json:${line}:${col}: hosts\\[2\\]\\.interfaces\\[1\\]\\.mac: `),
      );
  });

  it("positions a JSON syntax error", () => {
    const result = parseJsonText('{\n  "version": 1,\n  "name": oops\n}', "lab.json");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^lab\.json:3:11: invalid JSON: /);
  });

  it("cross-checks metadata against its lab and file name, at each offending value, with the name meant", () => {
    const lab = labTopology(["docker-28"]);
    const text = JSON.stringify(
      {
        version: 1,
        scenario: "a",
        title: "t",
        mode: "log",
        origin: "recorded",
        traffic: { from: "c9", to: "wann", proto: "icmp", command: ["ping"] },
        ruleset: "docker-29",
        instrumentation: "zzz",
      },
      null,
      2,
    );
    const meta = validateTraceMetaText(text, "f.json");
    expect(meta.ok).toBe(true);
    // `"scenario": "a"` is line 3, its value at column 15; the host names on lines 8 and 9, the rulesets on 15 and 16.
    if (meta.ok) {
      expect(crossCheckTrace(meta.value, "b", lab, "f.json", text)).toEqual([
        `f.json:3:15: scenario: is 'a' but the file is named 'b.json'; write "scenario": "b" (or rename the file and its .log)`,
        "f.json:15:14: ruleset: 'docker-29' is not in lab.json's rulesets (docker-28); did you mean 'docker-28'?; if not, add rulesets/docker-29.rules and list it",
        "f.json:16:22: instrumentation: 'zzz' is not in lab.json's rulesets (docker-28); add rulesets/zzz.rules and list it",
        "f.json:8:13: traffic.from: 'c9' is not a host of lab.json (host, c1, c2, wan); did you mean 'c1'?",
        "f.json:9:11: traffic.to: 'wann' is not a host of lab.json (host, c1, c2, wan); did you mean 'wan'?",
      ]);
      // Each position is where the value's text starts in the file.
      const lines = text.split("\n");
      expect(lines[2]?.slice(14)).toBe('"a",');
      expect(lines[7]?.slice(12)).toBe('"c9",');
      expect(lines[8]?.slice(10)).toBe('"wann",');
      expect(lines[14]?.slice(13)).toBe('"docker-29",');
      expect(lines[15]?.slice(21)).toBe('"zzz"');
    }
  });

  it("positions a real trace folder's cross-check errors in its files, with a did-you-mean", () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-cross-check-"));
    try {
      cpSync(COMMITTED, dir, { recursive: true });
      const metaPath = join(dir, "container-to-wan.json");
      const metaText = readFileSync(metaPath, "utf8");
      const edited = metaText
        .replace('"from": "c1"', '"from": "c11"')
        .replace('"ruleset": "docker-28"', '"ruleset": "docker28"');
      expect(edited).not.toBe(metaText);
      writeFileSync(metaPath, edited);
      const labPath = join(dir, "lab.json");
      const labText = readFileSync(labPath, "utf8");
      writeFileSync(labPath, labText.replace('"docker-27",', '"docker-26",'));
      const errors = readTraceFolder(dir).errors;
      const where = (text: string, needle: string) => {
        const at = text.indexOf(needle);
        const before = text.slice(0, at);
        return `${before.split("\n").length}:${at - before.lastIndexOf("\n")}`;
      };
      const editedLab = readFileSync(labPath, "utf8");
      expect(errors).toContain(
        `${labPath}:${where(editedLab, '"docker-26"')}: rulesets: 'docker-26' is listed but rulesets/docker-26.rules does not exist; did you mean 'docker-27'? (rulesets/docker-27.rules exists)`,
      );
      expect(errors).toContain(
        `${metaPath}:${where(edited, '"c11"')}: traffic.from: 'c11' is not a host of lab.json (host, c1, c2, wan); did you mean 'c1'?`,
      );
      expect(errors.find((e) => e.includes("ruleset: 'docker28'"))).toMatch(
        new RegExp(
          `^${metaPath}:${where(edited, '"docker28"')}: ruleset: 'docker28' is not in lab.json's rulesets \\([^)]*\\); did you mean 'docker-28'\\?`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a log without metadata and metadata without a log", () => {
    const dir = mkdtempSync(join(tmpdir(), "pw-trace-folder-"));
    try {
      writeFileSync(join(dir, "lab.json"), JSON.stringify(labTopology([])));
      writeFileSync(join(dir, "orphan.log"), "");
      const folder = readTraceFolder(dir);
      expect(folder.errors).toEqual([`${join(dir, "orphan.log")}: no metadata file orphan.json beside it`]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("names files by scenario, mode and Docker version, and writes rulesets without dates", () => {
    expect(traceStem("container-to-wan", "log", "28")).toBe("container-to-wan");
    expect(traceStem("container-to-wan", "trace", "28")).toBe("container-to-wan-trace");
    expect(traceStem("container-to-wan", "log", "27")).toBe("container-to-wan-docker27");
    const text = stableRuleset(
      "# Generated by iptables-save v1.8.9 on Thu\n*nat\nCOMMIT\n# Completed on Thu\n",
      "",
      "note",
    );
    expect(text).toBe(
      "# note\n# iptables-save\n*nat\nCOMMIT\n# ebtables-save (bridge family)\n# (no bridge rules: Docker adds none)\n",
    );
  });
});

describe("writeLabFolder records the instrumentation", () => {
  it("writes the ruleset as installed (the capture's LOG rules in it) and names it in the metadata", async () => {
    const { writeLabFolder } = await import("../../../src/capture/write-trace.ts");
    const { readFileSync } = await import("node:fs");
    const out = mkdtempSync(join(tmpdir(), "pw-write-"));
    try {
      const clean = readFileSync(join(COMMITTED, "rulesets", "docker-28.rules"), "utf8");
      const meta = JSON.parse(readFileSync(join(COMMITTED, "container-to-wan.json"), "utf8"));
      delete meta.instrumentation;
      meta.tag = "pwzz";
      writeLabFolder(out, labTopology(["docker-28"]), { name: "docker-28", text: clean }, [
        {
          stem: "container-to-wan",
          lines: ["[    1.000000] pwzz/iptable/raw-PREROUTEIN=docker0 OUT= "],
          meta,
        },
      ]);
      const written = JSON.parse(readFileSync(join(out, "docker-bridge", "container-to-wan.json"), "utf8"));
      expect(written.instrumentation).toBe("docker-28.instrumented-pwzz");
      const inst = readFileSync(
        join(out, "docker-bridge", "rulesets", "docker-28.instrumented-pwzz.rules"),
        "utf8",
      );
      expect(inst).toContain(
        '-A PREROUTING -p icmp -m comment --comment pw-zz -j LOG --log-prefix "pwzz/iptable/raw-PREROUTE"',
      );
      expect(inst).toContain('--log-prefix "pwzz/ebtable/nat-POSTROUTE"');
      expect(readTraceFolder(join(out, "docker-bridge")).errors).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("nft lab: writes each trace's ruleset with the capture's nft tables as committed, registered before the host's iptables table, and pins both", async () => {
    const { writeLabFolder } = await import("../../../src/capture/write-trace.ts");
    const { readFileSync } = await import("node:fs");
    const { rulesetDigest } = await import("../../../src/core/trace-file/ruleset-pins.ts");
    const nftLab = join(COMMITTED, "..", "docker-bridge-nft");
    const out = mkdtempSync(join(tmpdir(), "pw-write-"));
    try {
      const lab = JSON.parse(readFileSync(join(nftLab, "lab.json"), "utf8"));
      const names = ["docker-29-nft", "docker-29-nft-forward-drop"];
      const rulesets = names.map((name) => ({
        name,
        text: readFileSync(join(nftLab, "rulesets", `${name}.rules`), "utf8"),
      }));
      const traces = ["container-to-wan-forward-drop", "container-to-wan-trace"].map((stem) => {
        const meta = JSON.parse(readFileSync(join(nftLab, `${stem}.json`), "utf8"));
        const committed = { instrumentation: meta.instrumentation, pins: meta.rulesetPins };
        delete meta.instrumentation;
        delete meta.rulesetPins;
        const lines = readFileSync(join(nftLab, `${stem}.log`), "utf8")
          .trimEnd()
          .split("\n");
        return { stem, meta, lines, committed };
      });
      writeLabFolder(out, { ...lab, rulesets: names }, rulesets, traces);
      const folder = join(out, "docker-bridge-nft");
      for (const t of traces) {
        const written = JSON.parse(readFileSync(join(folder, `${t.stem}.json`), "utf8"));
        expect(written.instrumentation, t.stem).toBe(t.committed.instrumentation);
        expect(written.rulesetPins, t.stem).toEqual(t.committed.pins);
        const text = readFileSync(join(folder, "rulesets", `${written.instrumentation}.rules`), "utf8");
        expect(text).toBe(readFileSync(join(nftLab, "rulesets", `${written.instrumentation}.rules`), "utf8"));
        expect(written.rulesetPins[written.instrumentation]).toBe(rulesetDigest(text));
      }
      const logged = readFileSync(
        join(folder, "rulesets", "docker-29-nft-forward-drop.instrumented-pwdq.rules"),
        "utf8",
      );
      const tables = [...logged.matchAll(/^table (\S+ \S+) \{/gm)].map((m) => m[1]);
      expect(tables).toEqual(["ip docker-bridges", "ip packetwalk", "bridge packetwalk", "ip filter"]);
      expect(logged).toContain('log prefix "pwdq/nft/ip/docker-bridges/filter-FORWARD"');
      const traced = readFileSync(
        join(folder, "rulesets", "docker-29-nft.instrumented-nftrace.rules"),
        "utf8",
      );
      expect(traced).toMatch(/chain trace-prerouting \{[^}]*meta nftrace set 1/);
      expect(readTraceFolder(folder).errors).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("writeLabFolder on an nft lab whose committed ruleset has a table of the host's own", () => {
  it("writes every instrumentation with the committed tables before the capture's, a setup's table after", async () => {
    const { writeLabFolder } = await import("../../../src/capture/write-trace.ts");
    const { readFileSync } = await import("node:fs");
    const nftLab = join(COMMITTED, "..", "docker-bridge-nft");
    const out = mkdtempSync(join(tmpdir(), "pw-write-"));
    try {
      const lab = JSON.parse(readFileSync(join(nftLab, "lab.json"), "utf8"));
      const base =
        readFileSync(join(nftLab, "rulesets", "docker-29-nft.rules"), "utf8") +
        hostFirewall("tcp dport 22 accept");
      const setup = readFileSync(join(nftLab, "rulesets", "docker-29-nft-forward-drop.rules"), "utf8").split(
        /^(?=table ip filter \{)/m,
      )[1];
      // As capture-lab passes them: the ruleset loaded first, then the one a setup made of it.
      const rulesets = [
        { name: "docker-29-nft", text: base },
        { name: "docker-29-nft-forward-drop", text: base + setup },
      ];
      const traces = ["container-to-wan", "container-to-wan-forward-drop"].map((stem) => {
        const meta = JSON.parse(readFileSync(join(nftLab, `${stem}.json`), "utf8"));
        delete meta.instrumentation;
        delete meta.rulesetPins;
        const lines = readFileSync(join(nftLab, `${stem}.log`), "utf8")
          .trimEnd()
          .split("\n");
        return { stem, meta, lines };
      });
      writeLabFolder(out, { ...lab, rulesets: rulesets.map((r) => r.name) }, rulesets, traces);
      const tables = (name: string) =>
        tableNames(readFileSync(join(out, "docker-bridge-nft", "rulesets", `${name}.rules`), "utf8"));
      const own = ["ip docker-bridges", "inet host-fw", "ip packetwalk", "bridge packetwalk"];
      expect(tables("docker-29-nft.instrumented-pwdq")).toEqual(own);
      expect(tables("docker-29-nft-forward-drop.instrumented-pwdq")).toEqual([...own, "ip filter"]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("traceSignature on the nft lab", () => {
  const folder = readTraceFolder(join(COMMITTED, "..", "docker-bridge-nft"));

  it("signs every line of every committed nft trace, LOG and nft monitor trace alike", () => {
    expect(folder.traces.length).toBeGreaterThan(10);
    for (const trace of folder.traces) {
      const lines = trace.text.split("\n").filter((line) => line.trim() !== "");
      expect(traceSignature(trace.text), trace.stem).toHaveLength(lines.length);
    }
  });

  it("keeps the chain and verdict of a trace line and drops its trace id and counters", () => {
    const a =
      'trace id 5c6c3cac ip docker-bridges filter-forward-out__docker0 rule counter packets 3 bytes 252 accept comment "OUTGOING" (verdict accept)';
    const b = a.replace("5c6c3cac", "0a1b2c3d").replace("packets 3 bytes 252", "packets 0 bytes 0");
    expect(traceSignature(a)).toEqual(traceSignature(b));
    expect(traceSignature(a)[0]).toContain("filter-forward-out__docker0");
    expect(traceSignature(a.replace("(verdict accept)", "(verdict drop)"))).not.toEqual(traceSignature(a));
  });
});
