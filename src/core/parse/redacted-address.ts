/**
 * An address someone replaced before sharing a log or a ruleset (`x.x.x.x`, `<redacted>`, `***`,
 * `10.0.0.XXX`, `[REDACTED]`, `<ADMIN_IP_1>`): the readers say so, rather than asking for an
 * address's form (a LOG line) or reading the placeholder as an address (nft and ebtables lines).
 */

/** Placeholder shapes: a name in angle or square brackets, runs of x or *, words that say so. */
const PLACEHOLDER =
  /^(?:<[^<>]*>|\[[A-Za-z_ -]+\]|\*+|(?:\d{1,3}\.){0,3}(?:x+|\*+)(?:\.(?:x+|\*+|\d{1,3})){0,3}|[A-Za-z_-]*(?:redacted|hidden|removed|censored|my[_-]?ip|public[_-]?ip|server[_-]?ip)[\w-]*)(?:\/\d+)?$/i;

/** Whether `text` is a placeholder where an address was (see the module comment). */
export function isRedactedAddress(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/**
 * {@link isRedactedAddress} for a reader that takes any word as an address (nft monitor trace,
 * ebtables): a word of address characters only (hex digits, `.`, `:`), every real one, is let
 * through without the pattern.
 */
export function mayBeRedacted(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 32;
    // `.` `:` (46, 58; `| 32` keeps them), digits, a-f / A-F.
    if (!(c === 46 || c === 58 || (c >= 48 && c <= 57) || (c >= 97 && c <= 102)))
      return isRedactedAddress(text);
  }
  return false;
}

/** The hint for a log line whose address was replaced by a placeholder. */
export const REDACTED_LOG_HINT =
  "packetwalk follows a packet by its addresses (its lines at each hook, its replies), so it needs them: put the real ones back, or anonymize the log instead of redacting it: packetwalk import --anonymize (and the playground's Anonymise button) give each public address one TEST-NET stand-in everywhere and keep private ones";

/**
 * The error for a log line whose `field` (`SRC=`, `IP DST=`, `ip saddr`) holds the placeholder
 * `value`, at 1-based `column`: one per field for the whole log, with its count (a redacted log has
 * it on every line).
 */
export function redactedAddressError(
  field: string,
  value: string,
  column: number,
): { kind: "error"; column: number; message: string; hint: string; group: string } {
  return {
    kind: "error",
    column,
    message: `expected an address after ${field}, found '${value}': the address was redacted before the log was shared, so the line was not read`,
    hint: REDACTED_LOG_HINT,
    group: `redacted ${field}`,
  };
}
