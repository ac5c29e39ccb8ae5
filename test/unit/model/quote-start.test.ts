/** A line's start quoted in a message is whole or marked as cut, never a shorter name the file lacks. */
import { describe, expect, it } from "vitest";
import { quoteStart } from "../../../src/core/model/quote-start.ts";
import { parseIptablesSave } from "../../../src/core/simulate/parse-iptables-save.ts";

describe("quoteStart", () => {
  it("keeps a short text whole and marks a long one as cut", () => {
    expect(quoteStart(":KUBE-SEP-23Y66C2VAJ")).toBe(":KUBE-SEP-23Y66C2VAJ");
    expect(quoteStart(":KUBE-SEP-23Y66C2VAJX7QWDZZ - [0:0]")).toBe(":KUBE-SEP-23Y66C2VAJX7QWDZZ - […");
  });

  it("an iptables-save line outside a table is quoted so (a grep of kube-proxy's chains)", () => {
    const r = parseIptablesSave(":KUBE-SEP-23Y66C2VAJX7QWDZZ - [0:0]\n");
    expect(r.diagnostics[0]?.message).toBe("':KUBE-SEP-23Y66C2VAJX7QWDZZ - […' outside a table");
  });
});
