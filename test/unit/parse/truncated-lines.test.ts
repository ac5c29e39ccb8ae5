/**
 * A kernel LOG line cut anywhere never becomes another packet in silence: each
 * cut of a real line either reads as that line's packet with only its last
 * optional fields missing (a cut between fields), or gives a diagnostic.
 * Interface names longer than Linux allows, or not UTF-8, are diagnostics too.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../src/core/model/packet.ts";
import { detectEnvelope, lineBatches, parseLine, parseTraceText } from "../../../src/core/parse/index.ts";
import { TRAILING_SPACE_HINT } from "../../../src/core/parse/parse-hints.ts";
import { findFieldsStart } from "../../../src/core/parse/read-log-fields.ts";

const fixtures = join(import.meta.dirname, "../../fixtures/parse");
const lineOf = (fixture: string, pattern: RegExp): string => {
  const line = readFileSync(join(fixtures, fixture, "input.log"), "utf8")
    .split("\n")
    .find((l) => pattern.test(l));
  if (!line) throw new Error(`no line matching ${pattern} in ${fixture}`);
  return line.replace(/\r$/, "");
};

/** Real lines, recorded from a kernel: one per kind of packet and field layout. */
const REAL = {
  "ICMP echo": lineOf("real-container-to-wan", /PROTO=ICMP TYPE=8/),
  "TCP SYN": lineOf("real-wan-to-published-port", /PROTO=TCP .* SYN /),
  "UDP with UID/GID": lineOf("icmp-error", /PROTO=UDP .*UID=/),
  "ICMP error quoting a packet, MARK": lineOf("icmp-error", /TYPE=3 .*\[.*\] MARK=/),
  "legacy TRACE with SEQ/ACK and TCP options": lineOf("legacy-trace", /TRACE: .*OPT \(/),
};

/** The packet fields of an event, without where it was read. */
function fields(ev: TraceEvent): Record<string, unknown> {
  const { raw: _r, position: _p, time: _t, envelope: _e, ...rest } = ev;
  return JSON.parse(JSON.stringify(rest));
}

/** Whether every value `part` has is the one `whole` has (arrays: a prefix of it). */
function within(part: unknown, whole: unknown): boolean {
  if (Array.isArray(part))
    return Array.isArray(whole) && part.every((v, i) => JSON.stringify(v) === JSON.stringify(whole[i]));
  if (part && typeof part === "object")
    return (
      !!whole &&
      typeof whole === "object" &&
      Object.entries(part).every(([k, v]) => within(v, (whole as Record<string, unknown>)[k]))
    );
  return part === whole;
}

describe("a real LOG line cut at every position", () => {
  for (const [name, line] of Object.entries(REAL)) {
    it(`${name}: each cut is the same packet's fields up to a field boundary, or a diagnostic`, () => {
      const full = parseTraceText(line, { file: "cut.log" });
      expect(full.diagnostics).toEqual([]);
      const whole = full.packets[0]?.events[0] as TraceEvent;
      expect(whole).toBeDefined();
      const fieldsAt = findFieldsStart(line, detectEnvelope(line).bodyStart);
      let silent = 0;
      let diagnosed = 0;
      for (let k = 0; k < line.length; k++) {
        const cut = line.slice(0, k);
        const r = parseTraceText(cut, { file: "cut.log" });
        const where = `cut after ${k} characters: '${cut.slice(-30)}'`;
        if (r.diagnostics.length > 0) {
          diagnosed++;
          for (const d of r.diagnostics)
            expect(d.position, where).toMatchObject({ file: "cut.log", line: 1 });
          continue;
        }
        silent++;
        const ev = r.packets[0]?.events[0];
        if (!ev) {
          // Not read as netfilter output: only while the cut holds no whole `IN=` yet.
          expect(k, where).toBeLessThan(fieldsAt + 3);
          expect(r.skippedLines, where).toBe(cut.trim() ? 1 : 0);
          continue;
        }
        // Read without a word: only between two fields (the space after the last one lost, as a paste
        // loses it: nf_log_syslog may end the line at that field), and only fields of the whole line.
        expect(cut.endsWith(" ") || line[k] === " ", where).toBe(true);
        expect(within(fields(ev), fields(whole)), `${where}: ${JSON.stringify(fields(ev))}`).toBe(true);
      }
      expect(diagnosed).toBeGreaterThan(silent);
    });
  }

  it("the issue's cases: 'PROTO=' is not UDP, 'PROTO=I' is not protocol I", () => {
    const line = REAL["ICMP echo"];
    for (const end of ["PROTO=", "PROTO=I", "PROTO=IC", "PROTO=ICM"]) {
      const cut = line.slice(0, line.indexOf("PROTO=") + end.length);
      const r = parseLine(cut);
      expect(r.result.kind, end).toBe("error");
      if (r.result.kind === "error") expect(r.result.column).toBe(line.indexOf("PROTO=") + 7);
    }
    const r = parseLine(line.slice(0, line.indexOf("PROTO=") + "PROTO=ICMP ".length));
    expect(r.result).toMatchObject({ kind: "error", message: "expected TYPE= before the end of the line" });
  });

  it("a line that lost its last space where nf_log_syslog goes on (UID= without GID=) warns once for the log, with the count", () => {
    // nf_log_dump_sk_uid_gid prints `UID=%u GID=%u ` in one go: a line ending at UID= was cut.
    const line = REAL["UDP with UID/GID"];
    const cut = line.slice(0, line.indexOf(" GID="));
    const r = parseTraceText([cut, cut, cut].join("\n"), { file: "x.log" });
    expect(r.packets).toHaveLength(3);
    expect(r.diagnostics).toEqual([
      {
        severity: "warning",
        message:
          "the line ends without the space the kernel prints after every field: its last field 'UID=0' may be cut short (3 lines)",
        hint: TRAILING_SPACE_HINT,
        position: { file: "x.log", line: 1, column: cut.lastIndexOf("UID=") + 1 },
      },
    ]);
  });

  // Real pastes (forum posts, GitHub issues): the kernel ended each line with the field shown, and a
  // space the paste lost. nf_log_syslog.c: TCP ends at `URGP=%u ` or its `OPT (..) `, UDP at `LEN=%u `,
  // an echo at `SEQ=%u `, another ICMP type at `CODE=%u `, a protocol it does not decode at `PROTO=%u `,
  // then `MARK=0x%x ` when the packet has a mark.
  it.each([
    [
      "UDP ending at LEN= (csf, 66-big.log)",
      "Apr 14 12:03:44 kronos kernel: Firewall: *UDP_IN Blocked* IN=eth0 OUT= MAC=f2:3c:91:73:95:75:84:78:ac:5a:0b:41:08:00 SRC=72.14.188.5 DST=69.164.201.85 LEN=160 TOS=0x00 PREC=0x00 TTL=63 ID=1 PROTO=UDP SPT=53 DPT=64614 LEN=140",
    ],
    [
      "TCP ending at URGP= (ufw, wazuh issue)",
      "Dec 26 09:05:47 server01 kernel: [126140.629122] [UFW BLOCK] IN=eth0 OUT=ppp0 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd SRC=254.253.252.251 DST=191.192.193.194 LEN=52 TOS=0x02 PREC=0x00 TTL=128 ID=9209 DF PROTO=TCP SPT=17833 DPT=22 WINDOW=8192 RES=0x00 CWR ECE SYN URGP=0",
    ],
    [
      "TCP ending at its options (kubernetes issue)",
      "Jun 27 16:23:51 ip-172-27-223-103 kernel: TRACE: raw:PREROUTING:policy:2 IN=docker0 OUT= PHYSIN=vetheec1f01 MAC=02:42:17:38:ba:06:02:42:c0:a8:ae:99:08:00 SRC=192.168.174.153 DST=192.168.1.153 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=21769 DF PROTO=TCP SPT=50148 DPT=9123 SEQ=3556957853 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080AC3C28B940000000001030307)",
    ],
    [
      "TCP ending at MARK= (calico)",
      "Apr  9 17:02:08 node32 kernel: TRACE: filter:FORWARD:rule:1 IN=calieaf0cb8d5bc OUT=ens3 MAC=ee:ee:ee:ee:ee:ee:6a:1c:76:89:28:6e:08:00 SRC=177.177.51.193 DST=192.168.205.31 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=51237 DF PROTO=TCP SPT=58976 DPT=8443 SEQ=3000208233 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A8842580B0000000001030307) MARK=0x40000",
    ],
    [
      "ICMPv6 router solicitation ending at CODE= (firewalld)",
      "Dec 20 11:01:41 host kernel: rpfilter_DROP: IN=eth0 OUT= MAC=33:33:00:00:00:02:34:40:b5:ab:f2:b8:86:dd SRC=fe80:0000:0000:0000:3640:b5ff:feab:f2b8 DST=ff02:0000:0000:0000:0000:0000:0000:0002 LEN=56 TC=0 HOPLIMIT=255 FLOWLBL=148171 PROTO=ICMPv6 TYPE=133 CODE=0",
    ],
    [
      "IGMP ending at PROTO=2 (ufw)",
      "[38518.786179] [UFW BLOCK] IN=wlp4s0 OUT= MAC=01:00:5e:00:00:01:58:98:35:22:b0:4c:08:00 SRC=192.168.1.254 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=41080 DF PROTO=2",
    ],
    ["ICMP echo ending at SEQ= (recorded)", REAL["ICMP echo"].trimEnd()],
  ])("%s: read without a warning when its last space is lost", (_what, line) => {
    const r = parseTraceText(line, {
      file: "paste.log",
      prefixMap: { "Firewall: *UDP_IN Blocked*": "ip:filter:INPUT" },
    });
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics.filter((d) => d.message.includes("trailing") || d.message.includes("cut"))).toEqual(
      [],
    );
    expect(r.diagnostics.map((d) => d.message).join()).not.toContain("ends without the space");
  });

  it("a line that ends right after its devices, with the kernel's space, is an error: a netconsole fragment is no packet", () => {
    const line = REAL["ICMP echo"];
    for (const end of [" OUT= ", " OUT=eth0 ", " OUT= PHYSIN=veth1 "]) {
      const head = line.slice(0, line.indexOf(" OUT="));
      const cut = head + end;
      const r = parseTraceText(cut, { file: "x.log" });
      expect(r.packets, end).toEqual([]);
      expect(r.diagnostics, end).toMatchObject([
        {
          severity: "error",
          message: `expected MAC= or SRC= after '${end.trim().split(" ").pop()}', found the end of the line`,
          position: { line: 1, column: cut.trimEnd().length + 1 },
        },
      ]);
    }
  });
});

