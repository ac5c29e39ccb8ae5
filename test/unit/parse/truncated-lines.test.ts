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
        // Read without a word: only between two fields, and only fields of the whole line.
        expect(cut.endsWith(" "), where).toBe(true);
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

  it("a value cut at the very end is a warning: the kernel ends every field with a space", () => {
    const line = REAL["ICMP echo"].replace(/SEQ=1 $/, "SEQ=12 ");
    const r = parseTraceText(line.slice(0, -2), { file: "x.log" });
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      severity: "warning",
      message:
        "the line ends without the space the kernel prints after every field: its last field 'SEQ=1' may be cut short",
      position: { line: 1, column: line.lastIndexOf("SEQ=") + 1 },
    });
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
