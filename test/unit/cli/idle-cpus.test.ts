/**
 * The default number of threads of a big file's parse: the CPUs the load leaves free, so that a busy
 * machine is not made slower by a second thread, and an idle one uses its cores (at most 8).
 */
import { describe, expect, it } from "vitest";
import { idleCpus, MAX_DEFAULT_JOBS } from "../../../src/cli/idle-cpus.ts";

describe("idleCpus", () => {
  it("gives an idle machine all its CPUs, up to the most a default parse starts", () => {
    expect(idleCpus(2, 0.1)).toBe(2);
    expect(idleCpus(4, 0)).toBe(4);
    expect(idleCpus(64, 0.5)).toBe(MAX_DEFAULT_JOBS);
  });

  it("gives a busy machine one thread, and a half-busy one what is left", () => {
    expect(idleCpus(2, 3.7)).toBe(1);
    expect(idleCpus(2, 1)).toBe(1);
    expect(idleCpus(8, 4.2)).toBe(4);
  });

  it("reads this machine when not told", () => {
    const n = idleCpus();
    expect(Number.isInteger(n)).toBe(true);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(MAX_DEFAULT_JOBS);
  });
});
