/**
 * What `packetwalk import` calls the host in what it writes (lab.json's label and description, the
 * ruleset files' first line): what the capture shows. A plain router (routed-lan-peer: no bridge,
 * `ip_forward = 1`) is a router, not a "Docker host"; a capture with a Docker bridge keeps its Docker
 * wording (web-to-peer, two-networks).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNamedAddress, readMaterial } from "../../../src/cli/import-command.ts";
import { hostKind } from "../../../src/core/import/infer-lab.ts";
import { type ImportPlan, planImport } from "../../../src/core/import/plan-import.ts";

const ROOT = join(import.meta.dirname, "../../fixtures/import");

function importCase(name: string, sysctls?: Record<string, string>): ImportPlan {
  const args = JSON.parse(readFileSync(join(ROOT, name, "args.json"), "utf8")) as {
    lab: string;
    date: string;
    containers: string[];
    peers: string[];
  };
  const plan = planImport(
    readMaterial(join(ROOT, name, "input"), {}, () => ""),
    {
      lab: args.lab,
      date: args.date,
      containers: args.containers.map((c) => parseNamedAddress(c, "--container")),
      peers: args.peers.map((c) => parseNamedAddress(c, "--peer")),
      ...(sysctls ? { sysctls } : {}),
    },
  );
  expect(plan.questions).toEqual([]);
  return plan;
}

/** The netfilter host's label, the lab's description and each ruleset file's first line. */
function wording(plan: ImportPlan) {
  const host = plan.lab?.hosts.find((h) => h.role === "docker-host");
  return {
    label: host?.label,
    description: plan.lab?.description,
    rulesets: plan.files.filter((f) => f.path.startsWith("rulesets/")).map((f) => f.text.split("\n")[0]),
  };
}

describe("what import calls the host", () => {
  it("a plain router (no bridge, forwarding on) is a router in every file, never a Docker host", () => {
    const plan = importCase("routed-lan-peer");
    const w = wording(plan);
    expect(w.label).toBe("router");
    expect(w.description).toBe(
      "A router imported from a contributor's kernel log and saves (packetwalk import).",
    );
    // The instrumentation file says where it was saved; the clean one says what it is.
    expect(w.rulesets).toContain(
      "# routed-lan: saved on the router while the trace was recorded (packetwalk import).",
    );
    for (const f of plan.files) expect(f.text, f.path).not.toMatch(/docker/i);
  });

  it("the same capture with forwarding off is a host", () => {
    const w = wording(importCase("routed-lan-peer", { "net.ipv4.ip_forward": "0" }));
    expect(w.label).toBe("host");
    expect(w.description).toBe(
      "A host imported from a contributor's kernel log and saves (packetwalk import).",
    );
    expect(w.rulesets).toContain(
      "# routed-lan: saved on the host while the trace was recorded (packetwalk import).",
    );
  });

  it.each(["web-to-peer", "two-networks"])(
    "%s: a capture with a Docker bridge keeps its Docker wording",
    (name) => {
      const plan = importCase(name);
      const w = wording(plan);
      expect(w.label).toBe("Docker host");
      expect(w.description).toBe(
        "A Docker host imported from a contributor's kernel log and saves (packetwalk import).",
      );
      expect(w.rulesets).toContain(
        `# ${plan.lab?.name}: saved on the Docker host while the trace was recorded (packetwalk import).`,
      );
    },
  );

  it("a bridge without Docker's rules is no Docker bridge", () => {
    const input = join(ROOT, "web-to-peer", "input");
    const material = {
      addr: JSON.parse(readFileSync(join(input, "ip-addr.json"), "utf8")),
      link: JSON.parse(readFileSync(join(input, "ip-link.json"), "utf8")),
    };
    const rules = readFileSync(join(input, "iptables-save.txt"), "utf8");
    expect(hostKind(material, rules, { "net.ipv4.ip_forward": "1" })).toBe("Docker host");
    expect(
      hostKind(material, "*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n", { "net.ipv4.ip_forward": "1" }),
    ).toBe("router");
  });
});
