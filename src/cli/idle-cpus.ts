/**
 * How many threads a parse of one big file gets by default: the CPUs not busy right now. A second
 * thread costs more CPU time than it saves when the machine's cores are taken (measured on a 2-core
 * machine: `--jobs 2` took 1.6-1.9x the wall time of `--jobs 1` at a load of 3.7, about 0.75x idle),
 * so a busy machine parses on one thread, and an idle one on all of its CPUs.
 */
import { availableParallelism, loadavg } from "node:os";

/** The most threads a default parse starts (past this, merging the pieces costs more than they save). */
export const MAX_DEFAULT_JOBS = 8;

/**
 * The CPUs less the 1-minute load average, rounded, from 1 to {@link MAX_DEFAULT_JOBS}. `cpus` and
 * `load` default to this machine's (`os.availableParallelism()`, `os.loadavg()[0]`; 0 where the
 * system keeps none).
 */
export function idleCpus(cpus: number = availableParallelism(), load: number = loadavg()[0] ?? 0): number {
  return Math.min(MAX_DEFAULT_JOBS, Math.max(1, Math.round(cpus - load)));
}
