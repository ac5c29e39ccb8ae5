import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { explainNftRule } from "../../../src/core/render/explain-nft-rule.ts";
import { explainRule } from "../../../src/core/render/explain-rule.ts";
import { toListing } from "../../../src/core/render/to-listing.ts";
import { toNftListing } from "../../../src/core/render/to-nft-listing.ts";
import { formatIpCidr, parseIpCidr } from "../../../src/core/simulate/ip-address.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const ACCEPT = ": accept (ends this base chain only)";
const ACCEPT_ZH = "：接受（只結束這個 base chain）";
const nft = (rule: string) => {
  const n = explainNftRule(rule);
  return [n.en, n["zh-TW"]];
};
const ipt = (rule: string) => {
  const n = explainRule(rule);
  return [n.en, n["zh-TW"]];
};

describe("notes of addresses under a mask", () => {
  it("keeps a prefix-shaped mask's words: the prefix as nft lists it", () => {
    const plain = nft("ip saddr 10.1.0.0/16 accept");
    expect(plain).toEqual([`from 10.1.0.0/16${ACCEPT}`, `來源位址是 10.1.0.0/16${ACCEPT_ZH}`]);
    expect(nft("ip saddr & 255.255.0.0 == 10.1.0.0 accept")).toEqual(plain);
    expect(nft("ip daddr & 255.255.255.0 != 172.17.0.0 accept")).toEqual([
      `to an address outside 172.17.0.0/24${ACCEPT}`,
      `目的位址不在 172.17.0.0/24${ACCEPT_ZH}`,
    ]);
    expect(nft("ip6 saddr & ffff:ffff:: == fd00:a:: accept")[0]).toBe(`from fd00:a::/32${ACCEPT}`);
    expect(ipt("-A INPUT -s 10.1.0.0/16 -j ACCEPT")[0]).toBe(
      "if the source is 10.1.0.0/16, accept the packet (stop checking this table's chains)",
    );
    expect(ipt("-A INPUT ! -d 172.17.0.0/255.255.0.0 -j ACCEPT")).toEqual([
      "if the destination is not 172.17.0.0/255.255.0.0, accept the packet (stop checking this table's chains)",
      "如果目的地不是 172.17.0.0/255.255.0.0，接受封包（不再檢查這個 table 的其他規則）",
    ]);
  });

  it("says which bytes an nft IPv4 mask keeps, negated too", () => {
    expect(nft("ip saddr & 0.0.0.255 == 0.0.0.2 accept")).toEqual([
      `from any address whose bits under 0.0.0.255 are 0.0.0.2 (last byte 2)${ACCEPT}`,
      `來源位址在遮罩 0.0.0.255 下的位元是 0.0.0.2（最後一個位元組是 2）${ACCEPT_ZH}`,
    ]);
    expect(nft("ip daddr & 0.0.0.255 != 0.0.0.2 accept")).toEqual([
      `to an address whose bits under 0.0.0.255 are not 0.0.0.2 (last byte not 2)${ACCEPT}`,
      `目的位址在遮罩 0.0.0.255 下的位元不是 0.0.0.2（最後一個位元組不是 2）${ACCEPT_ZH}`,
    ]);
  });

  it("says a mask that keeps parts of bytes by its bits alone", () => {
    expect(nft("ip saddr & 0.0.0.1 == 0.0.0.1 accept")[0]).toBe(
      `from any address whose bits under 0.0.0.1 are 0.0.0.1${ACCEPT}`,
    );
  });

  it("says a value with bits outside the mask never matches, or with != always does", () => {
    expect(nft("ip saddr & 0.0.0.255 == 0.0.1.2 accept")).toEqual([
      `from any address whose bits under 0.0.0.255 are 0.0.1.2 (never: 0.0.1.2 has bits outside the mask)${ACCEPT}`,
      `來源位址在遮罩 0.0.0.255 下的位元是 0.0.1.2（永遠不成立：0.0.1.2 有遮罩以外的位元）${ACCEPT_ZH}`,
    ]);
    // A prefix-shaped mask with such a value is no prefix: `10.1.2.3/16` would read as one.
    expect(nft("ip saddr & 255.255.0.0 != 10.1.2.3 accept")[0]).toBe(
      `from an address whose bits under 255.255.0.0 are not 10.1.2.3 (always: 10.1.2.3 has bits outside the mask)${ACCEPT}`,
    );
  });

  it("names IPv6 groups", () => {
    expect(nft("ip6 daddr & ::ffff == ::1 accept")).toEqual([
      `to any address whose bits under ::ffff are ::1 (last group 1)${ACCEPT}`,
      `目的位址在遮罩 ::ffff 下的位元是 ::1（最後一組是 1）${ACCEPT_ZH}`,
    ]);
    expect(nft("ip6 saddr & ffff::ffff != fd00::1 accept")[0]).toBe(
      `from an address whose bits under ffff::ffff are not fd00::1 (first group not fd00, or last group not 1)${ACCEPT}`,
    );
  });

  it("says an iptables address mask in the same words, IPv4 and IPv6, negated too", () => {
    expect(ipt("-A FORWARD -s 10.0.0.0/255.0.255.0 -j ACCEPT")).toEqual([
      "if the source is any address whose bits under 255.0.255.0 are 10.0.0.0 (first byte 10, third byte 0), accept the packet (stop checking this table's chains)",
      "如果來源位址在遮罩 255.0.255.0 下的位元是 10.0.0.0（第一個位元組是 10、第三個位元組是 0），接受封包（不再檢查這個 table 的其他規則）",
    ]);
    expect(ipt("-A FORWARD ! -d 10.0.0.0/255.0.255.0 -j DROP")).toEqual([
      "if the destination is an address whose bits under 255.0.255.0 are not 10.0.0.0 (first byte not 10, or third byte not 0), drop the packet silently",
      "如果目的位址在遮罩 255.0.255.0 下的位元不是 10.0.0.0（第一個位元組不是 10，或第三個位元組不是 0），直接丟棄封包",
    ]);
    expect(ipt("-A INPUT -s fd00::1/ffff::ffff -j ACCEPT")[0]).toBe(
      "if the source is any address whose bits under ffff::ffff are fd00::1 (first group fd00, last group 1), accept the packet (stop checking this table's chains)",
    );
  });

  it("says a connection's masked address, nft and iptables, in both languages", () => {
    const [en, zh] = nft("ct original ip saddr & 0.0.0.255 == 0.0.0.2 accept");
    expect(en).toMatch(
      /^the connection's original source \(before NAT\) is any address whose bits under 0\.0\.0\.255 are 0\.0\.0\.2 \(last byte 2\) \(a packet without a connection/,
    );
    expect(zh).toMatch(
      /^連線原本（NAT 之前）的來源是遮罩 0\.0\.0\.255 下位元為 0\.0\.0\.2 的位址（最後一個位元組是 2）（/,
    );
    expect(nft("ct reply ip6 saddr & ::ffff != ::1 accept")[0]).toMatch(
      /^the connection's replies come from an address whose bits under ::ffff are not ::1 \(last group not 1\)/,
    );
    expect(ipt("-A INPUT -m conntrack --ctorigsrc 10.0.0.0/255.0.255.0 -j ACCEPT")[1]).toBe(
      "如果連線原本（NAT 之前）的來源是遮罩 255.0.255.0 下位元為 10.0.0.0 的位址（第一個位元組是 10、第三個位元組是 0），接受封包（不再檢查這個 table 的其他規則）",
    );
    // An IPv6 tuple address keeps its colons (a port range's `:` alone reads as `-`).
    expect(ipt("-A INPUT -m conntrack ! --ctreplsrc fd00::1 --ctorigdstport 1000:1100 -j ACCEPT")[0]).toBe(
      "if the connection's replies do not come from fd00::1 and the connection's original destination port (before NAT) is 1000-1100, accept the packet (stop checking this table's chains)",
    );
  });
});

