/**
 * The forms log pipelines export kernel lines in, beyond journald's: Wazuh's alerts.json,
 * Elasticsearch / OpenSearch documents and search output, ECS's `event.original`, Fluentd's file
 * output, Graylog's CSV export, Fluent Bit's stdout output and `dmesg -J`'s pretty JSON. Each is
 * read with the time and host it gives, columns pointing into the line as saved. The samples follow
 * each tool's documented output; the LOG line is a real capture (traces/docker-bridge-nft).
 */
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { parseTraceText, TraceParser } from "../../../src/core/parse/index.ts";

const LOG =
  "pwpc/nft/ip/docker-bridges/filter-FORWARDIN=docker0 OUT=docker0 PHYSIN=veth-c1 PHYSOUT=veth-c2 MAC=02:42:ac:11:00:03:02:42:ac:11:00:02:08:00 SRC=172.17.0.2 DST=172.17.0.3 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=37417 DF PROTO=ICMP TYPE=8 CODE=0 ID=7026 SEQ=1 ";
const HOOK = "ip:docker-bridges:filter-FORWARD";
const SYSLOG = `Mar  5 10:15:42 fw01 kernel: [ 3712.122544] ${LOG}`;
const AT = Date.parse("2024-03-05T10:15:42.250Z") / 1000;

