import { describe, expect, it } from "vitest";
import { keepLogged } from "../../../src/core/simulate/conformance.ts";
import type { HookEvent } from "../../../src/core/simulate/simulate-packet.ts";

function event(hook: string, logs: { prefix: string; chance?: boolean }[]): HookEvent {
  const [family, table, chain] = hook.split(":") as ["ip", string, string];
  return {
    hook: hook as HookEvent["hook"],
    family,
    table,
    chain,
    packet: {
      src: "203.0.113.1",
      dst: "203.0.113.2",
      proto: "tcp",
      ttl: 64,
      id: 1,
      len: 60,
      ipFlags: [],
      mark: 0,
    },
    steps: [],
    logs: logs.map((l) => ({ ...l, line: 1 })),
    verdict: "ACCEPT",
    uncertain: false,
    traced: false,
  } as HookEvent;
}

describe("keepLogged (a rate-limited LOG line may be missing from a recording)", () => {
  const events = [
    event("ip:raw:PREROUTING", [{ prefix: "t/iptable/raw-PREROUTING" }]),
    event("ip:filter:INPUT", [{ prefix: "t/iptable/filter-INPUT", chance: true }]),
    event("ip:nat:INPUT", [{ prefix: "t/iptable/nat-INPUT" }]),
  ];

  it("leaves out a chance-only event the kernel did not print, and keeps it when it did", () => {
    expect(keepLogged(events, ["ip:raw:PREROUTING", "ip:nat:INPUT"], "log").map((e) => e.hook)).toEqual([
      "ip:raw:PREROUTING",
      "ip:nat:INPUT",
    ]);
    expect(
      keepLogged(events, ["ip:raw:PREROUTING", "ip:filter:INPUT", "ip:nat:INPUT"], "log").map((e) => e.hook),
    ).toEqual(["ip:raw:PREROUTING", "ip:filter:INPUT", "ip:nat:INPUT"]);
  });

  it("never drops a certain event, and changes nothing when no choice agrees or in TRACE mode", () => {
    expect(keepLogged(events, ["ip:filter:INPUT", "ip:nat:INPUT"], "log")).toBe(events);
    expect(keepLogged(events, ["ip:raw:PREROUTING", "ip:nat:INPUT"], "trace")).toBe(events);
  });
});
