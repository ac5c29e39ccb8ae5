/**
 * `packetwalk check` on a recorded trace whose log holds no netfilter line (a newcomer's wrong file):
 * it says that, at the log, with what it read and where to look, instead of "count differ (no IP
 * packet in the trace)", which reads as a simulator disagreement.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";

const ROOT = join(import.meta.dirname, "../../..");

describe("check on a log without netfilter lines", () => {
  it("names the log and what it lacks", () => {
    const root = mkdtempSync(join(tmpdir(), "pw-check-empty-log-"));
    try {
      const dir = join(root, "two-networks");
      cpSync(join(ROOT, "traces/two-networks"), dir, { recursive: true });
      writeFileSync(join(dir, "b1-to-a1.log"), "Dec  3 10:00:00 host systemd[1]: Started a unit.\nhello\n");
      const [result] = checkLab(dir, ["b1-to-a1"]);
      expect(result?.ok).toBe(false);
      expect(result?.report).toContain(
        `${join(dir, "b1-to-a1.log")}:1:1: error: no netfilter packet in this recorded trace (2 other lines)`,
      );
      expect(result?.report).toContain(`packetwalk parse ${join(dir, "b1-to-a1.log")}`);
      expect(result?.report).not.toContain("count differ");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