/** What a user sees of the one packet of `text`: hook, time, host, envelope, column; and the diagnostics. */
function seen(text: string) {
  const r = parseTraceText(text, { file: "x.log" });
  const ev = r.packets[0]?.events[0];
  return {
    packets: r.packets.length,
    event: ev && {
      hook: ev.hook,
      time: ev.time,
      host: ev.host,
      envelope: ev.envelope,
      line: ev.position.line,
      column: ev.position.column,
    },
    diagnostics: r.diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message}`),
  };
}

describe("Wazuh alerts.json", () => {
  it("reads full_log, with the alert's time and the syslog head's host", () => {
    const alert = JSON.stringify({
      timestamp: "2024-03-05T10:15:42.250+0000",
      rule: { level: 3, description: "iptables: firewall event", id: "4100", groups: ["iptables"] },
      agent: { id: "000", name: "wazuh-manager" },
      manager: { name: "wazuh-manager" },
      id: "1709633742.123456",
      full_log: SYSLOG,
      predecoder: { program_name: "kernel", timestamp: "Mar  5 10:15:42", hostname: "fw01" },
      decoder: { name: "kernel" },
      location: "/var/log/kern.log",
    });
    expect(seen(alert)).toEqual({
      packets: 1,
      event: {
        hook: HOOK,
        time: AT,
        host: "fw01",
        envelope: "journal-json",
        line: 1,
        column: alert.indexOf("pwpc/") + 1,
      },
      diagnostics: [],
    });
  });
});

describe("Elasticsearch and OpenSearch", () => {
  const source = { "@timestamp": "2024-03-05T10:15:42.250Z", message: LOG, host: { name: "fw01" } };

  it("reads a hit a line (its _source), a bare document and ECS's event.original, with time and host", () => {
    const hit = JSON.stringify({ _index: "filebeat-8.12.0", _id: "aXb3", _score: 1, _source: source });
    const bare = JSON.stringify(source);
    const ecs = JSON.stringify({
      "@timestamp": "2024-03-05T10:15:42.250Z",
      event: { module: "iptables", original: SYSLOG },
      host: { hostname: "fw02" },
    });
    for (const [line, host] of [
      [hit, "fw01"],
      [bare, "fw01"],
      // The syslog head's host comes first: the line as received names it.
      [ecs, "fw01"],
    ] as const)
      expect(seen(line).event).toEqual({
        hook: HOOK,
        time: AT,
        host,
        envelope: "journal-json",
        line: 1,
        column: line.indexOf("pwpc/") + 1,
      });
  });

  it("reads ?pretty search output's message lines with the @timestamp line before them", () => {
    const pretty = JSON.stringify(
      {
        took: 4,
        timed_out: false,
        hits: { total: { value: 1 }, hits: [{ _index: "logs", _id: "1", _source: source }] },
      },
      null,
      2,
    ).replace(/": /g, '" : ');
    const r = seen(pretty);
    const lines = pretty.split("\n");
    const at = lines.findIndex((l) => l.includes('"message"'));
    expect(r.event).toEqual({
      hook: HOOK,
      time: AT,
      // `host` is printed after `message` here: read all the same, as the hit on one line gives it.
      host: "fw01",
      envelope: "journal-json",
      line: at + 1,
      column: (lines[at] as string).indexOf("pwpc/") + 1,
    });
    expect(r.diagnostics).toEqual([]);
  });

  it("keeps the @timestamp over a nested object printed between it and the message (Filebeat's agent, host, log)", () => {
    const nested = {
      "@timestamp": source["@timestamp"],
      host: { name: "fw01" },
      log: { offset: 7 },
      message: LOG,
    };
    const pretty = JSON.stringify(
      { hits: { hits: [{ _source: nested }, { _source: nested }] } },
      null,
      2,
    ).replace(/": /g, '" : ');
    const r = parseTraceText(pretty, { file: "es.json" });
    expect(r.packets.map((p) => p.events[0]?.time)).toEqual([AT, AT]);
  });

  it("gives a pretty record's line the host of its host object (name, else hostname) or host field, as a one-line record's", () => {
    const doc = (host: unknown) =>
      JSON.stringify(
        { "@timestamp": source["@timestamp"], host, agent: { hostname: "shipper" }, message: LOG },
        null,
        2,
      );
    // Filebeat's ECS host object, the hostname only, and a plain host field (Logstash's).
    const text = [doc({ name: "fw01", hostname: "fw01.lan" }), doc({ hostname: "fw02" }), doc("fw03")].join(
      "\n",
    );
    const r = parseTraceText(text, { file: "es.json" });
    expect(r.packets.map((p) => [p.events[0]?.host, p.events[0]?.time])).toEqual([
      ["fw01", AT],
      ["fw02", AT],
      ["fw03", AT],
    ]);
    // Each record names its own: one without a host gets none from the record before it.
    const bare = JSON.stringify({ message: LOG }, null, 2);
    expect(
      parseTraceText([doc({ name: "fw01" }), bare].join("\n")).packets.map((p) => p.events[0]?.host),
    ).toEqual(["fw01", undefined]);
  });

  it("gives a pretty record's line the host printed after its message, at the message's own line", () => {
    const doc = (host: string, id: string) =>
      JSON.stringify(
        {
          message: LOG.replace("ID=37417", `ID=${id}`),
          "@timestamp": source["@timestamp"],
          host: { name: host },
        },
        null,
        2,
      );
    const text = `${doc("fw01", "1")}\n${doc("fw02", "2")}\n`;
    const r = parseTraceText(text, { file: "es.json" });
    const lines = text.split("\n");
    expect(r.packets.map((p) => [p.events[0]?.host, p.events[0]?.time, p.events[0]?.position.line])).toEqual([
      ["fw01", AT, lines.findIndex((l) => l.includes("ID=1 ")) + 1],
      ["fw02", AT, lines.findIndex((l) => l.includes("ID=2 ")) + 1],
    ]);
    // A record that ends without a host, or a file cut inside one: the line is read without a host.
    const cut = doc("fw01", "3").split("\n").slice(0, 2).join("\n");
    expect(parseTraceText(cut).packets.map((p) => p.events[0]?.host)).toEqual([undefined]);
  });

  it("keeps a pretty record's time and host per parser: two parsers reading at once share neither", () => {
    const lines = JSON.stringify(
      { "@timestamp": source["@timestamp"], host: { name: "fw01" }, message: LOG },
      null,
      2,
    ).split("\n");
    const at = lines.findIndex((l) => l.includes('"message"'));
    const got: Packet[] = [];
    const a = new TraceParser((p) => got.push(p), { file: "a.json" });
    for (const l of lines.slice(0, at)) a.line(l);
    // A second parser made (the parallel parse's inline mode, the playground's worker) and reading its own record.
    const b = new TraceParser(() => {}, { file: "b.json" });
    b.line('  "@timestamp" : "2030-01-01T00:00:00Z",');
    b.line('  "host" : "other",');
    for (const l of lines.slice(at)) a.line(l);
    a.end();
    expect(got.map((p) => [p.events[0]?.host, p.events[0]?.time])).toEqual([["fw01", AT]]);
  });

  it("warns at a whole search response on one line, saying how to print one document a line", () => {
    const response = JSON.stringify({
      took: 4,
      timed_out: false,
      hits: { total: { value: 1 }, hits: [{ _index: "logs", _id: "1", _source: source }] },
    });
    const r = parseTraceText(response);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        1,
        "expected one log record a line, found an Elasticsearch or OpenSearch search response (its documents in hits.hits on this one line): not read (1 line)",
      ],
    ]);
    expect(r.diagnostics[0]?.hint).toContain("jq -c '.hits.hits[]._source'");
  });
});

describe("Fluentd's file output", () => {
  it("reads TIME<TAB>TAG<TAB>{record} by its message or log, with the time and the record's host", () => {
    const syslog = `2024-03-05T10:15:42+0000\tsyslog.kern.warn\t${JSON.stringify({ host: "fw01", ident: "kernel", message: LOG })}`;
    const tail = `2024-03-05T10:15:42+0000\tkern.log\t${JSON.stringify({ log: SYSLOG })}`;
    for (const line of [syslog, tail])
      expect(seen(line).event).toEqual({
        hook: HOOK,
        time: AT - 0.25,
        host: "fw01",
        envelope: "fluentd",
        line: 1,
        column: line.indexOf("pwpc/") + 1,
      });
  });

  it("reports a damaged record at its column in the line", () => {
    const line = `2024-03-05T10:15:42+0000\tkern.log\t{"log":"${LOG}`;
    expect(seen(line).diagnostics).toEqual([
      `1:${line.length + 1} expected '"' closing the string in this journalctl JSON record: the line ends first`,
    ]);
  });
});

