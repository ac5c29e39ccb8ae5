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
import { closest } from "../diagnostics/format-diagnostic.ts";
import { addressFamily } from "../simulate/ip-address.ts";
import { isCalendarDate } from "./calendar-date.ts";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a name of letters, digits, '.', '_' or '-'");

/** A prefix length for `family` (`24`), or undefined when `text` is not one. */
function prefixLength(text: string, family: 4 | 6): number | undefined {
  const len = Number(text);
  return /^\d{1,3}$/.test(text) && len <= (family === 4 ? 32 : 128) ? len : undefined;
}

/**
 * Why `text` is not an interface address as `ip addr` shows it (`172.17.0.2/16`, `fd00:a::2/64`),
 * or undefined when it is one.
 */
export function interfaceAddressProblem(text: string): string | undefined {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = addressFamily(addr);
  if (!family)
    return `'${text}' is not an address: expected an IPv4 or IPv6 address with its prefix length, e.g. 172.17.0.2/16 or fd00:a::2/64`;
  // The simulator takes the connected subnet from it: a missing length would silently be a /32.
  if (slash < 0)
    return `'${text}' has no prefix length: expected it as ip addr shows it, e.g. ${family === 4 ? "172.17.0.2/16" : "fd00:a::2/64"} (/${family === 4 ? 32 : 128} for an address alone)`;
  if (prefixLength(text.slice(slash + 1), family) === undefined)
    return `'${text}': the prefix length must be 0-${family === 4 ? 32 : 128} for an IPv${family} address`;
  return undefined;
}

/** Why `text` is not a route destination (`default`, `172.17.0.0/16`, `10.0.0.5`), or undefined. */
export function routeDestinationProblem(text: string): string | undefined {
  if (text === "default") return undefined;
  // `ip route` prints a route's type before its destination: it goes in "type".
  const typed = /^(unreachable|prohibit|blackhole)\s+(\S+)$/.exec(text.trim());
  if (typed)
    return `'${text}' holds the route's type: write the destination alone in "to" and the type in "type", e.g. {"to": "${typed[2]}", "type": "${typed[1]}"}`;
  const slash = text.indexOf("/");
  const family = addressFamily(slash < 0 ? text : text.slice(0, slash));
  if (family && (slash < 0 || prefixLength(text.slice(slash + 1), family) !== undefined)) return undefined;
  return `'${text}' is not a destination: expected "default" or a prefix as ip route shows it, e.g. 172.17.0.0/16 or fd00:a::/64`;
}

/** Attaches `problem`'s message, if any, to the value being checked. */
function refineWith(problem: (text: string) => string | undefined) {
  return (text: string, ctx: z.RefinementCtx) => {
    const message = problem(text);
    if (message) ctx.addIssue({ code: "custom", message });
  };
}

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
  addresses: z.array(z.string().superRefine(refineWith(interfaceAddressProblem))).default([]),
  /** The bridge this interface is a port of, if any. */
  bridge: z.string().optional(),
  /** `bridge` for a bridge device, `veth` for one end of a pair, `loopback`, or `other`. */
  kind: z.enum(["bridge", "veth", "loopback", "other"]).default("other"),
  /** For a veth: the peer as `host/interface`. */
  peer: z.string().optional(),
  /**
   * The device's MTU (`ip link`'s `mtu`), which sets the MSS a TCP socket advertises over it and what
   * `--clamp-mss-to-pmtu` and `rt mtu` clamp to. Default: 65536 for a loopback, a bridge its ports'
   * smallest (1500 without ports), else 1500.
   */
  mtu: z.number().int().min(68).max(65536).optional(),
});

/** The route types a lab takes (`ip route add TYPE PREFIX`); `unicast` is the default. */
export const ROUTE_TYPES = ["unicast", "unreachable", "prohibit", "blackhole"] as const;

/**
 * One route of a lab host (as `ip route` shows it). A route of type unreachable, prohibit or blackhole
 * has no gateway or device (the kernel refuses them: "Gateway, device and multipath can not be
 * specified for this route type"); a unicast one leaves by its `dev`.
 */
export const routeSchema = z
  .strictObject({
    /** `default`, or a prefix as `ip route` shows it (`172.17.0.0/16`; an address alone is a host route). */
    to: z.string().superRefine(refineWith(routeDestinationProblem)),
    /** The gateway's address, without prefix length. */
    via: z
      .string()
      .superRefine(
        refineWith((text) =>
          addressFamily(text)
            ? undefined
            : `'${text}' is not a gateway address: expected an IPv4 or IPv6 address without prefix length, e.g. 172.17.0.1 or fd00:a::1`,
        ),
      )
      .optional(),
    /** The interface of the host the route leaves by; none for a route that refuses (see `type`). */
    dev: z.string().optional(),
    /** The route's own MTU (`ip route ... mtu 1400`), which the kernel takes over the device's. Default: the device's. */
    mtu: z.number().int().min(68).max(65536).optional(),
    /**
     * `unicast` (the default), or a route that refuses what it matches: `blackhole` drops it silently,
     * `unreachable` answers a forwarded packet with an ICMP host unreachable and `prohibit` with an
     * administratively prohibited, and a packet the host itself sends fails at the route lookup.
     */
    type: z
      .enum(ROUTE_TYPES, {
        error: (issue) => `'${String(issue.input)}' is not a route type: expected ${ROUTE_TYPES.join(", ")}`,
      })
      .optional(),
  })
  .superRefine((r, ctx) => {
    const refusing = r.type !== undefined && r.type !== "unicast";
    for (const key of ["via", "dev"] as const)
      if (refusing && r[key] !== undefined)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `a ${r.type} route has no ${key === "via" ? "gateway" : "device"}: remove "${key}" (ip route refuses it: "Gateway, device and multipath can not be specified for this route type")`,
        });
    if (!refusing && r.dev === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["dev"],
        message: `the route to ${r.to} needs "dev", the interface it leaves by (or a "type": unreachable, prohibit or blackhole)`,
      });
  });

