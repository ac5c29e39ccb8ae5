/**
 * A pasted nft ruleset places its base chains at the hooks it declares, whatever their names: the
 * packets of a log that crosses `inet fw pre` and then a PREROUTING chain stay whole, and a ruleset
 * pasted after the log says that the log must be read again.
 */
import { describe, expect, it } from "vitest";
import { ParseSession } from "../../../src/playground/parse-session.ts";

const RULESET = `table inet fw {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		iifname "lan0" log prefix "fw-pre " level debug
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "lan0" log prefix "dnat-in " level debug
	}
}
`;

/** One LOG line of echo request `id` from the LAN at PREROUTING. */
function line(id: number, prefix: string): string {
  return `[    ${id}.000000] ${prefix}IN=lan0 OUT= MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 SRC=10.0.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=${id} `;
}
const LOG = `${[line(1, "fw-pre "), line(1, "dnat-in "), line(2, "fw-pre "), line(2, "dnat-in ")].join("\n")}\n`;

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

const hooksOf = (summary: { packets: { hooks: string[] }[] }) => summary.packets.map((p) => p.hooks);

describe("the playground with a pasted nft ruleset", () => {
  it("reads its chains at their hooks: one packet per echo request", async () => {
    const session = new ParseSession();
    expect(await session.setRuleset(RULESET)).toEqual([]);
    expect(hooksOf(await session.parse(once(LOG)))).toEqual([
      ["ip:fw:pre", "ip:nat:prerouting"],
      ["ip:fw:pre", "ip:nat:prerouting"],
    ]);
  });

  it("pasted after the log: the log is to be read again, and then reads whole", async () => {
    const session = new ParseSession();
    await session.parse(once(LOG));
    expect(await session.setRuleset(RULESET)).toEqual([]);
    expect(await session.prefixesChanged()).toBe(true);
    expect(hooksOf(await session.parse(once(LOG)))).toHaveLength(2);
    // Read again with the same ruleset: nothing changed.
    expect(await session.prefixesChanged()).toBe(false);
  });

  it("without it, the prefixes are unknown and nothing is placed", async () => {
    const session = new ParseSession();
    expect((await session.parse(once(LOG))).packets).toEqual([]);
  });
});