describe("interface names", () => {
  const withIn = (name: string) => REAL["ICMP echo"].replace("IN=docker0 ", `IN=${name} `);

  it("accepts 15 characters and reports 16 or more, never skipping the line in silence", () => {
    expect(parseLine(withIn("a".repeat(15))).result.kind).toBe("event");
    for (const n of [16, 17, 18, 40]) {
      const line = withIn("a".repeat(n));
      const r = parseTraceText(line, { file: "x.log" });
      expect(r.skippedLines).toBe(0);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({
        severity: "error",
        message: `IN= names an interface of ${n} characters, longer than Linux allows (15)`,
        position: { column: line.indexOf("IN=") + 4 },
      });
    }
  });

  it("reports a name that is not UTF-8 at its byte, in LOG and ebtables lines", async () => {
    const enc = new TextEncoder();
    const bad = (text: string) => {
      const [head, tail] = text.split("docker0") as [string, string];
      return new Uint8Array([...enc.encode(head), 0x64, 0xff, 0x6b, ...enc.encode(tail)]);
    };
    const ebt =
      "[  970.733330] pwid/ebtable/nat-PREROUTE IN=docker0 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=172.17.0.2 IP DST=172.17.0.3, IP tos=0x00, IP proto=1";
    for (const text of [REAL["ICMP echo"], ebt]) {
      const lines: string[] = [];
      async function* one() {
        yield bad(`${text}\n`);
      }
      for await (const b of lineBatches(one())) lines.push(...b);
      const r = parseTraceText(lines.join("\n"), { file: "x.log" });
      expect(r.packets).toHaveLength(0);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]?.message).toMatch(/^IN= holds bytes that are not UTF-8/);
      expect(r.diagnostics[0]?.position.column).toBe(text.indexOf("IN=docker0") + 5);
    }
  });
});

describe("a LOG line shortened by hand with '...'", () => {
  it("is refused at the ellipsis, not as a line cut at its end", () => {
    const line =
      "Apr 29 07:23:27 pve kernel: FW-FORWARD-SCAN: IN=vmbr0 OUT=vmbr0 PHYSIN=veth104i0 PHYSOUT=veth103i0 ... SRC=172.16.5.74 DST=172.16.5.73 ... DPT=22 ... SYN";
    const r = parseTraceText(line, { file: "forum.log" });
    expect(r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`)).toEqual([
      `1:${line.indexOf(" ... ") + 2} expected the kernel's next field, found '...': part of the line was left out`,
    ]);
  });
});
