/**
 * `check` compares the devices a recorded packet crossed its hooks by, and a ping's exit code with the
 * echo reply the recording does not show. test/fixtures/policy-routing-check (see its intent): a
 * tester's policy-routing router on kernel 6.18, whose `ip rule`s sent lan's HTTPS and a ping from
 * 10.3.0.3 out of wanb where the simulator (main table only) routes them out of wana. check once
 * reported the HTTPS SYN's packet "agrees" (hook names alike) and the unanswered ping "ok".
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkLab } from "../../../src/cli/check-command.ts";

const LAB = join(import.meta.dirname, "../../fixtures/policy-routing-check/capture/polrt");
const scratch = mkdtempSync(join(tmpdir(), "pw-policy-routing-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `check`'s result for trace `stem` of the lab, its files edited by `edit` first (the missing zh-TW texts left aside). */
function checked(stem: string, edit?: (dir: string) => void) {
  let dir = LAB;
  if (edit) {
    dir = join(scratch, `polrt-${Math.random().toString(36).slice(2)}`);
    cpSync(LAB, dir, { recursive: true });
    edit(dir);
  }
  const r = checkLab(dir, [stem]).find((x) => x.trace.endsWith(`/${stem}`));
  if (!r) throw new Error(`no result for ${stem}`);
  return r;
}

/** Rewrites file `name` of lab folder `dir`. */
const rewrite = (dir: string, name: string, f: (text: string) => string) =>
  writeFileSync(join(dir, name), f(readFileSync(join(dir, name), "utf8")));

describe("devices", () => {
  it("a packet routed out of another device disagrees, naming the hook and both devices", () => {
    const r = checked("lan-to-wa-443");
    expect(r.ok).toBe(false);
    expect(r.report).toContain(
      [
        "packet 1: devices differ (kernel vs predicted)",
        "  ! ip:filter:FORWARD IN=lan0 OUT=wanb               | ip:filter:FORWARD IN=lan0 OUT=wana",
        "  ! ip:mangle:POSTROUTING IN=lan0 OUT=wanb           | ip:mangle:POSTROUTING IN=lan0 OUT=wana",
        "  note: an IP hook's devices are routing's choice:",
      ].join("\n"),
    );
    expect(r.report).toContain(
      "  ! ip:raw:PREROUTING IN=wanb OUT=                   | ip:raw:PREROUTING IN=wana OUT=",
    );
  });

  it("agrees where the recording's devices are the lab's (the same log routed by the main table)", () => {
    const r = checked("lan-to-wa-icmp-3", (dir) => {
      rewrite(dir, "lan-to-wa-icmp-3.log", (t) => t.replaceAll("OUT=wanb", "OUT=wana"));
      rewrite(dir, "lan-to-wa-icmp-3.json", (t) => t.replace('"exitCode": 1', '"exitCode": 0'));
    });
    expect(r.report, r.report).toBe("");
    expect(r.ok).toBe(true);
  });
});

describe("a ping that got no answer", () => {
  it("disagrees with a prediction that brings its echo reply back, though the recording shows the request only", () => {
    const r = checked("lan-to-wa-icmp-3");
    expect(r.ok).toBe(false);
    expect(r.report).toContain(
      "packet 1: fate differ (kernel vs predicted)\n  ! not delivered: the command got no answer         | answered: delivered to wa, whose echo reply (in no line of the recording) is delivered to lan",
    );
    // Also where the devices agree: the exit code alone tells.
    const same = checked("lan-to-wa-icmp-3", (dir) =>
      rewrite(dir, "lan-to-wa-icmp-3.log", (t) => t.replaceAll("OUT=wanb", "OUT=wana")),
    );
    expect(same.ok).toBe(false);
    expect(same.report).not.toContain("devices differ");
    expect(same.report).toContain("fate differ");
  });
});
