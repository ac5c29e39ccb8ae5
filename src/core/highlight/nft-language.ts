/**
 * The `nft` Shiki language: a TextMate grammar for nftables rules and `nft list ruleset` text
 * (`table`/`chain`/`map` declarations, base chain `type ... hook ... priority ...; policy ...;`,
 * expressions, `!=`, verdicts, `jump`/`goto` targets, NAT statements, sets and verdict maps,
 * addresses, interface names, numbers, `comment "..."` and `#` comments).
 *
 * Register with `createHighlighter({ langs: [nftLanguage], ... })`.
 */
import type { LanguageRegistration } from "shiki";
import grammar from "./nft.tmLanguage.json" with { type: "json" };

/** The Shiki language registration, named `nft` (aliases `nftables`). */
export const nftLanguage: LanguageRegistration = {
  ...(grammar as unknown as LanguageRegistration),
  name: "nft",
  aliases: ["nftables"],
};
