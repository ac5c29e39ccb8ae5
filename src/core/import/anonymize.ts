/**
 * Anonymisation for `packetwalk import --anonymize`: public IPv4 addresses become TEST-NET ones
 * (each public /24 one TEST-NET /24, host part kept, so subnets and prefixes still agree), global
 * IPv6 addresses documentation ones (each /48 one 2001:db8:N::/48, the rest kept), MACs and host
 * names stable stand-ins, and an IPv6 interface id made from a MAC (EUI-64) is made from the MAC's
 * stand-in. One {@link Anonymizer} is used for every file of a lab, so the same original always
 * gets the same stand-in; given those files as {@link AnonymizerOptions.avoid}, no stand-in is a
 * value they already hold (a TEST-NET address kept as it is, a documentation /48, a MAC, a host
 * name), so two hosts never merge. Pure: text in, text out, map on request.
 */

import { formatIpv6, ipv4Groups, ipv4Text, parseIpv6 } from "../parse/ipv6.ts";
import { stripEscapes } from "../parse/strip-escapes.ts";
import { unwrapLine } from "../parse/unwrap-line.ts";
import { embeddedIpv4, eui64Mac, type Ipv4Spot, ipv6Scope, withEui64 } from "./ipv6-address.ts";

/** The TEST-NET blocks (RFC 5737), in the order public /24s are given them. */
const TEST_NETS = ["203.0.113", "198.51.100", "192.0.2"] as const;

/** Whether an IPv4 address is public (not private, loopback, link-local, CGNAT, multicast, TEST-NET, ...). */
export function isPublicIpv4(addr: string): boolean {
  const p = addr.split(".").map(Number);
  if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return false;
  const [a, b, c] = p as [number, number, number, number];
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  if (a === 198 && b === 51 && c === 100) return false;
  if (a === 203 && b === 0 && c === 113) return false;
  return true;
}

/** What the anonymiser replaced, original → stand-in (write it only where the contributor asks). */
export interface AnonymizationMap {
  addresses: Record<string, string>;
  macs: Record<string, string>;
  hostnames: Record<string, string>;
}

/**
 * Reads an anonymisation map as `--anonymize-map FILE` writes it (`{"addresses": {...}, "macs":
 * {...}, "hostnames": {...}}`, original → stand-in); a sentence saying what is wrong otherwise.
 */
export function readAnonymizationMap(text: string): AnonymizationMap | string {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return `not JSON (${(error as Error).message.split("\n")[0]})`;
  }
  const map = value as Record<string, unknown>;
  if (typeof map !== "object" || map === null || Array.isArray(map))
    return 'not an anonymisation map: expected {"addresses": {...}, "macs": {...}, "hostnames": {...}}';
  const out: AnonymizationMap = { addresses: {}, macs: {}, hostnames: {} };
  for (const key of ["addresses", "macs", "hostnames"] as const) {
    const part = map[key];
    if (typeof part !== "object" || part === null || Array.isArray(part))
      return `not an anonymisation map: "${key}" is not an object of original -> stand-in`;
    for (const [original, stand] of Object.entries(part)) {
      if (typeof stand !== "string")
        return `not an anonymisation map: "${key}" gives '${original}' a ${typeof stand}, not a stand-in`;
      out[key][original] = stand;
    }
  }
  return out;
}

/** Error for more public /24 networks than TEST-NET has blocks. */
export class AnonymizeError extends Error {}

/** Options of {@link Anonymizer}. */
export interface AnonymizerOptions {
  /**
   * Every text that will be rewritten (a lab's files, the playground's log and ruleset): no stand-in
   * is made that one of them already holds, so a stand-in never merges with an address kept as it
   * is (`1.1.1.1` does not become the `203.0.113.1` the log already has).
   */
  avoid?: readonly string[];
  /**
   * The map of an earlier anonymisation of the same lab (`--anonymize-map FILE` of its first import):
   * each original it holds keeps its stand-in, each public /24 and /48 its block, and new ones get
   * stand-ins after the map's, so the lab's hosts and its new traces agree.
   */
  known?: AnonymizationMap;
}

