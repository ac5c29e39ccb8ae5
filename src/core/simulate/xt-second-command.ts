/**
 * A second command in one restore line (`-A X ... -A X ...`, as a paste that joined two rules makes):
 * iptables 1.8.9 refuses the line ("Cannot use -A with -A", "Cannot use -I with -A", ...), ebtables-nft
 * 1.8.9 too ("Multiple commands are not allowed").
 */
import type { RestoreCommand } from "./restore-commands.ts";
import type { Token } from "./tokenize-rule.ts";

/** The letter iptables names each command by. */
const LETTER: Record<RestoreCommand, string> = {
  append: "A",
  insert: "I",
  replace: "R",
  delete: "D",
  "new-chain": "N",
  "delete-chain": "X",
  flush: "F",
  zero: "Z",
  policy: "P",
};

/** Short options of a rule that take a value: a command letter after them is that value. */
const TAKES_VALUE = new Set(["-s", "-d", "-i", "-o", "-p", "-j", "-g", "-m", "-c", "-t", "-w", "-W"]);

/** A refused line, at the second command. */
export interface SecondCommand {
  token: Token;
  message: string;
  hint: string;
}

const HINT = "put each rule on a line of its own: a pasted text may have joined two lines";

/** The first of `args` that is a command letter iptables (or ebtables: `ebt`) reads as one, or undefined. */
function commandToken(args: readonly Token[], ebt: boolean): Token | undefined {
  const letters = ebt ? /^-[ACDEFILNPXZ]$|^--append$/ : /^-[ACDEFILNPRSXZ]$/;
  return args.find(
    (t, k) =>
      !t.quoted &&
      letters.test(t.value) &&
      // A long option's value may be such a letter (`--comment -A`); `-c P B` takes two.
      !(
        args[k - 1]?.value.startsWith("--") ||
        TAKES_VALUE.has(args[k - 1]?.value ?? "") ||
        args[k - 2]?.value === "-c"
      ),
  );
}

/** iptables-restore's refusal of a command letter among `args` of a line whose command is `command`. */
export function secondCommand(command: RestoreCommand, args: readonly Token[]): SecondCommand | undefined {
  const token = commandToken(args, false);
  if (!token) return undefined;
  const said = `Cannot use ${token.value} with -${LETTER[command]}`;
  return {
    token,
    message: `a second command '${token.value}' in one line: iptables-restore refuses it ("${said}")`,
    hint: HINT,
  };
}

/** ebtables-restore's refusal of a command among `args`, the words after a rule's `-A CHAIN`. */
export function secondEbtCommand(args: readonly Token[]): SecondCommand | undefined {
  const token = commandToken(args, true);
  if (!token) return undefined;
  return {
    token,
    message: `a second command '${token.value}' in one line: ebtables-restore refuses it ("Multiple commands are not allowed")`,
    hint: HINT,
  };
}
