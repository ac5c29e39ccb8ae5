/**
 * A matched NAT rule's badge says the NAT it chose with the kernel's verdict: a trace reports
 * MASQUERADE, SNAT, DNAT and REDIRECT rules (iptables and nft alike) as `accept`; nft monitor trace
 * reports an nft `reject` as `drop` (iptables' TRACE names REJECT itself).
 */
import { describe, expect, it } from "vitest";
import { matchedVerdict } from "../../../src/core/render/matched-verdict.ts";

describe("matchedVerdict", () => {
  it("writes the NAT of an iptables rule before the kernel's ACCEPT", () => {
    expect(matchedVerdict("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE", "ACCEPT")).toBe(
      "MASQUERADE (ACCEPT)",
    );
    expect(
      matchedVerdict(
        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
        "ACCEPT",
      ),
    ).toBe("DNAT (ACCEPT)");
  });

  it("writes the NAT of an nft rule before the kernel's accept", () => {
    expect(
      matchedVerdict(
        'oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade comment "MASQUERADE"',
        "accept",
      ),
    ).toBe("masquerade (accept)");
    expect(matchedVerdict("tcp dport 8443 dnat ip to 10.0.0.5:443", "accept")).toBe("dnat (accept)");
  });

  it("writes nft's reject before the drop nft monitor trace prints for it", () => {
    expect(matchedVerdict("reject with icmpx admin-prohibited", "drop")).toBe("reject (drop)");
    expect(matchedVerdict('iifname "wan0" tcp dport 23 reject with tcp reset', "DROP")).toBe("REJECT (DROP)");
    expect(matchedVerdict('ip saddr 198.51.100.0/24 drop comment "not a reject"', "drop")).toBe("drop");
    expect(matchedVerdict("-A INPUT -p tcp -j DROP", "DROP")).toBe("DROP");
  });

  it("leaves other verdicts and rules as the trace gives them", () => {
    expect(matchedVerdict("-A FORWARD -o docker0 -j ACCEPT", "ACCEPT")).toBe("ACCEPT");
    expect(matchedVerdict("-A FORWARD -j DOCKER-USER", "JUMP DOCKER-USER")).toBe("JUMP DOCKER-USER");
    // A NAT word in a comment is not the rule's target.
    expect(matchedVerdict('-A FORWARD -m comment --comment "after DNAT" -j ACCEPT', "ACCEPT")).toBe("ACCEPT");
    expect(matchedVerdict("-A POSTROUTING -j MASQUERADE", "DROP")).toBe("DROP");
    expect(matchedVerdict('-A FORWARD -m comment --comment "a dnat rule" -j ACCEPT', "ACCEPT")).toBe(
      "ACCEPT",
    );
    expect(matchedVerdict('tcp dport 80 counter accept comment "dnat done before"', "accept")).toBe("accept");
  });
});
