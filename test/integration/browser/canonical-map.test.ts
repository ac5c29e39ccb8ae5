/**
 * One map per lab, checked on the real SVGs (real Mermaid in real Chromium):
 * every map view of every trace of traces/docker-bridge (iptables) and of
 * traces/docker-bridge-nft (nftables: the boxes list the lab's base chains)
 * draws every box at the same place; the highlighted path never crosses
 * itself; and it climbs back (moves up, against the main axis) only where
 * the kernel really goes back, as many times as the tables below state.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMermaidRenderer, type MermaidRenderer } from "../../../src/browser/mermaid-renderer.ts";
import type { Packet } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { endpointLabels } from "../../../src/core/render/endpoint-labels.ts";
import type { HookChains } from "../../../src/core/render/hook-chains.ts";
import { labEndpoints } from "../../../src/core/render/lab-endpoints.ts";
import { labHookChains } from "../../../src/core/render/lab-hook-chains.ts";
import { boxKey } from "../../../src/core/render/netfilter-map.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { type Lab, labSchema, traceMetaSchema } from "../../../src/core/trace-file/schema.ts";

/**
 * Climbs back per trace and direction, and why the kernel forces each:
 * - `br_POSTROUTING > ip_POSTROUTING`: a bridged frame with br_netfilter runs the bridge's POSTROUTING, then IP POSTROUTING;
 * - `br_INPUT > ip_PREROUTING`: without br_netfilter a frame for the host leaves the bridge at its INPUT and
 *   only then starts IP PREROUTING.
 */
const CLIMBS: Record<string, number> = {
  "container-to-container request": 1,
  "container-to-container reply": 1,
  "container-to-container-docker27 request": 1,
  "container-to-container-docker27 reply": 1,
  "container-to-container-nobrnf request": 0,
  "container-to-container-nobrnf reply": 0,
  "container-to-container-nobrnf-docker27 request": 0,
  "container-to-container-nobrnf-docker27 reply": 0,
  "container-to-host request": 0,
  "container-to-host reply": 0,
  "container-to-host-docker27 request": 0,
  "container-to-host-docker27 reply": 0,
  "container-to-wan request": 0,
  "container-to-wan reply": 0,
  "container-to-wan-docker27 request": 0,
  "container-to-wan-docker27 reply": 0,
  "container-to-wan-nobrnf request": 1,
  "container-to-wan-nobrnf reply": 0,
  "container-to-wan-nobrnf-docker27 request": 1,
  "container-to-wan-nobrnf-docker27 reply": 0,
  "container-to-wan-trace request": 0,
  "container-to-wan-trace reply": 0,
  "host-to-container request": 0,
  "host-to-container reply": 0,
  "host-to-container-docker27 request": 0,
  "host-to-container-docker27 reply": 0,
  "sim-docker-user-drop request": 0,
  "sim-forward-drop request": 0,
  "sim-hairpin request": 1,
  "sim-hairpin reply": 1,
  "sim-icc-false request": 0,
  "sim-icc-false-nobrnf request": 0,
  "sim-icc-false-nobrnf reply": 0,
  "wan-to-published-port request": 0,
  "wan-to-published-port reply": 0,
  "wan-to-published-port-docker27 request": 0,
  "wan-to-published-port-docker27 reply": 0,
  "wan-to-published-port-trace request": 0,
  "wan-to-published-port-trace reply": 0,
};
/**
 * The same for the nftables lab. A TRACE recording's first packet of a direction may stop in
 * PREROUTING (the kernel gave the packet a new trace id there): its walk ends in that box.
 */
const NFT_CLIMBS: Record<string, number> = {
  "container-to-container request": 1,
  "container-to-container reply": 1,
  "container-to-container-nobrnf request": 0,
  "container-to-container-nobrnf reply": 0,
  "container-to-host request": 0,
  "container-to-host reply": 0,
  "container-to-wan request": 0,
  "container-to-wan reply": 0,
  "container-to-wan-forward-drop request": 0,
  "container-to-wan-forward-drop-fixed request": 0,
  "container-to-wan-forward-drop-fixed reply": 0,
  "container-to-wan-forward-drop-fixed-trace request": 0,
  "container-to-wan-forward-drop-fixed-trace reply": 0,
  "container-to-wan-forward-drop-trace request": 0,
  "container-to-wan-nobrnf request": 1,
  "container-to-wan-nobrnf reply": 0,
  "container-to-wan-trace request": 0,
  "container-to-wan-trace reply": 0,
  "host-to-container request": 0,
  "host-to-container reply": 0,
  "wan-to-published-port request": 0,
  "wan-to-published-port reply": 0,
  "wan-to-published-port-trace request": 0,
  "wan-to-published-port-trace reply": 0,
};
const FORCED = new Set(["br_POSTROUTING>ip_POSTROUTING", "br_INPUT>ip_PREROUTING"]);