/** What texts already hold, that stand-ins must not be (see {@link AnonymizerOptions.avoid}). */
interface Taken {
  /** IPv4 addresses kept as they are (TEST-NET, private, ...), also those an IPv6 address carries. */
  ipv4: Set<string>;
  /** Third groups of the 2001:db8:N::/48s written. */
  doc48: Set<number>;
  /** MACs written (any form), and those EUI-64 interface ids are made of. */
  macs: Set<string>;
  /** The last three bytes solicited-node multicast addresses (`ff02::1:ffxx:xxxx`) carry. */
  macTails: Set<string>;
  /** Words stand-in host names are made of (`docker-host`, `host-N`), and the names replaced. */
  hostnames: Set<string>;
}

// A word a host-name stand-in could be, between the boundaries host names are replaced within.
const HOST_STAND_IN = /(?<![A-Za-z0-9_.-])(?:docker-host|host-\d+)(?![A-Za-z0-9_-])/g;

const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/g;
// Colon-separated hex runs that may be IPv6 addresses (each is checked whole; MACs and clocks are not),
// the last 32 bits possibly written as a dotted IPv4 address (`64:ff9b::198.51.100.7`, `::ffff:10.0.0.1`).
const IPV6 =
  /(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}|(?:[0-9A-Fa-f]{0,4}:){2,6}\d{1,3}(?:\.\d{1,3}){3})(?![0-9A-Za-z:.])/g;
// A MAC with one or two hex digits per byte (xtables-monitor drops leading zeros), not part of a longer run.
const MAC = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,2}:){5}[0-9A-Fa-f]{1,2}(?![0-9A-Fa-f:])/g;
// The LOG `MAC=` field: destination, source and EtherType in one colon-separated run.
/** A journalctl JSON MESSAGE journald stored as bytes (not UTF-8): `"MESSAGE":[102,119,...]`. */
const JSON_BYTES_MESSAGE = /("MESSAGE"[ \t]*:[ \t]*)\[([\d,\s]*)\]/g;
/** The host field of a journalctl JSON record (`-o json`, `json-seq`, `json-pretty`). */
const JSON_HOSTNAME = /"_HOSTNAME"[ \t]*:[ \t]*("(?:[^"\\]|\\.)*")/;
const MAC_FIELD = /MAC=((?:[0-9a-f]{2}:){13}[0-9a-f]{2})/g;

// xtables-monitor's bridge lines: the link header and the network header as hex bytes, a byte
// of 0x80 or more sign-extended to eight digits (`ffffffcb`).
const HEX_FIELD = /\b(LL=0x[0-9a-f]+ |NH=)([0-9a-f]+)/g;

/** The bytes of an xtables-monitor hex dump, each with the width it was printed in. */
export function hexBytes(hex: string): { value: number; wide: boolean }[] {
  const out: { value: number; wide: boolean }[] = [];
  let i = 0;
  while (i + 2 <= hex.length) {
    if (hex.startsWith("ffffff", i) && i + 8 <= hex.length) {
      out.push({ value: Number.parseInt(hex.slice(i + 6, i + 8), 16), wide: true });
      i += 8;
    } else {
      out.push({ value: Number.parseInt(hex.slice(i, i + 2), 16), wide: false });
      i += 2;
    }
  }
  return out;
}

function hexText(bytes: { value: number; wide: boolean }[]): string {
  return bytes.map((b) => (b.value >= 0x80 ? "ffffff" : "") + b.value.toString(16).padStart(2, "0")).join("");
}

function fullMac(mac: string): string {
  return mac
    .split(":")
    .map((b) => b.toLowerCase().padStart(2, "0"))
    .join(":");
}

/** An IPv4 address with each byte as a number (`010.0.0.1` is `10.0.0.1`). */
function plainIpv4(addr: string): string {
  return addr
    .split(".")
    .map((b) => String(Number(b)))
    .join(".");
}

