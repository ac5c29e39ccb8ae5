/**
 * Reads a command's flags and positional arguments the one way every `packetwalk` command does:
 * a bad flag fails with the command's own error format and a hint to `--help`, and `--help`
 * prints the usage and ends the command with 0.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** The values of a command's flags, as `node:util` parseArgs gives them. */
export type CommandValues = Record<string, string | boolean | string[] | undefined>;

/** What a command reads its arguments with. */
export interface CommandArgsSpec {
  /** The command's name, for the hint (`run \`packetwalk <name> --help\``). */
  name: string;
  /** Printed for `--help`. */
  usage: string;
  /** The flags; `help` (`-h`) is added. */
  options: NonNullable<ParseArgsConfig["options"]>;
  /** The command's error printer; returns the exit code. */
  fail: (message: string, hint: string) => number;
}

/**
 * The flags and positionals of `argv`, or the exit code when reading them ended the command
 * (a bad flag: what `fail` returns; `--help`: 0, the usage printed).
 */
export function readCommandArgs(
  argv: string[],
  spec: CommandArgsSpec,
): { values: CommandValues; positionals: string[] } | number {
  let parsed: { values: CommandValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...spec.options, help: { type: "boolean", short: "h" } },
    }) as { values: CommandValues; positionals: string[] };
  } catch (error) {
    return spec.fail((error as Error).message, `run \`packetwalk ${spec.name} --help\``);
  }
  if (parsed.values.help) {
    process.stdout.write(`${spec.usage}\n`);
    return 0;
  }
  return parsed;
}
