/**
 * ebtables and nft monitor trace lines whose author hid part of an address before sharing them
 * (`IP SRC=198.51.100.x`, `IPv6 SRC=2001:0db8:xxxx:...`, `ip saddr 10.0.xxx.5`, `ip6 saddr
 * 2001:db8:xxxx::1`) are read with the address as written, as LOG lines are
 * (partly-redacted-addresses.test.ts): the packet is grouped and paired, and one warning a field for
 * the log, with the same hint, says so. Before, the ebtables reader refused IPv4 ones ("the address
 * was redacted ... so the line was not read") and took IPv6 ones silently; the nft reader refused
 * both (IPv6: "expected an IPv6 address after 'ip6 saddr' ..."). A fully replaced address
 * (`x.x.x.x`, `<redacted>`) is still refused with the redaction error.
 *
 * The lines are real, then hidden by hand: kernel 6.18, a bridge between two pw-lines- namespaces
 * (198.51.100.1/.2, 2001:db8::1/::2), `ebtables -A FORWARD -p IPv4 --log-ip --log-prefix pwlines4`
 * (and `-p IPv6 --log-ip6`), a ping each way; `nft monitor trace` (nft 1.0.6) in the second
 * namespace with `meta nftrace set 1` in an inet input chain.
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { PARTLY_REDACTED_HINT, REDACTED_LOG_HINT } from "../../../src/core/parse/redacted-address.ts";

const EBT = [
  "[63676.706558] pwlines4 IN=va OUT=vb MAC source = ce:86:c1:f0:30:2f MAC dest = 92:40:bd:81:2b:12 proto = 0x0800 IP SRC=198.51.100.1 IP DST=198.51.100.2, IP tos=0x00, IP proto=1",
  "[63676.706600] pwlines4 IN=vb OUT=va MAC source = 92:40:bd:81:2b:12 MAC dest = ce:86:c1:f0:30:2f proto = 0x0800 IP SRC=198.51.100.2 IP DST=198.51.100.1, IP tos=0x00, IP proto=1",
].join("\n");
const EBT6 =
  "[63676.710537] pwlines6 IN=vb OUT=va MAC source = 92:40:bd:81:2b:12 MAC dest = ce:86:c1:f0:30:2f proto = 0x86dd IPv6 SRC=2001:0db8:0000:0000:0000:0000:0000:0002 IPv6 DST=2001:0db8:0000:0000:0000:0000:0000:0001, IPv6 priority=0x0, Next Header=58";
const NFT = [
  'trace id a00ea269 inet t c packet: iif "eth0" ether saddr ce:86:c1:f0:30:2f ether daddr 92:40:bd:81:2b:12 ip saddr 198.51.100.1 ip daddr 198.51.100.2 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 61129 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 22532 icmp sequence 1 @th,64,96 0x5d3f176b00000000864e0e00 ',
  "trace id a00ea269 inet t c rule meta nftrace set 1 (verdict continue)",
  "trace id a00ea269 inet t c rule meta l4proto { icmp, ipv6-icmp } accept (verdict accept)",
].join("\n");
const NFT6 = [
  'trace id c8273223 inet t c packet: iif "eth0" ether saddr ce:86:c1:f0:30:2f ether daddr 92:40:bd:81:2b:12 ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 61485 ip6 nexthdr ipv6-icmp ip6 length 64 icmpv6 type echo-request icmpv6 code no-route icmpv6 parameter-problem 1476788225 @th,64,96 0x5d3f176b000000000d5e0e00 ',
  "trace id c8273223 inet t c rule meta l4proto { icmp, ipv6-icmp } accept (verdict accept)",
].join("\n");
const MAP = { prefixMap: { pwlines4: "bridge:filter:FORWARD", pwlines6: "bridge:filter:FORWARD" } } as const;

const partly = (field: string, value: string, lines: number) =>
  `expected an address after ${field}, found '${value}': part of the address was redacted before the log was shared, so the line was read with it as written (${lines} ${lines === 1 ? "line" : "lines"})`;
const whole = (field: string, value: string) =>
  `expected an address after ${field}, found '${value}': the address was redacted before the log was shared, so the line was not read (1 line)`;

/** A parse's packets (their hooks, flows and addresses) and its problems about addresses. */
function read(text: string) {
  const r = parseTraceText(text, { ...MAP, file: "shared.log" });
  return {
    packets: r.packets.map((p) => [
      p.hooks,
      p.flow,
      p.direction,
      p.events.map((e) => [e.ip?.src, e.ip?.dst]),
    ]),
    said: r.diagnostics
      .filter((d) => d.message.startsWith("expected an"))
      .map((d) => [d.severity, d.position.line, d.position.column, d.message, d.hint]),
  };
}

