/**
 * Importing more material into an anonymised lab. Before, `import --suffix=-raw` without
 * `--anonymize` into a lab made with `--anonymize` wrote the router's real MAC (`MAC=52:54:00:c0:00:01`)
 * into the new log next to lab.json's stand-ins, and lab.json did not say the lab was anonymised.
 * Now lab.json records `"anonymized": true`, and an import into such a lab is refused unless it is
 * anonymised with the map of the lab's earlier import (`--anonymize-map FILE`, read when FILE exists
 * and written back extended): the same real values then get the same stand-ins. A lab imported
 * before the field existed is known by its MACs, all stand-ins. Recorded material:
 * test/fixtures/import/nat-router-dmesg (a NAT router's saves and the machine's whole dmesg).
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { anonymizeMapProblem } from "../../../src/cli/import-command.ts";
import { importNatRouter, NAT_ROUTER_MATERIAL } from "../../helpers/import-nat-router.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const input = NAT_ROUTER_MATERIAL;
const REPO = join(import.meta.dirname, "../../..");
const tmp = tempDir("pw-import-anon-lab-");
/** The router's, the laptop's and the gateway's real MACs (all in the material). */
const REAL_MACS = ["52:54:00:c0:00:01", "52:54:00:c0:00:02", "52:54:00:71:00:02", "52:54:00:71:00:01"];

/** Runs import on the recorded material into `out`, the router named `router`. */
const importInto = (out: string, ...args: string[]) =>
  importNatRouter(input, out, "--host-name", "router", ...args);

const lab = (out: string) => join(out, "nat-router");
const filesOf = (out: string) => readdirSync(lab(out)).sort();
const read = (out: string, f: string) => readFileSync(join(lab(out), f), "utf8");
/** The MACs of a log's MAC= fields. */
const logMacs = (text: string) =>
  new Set(
    [...text.matchAll(/MAC=((?:[0-9a-f]{2}:){13}[0-9a-f]{2})/g)].flatMap((m) => {
      const b = (m[1] as string).split(":");
      return [b.slice(0, 6).join(":"), b.slice(6, 12).join(":")];
    }),
  );

