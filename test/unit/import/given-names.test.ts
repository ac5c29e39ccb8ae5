/**
 * Names given on the command line that the lab cannot use are said, not dropped: a `port=` that is
 * no port of the container's bridge is a question naming the bridge's ports (it used to be written
 * as a link to `host/abc`, which only validation caught, after the lab was written); a container or
 * peer whose address no packet of the log has (and that the log shows by no other address, see
 * given-unseen-address.test.ts) is named in `unusedNames`, which import prints as a warning (it used
 * to vanish without a word).
 * Recorded fixture: test/fixtures/import/host-capture-container-to-container (web pings db).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { type ImportPlan, planImport } from "../../../src/core/import/plan-import.ts";

const input = join(import.meta.dirname, "../../fixtures/import/host-capture-container-to-container/input");
const material = readMaterial(input, {}, () => "");

function plan(containers: string[], peers: string[] = []): ImportPlan {
  return planImport(material, {
    lab: "edge",
    date: "2026-11-30",
    containers: containers.map((c) => parseNamedAddress(c, "--container")),
    peers: peers.map((p) => parseNamedAddress(p, "--peer")),
  });
}

describe("names given on the command line", () => {
  it("imports the recorded capture with the two containers it shows", () => {
    const p = plan(["web=10.77.0.2", "db=10.77.0.3"]);
    expect(p.questions).toEqual([]);
    expect(p.lab?.hosts.map((h) => h.name)).toEqual(["host", "web", "db"]);
  });

  it("asks again for a port= that is no port of the bridge, naming the ports", () => {
    const p = plan(["web=10.77.0.2,port=abc", "db=10.77.0.3"]);
    expect(p.lab).toBeUndefined();
    expect(p.questions).toEqual([
      "--container web=10.77.0.2,port=abc: br-web has no port 'abc' (its ports: vweb, vdb; bridge -j link lists them): give one of those, or leave port= out",
    ]);
  });

  it("keeps a port= that is a port of the bridge", () => {
    const p = plan(["web=10.77.0.2,port=vweb", "db=10.77.0.3"]);
    expect(p.questions).toEqual([]);
  });

  it("names a container or peer whose address no packet has, and still imports", () => {
    const p = plan(["web=10.77.0.2", "db=10.77.0.3", "cache=10.77.0.9"], ["nas=192.0.2.7"]);
    expect(p.questions).toEqual([]);
    expect(p.lab?.hosts.map((h) => h.name)).toEqual(["host", "web", "db"]);
    expect(p.unusedNames).toEqual([
      "--container cache=10.77.0.9 is given, but no packet of the log has 10.77.0.9: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)",
      "--peer nas=192.0.2.7 is given, but no packet of the log has 192.0.2.7: the lab has no host for it (a typo? the log's addresses are those the questions and scenarios name)",
    ]);
  });
});