interface Drawn {
  name: string;
  packet: Packet;
  svg: string;
}

/** One lab as its maps are drawn: its topology, endpoints and (nftables) base chains. */
interface LabUnderTest {
  name: string;
  folder: string;
  lab: Lab;
  endpoints: ReturnType<typeof labEndpoints>;
  chains: HookChains | undefined;
  climbs: Record<string, number>;
  drawn: Drawn[];
}

function loadLab(name: string, climbs: Record<string, number>): LabUnderTest {
  const folder = join(import.meta.dirname, "../../../traces", name);
  const lab = labSchema.parse(JSON.parse(readFileSync(join(folder, "lab.json"), "utf8")));
  const metas = readdirSync(folder)
    .filter((f) => f.endsWith(".json") && f !== "lab.json")
    .map((f) => traceMetaSchema.parse(JSON.parse(readFileSync(join(folder, f), "utf8"))));
  const rulesets = Object.fromEntries(
    lab.rulesets.map((r) => [r, readFileSync(join(folder, "rulesets", `${r}.rules`), "utf8")]),
  );
  return {
    name,
    folder,
    lab,
    endpoints: labEndpoints(lab),
    chains: labHookChains(metas, rulesets),
    climbs,
    drawn: [],
  };
}

const LABS = [loadLab("docker-bridge", CLIMBS), loadLab("docker-bridge-nft", NFT_CLIMBS)];

function maps(l: LabUnderTest): Array<{ name: string; packet: Packet; source: string }> {
  const out: Array<{ name: string; packet: Packet; source: string }> = [];
  for (const file of readdirSync(l.folder)
    .filter((f) => f.endsWith(".log"))
    .sort()) {
    const parsed = parseTraceText(readFileSync(join(l.folder, file), "utf8"), { file });
    const meta = traceMetaSchema.parse(
      JSON.parse(readFileSync(join(l.folder, file.replace(/\.log$/, ".json")), "utf8")),
    );
    for (const direction of ["request", "reply"] as const) {
      const packet = parsed.packets.find((p) => p.direction === direction);
      if (!packet) continue;
      const labels = endpointLabels(packet, l.lab);
      out.push({
        name: `${file.replace(/\.log$/, "")} ${direction}`,
        packet,
        source: toMermaid(packet, {
          view: "map",
          ebtables: l.lab.ebtables,
          labels,
          endpoints: l.endpoints,
          ...(l.chains ? { chains: l.chains, ruleset: meta.ruleset } : {}),
        }),
      });
    }
  }
  return out;
}

/** Centre of every box of a rendered map, by node key. */
function positions(svg: string): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  const re =
    /<g class="node[^"]*" id="[^"]*-flowchart-([A-Za-z0-9_]+)-\d+"[^>]*transform="translate\(([-\d.]+), ?([-\d.]+)\)"/g;
  for (const m of svg.matchAll(re)) out.set(m[1] as string, { x: Number(m[2]), y: Number(m[3]) });
  return out;
}

type Point = [number, number];

/** The polyline of an edge (its path's points, control points included) by its Mermaid edge id. */
function edgeLine(svg: string, id: string): Point[] {
  const m = new RegExp(`<path d="([^"]+)" id="[^"]*-${id}"`).exec(svg);
  if (!m) throw new Error(`no edge ${id}`);
  const pts: Point[] = [];
  // Absolute commands only (what Mermaid writes); an arc (a "hop" over another arrow) counts by its end point.
  for (const [, cmd, args] of (m[1] as string).matchAll(/([MLQCA])([^MLQCAZ]*)/g)) {
    const n = (args ?? "").match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)?.map(Number) ?? [];
    const xy = cmd === "A" ? n.slice(5) : n;
    for (let i = 0; i + 1 < xy.length; i += 2) pts.push([xy[i] as number, xy[i + 1] as number]);
  }
  return pts;
}

