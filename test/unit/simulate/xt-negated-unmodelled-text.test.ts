/**
 * The warning for an unmodelled negated option quotes it as written, `!` next to the option it negates
 * (iptables-nft-save 1.8.9 printed `-A INPUT -m tcp -p tcp ! --tcp-option 8 -j ACCEPT` back as
 * `-p tcp -m tcp ! --tcp-option 8`), never `! -m tcp --tcp-option 8`, and points at the option.
 */
import { describe, expect, it } from "vitest";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

const warnings = (rule: string) =>
  parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`).diagnostics.map(
    (d) => `${d.severity} ${d.position.line}:${d.position.column} ${d.message}`,
  );

describe("an unmodelled negated option's text", () => {
  it("keeps the ! at the option, after its -m", () => {
    expect(warnings("-A INPUT -p tcp -m tcp ! --tcp-option 8 -j ACCEPT")).toEqual([
      "warning 3:17 match '-m tcp ! --tcp-option 8' is not modelled",
    ]);
  });

  it("points at the option when its -m was written elsewhere", () => {
    expect(warnings("-A INPUT -m tcp -p tcp ! --tcp-option 8 -j ACCEPT")).toEqual([
      "warning 3:26 match '-m tcp ! --tcp-option 8' is not modelled",
    ]);
  });

  it("reads as written without a -m", () => {
    expect(warnings("-A INPUT -p tcp ! --tcp-option 8 -j ACCEPT")).toEqual([
      "warning 3:19 match '! --tcp-option 8' is not modelled",
    ]);
  });
});
