import { describe, expect, it } from "vitest";
import { parseTraceDirective } from "../../../src/plugin/trace-directive.ts";

describe("parseTraceDirective", () => {
  it("applies the documented defaults", () => {
    const r = parseTraceDirective({ src: "docker-bridge/container-to-wan" });
    expect(r).toEqual({
      ok: true,
      value: { src: "docker-bridge/container-to-wan", direction: "both", view: "map", listing: true },
    });
  });

  it("reads packet as a number and listing as a boolean", () => {
    const r = parseTraceDirective({ src: "a/b", packet: "3", listing: "false" });
    expect(r.ok && r.value.packet).toBe(3);
    expect(r.ok && r.value.listing).toBe(false);
  });

  it("suggests the closest attribute for a typo", () => {
    const r = parseTraceDirective({ src: "a/b", vew: "path" });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems[0]?.message).toBe("::trace has no attribute 'vew'");
      expect(r.problems[0]?.hint).toBe("did you mean 'view'?");
    }
  });

  it("lists the allowed values for a bad enum value", () => {
    const r = parseTraceDirective({ src: "a/b", direction: "sideways" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.hint).toBe('use one of "request", "reply", "both"');
  });

  it("explains a missing src with an example", () => {
    const r = parseTraceDirective({ view: "map" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.message).toBe("::trace needs a src attribute");
  });

  it("rejects a src that is not <lab>/<scenario>", () => {
    for (const src of ["container-to-wan", "../etc/passwd", "a/b/c", "a/b.log "]) {
      expect(parseTraceDirective({ src }).ok, src).toBe(false);
    }
  });

  it("names the attribute each problem is about, so it is reported at that attribute", () => {
    const r = parseTraceDirective({ src: "docker-bridge/x", veiw: "map", direction: "up", packet: "0" });
    if (r.ok) throw new Error("accepted");
    expect(r.problems.map((p) => p.attribute).sort()).toEqual(["direction", "packet", "veiw"]);
  });

  it("says why a file path is not a trace name, and what to write instead", () => {
    const problem = (src: string) => {
      const r = parseTraceDirective({ src });
      if (r.ok) throw new Error(`${src} was accepted`);
      return r.problems[0];
    };
    expect(problem("traces/docker-bridge/container-to-wan.log")).toEqual({
      message:
        "::trace src=\"traces/docker-bridge/container-to-wan.log\": expected <lab>/<scenario>, a folder and a trace under traces/, without 'traces/' and the extension",
      hint: 'write src="docker-bridge/container-to-wan"',
      attribute: "src",
    });
    expect(problem("./traces/docker-bridge/container-to-wan")?.hint).toBe(
      'write src="docker-bridge/container-to-wan"',
    );
    expect(problem("../../../etc/passwd")?.message).toBe(
      "::trace src=\"../../../etc/passwd\": expected <lab>/<scenario>, a folder and a trace under traces/; '..' leaves traces/",
    );
    for (const outside of ["/tmp/pw/docker-host/x", "C:\\Users\\me\\x.log", "lab\\scenario"]) {
      expect(problem(outside)?.message, outside).toMatch(/, not a path on your machine$/);
      expect(problem(outside)?.hint, outside).toMatch(
        /^the build publishes only traces committed under traces\//,
      );
    }
    // The message never repeats the hint (it did: "a trace name like ..." in both).
    const plain = problem("container-to-wan");
    expect(plain?.message).toBe(
      '::trace src="container-to-wan": expected <lab>/<scenario>, a folder and a trace under traces/',
    );
    expect(plain?.hint).toMatch(/^a trace name like docker-bridge\/container-to-wan/);
  });

  it("rejects a packet number that is not a positive whole number", () => {
    for (const packet of ["0", "-1", "1.5", "first"]) {
      expect(parseTraceDirective({ src: "a/b", packet }).ok, packet).toBe(false);
    }
  });
});
