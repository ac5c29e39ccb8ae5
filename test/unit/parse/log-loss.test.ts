/** Loss lines: what each says, where, and that ordinary lines are not mistaken for one. */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { readAuditPacket, readLogLoss, readMonitorExit } from "../../../src/core/parse/log-loss.ts";

describe("readLogLoss", () => {
  it.each([
    [
      "[  12.5] net_ratelimit: 7 callbacks suppressed",
      10,
      "rate limit (net_ratelimit) suppressed 7 messages",
    ],
    [
      "[  12.5] nf_log_syslog: 1 callbacks suppressed",
      10,
      "rate limit (nf_log_syslog) suppressed 1 message ",
    ],
    ["[  12.5] printk: 3 messages suppressed.", 10, "rate limit (printk) suppressed 3 messages"],
    ["[  12.5] ** 12 printk messages dropped **", 10, "dropped 12 messages here (its log buffer was full)"],
    [
      "Dec  1 05:48:02 h systemd-journald[312]: Missed 1 kernel messages",
      42,
      "journald missed 1 kernel message ",
    ],
    [
      "h rsyslogd: imjournal: 40 messages lost due to rate-limiting (20000 allowed)",
      24,
      "dropped 40 messages",
    ],
    ["[  12.5] nf_conntrack: nf_conntrack: table full, dropping packet", 24, "conntrack table was full"],
  ])("%s", (line, column, words) => {
    const loss = readLogLoss(line);
    expect(loss?.column).toBe(column);
    expect(loss?.message).toContain(words);
    expect(loss?.hint.length).toBeGreaterThan(20);
  });

  it.each([
    "[  12.5] eth0: link up, 1000 Mbps",
    "Dec  1 05:48:02 h sshd[1]: 3 messages from client",
    "[  12.5] nf_conntrack: default automatic helper assignment has been turned off",
    // Another call site's rate limit counts its own messages (segfault reports, ICMP send errors), never LOG lines.
    "[  12.5] show_signal_msg: 4 callbacks suppressed",
    "[  12.5] icmp_send: 1 callbacks suppressed",
  ])("is quiet on %s", (line) => {
    expect(readLogLoss(line)).toBeUndefined();
  });

  it("reads a megabyte line without spaces in linear time (no backtracking), and still finds a loss at its end", () => {
    const long = "x".repeat(1 << 20);
    expect(readLogLoss(long)).toBeUndefined();
    expect(readLogLoss(`${long} net_ratelimit: 3 callbacks suppressed`)?.column).toBe((1 << 20) + 2);
    expect(readAuditPacket(`type=1324 ${long}`)).toBeUndefined();
  });

  it("reads a line of repeated audit types in linear time: a pattern with `.*` took minutes on a megabyte of them", () => {
    // A packet's record is type 1324 in the kernel log (/usr/include/linux/audit.h: AUDIT_NETFILTER_PKT 1324,
    // AUDIT_NETFILTER_CFG 1325); these lines once used 1325, the number of a ruleset change's record.
    const repeated = "type=1324 ".repeat(100_000);
    expect(readAuditPacket(repeated)).toBeUndefined();
    // The record starts at its first type that stands as a word, wherever `saddr=` comes.
    expect(readAuditPacket(`xtype=1324 ${repeated}saddr=198.51.100.10`)?.column).toBe(12);
    expect(readAuditPacket("type=13240 saddr=198.51.100.10")).toBeUndefined();
    expect(readAuditPacket("type=1324 msg=audit(1.2:3): xsaddr=198.51.100.10")).toBeUndefined();
    expect(readAuditPacket("type=NETFILTER_PKT msg=audit(1.2:3): mark=0 saddr=198.51.100.10")?.column).toBe(
      1,
    );
  });

  it("warns once per loss line, between the LOG lines it concerns, and still groups the packets", () => {
    const log = [
      "[ 10.000001] fw-in IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 SRC=203.0.113.5 DST=203.0.113.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ",
      "[ 10.000002] net_ratelimit: 5 callbacks suppressed",
      "[ 10.000003] fw-out IN= OUT=eth0 SRC=203.0.113.1 DST=203.0.113.5 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9 PROTO=ICMP TYPE=0 CODE=0 ID=7 SEQ=1 ",
    ].join("\n");
    const r = parseTraceText(log, {
      file: "k.log",
      prefixMap: { "fw-in": "ip:filter:INPUT", "fw-out": "ip:filter:OUTPUT" },
    });
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.severity])).toEqual([
      [2, 14, "warning"],
    ]);
    expect(r.packets.length).toBe(2);
  });

  it("says once, with the count, that audit records of packets name no hook", () => {
    const log = [
      "type=NETFILTER_PKT msg=audit(1701400000.123:456): mark=0x0 saddr=198.51.100.10 daddr=203.0.113.2 proto=6 sport=40000 dport=22",
      // The kernel log's form: `audit: type=<n>` by number, AUDIT_NETFILTER_PKT being 1324 (/usr/include/linux/audit.h).
      "Dec  1 05:00:00 host kernel: audit: type=1324 audit(1701400000.123:457): mark=0 saddr=198.51.100.10 daddr=203.0.113.2 proto=1",
      // A ruleset change's record (AUDIT_NETFILTER_CFG, 1325) is no packet's: a line like any other.
      'Dec  1 05:00:00 host kernel: audit: type=1325 audit(1701400000.124:458): table=filter family=2 entries=4 op=nft_register_rule pid=1 comm="nft"',
      "type=SYSCALL msg=audit(1701400000.200:458): arch=c000003e syscall=59 success=yes",
    ].join("\n");
    expect(readAuditPacket("type=SYSCALL msg=audit(1.2:3): arch=c000003e")).toBeUndefined();
    const r = parseTraceText(log, { file: "audit.log" });
    expect(r.packets).toEqual([]);
    expect(r.diagnostics.map((d) => [d.position.line, d.position.column, d.message])).toEqual([
      [
        1,
        1,
        "audit record of a packet (nft `log level audit` or iptables -j AUDIT): it names no hook, chain or prefix, so packetwalk cannot place it (2 lines)",
      ],
    ]);
  });
});

describe("readMonitorExit", () => {
  // Recorded: iptables 1.8.9's xtables-monitor --trace stops on an ip6tables DNAT rule it cannot print.
  const exit = "xtables-monitor v1.8.9 (nf_tables): Parsing nftables rule failed";

  it("names the error and says the trace stops there", () => {
    const loss = readMonitorExit(exit);
    expect(loss?.column).toBe(1);
    expect(loss?.message).toBe(
      "xtables-monitor stopped with its own error ('Parsing nftables rule failed'): its trace ends at the rule it could not print",
    );
    expect(loss?.hint).toContain("nft monitor trace");
    // Its standard output is buffered: in one file with its errors, lines it traced come after the error.
    expect(loss?.hint).toContain("also those below this line");
  });

  it("is read after an envelope, and is a warning of the parse at its line", () => {
    expect(readMonitorExit(`[ 1.000000] ${exit}`, 12)?.column).toBe(13);
    const r = parseTraceText(`Perhaps xtables-monitor or your kernel needs to be upgraded.\n${exit}\n`, {
      file: "m.log",
    });
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column])).toEqual([
      ["warning", 2, 1],
    ]);
  });

  it("other lines naming xtables-monitor are no exit", () => {
    expect(readMonitorExit("xtables-monitor --trace > trace.log")).toBeUndefined();
    expect(readMonitorExit("Perhaps xtables-monitor or your kernel needs to be upgraded.")).toBeUndefined();
  });
});
