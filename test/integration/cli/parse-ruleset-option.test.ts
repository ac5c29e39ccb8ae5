/**
 * `packetwalk parse --ruleset FILE`: a log whose prefixes and base chain names follow no convention
 * is read with the ruleset that wrote it (prefixes at their chains, chains at their hooks), on one
 * thread and on several alike; a ruleset that cannot be read stops the parse with its position.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const bin = join(root, "bin/packetwalk.mjs");

/** A home router's own ruleset: no chain is named after its hook. */
const RULESET = `table inet fw {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		iifname "lan0" log prefix "fw-pre " level debug
	}

	chain fwd {
		type filter hook forward priority filter; policy accept;
		iifname "lan0" log prefix "fw-fwd " level debug
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "lan0" log prefix "dnat-in " level debug
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
`;

/** One LOG line of echo request `id` from the LAN. */
function line(id: number, prefix: string, out: string, ttl: number): string {
  const t = (id / 1000).toFixed(6).padStart(12);
  return `[${t}] ${prefix}IN=lan0 OUT=${out} MAC=02:00:00:00:00:02:02:00:00:00:00:01:08:00 SRC=10.0.0.2 DST=198.51.100.10 LEN=84 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=${id} `;
}

/** Echo requests, each logged at fw pre, nat prerouting, then fw fwd. */
function log(count: number): string {
  const lines: string[] = [];
  for (let id = 1; id <= count; id++)
    lines.push(line(id, "fw-pre ", "", 64), line(id, "dnat-in ", "", 64), line(id, "fw-fwd ", "wan0", 63));
  return `${lines.join("\n")}\n`;
}

let dir = "";
const path = (name: string) => join(dir, name);

function parse(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, "parse", ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pw-parse-ruleset-"));
  writeFileSync(path("fw.nft"), RULESET);
  writeFileSync(path("two.log"), log(2));
  writeFileSync(path("many.log"), log(3000));
  writeFileSync(
    path("broken.nft"),
    "table inet fw {\n\tchain pre {\n\t\ttype filter hook prerouting priority;\n\t}\n}\n",
  );
  writeFileSync(path("empty.nft"), "table inet fw {\n}\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parse --ruleset", () => {
  it("without it, the prefixes name no chain: nothing is placed", () => {
    const r = parse(path("two.log"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown LOG prefix 'fw-pre'");
    // Netfilter lines all the same: counted apart, not as "other lines".
    expect(r.stderr).toContain(
      "0 packets from 0 netfilter lines (and 6 with a LOG prefix that names no chain); 0 other lines skipped",
    );
    expect(r.stderr).toContain("give the ruleset that logged them with --ruleset FILE");
  });

  it("reads each prefix at its chain and each chain at its hook: one packet per echo request", () => {
    const r = parse(path("two.log"), "--ruleset", path("fw.nft"), "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const packets = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { hooks: string[] });
    expect(packets.map((p) => p.hooks)).toEqual([
      ["ip:fw:pre", "ip:nat:prerouting", "ip:fw:fwd"],
      ["ip:fw:pre", "ip:nat:prerouting", "ip:fw:fwd"],
    ]);
  });

  it("--prefix-map comes first", () => {
    writeFileSync(path("map.json"), JSON.stringify({ "fw-fwd": "ip:filter:FORWARD" }));
    const r = parse(path("two.log"), "--ruleset", path("fw.nft"), "--prefix-map", path("map.json"), "--json");
    expect(r.code).toBe(0);
    const first = JSON.parse(r.stdout.split("\n")[0] as string) as { hooks: string[] };
    expect(first.hooks).toEqual(["ip:fw:pre", "ip:nat:prerouting", "ip:filter:FORWARD"]);
  });

  it("counts the lines of unknown prefixes alike on several threads", () => {
    const one = parse(path("many.log"), "--jobs", "1");
    const two = parse(path("many.log"), "--jobs", "2", "--segment-bytes", "65536");
    expect(one.stderr).toContain("(and 9000 with a LOG prefix that names no chain)");
    expect(two.stderr).toBe(one.stderr);
  });

  it("gives several threads what it gives one: the same packets", () => {
    const one = parse(path("many.log"), "--ruleset", path("fw.nft"), "--json", "--jobs", "1");
    const two = parse(
      path("many.log"),
      "--ruleset",
      path("fw.nft"),
      "--json",
      "--jobs",
      "2",
      "--segment-bytes",
      "65536",
    );
    expect(one.code).toBe(0);
    expect(one.stderr).toBe("");
    expect(one.stdout.trim().split("\n")).toHaveLength(3000);
    expect(one.stdout).not.toContain('"hooks":["ip:fw:pre"]');
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
  });

  it("stops at a ruleset it cannot read, at the ruleset's line and column", () => {
    const r = parse(path("two.log"), "--ruleset", path("broken.nft"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`packetwalk parse: ${path("broken.nft")}:3:\\d+: error: `));
    expect(r.stdout).toBe("");
  });

  it("says so when the ruleset tells nothing, or is missing", () => {
    const empty = parse(path("two.log"), "--ruleset", path("empty.nft"));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`${path("empty.nft")}:1:1: error: no LOG rule and no nftables base chain`);
    const missing = parse(path("two.log"), "--ruleset", path("nope.nft"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ruleset ${path("nope.nft")}: no such file`);
    expect(missing.stderr).toContain("hint:");
  });
});
