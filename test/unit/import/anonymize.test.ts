/** The anonymiser of `packetwalk import --anonymize`: what is public, stable stand-ins, every written form. */
import { describe, expect, it } from "vitest";
import {
  AnonymizeError,
  Anonymizer,
  envelopeHostnames,
  isPublicIpv4,
} from "../../../src/core/import/anonymize.ts";
import { ENVELOPES } from "../../../src/core/parse/detect-envelope.ts";
import { formatEnvelope } from "../../../src/core/parse/format-envelope.ts";

/** A new anonymiser that has left every one of `kept` as it was, between words. */
function keeps(kept: readonly string[]): Anonymizer {
  const a = new Anonymizer();
  for (const k of kept) expect(a.text(`x ${k} y`), k).toBe(`x ${k} y`);
  return a;
}

describe("isPublicIpv4", () => {
  it("keeps private, loopback, link-local, CGNAT, multicast and TEST-NET addresses", () => {
    for (const a of [
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "127.0.0.1",
      "169.254.1.1",
      "100.64.0.1",
      "224.0.0.1",
      "192.0.2.9",
      "198.51.100.7",
      "203.0.113.1",
      "0.0.0.0",
    ])
      expect(isPublicIpv4(a), a).toBe(false);
    for (const a of ["8.8.8.8", "172.32.0.1", "81.2.69.160", "100.128.0.1", "198.20.0.1"])
      expect(isPublicIpv4(a), a).toBe(true);
  });
});

