/**
 * The packets a `packet=` picks (a lesson's `::trace`, `packetwalk render --packet`), on a recorded
 * TCP connection of one flow: #1 SYN, #2 SYN-ACK, #3 ACK, #4 PSH-ACK, #5 ACK (reply), #6 FIN-ACK,
 * #7 FIN-ACK (reply), #8 ACK.
 */
import { describe, expect, it } from "vitest";
import { choosePackets } from "../../../src/plugin/choose-packets.ts";
import { parseForFigure } from "../../../src/plugin/render-trace-figure.ts";
import { loadTraces } from "../../../src/plugin/trace-store.ts";

const root = new URL("../../../", import.meta.url).pathname;
const trace = loadTraces(`${root}traces`, root).traces.get("docker-bridge/wan-to-published-port");
const packets = trace ? parseForFigure(trace).packets : [];

/** The ids chosen, as `request/reply` (`-` for none). */
const ids = (wanted?: number) => {
  const chosen = choosePackets(packets, wanted);
  return chosen && `${chosen.request?.id ?? "-"}/${chosen.reply?.id ?? "-"}`;
};

describe("choosePackets", () => {
  it("reads the connection this test expects", () => {
    expect(packets.map((p) => `${p.id} ${p.direction} flow ${p.flow}`)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((id) => `${id} ${[2, 5, 7].includes(id) ? "reply" : "request"} flow 1`),
    );
  });

  it("a request: itself and the first reply of its flow after it", () => {
    expect(ids()).toBe("1/2");
    expect(ids(1)).toBe("1/2");
    // The lesson's `packet="3"`: the ACK, and the reply after it (not the SYN-ACK before it).
    expect(ids(3)).toBe("3/5");
    // Nothing answers the last ACK.
    expect(ids(8)).toBe("8/-");
  });

  it("a reply: itself and the request it answers, the last of its flow before it", () => {
    expect(ids(2)).toBe("1/2");
    // Not the SYN (#1): the reply to the data answers #4.
    expect(ids(5)).toBe("4/5");
    expect(ids(7)).toBe("6/7");
  });

  it("a flow that starts with its reply: the flow's first request", () => {
    const [syn, synAck, ack] = packets;
    if (!syn || !synAck || !ack) throw new Error("the trace has changed");
    expect(choosePackets([synAck, ack], 2)).toEqual({ request: ack, reply: synAck });
  });

  it("a packet the trace does not have: undefined", () => {
    expect(ids(99)).toBeUndefined();
    expect(choosePackets([], undefined)).toBeUndefined();
  });
});
