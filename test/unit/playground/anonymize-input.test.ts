/** The playground's anonymisation is `packetwalk import --anonymize`'s, over the log and the ruleset at once. */
import { describe, expect, it } from "vitest";
import { Anonymizer } from "../../../src/core/import/anonymize.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { anonymizeInput, diffPieces } from "../../../src/playground/anonymize-input.ts";

const LOG = [
  "Nov 30 08:31:35 web-01 kernel: [ 1.000000] pwzx/ip/nat/PREROUTING IN=eth0 OUT= MAC=52:54:00:aa:bb:01:52:54:00:aa:bb:02:08:00 SRC=93.184.216.34 DST=8.8.8.8 LEN=60 PROTO=TCP SPT=40000 DPT=80 SYN ",
  "a line with nothing to hide",
  "Nov 30 08:31:35 web-01 kernel: [ 1.000100] pwzx/ip/filter/FORWARD IN=eth0 OUT=docker0 SRC=93.184.216.34 DST=172.17.0.2 LEN=60 PROTO=TCP SPT=40000 DPT=80 SYN ",
].join("\n");
const RULES = "*nat\n-A DOCKER -d 8.8.8.8/32 -p tcp -j DNAT --to-destination 172.17.0.2:80\nCOMMIT\n";

describe("anonymizeInput", () => {
  it("rewrites log and ruleset with one anonymiser, as import does, and counts what it replaced", () => {
    const r = anonymizeInput(LOG, RULES);
    if (!r.ok) throw new Error(r.message);
    const same = new Anonymizer(["web-01"]);
    expect(r.log).toBe(same.text(LOG));
    expect(r.rules).toBe(same.text(RULES));
    for (const original of ["93.184.216.34", "8.8.8.8", "web-01", "52:54:00:aa:bb:01"]) {
      expect(r.log).not.toContain(original);
      expect(r.rules).not.toContain(original);
    }
    // The DNAT target in the ruleset and the DST in the log got the same stand-in.
    const dst = /DST=(\S+) LEN=60 PROTO=TCP SPT=40000 DPT=80 SYN $/m.exec(r.log.split("\n")[0] ?? "")?.[1];
    expect(r.rules).toContain(`-d ${dst}/32`);
    // Private addresses stay.
    expect(r.log).toContain("DST=172.17.0.2");
    expect(r.counts).toEqual({ addresses: 2, macs: 2, hostnames: 1 });
    expect(r.changedLines).toEqual({ log: 2, rules: 1 });
    // Line 3 shows no replacement line 1 has not shown already.
    expect(r.sample.map((c) => [c.input, c.line])).toEqual([
      ["log", 1],
      ["rules", 2],
    ]);
  });

  it("keeps only the first lines for the before/after, the pieces joined giving both lines back", () => {
    const r = anonymizeInput(LOG, RULES, { sample: 1 });
    if (!r.ok) throw new Error(r.message);
    expect(r.sample).toHaveLength(1);
    const first = r.sample[0];
    expect(first?.pieces.map((p) => p.before).join("")).toBe(LOG.split("\n")[0]);
    expect(first?.pieces.map((p) => p.after).join("")).toBe(r.log.split("\n")[0]);
    expect(first?.pieces.filter((p) => p.changed).map((p) => p.before)).toEqual([
      "web-01",
      "52:54:00:aa:bb:01:52:54:00:aa:bb:02:08:00",
      "93.184.216.34",
      "8.8.8.8",
    ]);
  });

  it("says so when there are more public networks than TEST-NET blocks, changing nothing", () => {
    const r = anonymizeInput("SRC=1.1.1.1 DST=8.8.8.8 X=9.9.9.9 Y=4.4.4.4", "");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/more than 3 public \/24 networks/);
  });

  it("changes nothing in a log of private and TEST-NET addresses", () => {
    const log = "SRC=172.17.0.2 DST=198.51.100.10";
    const r = anonymizeInput(log, "");
    expect(r.ok && r.log === log && r.sample.length === 0).toBe(true);
  });
});

