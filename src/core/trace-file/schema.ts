/**
 * The on-disk trace format, defined once and validated with zod.
 *
 * A lab lives in `traces/<lab>/`:
 * - `lab.json`: the topology ({@link labSchema}): hosts, interfaces, MACs, addresses, routes, sysctls.
 * - `rulesets/<name>.rules`: `iptables-save` output, then the bridge rules (`ebtables-save` or `nft list table bridge ...`), as captured.
 * - `<scenario>.log`: the kernel log exactly as captured (verbatim).
 * - `<scenario>.json`: the metadata ({@link traceMetaSchema}) of that log.
 *
 * `traces/README.md` documents the format for contributors.
 */
import { z } from "zod";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a name of letters, digits, '.', '_' or '-'");

/** One network interface of a lab host. */
export const interfaceSchema = z.strictObject({
  /** Interface name inside its host, e.g. `eth0`, `docker0`, `veth-c1`. */
  name: z.string().min(1),
  /** MAC address, lower-case, colon-separated. */
  mac: z
    .string()
    .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "a lower-case MAC like 02:42:ac:11:00:02")
    .optional(),
  /** Addresses with prefix length, e.g. `172.17.0.2/16`. */
  addresses: z.array(z.string()).default([]),
  /** The bridge this interface is a port of, if any. */
  bridge: z.string().optional(),
  /** `bridge` for a bridge device, `veth` for one end of a pair, `loopback`, or `other`. */
  kind: z.enum(["bridge", "veth", "loopback", "other"]).default("other"),
  /** For a veth: the peer as `host/interface`. */
  peer: z.string().optional(),
});

/** One route of a lab host (as `ip route` shows it). */
export const routeSchema = z.strictObject({
  /** `default` or a CIDR. */
  to: z.string(),
  via: z.string().optional(),
  dev: z.string(),
});

/** One host (a network namespace, or the init namespace of a real Docker host). */
export const hostSchema = z.strictObject({
  name,
  /** What the host plays in the lesson. */
  role: z.enum(["docker-host", "container", "wan", "other"]),
  /** Readable label for diagrams, e.g. `container c2`. */
  label: z.string().optional(),
  /** The network namespace it ran in during capture (absent for the init namespace). */
  netns: z.string().optional(),
  interfaces: z.array(interfaceSchema).min(1),
  routes: z.array(routeSchema).default([]),
});

/** Kernel settings that change a packet's path. */
export const sysctlsSchema = z.record(z.string(), z.string());

/** A lab's topology: `traces/<lab>/lab.json`. */
export const labSchema = z.strictObject({
  /** Format version, for future migrations. */
  version: z.literal(1),
  /** The lab's folder name. */
  name,
  /** One sentence on what the lab is. */
  description: z.string(),
  hosts: z.array(hostSchema).min(1),
  /** Settings in effect on the host that runs netfilter (scenarios may override). */
  sysctls: sysctlsSchema.default({}),
  /** Which bridge filtering implementation the lab runs: `nft` (ebtables-nft, no broute table) or `legacy`. */
  ebtables: z.enum(["nft", "legacy"]).default("nft"),
  /** Named rulesets in `rulesets/<name>.rules`. */
  rulesets: z.array(name).default([]),
  /** Facts a reader should know about how the lab was recorded (e.g. "ebtables-nft has no broute table"). */
  notes: z.array(z.string()).optional(),
});

/** How a trace was produced. */
export const TRACE_MODES = ["log", "trace"] as const;

/** Metadata of one trace: `traces/<lab>/<scenario>.json`. */
export const traceMetaSchema = z.strictObject({
  version: z.literal(1),
  /** The scenario name (the file stem), e.g. `container-to-wan`. */
  scenario: name,
  /** A short title for pages and captions. */
  title: z.string(),
  /** One or two sentences on what this trace teaches. */
  description: z.string().optional(),
  /** `log` (LOG/ebtables --log lines) or `trace` (TRACE via xtables-monitor or nft monitor). */
  mode: z.enum(TRACE_MODES),
  /** `recorded` from a real kernel or `simulated` by packetwalk's simulator. */
  origin: z.enum(["recorded", "simulated"]),
  /** For simulated traces: the question asked ("what if DOCKER-USER drops ..."). */
  question: z.string().optional(),
  /** The host that started the traffic and the command it ran, as an argument array. */
  traffic: z.strictObject({
    from: z.string(),
    to: z.string(),
    proto: z.enum(["icmp", "tcp", "udp"]),
    command: z.array(z.string()).min(1),
  }),
  /**
   * The run tag that starts every LOG prefix of this trace (e.g. `pwk3` in
   * `pwk3/iptable/raw-PREROUTE`), so that readers can strip it; absent when the prefixes carry none.
   */
  tag: z.string().optional(),
  /** The exit code of the traffic command (a ping that got no reply exits 1). */
  exitCode: z.number().int().optional(),
  /** The ruleset in effect (a name from the lab's `rulesets`), as a reader should see it: without logging rules. */
  ruleset: z.string(),
  /**
   * The instrumentation: a name from the lab's `rulesets` whose file is the ruleset exactly as it was
   * installed while this trace was recorded, its LOG / ebtables `--log` / TRACE (or nft `log`,
   * `meta nftrace`) rules included. `check` and the annotations simulate with it and add nothing;
   * absent, `ruleset` itself is taken as what was installed.
   */
  instrumentation: z.string().optional(),
  /**
   * For recorded traces: the sha256 of every ruleset file the recording depends on (`ruleset` and
   * `instrumentation`), by name, as `sha256:<hex>`. A committed ruleset that no longer matches fails
   * the build: the trace shows what the kernel did with the rules it had, not with the edited ones.
   */
  rulesetPins: z
    .record(z.string(), z.string().regex(/^sha256:[0-9a-f]{64}$/, "sha256:<64 hex digits>"))
    .optional(),
  /** Sysctls in effect for this trace (over the lab's). */
  sysctls: sysctlsSchema.default({}),
  /** What recorded it. */
  environment: z
    .strictObject({
      kernel: z.string(),
      iptables: z.string(),
      /** `nf_tables` or `legacy`. */
      backend: z.enum(["nf_tables", "legacy"]),
      ebtables: z.string().optional(),
      date: z.string(),
      tool: z.string(),
    })
    .optional(),
});

/** A parsed `lab.json`. */
export type Lab = z.infer<typeof labSchema>;
/** A parsed lab host. */
export type LabHost = z.infer<typeof hostSchema>;
/** A parsed trace metadata file. */
export type TraceMeta = z.infer<typeof traceMetaSchema>;