describe("partly redacted addresses in ebtables and nft monitor trace lines", () => {
  it("reads an ebtables ping and its reply hidden alike as the real lines read, warned of once", () => {
    const hidden = EBT.replaceAll("198.51.100.1", "198.51.100.x");
    const before = read(EBT);
    const after = read(hidden);
    expect(before.packets.length).toBe(2);
    expect(after.packets).toEqual(
      before.packets.map((p) => JSON.parse(JSON.stringify(p).replaceAll("198.51.100.1", "198.51.100.x"))),
    );
    // One warning a field, at its first line: the request's SRC, the reply's DST.
    const [request, reply] = hidden.split("\n") as [string, string];
    expect(after.said).toEqual([
      [
        "warning",
        1,
        request.indexOf("IP SRC=") + 8,
        partly("IP SRC=", "198.51.100.x", 1),
        PARTLY_REDACTED_HINT,
      ],
      [
        "warning",
        2,
        reply.indexOf("IP DST=") + 8,
        partly("IP DST=", "198.51.100.x", 1),
        PARTLY_REDACTED_HINT,
      ],
    ]);
  });

  it("warns of an ebtables IPv6 address hidden in groups, which it took silently", () => {
    const hidden = EBT6.replace("SRC=2001:0db8:0000:0000", "SRC=2001:0db8:xxxx:xxxx");
    const r = read([hidden, hidden.replace("63676.710537", "63677.0")].join("\n"));
    expect(r.packets.map((p) => p[3])).toEqual([
      [["2001:0db8:xxxx:xxxx:0000:0000:0000:0002", "2001:0db8:0000:0000:0000:0000:0000:0001"]],
      [["2001:0db8:xxxx:xxxx:0000:0000:0000:0002", "2001:0db8:0000:0000:0000:0000:0000:0001"]],
    ]);
    expect(r.said).toEqual([
      [
        "warning",
        1,
        hidden.indexOf("IPv6 SRC=") + 10,
        partly("IPv6 SRC=", "2001:0db8:xxxx:xxxx:0000:0000:0000:0002", 2),
        PARTLY_REDACTED_HINT,
      ],
    ]);
  });

  it("reads an nft monitor trace whose packet line hides part of ip saddr or ip6 saddr", () => {
    const v4 = NFT.replace("ip saddr 198.51.100.1", "ip saddr 198.51.xxx.1");
    const v6 = NFT6.replace("ip6 saddr 2001:db8::1", "ip6 saddr 2001:db8:xxxx::1");
    const r = read(`${v4}\n${v6}`);
    expect(r.packets.map((p) => [p[0], p[3]])).toEqual([
      [["ip:t:c"], [["198.51.xxx.1", "198.51.100.2"]]],
      [["ip6:t:c"], [["2001:db8:xxxx::1", "2001:db8::2"]]],
    ]);
    expect(r.said).toEqual([
      [
        "warning",
        1,
        v4.indexOf("ip saddr") + 10,
        partly("ip saddr", "198.51.xxx.1", 1),
        PARTLY_REDACTED_HINT,
      ],
      [
        "warning",
        4,
        v6.indexOf("ip6 saddr") + 11,
        partly("ip6 saddr", "2001:db8:xxxx::1", 1),
        PARTLY_REDACTED_HINT,
      ],
    ]);
  });

  it("still refuses a whole placeholder, also beside a partly hidden address", () => {
    const ebt = (EBT.split("\n")[0] as string).replace("IP SRC=198.51.100.1", "IP SRC=x.x.x.x");
    expect(read(ebt)).toEqual({
      packets: [],
      said: [["error", 1, ebt.indexOf("IP SRC=") + 8, whole("IP SRC=", "x.x.x.x"), REDACTED_LOG_HINT]],
    });
    const nft = NFT.replace("ip saddr 198.51.100.1", "ip saddr 198.51.100.x").replace(
      "ip daddr 198.51.100.2",
      "ip daddr <redacted>",
    );
    expect(read(nft).said).toEqual([
      ["error", 1, nft.indexOf("ip daddr") + 10, whole("ip daddr", "<redacted>"), REDACTED_LOG_HINT],
    ]);
    // An IPv4 address partly hidden after `ip6 saddr` is no IPv6 address: the form's error, as before.
    const wrong = NFT6.replace("ip6 saddr 2001:db8::1", "ip6 saddr 10.0.xxx.5");
    expect(read(wrong).said.map((d) => d[3])).toEqual([
      "expected an IPv6 address after 'ip6 saddr' in an nft monitor trace packet line, found '10.0.xxx.5'",
    ]);
  });
});