/** One host (a network namespace, or the init namespace of a real Docker host). */
export const hostSchema = z.strictObject({
  name,
  /**
   * What the host plays in the lesson: `docker-host` the host whose rulesets the lab holds, `container`
   * one behind its bridges, `wan` the internet or a host on the link its default route leaves by, `lan`
   * a host on another of its links (a laptop behind a router), `other` anything else.
   */
  role: z.enum(["docker-host", "container", "wan", "lan", "other"]),
  /** Readable label for diagrams, e.g. `container c2`. */
  label: z.string().optional(),
  /** The network namespace it ran in during capture (absent for the init namespace). */
  netns: z.string().optional(),
  interfaces: z.array(interfaceSchema).min(1),
  routes: z.array(routeSchema).default([]),
});

/** A reverse path filter's key (`net.ipv4.conf.all.rp_filter`): 0 off, 1 strict, 2 loose. */
export const RP_FILTER_KEY = /^net\.ipv4\.conf\.[^.]+\.rp_filter$/;

/**
 * Kernel settings that change a packet's path: switches, each `"0"` or `"1"` as `sysctl` prints it, and
 * the reverse path filters (`"2"`: loose).
 */
export const sysctlsSchema = z
  .record(
    z.string(),
    z
      .string({
        error: 'expected "0" or "1" (a string, as sysctl prints it), e.g. "net.ipv4.ip_forward": "1"',
      })
      .superRefine(
        refineWith((value) =>
          value === "0" || value === "1" || value === "2"
            ? undefined
            : `'${value}' is not a value of this switch: expected "0" or "1" (as sysctl prints it), e.g. "net.ipv4.ip_forward": "1"`,
        ),
      ),
  )
  .superRefine((sysctls, ctx) => {
    for (const [key, value] of Object.entries(sysctls))
      if (value === "2" && !RP_FILTER_KEY.test(key))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `'2' is not a value of this switch: expected "0" or "1" (as sysctl prints it; 2 is for an rp_filter), e.g. "net.ipv4.ip_forward": "1"`,
        });
  });

/** `; did you mean 'x'?` for the name of `names` closest to `given`, or nothing. */
function meant(given: string, names: readonly string[]): string {
  const guess = closest(given, names);
  return guess && guess !== given ? `; did you mean '${guess}'?` : "";
}

/**
 * The references between a lab's parts, each problem at the field that makes it: host names and a
 * host's interface names are unique, a route's `dev`, a port's `bridge` and a veth's `peer` name
 * interfaces that exist (the simulator would otherwise silently lose the packet or the link).
 */
