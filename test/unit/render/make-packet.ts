/**
 * Builds realistic {@link Packet}s by hand for render tests: one event per
 * hook, with the interfaces and addresses the kernel would print there.
 */
import type { HookId } from "../../../src/core/model/hook.ts";
import type { Packet, Rewrite, TraceEvent } from "../../../src/core/model/packet.ts";

/** One hook crossing: the hook and what the LOG line showed. */
export interface StepSpec {
  hook: HookId;
  in?: string;
  out?: string;
  physIn?: string;
  physOut?: string;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

const PREFIX: Record<string, string> = {
  raw: "raw",
  mangle: "mangle",
  nat: "nat",
  filter: "filter",
  broute: "broute",
};
const SHORT: Record<string, string> = { PREROUTING: "PREROUTE", POSTROUTING: "POSTROUTE" };

/** The LOG prefix the lab uses for a hook, e.g. `iptable/raw-PREROUTE`. */
export function labPrefix(hook: HookId): string {
  const [family, table, chain] = hook.split(":") as [string, string, string];
  const tool = family === "bridge" ? "ebtable" : "iptable";
  return `${tool}/${PREFIX[table] ?? table}-${SHORT[chain] ?? chain}`;
}

/** A packet crossing `steps` in order; the raw line is what iptables LOG would print. */
export function makePacket(
  base: { id: number; flow: number; direction: "request" | "reply"; summary: string; proto: "icmp" | "tcp" },
  steps: StepSpec[],
  rewrites: Rewrite[] = [],
): Packet {
  const events: TraceEvent[] = steps.map((s, i) => {
    const prefix = labPrefix(s.hook);
    const ports =
      base.proto === "tcp" ? ` SPT=${s.sport} DPT=${s.dport} WINDOW=64240 RES=0x00 SYN URGP=0` : "";
    const l4 =
      base.proto === "tcp"
        ? { proto: "tcp", sport: s.sport, dport: s.dport, tcpFlags: ["SYN"] }
        : {
            proto: "icmp",
            icmpType: base.direction === "request" ? 8 : 0,
            icmpCode: 0,
            icmpId: 7,
            icmpSeq: 1,
          };
    const phys = `${s.physIn ? ` PHYSIN=${s.physIn}` : ""}${s.physOut ? ` PHYSOUT=${s.physOut}` : ""}`;
    const proto = base.proto === "tcp" ? "TCP" : `ICMP TYPE=${l4.icmpType} CODE=0 ID=7 SEQ=1`;
    const raw = `[ ${(100 + i / 1000).toFixed(6)}] ${prefix} IN=${s.in ?? ""} OUT=${s.out ?? ""}${phys} SRC=${s.src} DST=${s.dst} LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=4242 DF PROTO=${proto}${ports}`;
    const event: TraceEvent = {
      hook: s.hook,
      prefix,
      source: s.hook.startsWith("bridge:") ? "ebt-log" : "log",
      raw,
      position: { file: "traces/docker-bridge/example.log", line: i + 1, column: 1 },
      time: 100 + i / 1000,
      ip: { src: s.src, dst: s.dst, len: 84, ttl: 64 },
      l4,
    };
    if (s.in) event.in = s.in;
    if (s.out) event.out = s.out;
    if (s.physIn) event.physIn = s.physIn;
    if (s.physOut) event.physOut = s.physOut;
    return event;
  });
  const { proto: _proto, ...packet } = base;
  return { ...packet, events, hooks: events.map((e) => e.hook), rewrites };
}