describe("notes of numbers under a mask", () => {
  it("says which byte of a port a mask keeps, and the ports that pass", () => {
    expect(nft("tcp dport & 65280 == 256 accept")).toEqual([
      `the high byte of the TCP destination port is 1 (256-511)${ACCEPT}`,
      `TCP 目的埠的高位元組是 1（256-511）${ACCEPT_ZH}`,
    ]);
    expect(nft("tcp dport & 65280 != 256 accept")).toEqual([
      `the high byte of the TCP destination port is not 1 (not 256-511)${ACCEPT}`,
      `TCP 目的埠的高位元組不是 1（不在 256-511）${ACCEPT_ZH}`,
    ]);
    expect(nft("udp sport & 0xff == 1 accept")).toEqual([
      `the low byte of the UDP source port is 1 (1, 257, 513, …)${ACCEPT}`,
      `UDP 來源埠的低位元組是 1（1、257、513…）${ACCEPT_ZH}`,
    ]);
  });

  it("says a mask of parts of bytes as a masked value, with what passes", () => {
    expect(nft("tcp sport & 0xfff0 == 0x100 accept")).toEqual([
      `the TCP source port, masked with 0xfff0, is 0x100 (256-271)${ACCEPT}`,
      `TCP 來源埠與 0xfff0 遮罩後是 0x100（256-271）${ACCEPT_ZH}`,
    ]);
    expect(nft("ip ttl & 0xf0 != 0x40 accept")).toEqual([
      `the TTL, masked with 0xf0, is not 0x40 (not 64-79)${ACCEPT}`,
      `TTL 與 0xf0 遮罩後不是 0x40（不在 64-79）${ACCEPT_ZH}`,
    ]);
    expect(nft("tcp dport & 0x0f0f == 0x0101 accept")[0]).toBe(
      `the TCP destination port, masked with 0xf0f, is 0x101 (257, 273, 289, …)${ACCEPT}`,
    );
    expect(nft("tcp dport & 0xff00 == 0x100-0x300 accept")[0]).toBe(
      `the TCP destination port, masked with 0xff00, is in 0x100-0x300${ACCEPT}`,
    );
  });

  it("says a mark's kept bytes in hex, a set of masked marks by the byte, a connection's mark too", () => {
    expect(nft("meta mark & 0xff00 == 0x100 accept")).toEqual([
      `the second-lowest byte of the mark is 0x01${ACCEPT}`,
      `mark 的次低位元組是 0x01${ACCEPT_ZH}`,
    ]);
    expect(nft("meta mark & 0xff00 == { 0x100, 0x200 } accept")).toEqual([
      `the second-lowest byte of the mark is one of 0x01, 0x02${ACCEPT}`,
      `mark 的次低位元組是 0x01、0x02 之一${ACCEPT_ZH}`,
    ]);
    expect(nft("meta mark & 0xff00ff00 != 0x01000200 accept")).toEqual([
      `the highest byte of the mark is not 0x01 or its second-lowest byte is not 0x02${ACCEPT}`,
      `mark 的最高位元組不是 0x01，或次低位元組不是 0x02${ACCEPT_ZH}`,
    ]);
    const [en, zh] = nft("ct mark & 0xff00 != 0x100 accept");
    expect(en).toMatch(/^the second-lowest byte of the connection's mark is not 0x01 \(a packet without/);
    expect(zh).toMatch(/^連線 mark 的次低位元組不是 0x01（/);
    expect(nft("meta mark & 0xf0 == { 0x10, 0x20 } accept")[0]).toBe(
      `the mark, masked with 0xf0, is one of 0x10, 0x20${ACCEPT}`,
    );
    expect(nft("meta mark & 0xff == 0x100 accept")[0]).toBe(
      `the mark, masked with 0xff, is 0x100 (never: 0x100 has bits outside the mask)${ACCEPT}`,
    );
  });

  it("keeps the plain words of an unmasked value and of a mask that keeps every bit", () => {
    expect(nft("tcp dport 256 accept")[0]).toBe(`to tcp port 256${ACCEPT}`);
    expect(nft("ip ttl & 0xff == 64 accept")[0]).toBe(`the TTL is 64${ACCEPT}`);
    expect(nft("meta mark 0x100 accept")[0]).toBe(`whose mark is 0x100${ACCEPT}`);
    expect(ipt("-A INPUT -m mark --mark 0x1 -j ACCEPT")[0]).toBe(
      "if the mark is 0x1, accept the packet (stop checking this table's chains)",
    );
  });

  it("says an iptables mark mask of whole bytes by them, and a value outside its mask as never", () => {
    expect(ipt("-A INPUT -m mark --mark 0x100/0xff00 -j ACCEPT")).toEqual([
      "if the second-lowest byte of the mark is 0x01, accept the packet (stop checking this table's chains)",
      "如果 mark 的次低位元組是 0x01，接受封包（不再檢查這個 table 的其他規則）",
    ]);
    expect(ipt("-A INPUT -m connmark ! --mark 0x100/0xff00 -j ACCEPT")).toEqual([
      "if the second-lowest byte of the connection's mark is not 0x01 (a packet without a connection never matches), accept the packet (stop checking this table's chains)",
      "如果連線 mark 的次低位元組不是 0x01（沒有連線的封包一律不符合），接受封包（不再檢查這個 table 的其他規則）",
    ]);
    expect(ipt("-A INPUT -m mark --mark 0x100/0xff -j ACCEPT")[0]).toBe(
      "if the mark, masked with 0xff, is 0x100 (never: 0x100 has bits outside the mask), accept the packet (stop checking this table's chains)",
    );
  });
});

describe("formatIpCidr", () => {
  const cidr = (text: string) => {
    const c = parseIpCidr(text);
    if (!c) throw new Error(`not a prefix: ${text}`);
    return c;
  };
  it("prints a prefix with its length, a host bare, and a mask that is no prefix's in full", () => {
    expect(formatIpCidr(cidr("10.1.0.0/16"))).toBe("10.1.0.0/16");
    expect(formatIpCidr(cidr("10.1.2.3"))).toBe("10.1.2.3");
    expect(formatIpCidr(cidr("fd00:a::/64"))).toBe("fd00:a::/64");
    expect(formatIpCidr(cidr("10.0.0.0/255.0.255.0"))).toBe("10.0.0.0/255.0.255.0");
    expect(formatIpCidr({ net: 2, len: 32, mask: 255 })).toBe("0.0.0.2/0.0.0.255");
    expect(formatIpCidr({ v6: true, net: 1n, len: 128, mask: 0xffffn })).toBe("::1/::ffff");
    // A prefix's first address, as the NAT reader asks for it: the length given wins.
    expect(formatIpCidr({ ...cidr("10.1.0.0/16"), len: 32 })).toBe("10.1.0.0");
  });
});

describe("rule listings", () => {
  const event = (hook: string): TraceEvent => ({
    hook: hook as TraceEvent["hook"],
    prefix: "",
    source: "log",
    raw: "",
    position: { file: "x.log", line: 1, column: 1 },
  });

  it("carry the masked notes, nft and iptables", () => {
    const nftRules = parseRulesetFile(
      [
        "table inet fw {",
        "\tchain input {",
        "\t\ttype filter hook input priority filter; policy drop;",
        "\t\tip saddr & 0.0.0.255 == 0.0.0.2 accept",
        "\t\ttcp dport & 65280 == 256 accept",
        "\t}",
        "}",
      ].join("\n"),
      "fw.rules",
    );
    const rules = toNftListing(event("ip:fw:input"), nftRules).baseChains[0]?.chains[0]?.rules ?? [];
    expect(rules.map((r) => r.note.en)).toEqual([
      `from any address whose bits under 0.0.0.255 are 0.0.0.2 (last byte 2)${ACCEPT}`,
      `the high byte of the TCP destination port is 1 (256-511)${ACCEPT}`,
    ]);
    const xt = parseRulesetFile(
      ["*filter", ":INPUT ACCEPT [0:0]", "-A INPUT -s 10.0.0.0/255.0.255.0 -j DROP", "COMMIT", ""].join("\n"),
      "iptables.rules",
    );
    const listed = toListing(event("ip:filter:INPUT"), xt).chains[0]?.rules[0]?.note;
    expect(listed?.["zh-TW"]).toBe(
      "如果來源位址在遮罩 255.0.255.0 下的位元是 10.0.0.0（第一個位元組是 10、第三個位元組是 0），直接丟棄封包",
    );
  });
});
