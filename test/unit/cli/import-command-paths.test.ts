/**
 * `packetwalk import` given a path of the wrong kind: `--log` naming a folder is one error naming
 * the flag (it was a bare "EISDIR: illegal operation on a directory, read"), and `--out` naming a
 * file, or a path under a file, is refused before anything is planned or written (it ended in a
 * stack trace from mkdir, ENOTDIR). Saved files that a Windows editor or PowerShell wrote with a
 * UTF-8 byte-order mark are read without it (ip -j JSON was "not JSON (Unexpected token '﻿')", an
 * invisible character). Recorded fixture: host-capture-container-to-container.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { outFolderProblem, readMaterial, run } from "../../../src/cli/import-command.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = join(import.meta.dirname, "../../fixtures/import/host-capture-container-to-container/input");
const tmp = tempDir("pw-import-paths-");
/** A plain file, where a folder is asked for (made before the tests, in the lazily made folder). */
let file = "";
beforeAll(() => {
  file = join(tmp(), "a-file");
  writeFileSync(file, "");
});

/** Runs import and returns its exit code and standard error. */
async function importWith(args: string[]): Promise<{ code: number; stderr: string }> {
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    const code = await run([
      input,
      "--lab",
      "edge",
      "--container",
      "web=10.77.0.2",
      "--container",
      "db=10.77.0.3",
      "--no-check",
      ...args,
    ]);
    return { code, stderr: err.mock.calls.map((c) => String(c[0])).join("") };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

describe("import's paths", () => {
  it("names --log given a folder", () => {
    expect(() => readMaterial(undefined, { log: tmp() }, () => "")).toThrow(
      `--log ${tmp()}: is a folder, not a file (give the file itself, or the folder as FOLDER)`,
    );
  });

  it("refuses an --out that is a file or under one, before writing", async () => {
    expect(outFolderProblem(file)).toBe(`--out ${file}: is a file, not a folder`);
    expect(outFolderProblem(join(file, "sub"))).toBe(
      `--out ${join(file, "sub")}: ${file} is a file, so no folder can be made under it`,
    );
    expect(outFolderProblem(join(tmp(), "new", "traces"))).toBeUndefined();
    const r = await importWith(["--out", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`packetwalk import: --out ${file}: is a file, not a folder`);
    expect(r.stderr).toContain("hint: give a folder for --out");
  });

  it("still imports into an --out that does not exist yet", async () => {
    const r = await importWith(["--out", join(tmp(), "new", "traces")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("reads saved files with a UTF-8 byte-order mark, and imports them", async () => {
    const folder = join(tmp(), "windows");
    cpSync(input, folder, { recursive: true });
    for (const f of readdirSync(folder))
      if (f !== "kernel.log")
        writeFileSync(join(folder, f), `\uFEFF${readFileSync(join(folder, f), "utf8")}`);
    const m = readMaterial(folder, {}, () => "");
    expect(m.ipAddr?.startsWith("[")).toBe(true);
    expect(m.iptablesSave?.startsWith("\uFEFF")).toBe(false);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const code = await run([
        folder,
        "--lab",
        "edge",
        "--out",
        join(tmp(), "bom-out"),
        "--container",
        "web=10.77.0.2",
        "--container",
        "db=10.77.0.3",
        "--no-check",
      ]);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toBe("");
      expect(code).toBe(0);
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });
});
