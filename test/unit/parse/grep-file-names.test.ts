/**
 * What `grep -H` (or grep over several files, zgrep) prints: each line after its file's name and a
 * colon, `-n` adding the line number (`/var/log/kern.log.1:123:Jan 12 ...`). The name is part of the
 * envelope: the line reads as the saved one does, its columns in the line as pasted. Before, the name
 * hid the syslog envelope and the whole head was read as the LOG prefix (`unknown LOG prefix
 * '/var/log/kern.log.1:Jan 12 10:00:01 host kernel: [44250.055350] [UFW BLOCK]'`). The record is
 * real (fixture real-ufw-drops: kernel 6.18, ufw's `[UFW BLOCK]` for a TCP SYN to port 23), in the
 * syslog envelope rsyslog writes to /var/log/kern.log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectEnvelope, parseTraceText } from "../../../src/core/parse/index.ts";

const BLOCK = (
  readFileSync(join(import.meta.dirname, "../../fixtures/parse/real-ufw-drops/input.log"), "utf8").split(
    "\n",
  )[3] as string
).replace(/^\[[^\]]*\] /, "");
const SYSLOG = `Jan 12 10:00:01 host kernel: [44250.055371] ${BLOCK}`;

describe("lines grep printed with their file's name", () => {
  it.each([
    ["grep -H", "/var/log/kern.log.1:"],
    ["grep -H -n", "/var/log/kern.log:123:"],
    ["a relative name", "kern.log:"],
    ["zgrep over a rotated file", "/var/log/kern.log.2.gz:"],
  ])("reads a line of %s as the syslog line after the name", (_, name) => {
    const line = `${name}${SYSLOG}`;
    const env = detectEnvelope(line);
    expect(env.kind).toBe(detectEnvelope(SYSLOG).kind);
    expect(env.time).toBe(detectEnvelope(SYSLOG).time);
    expect(line.slice(env.bodyStart)).toBe(BLOCK);
    expect(line.slice(env.hostAt, line.indexOf(" ", env.hostAt))).toBe("host");
    const r = parseTraceText(`${line}\n`, { file: "grep.txt" });
    expect(r.diagnostics).toEqual([]);
    const ev = r.packets[0]?.events[0];
    expect([ev?.prefix, ev?.hook, ev?.host, ev?.position.column]).toEqual([
      "[UFW BLOCK] ",
      "ip:filter:INPUT",
      "host",
      line.indexOf("[UFW BLOCK]") + 1,
    ]);
  });

  it("keeps a problem's column in the line as pasted", () => {
    const line = `/var/log/kern.log:7:${SYSLOG.replace("TTL=64", "TTL=640")}`;
    const r = parseTraceText(`${line}\n`);
    expect(r.diagnostics.map((d) => [d.position.column, d.message])).toEqual([
      [line.indexOf("TTL=640") + 5, "expected a number from 0 to 255 after TTL=, found '640'"],
    ]);
  });

  it("leaves a bare line's own prefix ending in a colon as its prefix", () => {
    // No envelope follows `fw-drop:`: a LOG prefix, not a file's name.
    const r = parseTraceText(`fw-drop:${BLOCK.slice(BLOCK.indexOf("IN="))}\n`, {
      prefixMap: { "fw-drop:": "ip:filter:INPUT" },
    });
    expect(r.packets[0]?.events[0]?.prefix).toBe("fw-drop:");
  });
});
