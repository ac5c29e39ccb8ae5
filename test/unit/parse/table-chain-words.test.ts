/**
 * A LOG prefix naming its table and chain as two words among free text (`nat_t PREROUTING negatlov`,
 * tester55 paste 19: a RHEL 6 libvirt host's rules, the prefix run into `IN=`). `iptables-restore --test`
 * (1.8.9, nf_tables) accepts `-t nat -A PREROUTING -j LOG --log-prefix "nat_t PREROUTING negatlov"` and
 * `-t filter -A FORWARD -j LOG --log-prefix "filter_t FORWARD negatlov"` (exit 0, no output).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { prefixToHook } from "../../../src/core/parse/prefix-to-hook.ts";

describe("table and chain as words among free text", () => {
  it("places a prefix with one `_t`-suffixed table word and one chain that table has", () => {
    expect(prefixToHook("nat_t PREROUTING negatlov")).toBe("ip:nat:PREROUTING");
    expect(prefixToHook("filter_t FORWARD negatlov")).toBe("ip:filter:FORWARD");
    expect(prefixToHook("nat_t POSTROUTING negatlov")).toBe("ip:nat:POSTROUTING");
    expect(prefixToHook("FILTER_T input host1")).toBe("ip:filter:INPUT");
    expect(prefixToHook("mangle_tbl POSTROUTING: host1")).toBe("ip:mangle:POSTROUTING");
    expect(prefixToHook("nat_t PREROUTING")).toBe("ip:nat:PREROUTING");
    // A family tag right before the table word, or the line's own family.
    expect(prefixToHook("ip6 filter_t INPUT host1")).toBe("ip6:filter:INPUT");
    expect(prefixToHook("raw_t OUTPUT host1", { defaultFamily: "ip6" })).toBe("ip6:raw:OUTPUT");
  });

  it("places nothing where the words leave a doubt", () => {
    // A chain the table does not have (iptables: `Chain 'FORWARD' does not exist` in nat).
    expect(prefixToHook("nat_t FORWARD negatlov")).toBeUndefined();
    expect(prefixToHook("raw_t INPUT negatlov")).toBeUndefined();
    // Two tables, or two chains.
    expect(prefixToHook("nat_t filter_t INPUT host1")).toBeUndefined();
    expect(prefixToHook("nat_t PREROUTING OUTPUT host1")).toBeUndefined();
    // A bare table word is read only with its chain as the last two words (lines.test.ts keeps
    // "filter INPUT dropped " unknown): free text has such words too.
    expect(prefixToHook("nat PREROUTING negatlov")).toBeUndefined();
    expect(prefixToHook("nat_t filter INPUT host1")).toBeUndefined();
    // No table word: a table name inside a word, a table only English has, or an abbreviated chain.
    expect(prefixToHook("natural PREROUTING host1")).toBeUndefined();
    expect(prefixToHook("security_t INPUT host1")).toBeUndefined();
    expect(prefixToHook("drop IN filter_t host1")).toBeUndefined();
    expect(prefixToHook("[UFW BLOCK] ")).toBeUndefined();
  });

  it("reads paste 19's lines as packets, with no unknown-prefix warning", () => {
    const text = [
      "Nov 20 15:51:12 negatlov kernel: nat_t PREROUTING negatlovIN=virbr0 OUT= PHYSIN=vnet0 MAC=52:54:00:2f:96:3f:52:54:00:59:b1:a6:08:00 SRC=192.168.122.186 DST=119.75.218.77 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=42088 DF PROTO=TCP SPT=1025 DPT=80 WINDOW=5840 RES=0x00 SYN URGP=0 ",
      "Nov 20 15:51:12 negatlov kernel: filter_t FORWARD negatlovIN=virbr0 OUT=eth0 PHYSIN=vnet0 SRC=192.168.122.186 DST=119.75.218.77 LEN=60 TOS=0x10 PREC=0x00 TTL=63 ID=42088 DF PROTO=TCP SPT=1025 DPT=80 WINDOW=5840 RES=0x00 SYN URGP=0 ",
      "Nov 20 15:51:12 negatlov kernel: nat_t POSTROUTING negatlovIN= OUT=eth0 PHYSIN=vnet0 SRC=192.168.122.186 DST=119.75.218.77 LEN=60 TOS=0x10 PREC=0x00 TTL=63 ID=42088 DF PROTO=TCP SPT=1025 DPT=80 WINDOW=5840 RES=0x00 SYN URGP=0 ",
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.packets.map((p) => p.hooks)).toEqual([
      ["ip:nat:PREROUTING", "ip:filter:FORWARD", "ip:nat:POSTROUTING"],
    ]);
  });
});