describe("an import into an anonymised lab", () => {
  it("is recorded in lab.json, refused without --anonymize or without the lab's map, and keeps the stand-ins with it", async () => {
    const out = join(tmp(), "traces");
    const map = join(tmp(), "map.json");
    const first = await importInto(out, "--anonymize", "--anonymize-map", map);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(read(out, "lab.json")).anonymized).toBe(true);
    const labBefore = read(out, "lab.json");
    const mapBefore = JSON.parse(readFileSync(map, "utf8"));
    for (const mac of REAL_MACS) expect(mapBefore.macs[mac]).toMatch(/^02:00:00:00:[0-9a-f]{2}:[0-9a-f]{2}$/);
    const before = filesOf(out);

    // The tester's command: nothing written, the reason and the way out said.
    const plain = await importInto(out, "--suffix=-raw");
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain(
      `nat-router is anonymised (its lab.json has "anonymized": true), and this import is not: it would write this material's real addresses, MACs and host names next to the lab's stand-ins; add --anonymize --anonymize-map FILE, FILE being the map the lab's earlier import wrote (kept outside the repository): the same real values then get the same stand-ins`,
    );
    expect(filesOf(out)).toEqual(before);

    // Anonymised afresh, the router's MAC could become another stand-in: refused too.
    const mapless = await importInto(out, "--suffix=-raw", "--anonymize");
    expect(mapless.code).toBe(2);
    expect(mapless.stderr).toContain(
      "without the map of its earlier imports this import's stand-ins would not be the lab's",
    );
    expect(filesOf(out)).toEqual(before);

    // Another lab's map (the same real MACs, other stand-ins) is not this lab's.
    const other = join(tmp(), "other-map.json");
    writeFileSync(
      other,
      JSON.stringify({ addresses: {}, macs: { "52:54:00:c0:00:01": "02:00:00:00:00:09" }, hostnames: {} }),
    );
    const wrong = await importInto(out, "--suffix=-raw", "--anonymize", "--anonymize-map", other);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /the --anonymize-map given is not the map of this lab's imports: 02:00:00:00:[0-9a-f]{2}:[0-9a-f]{2}, the MAC of /,
    );

    // With the lab's map: the same stand-ins, no real MAC anywhere, the map written back with every entry kept.
    const again = await importInto(out, "--suffix=-raw", "--anonymize", "--anonymize-map", map);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`anonymisation map read from and written back to ${map}`);
    expect(filesOf(out)).toEqual(
      [
        ...before,
        "laptop-to-wan-raw.json",
        "laptop-to-wan-raw.log",
        "laptop-to-wan-tcp-raw.json",
        "laptop-to-wan-tcp-raw.log",
      ].sort(),
    );
    for (const f of filesOf(out).filter((x) => /\.(log|json)$/.test(x)))
      for (const mac of REAL_MACS) expect(read(out, f), `${f}: ${mac}`).not.toContain(mac);
    expect([...logMacs(read(out, "laptop-to-wan-raw.log"))]).toEqual([
      ...logMacs(read(out, "laptop-to-wan.log")),
    ]);
    expect(read(out, "lab.json")).toBe(labBefore);
    const mapAfter = JSON.parse(readFileSync(map, "utf8"));
    for (const part of ["addresses", "macs", "hostnames"])
      expect(mapAfter[part]).toMatchObject(mapBefore[part]);
  });

  it('is known by its MACs when lab.json predates the field, and "anonymized": false says otherwise', async () => {
    const out = join(tmp(), "legacy");
    const map = join(tmp(), "legacy-map.json");
    expect((await importInto(out, "--anonymize", "--anonymize-map", map)).code).toBe(0);
    const labFile = join(lab(out), "lab.json");
    const { anonymized: _, ...old } = JSON.parse(readFileSync(labFile, "utf8"));
    writeFileSync(labFile, `${JSON.stringify(old, null, 2)}\n`);
    const refused = await importInto(out, "--suffix=-raw");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `nat-router is anonymised (every MAC of its lab.json is a stand-in --anonymize gives (02:00:00:00:xx:xx); if it is not anonymised, write "anonymized": false in its lab.json), and this import is not`,
    );
    writeFileSync(labFile, `${JSON.stringify({ ...old, anonymized: false }, null, 2)}\n`);
    // What the field is for: a lab whose real MACs look like stand-ins (set so in its namespaces).
    // Its material holds those MACs; material with other MACs than lab.json's is asked about (a MAC question).
    const own = join(tmp(), "legacy-material");
    cpSync(input, own, { recursive: true });
    const { macs } = JSON.parse(readFileSync(map, "utf8")) as { macs: Record<string, string> };
    for (const f of readdirSync(own)) {
      let text = readFileSync(join(own, f), "utf8");
      for (const [real, standIn] of Object.entries(macs)) text = text.replaceAll(real, standIn);
      writeFileSync(join(own, f), text);
    }
    const plain = await importNatRouter(own, out, "--host-name", "router", "--suffix=-raw");
    expect(plain.stderr).toBe("");
    expect(plain.code).toBe(0);
  });

  it("takes no anonymised material into a lab that is not anonymised", async () => {
    const out = join(tmp(), "plain");
    expect((await importInto(out)).code).toBe(0);
    const before = filesOf(out);
    const r = await importInto(out, "--suffix=-anon", "--anonymize");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "nat-router is not anonymised (its lab.json's MACs are not stand-ins): --anonymize would give this material's MACs and public addresses stand-ins where the lab's files keep the real ones",
    );
    expect(filesOf(out)).toEqual(before);
  });

  it("reads an --anonymize-map that exists as an earlier map, refusing one that is not, and none inside the repository", async () => {
    const bad = join(tmp(), "notes.json");
    writeFileSync(bad, '{"todo": []}\n');
    const r = await importInto(join(tmp(), "bad-map"), "--anonymize", "--anonymize-map", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--anonymize-map ${bad}: not an anonymisation map: "addresses" is not an object of original -> stand-in; it exists, so import reads it as an earlier import's map (nothing written)`,
    );
    expect(readFileSync(bad, "utf8")).toBe('{"todo": []}\n');
    expect(existsSync(join(tmp(), "bad-map"))).toBe(false);
    // One `git add -A` from public: refused like traces/, content/ and public/.
    expect(anonymizeMapProblem(join(REPO, "my-map.json"), join(tmp(), "x", "lab"), true)?.message).toBe(
      `--anonymize-map ${join(REPO, "my-map.json")}: it is inside the repository ${REPO}, where one \`git add\` commits it; the map holds the real addresses, MACs and host names it replaces, so it is never written where it would be published (nothing written)`,
    );
  });

  it("can be copied and imported into with the map (the tester's repro, fixed)", async () => {
    const out = join(tmp(), "copy");
    const map = join(tmp(), "copy-map.json");
    expect((await importInto(join(tmp(), "orig"), "--anonymize", "--anonymize-map", map)).code).toBe(0);
    cpSync(join(tmp(), "orig"), out, { recursive: true });
    const r = await importInto(out, "--suffix=-raw", "--anonymize", "--anonymize-map", map);
    expect(r.code).toBe(0);
    expect(read(out, "laptop-to-wan-raw.log")).not.toContain("52:54:00:c0:00:01");
  });

  it("takes a host's new MAC into lab.json as its stand-in with --replace, never the real one", async () => {
    const out = join(tmp(), "new-mac");
    const map = join(tmp(), "new-mac-map.json");
    expect((await importInto(out, "--anonymize", "--anonymize-map", map)).code).toBe(0);
    const laptopBefore = JSON.parse(readFileSync(map, "utf8")).macs["52:54:00:c0:00:02"];
    // A later capture: the laptop re-created with another MAC (kernel.log is the only file holding it).
    const material = join(tmp(), "new-mac-material");
    cpSync(input, material, { recursive: true });
    const log = join(material, "kernel.log");
    writeFileSync(log, readFileSync(log, "utf8").replaceAll("52:54:00:c0:00:02", "52:54:00:c0:00:22"));
    const r = await importNatRouter(
      material,
      out,
      "--host-name",
      "router",
      "--replace",
      "--anonymize",
      "--anonymize-map",
      map,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const standIn = JSON.parse(readFileSync(map, "utf8")).macs["52:54:00:c0:00:22"];
    expect(standIn).toMatch(/^02:00:00:00:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(standIn).not.toBe(laptopBefore);
    const laptop = JSON.parse(read(out, "lab.json")).hosts.find((h: { name: string }) => h.name === "laptop");
    expect(laptop.interfaces.find((i: { name: string }) => i.name === "eth0").mac).toBe(standIn);
    expect(r.stdout).toContain(`laptop/eth0's MAC is now ${standIn} (it was ${laptopBefore})`);
    // The logs show the stand-in lab.json has; no real MAC, old or new, in any file of the lab.
    expect(logMacs(read(out, "laptop-to-wan.log")).has(standIn)).toBe(true);
    for (const f of filesOf(out).filter((x) => /\.(log|json)$/.test(x)))
      for (const mac of [...REAL_MACS, "52:54:00:c0:00:22"])
        expect(read(out, f), `${f}: ${mac}`).not.toContain(mac);
  });
});
