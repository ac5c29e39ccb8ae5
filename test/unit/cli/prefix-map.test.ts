/**
 * Hook ids a user gives (`packetwalk parse --prefix-map FILE`, the playground's prefix map and its
 * share links) are accepted whenever the parser or the simulator's readers could produce them: every
 * hook of every committed trace and parse fixture, every base chain of the committed rulesets, and the
 * nft names the real nft accepts (tables with '-', '_', '.', '/', digits); a malformed one is refused
 * with a message naming the file, the prefix and the part that is wrong.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPrefixMap } from "../../../src/cli/parse-command.ts";
import { hookIdProblem, isGivenHookId } from "../../../src/core/model/hook.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { chainHooksFromRuleset } from "../../../src/core/simulate/chain-hooks-from-ruleset.ts";
import { hookSlots } from "../../../src/core/simulate/hook-order.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { readTraceFolder } from "../../../src/core/trace-file/read-trace-folder.ts";
import { isHookId } from "../../../src/playground/hook-choices.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const ROOT = join(import.meta.dirname, "../../..");

/** The column of `key`'s quote in the one-line JSON of `file`. */
function at(file: string, key: string): number {
  return readFileSync(file, "utf8").indexOf(JSON.stringify(key)) + 1;
}
const tmp = tempDir("pw-prefix-map-");

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, keep);
    return keep(name) ? [path] : [];
  });
}

/** Every hook id the parser gives the committed traces and parse fixtures. */
function parsedHooks(): Set<string> {
  const hooks = new Set<string>();
  for (const lab of readdirSync(join(ROOT, "traces"))) {
    const folder = join(ROOT, "traces", lab);
    if (!statSync(folder).isDirectory()) continue;
    for (const t of readTraceFolder(folder).traces)
      for (const p of parseTraceText(t.text, { prefixMap: t.prefixMap }).packets)
        for (const e of p.events) hooks.add(e.hook);
  }
  for (const file of filesUnder(join(ROOT, "test/fixtures/parse"), (n) => n === "input.log"))
    for (const p of parseTraceText(readFileSync(file, "utf8")).packets)
      for (const e of p.events) hooks.add(e.hook);
  return hooks;
}

/** Every hook id the simulator gives the base chains of the committed rulesets (iptables, ebtables, nft). */
function simulatedHooks(): Set<string> {
  const hooks = new Set<string>();
  const files = [
    ...filesUnder(join(ROOT, "traces"), (n) => n.endsWith(".rules")),
    ...filesUnder(join(ROOT, "test/fixtures/unmodelled-match"), (n) => /\.(rules|nft|json)$/.test(n)),
  ];
  for (const file of files) {
    const ruleset = parseRulesetFile(readFileSync(file, "utf8"), file);
    for (const family of ["ip", "bridge"] as const)
      for (const hook of ["BROUTING", "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"])
        for (const slot of hookSlots(ruleset, family, hook))
          hooks.add(`${family}:${slot.table.name}:${slot.chain}`);
  }
  return hooks;
}

