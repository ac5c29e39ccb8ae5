/**
 * `packetwalk` as a pipeline stage: a reader that closes the pipe early ends
 * the command quietly (exit 141, no stack trace), on one thread and on
 * several; an over-long line and a cut line are reported at their line and
 * make `--strict` fail.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSED_OUTPUT_EXIT } from "../../../src/cli/closed-output.ts";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");
const fixture = readFileSync(join(root, "test/fixtures/parse/real-wan-to-published-port/input.log"), "utf8");
let dir = "";
let many = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-parse-cli-"));
  many = join(dir, "many.log");
  // About 2 MB of output: far more than a pipe holds, so the writer meets the closed pipe.
  writeFileSync(many, fixture.repeat(200));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs packetwalk with `args`, closes its standard output after the first chunk; its exit and stderr. */
function headOne(
  args: string[],
): Promise<{ code: number | null; signal: string | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let first = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.stdout.once("data", (d: Buffer) => {
      first = d.toString("utf8").split("\n")[0] as string;
      child.stdout.destroy();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr, first }));
  });
}

describe("a closed standard output", () => {
  for (const [name, args] of [
    ["parse", () => ["parse", many]],
    ["parse --json", () => ["parse", "--json", many]],
    ["parse on two threads", () => ["parse", "--jobs", "2", "--segment-bytes", "65536", many]],
  ] as const) {
    it(`${name}: ends quietly with exit ${CLOSED_OUTPUT_EXIT}`, async () => {
      const r = await headOne(args());
      expect(r.first).toMatch(/^(#1 |\{"packet":1,)/);
      expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.ts:\d+/);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(CLOSED_OUTPUT_EXIT);
    });
  }
});

describe("a closed standard output while a command holds state to tear down", () => {
  it("drops the rest of the output and lets the command run to its end (its cleanup runs)", async () => {
    const marker = join(dir, "finished.txt");
    const script = join(dir, "teardown.mts");
    writeFileSync(
      script,
      [
        `import { writeFileSync } from "node:fs";`,
        `import { handleClosedOutput, outputClosed } from ${JSON.stringify(join(root, "src/cli/closed-output.ts"))};`,
        "handleClosedOutput();",
        // As the capture lab does while its namespaces exist.
        `process.on("SIGTERM", () => {});`,
        `for (let i = 0; i < 3000; i++) {`,
        `  process.stdout.write("x".repeat(1000) + "\\n");`,
        "  await new Promise((r) => setImmediate(r));",
        "}",
        `writeFileSync(${JSON.stringify(marker)}, String(outputClosed()));`,
        "process.exit(0);",
      ].join("\n"),
    );
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
      });
      child.stdout.once("data", () => child.stdout.destroy());
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe("true");
  });
});

