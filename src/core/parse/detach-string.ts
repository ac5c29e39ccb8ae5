/**
 * Strings kept after their line is gone (map keys, diagnostics) must not pin
 * the input: V8 keeps a `slice` of a line as a view into the whole decoded
 * chunk, and `a + b` as a rope over its parts (which are such slices). A
 * stream's memory stays bounded only if kept strings hold their own characters.
 */

/** A copy of `s` that shares no memory with the strings it was sliced or joined from. */
export function detach(s: string): string {
  // Slicing a rope first copies it into one new flat string; the slice then refers to that copy alone.
  return ` ${s}`.slice(1);
}
