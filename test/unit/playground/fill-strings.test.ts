/**
 * The playground's placeholders: a count's word agrees with it in English ("1 packet from 1 netfilter
 * line", not "1 packets from 1 netfilter lines"), and the Chinese strings, which have no plural, read
 * the same numbers.
 */
import { describe, expect, it } from "vitest";
import { fill, PLAYGROUND_STRINGS } from "../../../src/playground/strings.ts";

const counts = (n: number) => ({ packets: n, events: n, skipped: n, errors: n, warnings: n, ms: 3 });

describe("fill", () => {
  it("says one of a count in the singular, any other in the plural", () => {
    const en = PLAYGROUND_STRINGS.en;
    expect(fill(en.parsed, counts(1))).toBe(
      "1 packet from 1 netfilter line; 1 other line skipped; 1 error, 1 warning (3 ms).",
    );
    expect(fill(en.parsed, counts(0))).toBe(
      "0 packets from 0 netfilter lines; 0 other lines skipped; 0 errors, 0 warnings (3 ms).",
    );
    expect(fill(en.packetsSummary, { packets: 1, flows: 2 })).toBe("1 packet in 2 flows");
    expect(fill(en.showMore, { n: 1 })).toBe("Show 1 more packet");
    expect(fill(en.unknownLines, { n: 3, line: 7 })).toBe("3 lines, first on line 7");
  });

  it("leaves a placeholder without a value as written, and fills the Chinese with the numbers alone", () => {
    expect(fill("{a} {a:x|xs} {b}", { a: 2 })).toBe("2 xs {b}");
    expect(fill(PLAYGROUND_STRINGS["zh-tw"].packetsSummary, { packets: 1, flows: 1 })).toBe(
      "1 條連線中的 1 個封包",
    );
  });
});
