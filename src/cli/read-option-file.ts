/** Reads the file an option names, or says in one message why it cannot, with the option's hint. */
import { readFile } from "node:fs/promises";

/**
 * The text of `file`, or `cannot read <what> <file>: <why>` and `hint` on a second line.
 * @param what what the option takes, as the message names it (`prefix map`, `ruleset`)
 */
export async function readOptionFile(
  file: string,
  what: string,
  hint: string,
): Promise<{ text: string } | string> {
  try {
    return { text: await readFile(file, "utf8") };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? String(e));
    return `cannot read ${what} ${file}: ${why}\n  hint: ${hint}`;
  }
}
