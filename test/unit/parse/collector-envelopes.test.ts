/**
 * Envelopes a container runtime, a log viewer or an appliance's syslog put around a kernel line,
 * found in users' pastes (session 51's corpus): each line reads as the same line without the
 * envelope, at the columns of the line as saved, with the host the envelope names.
 */
import { describe, expect, it } from "vitest";
import type { PrefixHooks } from "../../../src/core/model/hook.ts";
import { detectEnvelope, parseTraceText } from "../../../src/core/parse/index.ts";

/** A ufw drop as the kernel prints it (the message, from the corpus's pastes). */
const UFW =
  "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.7 DST=192.0.2.5 LEN=44 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=41111 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0 ";

/** Each packet's hook, prefix, envelope, host, time and column (1-based) of its message; the diagnostics. */
function read(text: string) {
  const r = parseTraceText(text, { file: "paste.log" });
  return {
    events: r.packets.flatMap((p) =>
      p.events.map((e) => ({
        hook: e.hook,
        prefix: e.prefix,
        envelope: e.envelope,
        host: e.host,
        time: e.time,
        line: e.position.line,
        column: e.position.column,
      })),
    ),
    diagnostics: r.diagnostics.map((d) => `${d.position.line}:${d.position.column}: ${d.message}`),
  };
}

