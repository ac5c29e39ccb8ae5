/** A capture problem the user can act on: a one-line message and a hint, printed without a stack trace. */
export class CaptureError extends Error {
  /** What to do about it. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "CaptureError";
    this.hint = hint;
  }
}
