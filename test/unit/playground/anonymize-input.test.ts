/** The playground's anonymisation is `packetwalk import --anonymize`'s, over the log and the ruleset at once. */
import { describe, expect, it } from "vitest";
import { Anonymizer } from "../../../src/core/import/anonymize.ts";
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
