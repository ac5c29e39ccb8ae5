/**
 * The figures' annotated parse is cached by what it reads: the trace and its metadata, and the lab's
 * lab.json and rulesets. Editing a what-if ruleset in `npm run dev` marks its rules anew instead of
 * showing the old verdicts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { parseForFigure } from "../../../src/plugin/render-trace-figure.ts";
import type { StoredTrace } from "../../../src/plugin/trace-store.ts";

const root = join(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "pw-figure-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the figures' annotated parse", () => {
  it("follows an edit of the lab's what-if ruleset", () => {
    const lab = join(tmp, "traces", "docker-bridge");
    cpSync(join(root, "traces/docker-bridge"), lab, { recursive: true });
    const stored = (): StoredTrace => {
      const folder = readTraceFolder(lab);
      const t = folder.traces.find((x) => x.stem === "sim-docker-user-drop");
      if (!t || !folder.lab) throw new Error("no trace");
      return {
        name: "docker-bridge/sim-docker-user-drop",
        lab: folder.lab,
        meta: t.meta,
        text: t.text,
        logPath: t.logPath,
        prefixMap: t.prefixMap,
      };
    };
    const lastVerdict = (t: StoredTrace) =>
      parseForFigure(t).packets[0]?.events.at(-1)?.matched?.at(-1)?.verdict;
    expect(lastVerdict(stored())).toBe("DROP");
    // The admin's rule now accepts: the same trace text, another ruleset.
    const file = join(lab, "rulesets", "sim-docker-user-drop.rules");
    writeFileSync(file, readFileSync(file, "utf8").replace("--dport 80 -j DROP", "--dport 80 -j ACCEPT"));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(lastVerdict(stored())).not.toBe("DROP");
  });
});
