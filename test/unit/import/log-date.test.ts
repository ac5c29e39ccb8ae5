/**
 * Without `--date`, an imported trace is dated by its log's own timestamps when they carry a date
 * (journal JSON, ISO or RFC 5424 stamps, `dmesg -T`); it used to be dated the day of the import,
 * however long after the capture that was. Uptime and year-less stamps still give today, and
 * `--date` wins. Recorded fixture: host-capture-container-to-container, rewritten as journal JSON.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { logDate } from "../../../src/core/import/log-date.ts";
import { type ImportPlan, planImport } from "../../../src/core/import/plan-import.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const input = join(import.meta.dirname, "../../fixtures/import/host-capture-container-to-container/input");
const material = readMaterial(input, {}, () => "");
const dmesg = readFileSync(join(input, "kernel.log"), "utf8");
/** The same lines as `journalctl -k -o json` prints them, recorded on 2025-06-01 at 23:59:58 UTC. */
const journal = dmesg
  .split("\n")
  .filter(Boolean)
  .map((line, i) =>
    JSON.stringify({
      _TRANSPORT: "kernel",
      _HOSTNAME: "edge",
      __REALTIME_TIMESTAMP: String(1748822398000000 + i * 1000),
      MESSAGE: line.replace(/^\[\s*[\d.]+\] /, ""),
    }),
  )
  .join("\n");

function plan(log: string, date?: string): ImportPlan {
  return planImport(
    { ...material, log },
    {
      lab: "edge",
      ...(date ? { date } : {}),
      containers: ["web=10.77.0.2", "db=10.77.0.3"].map((c) => parseNamedAddress(c, "--container")),
      peers: [],
    },
  );
}

const dates = (p: ImportPlan) => [...new Set(p.scenarios.map((s) => s.meta.environment?.date))];

describe("the recording's date", () => {
  it("is the UTC day of the first timestamp that carries one", () => {
    expect(logDate(parseTraceText(journal, { file: "j.log" }).packets)).toBe("2025-06-01");
    const p = plan(journal);
    expect(p.questions).toEqual([]);
    expect(dates(p)).toEqual(["2025-06-01"]);
    expect(p.notes).toContain(
      "recorded on 2025-06-01 (UTC), the day of the log's first timestamp: give --date to say otherwise",
    );
  });

  it("is today for uptime stamps, and --date when given", () => {
    expect(logDate(parseTraceText(dmesg, { file: "k.log" }).packets)).toBeUndefined();
    expect(dates(plan(dmesg))).toEqual([new Date().toISOString().slice(0, 10)]);
    expect(dates(plan(journal, "2025-05-31"))).toEqual(["2025-05-31"]);
  });
});
