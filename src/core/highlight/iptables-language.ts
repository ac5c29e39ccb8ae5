/**
 * The `iptables` Shiki language: a TextMate grammar for iptables-save and
 * ebtables rule text (`*table`, `:CHAIN POLICY [0:0]`, `-A CHAIN ...`,
 * targets, `!`, addresses, quoted strings, `#` comments, `COMMIT`).
 *
 * Register with `createHighlighter({ langs: [iptablesLanguage], ... })`.
 */
import type { LanguageRegistration } from "shiki";
import grammar from "./iptables.tmLanguage.json" with { type: "json" };

/** The Shiki language registration, named `iptables` (aliases `iptables-save`, `ebtables`). */
export const iptablesLanguage: LanguageRegistration = {
  ...(grammar as unknown as LanguageRegistration),
  name: "iptables",
  aliases: ["iptables-save", "ebtables"],
};