/** What `texts` hold that a stand-in must not be. */
function takenIn(texts: readonly string[], hostnames: readonly string[]): Taken {
  const taken: Taken = {
    ipv4: new Set(),
    doc48: new Set(),
    macs: new Set(),
    macTails: new Set(),
    hostnames: new Set(hostnames),
  };
  const ipv4 = (addr: string) => {
    if (!isPublicIpv4(addr)) taken.ipv4.add(plainIpv4(addr));
  };
  const ipv6 = (groups: readonly number[]) => {
    if (groups[0] === 0x2001 && groups[1] === 0x0db8) taken.doc48.add(groups[2] as number);
    for (const { at, inverted } of embeddedIpv4(groups)?.spots ?? []) {
      const flip = inverted ? 0xffff : 0;
      ipv4(ipv4Text((groups[at] as number) ^ flip, (groups[at + 1] as number) ^ flip));
    }
    const mac = eui64Mac(groups);
    if (mac) taken.macs.add(mac);
    if (groups[0] === 0xff02 && groups[5] === 1 && (groups[6] as number) >> 8 === 0xff) {
      const g6 = groups[6] as number;
      const g7 = groups[7] as number;
      taken.macTails.add(
        [g6 & 0xff, g7 >> 8, g7 & 0xff].map((b) => b.toString(16).padStart(2, "0")).join(":"),
      );
    }
  };
  for (const raw of texts) {
    // Read as {@link Anonymizer.text} reads it: colour codes out, a journal MESSAGE of bytes as text.
    const text = (raw.includes("\x1b") ? stripEscapes(raw, false).text : raw).replace(
      JSON_BYTES_MESSAGE,
      (_, field: string, list: string) =>
        `${field}${JSON.stringify(new TextDecoder().decode(new Uint8Array(list.split(",").map((b) => Number(b) & 255))))}`,
    );
    for (const m of text.matchAll(IPV4)) ipv4(m[0]);
    for (const m of text.matchAll(IPV6)) {
      const groups = parseIpv6(m[0]);
      if (groups) ipv6(groups);
    }
    for (const m of text.matchAll(MAC)) taken.macs.add(fullMac(m[0]));
    for (const m of text.matchAll(MAC_FIELD)) {
      const b = (m[1] as string).split(":");
      taken.macs.add(b.slice(0, 6).join(":"));
      taken.macs.add(b.slice(6, 12).join(":"));
    }
    for (const m of text.matchAll(HEX_FIELD)) {
      const bytes = hexBytes(m[2] as string).map((b) => b.value);
      const hex = (from: number, n: number) =>
        bytes
          .slice(from, from + n)
          .map((b) => b.toString(16).padStart(2, "0"))
          .join(":");
      if ((m[1] as string).startsWith("LL") && bytes.length >= 12) {
        taken.macs.add(hex(0, 6));
        taken.macs.add(hex(6, 6));
      } else if (m[1] === "NH=" && bytes.length >= 20 && (bytes[0] ?? 0) >> 4 === 4) {
        for (const at of [12, 16]) ipv4(bytes.slice(at, at + 4).join("."));
      } else if (m[1] === "NH=" && bytes.length >= 40 && (bytes[0] ?? 0) >> 4 === 6) {
        for (const at of [8, 24])
          ipv6(
            Array.from(
              { length: 8 },
              (_, k) => ((bytes[at + 2 * k] ?? 0) << 8) | (bytes[at + 2 * k + 1] ?? 0),
            ),
          );
      }
    }
    for (const m of text.matchAll(HOST_STAND_IN)) taken.hostnames.add(m[0]);
  }
  return taken;
}

/**
 * Every MAC `text` holds, lower case with two digits a byte: written out (any form), in a LOG
 * `MAC=` field, in an xtables-monitor link header, or as an IPv6 address's EUI-64 interface id.
 */
export function macsIn(text: string): Set<string> {
  return takenIn([text], []).macs;
}

/** Replaces public addresses, MACs and the given host names consistently across texts. */
export class Anonymizer {
  private readonly taken: Taken;
  /** Every IPv4 stand-in given, so that one moved off a kept address is given once. */
  private readonly given4 = new Set<string>();
  private macCount = 0;
  private hostCount = 0;
  private readonly nets = new Map<string, string>();
  /** Global IPv6 /48s (first three groups, as text) to their documentation /48's third group. */
  private readonly nets6 = new Map<string, number>();
  private readonly addresses = new Map<string, string>();
  private readonly macs = new Map<string, string>();
  private readonly hostnames = new Map<string, string>();

