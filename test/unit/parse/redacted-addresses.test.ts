/**
 * A log whose addresses the user replaced before sharing it (`SRC=x.x.x.x`, `<redacted>`, `***`):
 * each reader says which field holds a placeholder, once for the log with its count, and points at
 * anonymizing instead (packetwalk import --anonymize); the nft and ebtables readers, which take any
 * word as an address, no longer read the placeholder as one. The lines are real captures' (fixtures
 * real-host-to-container, real-icmp-errors-through-nat, real-nft-router-trace, real-container-to-container)
 * with an address replaced, as a user does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { PARTLY_REDACTED_HINT, REDACTED_LOG_HINT } from "../../../src/core/parse/redacted-address.ts";

const fixtureLine = (dir: string, find: string): string =>
  readFileSync(join(import.meta.dirname, "../../fixtures/parse", dir, "input.log"), "utf8")
    .split("\n")
    .find((l) => l.includes(find)) as string;

const PING = fixtureLine("real-host-to-container", "raw-OUTPUTIN=");
const ICMP_ERROR = fixtureLine("real-icmp-errors-through-nat", "[SRC=198.51.100.2");
const NFT = fixtureLine("real-nft-router-trace", "ip nat prerouting packet:");
const EBT = fixtureLine("real-container-to-container", "IP SRC=172.17.0.2 IP DST=172.17.0.3");

const said = (field: string, value: string, lines: number) =>
  `expected an address after ${field}, found '${value}': the address was redacted before the log was shared, so the line was not read (${lines} ${lines === 1 ? "line" : "lines"})`;

const partly = (field: string, value: string, lines: number) =>
  `expected an address after ${field}, found '${value}': part of the address was redacted before the log was shared, so the line was read with it as written (${lines} ${lines === 1 ? "line" : "lines"})`;

describe("addresses redacted before the log was shared", () => {
  it("says which LOG field holds a placeholder, once for the log with its count, fast path or not", () => {
    expect(PING).toContain(" SRC=172.17.0.1 DST=172.17.0.2 ");
    const text = [
      PING.replace("SRC=172.17.0.1", "SRC=x.x.x.x"),
      PING.replace("SRC=172.17.0.1", "SRC=<redacted>"),
      PING.replace("SRC=172.17.0.1", "SRC=***"),
      PING.replace("DST=172.17.0.2", "DST=172.17.0.XXX"),
    ].join("\n");
    for (const fullParse of [false, true]) {
      const r = parseTraceText(text, { file: "shared.log", fullParse });
      // Line 4 hides part of its address only (`172.17.0.XXX`): it was refused too, it is now read with
      // the address as written (partly-redacted-addresses.test.ts), a warning of its own.
      expect(r.packets.flatMap((p) => p.events.map((e) => [e.position.line, e.ip?.dst]))).toEqual([
        [4, "172.17.0.XXX"],
      ]);
      expect(
        r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message, d.hint]),
      ).toEqual([
        ["error", 1, PING.indexOf("SRC=") + 5, said("SRC=", "x.x.x.x", 3), REDACTED_LOG_HINT],
        ["warning", 4, PING.indexOf("DST=") + 5, partly("DST=", "172.17.0.XXX", 1), PARTLY_REDACTED_HINT],
      ]);
    }
    expect(REDACTED_LOG_HINT).toContain("packetwalk import --anonymize");
  });

  it("says it of an ICMP error's quoted packet too, and keeps the old words for an address that is only wrong", () => {
    const quoted = ICMP_ERROR.replace("[SRC=198.51.100.2", "[SRC=x.x.x.x");
    const r = parseTraceText(quoted);
    expect(r.diagnostics.map((d) => [d.position.column, d.message])).toEqual([
      [quoted.indexOf("[SRC=") + 6, said("SRC=", "x.x.x.x", 1)],
    ]);
    const typo = parseTraceText(PING.replace("SRC=172.17.0.1", "SRC=172.17.0.1.5"));
    expect(typo.diagnostics.map((d) => d.message)).toEqual([
      "expected an IPv4 or IPv6 address after SRC=, found '172.17.0.1.5'",
    ]);
  });

  it("refuses a placeholder nft monitor trace and ebtables lines would have read as an address", () => {
    // Before, `ip saddr x.x.x.x` and `IP SRC=x.x.x.x` gave packets from 'x.x.x.x', without a word.
    const nft = NFT.replace("ip saddr 198.51.100.2", "ip saddr x.x.x.x");
    const rn = parseTraceText(nft);
    expect(rn.packets.flatMap((p) => p.events.map((e) => e.ip?.src))).not.toContain("x.x.x.x");
    expect(rn.diagnostics.map((d) => [d.severity, d.position.column, d.message])).toEqual([
      ["error", nft.indexOf("x.x.x.x") + 1, said("ip saddr", "x.x.x.x", 1)],
    ]);
    const ebt = EBT.replace("IP DST=172.17.0.3", "IP DST=<redacted>");
    const re = parseTraceText(ebt);
    expect(re.packets).toEqual([]);
    expect(re.diagnostics.map((d) => [d.severity, d.position.column, d.message])).toEqual([
      ["error", ebt.indexOf("<redacted>") + 1, said("IP DST=", "<redacted>", 1)],
    ]);
    // The rule lines of a refused packet line keep their trace's path, and say what they lack: before,
    // their packet read `frame ? -> ?`, a frame no line showed.
    const ruleLine = NFT.replace(
      / packet: .*/,
      " rule ip saddr 198.51.100.2 tcp dport 8080 dnat to 192.168.1.10 (verdict accept)",
    );
    const rr = parseTraceText([nft, ruleLine].join("\n"));
    const traceId = /trace id (\S+)/.exec(NFT)?.[1];
    expect(rr.packets.map((p) => [p.summary, p.events.length])).toEqual([
      [`trace ${traceId}: no line shows its headers`, 1],
    ]);
    expect(rr.diagnostics.map((d) => d.message)).toEqual([said("ip saddr", "x.x.x.x", 1)]);
    // Their real addresses, IPv6 ones (`::`, `ff02::16`) too, read as before.
    expect(parseTraceText([NFT, EBT].join("\n")).diagnostics.filter((d) => d.severity === "error")).toEqual(
      [],
    );
  });
});