describe("Kubernetes' container logs (CRI: /var/log/containers/*.log, /var/log/pods/...)", () => {
  const stamp = "2024-12-07T09:20:00.123456789Z";
  const time = Date.parse("2024-12-07T09:20:00.123Z") / 1000 + 0.000456789;

  it("reads the message after `<time> stdout F `, itself a syslog line or a dmesg line (corpus 54, 57)", () => {
    const text = [
      `${stamp} stdout F Dec  7 09:20:00 web1 kernel: ${UFW}`,
      `${stamp} stdout F ${UFW}`,
      `${stamp} stderr F [ 1234.567890] ${UFW}`,
    ].join("\n");
    const r = read(text);
    expect(r.diagnostics).toEqual([]);
    const head = `${stamp} stdout F `.length;
    expect(r.events.map((e) => [e.hook, e.prefix, e.envelope, e.host, e.line, e.column])).toEqual([
      [
        "ip:filter:INPUT",
        "[UFW BLOCK] ",
        "cri",
        "web1",
        1,
        head + "Dec  7 09:20:00 web1 kernel: ".length + 1,
      ],
      ["ip:filter:INPUT", "[UFW BLOCK] ", "cri", undefined, 2, head + 1],
      ["ip:filter:INPUT", "[UFW BLOCK] ", "cri", undefined, 3, head + "[ 1234.567890] ".length + 1],
    ]);
    // The runtime's time, to its nanoseconds as a double keeps them.
    expect(r.events[1]?.time).toBeCloseTo(time, 6);
    // Not a host: `stdout` is the stream.
    expect(detectEnvelope(`${stamp} stdout F ${UFW}`).hostAt).toBeUndefined();
    expect(detectEnvelope(`${stamp} stderr P ${UFW}`).bodyStart).toBe(head);
  });

  it("joins a line the runtime cut into records (tag P) with the stream's next records, problems said where they are", () => {
    const at = (n: number) => `2024-12-07T09:20:0${n}.000000001Z`;
    const cut = [40, 100];
    const text = [
      `${at(0)} stdout P ${UFW.slice(0, cut[0])}`,
      // The other stream's record, between the parts: read on its own.
      `${at(1)} stderr F level=info msg="probe ok"`,
      `${at(2)} stdout P ${UFW.slice(cut[0], cut[1])}`,
      `${at(3)} stdout F ${UFW.slice(cut[1])}`,
    ].join("\n");
    const r = parseTraceText(text, { file: "pod.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.skippedLines).toBe(1);
    expect(
      r.packets.map((p) => [p.events[0]?.prefix, p.events[0]?.l4?.dport, p.events[0]?.position.line]),
    ).toEqual([["[UFW BLOCK] ", 3389, 1]]);
    // A damaged address in the second part: its error at that record's line and column.
    const bad = text.replace("SRC=198.51.100.7", "SRC=198.51.100.777");
    const e = parseTraceText(bad, { file: "pod.log" }).diagnostics.find((d) => d.severity === "error");
    const line3 = bad.split("\n")[2] as string;
    // At the address, as on the line alone.
    expect([e?.position.line, e?.position.column]).toEqual([3, line3.indexOf("SRC=") + 5]);
  });

  it("keeps a syslog line whose host is named `stdout` a syslog line (no CRI tag after it)", () => {
    const line = `2024-12-07T09:20:00+00:00 stdout kernel: ${UFW}`;
    expect(detectEnvelope(line)).toMatchObject({ kind: "journal-iso", hostAt: 26, kernel: true });
  });
});

describe("Grafana Loki's `logcli query` output: the time, the stream's labels, then the line as shipped", () => {
  it("reads a bare kernel message after the labels, with the host label as the host (corpus 85)", () => {
    const labels = '{host="web1", job="systemd-journal", unit="kernel"}';
    const r = read(`2024-12-07T09:20:00Z ${labels} ${UFW}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.events).toEqual([
      {
        hook: "ip:filter:INPUT",
        prefix: "[UFW BLOCK] ",
        envelope: "loki",
        host: "web1",
        time: Date.parse("2024-12-07T09:20:00Z") / 1000,
        line: 1,
        column: `2024-12-07T09:20:00Z ${labels} `.length + 1,
      },
    ]);
  });

  it('leaves a LOG prefix in braces after dmesg\'s ISO time to the prefix (no name="value" label in it)', () => {
    const fields = UFW.slice(UFW.indexOf("IN="));
    const line = `2024-12-07T09:00:04,123456+00:00 {FW-DROP} ${fields}`;
    expect(detectEnvelope(line).kind).not.toBe("loki");
    expect(read(line).events.length === 0 || read(line).events[0]?.prefix === "{FW-DROP} ").toBe(true);
    expect(
      parseTraceText(line)
        .diagnostics.map((d) => d.message)
        .join(" "),
    ).toContain("'{FW-DROP}'");
  });

  it("takes the host of the shipped syslog line before the label's, and none from a label of another name", () => {
    const line = `2024-12-07T09:20:00Z {host="web1"} Dec  7 09:20:00 fw2 kernel: ${UFW}`;
    expect(read(line).events.map((e) => e.host)).toEqual(["fw2"]);
    const other = `2024-12-07T09:20:00Z {job="varlogs", ghost="x"} ${UFW}`;
    expect(detectEnvelope(other).hostAt).toBeUndefined();
  });
});

describe("`docker compose logs` and `docker-compose logs`: the service's name, its padding, `| `", () => {
  it("reads the message after the service's prefix, with and without -t's time (corpus 59)", () => {
    const text = [
      `web1 | ${UFW}`,
      `web1-1  | ${UFW}`,
      `proj_web_1   | 2024-12-07T09:20:00.123456789Z ${UFW}`,
      `web1-1  | Dec  7 09:20:00 fw2 kernel: ${UFW}`,
    ].join("\n");
    const r = read(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.events.map((e) => [e.hook, e.prefix, e.envelope, e.host, e.line, e.column])).toEqual([
      ["ip:filter:INPUT", "[UFW BLOCK] ", "compose", undefined, 1, "web1 | ".length + 1],
      ["ip:filter:INPUT", "[UFW BLOCK] ", "compose", undefined, 2, "web1-1  | ".length + 1],
      [
        "ip:filter:INPUT",
        "[UFW BLOCK] ",
        "compose",
        undefined,
        3,
        "proj_web_1   | 2024-12-07T09:20:00.123456789Z ".length + 1,
      ],
      [
        "ip:filter:INPUT",
        "[UFW BLOCK] ",
        "compose",
        "fw2",
        4,
        "web1-1  | Dec  7 09:20:00 fw2 kernel: ".length + 1,
      ],
    ]);
    expect(r.events[2]?.time).toBeCloseTo(Date.parse("2024-12-07T09:20:00.123Z") / 1000, 2);
  });

  it("leaves a LOG prefix holding `|` to the prefix (`|DROP|`, `FW | `: no service name before the bar)", () => {
    const fields = UFW.slice(UFW.indexOf("IN="));
    for (const prefix of ["|DROP| ", "FW | ", "[fw] | "]) {
      expect(detectEnvelope(`${prefix}${fields}`).kind, prefix).toBe("bare");
      expect(detectEnvelope(`[ 1234.567890] ${prefix}${fields}`).bodyStart, prefix).toBe(15);
    }
  });
});

describe("a LOG prefix with a bar (`drop | `) or a compose service's name: the reading under which the line places", () => {
  const fields = UFW.slice(UFW.indexOf("IN="));
  const hooks = (text: string, prefixMap?: PrefixHooks) => {
    const r = parseTraceText(text, { file: "paste.log", ...(prefixMap ? { prefixMap } : {}) });
    return {
      events: r.packets.flatMap((p) =>
        p.events.map((e) => [e.hook, e.prefix, e.envelope, e.position.column]),
      ),
      diagnostics: r.diagnostics.map((d) => `${d.position.line}:${d.position.column}: ${d.message}`),
    };
  };

  it("reads a bare line's `drop | IN=` as its prefix, placed by a map or named in the warning", () => {
    // Before, the line was compose's service `drop` printing a LOG line without a prefix.
    expect(detectEnvelope(`drop | ${fields}`)).toMatchObject({ kind: "compose", bodyStart: 7, bareAt: 0 });
    expect(hooks(`drop | ${fields}`).diagnostics).toEqual([
      "1:1: unknown LOG prefix 'drop |' (1 line): which table and chain wrote it?",
    ]);
    const text = [
      `drop | ${fields}`,
      `2024-12-07T09:20:00Z stdout F drop | ${fields.replace("ID=54321", "ID=2")}`,
    ].join("\n");
    expect(hooks(text, { "drop |": "ip:filter:INPUT" })).toEqual({
      events: [
        ["ip:filter:INPUT", "drop | ", "bare", 1],
        // Inside a Kubernetes record too: the runtime's envelope, the line's own prefix.
        ["ip:filter:INPUT", "drop | ", "cri", "2024-12-07T09:20:00Z stdout F ".length + 1],
      ],
      diagnostics: [],
    });
  });

  it("keeps a real compose line compose's: its message's prefix places, or its service is a replica", () => {
    const text = [`web1-1  | ${UFW}`, `web1-1  | ${fields.replace("ID=54321", "ID=3")}`].join("\n");
    expect(hooks(text)).toEqual({
      events: [["ip:filter:INPUT", "[UFW BLOCK] ", "compose", "web1-1  | ".length + 1]],
      diagnostics: [
        "2:11: LOG line without a prefix (1 line): which table and chain wrote it? Give the LOG rule a --log-prefix, or map the empty prefix",
      ],
    });
    // A prefix after the bar that places wins over the whole read as one, and the whole when only it places.
    expect(hooks(`fw | drop: ${fields}`, { "drop:": "ip:filter:INPUT" }).events).toEqual([
      ["ip:filter:INPUT", "drop: ", "compose", 6],
    ]);
    expect(hooks(`fw | drop: ${fields}`, { "fw | drop:": "ip:filter:FORWARD" }).events).toEqual([
      ["ip:filter:FORWARD", "fw | drop: ", "bare", 1],
    ]);
  });
});

describe("SnapGear and SecureComputing appliances: a year after the syslog date, klogd's tag", () => {
  it("reads the year as the time's, `klogd: ` as the kernel's tag (corpus 26, 31)", () => {
    // The SG550 manual's example, with and without the priority its relay sends (and its space).
    const fields =
      "IN=eth1 OUT=eth0 SRC=5.6.7.8 DST=192.168.1.1 LEN=48 TOS=0x00 PREC=0x00 TTL=126 ID=45507 DF PROTO=TCP SPT=4088 DPT=25 WINDOW=64240 RES=0x00 SYN URGP=0 ";
    const text = [
      `Jan 24 18:17:19 2000 klogd: filter/FORWARD: ${fields}`,
      `<12> Jan 24 18:17:20 2000 klogd: filter/FORWARD: ${fields.replace("SPT=4088", "SPT=4089")}`,
      `<12>Mar  1 18:17:21 2000 klogd: filter/FORWARD: ${fields.replace("SPT=4088", "SPT=4090")}`,
    ].join("\n");
    const r = read(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.events.map((e) => [e.hook, e.prefix, e.envelope, e.host, e.time, e.column])).toEqual([
      [
        "ip:filter:FORWARD",
        "filter/FORWARD: ",
        "syslog",
        undefined,
        Date.UTC(2000, 0, 24, 18, 17, 19) / 1000,
        29,
      ],
      [
        "ip:filter:FORWARD",
        "filter/FORWARD: ",
        "syslog",
        undefined,
        Date.UTC(2000, 0, 24, 18, 17, 20) / 1000,
        34,
      ],
      // 2000 is a leap year: March 1st is the 61st day.
      [
        "ip:filter:FORWARD",
        "filter/FORWARD: ",
        "syslog",
        undefined,
        Date.UTC(2000, 2, 1, 18, 17, 21) / 1000,
        33,
      ],
    ]);
    // The manual's own prefix is the whole of what the rule printed: a map names its chain.
    const own = parseTraceText(`Jan 24 18:17:19 2000 klogd: Mail for flubber: ${fields}`, {
      prefixMap: { "Mail for flubber:": "ip:filter:FORWARD" },
    });
    expect(own.diagnostics).toEqual([]);
    expect(own.packets.map((p) => [p.events[0]?.hook, p.events[0]?.prefix])).toEqual([
      ["ip:filter:FORWARD", "Mail for flubber: "],
    ]);
  });

  it("keeps a host after the year, and a syslog host that is a number other than a year", () => {
    expect(detectEnvelope(`Jan 24 18:17:19 2000 gw kernel: ${UFW}`)).toMatchObject({
      kind: "syslog",
      hostAt: 21,
      kernel: true,
      time: Date.UTC(2000, 0, 24, 18, 17, 19) / 1000,
    });
    expect(detectEnvelope(`Jan 24 18:17:19 10.0.0.1 kernel: ${UFW}`)).toMatchObject({ hostAt: 16 });
  });
});
