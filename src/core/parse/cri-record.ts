/**
 * The head of a record of a container's log as Kubernetes' runtimes write it (CRI: containerd,
 * CRI-O; /var/log/containers/*.log): `<RFC 3339 time> <stream> <tag> <message>`, the tag `F` for
 * a whole line and `P` for a part the runtime cut (a line longer than its buffer), whose message
 * goes on in the stream's next record.
 */

/** What the head of a CRI record says. */
export interface CriRecord {
  /** `stdout` or `stderr`: a cut line goes on in the next record of the same stream. */
  stream: string;
  /** Tag `P`: the runtime cut the line here. */
  partial: boolean;
  /** Index in the line where the message starts. */
  messageAt: number;
}

/**
 * The head of `line` when it is a CRI record (`2024-12-07T09:20:00.123456789Z stdout P ...`), else
 * undefined. Cheap on other lines: a digit, a `-` and a `T` where a date's are, first.
 */
export function readCriRecord(line: string): CriRecord | undefined {
  const c0 = line.charCodeAt(0);
  if (c0 < 48 || c0 > 57 || line.charCodeAt(4) !== 45 || line.charCodeAt(10) !== 84) return undefined;
  // The time: at most nanoseconds and an offset (`+01:00`) after the seconds.
  const sp = line.indexOf(" ", 19);
  if (sp < 0 || sp > 40) return undefined;
  const stream = line.slice(sp + 1, sp + 7);
  if ((stream !== "stdout" && stream !== "stderr") || line.charCodeAt(sp + 7) !== 32) return undefined;
  const tag = line.charCodeAt(sp + 8);
  if (tag !== 70 && tag !== 80) return undefined;
  const after = line.charCodeAt(sp + 9);
  const messageAt = after === 32 ? sp + 10 : sp + 9 === line.length ? sp + 9 : -1;
  return messageAt < 0 ? undefined : { stream, partial: tag === 80, messageAt };
}
