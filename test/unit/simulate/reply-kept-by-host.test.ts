/**
 * `check` on a reply the recording host keeps (test/fixtures/reply-kept-by-host, kernel 6.18):
 * an untracked echo reply to the host's masquerading address is delivered to the host itself, and c1's
 * ping gets no answer. The simulator predicts the same; check must not call it a divergence because the
 * reply was "delivered" while the command got nothing: delivered elsewhere than to the sender is not
 * answered.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";

const LAB = join(import.meta.dirname, "../../fixtures/reply-kept-by-host/capture/docker-bridge");

describe("a reply the host keeps after an undone masquerade", () => {
  it("was recorded ending in the host's INPUT chain, with ping unanswered", () => {
    const packets = parseTraceText(readFileSync(join(LAB, "container-to-wan.log"), "utf8")).packets;
    expect(packets.map((p) => `${p.direction} ${p.hooks.at(-1)}`)).toEqual([
      "request ip:nat:POSTROUTING",
      "reply ip:filter:INPUT",
    ]);
    const meta = JSON.parse(readFileSync(join(LAB, "container-to-wan.json"), "utf8")) as { exitCode: number };
    expect(meta.exitCode).not.toBe(0);
  });

  it("agrees with the simulator, which delivers the reply to the host and not to c1", () => {
    const [result, ...rest] = checkLab(LAB).filter((r) => !r.trace.endsWith("zh-tw.json"));
    expect(rest).toEqual([]);
    expect(result?.report).toBe("");
    expect(result?.ok).toBe(true);
  });
});
