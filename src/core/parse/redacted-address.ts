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

/** A placeholder group of an address: a run of `x` or `*` (`xxx`, `XX`, `*`). */
function isMaskPart(part: string, max: number): boolean {
  if (part.length === 0 || part.length > max) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c !== 120 && c !== 88 && c !== 42) return false;
  }
  return true;
}

/**
 * Whether `text` is an address with some of its parts replaced and some kept, as people hide a
 * public address before sharing a log (`203.0.113.x`, `10.1.xxx.12`, `xx.xx.12.4`,
 * `2001:db8:xxxx:xxxx::1`): four IPv4 parts of digits (at most 255) or placeholders, or IPv6 groups
 * of hex digits or placeholders around one `::` at most; at least one part of each kind. Such a line
 * is read with the address as written (a LOG line's, see `read-log-fields.ts`; an ebtables line's
 * `IP SRC=`, an nft trace's `ip saddr`); a fully replaced one is not.
 */
export function isPartlyRedacted(text: string): boolean {
  // Most addresses hide nothing: one scan for a mask character (`x`, `X`, `*`) before any split.
  let mask = false;
  for (let i = 0; i < text.length && !mask; i++) {
    const c = text.charCodeAt(i);
    mask = c === 120 || c === 88 || c === 42;
  }
  if (!mask) return false;
  let kept = 0;
  let masked = 0;
  if (text.indexOf(":") < 0) {
    const parts = text.split(".");
    if (parts.length !== 4) return false;
    for (const p of parts)
      if (/^\d{1,3}$/.test(p) && Number(p) <= 255) kept++;
      else if (isMaskPart(p, 3)) masked++;
      else return false;
    return kept > 0 && masked > 0;
  }
  const halves = text.split("::");
  if (halves.length > 2 || text.length > 45) return false;
  let groups = 0;
  for (const half of halves) {
    if (half === "") continue;
    for (const g of half.split(":")) {
      groups++;
      if (/^[0-9a-fA-F]{1,4}$/.test(g)) kept++;
      else if (isMaskPart(g, 4)) masked++;
      else return false;
    }
  }
  return masked > 0 && kept > 0 && (halves.length === 2 ? groups < 8 : groups === 8);
}

/** The warning for a log line whose `field` (`SRC=`, `IP SRC=`, `ip saddr`) holds the partly replaced address `value`, at 1-based `column`. */
export function partlyRedactedWarning(
  field: string,
  value: string,
  column: number,
): { column: number; message: string; hint: string; group: string } {
  return {
    column,
    message: `expected an address after ${field}, found '${value}': part of the address was redacted before the log was shared, so the line was read with it as written`,
    hint: PARTLY_REDACTED_HINT,
    group: `partly redacted ${field}`,
  };
}

/** The hint of a line read with a partly redacted address. */
export const PARTLY_REDACTED_HINT =
  "packetwalk matches a packet's lines and its replies by their addresses as written, so lines that hide one address differently (203.0.113.x on one, 203.0.x.5 on another) are taken for different hosts: anonymize the log instead: packetwalk import --anonymize (and the playground's Anonymise button) give each public address one TEST-NET stand-in everywhere and keep private ones";

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
