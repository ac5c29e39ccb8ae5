/**
 * A capture that shows an interface of a lab with another MAC (import's {@link macQuestions}), on
 * the committed docker-bridge lab: c2's eth0 is 02:42:ac:11:00:03 in its lab.json and in the
 * traces between the containers, recorded and simulated. Before, an import kept lab.json's MAC and
 * said nothing; now the traces that still show it are named, the simulated ones as such.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { macsIn } from "../../../src/core/import/anonymize.ts";
import { macChanges, macQuestions } from "../../../src/core/import/plan-import.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import type { LabHost } from "../../../src/core/trace-file/schema.ts";

const folder = readTraceFolder(join(import.meta.dirname, "../../../traces/docker-bridge"));
const lab = folder.lab;
if (!lab) throw new Error(folder.errors.join("\n"));
const existing = {
  lab,
  rulesets: folder.rulesets,
  stems: folder.traces.map((t) => t.stem),
  traces: folder.traces.map((t) => ({ stem: t.stem, text: t.text, origin: t.meta.origin })),
};
/** The lab's hosts as a capture with c2 re-created would show them. */
const found: LabHost[] = lab.hosts.map((h) =>
  h.name !== "c2"
    ? h
    : {
        ...h,
        interfaces: h.interfaces.map((i) => (i.name === "eth0" ? { ...i, mac: "02:42:ac:11:00:33" } : i)),
      },
);
/** The traces showing c2's MAC (grep -l 02:42:ac:11:00:03 traces/docker-bridge/*.log). */
const SHOWING = [
  "container-to-container",
  "container-to-container-docker27",
  "container-to-container-nobrnf",
  "container-to-container-nobrnf-docker27",
  "sim-icc-false",
  "sim-icc-false-nobrnf",
];

describe("macQuestions", () => {
  it("finds the interface whose MAC changed, and only it", () => {
    expect(macChanges(lab.hosts, found)).toEqual([
      { host: "c2", iface: "eth0", was: "02:42:ac:11:00:03", now: "02:42:ac:11:00:33" },
    ]);
    expect(macChanges(lab.hosts, lab.hosts)).toEqual([]);
    // A MAC written in capitals is the same MAC.
    const upper = lab.hosts.map((h) => ({
      ...h,
      interfaces: h.interfaces.map((i) => (i.mac ? { ...i, mac: i.mac.toUpperCase() } : i)),
    }));
    expect(macChanges(lab.hosts, upper)).toEqual([]);
  });

  it("reads the MACs of a LOG MAC= field", () => {
    const log = folder.traces.find((t) => t.stem === "container-to-container")?.text ?? "";
    expect(macsIn(log)).toEqual(new Set(["02:42:ac:11:00:02", "02:42:ac:11:00:03"]));
  });

  it("names every trace kept that shows the old MAC, simulated ones as such", () => {
    const replaced = ["container-to-container", "container-to-container-docker27"];
    const kept = SHOWING.filter((s) => !replaced.includes(s)).map((s) =>
      s.startsWith("sim-") ? `${s} (simulated)` : s,
    );
    expect(macQuestions(existing, found, replaced, true)).toEqual([
      `c2/eth0: this capture shows the MAC 02:42:ac:11:00:33, lab.json has 02:42:ac:11:00:03, and the lab's traces ${kept.join(", ")}, which this import does not replace, show 02:42:ac:11:00:03: with 02:42:ac:11:00:33 in lab.json they would disagree with it; if this capture supersedes them, remove their .log and .json first (and record or simulate them again after this import), or import this capture into a new --lab`,
    ]);
    // Every trace showing it replaced: nothing to ask, lab.json takes the new MAC.
    expect(macQuestions(existing, found, SHOWING, true)).toEqual([]);
    // Without --replace the new MAC itself is the question.
    expect(macQuestions(existing, found, SHOWING, false)).toHaveLength(1);
    expect(macQuestions(existing, lab.hosts, [], false)).toEqual([]);
  });
});