describe("Graylog's CSV export", () => {
  it("skips the header row and reads each row's message (doubled quotes, commas), time and source", () => {
    const row = `"2024-03-05T10:15:42.250Z","fw01","${SYSLOG}"`;
    const quoted = `"2024-03-05T10:15:42.250Z","fw01","note ""a, b"" ${LOG}"`;
    const r = seen(['"timestamp","source","message"', row].join("\n"));
    expect(r).toEqual({
      packets: 1,
      event: {
        hook: HOOK,
        time: AT,
        host: "fw01",
        envelope: "csv",
        line: 2,
        column: row.indexOf("pwpc/") + 1,
      },
      diagnostics: [],
    });
    // A quote and a comma inside the message are its own: the prefix keeps them, read whole.
    const q = parseTraceText(quoted);
    expect(q.packets[0]?.events[0]?.position.column).toBe(quoted.indexOf('note ""') + 1);
    expect(q.packets[0]?.events[0]?.prefix).toBe('note "a, b" pwpc/nft/ip/docker-bridges/filter-FORWARD');
    // A row whose time is not quoted.
    const bare = `2024-03-05T10:15:42.250Z,fw01,"${SYSLOG}"`;
    expect(seen(bare).event).toEqual({
      hook: HOOK,
      time: AT,
      host: "fw01",
      envelope: "csv",
      line: 1,
      column: bare.indexOf("pwpc/") + 1,
    });
  });
});

describe("Fluent Bit's stdout output", () => {
  it("reads `[0] tag: [time, {...}]` and the v2.1 `[[time, {}], {...}]` records, with their time and host", () => {
    const old = `[0] kern.log: [1709633742.250000000, {"log"=>"${SYSLOG}"}]`;
    const v21 = `[1] syslog.0: [[1709633742.250000000, {}], {"pri"=>"4", "host"=>"fw01", "ident"=>"kernel", "message"=>"${LOG}"}]`;
    for (const line of [old, v21])
      expect(seen(line).event).toEqual({
        hook: HOOK,
        time: AT,
        host: "fw01",
        envelope: "fluent-bit",
        line: 1,
        column: line.indexOf("pwpc/") + 1,
      });
  });

  it("reads format json_lines by its `date`, and warns at format json's array of records on one line", () => {
    const line = JSON.stringify({ date: 1709633742.25, log: SYSLOG });
    expect(seen(line).event).toEqual({
      hook: HOOK,
      time: AT,
      host: "fw01",
      envelope: "journal-json",
      line: 1,
      column: line.indexOf("pwpc/") + 1,
    });
    const array = JSON.stringify([
      { date: 1709633742.25, log: SYSLOG },
      { date: 1709633743.25, log: SYSLOG },
    ]);
    const r = parseTraceText(array);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        1,
        "expected one log record a line, found a JSON array of records on one line (as Fluent Bit's stdout output prints with format json): not read (1 line)",
      ],
    ]);
    expect(r.diagnostics[0]?.hint).toContain("json_lines");
  });

  it("leaves a dmesg line with a whole-second stamp to dmesg", () => {
    expect(seen(`[12345.000001] ${LOG}`).event?.envelope).toBe("dmesg");
  });
});

