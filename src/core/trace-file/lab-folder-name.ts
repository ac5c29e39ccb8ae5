/**
 * A lab folder under `traces/` is known by its folder's name, and lab.json's `name` must say the same:
 * a lab copied from another (a capture renamed into a new folder) that kept the original's name would
 * share its name on the trace index and in the build's caches. Pure: the caller reads lab.json.
 */
import { jsonOffsets, positionOfValue } from "./json-positions.ts";

/**
 * The error for `lab.json` (text `text`, shown as `file`) whose `name` is not `folder`, positioned at
 * the name, or undefined when they agree.
 */
export function labFolderNameProblem(
  name: string,
  folder: string,
  text: string,
  file: string,
): string | undefined {
  if (name === folder) return undefined;
  const { line, column } = positionOfValue(text, ["name"], jsonOffsets(text));
  return `${file}:${line}:${column}: name: '${name}' is not the name of the lab's folder '${folder}': a lab is known by its folder (its pages, the trace index, the rule listings); write "name": "${folder}", or rename the folder`;
}
