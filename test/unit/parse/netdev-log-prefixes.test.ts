/**
 * LOG lines printed by a netdev chain of the given ruleset (`table netdev edge { chain ing { ... log
 * prefix "edge-ingress: " } }`) are a family packetwalk does not draw: with the ruleset, the parser says
 * so (as it does for nft monitor trace lines of that family) instead of calling the prefix unknown and
 * hinting to give the very ruleset that was given. The lines are from a real capture on kernel 6.18.
 */
import { describe, expect, it } from "vitest";
import { nftNetdevLogPrefixes } from "../../../src/core/import/ruleset-material.ts";
import type { NetdevPrefixes } from "../../../src/core/model/hook.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const RULESET = `table netdev edge {
\tchain ing {
\t\ttype filter hook ingress device "rtr-wan" priority -500; policy accept;
\t\tmeta nftrace set 1
\t\tlog prefix "edge-ingress: "
\t\tip saddr 198.51.100.0/24 counter packets 0 bytes 0 drop
\t}

\tchain egr {
\t\ttype filter hook egress device "rtr-wan" priority filter; policy accept;
\t\tlog level warn prefix "edge-egress: " flags all
\t}
}
table inet fw {
\tchain forward_filter {
\t\ttype filter hook forward priority filter; policy drop;
\t\tlog prefix "fw-fwd-drop: "
\t}
}
`;

const LOG = [
  "[19561.892436] edge-egress: IN= OUT=rtr-wan SRC=0000:0000:0000:0000:0000:0000:0000:0000 DST=ff02:0000:0000:0000:0000:0001:ffb5:7074 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0 ",
  "[19561.988328] edge-ingress: IN=rtr-wan OUT= MAC=33:33:ff:5d:a0:57:a2:60:1f:5d:a0:57:86:dd SRC=0000:0000:0000:0000:0000:0000:0000:0000 DST=ff02:0000:0000:0000:0000:0001:ff5d:a057 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0 ",
  "[19562.052494] edge-ingress: IN=rtr-wan OUT= MAC=33:33:00:00:00:16:a2:60:1f:5d:a0:57:86:dd SRC=0000:0000:0000:0000:0000:0000:0000:0000 DST=ff02:0000:0000:0000:0000:0000:0000:0016 LEN=76 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=143 CODE=0 ",
].join("\n");

function warnings(netdevPrefixes?: NetdevPrefixes): string[] {
  return parseTraceText(LOG, {
    file: "dmesg.txt",
    ...(netdevPrefixes ? { netdevPrefixes } : {}),
  }).diagnostics.map((d) => `${d.position.line}:${d.position.column} ${d.message} | ${d.hint}`);
}

describe("LOG prefixes of netdev chains", () => {
  it("are read from the ruleset's netdev tables only, with their table and chain", () => {
    expect(nftNetdevLogPrefixes(RULESET)).toEqual({
      "edge-ingress:": { table: "edge", chain: "ing" },
      "edge-egress:": { table: "edge", chain: "egr" },
    });
  });

  it("make their lines a netdev warning per chain, counted, instead of an unknown prefix", () => {
    const found = warnings(nftNetdevLogPrefixes(RULESET));
    expect(found).toEqual([
      expect.stringMatching(
        /^1:16 LOG lines of the netdev family \(table edge, chain egr\) were skipped.*\(1 line\) \| /,
      ),
      expect.stringMatching(
        /^2:16 LOG lines of the netdev family \(table edge, chain ing\) were skipped.*\(2 lines\) \| /,
      ),
    ]);
    expect(found.join("\n")).not.toContain("--ruleset");
  });

  it("are unknown prefixes without the ruleset", () => {
    expect(warnings()).toEqual([
      expect.stringMatching(/^1:16 unknown LOG prefix 'edge-egress:'/),
      expect.stringMatching(/^2:16 unknown LOG prefix 'edge-ingress:' \(2 lines\)/),
    ]);
  });
});
