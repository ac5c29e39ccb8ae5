/** The playground's share link: round trip, the size limit, and links that were cut or changed. */
import { describe, expect, it } from "vitest";
import { decodeShare, encodeShare, fromBase64Url, toBase64Url } from "../../../src/playground/share-link.ts";

describe("share link", () => {
  it("round-trips a log, a ruleset and a prefix map through the fragment", async () => {
    const input = {
      log: "[ 1.0] iptable/raw-PREROUTEIN=eth0 OUT= SRC=203.0.113.1 DST=203.0.113.2 \u00e9\u4e2d\n".repeat(
        50,
      ),
      rules: "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
      prefixMap: { "fw-in:": "ip:filter:INPUT" },
    };
    const encoded = await encodeShare(input);
    if (!encoded.ok) throw new Error("expected a link");
    expect(encoded.fragment).toMatch(/^s=[A-Za-z0-9_-]+$/);
    // Repeated lines compress: the link is far shorter than the log.
    expect(encoded.chars).toBeLessThan(input.log.length / 5);
    expect(await decodeShare(`#${encoded.fragment}`)).toEqual({ ok: true, input });
  });

  it("refuses past the limit and says how long the link would be", async () => {
    const log = Array.from({ length: 2000 }, (_, i) => `${i} ${Math.random()}`).join("\n");
    const encoded = await encodeShare({ log }, 1000);
    expect(encoded.ok).toBe(false);
    expect(encoded.chars).toBeGreaterThan(1000);
  });

  it("tells a fragment without a share from a cut or changed one", async () => {
    expect(await decodeShare("#other=1")).toBeUndefined();
    expect(await decodeShare("#s=@@@")).toEqual({ ok: false, problem: "corrupt" });
    const encoded = await encodeShare({ log: "x".repeat(500) });
    if (!encoded.ok) throw new Error("expected a link");
    expect(await decodeShare(`#${encoded.fragment.slice(0, -4)}`)).toEqual({ ok: false, problem: "corrupt" });
  });

  it("encodes bytes as base64url without padding", () => {
    const bytes = new Uint8Array([251, 255, 191, 0, 1]);
    expect(toBase64Url(bytes)).toBe("-_-_AAE");
    expect(fromBase64Url("-_-_AAE")).toEqual(bytes);
  });
});
