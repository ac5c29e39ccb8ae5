/**
 * A lab copied from another (a capture renamed into a new folder) must not show the other lab's rules.
 * The build's rule listings cached rulesets under lab.json's `name` and the ruleset's name, so two labs
 * with one name shared them, in both directions (a contributor's REJECT rule appeared on the original
 * lab's pages). Now lab.json's `name` must be its folder's name, and the listings are keyed by folder.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import type { PathStep } from "../../../src/core/render/plan-path.ts";
import { labFolderNameProblem } from "../../../src/core/trace-file/lab-folder-name.ts";
import { figureStrings } from "../../../src/plugin/figure-strings.ts";
import { renderRules } from "../../../src/plugin/render-rules.ts";
import { loadTraces } from "../../../src/plugin/trace-store.ts";

const ROOT = join(import.meta.dirname, "../../..");
const MASQ = "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE";
const OTHER = "-A POSTROUTING -s 172.30.0.0/16 ! -o docker0 -j MASQUERADE";
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x21;|&#33;/g, "!");

describe("a lab copied under another folder", () => {
  it("is refused while lab.json keeps the original's name, at its name, saying what to write", () => {
    const lab = readFileSync(join(ROOT, "traces/docker-bridge/lab.json"), "utf8");
    const line = lab.slice(0, lab.indexOf('"name": "docker-bridge"')).split("\n").length;
    expect(
      labFolderNameProblem("docker-bridge", "docker-user-reject", lab, "traces/docker-user-reject/lab.json"),
    ).toBe(
      `traces/docker-user-reject/lab.json:${line}:11: name: 'docker-bridge' is not the name of the lab's folder 'docker-user-reject': a lab is known by its folder (its pages, the trace index, the rule listings); write "name": "docker-user-reject", or rename the folder`,
    );
    expect(
      labFolderNameProblem("docker-bridge", "docker-bridge", lab, "traces/docker-bridge/lab.json"),
    ).toBeUndefined();
  });

  it("stops the build's trace store, naming lab.json's name, its other traces kept", () => {
    const root = mkdtempSync(join(tmpdir(), "pw-copied-lab-"));
    try {
      mkdirSync(join(root, "traces"));
      cpSync(join(ROOT, "traces/docker-bridge"), join(root, "traces/docker-bridge"), { recursive: true });
      cpSync(join(ROOT, "traces/docker-bridge"), join(root, "traces/docker-user-reject"), {
        recursive: true,
      });
      const store = loadTraces("traces", root);
      expect(store.errors).toEqual([
        expect.stringMatching(
          /^traces\/docker-user-reject\/lab\.json:\d+:11: name: 'docker-bridge' is not the name of the lab's folder 'docker-user-reject'/,
        ),
      ]);
      expect([...store.traces.keys()].some((k) => k.startsWith("docker-user-reject/"))).toBe(false);
      expect(store.traces.has("docker-bridge/container-to-wan")).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("fails `packetwalk check` at lab.json's name too", () => {
    const root = mkdtempSync(join(tmpdir(), "pw-copied-lab-"));
    try {
      const dir = join(root, "docker-user-reject");
      cpSync(join(ROOT, "traces/docker-bridge"), dir, { recursive: true });
      const failed = checkLab(dir, ["container-to-wan"], { folderName: true }).filter((r) => !r.ok);
      expect(failed.map((r) => r.report)).toEqual([
        expect.stringMatching(
          /lab\.json:\d+:11: name: 'docker-bridge' is not the name of the lab's folder 'docker-user-reject'/,
        ),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("lists its own rules, not those of the lab whose name and ruleset name it shares", async () => {
    const store = loadTraces(join(ROOT, "traces"), ROOT);
    const original = store.traces.get("docker-bridge/container-to-wan");
    if (!original?.ruleset) throw new Error("the committed docker-bridge/container-to-wan has no ruleset");
    expect(original.ruleset).toContain(MASQ);
    const copy = {
      ...original,
      name: "docker-user-reject/container-to-wan",
      ruleset: original.ruleset.replace(MASQ, OTHER),
    };
    const step = { event: { hook: "ip:nat:POSTROUTING", source: "log" } } as unknown as PathStep;
    const s = figureStrings("en");
    const first = text(await renderRules(original, step, s, "en"));
    const second = text(await renderRules(copy, step, s, "en"));
    expect(first).toContain("172.17.0.0/16 ! -o docker0 -j MASQUERADE");
    expect(second).toContain("172.30.0.0/16 ! -o docker0 -j MASQUERADE");
    expect(second).not.toContain("172.17.0.0/16 ! -o docker0 -j MASQUERADE");
  });
});
