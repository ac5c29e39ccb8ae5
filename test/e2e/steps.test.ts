/**
 * Step-through: in every diagram figure, focusing (or hovering) step N of the
 * listing marks step N `is-active` there and in the diagram shown, and no
 * other step. Contract: step elements outside the SVG carry `data-step="N"`;
 * the diagram's elements of step N carry `data-step="N"` or class `pw-step-N`.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagramPages, noDiagramReason, useSite } from "./browser.ts";
import { assertDistBuilt } from "./serve-dist.ts";

assertDistBuilt();
const withDiagrams = diagramPages();

const site = useSite();

/**
 * Tags every step group (the nearest element holding both a listing's steps
 * and a diagram: one per direction of a figure) with `data-e2e-group`, and
 * returns each group's step numbers in document order.
 */
function stepGroups(page: Page): Promise<string[][]> {
  return page.evaluate(() => {
    const groups: Element[] = [];
    for (const step of document.querySelectorAll("figure.pw-trace [data-step]")) {
      if (step.closest("svg")) continue;
      let group: Element | null = step.parentElement;
      while (group && !group.querySelector(".pw-diagram")) group = group.parentElement;
      if (group && !groups.includes(group)) groups.push(group);
    }
    return groups.map((group, i) => {
      group.setAttribute("data-e2e-group", String(i));
      const steps = [...group.querySelectorAll<HTMLElement>("[data-step]")]
        .filter((el) => !el.closest("svg"))
        .map((el) => el.dataset.step ?? "");
      return [...new Set(steps)];
    });
  });
}

/** Highlight state of a step group. */
interface GroupState {
  /** Steps (`data-step` values) of the listing elements marked `is-active`. */
  listingActive: string[];
  /** For each diagram element marked `is-active`, the steps it stands for. */
  diagramActive: string[][];
  /** Every step the diagram shown has elements for. */
  diagramSteps: string[];
  /** Per listing step: can it take keyboard focus. */
  focusable: boolean[];
}

/**
 * In group `g`: the highlight state now and, when `focusEach`, after focusing
 * each step in turn (in the page: one round trip for all steps).
 */
function groupStates(
  page: Page,
  g: number,
  focusEach: boolean,
): Promise<{ now: GroupState; focused: GroupState[] }> {
  return page.evaluate(
    ([index, each]) => {
      const group = document.querySelector(`[data-e2e-group="${index}"]`);
      if (!group) throw new Error(`no step group ${index}`);
      // A diagram element may stand for several steps (a hook crossed twice): data-step="2 5".
      const stepsOf = (el: Element) =>
        (
          el.getAttribute("data-step") ??
          [...el.classList].find((c) => /^pw-step-\d+$/.test(c))?.slice(8) ??
          ""
        )
          .split(/\s+/)
          .filter(Boolean);
      const listing = [...group.querySelectorAll<HTMLElement>("[data-step]")].filter(
        (el) => !el.closest("svg"),
      );
      const diagram = [...group.querySelectorAll(".pw-diagram")].flatMap((holder) => [
        ...holder.querySelectorAll('[data-step], [class*="pw-step-"]'),
      ]);
      const read = () => ({
        listingActive: listing
          .filter((el) => el.classList.contains("is-active"))
          .map((el) => stepsOf(el).join(" ")),
        diagramActive: diagram.filter((el) => el.classList.contains("is-active")).map(stepsOf),
        diagramSteps: [...new Set(diagram.flatMap(stepsOf))],
        focusable: listing.map(
          (el) => el.tabIndex >= 0 || el.querySelector("a, button, [tabindex]") !== null,
        ),
      });
      const now = read();
      const focused = each
        ? listing.map((el) => {
            // The same call Playwright's focus() makes; focus events fire synchronously.
            el.focus();
            return read();
          })
        : [];
      (document.activeElement as HTMLElement | null)?.blur();
      return { now, focused };
    },
    [g, focusEach] as const,
  );
}

/** Asserts step `n` alone is highlighted, in the listing and in the diagram shown. */
function expectActive(state: GroupState, g: number, n: string, how: string): void {
  expect(state.listingActive, `group ${g + 1}, ${how} step ${n}: listing`).toEqual([n]);
  expect(
    state.diagramActive.length,
    `group ${g + 1}, ${how} step ${n}: diagram highlights something`,
  ).toBeGreaterThan(0);
  for (const steps of state.diagramActive) {
    expect(steps, `group ${g + 1}, ${how} step ${n}: only step ${n} is highlighted in the diagram`).toContain(
      n,
    );
  }
}

it("has at least one diagram to step through when a lesson uses ::trace", (ctx) => {
  const reason = noDiagramReason();
  if (reason) {
    console.log(`skipped: ${reason}`);
    ctx.skip(reason);
  }
  expect(withDiagrams.length).toBeGreaterThan(0);
});

// One context for the file (nothing is stored in it); pages are independent: check a few at once.
let context: BrowserContext;
beforeAll(async () => {
  context = await site.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
});
afterAll(async () => {
  await context?.close();
});

describe.concurrent.each(withDiagrams.map((d) => d.page))("steps on $path", (sitePage) => {
  it("focusing or hovering step N highlights step N in the listing and the diagram (light, then dark as the system switches)", async ({
    expect,
  }) => {
    const page = await context.newPage();
    try {
      await page.goto(`${site.server.url}${sitePage.requestPath}`);
      const groups = await stepGroups(page);
      expect(groups.length, "at least one diagram has a step listing").toBeGreaterThan(0);
      for (const theme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: theme });
        // The page hears the change as an event, after emulateMedia returns.
        await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        for (const [g, steps] of groups.entries()) {
          const { now: before, focused } = await groupStates(page, g, true);
          expect(before.focusable.every(Boolean), `group ${g + 1}: every step can take keyboard focus`).toBe(
            true,
          );
          expect(before.listingActive, `group ${g + 1}: nothing highlighted before (${theme})`).toEqual([]);
          for (const n of steps) {
            expect(before.diagramSteps, `group ${g + 1}: the diagram has step ${n}`).toContain(n);
          }
          expect(focused.length).toBe(steps.length);
          for (const [i, n] of steps.entries())
            expectActive(focused[i] as GroupState, g, n, `${theme}, focus`);

          // Keyboard for real on the first step, the pointer on the last: same highlight.
          const group = page.locator(`[data-e2e-group="${g}"]`);
          const stepAt = (n: string) => group.locator(`[data-step="${n}"]:not(svg *)`).first();
          const first = steps[0] ?? "";
          await stepAt(first).focus();
          expectActive((await groupStates(page, g, false)).now, g, first, `${theme}, keyboard focus on`);
          const last = steps.at(-1) ?? "";
          await stepAt(last).hover();
          expectActive((await groupStates(page, g, false)).now, g, last, `${theme}, hover`);
          await page.mouse.move(0, 0);
        }
      }
    } finally {
      await page.close();
    }
  });
});