describe("Anonymizer", () => {
  it("gives each public /24 a TEST-NET /24, host part kept, the same across calls and texts", () => {
    const a = new Anonymizer();
    const out = a.text("SRC=81.2.69.160 DST=81.2.69.1 via 9.9.9.9 -s 81.2.69.0/24");
    expect(out).toBe("SRC=203.0.113.160 DST=203.0.113.1 via 198.51.100.9 -s 203.0.113.0/24");
    expect(a.text("81.2.69.160")).toBe("203.0.113.160");
  });

  it("fails clearly past the three TEST-NET blocks", () => {
    const a = new Anonymizer();
    expect(() => a.text("1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4")).toThrow(AnonymizeError);
  });

  it("maps a MAC to one stand-in in every form: LOG's MAC= run, ebtables, xtables-monitor's short bytes and hex", () => {
    const a = new Anonymizer();
    const log = a.text("MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 SRC=10.0.0.1");
    const ebt = a.text("MAC source = 52:54:00:aa:00:20 MAC dest = 52:54:00:aa:00:10");
    const short = a.text("MACSRC=52:54:0:aa:0:20 MACDST=52:54:0:aa:0:10");
    const hex = a.text("LL=0x0 525400aa0010525400aa00200800 NH=45");
    const s20 = a.mac("52:54:00:aa:00:20");
    const s10 = a.mac("52:54:00:aa:00:10");
    expect(s20).not.toBe(s10);
    expect(log).toBe(`MAC=${s10}:${s20}:08:00 SRC=10.0.0.1`);
    expect(ebt).toBe(`MAC source = ${s20} MAC dest = ${s10}`);
    expect(short).toBe(
      `MACSRC=${s20.replace(/(^|:)0([0-9a-f])/g, "$1$2")} MACDST=${s10.replace(/(^|:)0([0-9a-f])/g, "$1$2")}`,
    );
    expect(hex).toBe(`LL=0x0 ${s10.replaceAll(":", "")}${s20.replaceAll(":", "")}0800 NH=45`);
    expect(a.text("ff:ff:ff:ff:ff:ff")).toBe("ff:ff:ff:ff:ff:ff");
  });

  it("rewrites the IPv4 addresses of an xtables-monitor network header, bytes of 0x80 and more sign-extended", () => {
    const a = new Anonymizer();
    // 81.2.69.20 -> 10.0.0.2 (81=0x51, 2, 69=0x45, 20=0x14); TTL 0xbd sign-extended.
    const nh = "4500003c3fffffffbd40003f06ffffffb5ffffff9b510245140a000002";
    const out = a.text(`NH=${nh}`);
    const stand = a
      .address("81.2.69.20")
      .split(".")
      .map((n) => (Number(n) >= 128 ? "ffffff" : "") + Number(n).toString(16).padStart(2, "0"))
      .join("");
    expect(out).toBe(`NH=${nh.replace("51024514", stand)}`);
  });

  it("finds the host name in every envelope that prints one, and the anonymised log keeps none", () => {
    const message = "iptable/filter-FORWARD IN=docker0 OUT=eth0 SRC=172.17.0.2 DST=198.51.100.10 PROTO=ICMP ";
    const withHost = ENVELOPES.filter((kind) =>
      formatEnvelope(kind, message, { host: "prod-db-7" }).includes("prod-db-7"),
    );
    // The journal and syslog forms, RFC 5424 and ulogd: every form with a host field.
    expect(withHost.length).toBeGreaterThanOrEqual(8);
    for (const kind of withHost) {
      const log = formatEnvelope(kind, message, { host: "prod-db-7" });
      expect(envelopeHostnames(log), kind).toEqual(["prod-db-7"]);
      expect(new Anonymizer(envelopeHostnames(log)).text(log), kind).not.toContain("prod-db-7");
    }
    // journalctl under other locales (strftime's %b names the month): zh_TW, de_DE, fr_FR, ru_RU, ko_KR.
    for (const date of [
      "11月 30 08:31:35",
      " 1月 05 08:31:35",
      "Dez 01 08:31:35",
      "déc. 01 08:31:35",
      "ноя 30 08:31:35",
      "11월 30 08:31:35",
    ]) {
      const log = `${date} prod-db-7 kernel: ${message}`;
      expect(envelopeHostnames(log), date).toEqual(["prod-db-7"]);
      expect(new Anonymizer(envelopeHostnames(log)).text(log), date).not.toContain("prod-db-7");
    }
    // A host whose name ends like a syslog level (`.info` is a top-level domain), with and without BusyBox's level word.
    for (const log of [
      `Nov 30 10:11:12 mysite.info kernel: ${message}`,
      `Nov 30 10:11:12 mysite.info kern.warn kernel: ${message}`,
    ]) {
      expect(envelopeHostnames(log), log).toEqual(["mysite.info"]);
      expect(new Anonymizer(envelopeHostnames(log)).text(log), log).toMatch(/^Nov 30 10:11:12 docker-host /);
    }
    // Trace tools logging through the journal, and journalctl -o verbose/export's own field.
    expect(
      envelopeHostnames(
        [
          "Nov 30 08:31:35 edge-4 xtables-monitor[812]: TRACE: 2 fc475095 raw:PREROUTING:rule:0x3:CONTINUE",
          '2026-11-30T08:31:35.1+00:00 edge-5 nft[4471]: trace id 1a2b3c4d ip filter input packet: iif "eth0"',
          "    _HOSTNAME=edge-6",
        ].join("\n"),
      ),
    ).toEqual(["edge-4", "edge-5", "edge-6"]);
    // dmesg forms print no host: nothing is taken from them.
    expect(envelopeHostnames(formatEnvelope("dmesg", message))).toEqual([]);
    expect(envelopeHostnames(formatEnvelope("dmesg-T", message))).toEqual([]);
  });

  it("replaces the host names syslog envelopes print", () => {
    const log = "Nov 30 08:31:35 prod-docker-7 kernel: [  1.0] x IN=eth0 OUT=";
    const names = envelopeHostnames(log);
    expect(names).toEqual(["prod-docker-7"]);
    expect(new Anonymizer(names).text(log)).toBe(
      "Nov 30 08:31:35 docker-host kernel: [  1.0] x IN=eth0 OUT=",
    );
  });

  it("finds the host of journalctl's JSON forms and leaves nothing of it, nor of a byte-array MESSAGE's address", () => {
    const message = "fw/iptable/filter-INPUT IN=eth0 OUT= SRC=81.2.69.20 DST=10.0.0.2 PROTO=ICMP ";
    const bytes = JSON.stringify([...Buffer.from(message.replace("fw", "r\xe9seau"), "latin1")]);
    const log = [
      `{"__REALTIME_TIMESTAMP":"1796093523958230","_HOSTNAME":"prod-db-7","MESSAGE":${JSON.stringify(message)}}`,
      `\x1e{"_HOSTNAME":"prod-db-7","MESSAGE":${bytes}}`,
      '\t"_HOSTNAME" : "prod-db-7",',
    ].join("\n");
    for (const line of log.split("\n")) expect(envelopeHostnames(line), line).toEqual(["prod-db-7"]);
    const out = new Anonymizer(envelopeHostnames(log)).text(log);
    expect(out).not.toContain("prod-db-7");
    expect(out).not.toContain("81.2.69.20");
    // The byte array became a string (its invalid byte U+FFFD), with the address's stand-in in it.
    expect(out).toContain('"MESSAGE":"r\uFFFDseau/iptable/filter-INPUT IN=eth0 OUT= SRC=');
  });

  it("finds the host of a coloured journal line and leaves neither the host nor the codes", () => {
    const log =
      "2026-12-01T02:52:03.958230+0000 \x1b[1mprod-db-7\x1b[0m kernel: \x1b[0;1;39mfw IN=eth0 OUT= SRC=81.2.69.20 \x1b[0m";
    expect(envelopeHostnames(log)).toEqual(["prod-db-7"]);
    const out = new Anonymizer(envelopeHostnames(log)).text(log);
    expect(out).toBe("2026-12-01T02:52:03.958230+0000 docker-host kernel: fw IN=eth0 OUT= SRC=203.0.113.20 ");
  });
  it("replaces public IPv6 addresses by documentation ones, one /48 for each, in the form they were written", () => {
    const a = new Anonymizer();
    const log =
      "[ 9.1] fwd6 IN=br-a OUT=eth0 MAC=02:42:ac:14:00:01:02:42:ac:14:00:02:86:dd SRC=2a01:04f8:0c17:1234:0000:0000:0000:0002 DST=2a00:1450:4001:0829:0000:0000:0000:200e LEN=104 ";
    const nft = '\t\tip6 saddr 2a01:4f8:c17:1234::/64 oifname != "br-a" masquerade\n\t\tip6 daddr ::1 accept';
    const out = a.text(`${log}\n${nft}\n08:31:35 02:42:ac:14:00:02 fd00:a::2 fe80::1 2001:db8:2::10`);
    expect(out).toContain(
      "SRC=2001:0db8:0001:1234:0000:0000:0000:0002 DST=2001:0db8:0002:0829:0000:0000:0000:200e ",
    );
    // The same /48 gets the same stand-in, written short where it was short.
    expect(out).toContain("ip6 saddr 2001:db8:1:1234::/64 oifname");
    // Not public (loopback, ULA, link-local, documentation), a MAC, a time: as they were.
    expect(out).toContain("ip6 daddr ::1 accept");
    expect(out).toContain("\n08:31:35 02:00:00:00:00:02 fd00:a::2 fe80::1 2001:db8:2::10");
    expect(out).toContain("MAC=02:00:00:00:00:01:02:00:00:00:00:02:86:dd");
    expect(out).not.toMatch(/2a01|2a00|04f8|4f8:/);
    expect(a.map().addresses["2a01:4f8:c17:1234::"]).toBe("2001:db8:1:1234::");
    // The map names each address once, in the canonical form, however it was written.
    expect(a.map().addresses["2a01:4f8:c17:1234::2"]).toBe("2001:db8:1:1234::2");
  });
});

