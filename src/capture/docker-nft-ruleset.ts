/**
 * The nftables ruleset Docker 29 (`--firewall-backend=nftables`) writes for the default bridge with
 * one container publishing a port (`docker run -p 8080:80`), as `nft -f` input: an `ip docker-bridges`
 * table whose base chains sit at the well-known priorities (raw, dstnat, filter, srcnat) and reach
 * per-bridge regular chains through verdict maps keyed by interface name. Written from Docker's own
 * description of its rules (moby's nftablesdoc); no iptables chains, no DOCKER-USER, no FORWARD drop.
 */
import { LAB } from "./lab-topology.ts";

/** The ruleset name used in trace metadata and `rulesets/<name>.rules`. */
export const NFT_RULESET = "docker-29-nft";

/** Docker's table name in the `ip` family. */
export const DOCKER_NFT_TABLE = "docker-bridges";

/** Addresses the ruleset refers to; defaults are the lab's. */
export interface NftRulesetAddresses {
  bridge: string;
  subnetCidr: string;
  publishedTo: string;
  hostPort: number;
  containerPort: number;
  /** `--bridge-accept-fwmark` value/mask, e.g. `0x2/0x3`; default none. */
  acceptFwmark?: string;
  /** Every container's address on the network, in the order they joined: each gets its `DROP DIRECT ACCESS`. Default: `[publishedTo]`. */
  containers?: readonly string[];
}

const LAB_ADDRESSES: NftRulesetAddresses = {
  bridge: LAB.bridge,
  subnetCidr: LAB.subnetCidr,
  publishedTo: LAB.c1Ip,
  hostPort: LAB.publishedPort,
  containerPort: LAB.containerPort,
  containers: [LAB.c1Ip, LAB.c2Ip],
};

/** `nft -f` text for Docker 29's `ip docker-bridges` table (default addresses: the lab's). */
export function dockerNftRuleset(a: NftRulesetAddresses = LAB_ADDRESSES): string {
  const br = a.bridge;
  const q = (s: string) => JSON.stringify(s);
  const vmap = (name: string, chain: string) => [
    `\tmap ${name} {`,
    "\t\ttype ifname : verdict",
    `\t\telements = { ${q(br)} : jump ${chain}__${br} }`,
    "\t}",
  ];
  const fwmark = a.acceptFwmark
    ? (() => {
        const [value, mask] = a.acceptFwmark.split("/");
        const match = mask ? `meta mark & ${mask} == ${value}` : `meta mark ${value}`;
        return [`\t\t${match} counter accept comment "ALLOW FW MARK"`];
      })()
    : [];
  return `${[
    `table ip ${DOCKER_NFT_TABLE} {`,
    ...vmap("filter-forward-in-jumps", "filter-forward-in"),
    ...vmap("filter-forward-out-jumps", "filter-forward-out"),
    ...vmap("nat-postrouting-in-jumps", "nat-postrouting-in"),
    ...vmap("nat-postrouting-out-jumps", "nat-postrouting-out"),
    "\tchain raw-PREROUTING {",
    "\t\ttype filter hook prerouting priority raw; policy accept;",
    // One per container of a NAT-mode network (moby's filterDirectAccess), published port or not.
    ...(a.containers ?? [a.publishedTo]).map(
      (ip) => `\t\tip daddr ${ip} iifname != ${q(br)} counter drop comment "DROP DIRECT ACCESS"`,
    ),
    "\t}",
    "\tchain nat-PREROUTING {",
    "\t\ttype nat hook prerouting priority dstnat; policy accept;",
    "\t\tfib daddr type local counter jump nat-prerouting-and-output",
    "\t}",
    "\tchain nat-OUTPUT {",
    // nft 1.0.6 accepts the name dstnat only at prerouting; -100 is the same priority.
    "\t\ttype nat hook output priority -100; policy accept;",
    "\t\tip daddr != 127.0.0.0/8 fib daddr type local counter jump nat-prerouting-and-output",
    "\t}",
    "\tchain nat-prerouting-and-output {",
    `\t\tiifname != ${q(br)} tcp dport ${a.hostPort} counter dnat to ${a.publishedTo}:${a.containerPort} comment "DNAT"`,
    "\t}",
    "\tchain filter-FORWARD {",
    "\t\ttype filter hook forward priority filter; policy accept;",
    "\t\toifname vmap @filter-forward-in-jumps",
    "\t\tiifname vmap @filter-forward-out-jumps",
    "\t}",
    `\tchain filter-forward-in__${br} {`,
    "\t\tct state established,related counter accept",
    ...fwmark,
    `\t\tiifname ${q(br)} counter accept comment "ICC"`,
    `\t\tip daddr ${a.publishedTo} tcp dport ${a.containerPort} counter accept`,
    '\t\tcounter drop comment "UNPUBLISHED PORT DROP"',
    "\t}",
    `\tchain filter-forward-out__${br} {`,
    "\t\tct state established,related counter accept",
    '\t\tcounter accept comment "OUTGOING"',
    "\t}",
    "\tchain nat-POSTROUTING {",
    "\t\ttype nat hook postrouting priority srcnat; policy accept;",
    "\t\tiifname vmap @nat-postrouting-out-jumps",
    "\t\toifname vmap @nat-postrouting-in-jumps",
    "\t}",
    `\tchain nat-postrouting-in__${br} {`,
    "\t}",
    `\tchain nat-postrouting-out__${br} {`,
    `\t\toifname != ${q(br)} ip saddr ${a.subnetCidr} counter masquerade comment "MASQUERADE"`,
    "\t}",
    "}",
  ].join("\n")}\n`;
}
