/**
 * `packetTail` in JSON mode writes its bytes by hand for speed (`json-tail-bytes.ts`): they must be,
 * byte for byte, what stringifying the same fields as an object gives (the output `--json` has
 * always had), for any packet, names with quotes, control characters and non-ASCII included, into
 * any sink, however its room runs out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ByteSink, writeJsonTail } from "../../../src/cli/json-tail-bytes.ts";
import { OutputChunks } from "../../../src/cli/output-chunks.ts";
import { packetTail } from "../../../src/cli/packet-output.ts";
import type { Packet, TraceEvent } from "../../../src/core/model/packet.ts";

/** The tail as an object stringified: the definition the hand-written one must equal. */
function reference(p: Pick<Packet, "events" | "hooks" | "rewrites">): string {
  const rest = JSON.stringify({
    hooks: p.hooks,
    rewrites: p.rewrites,
    events: p.events.map((e, i) => ({
      hook: e.hook,
      file: e.position.file,
      line: e.position.line,
      in: e.in ?? "",
      out: e.out ?? "",
      ...(e.physIn ? { physIn: e.physIn } : {}),
      ...(e.physOut ? { physOut: e.physOut } : {}),
      ...(e.verdicts ? { verdicts: e.verdicts.map(({ position: _, ...v }) => v) } : {}),
      ...(e.drop && i === p.events.length - 1 ? { drop: e.drop } : {}),
    })),
  });
  return `${rest.slice(1)}\n`;
}

// Names as a hostile log may carry them: quotes, backslashes, control characters, lone surrogates.
const name = fc.oneof(
  fc.constantFrom("", "eth0", "docker0", "veth1a2b", 'a"b\\c', "\u0007\n", "\ud800x"),
  fc.string(),
);
const position = fc.record({ file: name, line: fc.nat(), column: fc.nat() });
const verdict = fc.record(
  {
    kind: fc.constantFrom("rule", "policy", "return"),
    chain: name,
    rule: name,
    verdict: fc.constantFrom("ACCEPT", "DROP", "CONTINUE"),
    text: name,
    position,
  },
  { requiredKeys: ["kind", "chain"] },
);
const event = fc.record(
  {
    hook: fc.constantFrom(
      "ip:raw:PREROUTING",
      "ip:filter:FORWARD",
      "bridge:filter:FORWARD",
      "arp:filter:input",
    ),
    position,
    in: name,
    out: name,
    physIn: name,
    physOut: name,
    verdicts: fc.array(verdict, { maxLength: 3 }),
    drop: fc.record({ verdict: fc.constantFrom("DROP", "REJECT", "DROP or REJECT"), by: name }),
  },
  { requiredKeys: ["hook", "position"] },
);
const endpoints = fc.record(
  { src: name, dst: name, sport: fc.nat(65535), dport: fc.nat(65535) },
  { requiredKeys: ["src", "dst"] },
);
const rewrite = fc.record({
  atEvent: fc.nat(9),
  afterHook: fc.constant("ip:nat:PREROUTING"),
  beforeHook: fc.constant("ip:filter:FORWARD"),
  kind: fc.constantFrom("dnat", "snat", "both"),
  from: endpoints,
  to: endpoints,
});

/** A sink that never has a byte to spare: every piece written asks for room, and room is a new buffer of just that. */
class SpillingSink implements ByteSink {
  buf = Buffer.alloc(0);
  at = 0;
  readonly pieces: Buffer[] = [];
  room(n: number): void {
    this.pieces.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.alloc(n);
    this.at = 0;
  }
  bytes(): Buffer {
    return Buffer.concat([...this.pieces, this.buf.subarray(0, this.at)]);
  }
}

describe("packetTail in JSON mode", () => {
  it("equals the stringified object for any packet", () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        fc.array(rewrite, { maxLength: 2 }),
        (events, rewrites) => {
          const p = {
            events: events as unknown as TraceEvent[],
            hooks: events.map((e) => e.hook) as Packet["hooks"],
            rewrites: rewrites as unknown as Packet["rewrites"],
          };
          const tail = packetTail(p, "json");
          expect(tail).toBe(reference(p));
          const tight = new SpillingSink();
          writeJsonTail(p, tight);
          expect(tight.bytes().equals(Buffer.from(reference(p), "utf8"))).toBe(true);
          // The head's `{` makes it one JSON object per line.
          expect(() => JSON.parse(`{${tail}`)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("writes into the CLI's output chunks across a chunk's end, as its text would be", () => {
    const out = new OutputChunks();
    const names = ["eth0", "veth\u00e9", 'we"ird', "docker0"];
    const packets = Array.from({ length: 4000 }, (_, i) => ({
      events: [0, 1, 2].map(
        (k) =>
          ({
            hook: "ip:filter:FORWARD",
            position: { file: "k.log", line: i * 3 + k + 1, column: 1 },
            in: names[(i + k) % 4],
            out: names[(i + k + 1) % 4],
          }) as unknown as TraceEvent,
      ),
      hooks: ["ip:filter:FORWARD"] as Packet["hooks"],
      rewrites: [],
    }));
    let expected = "";
    for (const p of packets) {
      out.text("{");
      writeJsonTail(p, out);
      expected += `{${reference(p)}`;
    }
    // More than one chunk of 1 MiB: a tail was cut at a chunk's end.
    const chunks = out.take();
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
  });

  it("shows a drop only on the packet's last event", () => {
    const drop = { verdict: "DROP" as const, by: "ufw" };
    const at = (line: number) => ({ file: "x.log", line, column: 1 });
    const events = [
      { hook: "ip:filter:INPUT", position: at(1), drop },
      { hook: "ip:filter:INPUT", position: at(2), drop },
    ] as unknown as TraceEvent[];
    const parsed = JSON.parse(`{${packetTail({ events, hooks: [], rewrites: [] }, "json")}`);
    expect(parsed.events.map((e: { drop?: unknown }) => e.drop)).toEqual([undefined, drop]);
  });
});
