/**
 * The map of an nftables lab (traces/docker-bridge-nft, its committed rulesets and traces): every hook
 * box lists the base chains that exist there, in the kernel's order; the structure never depends on
 * the trace; a step lights the base chain that ran, with its verdict where the TRACE shows it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { describePath } from "../../../src/core/render/describe-path.ts";
import { endpointLabels } from "../../../src/core/render/endpoint-labels.ts";
import { chainsFor, hookChains } from "../../../src/core/render/hook-chains.ts";
import { labEndpoints } from "../../../src/core/render/lab-endpoints.ts";
import { labHookChains } from "../../../src/core/render/lab-hook-chains.ts";
import {
  DECISION,
  mapEdges,
  mapNodes,
  PORT_JUNCTION,
  portJunction,
} from "../../../src/core/render/netfilter-map.ts";
import { planPath } from "../../../src/core/render/plan-path.ts";
import { toMermaid } from "../../../src/core/render/to-mermaid.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import { labSchema, traceMetaSchema } from "../../../src/core/trace-file/schema.ts";

const LAB = join(import.meta.dirname, "../../../traces/docker-bridge-nft");
const lab = labSchema.parse(JSON.parse(readFileSync(join(LAB, "lab.json"), "utf8")));
const stems = readdirSync(LAB)
  .filter((f) => f.endsWith(".log"))
  .map((f) => f.slice(0, -4))
  .sort();
const metas = new Map(
  stems.map((s) => [s, traceMetaSchema.parse(JSON.parse(readFileSync(join(LAB, `${s}.json`), "utf8")))]),
);
const rulesets = Object.fromEntries(
  lab.rulesets.map((name) => [name, readFileSync(join(LAB, "rulesets", `${name}.rules`), "utf8")]),
);
const chains = labHookChains([...metas.values()], rulesets);
const endpoints = labEndpoints(lab);

function packets(stem: string): Packet[] {
  return parseTraceText(readFileSync(join(LAB, `${stem}.log`), "utf8"), { file: `${stem}.log` }).packets;
}

/** The packet of `stem` that reaches the forward hook (a TRACE may split one packet at a new trace id). */
function forwarded(stem: string): Packet {
  const p = packets(stem).find((x) => x.events.some((e) => e.hook.endsWith("FORWARD")));
  if (!p) throw new Error(`${stem}: no packet at FORWARD`);
  return p;
}

function draw(stem: string, packet: Packet, view: "map" | "path"): string {
  if (!chains) throw new Error("the nft lab has no chains");
  return toMermaid(packet, {
    view,
    ebtables: lab.ebtables,
    labels: endpointLabels(packet, lab),
    endpoints,
    chains,
    ruleset: metas.get(stem)?.ruleset as string,
  });
}

/** The text of one node's label in Mermaid source. */
function nodeText(src: string, key: string): string {
  const m = new RegExp(`^ {2}${key}\\[\\"(.*)\\"\\]$`, "m").exec(src);
  if (!m) throw new Error(`no node ${key}`);
  return m[1] as string;
}

/** The text of the path view's box of `hook` (`IP FORWARD`). */
function pathBox(src: string, hook: string): string {
  const m = new RegExp(`^ {2}s\\d+\\[\\"(.*<b>IP ${hook}</b>.*)\\"\\]$`, "m").exec(src);
  if (!m) throw new Error(`no path box for ${hook}`);
  return m[1] as string;
}

/** The chain lines of a box: label, step numbers, verdict (the word in a path view, the colour's on a map). */
function chainLines(
  text: string,
): Array<{ label: string; steps?: string; verdict: string; struck: boolean }> {
  const byColour: Record<string, string> = { "rgb(27,94,32)": "accept", "rgb(183,28,28)": "drop" };
  const body = text.split("<br/>").slice(1).join("<br/>");
  // A box whose chains share one table names it once above them: the lines are read with it.
  const table = /<span class='pw-table'[^>]*>table ([^<]*)<\/span>/.exec(body)?.[1];
  return [
    ...body.matchAll(
      /<span class='pwt[^']*' style='([^']*)'(?: data-step='([^']*)')?[^>]*>([^<]*)<\/span>(?:<span class='pwv'[^>]*>([^<]*)<\/span>)?/g,
    ),
  ].map((m) => ({
    label: `${table && !(m[0] as string).includes("pwt-ct") ? `${table} ` : ""}${(m[3] as string).replace(/#40;/g, "(").replace(/#41;/g, ")")}`,
    ...(m[2] ? { steps: m[2] } : {}),
    verdict: m[4] ?? byColour[/color:(rgb\([^)]*\))/.exec(m[1] as string)?.[1] ?? ""] ?? "",
    struck: (m[1] as string).includes("line-through"),
  }));
}

