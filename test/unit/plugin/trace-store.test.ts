/**
 * The trace store publishes only files committed in the repository: a symbolic
 * link (out of traces/, dangling, a loop) is an error naming the path, never
 * followed; an oversized log is refused with a way to select a packet; a
 * trace naming a host its lab lacks is an error, not a silently dropped trace.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadTraces, maxTraceBytes } from "../../../src/plugin/trace-store.ts";

const LAB = join(import.meta.dirname, "../../../traces/docker-bridge");
let cwd: string;
let lab: string;

/** A copy of one real trace (container-to-wan) and its lab in a fresh folder. */
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "pw-store-"));
  lab = join(cwd, "traces", "docker-bridge");
  mkdirSync(join(lab, "rulesets"), { recursive: true });
  for (const f of ["lab.json", "container-to-wan.json", "container-to-wan.log"])
    copyFileSync(join(LAB, f), join(lab, f));
  for (const r of readdirSync(join(LAB, "rulesets")))
    copyFileSync(join(LAB, "rulesets", r), join(lab, "rulesets", r));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe("loadTraces", () => {
  it("reads a clean lab without errors", () => {
    const store = loadTraces("traces", cwd);
    expect(store.errors).toEqual([]);
    expect([...store.traces.keys()]).toEqual(["docker-bridge/container-to-wan"]);
  });

  it("refuses a log that is a symbolic link out of the repository, and does not read it", () => {
    const secret = join(cwd, "secret.log");
    writeFileSync(secret, "TOP SECRET kernel log\n");
    copyFileSync(join(LAB, "container-to-wan.json"), join(lab, "leak.json"));
    writeFileSync(
      join(lab, "leak.json"),
      readFileSync(join(lab, "leak.json"), "utf8").replace('"container-to-wan"', '"leak"'),
    );
    symlinkSync(secret, join(lab, "leak.log"));
    const store = loadTraces("traces", cwd);
    expect(store.errors).toEqual([
      "traces/docker-bridge/leak.log: is a symbolic link; traces, labs and rulesets must be files committed in the repository (copy the file's content instead of linking it)",
    ]);
    expect(store.traces.has("docker-bridge/leak")).toBe(false);
    expect(JSON.stringify([...store.traces.values()])).not.toContain("TOP SECRET");
  });

  it("refuses a committed log that is UTF-16 or gzip, saying how to commit text, and shows nothing of it", () => {
    const text = readFileSync(join(lab, "container-to-wan.log"), "utf8");
    const cases: [Buffer, string][] = [
      [
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
        "traces/docker-bridge/container-to-wan.log:1:1: expected UTF-8 text, found UTF-16 text; save it as UTF-8 (iconv -f UTF-16 -t UTF-8 traces/docker-bridge/container-to-wan.log), or let `npx packetwalk import` write the lab folder",
      ],
      [
        gzipSync(text),
        "traces/docker-bridge/container-to-wan.log:1:1: expected UTF-8 text, found gzip-compressed data; commit the text (gzip -dc traces/docker-bridge/container-to-wan.log), or let `npx packetwalk import` write the lab folder",
      ],
    ];
    for (const [bytes, error] of cases) {
      writeFileSync(join(lab, "container-to-wan.log"), bytes);
      const store = loadTraces("traces", cwd);
      expect(store.errors).toEqual([error]);
      expect(store.traces.has("docker-bridge/container-to-wan")).toBe(false);
    }
  });

  it("names an empty committed log (or one of blank lines, a Windows editor's CRLF) instead of a disagreement", () => {
    for (const empty of ["", "\r\n\r\n"]) {
      writeFileSync(join(lab, "container-to-wan.log"), empty);
      const store = loadTraces("traces", cwd);
      expect(store.errors).toEqual([
        "traces/docker-bridge/container-to-wan.log:1:1: the log is empty: expected the kernel log lines of container-to-wan (re-run packetwalk import, or remove container-to-wan.json with it)",
      ]);
      expect(store.traces.has("docker-bridge/container-to-wan")).toBe(false);
    }
  });

  it("reports a dangling link and a link loop instead of throwing", () => {
    symlinkSync(join(cwd, "nowhere.log"), join(lab, "dangling.log"));
    symlinkSync(join(lab, "loop-b.log"), join(lab, "loop-a.log"));
    symlinkSync(join(lab, "loop-a.log"), join(lab, "loop-b.log"));
    const store = loadTraces("traces", cwd);
    expect(store.errors).toHaveLength(3);
    for (const name of ["dangling.log", "loop-a.log", "loop-b.log"]) {
      expect(store.errors.some((e) => e.startsWith(`traces/docker-bridge/${name}: is a symbolic link`))).toBe(
        true,
      );
    }
  });

  it("refuses a symlinked lab folder, ruleset or lab.json", () => {
    symlinkSync(lab, join(cwd, "traces", "mirror"));
    rmSync(join(lab, "rulesets", "docker-28.rules"));
    symlinkSync("/etc/hostname", join(lab, "rulesets", "docker-28.rules"));
    const store = loadTraces("traces", cwd);
    expect(store.errors).toContain(
      "traces/mirror: is a symbolic link; traces, labs and rulesets must be files committed in the repository (copy the file's content instead of linking it)",
    );
    expect(
      store.errors.some((e) =>
        e.startsWith("traces/docker-bridge/rulesets/docker-28.rules: is a symbolic link"),
      ),
    ).toBe(true);
    expect(store.traces.get("docker-bridge/container-to-wan")?.ruleset).toBeUndefined();
  });

  it("refuses a log larger than the limit, saying how to keep only the packets shown", () => {
    const previous = process.env.PACKETWALK_MAX_TRACE_BYTES;
    process.env.PACKETWALK_MAX_TRACE_BYTES = "1024";
    try {
      const store = loadTraces("traces", cwd);
      expect(store.traces.size).toBe(0);
      expect(store.errors).toHaveLength(1);
      expect(store.errors[0]).toMatch(
        /^traces\/docker-bridge\/container-to-wan\.log: is \d+\.\d KiB; a trace shown on the site may be at most 1\.0 KiB \(PACKETWALK_MAX_TRACE_BYTES raises it\)/,
      );
      expect(store.errors[0]).toContain("npx packetwalk parse");
    } finally {
      if (previous === undefined) delete process.env.PACKETWALK_MAX_TRACE_BYTES;
      else process.env.PACKETWALK_MAX_TRACE_BYTES = previous;
    }
  });

  it("reports a trace whose host is missing from lab.json", () => {
    const labJson = JSON.parse(readFileSync(join(lab, "lab.json"), "utf8"));
    labJson.hosts = labJson.hosts.filter((h: { name: string }) => h.name !== "c1");
    // The link to c1 goes with it: a peer naming a missing interface is an error of lab.json itself.
    for (const h of labJson.hosts as { interfaces: { peer?: string }[] }[])
      for (const i of h.interfaces) if (i.peer?.startsWith("c1/")) delete i.peer;
    writeFileSync(join(lab, "lab.json"), JSON.stringify(labJson, null, 2));
    const store = loadTraces("traces", cwd);
    expect(store.errors.join("\n")).not.toContain("lab.json:");
    expect(store.errors.join("\n")).toContain(
      "traces/docker-bridge/container-to-wan.json:9:13: traffic.from: 'c1' is not a host of lab.json (host, c2, wan)",
    );
  });
});

