/**
 * A problem of a trace folder, as `loadTraces` gives it (`file:line:col: field: message` or
 * `file: message`), the way the build prints it (`file[:line:col]: error: message`) and as an entry
 * of `packetwalk check --lessons --json`, so that the check and the build say the same words.
 */

/** An entry of a JSON report: the file, its line and column when the problem has them, the message. */
export interface TraceFolderProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

const PROBLEM = /^(\S+?)(?::(\d+):(\d+))?:\s(.*)$/s;

/** The line as the build logs it: `traces/x/a.json:3:5: error: scenario: ...`. */
export function formatTraceFolderProblem(problem: string): string {
  return problem.replace(/^(\S+?):\s/, "$1: error: ");
}

/** The line split into its file, position and message. */
export function traceFolderProblemEntry(problem: string): TraceFolderProblem {
  const m = PROBLEM.exec(problem);
  if (!m) return { file: "", message: problem };
  const [, file = "", line, column, message = ""] = m;
  return { file, ...(line && column ? { line: Number(line), column: Number(column) } : {}), message };
}