describe("the base chains of the docker-bridge-nft lab", () => {
  it("is an nft lab: its map is drawn from its rulesets", () => {
    expect(chains).toBeDefined();
    expect(chains?.rulesets).toEqual([
      "docker-29-nft",
      "docker-29-nft-forward-drop",
      "docker-29-nft-forward-drop-fixed",
    ]);
  });

  it("lists every base chain per hook in the kernel's order, conntrack where it runs", () => {
    const boxes = new Map(
      mapNodes(lab.ebtables, endpoints, "en", chains)
        .filter((n) => n.kind === "hook")
        .map((n) => [n.key, n.slots.map((s) => s.label)]),
    );
    expect(Object.fromEntries(boxes)).toEqual({
      br_PREROUTING: [],
      ip_PREROUTING: [
        "ip docker-bridges raw-PREROUTING (raw -300)",
        "conntrack",
        "ip docker-bridges nat-PREROUTING (dstnat -100)",
      ],
      br_INPUT: [],
      br_FORWARD: [],
      ip_INPUT: ["confirm"],
      // Same priority: the table listed (registered) later runs first, as the kernel inserts it first.
      ip_FORWARD: ["ip filter FORWARD (filter 0) †", "ip docker-bridges filter-FORWARD (filter 0)"],
      ip_OUTPUT: ["conntrack", "ip docker-bridges nat-OUTPUT (-100)"],
      ip_POSTROUTING: ["ip docker-bridges nat-POSTROUTING (srcnat 100)", "confirm"],
      br_OUTPUT: [],
      br_POSTROUTING: [],
    });
    const forward = chains?.boxes.get("ip_FORWARD") ?? [];
    expect(forward[0]?.only).toEqual(["docker-29-nft-forward-drop", "docker-29-nft-forward-drop-fixed"]);
    expect(forward[1]?.only).toBeUndefined();
  });

  it("interleaves chains of every table and family by priority, NAT chains at the NAT core", () => {
    const mine = parseRulesetFile(
      [
        "table inet mine {",
        "\tchain early { type filter hook forward priority -5; policy accept; }",
        "\tchain late { type filter hook forward priority 10; policy accept; }",
        "\tchain dnat-first { type nat hook prerouting priority -250; policy accept; }",
        "\tchain mangle { type filter hook prerouting priority mangle; policy accept; }",
        "}",
        "table bridge mine {",
        "\tchain pre { type filter hook prerouting priority dstnat; policy accept; }",
        "}",
      ].join("\n"),
      "mine.rules",
    );
    const docker = parseRulesetFile(rulesets["docker-29-nft"] as string, "docker-29-nft.rules");
    const c = hookChains([
      { name: "docker", ruleset: docker },
      { name: "mine", ruleset: mine },
    ]);
    // An inet chain's id is the one trace events give it (the packet's family), its label says inet.
    const hooks = (box: string) => c.boxes.get(box)?.map((x) => x.hook);
    expect(hooks("ip_FORWARD")).toEqual([
      "ip:mine:early",
      "ip:docker-bridges:filter-FORWARD",
      "ip:mine:late",
    ]);
    expect(c.boxes.get("ip_FORWARD")?.map((x) => x.family)).toEqual(["inet", "ip", "inet"]);
    // A nat chain runs from the NAT core (-100) whatever its own priority, in its own order there.
    expect(hooks("ip_PREROUTING")).toEqual([
      "ip:docker-bridges:raw-PREROUTING",
      "ip:mine:mangle",
      "ip:mine:dnat-first",
      "ip:docker-bridges:nat-PREROUTING",
    ]);
    // An IPv6 packet meets the inet chains, not the ip table's, under ip6 ids.
    expect(c.boxes6?.get("ip_FORWARD")?.map((x) => x.hook)).toEqual(["ip6:mine:early", "ip6:mine:late"]);
    expect(c.boxOf.get("ip6:mine:dnat-first")).toBe("ip_PREROUTING");
    expect(chainsFor(c, "ip6").boxes).toBe(c.boxes6);
    expect(chainsFor(c, "ip").boxes).toBe(c.boxes);
    expect(hooks("br_PREROUTING")).toEqual(["bridge:mine:pre"]);
    expect(c.boxes.get("br_PREROUTING")?.[0]?.priorityText).toBe("dstnat");
    expect(c.boxes.get("br_PREROUTING")?.[0]?.priority).toBe(-300);
    // Whoever has a chain only some rulesets have is named.
    expect(c.boxes.get("ip_FORWARD")?.[0]?.only).toEqual(["mine"]);
    expect(c.boxes.get("ip_FORWARD")?.[1]?.only).toEqual(["docker"]);
  });

  it("is not an nft lab when a drawn ruleset is iptables-save text", () => {
    expect(
      labHookChains([{ ruleset: "x" }], { x: "*filter\n:FORWARD DROP [0:0]\nCOMMIT\n" }),
    ).toBeUndefined();
  });
});