  /**
   * `hostnames`: names to replace (e.g. the machine's, as syslog envelopes print it), the first by
   * `docker-host`, the others by `host-N`; `options.avoid`: the texts to be rewritten, whose values
   * no stand-in may be.
   */
  constructor(hostnames: readonly string[] = [], options: AnonymizerOptions = {}) {
    this.taken = takenIn(options.avoid ?? [], hostnames);
    if (options.known) this.seed(options.known);
    for (const h of hostnames) this.hostname(h);
  }

  /** Takes an earlier map's stand-ins as given (see {@link AnonymizerOptions.known}). */
  private seed(known: AnonymizationMap): void {
    for (const [original, stand] of Object.entries(known.macs)) {
      this.macs.set(fullMac(original), stand);
      // Stand-ins are numbered: a new MAC gets the number after the map's last.
      const n = /^02:00:00:00:([0-9a-f]{2}):([0-9a-f]{2})$/.exec(stand);
      if (n) this.macCount = Math.max(this.macCount, Number.parseInt(`${n[1]}${n[2]}`, 16));
    }
    for (const [original, stand] of Object.entries(known.hostnames)) {
      this.hostnames.set(original, stand);
      const n = stand === "docker-host" ? 1 : Number(/^host-(\d+)$/.exec(stand)?.[1] ?? 0);
      this.hostCount = Math.max(this.hostCount, n);
    }
    for (const [original, stand] of Object.entries(known.addresses)) {
      // Kept in the map written back, also those this import's texts do not hold.
      this.addresses.set(original, stand);
      if (isPublicIpv4(original)) {
        this.given4.add(stand);
        this.nets.set(original.split(".").slice(0, 3).join("."), stand.split(".").slice(0, 3).join("."));
        continue;
      }
      // A global IPv6 address's /48 keeps its documentation /48 (the rest follows from it and the MACs).
      const from = parseIpv6(original);
      const to = parseIpv6(stand);
      if (from && to && ipv6Scope(from) === "global" && to[0] === 0x2001 && to[1] === 0x0db8)
        this.nets6.set(from.slice(0, 3).join(":"), to[2] as number);
    }
  }

  /** Adds a host name to replace; returns its stand-in (none a word the texts to avoid already hold). */
  hostname(name: string): string {
    let s = this.hostnames.get(name);
    if (!s) {
      do {
        this.hostCount++;
        s = this.hostCount === 1 ? "docker-host" : `host-${this.hostCount}`;
      } while (this.taken.hostnames.has(s));
      this.hostnames.set(name, s);
    }
    return s;
  }

  /**
   * The stand-in of one IPv4 address (itself when not public). A public /24 is given the first
   * TEST-NET block no text to avoid uses, else the first one left; the host part is kept unless
   * that address is one kept as it is (or already given), when the block's first free host is used.
   */
  address(addr: string): string {
    if (!isPublicIpv4(addr)) return addr;
    const known = this.addresses.get(addr);
    if (known) return known;
    const parts = addr.split(".");
    const net = parts.slice(0, 3).join(".");
    let to = this.nets.get(net);
    if (!to) {
      const used = new Set(this.nets.values());
      const left = TEST_NETS.filter((t) => !used.has(t));
      const untouched = (t: string) => ![...this.taken.ipv4].some((a) => a.startsWith(`${t}.`));
      to = left.find(untouched) ?? left[0];
      if (!to)
        throw new AnonymizeError(
          `more than ${TEST_NETS.length} public /24 networks (${[...this.nets.keys(), net].join(", ")}): TEST-NET has only ${TEST_NETS.length} blocks`,
        );
      this.nets.set(net, to);
    }
    const free = (host: number) => !this.taken.ipv4.has(`${to}.${host}`) && !this.given4.has(`${to}.${host}`);
    let host = Number(parts[3]);
    if (!free(host)) {
      // 1-254 first: .0 and .255 read as a network and its broadcast.
      const next = [...Array.from({ length: 254 }, (_, k) => k + 1), 0, 255].find(free);
      if (next === undefined)
        throw new AnonymizeError(`every address of ${to}.0/24 is taken: no stand-in is left for ${addr}`);
      host = next;
    }
    const out = `${to}.${host}`;
    this.given4.add(out);
    this.addresses.set(addr, out);
    return out;
  }

