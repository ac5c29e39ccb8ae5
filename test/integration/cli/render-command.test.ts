/**
 * `packetwalk render` as a contributor runs it: Mermaid source on stdout, SVG
 * files through the real browser, and a clear message for a trace that does not exist.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "render", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 180_000,
  });

describe("packetwalk render", () => {
  it("prints the Mermaid source of both directions of a trace", () => {
    const r = cli(["traces/docker-bridge/container-to-wan", "--view", "path"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/flowchart TB/g)).toHaveLength(2);
    expect(r.stdout).toContain("iptables nat POSTROUTING");
  });

  it("writes one themed SVG rendered by Mermaid in the browser, dark under prefers-color-scheme", () => {
    const out = mkdtempSync(join(tmpdir(), "packetwalk-render-"));
    try {
      const r = cli([
        "traces/docker-bridge/container-to-container",
        "--direction",
        "request",
        "--format",
        "svg",
        "--out",
        join(out, "c2c.svg"),
      ]);
      expect(r.status, r.stderr).toBe(0);
      const files = readdirSync(out);
      expect(files.length).toBeGreaterThan(0);
      const svg = readFileSync(join(out, files[0] as string), "utf8");
      expect(svg).toContain("<!-- packet 1 (request) -->");
      expect(svg.match(/<svg [^>]*id="[^"]+"/g)).toHaveLength(1);
      expect(svg).toContain("filter FORWARD");
      // Light colours are the fallbacks of the custom properties; the dark ones follow the system theme.
      expect(svg).toContain("var(--pw-m-mainBkg,#ECECFF)");
      expect(svg).toMatch(/@media \(prefers-color-scheme: dark\)\{#[\w-]+ ?\{[^}]*--pw-m-mainBkg: #1f2020;/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("names the traces that exist when the one asked for does not", () => {
    const r = cli(["traces/docker-bridge/container-to-wann"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("container-to-wan");
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