describe("every map of the docker-bridge-nft lab is the same picture", () => {
  /** The source with everything a trace may change taken out: colours, numbers, verdicts, strikes. */
  const structure = (src: string) =>
    src
      .split("\n")
      .filter((l) => !/^ {2}(%%|class |classDef |linkStyle )/.test(l))
      .join("\n")
      .replace(/ data-step='[^']*'| data-drop='true'/g, "")
      .replace(/;color:rgb\([^)]*\) !important/g, "")
      .replace(/;opacity:0\.55;text-decoration:line-through/g, "")
      .replace(/ \w+@-->/g, " -->");

  it("draws the same boxes, slots and arrows for every packet of every trace", () => {
    const drawn = stems.flatMap((stem) =>
      packets(stem).map((p) => ({ name: `${stem} #${p.id}`, src: draw(stem, p, "map") })),
    );
    expect(drawn.length).toBeGreaterThanOrEqual(26);
    const first = structure(drawn[0]?.src ?? "");
    for (const d of drawn) expect(structure(d.src), d.name).toBe(first);
  });

  it("numbers packetwalk's own chains on the box of their hook, never as a slot of their own", () => {
    const p = packets("container-to-container")[0] as Packet;
    const plan = planPath(p, lab.ebtables, {}, endpoints, chains);
    expect(plan.extraNodes).toEqual([]);
    expect(plan.extraSlots.size).toBe(0);
    const first = plan.steps[0];
    expect(first?.hook).toBe("bridge:packetwalk:PREROUTING");
    expect(first?.key).toBe("br_PREROUTING");
    expect(first?.slot).toBe("br_PREROUTING");
    const src = draw("container-to-container", p, "map");
    expect(nodeText(src, "br_PREROUTING")).toContain("data-step='1'><b>bridge PREROUTING</b>");
    expect(nodeText(src, "br_PREROUTING")).toContain("no base chain");
    // A LOG line names the Docker chain the packet is about to enter: that chain is lit, without a verdict.
    const pre = chainLines(nodeText(src, "ip_PREROUTING"));
    expect(pre.find((l) => l.label.startsWith("ip docker-bridges raw-PREROUTING"))).toMatchObject({
      steps: "2",
      verdict: "",
    });
  });

  it("names a box's table once when all its chains belong to it, in full when they belong to several", () => {
    const src = draw("container-to-wan", packets("container-to-wan")[0] as Packet, "map");
    const pre = nodeText(src, "ip_PREROUTING");
    expect(pre).toContain(">table ip docker-bridges</span>");
    expect(pre).toContain(">raw-PREROUTING #40;raw -300#41;</span>");
    expect(pre).not.toContain("ip docker-bridges raw-PREROUTING");
    // The heading comes first, then the chains in the kernel's order, conntrack among them.
    expect(pre.indexOf("table ip docker-bridges")).toBeLessThan(pre.indexOf("raw-PREROUTING"));
    const forward = nodeText(src, "ip_FORWARD");
    expect(forward).not.toContain("pw-table");
    expect(forward).toContain(">ip filter FORWARD #40;filter 0#41; †</span>");
    expect(forward).toContain(">ip docker-bridges filter-FORWARD #40;filter 0#41;</span>");
    // The path view draws only the trace's own ruleset: FORWARD's one table is a heading there.
    const path = pathBox(
      draw("container-to-wan", packets("container-to-wan")[0] as Packet, "path"),
      "FORWARD",
    );
    expect(path).toMatch(/>table ip docker-bridges<\/span>.*>filter-FORWARD #40;filter 0#41;<\/span>/);
  });

  it("strikes through a chain the trace's own ruleset does not have", () => {
    const src = draw("container-to-wan", packets("container-to-wan")[0] as Packet, "map");
    const forward = chainLines(nodeText(src, "ip_FORWARD"));
    expect(forward.map((l) => [l.label, l.struck])).toEqual([
      ["ip filter FORWARD (filter 0) †", true],
      ["ip docker-bridges filter-FORWARD (filter 0)", false],
    ]);
  });
});

