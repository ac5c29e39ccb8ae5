import { createMermaidRenderer } from "./src/browser/mermaid-renderer.ts";
import { toMermaid } from "./src/core/render/to-mermaid.ts";
import { RENDER_CASES } from "./test/unit/render/fixture-packets.ts";
const r = createMermaidRenderer({ cacheDir: false });
const c = RENDER_CASES.find((x) => x.name === "c2c-request-map")!;
const a = await r.render({ source: toMermaid(c.packet, c.options), id: "fig-a" });
console.log(a.svg.length, /<style>(.*?)<\/style>/s.exec(a.svg)![1]);
await r.close();
console.log((a.svg.match(/class="edgeLabel/g) ?? []).length, (a.svg.match(/labelBkg/g) ?? []).length);
