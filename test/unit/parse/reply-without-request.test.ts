/**
 * Replies whose request shows no tuple to pair them by: a first datagram from a service's port (the
 * request not logged), and the reply to a masqueraded packet in an nft monitor trace, which never
 * prints the masquerade's new source. Lines recorded on kernel 6.18 (test/fixtures/parse/real-udp-reply-first,
 * real-nft-monitor-masquerade-from-host-trace).
 */
import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { fixtureInput as fixture } from "./recorded.ts";

/** Each packet's flow, direction and summary. */
const flows = (text: string) =>
  parseTraceText(text, { file: "x.log" }).packets.map((p) => `${p.flow} ${p.direction} ${p.summary}`);

describe("a first datagram from a service's port", () => {
  // The kernel printed (the client's INPUT, its query to port 53 not logged):
  // `IN=eth0 ... SRC=198.51.100.53 DST=198.51.100.2 ... PROTO=UDP SPT=53 DPT=60271 LEN=37`.
  const answer = fixture("real-udp-reply-first").trim();

  it("is the reply of its flow, as a first SYN-ACK is", () => {
    expect(flows(answer)).toEqual(["1 reply UDP 198.51.100.53:53 -> 198.51.100.2:60271"]);
  });

  it("leaves the client's next query the request of that flow", () => {
    const query = answer
      .replace("SRC=198.51.100.53 DST=198.51.100.2", "SRC=198.51.100.2 DST=198.51.100.53")
      .replace("SPT=53 DPT=60271", "SPT=60271 DPT=53")
      .replace("IN=eth0 OUT=", "IN= OUT=eth0")
      .replace("filter-INPUT", "filter-OUTPUT");
    expect(flows(`${answer}\n${query}`)).toEqual([
      "1 reply UDP 198.51.100.53:53 -> 198.51.100.2:60271",
      "1 request UDP 198.51.100.2:60271 -> 198.51.100.53:53",
    ]);
  });

  it("names DHCP's server-to-client datagram a reply, and no datagram between two service ports", () => {
    const ports = (s: number, d: number) => answer.replace("SPT=53 DPT=60271", `SPT=${s} DPT=${d}`);
    expect(flows(ports(67, 68))[0]).toMatch(/^1 reply /);
    // NTP between two servers (123 to 123), and a client's datagram to a service, open a flow.
    expect(flows(ports(123, 123))[0]).toMatch(/^1 request /);
    expect(flows(ports(40000, 53))[0]).toMatch(/^1 request /);
    // From an unprivileged port to an ephemeral one nothing says which side serves.
    expect(flows(ports(5353, 40000))[0]).toMatch(/^1 request /);
  });
});

describe("the reply to a masqueraded packet in an nft monitor trace", () => {
  // The kernel printed the SYN at nat-POSTROUTING before the masquerade (`oif "bridge1" ip saddr
  // 127.0.0.1 ip daddr 198.51.100.2 ... tcp sport 34674 tcp dport 80`, then the rule `... masquerade
  // comment "MASQUERADE FROM HOST" (verdict accept)`) and nothing after it; the replies come in
  // `iif "bridge1"` from 198.51.100.2:80 to 198.51.100.1:34674 (conntrack: `dst=198.51.100.1 sport=80 dport=34674`).
  const trace = fixture("real-nft-monitor-masquerade-from-host-trace");

  it("is the reply of the host's flow, not a second flow", () => {
    expect(flows(trace)).toEqual([
      "1 request TCP SYN 127.0.0.1:34674 -> 127.0.0.1:8080, DNAT to 198.51.100.2:80",
      "1 reply TCP SYN-ACK 198.51.100.2:80 -> 198.51.100.1:34674",
      "1 request TCP ACK 127.0.0.1:34674 -> 127.0.0.1:8080",
      "1 reply TCP PSH-ACK 198.51.100.2:80 -> 198.51.100.1:34674",
      "1 request TCP ACK 127.0.0.1:34674 -> 127.0.0.1:8080",
      "1 reply TCP FIN-ACK 198.51.100.2:80 -> 198.51.100.1:34674",
      "1 request TCP FIN-ACK 127.0.0.1:34674 -> 127.0.0.1:8080",
      "1 reply TCP ACK 198.51.100.2:80 -> 198.51.100.1:34674",
    ]);
  });

  it("needs the masquerade rule, the device it left by and the port it kept", () => {
    const second = (text: string) =>
      new Set(parseTraceText(text, { file: "x.log" }).packets.map((p) => p.flow)).size;
    expect(second(trace)).toBe(1);
    // Without the masquerade (a rule that only counts), nothing says the source changed.
    expect(second(trace.replace(" masquerade comment", " comment"))).toBe(2);
    // An answer coming in by another device is another packet's.
    expect(second(trace.replaceAll('iif "bridge1"', 'iif "bridge2"'))).toBe(2);
    // The masquerade gave another source port (one in use): no line tells which.
    expect(second(trace.replaceAll("tcp dport 34674", "tcp dport 34675"))).toBe(2);
  });
});