describe("accept is not final: the forward-drop scenarios", () => {
  it("lights the iptables FORWARD chain that dropped, with its verdict; Docker's chain never ran", () => {
    const stem = "container-to-wan-forward-drop-trace";
    const p = forwarded(stem);
    for (const view of ["map", "path"] as const) {
      const src = draw(stem, p, view);
      const key =
        view === "map"
          ? "ip_FORWARD"
          : `s${planPath(p, lab.ebtables, {}, endpoints, chains).steps.find((s) => s.key === "ip_FORWARD")?.n}`;
      expect(chainLines(nodeText(src, key)), view).toEqual([
        {
          label: "ip filter FORWARD (filter 0) †",
          steps: expect.any(String),
          verdict: "drop",
          struck: false,
        },
        { label: "ip docker-bridges filter-FORWARD (filter 0)", verdict: "", struck: false },
      ]);
      expect(nodeText(src, key)).toContain("data-drop='true'");
    }
    const plan = planPath(p, lab.ebtables, {}, endpoints, chains);
    expect(plan.dropped).toMatchObject({ hook: "ip:filter:FORWARD", verdict: "DROP", policy: true });
  });

  it("lights both FORWARD base chains with their accept once the fix is in", () => {
    const stem = "container-to-wan-forward-drop-fixed-trace";
    const p = forwarded(stem);
    const plan = planPath(p, lab.ebtables, {}, endpoints, chains);
    const at = plan.steps.filter((s) => s.key === "ip_FORWARD");
    expect(at.map((s) => [s.hook, s.verdict])).toEqual([
      ["ip:filter:FORWARD", { verdict: "accept", policy: false }],
      ["ip:docker-bridges:filter-FORWARD", { verdict: "accept", policy: false }],
    ]);
    for (const view of ["map", "path"] as const) {
      const src = draw(stem, p, view);
      const key = view === "map" ? "ip_FORWARD" : `s${at[0]?.n}`;
      expect(chainLines(nodeText(src, key)), view).toEqual([
        {
          label: "ip filter FORWARD (filter 0) †",
          steps: String(at[0]?.n),
          verdict: "accept",
          struck: false,
        },
        {
          label: "ip docker-bridges filter-FORWARD (filter 0)",
          steps: String(at[1]?.n),
          verdict: "accept",
          struck: false,
        },
      ]);
      expect(src).not.toContain("data-drop");
    }
    const words = describePath(p, { chains });
    expect(words.steps.filter((s) => s.includes("FORWARD"))).toEqual([
      expect.stringMatching(
        /^Step \d+: ip filter FORWARD \(filter 0\) †, after the routing decision, verdict accept,/,
      ),
      expect.stringMatching(/^Step \d+: ip docker-bridges filter-FORWARD \(filter 0\), verdict accept,/),
    ]);
  });

  it("the LOG recording: the packet is not seen after IP FORWARD, where every packet is logged again", () => {
    const stem = "container-to-wan-forward-drop";
    const p = forwarded(stem);
    const plan = planPath(p, lab.ebtables, endpointLabels(p, lab), endpoints, chains);
    expect(plan.dropped).toBeUndefined();
    expect(plan.openEnd).toBe(true);
    expect(plan.exitKey).toBe("ip_FORWARD");
    expect(plan.lostAfter).toBe("IP FORWARD");
    expect(draw(stem, p, "path")).toMatch(
      /^ {2}exit\("not seen after IP FORWARD<br\/>#40;on its way to wan 198\.51\.100\.10 via eth0#41;"\)$/m,
    );
    expect(describePath(p, { chains, lang: "zh-TW" }).summary).toContain("過了 IP FORWARD 就不見了");
    // Said as how the walk ends, not as a place it goes to ("goes from ... to not seen after").
    expect(describePath(p, { chains }).summary).toMatch(
      /^The request packet goes from [^,]+, crosses \d+ hooks and is not seen after IP FORWARD \(on its way to [^)]+\)\.$/,
    );
    expect(describePath(p, { chains, lang: "zh-TW" }).summary).toMatch(
      /^這個請求封包從 .+ 出發，共經過 \d+ 個 hook，過了 IP FORWARD 就不見了（原本要送往 .+）。$/,
    );
    const dropped = forwarded("container-to-wan-forward-drop-trace");
    expect(describePath(dropped, { chains }).summary).toMatch(
      /^The request packet goes from [^,]+, crosses \d+ hooks and is dropped: DROP in .+ policy\.$/,
    );
    expect(plan.touched.has("ip_POSTROUTING")).toBe(false);
    // The fixed scenario's LOG recording goes on to POSTROUTING and out.
    const fixed = forwarded("container-to-wan-forward-drop-fixed");
    const out = planPath(fixed, lab.ebtables, {}, endpoints, chains);
    expect(out.openEnd).toBeUndefined();
    expect(out.exitKey).toBe("out_wan");
  });

  it("a ruleset's own LOG rules (not the lab's log chains) print what they match: their silence is no loss", () => {
    const p = forwarded("container-to-wan-forward-drop");
    // The same lines as a contributor's `log prefix` rules inside the chains would print them.
    const own: Packet = { ...p, events: p.events.map((e) => ({ ...e, prefix: "home fwd: " })) };
    const plan = planPath(own, lab.ebtables, endpointLabels(own, lab), endpoints, chains);
    expect(plan.openEnd).toBeUndefined();
    expect(plan.lostAfter).toBeUndefined();
    expect(plan.exitKey).toBe("out_wan");
  });

  it("path view: one box per hook crossed, only the trace's own ruleset's chains", () => {
    const stem = "container-to-wan";
    const p = packets(stem)[0] as Packet;
    const src = draw(stem, p, "path");
    const boxes = [...src.matchAll(/^ {2}(s\d+)\["/gm)].map((m) => m[1]);
    const plan = planPath(p, lab.ebtables, {}, endpoints, chains);
    expect(new Set(plan.steps.map((s) => s.key)).size).toBe(boxes.length);
    expect(src).not.toContain("ip filter FORWARD");
    expect(chainLines(pathBox(src, "FORWARD")).map((l) => l.label)).toContain(
      "ip docker-bridges filter-FORWARD (filter 0)",
    );
  });
});

describe("the way out by a bridge port", () => {
  /** The boxes a packet's drawn walk goes through, from the entry to the exit. */
  const walk = (p: Packet) => {
    const plan = planPath(p, lab.ebtables, {}, endpoints, chains);
    return [plan.entryKey, ...plan.segments.map((s) => s.to)];
  };

  it("two ports or more meet at one junction that both POSTROUTING boxes reach; one port needs none", () => {
    expect(endpoints.filter((e) => e.layer === "bridge").length).toBe(2);
    const edges = mapEdges(lab.ebtables, endpoints).map(([a, b]) => `${a}>${b}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        "br_POSTROUTING>br_port_out",
        "ip_POSTROUTING>br_port_out",
        "br_port_out>out_c1",
        "br_port_out>out_c2",
      ]),
    );
    expect(edges.filter((e) => e.endsWith(">out_c1"))).toEqual(["br_port_out>out_c1"]);
    const one = endpoints.filter((e) => e.id !== "c2");
    expect(portJunction(one)).toBe(false);
    const single = mapEdges(lab.ebtables, one).map(([a, b]) => `${a}>${b}`);
    expect(single).toEqual(expect.arrayContaining(["br_POSTROUTING>out_c1", "ip_POSTROUTING>out_c1"]));
    expect(single.some((e) => e.includes("br_port_out"))).toBe(false);
    expect(mapNodes(lab.ebtables, one).some((n) => n.key === "br_port_out")).toBe(false);
  });

  it("names the junction for what it is: DECISION holds decisions and the local process, not the port box", () => {
    const nodes = mapNodes(lab.ebtables, endpoints);
    const kinds = Object.values(DECISION).map((k) => nodes.find((n) => n.key === k)?.kind);
    expect(new Set(kinds)).toEqual(new Set(["decision", "local"]));
    expect(nodes.find((n) => n.key === PORT_JUNCTION)?.kind).toBe("port");
  });

  it("a bridged frame leaves from IP POSTROUTING, with PHYSOUT (LOG) or without it (as a TRACE shows it)", () => {
    const logged = packets("container-to-container")[0] as Packet;
    expect(walk(logged).slice(-3)).toEqual(["ip_POSTROUTING", "br_port_out", "out_c2"]);
    // nft's trace names no bridge port (nf_log's LOG and legacy TRACE lines do): IN = OUT at IP FORWARD tells.
    const traced: Packet = {
      ...logged,
      events: logged.events.map(({ physIn: _i, physOut: _o, ...e }) => ({
        ...e,
        source: "nft-monitor" as const,
      })),
    };
    expect(walk(traced)).not.toContain("br_OUTPUT");
    expect(walk(traced).slice(-2)).toEqual(["br_port_out", "out_c2"]);
  });

  it("a bridged frame a TRACE shows only at IP hooks walks through the bridging decision, not through routing", () => {
    const logged = packets("container-to-container")[0] as Packet;
    // As nft's trace, set in the ip table's raw chain, shows it: no bridge line, no bridge port, in = out at FORWARD.
    const traced: Packet = {
      ...logged,
      events: logged.events
        .filter((e) => !e.hook.startsWith("bridge:"))
        .map(({ physIn: _i, physOut: _o, ...e }) => ({ ...e, source: "nft-monitor" as const })),
    };
    expect(traced.events.map((e) => e.hook.split(":")[2])).toEqual([
      "raw-PREROUTING",
      "nat-PREROUTING",
      "filter-FORWARD",
      "nat-POSTROUTING",
    ]);
    expect(walk(traced)).toEqual(walk(logged));
    expect(walk(traced)).toEqual(expect.arrayContaining(["br_decide", "br_FORWARD", "br_POSTROUTING"]));
    expect(walk(traced)).not.toContain("ip_route");
    // Routed through the same bridge device it came in by (no PHYSOUT in a LOG line): routing, as recorded.
    const routedLog: Packet = {
      ...logged,
      events: logged.events
        .filter((e) => !e.hook.startsWith("bridge:"))
        .map(({ physIn: _i, physOut: _o, ...e }) => e),
    };
    expect(walk(routedLog)).toContain("ip_route");
  });

  it("a routed TRACE packet stays routed without an input device at IP POSTROUTING (kernels before 5.5 pass none)", () => {
    const noInAtPost = (p: Packet): Packet => ({
      ...p,
      events: p.events.map((e) => (/POSTROUTING$/.test(e.hook) ? { ...e, in: undefined } : e)),
    });
    const request = forwarded("container-to-wan-trace");
    expect(request.direction).toBe("request");
    expect(walk(noInAtPost(request))).toEqual(walk(request));
    expect(walk(noInAtPost(request))).not.toContain("br_POSTROUTING");
    // Routed to a container: still through the bridge's OUTPUT and POSTROUTING, decided at FORWARD.
    const inbound = forwarded("wan-to-published-port-trace");
    expect(walk(noInAtPost(inbound)).slice(-4)).toEqual([
      "br_OUTPUT",
      "br_POSTROUTING",
      "br_port_out",
      "out_c1",
    ]);
  });

  it("a TRACE packet in and out of one device that is no bridge port is routed, not bridged", () => {
    // A published port's DNAT sending the packet back out of the uplink it came in by.
    const inbound = forwarded("wan-to-published-port-trace");
    const uplink = inbound.events[0]?.in as string;
    const back: Packet = {
      ...inbound,
      events: inbound.events.map((e) => (/FORWARD$/.test(e.hook) ? { ...e, out: uplink } : e)),
    };
    expect(walk(back)).toContain("ip_route");
    expect(walk(back)).not.toContain("br_decide");
  });

  it("a packet routed to a container crosses the bridge's OUTPUT and POSTROUTING, also when last seen at IP FORWARD", () => {
    // A TRACE shows no nat chain for an established connection: the routed reply is last seen at FORWARD.
    const routed = packets("container-to-wan-trace").find(
      (p) => p.direction === "reply" && p.events.at(-1)?.hook.endsWith("FORWARD"),
    ) as Packet;
    expect(routed.events.at(-1)?.hook).toMatch(/FORWARD$/);
    expect(walk(routed).slice(-5)).toEqual([
      "ip_POSTROUTING",
      "br_OUTPUT",
      "br_POSTROUTING",
      "br_port_out",
      "out_c1",
    ]);
    const fromHost = packets("host-to-container")[0] as Packet;
    expect(walk(fromHost).slice(-4)).toEqual(["br_OUTPUT", "br_POSTROUTING", "br_port_out", "out_c1"]);
  });
});
