/**
 * `packetwalk render --packet N --direction D` draws the packets a lesson's
 * `::trace{packet="N" direction="D"}` draws (one rule, `choosePackets`), and its help says which.
 * On a recorded TCP connection: #1 SYN, #2 SYN-ACK, #3 ACK, #4 PSH-ACK, #5 ACK (reply), ... #8 ACK.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { figurePackets } from "../../../src/plugin/render-trace-figure.ts";
import { parseTraceDirective } from "../../../src/plugin/trace-directive.ts";
import { loadTraces } from "../../../src/plugin/trace-store.ts";

const root = join(import.meta.dirname, "../../..");
const TRACE = "docker-bridge/wan-to-published-port";
const render = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "bin/packetwalk.mjs"), "render", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
/** The packets drawn, from the Mermaid source's `%% packet N (direction)` comments. */
const drawn = (stdout: string) =>
  [...stdout.matchAll(/^%% packet (\d+) \((\w+)\)/gm)].map((m) => `${m[1]} ${m[2]}`);

describe("render --packet", () => {
  it("draws packet N's request and reply, as ::trace packet=N does", () => {
    const r = render(TRACE, "--packet", "1", "--view", "path");
    expect(r.status, r.stderr).toBe(0);
    expect(drawn(r.stdout)).toEqual(["1 request", "2 reply"]);
    // A reply: with the request it answers (#4), not the connection's first (#1).
    expect(drawn(render(TRACE, "--packet", "5", "--view", "path").stdout)).toEqual(["4 request", "5 reply"]);
  });

  it("--direction picks one of the two: packet N alone with its own direction", () => {
    expect(drawn(render(TRACE, "--packet", "3", "--direction", "request", "--view", "path").stdout)).toEqual([
      "3 request",
    ]);
    expect(drawn(render(TRACE, "--packet", "3", "--direction", "reply", "--view", "path").stdout)).toEqual([
      "5 reply",
    ]);
  });

  it("a flow with no such packet: says which packet's flow, with a hint", () => {
    const r = render(TRACE, "--packet", "8", "--direction", "reply");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `packetwalk render: traces/${TRACE}.log: packet 8's flow has no reply packet after it\nhint: draw it with --direction request, or another flow with --packet N (\`packetwalk parse traces/${TRACE}.log\` lists the packets and their flows)\n`,
    );
  });

  it("--help says exactly what --packet and --direction draw", () => {
    const help = render("--help").stdout.replace(/\s+/g, " ");
    expect(help).toContain("--direction request, reply or both (default) of the flow --packet picks");
    expect(help).toContain(
      "--packet N whose flow to draw (default the trace's first packet), as a lesson's ::trace packet=\"N\" does: the request drawn is packet N if it is a request, else the one it answers (the last request of its flow before it, or the flow's first when the flow starts with the reply); the reply drawn is packet N if it is a reply, else the first reply of its flow after it.",
    );
  });

  it("draws what each lesson's ::trace with packet= draws", () => {
    const store = loadTraces(join(root, "traces"), root);
    const seen = new Set<string>();
    for (const file of readdirSync(join(root, "content/lessons/en"))) {
      const text = readFileSync(join(root, "content/lessons/en", file), "utf8");
      for (const m of text.matchAll(/^::trace\{(.*)\}$/gm)) {
        const attrs = Object.fromEntries(
          [...(m[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]] as [string, string]),
        );
        const parsed = parseTraceDirective(attrs);
        if (!parsed.ok || parsed.value.packet === undefined) continue;
        const { src, packet, direction } = parsed.value;
        const key = `${src} ${packet} ${direction}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const trace = store.traces.get(src);
        if (!trace) throw new Error(`${file}: no trace ${src}`);
        const { chosen, wanted } = figurePackets(trace, parsed.value);
        const lesson = wanted.flatMap((d) => (chosen[d] ? [`${chosen[d].id} ${d}`] : []));
        const r = render(src, "--packet", String(packet), "--direction", direction, "--view", "path");
        expect(drawn(r.stdout), `${file}: ${key}`).toEqual(lesson);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });
});
