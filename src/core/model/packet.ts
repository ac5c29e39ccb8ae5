/**
 * The typed data model every part of packetwalk shares: what one kernel log
 * line says (an {@link TraceEvent}), the same packet seen at successive hooks
 * (a {@link Packet}), and the two directions of one connection (a {@link Flow}).
 *
 * Parsing produces it, the simulator produces it, the renderers consume it.
 */
import type { HookId } from "./hook.ts";

/** Where something came from, for positioned messages: 1-based line and column. */
export interface SourcePosition {
  /** File path as given by the caller (or `-` for stdin). */
  file: string;
  /** 1-based line number. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** Which kind of kernel or tool output a line came from. */
export const EVENT_SOURCES = ["log", "ebt-log", "trace", "xtables-monitor", "nft-monitor"] as const;
/** One of {@link EVENT_SOURCES}. */
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Layer-4 protocol fields, as far as the line shows them. */
export interface L4Info {
  /** Lower-case protocol name (`tcp`, `udp`, `icmp`, `icmpv6`, ...) or the number as a string. */
  proto: string;
  sport?: number;
  dport?: number;
  /** TCP flags as the kernel prints them, e.g. `["SYN"]`, `["ACK","PSH"]`. */
  tcpFlags?: string[];
  seq?: number;
  ack?: number;
  window?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  icmpSeq?: number;
  /** TCP reserved bits as printed by `RES=0x..` (LOG format only). */
  res?: number;
  /** TCP urgent pointer (`URGP=`). */
  urgp?: number;
  /** TCP options as the hex string inside `OPT (...)` (with `--log-tcp-options`). */
  tcpOptions?: string;
  /** UDP length (`LEN=` after the ports). */
  udpLen?: number;
  /** ICMP parameter problem pointer (`PARAMETER=`; ICMPv6 `POINTER=`, printed in hex). */
  icmpParameter?: number;
  /** ICMP redirect gateway (`GATEWAY=`). */
  icmpGateway?: string;
  /** ICMP fragmentation-needed MTU (`MTU=`). */
  mtu?: number;
  /** ESP's or AH's security parameter index (`SPI=0x..`). */
  spi?: number;
}

/** Layer-3 fields, as far as the line shows them. */
export interface IpInfo {
  src: string;
  dst: string;
  len?: number;
  tos?: number;
  ttl?: number;
  id?: number;
  /** `DF`, `MF`, `CE` as printed. */
  flags?: string[];
  /** Precedence bits (`PREC=0x..`, the top 3 bits of the TOS byte). */
  prec?: number;
  /**
   * Fragment offset as LOG prints it (`FRAG:n`): in 8-byte units for IPv4 (the header's field),
   * in bytes for IPv6 (the fragment header's field masked, not shifted).
   */
  fragment?: number;
  /** IPv4 options as the hex string inside `OPT (...)` (with `--log-ip-options`). */
  options?: string;
  /**
   * IPv6 with `--log-ip-options` (nft `flags ip options`): what each extension header's own
   * `OPT ( ... )` holds, in order (`""` for a hop-by-hop or destination options header, `FRAG:0 ID:..`).
   */
  extensionHeaders?: string[];
  /**
   * The `Next Header=` an ebtables IPv6 line printed when it is an extension header (43, 44, 60, ...):
   * the transport is behind it, so the line is written back with this number, not the transport's.
   */
  nextHeader?: number;
  /** IPv6 traffic class (`TC=`), IPv6 lines only. */
  tc?: number;
  /** IPv6 flow label (`FLOWLBL=`), IPv6 lines only. */
  flowLabel?: number;
}

/** The ARP header and payload, as `--log-arp` (ebtables) or the ARP logger print it. */
export interface ArpInfo {
  /** Hardware type (`HTYPE`, 1 for Ethernet). */
  htype: number;
  /** Protocol type, e.g. `0x0800`. */
  ptype: string;
  /** 1 = request, 2 = reply. */
  opcode: number;
  macSrc?: string;
  ipSrc?: string;
  macDst?: string;
  ipDst?: string;
}

/** What a TRACE-style line says about the rule that was evaluated. */
export interface RuleVerdict {
  /** `rule` (a numbered rule matched), `policy` (the chain's policy applied), `return` (fell off a user chain). */
  kind: "rule" | "policy" | "return";
  /** The chain the rule belongs to (may be a user chain such as `DOCKER-USER`). */
  chain: string;
  /** Rule number or handle, as the tool printed it. */
  rule?: string;
  /** Verdict in upper case when printed (`ACCEPT`, `DROP`, `CONTINUE`, ...). */
  verdict?: string;
  /** The rule text when the tool printed it. */
  text?: string;
  /** Where the line that reported this step is (TRACE-style sources merge several lines into one event). */
  position?: SourcePosition;
}

/** A rule the simulator found matching in the chain of one event (simulated traces only). */
export interface MatchedRule {
  /** The chain the rule is in (a user chain for rules reached by a jump). */
  chain: string;
  /** 1-based line of the rule in its ruleset file (0 for a chain policy). */
  ruleLine: number;
  /** The rule text as in the ruleset (`policy ACCEPT` for a chain policy). */
  text: string;
  /** `CONTINUE`, `ACCEPT`, `DROP`, `REJECT`, `RETURN`, `JUMP`, `GOTO`, `DNAT`, `SNAT`, `MASQUERADE`, `UNKNOWN`. */
  verdict: string;
  /** Set when the rule uses a match or target the simulator does not model. */
  unmodelled?: boolean;
  /** For `JUMP`/`GOTO`: the chain jumped to (for a verdict map, the one its element named). */
  target?: string;
  /**
   * Set when only chance (a rate limit, a random draw: its match text) decides whether the rule
   * matches, and the packet's fate is the same either way: shown as matched.
   */
  chance?: string;
  /**
   * On the rule (or policy) that ended the chain, when an undecided match before it chose between two
   * endings alike: what ended it the other way (`ruleLine` 0 for a policy).
   */
  otherwise?: { ruleLine: number; text: string; verdict: string };
}

/**
 * One base chain a packet crossed, as packetwalk's simulator ran it: an nftables base chain or an
 * iptables/ebtables table's built-in chain. Set on recorded LOG events the simulator agrees with.
 */
export interface CrossedChain {
  /** `ip` (IPv4 hooks: ip and inet tables), `ip6` (IPv6 hooks: ip6 and inet tables) or `bridge`. */
  family: "ip" | "ip6" | "bridge";
  /** The table's name, e.g. `docker-bridges`. */
  table: string;
  /** The base chain's name in its table, e.g. `filter-FORWARD`. */
  chain: string;
  /** The chain's verdict: `ACCEPT`, `DROP`, `REJECT`, or the NAT it chose (`DNAT`, `SNAT`, `MASQUERADE`). */
  verdict: string;
  /** The rules that matched, in order (regular chains it jumped to included), and the policy when it applied. */
  matched: MatchedRule[];
}

/** A frame's 802.1Q tag, as {@link TraceEvent.vlan} keeps it. */
export interface VlanTag {
  /** The tag protocol identifier in hex, as `0x8100`. */
  proto: string;
  /** The 12-bit VLAN id. */
  id: number;
  /** The priority code point (3 bits); absent when 0. */
  pcp?: number;
  /** The drop eligible indicator (1 bit); absent when 0. */
  dei?: number;
  /** The tag inside this one (802.1Q inside 802.1ad, QinQ), when the trace shows it. */
  inner?: VlanTag;
}

/**
 * A drop that a LOG line stands for: its prefix is one a host firewall only writes right before it
 * drops or rejects the packet in that chain (ufw's `[UFW BLOCK] `), so the line is the packet's last.
 */
export interface LoggedDrop {
  /**
   * `DROP` or `REJECT`, as the tool's rule or policy after the LOG rule decides; `DROP or REJECT` when
   * the prefix does not tell which (ufw's `[UFW BLOCK] ` before a deny or a reject default or rule).
   */
  verdict: "DROP" | "REJECT" | "DROP or REJECT";
  /** The tool whose prefix it is (`ufw`). */
  by: string;
}

/** One kernel log line that witnessed a packet at one hook. */
export interface TraceEvent {
  /** The canonical hook this line was written at. */
  hook: HookId;
  /** The LOG prefix (or TRACE chain label) as printed. */
  prefix: string;
  /** Which format the line was in. */
  source: EventSource;
  /**
   * The whole input line (without the trailing newline) as a reader sees it: verbatim, except
   * that a coloured line has lost its terminal escape sequences and a journalctl JSON record is
   * its MESSAGE (see `parse/unwrap-line.ts`); {@link position} stays in the line as saved.
   */
  raw: string;
  /** Where the line is in its file. */
  position: SourcePosition;
  /** Seconds, from the envelope, when there was one (uptime or epoch). */
  time?: number;
  in?: string;
  out?: string;
  physIn?: string;
  physOut?: string;
  macSrc?: string;
  macDst?: string;
  /** EtherType, e.g. `0x0800`. */
  ethType?: string;
  /** The IP header. Read-only once parsed: lines with the same fields share one record. */
  ip?: IpInfo;
  /** The layer-4 header. Read-only once parsed, as {@link ip}. */
  l4?: L4Info;
  /** Netfilter mark, when printed. */
  mark?: string;
  /** Set for TRACE-style sources: the last step seen at this hook (the one that decided). */
  verdict?: RuleVerdict;
  /** TRACE-style sources: every rule step seen at this hook, in order (user chains included). */
  verdicts?: RuleVerdict[];
  /** xtables-monitor / nft monitor trace id (hex, as printed). */
  traceId?: string;
  /** Simulated traces: the rules that matched in this chain and their verdicts, in order. */
  matched?: MatchedRule[];
  /**
   * LOG traces the simulator agrees with: every base chain the packet crossed from this line up to the
   * next line of the packet, in the order they ran (the logging chains that wrote the lines included).
   */
  crossed?: CrossedChain[];
  /** Simulated traces: true when an unmodelled rule was met here or earlier, so this event is a guess. */
  uncertain?: boolean;
  /** The verbatim `MAC=` value when it is not the 14-byte Ethernet form (e.g. empty). */
  macRaw?: string;
  /** True when the line used `MACSRC= MACDST= MACPROTO=` (`--log-macdecode`) instead of `MAC=`. */
  macDecoded?: boolean;
  /**
   * The outer IPv4 addresses of the packet's 6in4 (SIT) tunnel, as LOG prints them after `MAC=` for a
   * packet in on a SIT device (`TUNNEL=192.0.2.1->198.51.100.7`, nf_log_syslog's dump_mac_header).
   */
  tunnel?: { src: string; dst: string };
  /**
   * The frame's VLAN tag (`VPROTO=8100 VID=10`, nft trace's `vlan pcp 0 vlan dei 0 vlan id 10`).
   * LOG's `VID=` is the whole tag control field; it is split here as nft trace prints it.
   */
  vlan?: VlanTag;
  /** The packet quoted inside an ICMP error (`[SRC=... ]`). */
  inner?: { ip: IpInfo; l4?: L4Info };
  /**
   * The start of the IPv4 packet an ICMP error quotes, when the trace shows only its first bytes (nft
   * monitor trace's `@th,64,96 0x4500003c63dc...`: no addresses): its IP id, total length and protocol.
   */
  quotedHead?: { id: number; len: number; proto: string };
  /** ARP header and payload, for ARP frames. */
  arp?: ArpInfo;
  /** LOG lines whose prefix a host firewall writes only before a drop: that drop, at this hook. */
  drop?: LoggedDrop;
  /** Socket owner (`UID=`/`GID=`, with `--log-uid`). */
  uid?: number;
  gid?: number;
  /** Which envelope wrapped the line (`bare`, `dmesg`, `dmesg-T`, `dmesg-iso`, `journal`, `syslog`, ...). */
  envelope?: string;
  /**
   * The host name the envelope printed (syslog, journal): lines of two hosts in one file (a log server's)
   * are never one packet. Default: none (dmesg and bare lines name no host).
   */
  host?: string;
}

/** Source and destination of a packet at one point, for NAT rewrites. */
export interface Endpoints {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

/** A NAT rewrite seen between two successive hooks of one packet. */
export interface Rewrite {
  /** Index in {@link Packet.events} of the first event that shows the new addresses. */
  atEvent: number;
  /** The hook before which the rewrite happened (the last hook showing the old addresses). */
  afterHook: HookId;
  /** The hook that first shows the rewritten addresses. */
  beforeHook: HookId;
  /** `dnat` when the destination changed, `snat` when the source did, `both` when both did. */
  kind: "dnat" | "snat" | "both";
  from: Endpoints;
  to: Endpoints;
}

/** One packet, as seen at each hook it crossed, in order. */
export interface Packet {
  /** 1-based, in order of the packet's first line in the input. */
  id: number;
  /** The {@link Flow.id} this packet belongs to. */
  flow: number;
  /** `request` for the side that opened the connection, `reply` for the answer. */
  direction: "request" | "reply";
  /** A readable one-liner, e.g. `ICMP echo-request 172.18.0.3 -> 172.18.0.2`. */
  summary: string;
  /** The events, in order. */
  events: TraceEvent[];
  /** `events.map(e => e.hook)`, kept for convenience and JSON output. */
  hooks: HookId[];
  /** NAT rewrites seen along the way. */
  rewrites: Rewrite[];
  /**
   * Where the packet this one is a copy of was first logged: a packet the host received, sent out
   * again through OUTPUT with its IP id (`-j TEE`, nft `dup`). Unset for every other packet.
   */
  copyOf?: SourcePosition;
}

/** The packets of one connection, both directions. */
export interface Flow {
  /** 1-based, in order of the flow's first packet. */
  id: number;
  /** Lower-case protocol name. */
  proto: string;
  /** Packet ids in order. */
  packets: number[];
}

/** A positioned problem found while reading input. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** What was wrong, in one sentence. */
  message: string;
  /** What to do about it. */
  hint?: string;
  position: SourcePosition;
}

/** The result of reading one or more trace inputs. */
export interface ParsedTrace {
  packets: Packet[];
  flows: Flow[];
  diagnostics: Diagnostic[];
  /** Lines that were kernel output but not netfilter lines, skipped on purpose. */
  skippedLines: number;
}
