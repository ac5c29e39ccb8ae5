/**
 * Proxmox VE's /var/log/pve-firewall.log, as pvefw-logger (pve-firewall's src/pvefw-logger.c)
 * writes it: its header (VMID, level, chain, time) read as an envelope, its own field text read
 * leniently only there; a kernel line keeps the kernel's rules.
 */
import { describe, expect, it } from "vitest";
import { parseLine, parseTraceText } from "../../../src/core/parse/index.ts";

const MAC = "MAC=02:00:00:00:01:01:02:00:00:00:00:01:08:00";
const VM_SYN = `101 6 tap101i0-IN 03/Dec/2026:10:00:00 +0100 policy DROP: IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=fwln101o0 PHYSOUT=tap101i0 ${MAC} SRC=198.51.100.20 DST=192.0.2.101 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=555 DF PROTO=TCP SPT=40000 DPT=22 SEQ=123 ACK=0 WINDOW=64240 SYN `;
const HOST_UDP = `0 6 PVEFW-HOST-IN 03/Dec/2026:10:00:01 +0100 policy REJECT: IN=vmbr0 PHYSIN=eno1 ${MAC} SRC=198.51.100.21 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=7 PROTO=UDP SPT=5353 DPT=111 LEN=20mark=5 `;
const VM_PING = `102 4 veth102i0-OUT 03/Dec/2026:10:00:02 +0100 ACCEPT: IN=fwbr102i0 OUT=fwbr102i0 PHYSIN=veth102i0 PHYSOUT=fwln102o0 ${MAC} SRC=192.0.2.102 DST=203.0.113.9 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=99 DF PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1 `;

