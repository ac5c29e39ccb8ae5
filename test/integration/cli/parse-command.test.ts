/**
 * `packetwalk` as a pipeline stage: a reader that closes the pipe early ends
 * the command quietly (exit 141, no stack trace), on one thread and on
 * several; an over-long line and a cut line are reported at their line and
 * make `--strict` fail.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSED_OUTPUT_EXIT } from "../../../src/cli/closed-output.ts";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");
const fixture = readFileSync(join(root, "test/fixtures/parse/real-wan-to-published-port/input.log"), "utf8");
let dir = "";
let many = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-parse-cli-"));
  many = join(dir, "many.log");
  // About 2 MB of output: far more than a pipe holds, so the writer meets the closed pipe.
  writeFileSync(many, fixture.repeat(200));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs packetwalk with `args`, closes its standard output after the first chunk; its exit and stderr. */
function headOne(
  args: string[],
): Promise<{ code: number | null; signal: string | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let first = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.stdout.once("data", (d: Buffer) => {
      first = d.toString("utf8").split("\n")[0] as string;
      child.stdout.destroy();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr, first }));
  });
}

describe("a closed standard output", () => {
  for (const [name, args] of [
    ["parse", () => ["parse", many]],
    ["parse --json", () => ["parse", "--json", many]],
    ["parse on two threads", () => ["parse", "--jobs", "2", "--segment-bytes", "65536", many]],
  ] as const) {
    it(`${name}: ends quietly with exit ${CLOSED_OUTPUT_EXIT}`, async () => {
      const r = await headOne(args());
      expect(r.first).toMatch(/^(#1 |\{"packet":1,)/);
      expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.ts:\d+/);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(CLOSED_OUTPUT_EXIT);
    });
  }
});

describe("a closed standard output while a command holds state to tear down", () => {
  it("drops the rest of the output and lets the command run to its end (its cleanup runs)", async () => {
    const marker = join(dir, "finished.txt");
    const script = join(dir, "teardown.mts");
    writeFileSync(
      script,
      [
        `import { writeFileSync } from "node:fs";`,
        `import { handleClosedOutput, outputClosed } from ${JSON.stringify(join(root, "src/cli/closed-output.ts"))};`,
        "handleClosedOutput();",
        // As the capture lab does while its namespaces exist.
        `process.on("SIGTERM", () => {});`,
        `for (let i = 0; i < 3000; i++) {`,
        `  process.stdout.write("x".repeat(1000) + "\\n");`,
        "  await new Promise((r) => setImmediate(r));",
        "}",
        `writeFileSync(${JSON.stringify(marker)}, String(outputClosed()));`,
        "process.exit(0);",
      ].join("\n"),
    );
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
      });
      child.stdout.once("data", () => child.stdout.destroy());
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe("true");
  });
});

describe("problems that --strict turns into a failure", () => {
  const parse = (args: string[]) =>
    spawnSync(process.execPath, [bin, "parse", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

  it("an over-long line: one error at its line, the rest parsed, exit 0 (1 with --strict)", () => {
    const file = join(dir, "long.log");
    const lines = fixture.split("\n");
    writeFileSync(file, [...lines.slice(0, 3), "x".repeat(3 << 20), ...lines.slice(3)].join("\n"));
    const r = parse([file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      `${file}:4:1: error: line is ${3 << 20} bytes long, over the limit of 1048576 bytes: skipped unread`,
    );
    expect(r.stderr.match(/over the limit/g)).toHaveLength(1);
    expect(parse(["--strict", file]).status).toBe(1);
    // A higher limit reads it (as an ordinary non-netfilter line).
    const raised = parse(["--strict", "--max-line-bytes", String(4 << 20), file]);
    expect(raised.stderr).not.toContain("over the limit");
    expect(raised.status).toBe(0);
  });

  it("an over-long line in a file parsed on several threads: the same single error and output", () => {
    const file = join(dir, "long-parallel.log");
    const lines = fixture.repeat(60).split("\n");
    lines.splice(1500, 0, "x".repeat(3 << 20));
    writeFileSync(file, lines.join("\n"));
    const one = parse(["--jobs", "1", file]);
    const two = parse(["--jobs", "2", "--segment-bytes", "65536", file]);
    expect(one.stderr).toContain(`${file}:1501:1: error: line is ${3 << 20} bytes long`);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
  });

  it("a cut line: a diagnostic at its line, exit 1 with --strict", () => {
    const file = join(dir, "cut.log");
    const lines = fixture.split("\n");
    const cut = lines[2] as string;
    lines[2] = cut.slice(0, cut.indexOf("PROTO=") + "PROTO=".length);
    writeFileSync(file, lines.join("\n"));
    const r = parse([file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${file}:3:\\d+: error: expected a protocol after PROTO=`));
    expect(parse(["--strict", file]).status).toBe(1);
  });
});