  /**
   * The stand-in of an IPv6 address's eight groups (see {@link ipv6Scope}): a global one moves to
   * 2001:db8:N::/48 (N per original /48, so prefixes and subnets still agree); an EUI-64 interface
   * id follows its MAC's stand-in, in every scope it is replaced in; an IPv4 address it carries
   * (NAT64, IPv4-mapped, 6to4, Teredo, ISATAP: see {@link embeddedIpv4}) becomes the stand-in that
   * IPv4 address gets anywhere else, the form's own prefix kept.
   */
  private address6(groups: number[]): number[] {
    const embedded = embeddedIpv4(groups);
    let out = groups;
    if (!embedded?.prefix) {
      const scope = ipv6Scope(groups);
      if (scope === "keep" && !embedded) return this.solicitedNode(groups);
      if (scope === "global") out = [0x2001, 0x0db8, this.net6(groups), ...groups.slice(3)];
    }
    if (embedded) out = this.withIpv4(out, embedded.spots);
    // An interface id that is an IPv4 address is no EUI-64 one, whatever its bits.
    const mac = embedded?.spots.some((s) => s.at >= 4) ? undefined : eui64Mac(groups);
    if (mac) out = withEui64(out, fullMac(this.mac(mac)));
    if (out.every((g, k) => g === groups[k])) return groups;
    this.addresses.set(formatIpv6(groups), formatIpv6(out));
    return out;
  }

  /** The third group of the documentation /48 a global address's /48 moves to. */
  private net6(groups: readonly number[]): number {
    const net = groups.slice(0, 3).join(":");
    let n = this.nets6.get(net);
    if (n === undefined) {
      // After the last one given, past every documentation /48 the texts to avoid write.
      n = Math.max(0, ...this.nets6.values()) + 1;
      while (this.taken.doc48.has(n)) n++;
      if (n > 0xffff)
        throw new AnonymizeError("more than 65535 public IPv6 /48 networks: 2001:db8::/32 holds no more");
      this.nets6.set(net, n);
    }
    return n;
  }

  /** `groups` with the IPv4 address at each spot replaced by its stand-in (flipped back for Teredo's client). */
  private withIpv4(groups: readonly number[], spots: readonly Ipv4Spot[]): number[] {
    const out = [...groups];
    for (const { at, inverted } of spots) {
      const flip = inverted ? 0xffff : 0;
      const stand = ipv4Groups(
        this.address(ipv4Text((out[at] as number) ^ flip, (out[at + 1] as number) ^ flip)),
      );
      if (!stand) continue;
      out[at] = stand[0] ^ flip;
      out[at + 1] = stand[1] ^ flip;
    }
    return out;
  }

  /**
   * A solicited-node multicast address (`ff02::1:ffxx:xxxx`, neighbour discovery) carries the low
   * 24 bits of the address asked for: of an EUI-64 one, the end of a MAC. Those of a known MAC
   * become its stand-in's; other addresses are returned as they are.
   */
  private solicitedNode(groups: number[]): number[] {
    if (groups[0] !== 0xff02 || groups[5] !== 1 || (groups[6] as number) >> 8 !== 0xff) return groups;
    if (groups[1] || groups[2] || groups[3] || groups[4]) return groups;
    const low = ((groups[6] as number) & 0xff).toString(16).padStart(2, "0");
    const tail = `${low}:${((groups[7] as number) >> 8).toString(16).padStart(2, "0")}:${((groups[7] as number) & 0xff).toString(16).padStart(2, "0")}`;
    for (const [original, stand] of this.macs) {
      if (!original.endsWith(tail)) continue;
      const b = stand.split(":").map((x) => Number.parseInt(x, 16)) as number[];
      const out = [
        ...groups.slice(0, 6),
        0xff00 | (b[3] as number),
        ((b[4] as number) << 8) | (b[5] as number),
      ];
      this.addresses.set(formatIpv6(groups), formatIpv6(out));
      return out;
    }
    return groups;
  }

