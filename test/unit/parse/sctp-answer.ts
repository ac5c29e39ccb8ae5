/** The recorded xtables-monitor SCTP trace, and an answer to its INIT that no rule names, for the flow tests. */
import { readFileSync } from "node:fs";

/** The lines of test/fixtures/parse/real-xtables-monitor-sctp-udplite-dccp-trace/input.log. */
export const sctpLines = readFileSync(
  new URL("../../fixtures/parse/real-xtables-monitor-sctp-udplite-dccp-trace/input.log", import.meta.url),
  "utf8",
).split("\n");

/** The recorded SCTP INIT (lines 1-6, its raw PREROUTING rule says `-p sctp`). */
export const sctpNamed = sctpLines.slice(0, 6);

/** The answer to the INIT, traced by a rule that names no protocol (the format of the fixture's lines 42-44). */
export const sctpGuessed = sctpLines
  .slice(41, 44)
  .map((l) =>
    l
      .replace("SRC=198.51.100.1 DST=198.51.100.2", "SRC=198.51.100.2 DST=198.51.100.1")
      .replace("SPORT=40132 DPORT=5060", "SPORT=5060 DPORT=40132")
      .replace("-s 198.51.100.1/32", "-s 198.51.100.2/32"),
  );
