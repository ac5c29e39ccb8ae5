import { describe, expect, it } from "vitest";
import { dockerRuleset } from "../../../src/capture/docker-ruleset.ts";

function chains(text: string): { declared: Set<string>; used: Set<string> } {
  const declared = new Set<string>();
  const used = new Set<string>();
  let table = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1);
    const decl = /^:(\S+)/.exec(line);
    if (decl) declared.add(`${table}/${decl[1]}`);
    const rule = /^-A (\S+)/.exec(line);
    if (rule) used.add(`${table}/${rule[1]}`);
    const jump = / -j (DOCKER\S*)/.exec(line);
    if (jump) used.add(`${table}/${jump[1]}`);
  }
  return { declared, used };
}

describe("Docker's default rulesets", () => {
  it("declares every chain it appends to or jumps to, and commits each table", () => {
    for (const version of ["27", "28"] as const) {
      const text = dockerRuleset(version);
      const { declared, used } = chains(text);
      for (const chain of used) expect(declared, `${version}: ${chain}`).toContain(chain);
      expect(text.match(/^\*/gm)?.length).toBe(text.match(/^COMMIT$/gm)?.length);
    }
  });

  it("Docker 28 sends FORWARD through DOCKER-FORWARD and protects containers in raw", () => {
    const text = dockerRuleset("28");
    expect(text).toContain("-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-FORWARD\n");
    expect(text).toContain(
      "-A DOCKER-FORWARD -j DOCKER-CT\n-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1\n-A DOCKER-FORWARD -j DOCKER-BRIDGE\n",
    );
    expect(text).toContain("-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP");
  });

  it("Docker 27 keeps the older FORWARD layout and has no DOCKER-FORWARD", () => {
    const text = dockerRuleset("27");
    expect(text).not.toContain("DOCKER-FORWARD");
    expect(text).not.toContain("*raw");
    expect(text).toContain(
      "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -o docker0 -j DOCKER\n",
    );
  });

  it("publishes 8080 to c1:80 with its DNAT, filter ACCEPT and MASQUERADE", () => {
    for (const version of ["27", "28"] as const) {
      const text = dockerRuleset(version);
      expect(text).toContain(
        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
      );
      expect(text).toContain(
        "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT",
      );
      expect(text).toContain("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE");
    }
  });
});