describe("dmesg -J", () => {
  it("keeps each record's time, printed on the line before its msg", () => {
    const json = JSON.stringify(
      {
        dmesg: [
          { pri: 4, time: 3712.122544, msg: LOG },
          { pri: 4, time: 3712.122584, msg: "usb 1-1: new high-speed USB device" },
        ],
      },
      null,
      3,
    ).replace("3712.122544", "   3712.122544");
    const r = seen(json);
    expect(r.event).toEqual({
      hook: HOOK,
      time: 3712.122544,
      host: undefined,
      envelope: "journal-json",
      line: 6,
      column: 18,
    });
    expect(r.diagnostics).toEqual([]);
  });
});

describe("a kernel line a gateway (UniFi, EdgeOS) split over two syslog lines", () => {
  const full =
    "[WAN_LOCAL-default-D]IN=eth0 OUT= MAC=f4:92:bf:72:e4:fc:cc:79:d7:46:ce:af:08:00 SRC=198.51.100.20 DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=58 ID=31001 DF PROTO=TCP SPT=51000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ";
  const head = "Mar  5 10:15:42 USG kernel: ";

  it("says the second part is the rest of a LOG line, between fields or inside one, counted once", () => {
    for (const cut of [full.indexOf("SPT="), full.indexOf("MAC=") + 20]) {
      const text = `${head}${full.slice(0, cut)}\n${head}${full.slice(cut)}\n${head}${full.slice(0, cut)}\n${head}${full.slice(cut)}`;
      const r = parseTraceText(text);
      expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
        [
          "error",
          1,
          head.length + cut + 1,
          expect.stringMatching(/^expected (SPT|SRC)= before the end of the line$/),
        ],
        [
          "warning",
          2,
          head.length + 1,
          "expected the start of a kernel LOG line, found the rest of one on a line of its own: the sender split the line in two syslog messages, and this part was not read (2 lines)",
        ],
        [
          "error",
          3,
          head.length + cut + 1,
          expect.stringMatching(/^expected (SPT|SRC)= before the end of the line$/),
        ],
      ]);
      expect(r.diagnostics[1]?.hint).toMatch(/line before holds the start/);
    }
  });

  it("says the rest of a line as the input's first line lacks its start (a paste begun inside it), not a sender's split", () => {
    // netdata's issue: the paste began inside a line; its next line is whole.
    const text = ` TTL=128 ID=31585 PROTO=UDP SPT=137 DPT=137 LEN=58 MARK=0 \n${head}${full}\n${head}SPT=51000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 `;
    const r = parseTraceText(text, { file: "x.log" });
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.message, d.hint])).toEqual([
      [
        1,
        2,
        "expected the start of a kernel LOG line, found the rest of one as the input's first line: its start is missing (the copy began inside the line), and this part was not read (1 line)",
        "copy the log from the start of a line (its time stamp), or drop this first line: the packet it ends cannot be read without its start",
      ],
      [
        3,
        head.length + 1,
        "expected the start of a kernel LOG line, found the rest of one on a line of its own: the sender split the line in two syslog messages, and this part was not read (1 line)",
        expect.stringMatching(/^the line before holds the start/),
      ],
    ]);
  });

  it("leaves other kernel messages with capitals alone", () => {
    const r = parseTraceText(
      `${head}ACPI: PM: Preparing to enter system sleep state S3\n${head}EXT4-fs (sda1): mounted`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.skippedLines).toBe(2);
  });
});

describe("Docker's json-file log driver", () => {
  // As /var/lib/docker/containers/<id>/<id>-json.log holds a line: the line's own newline kept in `log`.
  const RECORD = (end: string) =>
    `{"log":"Dec  7 09:20:00 web1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.7 DST=192.0.2.5 LEN=44 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=41111 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0 ${end}","stream":"stdout","time":"2024-12-07T09:20:00.123456789Z"}`;

  it.each([
    ["\\n", "a newline"],
    ["\\r\\n", "a CR LF"],
  ])("reads the record's line without its final %s (%s), which is no field", (end) => {
    const r = parseTraceText(RECORD(end), { file: "c-json.log" });
    expect(r.diagnostics).toEqual([]);
    expect(r.packets).toHaveLength(1);
    expect(r.packets[0]?.events[0]?.time).toBe(Date.parse("2024-12-07T09:20:00.123Z") / 1000);
  });
});