describe("Anonymizer and IPv6", () => {
  // Global addresses in text only (nothing is sent): two in one /48, one in another.
  const A1 = "2a01:4f8:c0c:1234::10";
  const A2 = "2a01:4f8:c0c:99::2";
  const B = "2600:1f18:22:ab00:1:2:3:4";
  // A SLAAC address and the link-local one of the interface with MAC 52:54:00:12:34:02.
  const MAC = "52:54:00:12:34:02";
  const SLAAC = "2a01:4f8:c0c:1234:5054:ff:fe12:3402";
  const LINK = "fe80::5054:ff:fe12:3402";

  it("gives each global /48 a 2001:db8:N::/48, the rest of the address kept, the same in every text", () => {
    const a = new Anonymizer();
    const out = a.text(`SRC=${A1} DST=${B} LEN=104 -s 2a01:4f8:c0c::/48 -d ${A2}/128`);
    expect(out).toBe(
      "SRC=2001:db8:1:1234::10 DST=2001:db8:2:ab00:1:2:3:4 LEN=104 -s 2001:db8:1::/48 -d 2001:db8:1:99::2/128",
    );
    expect(a.text(`"local":"${A1}"`)).toBe('"local":"2001:db8:1:1234::10"');
    // Any written form of the same address: upper case, leading zeros, no compression.
    expect(a.text("2A01:04F8:0C0C:1234:0:0:0:10")).toBe("2001:db8:1:1234::10");
    expect(a.map().addresses[A1]).toBe("2001:db8:1:1234::10");
  });

  it("keeps documentation, loopback, multicast, unique-local and IPv4-mapped addresses, MACs and clocks as they are", () => {
    const a = keeps([
      "2001:db8::1",
      "3fff:0:1::5",
      "::1",
      "::",
      "ff02::1",
      "ff02::1:ff99:8877",
      "fd00:1::2",
      "fd12:3456:789a:1::1/64",
      "::ffff:10.0.0.1",
      "Nov 30 10:11:12",
      "10:11:12.123456",
    ]);
    // A MAC is a MAC, not a short IPv6 address.
    expect(a.text("x 02:42:ac:11:00:02 y")).toBe(`x ${a.mac("02:42:ac:11:00:02")} y`);
  });

  it("makes an EUI-64 interface id from its MAC's stand-in, in global and link-local addresses alike", () => {
    const a = new Anonymizer();
    const out = a.text(`MACSRC=${MAC} SRC=${SLAAC} and ${LINK} MAC=${MAC}`);
    // The first MAC stand-in, 02:00:00:00:00:01, as an EUI-64 interface id: 0:ff:fe00:1.
    expect(a.mac(MAC)).toBe("02:00:00:00:00:01");
    expect(out).toBe(
      "MACSRC=02:00:00:00:00:01 SRC=2001:db8:1:1234:0:ff:fe00:1 and fe80::ff:fe00:1 MAC=02:00:00:00:00:01",
    );
    // A MAC written only in a later text (ip -j link) is known once learnt: its multicast follows it.
    const b = new Anonymizer();
    b.learn('"address":"52:54:00:aa:bb:cc"');
    expect(b.text("DST=ff02::1:ffaa:bbcc")).toBe("DST=ff02::1:ff00:1");
    // Neighbour discovery's solicited-node address ends like the MAC: it follows the stand-in.
    expect(a.text("DST=ff02::1:ff12:3402")).toBe("DST=ff02::1:ff00:1");
    // Nothing of the original MAC is left, in any form.
    expect(out).not.toMatch(/5054|fe12|3402|52:54/);
  });

  it("rewrites the IPv6 addresses of an xtables-monitor network header, bytes of 0x80 and more sign-extended", () => {
    const a = new Anonymizer();
    /** Plain hex bytes as xtables-monitor prints them. */
    const xt = (hex: string) =>
      (hex.match(/../g) ?? []).map((b) => (Number.parseInt(b, 16) >= 0x80 ? `ffffff${b}` : b)).join("");
    const header = "6000000000203a40";
    // Source 2a01:4f8:c0c:1234::10 (global), destination 2001:db8::1 (documentation, kept).
    const src = "2a0104f80c0c12340000000000000010";
    const dst = "20010db8000000000000000000000001";
    const out = a.text(`NH=${xt(`${header}${src}${dst}8000`)}`);
    expect(out).toBe(`NH=${xt(`${header}20010db8000112340000000000000010${dst}8000`)}`);
  });

  it("leaves no global address of a real-looking IPv6 log, and the parser reads the result alike", async () => {
    const { parseTraceText } = await import("../../../src/core/parse/index.ts");
    const log = [
      `[  100.000001] iptable/raw-PREROUTEIN=eth0 OUT= MAC=33:33:00:00:00:01:${MAC}:86:dd SRC=${SLAAC} DST=${B} LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=12345 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=1 `,
      `[  100.000002] iptable/filter-FORWARDIN=eth0 OUT=docker0 SRC=${SLAAC} DST=${B} LEN=104 TC=0 HOPLIMIT=63 FLOWLBL=12345 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=1 `,
    ].join("\n");
    const out = new Anonymizer().text(log);
    for (const original of ["2a01", "4f8", "c0c", "2600", "1f18", "5054", "fe12:3402"])
      expect(out, original).not.toContain(original);
    const before = parseTraceText(log).packets;
    const after = parseTraceText(out).packets;
    expect(after.map((p) => p.hooks)).toEqual(before.map((p) => p.hooks));
    expect(after).toHaveLength(1);
    expect(after[0]?.summary).toContain("2001:db8:");
  });
});