function crosses(a: Point[], b: Point[]): boolean {
  const orient = (p: Point, q: Point, r: Point) =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  for (let i = 0; i + 1 < a.length; i++) {
    for (let j = 0; j + 1 < b.length; j++) {
      const [p1, p2, q1, q2] = [a[i], a[i + 1], b[j], b[j + 1]] as [Point, Point, Point, Point];
      const o = [orient(p1, p2, q1), orient(p1, p2, q2), orient(q1, q2, p1), orient(q1, q2, p2)];
      if (o[0] * o[1] < 0 && o[2] * o[3] < 0) return true;
    }
  }
  return false;
}

let renderer: MermaidRenderer;
beforeAll(async () => {
  renderer = createMermaidRenderer({ cacheDir: false, pages: 2 });
  for (const l of LABS) {
    const all = maps(l);
    const svgs = await Promise.all(
      all.map((m, i) => renderer.render({ source: m.source, id: `map${i}` }).then((r) => r.svg)),
    );
    for (const [i, m] of all.entries())
      l.drawn.push({ name: m.name, packet: m.packet, svg: svgs[i] as string });
  }
}, 900_000);
afterAll(() => renderer?.close());

describe.each(LABS)("one map for the $name lab (every map view through the real renderer)", (l) => {
  const { drawn, lab, endpoints, chains } = l;
  it("draws every box of every map at the same place", () => {
    expect(drawn.length).toBeGreaterThanOrEqual(l.name === "docker-bridge" ? 30 : 20);
    expect(!!chains, "an nftables lab is drawn from its base chains").toBe(l.name.endsWith("-nft"));
    const first = positions(drawn[0]?.svg ?? "");
    expect(first.size).toBeGreaterThanOrEqual(20);
    for (const key of [
      "br_PREROUTING",
      "ip_PREROUTING",
      "ip_FORWARD",
      "ip_POSTROUTING",
      "br_POSTROUTING",
      "local",
    ])
      expect(first.has(key), key).toBe(true);
    for (const d of drawn) {
      const here = positions(d.svg);
      expect([...here.keys()].sort(), d.name).toEqual([...first.keys()].sort());
      for (const [key, at] of first) expect(here.get(key), `${d.name}: ${key}`).toEqual(at);
    }
  });

  it("reads downward: climbs back only where the kernel goes back, as many as stated per trace", () => {
    const pos = positions(drawn[0]?.svg ?? "");
    expect(Object.keys(l.climbs).sort()).toEqual(drawn.map((d) => d.name).sort());
    for (const d of drawn) {
      const plan = planPath(d.packet, lab.ebtables, {}, endpoints, chains);
      const climbs = plan.segments.filter((s) => (pos.get(s.to)?.y ?? 0) < (pos.get(s.from)?.y ?? 0));
      for (const c of climbs)
        expect(FORCED.has(`${c.from}>${c.to}`), `${d.name}: climb ${c.from}>${c.to}`).toBe(true);
      expect(climbs.length, d.name).toBe(l.climbs[d.name]);
      // Every step's box is drawn where its hook belongs (an nftables chain: where the lab's rulesets attach it).
      for (const s of plan.steps) expect(s.key).toBe(chains?.boxOf.get(s.hook) ?? boxKey(s.hook));
      expect(plan.extraNodes, `${d.name}: no box of its own`).toEqual([]);
    }
  });

  it("never crosses its own highlighted path", () => {
    for (const d of drawn) {
      const plan = planPath(d.packet, lab.ebtables, {}, endpoints, chains);
      const ids = [...d.svg.matchAll(/<path d="[^"]+" id="[^"]*-((?:step|p)\d+)"/g)].map(
        (m) => m[1] as string,
      );
      expect(ids.length, d.name).toBeGreaterThan(0);
      const ends = new Map<string, Set<string>>();
      const segs = plan.segments;
      segs.forEach((s, i) => {
        const id = s.step === undefined ? `p${i}` : `step${s.step}`;
        if (!ends.has(id)) ends.set(id, new Set([s.from, s.to]));
      });
      const lines = ids.map((id) => ({
        id,
        line: edgeLine(d.svg, id),
        ends: ends.get(id) ?? new Set<string>(),
      }));
      for (let i = 0; i < lines.length; i++) {
        for (let j = i + 1; j < lines.length; j++) {
          const [a, b] = [lines[i], lines[j]] as [(typeof lines)[0], (typeof lines)[0]];
          // Arrows that meet at a box touch there by design.
          if ([...a.ends].some((k) => b.ends.has(k))) continue;
          expect(crosses(a.line, b.line), `${d.name}: ${a.id} crosses ${b.id}`).toBe(false);
        }
      }
    }
  });
});