describe("diffPieces", () => {
  it("marks the differing words only, and gives the whole line as one piece when they do not align", () => {
    expect(diffPieces("a=1 b=2", "a=1 b=3")).toEqual([
      { before: "a=1 b=", after: "a=1 b=", changed: false },
      { before: "2", after: "3", changed: true },
    ]);
    expect(diffPieces("a b", "a b c")).toEqual([{ before: "a b", after: "a b c", changed: true }]);
  });
});

describe("anonymizeInput's stand-ins and what the input keeps", () => {
  /** Every IPv4 and IPv6 address, MAC and host-name-like word written in `text`. */
  const written = (text: string) =>
    new Set([
      ...(text.match(/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d]|\.\d)/g) ?? []),
      ...(text.match(/(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:.])/g) ?? []),
      ...(text.match(/(?<![\w.-])(?:docker-host|host-\d+)(?![\w-])/g) ?? []),
    ]);

  it("never gives a public address a stand-in the log already holds (the reader's 31-anon-collide.log)", () => {
    // 203.0.113.1 is TEST-NET, kept as it is: 1.1.1.1 must not become it, or two hosts merge.
    const log = [
      "Dec 01 21:20:12.100211 laptop kernel: [UFW ALLOW] IN= OUT=wlp3s0 SRC=192.168.1.20 DST=1.1.1.1 LEN=73 TOS=0x00 PREC=0x00 TTL=64 ID=12001 DF PROTO=UDP SPT=39011 DPT=53 LEN=53 ",
      "Dec 01 21:20:13.100211 laptop kernel: [UFW ALLOW] IN= OUT=wlp3s0 SRC=192.168.1.20 DST=203.0.113.1 LEN=73 TOS=0x00 PREC=0x00 TTL=64 ID=12002 DF PROTO=UDP SPT=39011 DPT=53 LEN=53 ",
    ].join("\n");
    const before = parseTraceText(log);
    expect([before.packets.length, before.flows.length]).toEqual([2, 2]);
    const r = anonymizeInput(log, "");
    if (!r.ok) throw new Error(r.message);
    const [first, second] = r.log.split("\n").map((l) => /DST=(\S+)/.exec(l)?.[1]);
    expect(second).toBe("203.0.113.1");
    expect(first).not.toBe("203.0.113.1");
    expect(first).toMatch(/^(203\.0\.113|198\.51\.100|192\.0\.2)\.\d+$/);
    // A TEST-NET block the log does not use is preferred: the host part is kept there.
    expect(first).toBe("198.51.100.1");
    // The very anonymiser anonymizeInput uses: no stand-in it gave is an address the log holds.
    const a = new Anonymizer(["laptop"], { avoid: [log, ""] });
    expect(a.text(log)).toBe(r.log);
    const kept = written(log);
    const stands = [...Object.values(a.map().addresses), ...Object.values(a.map().hostnames)];
    expect(stands).toEqual(["198.51.100.1", "docker-host"]);
    for (const s of stands) expect(kept.has(s), s).toBe(false);
    const after = parseTraceText(r.log);
    expect([after.packets.length, after.flows.length]).toEqual([2, 2]);
  });

  it("keeps a public address's host part off a kept one when every TEST-NET block is in use", () => {
    const log = "SRC=203.0.113.1 DST=198.51.100.1 x=192.0.2.1 y=1.1.1.1 z=1.1.1.2 w=9.9.9.1";
    const r = anonymizeInput(log, "-A FORWARD -d 192.0.2.2 -j ACCEPT\n");
    if (!r.ok) throw new Error(r.message);
    const kept = ["203.0.113.1", "198.51.100.1", "192.0.2.1", "192.0.2.2"];
    const out = /y=(\S+) z=(\S+) w=(\S+)/.exec(r.log)?.slice(1) ?? [];
    expect(new Set(out).size).toBe(3);
    for (const s of out) expect(kept, s).not.toContain(s);
    // The /24 still reads as one: both stand-ins of 1.1.1.0/24 share a block.
    expect(out[0]?.split(".").slice(0, 3)).toEqual(out[1]?.split(".").slice(0, 3));
  });

  it("keeps stand-ins apart from every address, MAC and name the log and ruleset hold together", () => {
    const log = [
      "Nov 30 08:31:35 web-01 kernel: [ 1.0] x IN=eth0 OUT= MAC=52:54:00:aa:bb:01:02:00:00:00:00:01:08:00 SRC=8.8.8.8 DST=203.0.113.8 LEN=60 PROTO=TCP SPT=1 DPT=2 SYN ",
      "Nov 30 08:31:36 web-01 kernel: [ 1.1] x IN=eth0 OUT= SRC=2a00:1450::8 DST=2001:db8:1::8 LEN=60 PROTO=TCP SPT=1 DPT=2 SYN ",
      "Nov 30 08:31:37 web-01 kernel: [ 1.2] x IN=eth0 OUT= SRC=64:ff9b::1.1.1.7 DST=64:ff9b::198.51.100.7 LEN=60 PROTO=TCP SPT=1 DPT=2 SYN ",
    ].join("\n");
    // The ruleset (pasted with it, anonymised in the same click) holds a MAC, a /48 and names of its own.
    const rules = [
      "*filter",
      "-A FORWARD -m mac --mac-source 02:00:00:00:00:02 -j ACCEPT",
      "-A FORWARD -d 2001:db8:2::/48 -m comment --comment docker-host -j ACCEPT",
      "-A FORWARD -d 203.0.113.7 -m comment --comment host-2 -j ACCEPT",
      "COMMIT",
    ].join("\n");
    const r = anonymizeInput(log, rules, { hostnames: ["db-7"] });
    if (!r.ok) throw new Error(r.message);
    const a = new Anonymizer(["web-01", "db-7"], { avoid: [log, rules] });
    a.learn(log);
    a.learn(rules);
    expect(a.text(log)).toBe(r.log);
    expect(a.text(rules)).toBe(r.rules);
    const map = a.map();
    const kept = new Set([...written(log), ...written(rules)]);
    const macs = new Set(
      [...`${log}\n${rules}`.matchAll(/(?:[0-9a-f]{2}:){5}[0-9a-f]{2}/g)].map((m) => m[0]),
    );
    // MAC= runs hold two MACs and an EtherType: each of the two is a MAC written.
    macs.add("52:54:00:aa:bb:01").add("02:00:00:00:00:01");
    const stands = [
      ...Object.values(map.addresses),
      ...Object.values(map.macs),
      ...Object.values(map.hostnames),
    ];
    expect(stands.length).toBeGreaterThan(6);
    for (const s of stands) {
      expect(kept.has(s), s).toBe(false);
      expect(macs.has(s), s).toBe(false);
    }
    // The documentation /48s written are skipped, the TEST-NET addresses kept as they are.
    expect(map.addresses["2a00:1450::8"]).toBe("2001:db8:3::8");
    // 192.0.2.0/24 is the one block no kept address is in: the first public /24 seen (1.1.1.0/24,
    // inside the NAT64 address, as IPv6 is rewritten first) gets it, host part kept; 8.8.8.8 then
    // gets the first host of 203.0.113.0/24 not kept (203.0.113.8 and .7 are).
    expect(r.log).toContain("SRC=64:ff9b::192.0.2.7 DST=64:ff9b::198.51.100.7");
    expect(map.addresses["8.8.8.8"]).toBe("203.0.113.1");
    // Host names: neither `docker-host` nor `host-2` (both in the ruleset's comments).
    expect(map.hostnames).toEqual({ "web-01": "host-3", "db-7": "host-4" });
    expect(map.macs).toEqual({
      "52:54:00:aa:bb:01": "02:00:00:00:00:03",
      "02:00:00:00:00:01": "02:00:00:00:00:04",
      "02:00:00:00:00:02": "02:00:00:00:00:05",
    });
  });
});