describe("problems that --strict turns into a failure", () => {
  const parse = (args: string[]) =>
    spawnSync(process.execPath, [bin, "parse", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

  it("an over-long line: one error at its line, the rest parsed, exit 0 (1 with --strict)", () => {
    const file = join(dir, "long.log");
    const lines = fixture.split("\n");
    writeFileSync(file, [...lines.slice(0, 3), "x".repeat(3 << 20), ...lines.slice(3)].join("\n"));
    const r = parse([file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      `${file}:4:1: error: line is ${3 << 20} bytes long, over the limit of 1048576 bytes: skipped unread`,
    );
    expect(r.stderr.match(/over the limit/g)).toHaveLength(1);
    expect(parse(["--strict", file]).status).toBe(1);
    // A higher limit reads it (as an ordinary non-netfilter line).
    const raised = parse(["--strict", "--max-line-bytes", String(4 << 20), file]);
    expect(raised.stderr).not.toContain("over the limit");
    expect(raised.status).toBe(0);
  });

  it("an over-long line in a file parsed on several threads: the same single error and output", () => {
    const file = join(dir, "long-parallel.log");
    const lines = fixture.repeat(60).split("\n");
    lines.splice(1500, 0, "x".repeat(3 << 20));
    writeFileSync(file, lines.join("\n"));
    const one = parse(["--jobs", "1", file]);
    const two = parse(["--jobs", "2", "--segment-bytes", "65536", file]);
    expect(one.stderr).toContain(`${file}:1501:1: error: line is ${3 << 20} bytes long`);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
  });

  it("a cut line: a diagnostic at its line, exit 1 with --strict", () => {
    const file = join(dir, "cut.log");
    const lines = fixture.split("\n");
    const cut = lines[2] as string;
    lines[2] = cut.slice(0, cut.indexOf("PROTO=") + "PROTO=".length);
    writeFileSync(file, lines.join("\n"));
    const r = parse([file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${file}:3:\\d+: error: expected a protocol after PROTO=`));
    expect(parse(["--strict", file]).status).toBe(1);
  });
});

describe("a log pasted from elsewhere", () => {
  const parse = (args: string[]) =>
    spawnSync(process.execPath, [bin, "parse", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  // A forum post's ufw log: every line lost its trailing space.
  const ufw = (i: number, prefix = "[UFW BLOCK] ") =>
    `Dec  1 10:00:0${i} host kernel: [1234${i}.678901] ${prefix}IN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=198.51.100.7 DST=203.0.113.2 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=424${i} DF PROTO=TCP SPT=5151${i} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0`;

  it("ufw's lines are packets at filter INPUT; the warning they all repeat is printed once, its lines counted", () => {
    const file = join(dir, "ufw.log");
    writeFileSync(file, `${[1, 2, 3, 4, 5].map((i) => ufw(i)).join("\n")}\n`);
    const r = parse([file, "--strict"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/ip:filter:INPUT {2}IN=eth0 OUT=/g)).toHaveLength(5);
    // nf_log_syslog may end a TCP line at URGP= (then the space the paste lost): no warning, --strict passes.
    expect(r.stderr).toContain(
      "5 packets from 5 netfilter lines; 0 other lines skipped; 0 errors, 0 warnings",
    );
    // Cut where the kernel goes on (UID= always comes with GID=): one warning for the log, the lines counted.
    writeFileSync(file, `${[1, 2, 3, 4, 5].map((i) => `${ufw(i)} UID=0`).join("\n")}\n`);
    const cut = parse([file]);
    expect(cut.stderr.match(/its last field 'UID=0' may be cut short \(5 lines\)/g)).toHaveLength(1);
    expect(cut.stderr).toContain(`${file}:1:`);
    expect(cut.stderr).toContain(
      "5 packets from 5 netfilter lines; 0 other lines skipped; 0 errors, 1 warning",
    );
    // One of each is said in the singular.
    const one = join(dir, "ufw-one.log");
    writeFileSync(one, `${ufw(1)} UID=0\nsshd[1]: session opened\n`);
    expect(parse([one]).stderr).toContain(
      "1 packet from 1 netfilter line; 1 other line skipped; 0 errors, 1 warning\n",
    );
  });

  it("a [UFW BLOCK] line says DROP or REJECT, and only on a packet's last line", () => {
    const v6 = (t: string, prefix: string, sport: number) =>
      `[${t}] ${prefix}IN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:86:dd SRC=2001:0db8:0000:0000:0000:0000:0000:0007 DST=2001:0db8:0001:0000:0000:0000:0000:0002 LEN=80 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=TCP SPT=${sport} DPT=23 WINDOW=64800 RES=0x00 SYN URGP=0 `;
    const file = join(dir, "ufw-drop.log");
    // One packet logged by ufw's deny logging and then an audit line (1 µs apart), and one only blocked.
    const lines = [v6("100.000001", "[UFW BLOCK] ", 40000), v6("100.000002", "[UFW AUDIT] ", 40000)];
    writeFileSync(file, `${[...lines, v6("101.0", "[UFW BLOCK] ", 40001)].join("\n")}\n`);
    const r = parse([file]);
    expect(r.status, r.stderr).toBe(0);
    expect(
      r.stdout.match(/dropped at this hook \(DROP or REJECT: ufw logs '\[UFW BLOCK\]' only before it\)/g),
    ).toHaveLength(1);
    expect(r.stdout).not.toContain("(DROP:");
    // --json, sequential and parallel, follows the same rule: the drop only on the event that ends the packet.
    for (const extra of [[], ["--jobs", "2"]]) {
      const j = parse([file, "--json", ...extra]);
      expect(j.status, j.stderr).toBe(0);
      const drops = j.stdout
        .trim()
        .split("\n")
        .map((l) =>
          (JSON.parse(l) as { events: { drop?: { verdict: string } }[] }).events.map((e) => e.drop?.verdict),
        );
      expect(drops).toEqual([[undefined, undefined], ["DROP or REJECT"]]);
    }
  });

  it("lines whose prefixes name no chain: it says no packet could be placed, not that there was none (exit 1)", () => {
    const file = join(dir, "mystery.log");
    writeFileSync(file, `${[1, 2].map((i) => `${ufw(i, "fw-in: ")} `).join("\n")}\n`);
    const r = parse([file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown LOG prefix 'fw-in:' (2 lines)");
    expect(r.stderr).toContain("packetwalk parse: no packet could be placed");
    expect(r.stderr).toContain("--prefix-map FILE");
    expect(r.stderr).not.toContain("no netfilter packets found");
    const empty = join(dir, "empty.log");
    writeFileSync(empty, "Dec  1 10:00:00 host sshd[1]: session opened\n");
    expect(parse([empty]).stderr).toContain(
      "packetwalk parse: no netfilter packets found in the input (1 line read, none a netfilter line)\nhint: packetwalk reads netfilter's LOG lines",
    );
    // Lines a warning named (an audit record of a packet) are not denied to be netfilter's.
    writeFileSync(
      empty,
      "type=NETFILTER_PKT msg=audit(1650000000.123:456): mark=0x0 saddr=198.51.100.7 daddr=203.0.113.10 proto=6\n",
    );
    const audit = parse([empty]);
    expect(audit.stderr).toContain("audit record of a packet");
    expect(audit.stderr).toContain(
      "packetwalk parse: no packet: 1 line read, none a line packetwalk draws (the warning above says what was found)",
    );
    // An empty file (or one of blank lines) is named, positioned, as empty; exit 1, never a silent 0.
    for (const text of ["", "\r\n\n"]) {
      writeFileSync(empty, text);
      const r = parse([empty]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `packetwalk parse: ${empty}:1:1: error: the input is empty: expected kernel log lines\nhint: `,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // Lines that were netfilter's but did not read (addresses blanked out in a forum paste): not "empty".
    const edited =
      "Jan 01 13:25:18 host kernel: IN=eth0 OUT=br-1 MAC=<filtered> SRC=<filtered> DST=<filtered> LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\n";
    writeFileSync(empty, edited.repeat(2));
    const blanked = parse([empty]);
    expect(blanked.status).toBe(1);
    expect(blanked.stderr).not.toContain("the input is empty");
    expect(blanked.stderr).toContain(
      // Both lines' redacted address is one problem, said once with its count.
      "packetwalk parse: no packet: all 2 netfilter lines found could not be read (the error above says where and why)\nhint: a line edited by hand",
    );
    // Lines set aside by a warning (JSON of another kind) were read: not "empty" either.
    writeFileSync(empty, '{"level":"info","event":"started"}\n');
    const aside = parse([empty]);
    expect(aside.status).toBe(1);
    expect(aside.stderr).not.toContain("the input is empty");
    expect(aside.stderr).toContain(
      "packetwalk parse: no packet: the lines read were set aside (the warning above says why)",
    );
  });

  it("a missing file or a folder is said in words with a hint, exit 2, no stack trace", () => {
    const missing = join(dir, "no-such.log");
    const r = parse([missing]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `packetwalk parse: cannot read ${missing}: no such file\nhint: give the kernel log file (dmesg > kernel.log), or - to read standard input\n`,
    );
    const folder = parse([dir]);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain(
      `packetwalk parse: cannot read ${dir}: is a folder, not a log file\nhint: `,
    );
  });

  it("only netdev chains' lines (recorded LOG and nft trace): one warning per chain, and no packet could be placed", () => {
    const read = (c: string) =>
      readFileSync(join(root, `test/fixtures/parse/${c}/input.log`), "utf8").split("\n");
    const file = join(dir, "netdev.log");
    const log = read("real-nft-bridge-vlan").filter((l) => l.includes("/nft/netdev/"));
    const trace = read("real-nft-router-trace").filter((l) => l.includes(" netdev edge "));
    writeFileSync(file, `${[...log, ...trace].join("\n")}\n`);
    const r = parse([file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${file}:1:16: warning: LOG lines of the netdev family (table edge, chain ingress) were skipped: packetwalk models the ip, ip6, inet, bridge and arp families (6 lines) (hint: `,
    );
    expect(r.stderr).toContain("LOG lines of the netdev family (table edge, chain egress) were skipped");
    expect(r.stderr).toContain(
      `nft monitor trace lines of the netdev family (table edge, chain ingress) were skipped`,
    );
    expect(r.stderr).not.toContain("unknown LOG prefix");
    expect(r.stderr).toContain(
      "packetwalk parse: no packet could be placed: every netfilter line is of a netdev chain",
    );
    expect(r.stderr).not.toContain("no netfilter packets found");
  });
});

describe("a packet logged twice at one hook", () => {
  it("the human output names the second rule's prefix at its line, the JSON lists both events", () => {
    const file = join(root, "test/fixtures/parse/logged-twice-at-one-hook/input.log");
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, "parse", ...args, file], { cwd: root, encoding: "utf8" });
    const text = run([]).stdout.split("\n");
    const again = text.filter((l) => l.includes("logged again by"));
    expect(again.map((l) => /logged again by '([^']+)'.*:(\d+)\)$/.exec(l)?.slice(1))).toEqual([
      ["iso/iptable/filter-FORWARD", "3"],
      ["iso/iptable/filter-FORWARD", "6"],
      ["iso/iptable/filter-FORWARD", "8"],
    ]);
    const first = JSON.parse(run(["--json"]).stdout.split("\n")[0] as string) as { hooks: string[] };
    expect(first.hooks).toEqual([
      "ip:raw:PREROUTING",
      "ip:filter:FORWARD",
      "ip:filter:FORWARD",
      "ip:nat:POSTROUTING",
    ]);
  });
});