describe("pve-firewall.log", () => {
  it("reads pvefw-logger's lines: header as envelope, the rule's prefix, its chain's hook and drop", () => {
    const r = parseTraceText([VM_SYN, HOST_UDP, VM_PING].join("\n"), { file: "pve-firewall.log" });
    expect(r.diagnostics).toEqual([]);
    const events = r.packets.flatMap((p) => p.events);
    expect(events.map((e) => [e.envelope, e.hook, e.prefix, e.time, e.drop?.verdict])).toEqual([
      ["pve-firewall", "ip:filter:FORWARD", ":101:6:tap101i0-IN: policy DROP: ", 1796288400, "DROP"],
      ["pve-firewall", "ip:filter:INPUT", ":0:6:PVEFW-HOST-IN: policy REJECT: ", 1796288401, "REJECT"],
      ["pve-firewall", "ip:filter:FORWARD", ":102:4:veth102i0-OUT: ACCEPT: ", 1796288402, undefined],
    ]);
    const [syn, udp, ping] = events;
    // No RES= and no URGP= (pvefw-logger prints URGP only with URG).
    expect(syn?.l4).toMatchObject({ proto: "tcp", sport: 40000, dport: 22, seq: 123, window: 64240 });
    expect(syn?.l4?.res).toBeUndefined();
    expect(syn?.position.column).toBe(VM_SYN.indexOf("policy") + 1);
    // No OUT= for a packet to the host; `LEN=20mark=5` glued.
    expect([udp?.in, udp?.out, udp?.physIn, udp?.mark]).toEqual(["vmbr0", "", "eno1", "0x5"]);
    expect(udp?.l4).toMatchObject({ proto: "udp", sport: 5353, dport: 111, udpLen: 20 });
    expect(ping?.l4).toMatchObject({ proto: "icmp", icmpType: 8, icmpId: 3, icmpSeq: 1 });
  });

  it("reads a UDP line ending in LEN=n without a warning, and FRAG=n and ARP as pvefw-logger prints them", () => {
    const udp = `0 6 - 03/Dec/2026:10:00:00 +0000 my-own: IN=eth0 OUT=eth1 SRC=198.51.100.1 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=5 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=20`;
    const r = parseLine(udp).result;
    expect(r.kind).toBe("event");
    if (r.kind === "event") {
      expect(r.warning).toBeUndefined();
      expect(r.event.prefix).toBe("my-own: ");
    }
    const frag = parseLine(
      `0 6 - 03/Dec/2026:10:00:00 +0000 x: IN=eth0 SRC=198.51.100.1 DST=203.0.113.1 LEN=40 TOS=0x00 PREC=0x00 TTL=5 ID=1 FRAG=185 PROTO=UDP LEN=20 INVALID=LEN `,
    ).result;
    expect(frag.kind === "event" && frag.event.ip?.fragment).toBe(185);
    const arp = parseLine(
      `101 6 tap101i0-IN 03/Dec/2026:10:00:00 +0000 policy DROP: IN=fwbr101i0 OUT=fwbr101i0 ${MAC.replace("08:00", "08:06")} SRC=192.0.2.1 DST=192.0.2.101 PROTO=ARP REPLY MAC=02:00:00:00:00:01 `,
    ).result;
    expect(arp.kind).toBe("event");
    if (arp.kind === "event") {
      expect(arp.event.ip).toBeUndefined();
      expect(arp.event.arp).toMatchObject({
        opcode: 2,
        ipSrc: "192.0.2.1",
        ipDst: "192.0.2.101",
        macSrc: "02:00:00:00:00:01",
      });
    }
  });

  it("warns at pvefw-logger's lost entries and at its IPv6 lines, which hold no fields", () => {
    const v6 = `101 6 tap101i0-IN 03/Dec/2026:10:00:01 +0100 policy DROP: IN=fwbr101i0 OUT=fwbr101i0 ${MAC.replace("08:00", "86:dd")} IPV6 logging not implemented `;
    const r = parseTraceText(
      ["0 3 - 03/Dec/2026:10:00:00 +0100 skipped 12 log entries (queue full)", v6, VM_SYN].join("\n"),
    );
    expect(r.packets).toHaveLength(1);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column])).toEqual([
      ["warning", 1, 34],
      ["warning", 2, v6.indexOf("IPV6") + 1],
    ]);
    expect(r.diagnostics[0]?.message).toMatch(/pvefw-logger skipped 12 log entries/);
    expect(r.diagnostics[1]?.message).toMatch(/IPV6 logging not implemented.*\(1 line\)$/);
  });

  it("keeps the kernel's rules for a kernel line, and for a kernel line cut short inside the envelope", () => {
    // Outside the envelope, a LOG line without RES=/URGP= is still a cut line.
    const kernel = parseLine(
      `[  1.000000] filter-INPUT IN=eth0 OUT= SRC=198.51.100.1 DST=203.0.113.1 LEN=60 TOS=0x00 PREC=0x00 TTL=5 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=1 ACK=0 WINDOW=10 SYN `,
    ).result;
    expect(kernel.kind).toBe("error");
    // A kernel line (RES=) cut short is no pvefw-logger line: the kernel reader's error stands.
    const cut = parseLine(
      `0 6 - 03/Dec/2026:10:00:00 +0000 filter-INPUT IN=eth0 OUT= SRC=198.51.100.1 DST=203.0.113.1 LEN=60 TOS=0x00 PREC=0x00 TTL=5 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=10 RES=0x00 SYN `,
    ).result;
    expect(cut.kind).toBe("error");
  });
  it("reads lines that lost their last space (a web page, a guide, a forum post) as whole where pvefw-logger may end one", () => {
    // Before, a ping line was skipped without a word and a SYN line reported "expected RES=".
    // pvefw-logger.c's print_tcp prints the flag words last (URGP= only with URG), print_icmp ends an
    // echo with SEQ=, print_sctp with DPT=: a line ending in one of them lost only its space, as the
    // kernel reader takes a LOG line ending in URGP=. (Its first release here warned that 'SYN' may
    // be cut short: every TCP line pasted without its last space did.)
    const text = [
      VM_SYN.trimEnd(),
      VM_PING.trimEnd(),
      VM_SYN.replace("WINDOW=64240 SYN ", "WINDOW=64240 ACK PSH FIN").replace("ID=555", "ID=556"),
      VM_SYN.replace(
        "PROTO=TCP SPT=40000 DPT=22 SEQ=123 ACK=0 WINDOW=64240 SYN ",
        "PROTO=SCTP SPT=1 DPT=2",
      ).replace("ID=555", "ID=557"),
    ].join("\n");
    const r = parseTraceText(text);
    expect(r.packets.map((p) => p.summary)).toEqual([
      "TCP SYN 198.51.100.20:40000 -> 192.0.2.101:22",
      "ICMP echo-request 192.0.2.102 -> 203.0.113.9",
      "TCP FIN-PSH-ACK 198.51.100.20:40000 -> 192.0.2.101:22",
      "SCTP 198.51.100.20:1 -> 192.0.2.101:2",
    ]);
    expect(r.packets[0]?.events[0]?.drop?.verdict).toBe("DROP");
    expect(r.diagnostics).toEqual([]);
    // A value cut in the middle of a word pvefw-logger never prints is no pvefw-logger line.
    expect(parseTraceText(VM_SYN.trimEnd().slice(0, -1)).packets).toEqual([]);
  });

  it("warns once, with the count, of lines that end without the space where pvefw-logger never ends one", () => {
    // An echo cut after its ID= (print_icmp prints SEQ= after it): the line reads, its end may be lost.
    const cut = VM_PING.slice(0, VM_PING.indexOf(" SEQ=1"));
    const r = parseTraceText([cut, cut.replace("ID=99", "ID=98")].join("\n"));
    expect(r.packets).toHaveLength(2);
    expect(r.diagnostics.map((d) => [d.severity, d.position.line, d.position.column, d.message])).toEqual([
      [
        "warning",
        1,
        cut.lastIndexOf(" ") + 2,
        "the line ends without the space pvefw-logger prints after every field: its last field 'ID=3' may be cut short (2 lines)",
      ],
    ]);
  });

  it("reads pvefw-logger's lines forwarded through syslog under the kernel's tag (a log shipper's paste)", () => {
    // As a CrowdSec pull request quoted them: an ISO stamp, the host, `kernel:`, then pvefw-logger's whole line.
    const r = parseTraceText(
      [VM_SYN, HOST_UDP].map((l, i) => `2026-12-03T09:00:0${i}.984Z pve-${i} kernel: ${l}`).join("\n"),
      { file: "syslog" },
    );
    expect(r.diagnostics).toEqual([]);
    const events = r.packets.flatMap((p) => p.events);
    expect(events.map((e) => [e.envelope, e.host, e.hook, e.prefix, e.drop?.verdict])).toEqual([
      ["pve-firewall", "pve-0", "ip:filter:FORWARD", ":101:6:tap101i0-IN: policy DROP: ", "DROP"],
      ["pve-firewall", "pve-1", "ip:filter:INPUT", ":0:6:PVEFW-HOST-IN: policy REJECT: ", "REJECT"],
    ]);
    expect(events[0]?.position.column).toBe(
      `2026-12-03T09:00:00.984Z pve-0 kernel: ${VM_SYN}`.indexOf("policy") + 1,
    );
  });
});
