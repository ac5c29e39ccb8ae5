/**
 * The playground's hint for an unknown LOG prefix points at what the page has (its prefix form, a
 * pasted ruleset), in English and in Chinese, while the parser, and so the CLI, keeps naming its
 * `--prefix-map FILE` flag.
 */
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../src/core/diagnostics/format-diagnostic.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { diagnosticZh } from "../../../src/playground/diagnostics-zh.ts";
import { playgroundDiagnostic } from "../../../src/playground/playground-hints.ts";
import { PLAYGROUND_STRINGS } from "../../../src/playground/strings.ts";

const LINE =
  "[  1.000000] fw-in: IN=eth0 OUT= MAC=52:54:00:12:34:02:52:54:00:12:34:01:08:00 SRC=203.0.113.1 DST=203.0.113.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 \n";
const unknown = parseTraceText(LINE, { file: "-" }).diagnostics.find((d) =>
  d.message.startsWith("unknown LOG prefix"),
);

describe("the unknown-prefix hint", () => {
  it("names the CLI's flag where the parser gives it (packetwalk parse)", () => {
    expect(unknown?.message).toMatch(/^unknown LOG prefix 'fw-in:'/);
    expect(formatDiagnostic(unknown as NonNullable<typeof unknown>)).toContain("--prefix-map FILE");
  });

  it("on the English playground, names the page's prefix form and ruleset box instead", () => {
    const shown = formatDiagnostic(playgroundDiagnostic(unknown as NonNullable<typeof unknown>));
    const [head, hint = ""] = shown.split("\n  hint: ");
    // The line the CLI prints, and a bug report quotes, is unchanged.
    expect(head).toBe(formatDiagnostic({ ...(unknown as NonNullable<typeof unknown>), hint: undefined }));
    expect(hint).not.toContain("--prefix-map");
    expect(hint).toContain(`"${PLAYGROUND_STRINGS.en.unknownTitle}"`);
    expect(hint).toContain(`"${PLAYGROUND_STRINGS.en.rulesLabel}"`);
    expect(hint).toMatch(/^name LOG prefixes like 'iptable\/<table>-<CHAIN>'/);
  });

  it("on the zh-TW playground, says the same in Chinese with the page's own labels", () => {
    const zh = diagnosticZh(unknown as NonNullable<typeof unknown>);
    expect(zh?.code).toBe("unknown-prefix");
    expect(zh?.hint).not.toContain("--prefix-map");
    expect(zh?.hint).toContain(`「${PLAYGROUND_STRINGS["zh-tw"].unknownTitle}」`);
    expect(zh?.hint).toContain(`「${PLAYGROUND_STRINGS["zh-tw"].rulesLabel}」`);
  });

  it("leaves every other hint as the core gives it", () => {
    const lost = {
      ...(unknown as NonNullable<typeof unknown>),
      hint: "fix the ones above first: problems of one cause repeat, and fixing it clears the ones not listed too",
    };
    expect(playgroundDiagnostic(lost)).toBe(lost);
    const none = { ...(unknown as NonNullable<typeof unknown>), hint: undefined };
    expect(playgroundDiagnostic(none)).toBe(none);
  });
});
