/**
 * Socket owner matches, decided where the kernel decides them without a user. Checked on kernel 6.18
 * in throwaway namespaces (a router r between a client and a server; counters after one ping each):
 * - r's echo reply to the client (the kernel's ICMP socket, no file): `--uid-owner 0` 0, `!
 *   --uid-owner 0` 1, `--socket-exists` 1, `! --socket-exists` 0;
 * - the client's ping forwarded by r, at mangle POSTROUTING (no socket): `--uid-owner 0` 0, `!
 *   --uid-owner 0` 1, `--socket-exists` 0, `! --socket-exists` 1;
 * - r's own ping sent by root: `--uid-owner 0` 1;
 * - nft `meta skuid 0` and `meta skuid != 0`: 0 and 0 for the echo reply and the forwarded ping;
 * - a REJECT's TCP reset: `! --socket-exists` 1; its ICMP port unreachable: `--socket-exists` 1.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/core/simulate/run-scenario.ts";
import { textWorld } from "./helpers.ts";

/** iptables-save text of one table with `rules`. */
const table = (name: "filter" | "mangle", ...rules: string[]) => {
  const chains =
    name === "filter"
      ? ["INPUT", "FORWARD", "OUTPUT"]
      : ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];
  return [`*${name}`, ...chains.map((c) => `:${c} ACCEPT [0:0]`), ...rules, "COMMIT", ""].join("\n");
};

/** The fates of a scenario's packets, `uncertain` marked. */
function fates(rules: string, spec: Parameters<typeof runScenario>[1]): string[] {
  const r = runScenario(textWorld(rules, "o.rules"), spec);
  return r.packets.map((p) => `${p.fate.kind}${p.events.some((e) => e.uncertain) ? " (uncertain)" : ""}`);
}

const PING_HOST = { from: "wan", to: "203.0.113.2", proto: "icmp" } as const;
const FORWARDED = { from: "c1", to: "203.0.113.1", proto: "icmp" } as const;

describe("-m owner", () => {
  it.each([
    ["--uid-owner 0", "delivered"],
    ["! --uid-owner 0", "dropped"],
    ["--socket-exists", "dropped"],
    ["! --socket-exists", "delivered"],
  ])("%s on the host's echo reply (the kernel's socket, no user): the reply is %s", (option, reply) => {
    const rules = table("filter", `-A OUTPUT -p icmp --icmp-type echo-reply -m owner ${option} -j DROP`);
    expect(fates(rules, PING_HOST)).toEqual(["delivered", reply]);
  });

  it.each([
    ["--uid-owner 0", "delivered"],
    ["! --uid-owner 0", "dropped"],
    ["--socket-exists", "delivered"],
    ["! --socket-exists", "dropped"],
  ])("%s on a forwarded packet (no socket) at POSTROUTING: it is %s", (option, request) => {
    const rules = table("mangle", `-A POSTROUTING -s 172.17.0.2 -m owner ${option} -j DROP`);
    expect(fates(rules, FORWARDED)[0]).toBe(request);
  });

  it.each([
    ["! --uid-owner 0 --gid-owner 0", "delivered"],
    ["--socket-exists --uid-owner 0", "delivered"],
    ["! --uid-owner 0 ! --gid-owner 0", "dropped"],
    ["--socket-exists ! --gid-owner 0", "dropped"],
  ])("combines the options of one match as xt_owner does: %s on the echo reply, %s", (options, reply) => {
    const rules = table("filter", `-A OUTPUT -p icmp --icmp-type echo-reply -m owner ${options} -j DROP`);
    expect(fates(rules, PING_HOST)).toEqual(["delivered", reply]);
  });

  it("is refused in PREROUTING, INPUT and FORWARD, as the kernel refuses it there", () => {
    const w = textWorld(table("filter", "-A INPUT -p icmp -m owner --uid-owner 0 -j DROP"), "o.rules");
    expect(
      w.ruleset.diagnostics.map((d) => `${d.position?.line}:${d.position?.column} ${d.message}`),
    ).toEqual([
      `5:27 match owner is only valid in OUTPUT and POSTROUTING, not in filter INPUT: the kernel refuses it (iptables-restore: "RULE_APPEND failed (Invalid argument)")`,
    ]);
  });

  it("is followed both ways for a packet a program on the host sends, with a hint that says why", () => {
    const rules = table("filter", "-A OUTPUT -p icmp -m owner --uid-owner 0 -j DROP");
    const w = textWorld(rules, "o.rules");
    expect(w.ruleset.diagnostics[0]?.hint).toBe(
      "the user and group of a program's socket are not in the lab, so a packet a program sends is followed both ways; a forwarded packet (no socket) and the kernel's own echo replies, ICMP errors and resets (no user) are decided",
    );
    const r = runScenario(w, { from: "host", to: "203.0.113.1", proto: "icmp" });
    expect(r.packets[0]?.unmodelled[0]?.what).toContain("-m owner --uid-owner 0");
    expect(r.packets[0]?.events[0]?.uncertain).toBe(true);
  });

  it("takes a REJECT's TCP reset as sent without a socket and its ICMP error from the kernel's", () => {
    const reject = "-A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset";
    const noSocket = table("filter", reject, "-A OUTPUT -p tcp -m owner ! --socket-exists -j DROP");
    const tcp = { from: "wan", to: "203.0.113.2", proto: "tcp", dport: 81 } as const;
    expect(fates(noSocket, tcp)).toEqual(["dropped", "dropped"]);
    const icmp = table(
      "filter",
      "-A INPUT -p udp --dport 81 -j REJECT",
      "-A OUTPUT -p icmp -m owner --socket-exists -j DROP",
    );
    expect(fates(icmp, { from: "wan", to: "203.0.113.2", proto: "udp", dport: 81 })).toEqual([
      "dropped",
      "dropped",
    ]);
  });
});

describe("nft meta skuid", () => {
  const nft = (hook: string, expr: string) => `table ip o {
	chain c {
		type filter hook ${hook} priority 0; policy accept;
		${expr} drop
	}
}
`;
  it.each(["meta skuid 0", "meta skuid != 0", "skgid 0"])(
    "%s never matches the host's echo reply or a forwarded packet (the rule breaks)",
    (expr) => {
      expect(fates(nft("output", `icmp type echo-reply ${expr}`), PING_HOST)).toEqual([
        "delivered",
        "delivered",
      ]);
      expect(fates(nft("postrouting", `ip saddr 172.17.0.2 ${expr}`), FORWARDED)[0]).toBe("delivered");
    },
  );

  it("is followed both ways for a program's packet", () => {
    expect(fates(nft("output", "meta skuid 0"), { from: "host", to: "203.0.113.1", proto: "icmp" })[0]).toBe(
      "delivered (uncertain)",
    );
  });
});
