/**
 * A `--prefix-map` entry that places a line at FORWARD though its `IN=` or `OUT=` is empty: the kernel
 * prints both devices of every packet it forwards, so the entry is likely another chain's (the host's
 * own loopback packets: `IN= OUT=lo` logged in OUTPUT, `IN=lo OUT=` in INPUT). Before, such lines were
 * drawn at FORWARD without a word. A packet the kernel does forward to lo keeps its warning-free
 * reading: kernel 6.18 forwards to and from lo when a route points at it (below, `IN=pwrd-r OUT=lo`
 * at FORWARD; such a packet comes back in on lo and is forwarded again, `IN=lo OUT=lo`, until its TTL
 * runs out), so "the kernel never forwards to or from lo" would be wrong. The lines are the kernel's
 * (two namespaces, `iptables-legacy -A FORWARD -j LOG --log-prefix "fw-forward "`, `-A INPUT -i lo`
 * and `-A OUTPUT -o lo -j LOG --log-prefix "fw-loopback "`, a ping through a route `203.0.113.0/24
 * dev lo` and a `ping 127.0.0.1`).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { FORWARD_DEVICE_HINT } from "../../../src/core/parse/parse-hints.ts";

const CAPTURE = [
  "[53850.689487] fw-forward IN=pwrd-r OUT=lo MAC=66:49:75:4a:58:09:ea:25:94:1b:09:b0:08:00 SRC=198.51.100.1 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=48735 DF PROTO=ICMP TYPE=8 CODE=0 ID=14219 SEQ=1 ",
  "[53851.705618] fw-loopback IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9047 DF PROTO=ICMP TYPE=8 CODE=0 ID=14250 SEQ=1 ",
  "[53851.705638] fw-loopback IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9047 DF PROTO=ICMP TYPE=8 CODE=0 ID=14250 SEQ=1 ",
  "[53851.705646] fw-loopback IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9048 PROTO=ICMP TYPE=0 CODE=0 ID=14250 SEQ=1 ",
  "[53851.705652] fw-loopback IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9048 PROTO=ICMP TYPE=0 CODE=0 ID=14250 SEQ=1 ",
].join("\n");

describe("a --prefix-map entry placing a line at FORWARD", () => {
  it("warns, at the prefix's first line, when the line has a device empty; not for a packet forwarded to lo", () => {
    const r = parseTraceText(CAPTURE, {
      file: "kern.log",
      prefixMap: { "fw-forward": "ip:filter:FORWARD", "fw-loopback": "ip:filter:FORWARD" },
    });
    // The lines are still drawn where the map says: the warning says why that is doubtful.
    expect(r.packets.flatMap((p) => p.hooks)).toEqual(Array(5).fill("ip:filter:FORWARD"));
    expect(
      r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message, d.hint]),
    ).toEqual([
      [
        "warning",
        2,
        16,
        "the LOG prefix 'fw-loopback' is mapped to ip:filter:FORWARD (--prefix-map), but its line has IN= or OUT= empty (IN= OUT=lo): the kernel prints both devices of every packet it forwards, and a packet on lo with the other empty is the host's own (4 lines)",
        FORWARD_DEVICE_HINT,
      ],
    ]);
  });

  it("says nothing of a prefix the map does not name, nor of a map placing the lines at their chains", () => {
    const lines = CAPTURE.split("\n").slice(1, 3).join("\n");
    // A prefix that names FORWARD itself: no map entry to doubt (its line is the user's own naming).
    const named = parseTraceText(lines.replaceAll("fw-loopback", "iptable/filter-FORWARD"));
    expect(named.diagnostics).toEqual([]);
    // The map placing the same lines at their own chains: nothing to say.
    const right = parseTraceText(lines, {
      prefixMap: { "fw-loopback": ["ip:filter:OUTPUT", "ip:filter:INPUT"] },
    });
    expect(right.packets.flatMap((p) => p.hooks)).toEqual(["ip:filter:OUTPUT", "ip:filter:INPUT"]);
    expect(right.diagnostics).toEqual([]);
  });
});
