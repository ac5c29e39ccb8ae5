/**
 * `packetwalk check` on a trace whose log was copied from another scenario (a newcomer's slip): the
 * comparison disagrees everywhere, and a hint says that the log's first packet was not sent by the
 * metadata's `traffic.from`, naming the host that was the sender.
 */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("reads the log's IPv6 source as the metadata's address: a failing IPv6 trace of its own scenario gets no such hint", () => {
    const root = mkdtempSync(join(tmpdir(), "pw-check-other-log-v6-"));
    try {
      const dir = join(root, "dual-stack");
      cpSync(join(ROOT, "traces/dual-stack"), dir, { recursive: true });
      // LOG prints the sender in full (2001:0db8:...), lab.json as written: a lost last line makes the check fail.
      const log = join(dir, "a1-to-wan-v6.log");
      const lines = readFileSync(log, "utf8").trimEnd().split("\n");
      expect(lines[0]).toMatch(/SRC=[0-9a-f]{4}:[0-9a-f]{4}:/);
      writeFileSync(log, `${lines.slice(0, -1).join("\n")}\n`);
      const [result] = checkLab(dir, ["a1-to-wan-v6"]);
      expect(result?.ok).toBe(false);
      expect(result?.report).not.toContain("is this the log of another scenario?");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("takes a loopback source as the sender's own (host -> 127.0.0.1:port, DNATed on): no such hint", () => {
    // The tester's Docker 29 host (userland-proxy off): the host's connect to 127.0.0.1:8080 failed
    // check for route_localnet, and the hint blamed another scenario for a source that is the host's.
    const root = mkdtempSync(join(tmpdir(), "pw-check-other-log-lo-"));
    try {
      const dir = join(root, "docker-bridge");
      cpSync(join(ROOT, "traces/docker-bridge"), dir, { recursive: true });
      const log = join(dir, "host-to-container.log");
      writeFileSync(log, readFileSync(log, "utf8").replaceAll("SRC=172.17.0.1 ", "SRC=127.0.0.1 "));
      const [result] = checkLab(dir, ["host-to-container"]);
      expect(result?.ok).toBe(false);
      expect(result?.report).not.toContain("is this the log of another scenario?");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