  /** The stand-in of an IPv6 address as written (itself when nothing in it identifies the machine). */
  private ipv6Text(text: string): string {
    const groups = parseIpv6(text);
    if (!groups) return text;
    const out = this.address6(groups);
    if (out === groups) return text;
    // The LOG target prints eight full groups (`2001:0db8:0000:...`): a stand-in keeps the form it replaces.
    const full = !text.includes("::") && text.split(":").every((g) => g.length === 4);
    if (full) return out.map((g) => g.toString(16).padStart(4, "0")).join(":");
    // `64:ff9b::198.51.100.7` stays dotted, `64:ff9b::c633:6407` hex.
    return formatIpv6(out, text.includes("."));
  }

  /** The stand-in of one MAC (any case, one or two digits per byte), in the form it was written. */
  mac(mac: string): string {
    const full = fullMac(mac);
    if (full === "ff:ff:ff:ff:ff:ff" || full === "00:00:00:00:00:00") return mac;
    let s = this.macs.get(full);
    if (!s) {
      // None a MAC the texts to avoid hold, nor ending as a solicited-node address they keep does.
      let tail: string;
      do {
        const n = ++this.macCount;
        if (n > 0xffff) throw new AnonymizeError("more than 65535 MACs: 02:00:00:00:xx:xx holds no more");
        tail = `00:${((n >> 8) & 0xff).toString(16).padStart(2, "0")}:${(n & 0xff).toString(16).padStart(2, "0")}`;
        s = `02:00:00:${tail}`;
      } while (this.taken.macs.has(s) || this.taken.macTails.has(tail));
      this.macs.set(full, s);
    }
    // Keep the writer's form: short bytes stay short (xtables-monitor), case kept.
    if (mac.split(":").some((b) => b.length === 1)) return s.replace(/(^|:)0([0-9a-f])/g, "$1$2");
    return mac === mac.toUpperCase() && /[A-F]/.test(mac) ? s.toUpperCase() : s;
  }

  /** Rewrites a hex dump: MACs of a link header (`LL=`), IPv4 addresses of a network header (`NH=`). */
  private hex(kind: string, hex: string): string {
    const bytes = hexBytes(hex);
    const put = (at: number, values: number[]) =>
      values.forEach((v, k) => {
        const b = bytes[at + k];
        if (b) b.value = v;
      });
    const mac = (at: number) =>
      bytes
        .slice(at, at + 6)
        .map((b) => b.value.toString(16).padStart(2, "0"))
        .join(":");
    if (kind.startsWith("LL") && bytes.length >= 12) {
      put(
        0,
        this.mac(mac(0))
          .split(":")
          .map((x) => Number.parseInt(x, 16)),
      );
      put(
        6,
        this.mac(mac(6))
          .split(":")
          .map((x) => Number.parseInt(x, 16)),
      );
    } else if (kind === "NH=" && bytes.length >= 20 && (bytes[0]?.value ?? 0) >> 4 === 4) {
      for (const at of [12, 16]) {
        const addr = bytes
          .slice(at, at + 4)
          .map((b) => b.value)
          .join(".");
        put(at, this.address(addr).split(".").map(Number));
      }
    } else if (kind === "NH=" && bytes.length >= 40 && (bytes[0]?.value ?? 0) >> 4 === 6) {
      for (const at of [8, 24]) {
        const groups = Array.from({ length: 8 }, (_, k) => {
          const hi = bytes[at + 2 * k]?.value ?? 0;
          return (hi << 8) | (bytes[at + 2 * k + 1]?.value ?? 0);
        });
        put(
          at,
          this.address6(groups).flatMap((g) => [g >> 8, g & 0xff]),
        );
      }
    }
    return hexText(bytes);
  }

  /**
   * Gives the MACs of `text` their stand-ins now, in the order written (as {@link text} would):
   * call it on every text of a set before rewriting any, so that an IPv6 neighbour-discovery
   * address in one file follows a MAC written only in another.
   */
  learn(text: string): void {
    for (const m of text.matchAll(MAC_FIELD)) {
      const b = (m[1] as string).split(":");
      this.mac(b.slice(0, 6).join(":"));
      this.mac(b.slice(6, 12).join(":"));
    }
    for (const m of text.matchAll(MAC)) this.mac(m[0]);
  }

