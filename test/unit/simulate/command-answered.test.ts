import { describe, expect, it } from "vitest";
import { commandAnswered } from "../../../src/core/simulate/conformance.ts";

describe("commandAnswered", () => {
  it("reads a single ping's exit code: 0 got the reply, anything else did not", () => {
    expect(commandAnswered(["ping", "-c1", "-W1", "198.51.100.10"], 0)).toBe(true);
    expect(commandAnswered(["ping", "-c1", "-W1", "198.51.100.10"], 1)).toBe(false);
    expect(commandAnswered(["ping", "-6", "-c", "1", "2001:db8:2::10"], 0)).toBe(true);
    expect(commandAnswered(["/usr/bin/ping", "-W1", "-c1", "-I", "192.0.2.5", "203.0.113.10"], 1)).toBe(
      false,
    );
  });

  it("says nothing without an exit code, for several echoes, or for another command", () => {
    expect(commandAnswered(["ping", "-c1", "198.51.100.10"], undefined)).toBeUndefined();
    // With three echoes, exit 0 says one came back, not which.
    expect(commandAnswered(["ping", "-c3", "198.51.100.10"], 0)).toBeUndefined();
    expect(commandAnswered(["ping", "198.51.100.10"], 0)).toBeUndefined();
    expect(
      commandAnswered(["node", "src/capture/tcp-peer.ts", "client", "203.0.113.2", "8080"], 0),
    ).toBeUndefined();
    expect(commandAnswered(["curl", "-c1", "http://203.0.113.2/"], 0)).toBeUndefined();
  });
});
