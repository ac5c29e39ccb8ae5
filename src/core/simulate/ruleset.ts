/**
 * The typed ruleset the simulator runs: tables -> chains (with policy) -> rules, each rule parsed
 * once into conditions and a target, and keeping its source line and text for listings and messages.
 */
import type { Diagnostic } from "../model/packet.ts";
import type { Cidr } from "./ipv4.ts";

/** An inclusive port range; a single port has `lo === hi`. */
export interface PortRange {
  lo: number;
  hi: number;
}

/** One condition of a rule. `neg` is true when the rule had `!` in front of it. */
export type Condition =
  | { kind: "src" | "dst"; cidr: Cidr; neg: boolean }
  | { kind: "in" | "out"; name: string; neg: boolean }
  | { kind: "proto"; proto: string; neg: boolean }
  | { kind: "sport" | "dport"; range: PortRange; neg: boolean }
  | { kind: "multiport"; which: "sports" | "dports" | "ports"; ranges: PortRange[]; neg: boolean }
  | { kind: "icmp-type"; type: number | "any"; code?: number; neg: boolean }
  | { kind: "addrtype"; which: "src" | "dst"; types: string[]; neg: boolean }
  | { kind: "ctstate"; states: string[]; neg: boolean }
  | { kind: "physdev-in" | "physdev-out"; name: string; neg: boolean }
  | { kind: "physdev-is-bridged" | "physdev-is-in" | "physdev-is-out"; neg: boolean }
  | { kind: "mark"; value: number; mask: number; neg: boolean }
  // ebtables (bridge family) conditions.
  | { kind: "ethertype"; ethertype: string; neg: boolean }
  | { kind: "logical-in" | "logical-out"; name: string; neg: boolean }
  | { kind: "mac-src" | "mac-dst"; mac: string; neg: boolean }
  | { kind: "ip-proto"; proto: string; neg: boolean }
  /** A match the simulator does not model: its result is unknown, never silently true or false. */
  | { kind: "unknown"; text: string; neg: boolean };

/** What a rule does when all its conditions hold. */
export type Target =
  | { kind: "ACCEPT" | "DROP" | "RETURN" | "CONTINUE" | "TRACE" | "NONE" }
  | { kind: "REJECT"; with?: string }
  | { kind: "jump" | "goto"; chain: string }
  | { kind: "LOG"; prefix: string; level?: string }
  | { kind: "DNAT"; addr?: string; port?: PortRange }
  | { kind: "SNAT"; addr?: string; port?: PortRange }
  | { kind: "MASQUERADE"; port?: PortRange }
  | { kind: "MARK"; value: number; mask: number; op: "set" | "xset" | "or" | "and" }
  | { kind: "unknown"; name: string; text: string };

/** A rule with where it came from. */
export interface Rule {
  /** Table the rule is in, e.g. `nat`. */
  table: string;
  /** Chain the rule is in, e.g. `DOCKER`. */
  chain: string;
  /** 1-based position of the rule within its chain (as `iptables -L --line-numbers` counts). */
  index: number;
  /** 1-based line of the rule in the ruleset file. */
  line: number;
  /** The rule's text as written (without counters), e.g. `-A DOCKER -i docker0 -j RETURN`. */
  text: string;
  conditions: Condition[];
  target: Target;
  /** ebtables `--log` watcher (logs and goes on to the target). */
  log?: { prefix: string; level?: string };
}

/** A chain: built-in (with a policy) or user-defined (falls back with RETURN). */
export interface ChainDef {
  name: string;
  /** `ACCEPT`, `DROP` (or `RETURN` for ebtables user chains); undefined for iptables user chains. */
  policy?: string;
  /** 1-based line of the chain's declaration. */
  line: number;
  rules: Rule[];
}

/** A table: its chains by name. */
export interface TableDef {
  name: string;
  chains: Map<string, ChainDef>;
}

/** The rules of one family. */
export interface FamilyRules {
  tables: Map<string, TableDef>;
}

/** A whole ruleset: iptables (`ip`) and bridge (`bridge`), plus problems found while reading it. */
export interface Ruleset {
  ip: FamilyRules;
  bridge: FamilyRules;
  diagnostics: Diagnostic[];
}

/** Creates an empty family. */
export function emptyFamily(): FamilyRules {
  return { tables: new Map() };
}