  /**
   * `text` with every public address, MAC and known host name replaced. Terminal escape sequences
   * (a coloured log) are removed first, and a journalctl JSON MESSAGE stored as byte values becomes
   * a string: either would hide what it holds from the replacement.
   */
  text(text: string): string {
    let out = text.includes("\x1b") ? stripEscapes(text, false).text : text;
    out = out.replace(JSON_BYTES_MESSAGE, (_, field: string, list: string) => {
      const bytes = new Uint8Array(list.split(",").map((b) => Number(b) & 255));
      return `${field}${JSON.stringify(new TextDecoder().decode(bytes))}`;
    });
    out = out.replace(HEX_FIELD, (_, kind: string, hex: string) => `${kind}${this.hex(kind, hex)}`);
    out = out.replace(MAC_FIELD, (_, run: string) => {
      const b = run.split(":");
      return `MAC=${this.mac(b.slice(0, 6).join(":"))}:${this.mac(b.slice(6, 12).join(":"))}:${b.slice(12).join(":")}`;
    });
    // MACs are known first (in the order they are written): neighbour discovery's multicast names their ends.
    for (const m of out.matchAll(MAC)) this.mac(m[0]);
    // IPv6 before MACs are replaced: an EUI-64 interface id is read from the original address.
    out = out.replace(IPV6, (m) => this.ipv6Text(m));
    out = out.replace(MAC, (m) => this.mac(m));
    out = out.replace(IPV4, (m) => this.address(m));
    for (const [name, s] of this.hostnames) {
      const re = new RegExp(
        `(?<![A-Za-z0-9_.-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_-])`,
        "g",
      );
      out = out.replace(re, s);
    }
    return out;
  }

  /** Everything replaced so far. */
  map(): AnonymizationMap {
    return {
      addresses: Object.fromEntries(this.addresses),
      macs: Object.fromEntries(this.macs),
      hostnames: Object.fromEntries(this.hostnames),
    };
  }
}

/** A JSON string's text (quotes included in `quoted`), or undefined when it is not valid JSON. */
function jsonString(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

/** A tag after the host in a journal or syslog envelope: `kernel:`, `kernel[0]:`, `xtables-monitor[812]:`. */
const PROGRAM_TAG = /^[^\s:[\]]+(?:\[\d+\])?:$/;

/**
 * Host names the log's envelopes print, to anonymise too: the word before the kernel's or a trace
 * tool's tag (`Nov 30 08:31:35 myhost kernel: ...`, journalctl's short-unix, short-full and
 * short-monotonic forms, rsyslog's RFC 3339 form), an RFC 5424 header's HOSTNAME, the host of a
 * ulogd file, journalctl -o verbose/export's `_HOSTNAME=` field and its JSON forms' `"_HOSTNAME"`.
 * Each line's envelope is read by the parser's own reader (colour codes too), so every envelope it
 * reads is covered.
 */
export function envelopeHostnames(log: string): string[] {
  const found = new Set<string>();
  const add = (name: string | undefined) => {
    if (name && name !== "-") found.add(name);
  };
  for (const raw of log.split("\n")) {
    const field = /^\s*_HOSTNAME=(\S+)/.exec(raw);
    const json = field ? undefined : JSON_HOSTNAME.exec(raw);
    if (field || json) {
      add(field ? field[1] : jsonString(json?.[1] as string));
      continue;
    }
    const { text: line, envelope } = unwrapLine(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (envelope.bodyStart === 0) continue;
    const words = line.slice(0, envelope.bodyStart).trim().split(/\s+/);
    if (envelope.hostAt !== undefined) {
      // Where the detector read the host (BusyBox's `host kern.warn kernel:` and a host named `x.info` alike).
      const end = envelope.hostEnd ?? line.indexOf(" ", envelope.hostAt);
      add(line.slice(envelope.hostAt, end < 0 ? undefined : end));
    } else if (envelope.kind === "rfc5424") add(words[2]);
    else if (envelope.kind === "ulogd") add(words[words.length - 1]);
    else if (envelope.kind !== "logread") {
      const tag = words.findIndex((w) => PROGRAM_TAG.test(w));
      if (tag > 0) add(words[tag - 1]);
    }
  }
  return [...found];
}
