import { describe, expect, it } from "vitest";
import { identifierPieces, keepIdentifiersHtml } from "../../../src/plugin/keep-identifiers.ts";

describe("identifierPieces", () => {
  it("marks sysctls, chain names and trace names with hyphens, and gives the text back whole", () => {
    const text = "Container c1 pings container c2, bridge-nf-call-iptables=0";
    const pieces = identifierPieces(text);
    expect(pieces.filter((p) => p.id).map((p) => p.text)).toEqual(["bridge-nf-call-iptables=0"]);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    expect(identifierPieces("net.bridge.bridge-nf-call-ip6tables=1 and DOCKER-USER")).toEqual([
      { text: "net.bridge.bridge-nf-call-ip6tables=1", id: true, path: 11 },
      { text: " and ", id: false },
      { text: "DOCKER-USER", id: true },
    ]);
  });

  it("marks a sysctl's dotted path, drawn as a block within the block, so a narrow line breaks after it", () => {
    expect(identifierPieces("net.ipv4.ip_forward=1, net.bridge.bridge-nf-call-iptables=1")).toEqual([
      { text: "net.ipv4.ip_forward=1, ", id: false },
      { text: "net.bridge.bridge-nf-call-iptables=1", id: true, path: 11 },
    ]);
    expect(keepIdentifiersHtml("net.bridge.bridge-nf-call-iptables=1")).toBe(
      '<span class="pw-id">net.bridge.<span class="pw-id">bridge-nf-call-iptables=1</span></span>',
    );
    // A version is no dotted path: it stays whole.
    expect(identifierPieces("6.18.44-fc-v857")).toEqual([{ text: "6.18.44-fc-v857", id: true }]);
  });

  it("stops at Chinese punctuation and at a trace name's slash, so a line may still break there", () => {
    expect(identifierPieces("容器 c1 ping 網際網路，bridge-nf-call-iptables=0(Docker 27 規則)")).toEqual([
      { text: "容器 c1 ping 網際網路，", id: false },
      { text: "bridge-nf-call-iptables=0", id: true },
      { text: "(Docker 27 規則)", id: false },
    ]);
    expect(identifierPieces("docker-bridge/container-to-wan-nobrnf").map((p) => [p.text, p.id])).toEqual([
      ["docker-bridge", true],
      ["/", false],
      ["container-to-wan-nobrnf", true],
    ]);
  });

  it("leaves text without a hyphenated word as one plain piece", () => {
    expect(identifierPieces("Container c1 pings the internet")).toEqual([
      { text: "Container c1 pings the internet", id: false },
    ]);
    expect(identifierPieces("a - b")).toEqual([{ text: "a - b", id: false }]);
  });
});

describe("keepIdentifiersHtml", () => {
  it("escapes the text and wraps each identifier, keeping its ASCII hyphens", () => {
    expect(keepIdentifiersHtml("<b> & DOCKER-USER")).toBe(
      '&#60;b&#62; &#38; <span class="pw-id">DOCKER-USER</span>',
    );
  });
});

describe("a caption with identifiers on the link-preview card", () => {
  it("is read whole, its spans left out", async () => {
    const { cardContent } = await import("../../../src/plugin/og-images.ts");
    const html = [
      "<h1>Both layers</h1>",
      '<figure class="pw-trace" id="f1"><figcaption><span class="pw-caption">',
      keepIdentifiersHtml("bridge-nf-call-iptables=1: iptables runs inside the bridge"),
      '</span> <span class="pw-origin pw-origin-recorded">recorded, LOG rules</span></figcaption>',
      '<div class="pw-diagram" role="img" aria-label="The request crosses 10 hooks."><svg viewBox="0 0 10 10"></svg></div></figure>',
    ].join("");
    const card = cardContent(html);
    expect(card.caption).toBe("bridge-nf-call-iptables=1: iptables runs inside the bridge");
    expect(card.alt).toBe(
      "bridge-nf-call-iptables=1: iptables runs inside the bridge. The request crosses 10 hooks.",
    );
  });
});
