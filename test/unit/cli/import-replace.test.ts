/**
 * Importing the same material again into a lab: before, the only answer was "the lab has a trace of
 * that name already: give another --suffix", so an import could not be redone. `--replace` writes
 * this import's `<scenario>.log` and `.json` over the lab's traces of those names; no other file of
 * the lab is removed or changed (a trace of another name, its texts in i18n/, any other file). The
 * question names `--replace`. Recorded material: test/fixtures/import/nat-router-dmesg.
 *
 * A new capture of the same lab may show a host with another MAC (the laptop's VM re-created).
 * Before, lab.json kept the host's earlier MAC (`--replace` or not) while the new logs showed the
 * new one, silently: the simulator takes a MAC from lab.json (MAC matches, the bridge's forwarding
 * database), and the check compares no MAC, so nothing said the lab now described two laptops. Now
 * `--replace` writes the capture's MAC into lab.json and says so; a trace it leaves that still shows
 * the old MAC is a question naming it (nothing written), and so is the new MAC without `--replace`.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importNatRouter, NAT_ROUTER_MATERIAL } from "../../helpers/import-nat-router.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = NAT_ROUTER_MATERIAL;
const tmp = tempDir("pw-import-replace-");

const importInto = (out: string, ...args: string[]) => importNatRouter(input, out, ...args);

/** The laptop's MAC in the recorded material (the source MAC of its frames in kernel.log). */
const LAPTOP_MAC = "52:54:00:c0:00:02";
/** The laptop's MAC in a later capture. */
const NEW_MAC = "52:54:00:c0:00:22";

/**
 * The material as a later capture with the laptop re-created: the recorded lines with its MAC
 * written as {@link NEW_MAC} (the LOG `MAC=` field prints the frame's source MAC, the laptop's;
 * kernel.log is the only file holding it).
 */
function recaptured(): string {
  const folder = join(tmp(), "recaptured");
  cpSync(input, folder, { recursive: true });
  const log = join(folder, "kernel.log");
  writeFileSync(log, readFileSync(log, "utf8").replaceAll(LAPTOP_MAC, NEW_MAC));
  return folder;
}

/** The MAC of `host`'s `iface` in a lab.json text. */
function macOf(labJson: string, host: string, iface: string): string | undefined {
  const lab = JSON.parse(labJson) as {
    hosts: { name: string; interfaces: { name: string; mac?: string }[] }[];
  };
  return lab.hosts.find((h) => h.name === host)?.interfaces.find((i) => i.name === iface)?.mac;
}

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

  it("writes the MAC the new capture shows into lab.json, and nothing else of it changes", async () => {
    const out = join(tmp(), "mac");
    const lab = join(out, "nat-router");
    expect((await importInto(out)).code).toBe(0);
    const before = readFileSync(join(lab, "lab.json"), "utf8");
    expect(macOf(before, "laptop", "eth0")).toBe(LAPTOP_MAC);

    const r = await importNatRouter(recaptured(), out, "--replace");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  host laptop (lan, "peer laptop"): eth0 ${NEW_MAC} 192.0.2.2/24\n`);
    expect(r.stdout).toContain(
      `  note: lab.json: laptop/eth0's MAC is now ${NEW_MAC} (it was ${LAPTOP_MAC}), as this capture shows\n`,
    );
    const after = readFileSync(join(lab, "lab.json"), "utf8");
    // The laptop's MAC, and only it: lab.json and the traces say one laptop.
    expect(after).toBe(before.replace(`"mac": "${LAPTOP_MAC}"`, `"mac": "${NEW_MAC}"`));
    for (const f of ["laptop-to-wan.log", "laptop-to-wan-tcp.log"]) {
      const log = readFileSync(join(lab, f), "utf8");
      expect(log, f).toContain(NEW_MAC);
      expect(log, f).not.toContain(LAPTOP_MAC);
    }
  });

  it("asks, writing nothing, when a trace it does not replace shows the old MAC, or without --replace", async () => {
    const out = join(tmp(), "stale");
    const lab = join(out, "nat-router");
    expect((await importInto(out)).code).toBe(0);
    expect((await importInto(out, "--suffix=-2")).code).toBe(0);
    const kept = snapshot(lab);
    const material = recaptured();

    // Another name, no --replace: the new traces would show NEW_MAC next to lab.json's LAPTOP_MAC.
    const added = await importNatRouter(material, out, "--suffix=-3");
    expect(added.code).toBe(2);
    expect(added.stderr).toContain(
      `  - laptop/eth0: this capture shows the MAC ${NEW_MAC}, lab.json has ${LAPTOP_MAC} (and so do the lab's traces laptop-to-wan, laptop-to-wan-2, laptop-to-wan-tcp, laptop-to-wan-tcp-2): lab.json holds one MAC per interface, so this import's traces would disagree with it; add --replace to write ${NEW_MAC} into lab.json (once no trace the import leaves shows ${LAPTOP_MAC}), or import this capture into a new --lab\n`,
    );
    expect(snapshot(lab)).toEqual(kept);

    // --replace: laptop-to-wan and laptop-to-wan-tcp are replaced, the -2 traces would be left wrong.
    const replaced = await importNatRouter(material, out, "--replace");
    expect(replaced.code).toBe(2);
    expect(replaced.stderr).toContain(
      `  - laptop/eth0: this capture shows the MAC ${NEW_MAC}, lab.json has ${LAPTOP_MAC}, and the lab's traces laptop-to-wan-2, laptop-to-wan-tcp-2, which this import does not replace, show ${LAPTOP_MAC}: with ${NEW_MAC} in lab.json they would disagree with it; if this capture supersedes them, remove their .log and .json first (and record or simulate them again after this import), or import this capture into a new --lab\n`,
    );
    expect(replaced.stderr).not.toContain("note: lab.json:");
    expect(snapshot(lab)).toEqual(kept);

    // The way out the question gives: the -2 traces removed, the import goes through.
    for (const stem of ["laptop-to-wan-2", "laptop-to-wan-tcp-2"])
      for (const ext of [".log", ".json"]) rmSync(join(lab, `${stem}${ext}`));
    const done = await importNatRouter(material, out, "--replace");
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(macOf(readFileSync(join(lab, "lab.json"), "utf8"), "laptop", "eth0")).toBe(NEW_MAC);
  });
});