function checkLabReferences(lab: z.infer<typeof labObject>, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const firstHost = new Map<string, number>();
  const ifaces = new Set<string>();
  lab.hosts.forEach((host, h) => {
    const earlier = firstHost.get(host.name);
    if (earlier !== undefined)
      issue(
        ["hosts", h, "name"],
        `'${host.name}' is already the name of hosts[${earlier}]: every host needs its own name (traces, routes and peers name hosts by it); rename one`,
      );
    else firstHost.set(host.name, h);
    for (const i of host.interfaces) ifaces.add(`${host.name}/${i.name}`);
  });
  // Two hosts with one MAC: a bridge's fdb keeps the MAC on the port it last came from, so frames to one
  // host go to the other (kernel 6.18: `bridge fdb` moved it from p1 to p2, and a ping to the first then
  // failed). Within a host one may repeat: a bridge takes its port's MAC unless one is set.
  const macOwner = new Map<string, { host: string; iface: string }>();
  lab.hosts.forEach((host, h) => {
    host.interfaces.forEach((i, n) => {
      if (!i.mac || i.mac === "00:00:00:00:00:00") return;
      const owner = macOwner.get(i.mac);
      if (!owner) macOwner.set(i.mac, { host: host.name, iface: i.name });
      else if (owner.host !== host.name)
        issue(
          ["hosts", h, "interfaces", n, "mac"],
          `'${i.mac}' is already the MAC of ${owner.iface} of host '${owner.host}': two hosts cannot have one MAC (a bridge would deliver both hosts' frames to one of them); give ${i.name} of '${host.name}' its own, as \`ip link\` shows it there`,
        );
    });
  });
  // The simulator runs the rulesets on this host: without one every packet would pass unseen.
  const netfilterHosts = lab.hosts.filter((host) => host.role === "docker-host").length;
  if (netfilterHosts !== 1)
    issue(
      ["hosts"],
      netfilterHosts === 0
        ? 'no host has role "docker-host": expected the one host whose rulesets the lab holds (the simulator runs them there), e.g. "role": "docker-host"'
        : `${netfilterHosts} hosts have role "docker-host": expected one, the host whose rulesets the lab holds; give the others role "other"`,
    );
  const interfaceCount = lab.hosts.reduce((n, host) => n + host.interfaces.length, 0);
  // With two hosts (or interfaces) of one name a peer is ambiguous: the duplicate is the problem to report.
  const duplicated = firstHost.size < lab.hosts.length || ifaces.size < interfaceCount;
  lab.hosts.forEach((host, h) => {
    const names = host.interfaces.map((i) => i.name);
    const bridges = host.interfaces.filter((i) => i.kind === "bridge").map((i) => i.name);
    host.interfaces.forEach((i, n) => {
      const at = ["hosts", h, "interfaces", n];
      if (names.indexOf(i.name) !== n)
        issue(
          [...at, "name"],
          `'${i.name}' is already the name of interfaces[${names.indexOf(i.name)}] of host '${host.name}': every interface of a host needs its own name; rename one`,
        );
      // The kernel refuses it (br_add_if: "Can not enslave a bridge to a bridge"), which also rules out loops.
      if (i.kind === "bridge" && i.bridge !== undefined)
        issue(
          [...at, "bridge"],
          `'${i.name}' is a bridge and cannot be a port of bridge '${i.bridge}': the kernel refuses it ("Can not enslave a bridge to a bridge"); remove "bridge" or connect them with a veth pair`,
        );
      else if (i.bridge !== undefined && !bridges.includes(i.bridge)) {
        const other = host.interfaces.find((x) => x.name === i.bridge);
        issue(
          [...at, "bridge"],
          other
            ? `'${i.bridge}' is an interface of host '${host.name}' but not a bridge (kind "${other.kind}"): expected a bridge of the host (${bridges.join(", ") || "none"}), or give ${i.bridge} "kind": "bridge"`
            : `'${i.bridge}' is not a bridge of host '${host.name}': expected one of its interfaces of kind "bridge" (${bridges.join(", ") || "none"})${meant(i.bridge, bridges)}`,
        );
      }
      if (i.peer !== undefined && !ifaces.has(i.peer) && !duplicated) {
        const me = `${host.name}/${i.name}`;
        // The interface that names this one as its peer is the likeliest meant; else the closest name.
        const back = lab.hosts.flatMap((o) =>
          o.interfaces.filter((x) => x.peer === me).map((x) => `${o.name}/${x.name}`),
        );
        const others = lab.hosts.flatMap((o) =>
          o.name === host.name
            ? []
            : o.interfaces.filter((x) => x.kind !== "loopback").map((x) => `${o.name}/${x.name}`),
        );
        const guess = back[0] ?? closest(i.peer, others);
        const sameName = others.filter((k) => k.endsWith(`/${i.peer}`));
        const hint = guess
          ? `; did you mean '${guess}'?${back[0] ? ` (it names ${me} as its peer)` : ""}`
          : sameName.length
            ? `; name its host too: ${sameName.join(" or ")}`
            : ` (e.g. ${others[0] ?? "c1/eth0"})`;
        issue(
          [...at, "peer"],
          `'${i.peer}' is not an interface of the lab: expected host/interface, the other end of the link${hint}`,
        );
      }
    });
    host.routes.forEach((r, n) => {
      if (r.dev !== undefined && !names.includes(r.dev))
        issue(
          ["hosts", h, "routes", n, "dev"],
          `'${r.dev}' is not an interface of host '${host.name}': expected one of ${names.join(", ")}${meant(r.dev, names)}`,
        );
    });
  });
}

/** The fields of a `lab.json`, before {@link checkLabReferences} relates them. */
const labObject = z.strictObject({
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
  /**
   * `true` when `packetwalk import --anonymize` replaced the lab's public addresses, MACs and host
   * names with stand-ins: a later import into it must use the same stand-ins (`--anonymize` with the
   * map of the earlier imports, `--anonymize-map FILE`), or it would publish real values next to them.
   * `false` says a lab is not anonymised (its MACs may look like stand-ins). Absent: not known.
   */
  anonymized: z.boolean().optional(),
});

/** A lab's topology: `traces/<lab>/lab.json`, its cross-references checked. */
export const labSchema = labObject.superRefine(checkLabReferences);

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
      /** The day it was recorded, `YYYY-MM-DD`: a real calendar date (`2026-02-30` is refused). */
      date: z
        .string()
        .refine(isCalendarDate, "expected the day it was recorded as YYYY-MM-DD, a real calendar date"),
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
