/**
 * The `packetwalk` command line: a thin dispatcher to one module per command
 * (`src/cli/<command>-command.ts`), each exporting `run(argv): Promise<number>`.
 */

import { CLOSED_OUTPUT_EXIT, handleClosedOutput, outputClosed } from "./closed-output.ts";

/** A command module's shape. */
export interface CommandModule {
  /** One line for `packetwalk --help`. */
  summary: string;
  /** Runs the command with its own arguments; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** The commands, loaded lazily so that `packetwalk parse` never loads the browser or the capture code. */
export const COMMANDS = {
  parse: () => import("./parse-command.ts"),
  capture: () => import("./capture-command.ts"),
  render: () => import("./render-command.ts"),
  simulate: () => import("./simulate-command.ts"),
  check: () => import("./check-command.ts"),
  diff: () => import("./diff-command.ts"),
  import: () => import("./import-command.ts"),
} as const satisfies Record<string, () => Promise<CommandModule>>;

/** A command name. */
export type CommandName = keyof typeof COMMANDS;

function usage(): string {
  return [
    "usage: packetwalk <command> [options]",
    "",
    "commands:",
    "  parse     read kernel log / TRACE output into packets and directions",
    "  capture   record traces from the real kernel in a namespace lab",
    "  render    turn a trace into Mermaid source, a standalone SVG or a PNG",
    "  simulate  predict a packet's path from a lab's topology and ruleset",
    "  check     compare every recorded trace with the simulator (--lessons: check lessons as the build does)",
    "  diff      what changed in every trace between two git revisions or two folders",
    "  import    turn a kernel log and the host's saves into a lab folder",
    "",
    "Run `packetwalk <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  handleClosedOutput();
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`packetwalk: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  const mod: CommandModule = await COMMANDS[name as CommandName]();
  const code = await mod.run(rest);
  // A command that ran to its end after its reader went away (see `handleClosedOutput`) says so, as `cat` would.
  return code === 0 && outputClosed() ? CLOSED_OUTPUT_EXIT : code;
}
