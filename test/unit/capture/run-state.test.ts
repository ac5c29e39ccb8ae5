import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  claimRun,
  RunConflictError,
  type RunState,
  readRunState,
  releaseRun,
  salvageRunState,
  serializeRunState,
  statePath,
  updateRun,
} from "../../../src/capture/run-state.ts";

const FULL: RunState = {
  runId: "ab",
  pid: 4242,
  startedAt: "2026-01-01T00:00:00.000Z",
  createdDirs: ["/run/packetwalk"],
  netnsDir: "absent",
  sysctl: { path: "/proc/sys/net/netfilter/nf_log_all_netns", previous: "0", wrote: "1" },
  hostRules: {
    comment: "pw-ab",
    netns: "pw-h0-host",
    ip6tables: true,
    ebtables: [["ebtables", "-t", "filter", "-D", "FORWARD", "--log-prefix", 'a "]quoted[" one']],
    nftBefore: ["ip filter", "ip filter INPUT"],
  },
  namespaces: ["pw-ab-host", "pw-ab-c1", "pw-ab-c2", "pw-ab-wan"],
};

describe("the state file's text", () => {
  it("puts the namespaces last, after every other fact", () => {
    const text = serializeRunState({ ...FULL, namespaces: FULL.namespaces });
    const keys = Object.keys(JSON.parse(text));
    expect(keys).toEqual([
      "runId",
      "pid",
      "startedAt",
      "createdDirs",
      "netnsDir",
      "sysctl",
      "hostRules",
      "namespaces",
    ]);
    expect(JSON.parse(text)).toEqual(FULL);
  });

  it("salvages from every cut exactly the fields that are whole, and never a wrong value", () => {
    const text = serializeRunState(FULL);
    for (let cut = 0; cut <= text.length; cut++) {
      const salvaged = salvageRunState(text.slice(0, cut));
      for (const [key, value] of Object.entries(salvaged)) {
        expect(value, `cut at ${cut}: ${key}`).toEqual(FULL[key as keyof RunState]);
      }
      // A field whose closing character survived the cut is always recovered.
      const sysctlEnd = text.indexOf("}", text.indexOf('"sysctl"'));
      if (cut > sysctlEnd) expect(salvaged.sysctl, `cut at ${cut}`).toEqual(FULL.sysctl);
      else expect(salvaged.sysctl, `cut at ${cut}`).toBeUndefined();
      const hostEnd = text.indexOf("  },", text.indexOf('"hostRules"')) + 2;
      if (cut > hostEnd) expect(salvaged.hostRules, `cut at ${cut}`).toEqual(FULL.hostRules);
      else expect(salvaged.hostRules, `cut at ${cut}`).toBeUndefined();
    }
  });

  it("salvages nothing from text that is not a state file", () => {
    expect(salvageRunState("")).toEqual({});
    expect(salvageRunState('"sysctl": {"path": 3}')).toEqual({});
    expect(salvageRunState("\u0000\u0001garbage")).toEqual({});
  });
});

describe("reading, claiming and releasing the state file", () => {
  let dir: string;
  const saved = process.env.PACKETWALK_STATE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "packetwalk-state-"));
    process.env.PACKETWALK_STATE_DIR = join(dir, "nested/state");
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PACKETWALK_STATE_DIR;
    else process.env.PACKETWALK_STATE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const state = (): RunState => ({
    runId: "cd",
    pid: process.pid,
    startedAt: "now",
    namespaces: ["pw-cd-host"],
  });

  it("claims once, records the folders it made, and removes exactly those", () => {
    const mine = state();
    claimRun(mine);
    expect(mine.createdDirs).toEqual([join(dir, "nested"), join(dir, "nested/state")]);
    expect(readRunState()).toEqual({ kind: "ok", state: mine });
    // No temporary file stays beside it.
    expect(readdirSync(join(dir, "nested/state"))).toEqual(["capture.json"]);
    const error = (() => {
      try {
        claimRun(state());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RunConflictError);
    expect((error as RunConflictError).stale).toBe(false);
    releaseRun(mine.createdDirs);
    expect(existsSync(join(dir, "nested"))).toBe(false);
    expect(existsSync(dir)).toBe(true);
  });

  it("keeps a folder the run made when someone else's file is in it", () => {
    const mine = state();
    claimRun(mine);
    writeFileSync(join(dir, "nested/other"), "");
    releaseRun(mine.createdDirs);
    expect(existsSync(statePath())).toBe(false);
    expect(readdirSync(join(dir, "nested"))).toEqual(["other"]);
  });

  it("rewrites atomically and reads back every field", () => {
    const mine = state();
    claimRun(mine);
    mine.sysctl = { path: "/x", previous: "0", wrote: "1" };
    mine.netnsDir = "unmounted";
    updateRun(mine);
    expect(readRunState()).toEqual({ kind: "ok", state: mine });
    expect(readdirSync(join(dir, "nested/state"))).toEqual(["capture.json"]);
  });

  it("calls a state file of a dead process stale, and reads an old file without 'wrote' as 1", () => {
    claimRun(state());
    writeFileSync(
      statePath(),
      JSON.stringify({
        runId: "ef",
        pid: 2 ** 22 + 1,
        startedAt: "x",
        namespaces: [],
        sysctl: { path: "/x", previous: "0" },
      }),
    );
    const found = readRunState();
    expect(found.kind === "ok" && found.state.sysctl).toEqual({ path: "/x", previous: "0", wrote: "1" });
    try {
      claimRun(state());
      expect.unreachable();
    } catch (error) {
      expect((error as RunConflictError).stale).toBe(true);
      expect((error as RunConflictError).message).toContain("run ef, pid 4194305");
    }
  });

  it("reports an empty, cut-short or ill-typed file as damaged, with what it could salvage", () => {
    claimRun(state());
    writeFileSync(statePath(), "");
    expect(readRunState()).toMatchObject({ kind: "damaged", reason: `${statePath()}: empty`, salvaged: {} });
    const text = serializeRunState(FULL);
    writeFileSync(statePath(), text.slice(0, text.indexOf('"namespaces"') + 5));
    const cut = readRunState();
    expect(cut.kind).toBe("damaged");
    if (cut.kind !== "damaged") return;
    expect(cut.reason).toMatch(new RegExp(`^${statePath()}:\\d+:\\d+: invalid JSON`));
    const { startedAt: _, namespaces: __, ...whole } = FULL;
    expect(cut.salvaged).toEqual(whole);
    writeFileSync(statePath(), JSON.stringify({ ...FULL, pid: "many" }));
    const typed = readRunState();
    expect(typed.kind === "damaged" && typed.reason).toBe(
      `${statePath()}: pid: Invalid input: expected number, received string`,
    );
    expect(readFileSync(statePath(), "utf8")).toContain('"many"');
  });
});
