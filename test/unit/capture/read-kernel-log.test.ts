import { describe, expect, it } from "vitest";
import { formatDmesgLine, linesWithTag, parseKmsgRecord } from "../../../src/capture/read-kernel-log.ts";

describe("reading /dev/kmsg records", () => {
  it("parses a record and drops its dictionary lines", () => {
    const record =
      "7,1834,685326377,-;pwar/iptable/raw-PREROUTEIN=docker0 OUT= SRC=172.17.0.2\n SUBSYSTEM=net\n";
    expect(parseKmsgRecord(record)).toEqual({
      priority: 7,
      seq: 1834,
      usec: 685326377,
      message: "pwar/iptable/raw-PREROUTEIN=docker0 OUT= SRC=172.17.0.2",
    });
  });

  it("unescapes what the kernel escaped and rejects what is not a record", () => {
    expect(parseKmsgRecord("6,1,2,-;a\\x5cb\\x09c\n")?.message).toBe("a\\b\tc");
    expect(parseKmsgRecord("no semicolon here")).toBeUndefined();
    expect(parseKmsgRecord("x,y,z,-;text")).toBeUndefined();
  });

  it("formats like plain dmesg: seconds padded to five, microseconds to six", () => {
    expect(formatDmesgLine({ usec: 685326377, message: "m" })).toBe("[  685.326377] m");
    expect(formatDmesgLine({ usec: 1_000_042, message: "m" })).toBe("[    1.000042] m");
    expect(formatDmesgLine({ usec: 123456_000001, message: "m" })).toBe("[123456.000001] m");
  });

  it("keeps only this run's lines", () => {
    const records = [
      { seq: 1, usec: 1, priority: 7, message: "pwar/iptable/raw-OUTPUTIN= OUT=eth0" },
      { seq: 2, usec: 2, priority: 6, message: "eth0: link up" },
      { seq: 3, usec: 3, priority: 7, message: "pwzz/iptable/raw-OUTPUTIN= OUT=eth0" },
    ];
    expect(linesWithTag(records, "pwar/")).toEqual(["[    0.000001] pwar/iptable/raw-OUTPUTIN= OUT=eth0"]);
  });
});
