/**
 * The matched rules of a packet's steps are compared when its hook list changed too. A rule that
 * drops a packet shortens its hook list and changes the rules matched where it dropped it; the report
 * used to show the shortened hook list alone (steps were compared only between equal hook lists),
 * leaving out the rule that explains it. Steps pair up along the hook lists' common part.
 */
import { describe, expect, it } from "vitest";
import { diffFacts, stepName } from "../../../src/core/diff/diff-facts.ts";
import { formatHtml } from "../../../src/core/diff/format-html.ts";
import { formatMarkdown } from "../../../src/core/diff/format-markdown.ts";
import { changedSteps } from "../../../src/core/diff/highlight-steps.ts";
import { oneTraceFacts } from "../../helpers/trace-facts.ts";

/** The facts of one trace whose packet crosses `hooks`, matching `matched[i]` at hook i. */
const facts = (hooks: string[], matched: string[][]) =>
  oneTraceFacts(hooks, matched, "l/t", "ICMP echo-request 172.17.0.2 -> 172.17.0.3");

const FWD = "ip:filter:FORWARD";

describe("matched rules where the hook list changed", () => {
  it("reports the rule that dropped the packet along with the shorter hook list", () => {
    const d = diffFacts(
      [
        facts(
          ["ip:raw:PREROUTING", FWD, "ip:nat:POSTROUTING"],
          [[], ["FORWARD: -A FORWARD -i docker0 -j ACCEPT → ACCEPT"]],
        ),
      ],
      [
        facts(
          ["ip:raw:PREROUTING", FWD],
          [[], ["DOCKER-USER: -A DOCKER-USER -s 172.17.0.2/32 -j DROP → DROP"]],
        ),
      ],
    );
    const p = d.traces[0]?.packets[0];
    expect(p?.hooks?.filter((l) => l.op !== "same")).toEqual([{ op: "del", text: "ip:nat:POSTROUTING" }]);
    expect(p?.matched).toEqual([
      {
        step: 2,
        hook: FWD,
        before: ["FORWARD: -A FORWARD -i docker0 -j ACCEPT → ACCEPT"],
        after: ["DOCKER-USER: -A DOCKER-USER -s 172.17.0.2/32 -j DROP → DROP"],
      },
    ]);
    expect(formatMarkdown(d, { from: "a", to: "b" })).toContain(
      "+DOCKER-USER: -A DOCKER-USER -s 172.17.0.2/32 -j DROP → DROP",
    );
  });

  it("numbers a step on each side when a hook was added before it, and outlines it on both", () => {
    const d = diffFacts(
      [facts(["ip:raw:PREROUTING", FWD], [[], ["x → ACCEPT"]])],
      [facts(["ip:raw:PREROUTING", "ip:mangle:FORWARD", FWD], [[], [], ["y → DROP"]])],
    );
    const t = d.traces[0];
    if (!t) throw new Error("no change");
    const m = t.packets[0]?.matched[0];
    expect(m).toEqual({ step: 2, stepAfter: 3, hook: FWD, before: ["x → ACCEPT"], after: ["y → DROP"] });
    expect(stepName(m as NonNullable<typeof m>)).toBe("step 2 (3 after)");
    expect(changedSteps(t, "request", "before")).toEqual([1]);
    expect(changedSteps(t, "request", "after")).toEqual([1, 2]);
  });

  it("marks in the HTML step lists only the steps that changed, not every step after an added one", () => {
    const d = diffFacts(
      [facts(["ip:raw:PREROUTING", FWD, "ip:nat:POSTROUTING"], [[], ["x → ACCEPT"], []])],
      [
        facts(
          ["ip:raw:PREROUTING", "ip:mangle:FORWARD", FWD, "ip:nat:POSTROUTING"],
          [[], [], ["x → ACCEPT"], []],
        ),
      ],
    );
    const html = formatHtml(d, { from: "a", to: "b", svgs: new Map(), fontCss: "" });
    // The added mangle step alone, on the after side; nothing on the before side.
    expect(html.match(/<li class="pw-changed">/g)?.length).toBe(1);
    expect(html).toContain('<li class="pw-changed"><code>ip:mangle:FORWARD</code>');
  });
});
