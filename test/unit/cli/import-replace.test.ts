/**
 * Importing the same material again into a lab: before, the only answer was "the lab has a trace of
 * that name already: give another --suffix", so an import could not be redone. `--replace` writes
 * this import's `<scenario>.log` and `.json` over the lab's traces of those names; no other file of
 * the lab is removed or changed (a trace of another name, its texts in i18n/, any other file). The
 * question names `--replace`. Recorded material: test/fixtures/import/nat-router-dmesg.
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importNatRouter, NAT_ROUTER_MATERIAL } from "../../helpers/import-nat-router.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = NAT_ROUTER_MATERIAL;
const tmp = tempDir("pw-import-replace-");

const importInto = (out: string, ...args: string[]) => importNatRouter(input, out, ...args);

/** Every file of the lab with its text, by path inside the lab. */
function snapshot(dir: string, base = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, base), { withFileTypes: true })) {
    const path = join(base, e.name);
    if (e.isDirectory()) Object.assign(out, snapshot(dir, path));
    else out[path] = readFileSync(join(dir, path), "utf8");
  }
  return out;
}

describe("import --replace", () => {
  it("is named by the question, and writes exactly the scenarios' files over the lab's", async () => {
    const out = join(tmp(), "traces");
    const lab = join(out, "nat-router");
    expect((await importInto(out)).code).toBe(0);
    const first = snapshot(lab);
    expect((await importInto(out, "--suffix=-2")).code).toBe(0);

    const again = await importInto(out);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      "laptop-to-wan: the lab has a trace of that name already: give another --suffix (e.g. --suffix=-2), or --replace to write this import's laptop-to-wan.log and laptop-to-wan.json over it",
    );

    // What a contributor may have changed since: a trace edited by hand, a translation, a file of their own.
    writeFileSync(join(lab, "laptop-to-wan.log"), "edited\n");
    writeFileSync(join(lab, "i18n-draft.md"), "mine\n");
    const kept = snapshot(lab);
    const mtimes = Object.fromEntries(Object.keys(kept).map((f) => [f, statSync(join(lab, f)).mtimeMs]));

    const r = await importInto(out, "--replace");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "  replace laptop-to-wan.log (+ .json)\n  replace laptop-to-wan-tcp.log (+ .json)\n",
    );
    expect(r.stdout).toContain("replaced laptop-to-wan, laptop-to-wan-tcp\n");
    const now = snapshot(lab);
    expect(Object.keys(now).sort()).toEqual(Object.keys(kept).sort());
    const replaced = [
      "laptop-to-wan.log",
      "laptop-to-wan.json",
      "laptop-to-wan-tcp.log",
      "laptop-to-wan-tcp.json",
    ];
    for (const f of replaced) expect(now[f], f).toBe(first[f]);
    // Everything else as it was, byte for byte and unwritten (lab.json is written again: the same text).
    for (const f of Object.keys(kept).filter((x) => !replaced.includes(x))) {
      expect(now[f], f).toBe(kept[f]);
      if (f !== "lab.json") expect(statSync(join(lab, f)).mtimeMs, f).toBe(mtimes[f]);
    }
  });

  it("names the ruleset files only the replaced traces named, and removes none", async () => {
    const out = join(tmp(), "rules");
    const lab = join(out, "nat-router");
    expect((await importInto(out)).code).toBe(0);
    // The same traffic, recorded under other logging rules: one more LOG rule in raw OUTPUT
    // (`unshare -n iptables-restore --test` takes the edited save: exit 0, no output).
    const other = join(tmp(), "other-material");
    cpSync(input, other, { recursive: true });
    const save = join(other, "iptables-save.txt");
    writeFileSync(
      save,
      readFileSync(save, "utf8").replace(
        '-A OUTPUT -j LOG --log-prefix "rtr-raw-out "\n',
        '-A OUTPUT -j LOG --log-prefix "rtr-raw-out "\n-A OUTPUT -p udp --dport 9 -j LOG --log-prefix "rtr-udp9 "\n',
      ),
    );
    const { code, stdout: said } = await importNatRouter(other, out, "--replace");
    expect(code).toBe(0);
    // The ruleset without logging rules is the same file; the instrumentation a new one, the old one left.
    expect(readdirSync(join(lab, "rulesets")).length).toBe(3);
    expect(said).toMatch(
      /replaced laptop-to-wan, laptop-to-wan-tcp; no trace names rulesets\/nat-router\.instrumented-[0-9a-f]{8}\.rules any more \(the traces replaced did\): remove it and its name in lab\.json's rulesets if no lesson needs it\n/,
    );
  });
});