describe("Anonymizer and IPv4 addresses carried in IPv6 ones", () => {
  // 81.2.69.160 is 5102:45a0 in hex; its stand-in, the first public /24's, 203.0.113.160 is cb00:71a0.
  const V4 = "81.2.69.160";
  const STAND = "203.0.113.160";

  it("NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48): the IPv4 address's own stand-in, in the form written", () => {
    const a = new Anonymizer();
    expect(a.text(`SRC=${V4}`)).toBe(`SRC=${STAND}`);
    const out = a.text(
      [
        "SRC=64:ff9b::5102:45a0 DST=64:ff9b::81.2.69.160",
        "SRC=0064:ff9b:0000:0000:0000:0000:5102:45a0 LEN=104",
        "64:ff9b:1:abcd::5102:45a0 64:ff9b:1::81.2.69.161",
      ].join("\n"),
    );
    expect(out).toBe(
      [
        "SRC=64:ff9b::cb00:71a0 DST=64:ff9b::203.0.113.160",
        "SRC=0064:ff9b:0000:0000:0000:0000:cb00:71a0 LEN=104",
        "64:ff9b:1:abcd::cb00:71a0 64:ff9b:1::203.0.113.161",
      ].join("\n"),
    );
    expect(a.map().addresses["64:ff9b::5102:45a0"]).toBe("64:ff9b::cb00:71a0");
    // Met first inside a NAT64 address, the IPv4 address gets the stand-in it keeps everywhere after.
    const b = new Anonymizer();
    expect(b.text("64:ff9b::5102:45a0")).toBe("64:ff9b::cb00:71a0");
    expect(b.text(V4)).toBe(STAND);
  });

  it("IPv4-mapped, IPv4-translated and IPv4-compatible addresses, hex or dotted", () => {
    const a = new Anonymizer();
    expect(a.text("::ffff:5102:45a0 ::ffff:81.2.69.160 ::ffff:0:5102:45a0 ::5102:45a0 ::81.2.69.160")).toBe(
      "::ffff:cb00:71a0 ::ffff:203.0.113.160 ::ffff:0:cb00:71a0 ::cb00:71a0 ::203.0.113.160",
    );
  });

  it("6to4 (2002:V4::/48): the prefix's IPv4 address, again in the interface id when it is there, an EUI-64 id from its MAC's stand-in", () => {
    const a = new Anonymizer();
    expect(a.text("2002:5102:45a0::1 2002:5102:45a0:1::5102:45a0 2002:5102:45a0:1:5054:ff:fe12:3402")).toBe(
      "2002:cb00:71a0::1 2002:cb00:71a0:1::cb00:71a0 2002:cb00:71a0:1:0:ff:fe00:1",
    );
    expect(a.mac("52:54:00:12:34:02")).toBe("02:00:00:00:00:01");
  });

  it("Teredo (2001::/32): the server's address and the client's, stored with its bits flipped", () => {
    const a = new Anonymizer();
    // Server 81.2.69.160, client 81.2.69.7 flipped (aefd:baf8), port 0x0404 flipped (fbfb).
    expect(a.text("2001:0:5102:45a0:0:fbfb:aefd:baf8")).toBe("2001:0:cb00:71a0:0:fbfb:34ff:8ef8");
    expect(a.text("81.2.69.7")).toBe("203.0.113.7");
  });

  it("ISATAP interface ids under any prefix: the prefix as usual, the IPv4 address by its stand-in", () => {
    const a = new Anonymizer();
    expect(
      a.text("2a01:4f8:c0c:1234:0:5efe:81.2.69.160 fe80::200:5efe:5102:45a0 2001:db8::5efe:5102:45a0"),
    ).toBe("2001:db8:1:1234:0:5efe:203.0.113.160 fe80::200:5efe:cb00:71a0 2001:db8::5efe:cb00:71a0");
  });

  it("keeps what carries no public IPv4 address, and the prefixes alone", () => {
    const a = keeps([
      "64:ff9b::c633:6407",
      "64:ff9b::198.51.100.7",
      "64:ff9b::10.0.0.1",
      "::ffff:172.17.0.2",
      "::ffff:254.1.2.3",
      "ip6 daddr 64:ff9b::/96 accept",
      "2002::/16",
      "2001:db8::5efe:10.1.2.3",
      "::1",
    ]);
    expect(a.map().addresses).toEqual({});
  });

  it("leaves no trace of the public IPv4 address in an ip6tables LOG line, and the parser reads it alike", async () => {
    const { parseTraceText } = await import("../../../src/core/parse/index.ts");
    const log =
      "[  100.000002] iptable/filter-FORWARDIN=eth0 OUT=nat64 SRC=2001:0db8:0000:0000:0000:0000:0000:0010 DST=0064:ff9b:0000:0000:0000:0000:5102:45a0 LEN=104 TC=0 HOPLIMIT=63 FLOWLBL=12345 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=1 ";
    const out = new Anonymizer().text(`${log}\n# nat64 pool for ${V4} and 64:ff9b::81.2.69.160`);
    expect(out).not.toMatch(/5102|45a0|81\.2\.69/);
    expect(out).toContain("DST=0064:ff9b:0000:0000:0000:0000:cb00:71a0 ");
    expect(out).toContain(`# nat64 pool for ${STAND} and 64:ff9b::${STAND}`);
    const [before] = parseTraceText(log).packets;
    const [after] = parseTraceText(out.split("\n")[0] as string).packets;
    expect(after?.hooks).toEqual(before?.hooks);
    expect(after?.summary).toBe(before?.summary.replace("5102:45a0", "cb00:71a0"));
  });
});
