/**
 * A simulated trace's what-if ruleset is read from its own lab (or its repository), never from
 * outside it: its metadata (a pull request's) cannot make the build read `/etc/...`, and a lab read
 * from another checkout does not fall back to the working tree's file.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { annotateRecorded, LabError } from "../../../src/lab/load-lab.ts";

const root = join(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "pw-what-if-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the docker-bridge lab in a repository of its own, its drop trace's command naming `file`. */
function labNaming(name: string, file: string, keepCopy: boolean): string {
  const lab = join(tmp, name, "traces", "docker-bridge");
  cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
  const metaFile = join(lab, "sim-docker-user-drop.json");
  const meta = JSON.parse(readFileSync(metaFile, "utf8")) as { traffic: { command: string[] } };
  const cmd = meta.traffic.command;
  cmd[cmd.indexOf("--ruleset-file") + 1] = file;
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  if (!keepCopy) {
    const labJson = join(lab, "lab.json");
    const l = JSON.parse(readFileSync(labJson, "utf8")) as { rulesets: string[] };
    l.rulesets = l.rulesets.filter((r) => r !== "sim-docker-user-drop");
    writeFileSync(labJson, JSON.stringify(l, null, 2));
    rmSync(join(lab, "rulesets", "sim-docker-user-drop.rules"));
  }
  return lab;
}

describe("a simulated trace's --ruleset-file", () => {
  it("is the lab's own copy: the drop is marked", () => {
    const lab = labNaming("own", "traces/docker-bridge/rulesets/sim-docker-user-drop.rules", true);
    const a = annotateRecorded(lab, "sim-docker-user-drop");
    expect(a.divergences).toEqual([]);
    expect(a.trace.packets[0]?.events.at(-1)?.matched?.at(-1)?.verdict).toBe("DROP");
  });

  it("is read from the lab's own rulesets/ when lab.json does not list it, also in a copy outside any repository", () => {
    const lab = join(tmp, "copied-host");
    cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
    const a = annotateRecorded(lab, "sim-docker-user-drop");
    expect(a.divergences).toEqual([]);
    expect(a.trace.packets[0]?.events.at(-1)?.matched?.at(-1)?.verdict).toBe("DROP");
  });

  it("outside the repository is refused with the trace's path, not read", () => {
    const lab = labNaming("outside", "/etc/hostname", false);
    expect(() => annotateRecorded(lab, "sim-docker-user-drop")).toThrow(LabError);
    expect(() => annotateRecorded(lab, "sim-docker-user-drop")).toThrow(
      /sim-docker-user-drop\.log: its command names \/etc\/hostname, which is outside the repository/,
    );
    const up = labNaming("up", "../../outside.rules", false);
    expect(() => annotateRecorded(up, "sim-docker-user-drop")).toThrow(/outside the repository/);
  });

  it("of a lab outside any traces/ folder is only its own copy: a path is not read from the folder around it", () => {
    // The lab copied to a folder of its own; its grandparent holds a file its command names.
    const lab = join(tmp, "loose", "labs", "docker-bridge");
    cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
    const metaFile = join(lab, "sim-docker-user-drop.json");
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as { traffic: { command: string[] } };
    const cmd = meta.traffic.command;
    cmd[cmd.indexOf("--ruleset-file") + 1] = "secret.rules";
    writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    rmSync(join(lab, "rulesets", "sim-docker-user-drop.rules"));
    writeFileSync(join(tmp, "loose", "secret.rules"), "*filter\n:FORWARD DROP [0:0]\nCOMMIT\n");
    expect(() => annotateRecorded(lab, "sim-docker-user-drop")).toThrow(
      /sim-docker-user-drop\.log: its command names secret\.rules, which is not in the lab's rulesets\/, and the lab is not in a traces\/ folder/,
    );
  });

  it("through a linked folder inside the repository that leads out of it is refused, not read (a pull request could commit the link)", () => {
    const lab = labNaming("linked", "traces/evil/evil.rules", false);
    const outside = join(tmp, "outside-linked");
    mkdirSync(outside);
    writeFileSync(
      join(outside, "evil.rules"),
      "*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m comment --comment MARKER_OUTSIDE -j DROP\nCOMMIT\n",
    );
    symlinkSync(outside, join(tmp, "linked", "traces", "evil"));
    expect(() => annotateRecorded(lab, "sim-docker-user-drop")).toThrow(
      /its command names traces\/evil\/evil\.rules: .*a symbolic link on its way leads out of/,
    );
  });

  it("named like a built-in object key (constructor, toString) is a ruleset the lab lacks, not a crash", () => {
    const lab = labNaming("proto-keys", "traces/docker-bridge/rulesets/sim-docker-user-drop.rules", true);
    const metaFile = join(lab, "sim-docker-user-drop.json");
    for (const name of ["constructor", "toString", "__proto__"]) {
      const meta = JSON.parse(readFileSync(metaFile, "utf8")) as { ruleset: string };
      meta.ruleset = name;
      writeFileSync(metaFile, JSON.stringify(meta, null, 2));
      expect(readTraceFolder(lab).errors.join("\n")).toMatch(
        new RegExp(`ruleset: '${name}' is not in lab.json's rulesets`),
      );
      // Read as a lab the simulator loads, the trace is annotated from its own ruleset file, without a crash.
      expect(annotateRecorded(lab, "sim-docker-user-drop").trace.packets.length).toBeGreaterThan(0);
    }
  });

  it("missing from the lab's repository is an error, even when the working tree has a file at that path", () => {
    // This repository has the file at that path; the copy's repository does not.
    const lab = labNaming("missing", "traces/docker-bridge/rulesets/sim-docker-user-drop.rules", false);
    expect(() => annotateRecorded(lab, "sim-docker-user-drop")).toThrow(
      /its command names traces\/docker-bridge\/rulesets\/sim-docker-user-drop\.rules: .*missing/,
    );
  });
});