describe("ruleset pins", () => {
  it("fails a recorded trace whose ruleset was edited after the recording, naming both and what to do", () => {
    const path = join(lab, "rulesets", "docker-28.rules");
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("-A DOCKER-CT -o docker0", "-A DOCKER-CT -o docker1"),
    );
    const errors = loadTraces("traces", cwd).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^traces\/docker-bridge\/container-to-wan\.json:\d+:\d+: rulesetPins\.docker-28: rulesets\/docker-28\.rules changed since this trace was recorded/,
    );
    expect(errors[0]).toContain("packetwalk capture --lab docker-bridge");
    expect(errors[0]).toContain("packetwalk simulate --write");
  });

  it("fails a recorded trace that pins nothing", () => {
    const path = join(lab, "container-to-wan.json");
    const meta = JSON.parse(readFileSync(path, "utf8"));
    delete meta.rulesetPins;
    writeFileSync(path, JSON.stringify(meta, null, 2));
    expect(loadTraces("traces", cwd).errors[0]).toMatch(/container-to-wan\.json: rulesetPins: missing/);
  });
});

describe("maxTraceBytes", () => {
  it("defaults to 4 MiB and reads PACKETWALK_MAX_TRACE_BYTES", () => {
    expect(maxTraceBytes({})).toBe(4 * 1024 * 1024);
    expect(maxTraceBytes({ PACKETWALK_MAX_TRACE_BYTES: "2048" })).toBe(2048);
    expect(maxTraceBytes({ PACKETWALK_MAX_TRACE_BYTES: "banana" })).toBe(4 * 1024 * 1024);
  });
});
