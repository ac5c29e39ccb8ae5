import { describe, expect, it } from "vitest";
import { describePath } from "../../../src/core/render/describe-path.ts";
import { RENDER_CASES } from "./fixture-packets.ts";

function caseNamed(name: string) {
  const c = RENDER_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
}

describe("describePath", () => {
  it("numbers every step in English, with decisions, interfaces and addresses", () => {
    const { packet, options } = caseNamed("c2c-request-map");
    const d = describePath(packet, { labels: options.labels });
    expect(d.summary).toBe(
      "The request packet goes from c2 172.17.0.3 via veth-c2 to c1 172.17.0.2 via veth-c1 and crosses 10 hooks.",
    );
    expect(d.steps).toHaveLength(10);
    expect(d.steps[0]).toBe("Step 1: ebtables nat PREROUTING, in on veth-c2, 172.17.0.3 -> 172.17.0.2.");
    expect(d.steps[4]).toBe(
      "Step 5: ebtables filter FORWARD, after the bridging decision, in on veth-c2, out on veth-c1, 172.17.0.3 -> 172.17.0.2.",
    );
    expect(d.text.startsWith(d.summary)).toBe(true);
  });

  it("names the rewrite on its step", () => {
    const { packet } = caseNamed("wan-to-container-dnat-map");
    const d = describePath(packet);
    expect(d.steps[3]).toContain("after the routing decision, after DNAT 203.0.113.2:8080 -> 172.17.0.2:80");
    expect(d.steps[3]).toContain("198.51.100.10:40000 -> 172.17.0.2:80");
  });

  it("speaks Traditional Chinese", () => {
    const { packet } = caseNamed("host-to-container-map");
    const d = describePath(packet, { lang: "zh-TW" });
    expect(d.summary).toBe("這個請求封包從 本機行程 到 172.17.0.2 經由 veth-c1，共經過 9 個 hook。");
    expect(d.steps[0]).toBe(
      "第 1 步：iptables raw OUTPUT，經過輸出路由判斷之後，從 docker0 送出，172.17.0.1 -> 172.17.0.2。",
    );
  });

  it("lists a hook crossed twice as two steps", () => {
    const { packet } = caseNamed("hook-crossed-twice-map");
    const d = describePath(packet);
    expect(d.steps.filter((s) => s.includes("iptables raw PREROUTING"))).toHaveLength(2);
  });
});
