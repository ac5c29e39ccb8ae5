/**
 * A log whose author hid part of an address before sharing it (`SRC=203.0.113.x`, `DST=10.1.xxx.12`,
 * `SRC=xx.xx.12.4`, IPv6 with `xxxx` groups): the line is read with the address as written, so the
 * packet is still grouped across its hooks, paired with its reply where that hides the address
 * alike, and shown; one warning for the log (its first line and column, its count) says which field
 * and that the address is kept as written. Before, every such line was refused and the trace was
 * empty ("expected an address after SRC=, found '203.0.113.x': ... so the line was not read", and for
 * IPv6 "expected an IPv4 or IPv6 address after SRC=, found '2001:0db8:xxxx:...'"). A fully replaced
 * address (`x.x.x.x`, `<redacted>`) holds nothing to follow: still refused (redacted-addresses.test.ts).
 * The lines are real captures' (kernel 6.18, LOG target; fixtures real-host-to-container: a ping and
 * its reply at every hook; real-log-protocols-uid-mark: IPv6 through nft's inet table).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { isPartlyRedacted, PARTLY_REDACTED_HINT } from "../../../src/core/parse/redacted-address.ts";

const fixture = (dir: string) =>
  readFileSync(join(import.meta.dirname, "../../fixtures/parse", dir, "input.log"), "utf8");
const partly = (field: string, value: string, lines: number) =>
  `expected an address after ${field}, found '${value}': part of the address was redacted before the log was shared, so the line was read with it as written (${lines} ${lines === 1 ? "line" : "lines"})`;
/** What a test compares of a parse: each packet's summary and hooks, the flows' pairing. */
const shape = (text: string) => {
  const r = parseTraceText(text, { file: "shared.log" });
  return {
    packets: r.packets.map((p) => [p.flow, p.direction, p.hooks]),
    summaries: r.packets.map((p) => p.summary),
    diagnostics: r.diagnostics,
  };
};

describe("addresses partly redacted before the log was shared", () => {
  it("reads a ping and its reply hidden alike on every line as the real log reads, warned of once", () => {
    // Its LOG lines (its ebtables lines are read so too: partly-redacted-ebt-nft.test.ts).
    const real = fixture("real-host-to-container")
      .split("\n")
      .filter((l) => l.includes("/iptable/"))
      .join("\n");
    const hidden = real.replaceAll("172.17.0.2", "172.17.0.x");
    const before = shape(real);
    const after = shape(hidden);
    expect(before.packets.length).toBeGreaterThan(1);
    // The same packets at the same hooks, the reply paired with its request.
    expect(after.packets).toEqual(before.packets);
    expect(after.summaries).toEqual(before.summaries.map((s) => s.replaceAll("172.17.0.2", "172.17.0.x")));
    // One warning a field, at its first line, with its count: the requests' DST=, the replies' SRC=.
    const lines = hidden.split("\n");
    const at = (field: string) => lines.findIndex((l) => l.includes(` ${field}172.17.0.x `));
    const count = (field: string) => lines.filter((l) => l.includes(` ${field}172.17.0.x `)).length;
    expect(count("DST=") + count("SRC=")).toBe(lines.filter((l) => l.includes("172.17.0.x")).length);
    expect(
      after.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message, d.hint]),
    ).toEqual(
      ["DST=", "SRC="].map((f) => [
        "warning",
        at(f) + 1,
        (lines[at(f)] as string).indexOf(` ${f}172.17.0.x`) + f.length + 2,
        partly(f, "172.17.0.x", count(f)),
        PARTLY_REDACTED_HINT,
      ]),
    );
  });

  it("reads the forms people write, IPv4 and IPv6, fast path or not", () => {
    const line = (fixture("real-log-protocols-uid-mark").split("\n") as string[]).find((l) =>
      l.includes(" SRC=2001:0db8:0015:0000:0000:0000:0000:0011 "),
    ) as string;
    const v6 = line.replace("SRC=2001:0db8:0015:0000", "SRC=2001:0db8:xxxx:xxxx");
    const ping = fixture("real-host-to-container").split("\n")[0] as string;
    for (const fullParse of [false, true]) {
      const r = parseTraceText(
        [
          ping.replace("SRC=172.17.0.1", "SRC=203.0.113.x"),
          ping.replace("DST=172.17.0.2", "DST=10.1.xxx.12"),
          ping.replace("SRC=172.17.0.1", "SRC=xx.xx.12.4"),
          v6,
        ].join("\n"),
        { fullParse },
      );
      expect(r.packets.map((p) => p.events.map((e) => [e.position.line, e.ip?.src, e.ip?.dst]))).toEqual([
        [[1, "203.0.113.x", "172.17.0.2"]],
        [[2, "172.17.0.1", "10.1.xxx.12"]],
        [[3, "xx.xx.12.4", "172.17.0.2"]],
        [[4, "2001:0db8:xxxx:xxxx:0000:0000:0000:0011", "2001:0db8:0015:0000:0000:0000:0000:0001"]],
      ]);
      expect(r.packets[3]?.hooks).toEqual(["ip6:ji:input"]);
      expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
        ["warning", 1, ping.indexOf("SRC=") + 5, partly("SRC=", "203.0.113.x", 3)],
        ["warning", 2, ping.indexOf("DST=") + 5, partly("DST=", "10.1.xxx.12", 1)],
      ]);
    }
  });

  it("tells a partly hidden address from a whole placeholder and from a wrong one", () => {
    for (const a of [
      "203.0.113.x",
      "10.1.xxx.12",
      "xx.xx.12.4",
      "10.0.0.XXX",
      "10.*.*.1",
      "2001:db8:xxxx:xxxx::1",
      "fe80::xxxx:1",
    ])
      expect(isPartlyRedacted(a), a).toBe(true);
    for (const a of [
      "x.x.x.x",
      "xxx.xxx.xxx.xxx",
      "xxxx::",
      "10.0.0.1",
      "300.1.1.x",
      "10.0.x",
      "10.0.0.0.x",
      "2001:db8::1",
      "<redacted>",
      "10.0.0.y",
    ])
      expect(isPartlyRedacted(a), a).toBe(false);
  });
});
