/**
 * An address someone replaced before sharing a ruleset (`<ADMIN_IP_1>`, `x.x.x.x`, `10.0.0.XXX`,
 * `[REDACTED]`, `***`): the readers say so, rather than asking for an address's form.
 */

/** Placeholder shapes: a name in angle or square brackets, runs of x or *, words that say so. */
const PLACEHOLDER =
  /^(?:<[^<>]*>|\[[A-Za-z_ -]+\]|\*+|(?:\d{1,3}\.){0,3}(?:x+|\*+)(?:\.(?:x+|\*+|\d{1,3})){0,3}|[A-Za-z_-]*(?:redacted|hidden|removed|censored|my[_-]?ip|public[_-]?ip|server[_-]?ip)[\w-]*)(?:\/\d+)?$/i;

/** Whether `text` is a placeholder where an address was (see the module comment). */
export function isRedactedAddress(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/** The hint for a placeholder where an address was. */
export const REDACTED_ADDRESS_HINT =
  "an address was replaced before the ruleset was shared: put it back, or any address that plays its part (e.g. 198.51.100.1, or 2001:db8::1 for IPv6)";