async function load(map: Record<string, string>) {
  const file = join(tmp(), `map-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(map));
  return { file, result: await loadPrefixMap(file) };
}

describe("hook ids a user gives", () => {
  const produced = [...parsedHooks(), ...simulatedHooks()];

  it("covers nft tables and chains with '-' in their names among what the tools produce", () => {
    expect(produced).toContain("ip:docker-bridges:filter-FORWARD");
    expect(produced.length).toBeGreaterThan(20);
  });

  it("accepts every hook id the parser and the simulator's readers produce, in the CLI and the playground", async () => {
    for (const hook of produced) {
      expect(hookIdProblem(hook), hook).toBeUndefined();
      expect(isGivenHookId(hook), hook).toBe(true);
      expect(isHookId(hook), hook).toBe(true);
    }
    const map = Object.fromEntries(produced.map((h, i) => [`p${i}`, h]));
    expect((await load(map)).result).toEqual(map);
  });

  it("accepts the names the real nft 1.0.6 took in a throwaway namespace", () => {
    for (const table of ["a-b", "_x", ".x", "a/b", "A.B_c-9", "docker-bridges"])
      expect(hookIdProblem(`ip:${table}:Fwd.1/x`), table).toBeUndefined();
  });

  it("refuses a malformed hook id, naming the file, the prefix and the part", async () => {
    const cases: [string, RegExp][] = [
      ["ip:filter", /not a hook id: expected family:table:CHAIN/],
      ["ip:filter:INPUT:1", /not a hook id/],
      ["ipv4:filter:INPUT", /'ipv4' is not a family: use bridge, ip, ip6, arp/],
      ["inet:fw:input", /inet tables are read as ip/],
      ["netdev:meh:input", /netdev chains are not drawn: give the ruleset with --ruleset FILE/],
      ["ip::INPUT", /the table is missing/],
      ["ip:1abc:INPUT", /'1abc' is not a table name/],
      ["ip:docker bridges:INPUT", /'docker bridges' is not a table name/],
      ["ip:filter:", /the chain is missing/],
      ["ip:filter:IN PUT", /'IN PUT' is not a chain name/],
      [`ip:${"t".repeat(256)}:INPUT`, /at most 255/],
    ];
    for (const [hook, message] of cases) {
      expect(hookIdProblem(hook), hook).toMatch(message);
      expect(isGivenHookId(hook), hook).toBe(false);
      expect(isHookId(hook), hook).toBe(false);
      const { file, result } = await load({ "fw in: ": "ip:filter:INPUT", "bad one": hook });
      expect(result).toBe(
        `${file}:1:${at(file, "bad one")}: prefix 'bad one': ${hookIdProblem(hook)}\nhint: a prefix map is an object {"<prefix>": "<family>:<table>:<CHAIN>"}`,
      );
    }
  });

  it("names every wrong field of a file, and a file that is not an object", async () => {
    const { file, result } = await load({ a: "ip:filter:INPUT", b: "ip:nat", c: "x:y:z" });
    expect(String(result).split("\n")).toEqual([
      `${file}:1:${at(file, "b")}: prefix 'b': 'ip:nat' is not a hook id: expected family:table:CHAIN, e.g. 'ip:filter:INPUT' or 'ip:docker-bridges:filter-FORWARD'`,
      `${file}:1:${at(file, "c")}: prefix 'c': 'x' is not a family: use bridge, ip, ip6, arp`,
      'hint: a prefix map is an object {"<prefix>": "<family>:<table>:<CHAIN>"}',
    ]);
    // A prefix that ends in its own colon (a user's report: {"IPTABLES Dropped:": "garbage"}) is quoted,
    // not followed by a second colon; the hint line is not indented after the CLI's `packetwalk parse: `.
    const colon = await load({ "IPTABLES Dropped:": "garbage" });
    expect(String(colon.result).split("\n")).toEqual([
      `${colon.file}:1:2: prefix 'IPTABLES Dropped:': 'garbage' is not a hook id: expected family:table:CHAIN, e.g. 'ip:filter:INPUT' or 'ip:docker-bridges:filter-FORWARD'`,
      'hint: a prefix map is an object {"<prefix>": "<family>:<table>:<CHAIN>"}',
    ]);
    const list = join(tmp(), "list.json");
    writeFileSync(list, "[]");
    expect(await loadPrefixMap(list)).toMatch(new RegExp(`^${list}:1:1: \\(top level\\): `));
  });

  it("points at a JSON mistake, and names a missing file or a folder in words", async () => {
    const broken = join(tmp(), "broken.json");
    writeFileSync(broken, '{\n  "fw-raw": "ip:raw:PREROUTING",\n');
    expect(await loadPrefixMap(broken)).toMatch(
      new RegExp(`^${broken}:3:1: invalid JSON: unexpected end of file`),
    );
    expect(await loadPrefixMap(join(tmp(), "none.json"))).toMatch(
      /: no such file\n {2}hint: --prefix-map takes a JSON file/,
    );
    expect(await loadPrefixMap(tmp())).toMatch(/: it is a folder\n/);
  });

  it("refuses a near miss or another table's chain in the xtables' own tables, with the right one", () => {
    expect(hookIdProblem("ip:raw:PREROUTNG")).toBe(
      "'PREROUTNG' is not a chain of iptables' raw table (its hooks: PREROUTING, OUTPUT): did you mean 'ip:raw:PREROUTING'?",
    );
    expect(hookIdProblem("ip:filter:PREROUTING")).toBe(
      "'PREROUTING' is not a chain of iptables' filter table (its hooks: INPUT, FORWARD, OUTPUT)",
    );
    expect(hookIdProblem("bridge:nat:FORWARD")).toMatch(/^'FORWARD' is not a chain of ebtables' nat table/);
    expect(hookIdProblem("ip6:filter:INPTU")).toMatch(/did you mean 'ip6:filter:INPUT'\?$/);
    expect(isGivenHookId("ip:raw:PREROUTNG")).toBe(false);
    // Far from every built-in name: an nft chain in a table of the same name may carry it.
    for (const ok of ["ip:filter:DOCKER", "ip:filter:input", "ip:nat:my-post", "ip:filter:FORWARD"])
      expect(hookIdProblem(ok), ok).toBeUndefined();
  });

  it("refuses a built-in chain in other letters, and takes a user chain, drawn beside the map as before", async () => {
    const hint = 'hint: a prefix map is an object {"<prefix>": "<family>:<table>:<CHAIN>"}';
    const { file, result } = await load({ "fw in: ": "ip:filter:INPUT", "bad one": "ip:filter:Input" });
    expect(result).toBe(
      `${file}:1:${at(file, "bad one")}: prefix 'bad one': 'Input' is not a hook of iptables' filter table (its hooks: INPUT, FORWARD, OUTPUT), nor does its name say one: did you mean 'ip:filter:INPUT'?\n${hint}`,
    );
    // The classic LOGGING chain and other user chains: their LOG lines print at the hook whose chain jumps
    // to them, which a map cannot know; drawn in a box of their own (refusing them broke working maps).
    // Names that say their hook (nft's `input`, Docker 28's `DOCKER-FORWARD`, firewalld's `filter_INPUT`)
    // and chains of tables the xtables do not have (an nft table's, whose ruleset declares its hooks).
    const fine = {
      a: "ip:filter:input",
      b: "ip:filter:DOCKER-FORWARD",
      c: "ip:firewalld:filter_INPUT",
      d: "ip:mylog:log-pre",
      e: "ip:toString:INPUT",
      f: "ip:filter:LOGGING",
      g: "ip:filter:DOCKER-USER",
      h: "ip:filter:ufw-user-input",
      i: "bridge:broute:brouting2",
    };
    expect((await load(fine)).result).toEqual(fine);
  });

  it("takes every chain of the --ruleset's nft tables, regular ones too, and refuses one its table lacks", async () => {
    // nft 1.0.6 (`unshare -n nft -c -f`) took these rulesets: a base chain named DOCKER in a table named
    // filter; libvirt's guest_output, a regular chain forward jumps to (its LOG lines drawn beside the map).
    const chainHooks = chainHooksFromRuleset(
      'table ip filter {\n\tchain DOCKER {\n\t\ttype filter hook forward priority 0;\n\t}\n}\ntable ip fw {\n\tchain pre {\n\t\ttype filter hook prerouting priority 0;\n\t}\n\tchain helper {\n\t\tlog prefix "h "\n\t}\n}\n',
    );
    const file = join(tmp(), "map-ruleset.json");
    writeFileSync(file, JSON.stringify({ a: "ip:filter:DOCKER", b: "ip:fw:pre", c: "ip:fw:helper" }));
    expect(await loadPrefixMap(file, chainHooks)).toEqual({
      a: "ip:filter:DOCKER",
      b: "ip:fw:pre",
      c: "ip:fw:helper",
    });
    writeFileSync(file, JSON.stringify({ a: "ip:filter:NOPE", b: "ip:fw:post" }));
    expect(String(await loadPrefixMap(file, chainHooks)).split("\n")).toEqual([
      `${file}:1:${at(file, "b")}: prefix 'b': 'post' is no chain of table 'ip:fw' in the ruleset given with --ruleset (its chains: pre, helper), nor does its name say a hook`,
      'hint: a prefix map is an object {"<prefix>": "<family>:<table>:<CHAIN>"}',
    ]);
  });

  it("reads a table named like an Object method as the nft name it is (it threw a TypeError)", async () => {
    for (const hook of ["ip:constructor:INPUT", "ip:toString:FOO", "ip:__proto__:INPUT"])
      expect(() => hookIdProblem(hook), hook).not.toThrow();
    expect(hookIdProblem("ip:constructor:INPUT")).toBeUndefined();
  });
});
