/**
 * An address someone replaced before sharing a ruleset (`<ADMIN_IP_1>`, `x.x.x.x`, `10.0.0.XXX`,
 * `[REDACTED]`, `***`): the readers say so, rather than asking for an address's form. The shapes
 * are the log readers' (`parse/redacted-address.ts`).
 */

export { isRedactedAddress } from "../parse/redacted-address.ts";

/** The hint for a placeholder where an address was. */
export const REDACTED_ADDRESS_HINT =
  "an address was replaced before the ruleset was shared: put it back, or any address that plays its part (e.g. 198.51.100.1, or 2001:db8::1 for IPv6)";
