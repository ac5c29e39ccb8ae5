import { describe, expect, it } from "vitest";
import { parseNatAddressSpec } from "../../../src/core/simulate/nat-address-spec.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

describe("a NAT target's address and port, in every form the tools print", () => {
  it.each([
    ["198.51.100.5", { addr: "198.51.100.5", v6: false }],
    [":80", { port: { lo: 80, hi: 80 }, v6: false }],
    [
      "198.51.100.5-198.51.100.9:80-81",
      { addr: "198.51.100.5", addrHi: "198.51.100.9", port: { lo: 80, hi: 81 }, v6: false },
    ],
    ["198.51.100.0/30", { addr: "198.51.100.0", addrHi: "198.51.100.3", v6: false }],
    ["198.51.100.7-198.51.100.7", { addr: "198.51.100.7", v6: false }],
    ["2001:db8::5", { addr: "2001:db8::5", v6: true }],
    ["[2001:db8::5]:80", { addr: "2001:db8::5", port: { lo: 80, hi: 80 }, v6: true }],
    ["2001:db8:c::5-2001:db8:c::9", { addr: "2001:db8:c::5", addrHi: "2001:db8:c::9", v6: true }],
    [
      "[2001:db8:c::5-2001:db8:c::9]:1000-2000",
      { addr: "2001:db8:c::5", addrHi: "2001:db8:c::9", port: { lo: 1000, hi: 2000 }, v6: true },
    ],
    ["2001:db8::/120", { addr: "2001:db8::", addrHi: "2001:db8::ff", v6: true }],
  ])("%s", (text, want) => {
    expect(parseNatAddressSpec(text)).toEqual(want);
  });

  it.each([
    "1.2.3",
    "198.51.100.5:99999",
    "198.51.100.9-198.51.100.x",
    "[2001:db8::5]:x",
    "2001:db8::5-198.51.100.1",
  ])("refuses %s", (text) => {
    expect(parseNatAddressSpec(text)).toBeUndefined();
  });

  it("reads ranges in ip6tables-save, iptables-save and nft list ruleset as the real tools print them, without a problem", () => {
    // Printed by ip6tables-save / iptables-save / nft list ruleset v1.8.9 / 1.0.6 on Linux 6.18.
    const save = parseRulesetFile(
      [
        "*nat",
        ":POSTROUTING ACCEPT [0:0]",
        "-A POSTROUTING -o lo -j SNAT --to-source 2001:db8:c::5-2001:db8:c::9",
        "-A POSTROUTING -o lo -p tcp -j SNAT --to-source [2001:db8:c::5-2001:db8:c::9]:1000-2000",
        "-A POSTROUTING -o lo -j SNAT --to-source 198.51.100.5-198.51.100.9 --persistent",
        "COMMIT",
        "",
      ].join("\n"),
      "nat.rules",
    );
    expect(save.diagnostics).toEqual([]);
    const nft = parseRulesetFile(
      [
        "table ip6 nat {",
        "\tchain postrouting {",
        "\t\ttype nat hook postrouting priority srcnat; policy accept;",
        '\t\toifname "lo" snat to 2001:db8:c::5-2001:db8:c::9',
        '\t\toifname "lo" meta l4proto tcp snat to [2001:db8:c::5-2001:db8:c::9]:1000-2000',
        "\t}",
        "}",
        "table ip nat {",
        "\tchain postrouting {",
        "\t\ttype nat hook postrouting priority srcnat; policy accept;",
        '\t\toifname "lo" snat to 198.51.100.5-198.51.100.9:80-81 persistent',
        '\t\toifname "lo" snat to 198.51.100.0/30',
        "\t}",
        "}",
        "",
      ].join("\n"),
      "nat.nft",
    );
    expect(nft.diagnostics).toEqual([]);
  });
});
