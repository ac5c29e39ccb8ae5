/**
 * A step's listing names the rules the trace says matched that the ruleset does not have: a reader who
 * pastes a ruleset saved elsewhere, or before a change, would otherwise read the wrong rules as the
 * ones that decided. Checked for xtables-monitor TRACE (rule text), legacy TRACE (rule numbers) and
 * nft monitor trace (rule text), against the committed lab ruleset the trace was recorded with (nothing
 * unlisted) and the same ruleset with the matched rule changed. The rule that switched tracing on is
 * never reported: it is the capture's own, often gone from a later save.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listStep } from "../../../src/core/listing/list-step.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";

const ROOT = join(import.meta.dirname, "../../..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** The unlisted rules of every step of `log`'s first packet read against `rules`, as `hook: rule`. */
function unlisted(log: string, rules: string, file = "t.rules"): string[] {
  const [packet] = parseTraceText(log, { file: "t.log" }).packets as Packet[];
  const ruleset = parseRulesetFile(rules, file);
  expect(ruleset.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return (packet?.events ?? []).flatMap((e) =>
    (listStep(e, ruleset).unlisted ?? []).map((r) => `${e.hook}: ${r}`),
  );
}

const TRACE = read("traces/docker-bridge/container-to-wan-trace.log");
const DOCKER28 = read("traces/docker-bridge/rulesets/docker-28.rules");
const MASQ = "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE";

describe("rules a trace matched that the ruleset does not have", () => {
  it("are none against the ruleset the TRACE was recorded with (its own TRACE rule aside)", () => {
    expect(DOCKER28).toContain(MASQ);
    expect(unlisted(TRACE, DOCKER28)).toEqual([]);
  });

  it("name the TRACE's rule text when the ruleset has another rule there", () => {
    const changed = DOCKER28.replace(MASQ, "-A POSTROUTING -s 172.18.0.0/16 ! -o br-1 -j MASQUERADE");
    expect(unlisted(TRACE, changed)).toEqual([`ip:nat:POSTROUTING: ${MASQ}`]);
  });

  it("name a legacy TRACE rule number past the chain's rules", () => {
    const legacy = [
      "Dec  3 10:00:00 host kernel: [ 10.000001] TRACE: nat:POSTROUTING:rule:3 IN= OUT=eth0 SRC=172.17.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ",
    ].join("\n");
    const rules = [
      "*nat",
      ":POSTROUTING ACCEPT [0:0]",
      "-A POSTROUTING -o eth0 -j MASQUERADE",
      "COMMIT",
      "",
    ].join("\n");
    expect(unlisted(legacy, rules)).toEqual(["ip:nat:POSTROUTING: POSTROUTING rule 3"]);
    expect(unlisted(legacy.replace("rule:3", "rule:1"), rules)).toEqual([]);
  });

  it("name an nft monitor trace's rule the nft ruleset does not have", () => {
    const log = [
      'trace id ff8d5c3e ip nat postrouting packet: oif "lan0" ip saddr 198.51.100.7 ip daddr 203.0.113.2 ip dscp cs0 ip ecn not-ect ip ttl 63 ip id 9 ip protocol tcp ip length 60 tcp sport 40000 tcp dport 80 tcp flags == syn tcp window 64240 ',
      'trace id ff8d5c3e ip nat postrouting rule oifname "lan0" masquerade (verdict accept)',
      "trace id ff8d5c3e ip nat postrouting verdict continue",
    ].join("\n");
    const rules = (rule: string) =>
      `table ip nat {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\t${rule}\n\t}\n}\n`;
    expect(unlisted(log, rules('oifname "lan0" masquerade'), "t.nft")).toEqual([]);
    expect(unlisted(log, rules('oifname "lan1" masquerade'), "t.nft")).toEqual([
      'ip:nat:postrouting: postrouting: oifname "lan0" masquerade',
    ]);
  });
});
