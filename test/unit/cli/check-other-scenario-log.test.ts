/**
 * `packetwalk check` on a trace whose log was copied from another scenario (a newcomer's slip): the
 * comparison disagrees everywhere, and a hint says that the log's first packet was not sent by the
 * metadata's `traffic.from`, naming the host that was the sender.
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";

const ROOT = join(import.meta.dirname, "../../..");

describe("check on the log of another scenario", () => {
  it("says who sent the log's first packet and who the metadata says sent it", () => {
    const root = mkdtempSync(join(tmpdir(), "pw-check-other-log-"));
    try {
      const dir = join(root, "docker-bridge");
      cpSync(join(ROOT, "traces/docker-bridge"), dir, { recursive: true });
      copyFileSync(join(dir, "host-to-container.log"), join(dir, "container-to-wan.log"));
      const [result] = checkLab(dir, ["container-to-wan"]);
      expect(result?.ok).toBe(false);
      expect(result?.report).toContain(
        `hint: ${join(dir, "container-to-wan.log")}'s first packet comes from 172.17.0.1 (host), but traffic.from is 'c1' (172.17.0.2): is this the log of another scenario?`,
      );
      // The trace of its own scenario gets no such hint.
      const [own] = checkLab(dir, ["host-to-container"]);
      expect(own?.ok).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