describe("logs as other machines save them", () => {
  const parse = (args: string[], input?: Buffer) =>
    spawnSync(process.execPath, [bin, "parse", ...args], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      ...(input ? { input } : {}),
    });
  /** The output with the file's name made neutral, to compare inputs saved differently. */
  const named = (text: string, file: string) => text.replaceAll(file, "FILE");
  const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

  it("a rotated .gz, a UTF-16 file (with or without a byte-order mark) and gzip on stdin: the text's output", () => {
    const plain = join(dir, "kern.log");
    writeFileSync(plain, fixture);
    const want = parse(["--json", plain]);
    expect(want.status).toBe(0);
    expect(want.stdout).toContain('"packet":1');
    const inputs: [string, Buffer][] = [
      ["kern.log.2.gz", gzipSync(fixture)],
      ["kern-utf16.log", utf16le(fixture)],
      ["kern-utf16be.log", Buffer.from(fixture, "utf16le").swap16()],
    ];
    for (const [name, bytes] of inputs) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const r = parse(["--json", file]);
      expect(r.stderr, name).toBe("");
      expect(r.status, name).toBe(0);
      expect(named(r.stdout, file), name).toBe(named(want.stdout, plain));
    }
    const piped = parse(["--json", "-"], gzipSync(fixture));
    expect(piped.stdout).toBe(want.stdout.replaceAll(JSON.stringify(plain), '"-"'));
  });

  it("a big .gz with --jobs 2 is read on one thread, with the same output as the text on two", () => {
    const text = join(dir, "big.log");
    writeFileSync(text, fixture.repeat(40));
    const gz = join(dir, "big.log.gz");
    writeFileSync(gz, gzipSync(readFileSync(text)));
    const two = parse(["--jobs", "2", "--segment-bytes", "4096", text]);
    const fromGz = parse(["--jobs", "2", "--segment-bytes", "4096", gz]);
    expect(fromGz.status).toBe(0);
    expect(named(fromGz.stdout, gz)).toBe(named(two.stdout, text));
  });

  it("xz, a pcap and a binary file: one positioned error naming what it is and the command that gives text, exit 2", () => {
    const cases: [string, Buffer, string][] = [
      [
        "kern.log.xz",
        Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4, 0xe6, 0xd6]),
        "expected kernel log text, found xz-compressed data (hint: xz -dc FILE > kernel.log)",
      ],
      [
        "capture.pcap",
        Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0]),
        "expected kernel log text, found a packet capture (pcap) (hint: packetwalk reads the lines netfilter's LOG and TRACE rules write, not captured packets",
      ],
      [
        "data.bin",
        Buffer.from("IN=eth0\0\0\x01\x02"),
        "expected kernel log text, found binary data (a zero byte at byte 8)",
      ],
    ];
    for (const [name, bytes, says] of cases) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const r = parse([file]);
      expect(r.status, name).toBe(2);
      expect(r.stdout, name).toBe("");
      expect(named(r.stderr, file), name).toContain(`FILE:1:1: error: ${says}`);
      expect(r.stderr, name).not.toMatch(/at .*\.ts:\d+|Error:/);
    }
  });

  it("one unreadable file of several (an .xz rotated log, a missing file): the others' packets, its error, exit 2", () => {
    const good = join(dir, "kern.log");
    writeFileSync(good, fixture);
    const xz = join(dir, "kern.log.2.xz");
    writeFileSync(xz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4, 0xe6, 0xd6]));
    const missing = join(dir, "kern.log.3");
    const alone = parse([good]);
    const r = parse([good, xz, missing]);
    expect(r.status).toBe(2);
    // The readable file's packets, as it gives them alone.
    expect(r.stdout).toBe(alone.stdout);
    expect(r.stdout).toMatch(/^#1 /);
    expect(named(r.stderr, xz)).toContain(
      "FILE:1:1: error: expected kernel log text, found xz-compressed data",
    );
    expect(r.stderr).toContain(`${missing}:1:1: error: cannot read ${missing}: no such file`);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+|Error:/);
    // Alone, the unreadable file is still the one error it was.
    expect(parse([xz]).status).toBe(2);
    // None readable: said of the files, not of netfilter lines that could not be read.
    const none = parse([xz, missing]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("packetwalk parse: no packet: none of the 2 files could be read");
    expect(none.stderr).not.toContain("netfilter lines found could not be read");
  });

  it("a .gz cut short: the packets of the lines before, an error at the first line lost, exit 1", () => {
    const full = fixture.repeat(30);
    const gz = gzipSync(full, { level: 1 });
    const file = join(dir, "cut.log.gz");
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = parse([file]);
    expect(r.status).toBe(1);
    const m =
      /:(\d+):1: error: the gzip data is damaged or cut short \(after \d+ bytes of text\): the lines before were read, the rest is lost/.exec(
        r.stderr,
      );
    expect(m, r.stderr).not.toBeNull();
    const lost = Number(m?.[1]);
    expect(lost).toBeGreaterThan(10);
    // What was read equals a parse of the whole lines before the cut.
    const before = join(dir, "before.log");
    writeFileSync(
      before,
      `${full
        .split("\n")
        .slice(0, lost - 1)
        .join("\n")}\n`,
    );
    expect(named(r.stdout, file)).toBe(named(parse([before]).stdout, before));
  });
});
