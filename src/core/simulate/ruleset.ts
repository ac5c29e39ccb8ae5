/**
 * The typed ruleset the simulator runs: tables -> chains (with policy) -> rules, each rule parsed
 * once into conditions and a target, and keeping its source line and text for listings and messages.
 */
import type { Diagnostic } from "../model/packet.ts";
import type { IpCidr } from "./ip-address.ts";

/** An inclusive port range; a single port has `lo === hi`. */
export interface PortRange {
  lo: number;
  hi: number;
}

/** One condition of a rule. `neg` is true when the rule had `!` in front of it. */
export type Condition =
  /**
   * The packet's source or destination address under `cidr`'s mask is its `net`: a prefix (`-s
   * 172.17.0.0/16`, nft `ip saddr 172.17.0.0/16`), or any mask (`-s 10.0.0.0/255.0.255.0`, nft `ip saddr &
   * 255.0.255.0 == 10.0.0.0`). A `net` with a bit outside the mask (nft `ip saddr & 0.0.0.255 == 0.0.1.2`)
   * holds no address.
   */
  | { kind: "src" | "dst"; cidr: IpCidr; neg: boolean }
  /**
   * What is written after nft `flow add @NAME` in its rule: holds only when that statement offloads the
   * packet's connection (the kernel ends the rule otherwise, NFT_BREAK). `stmt` is the statement itself.
   */
  | { kind: "flow-offloads"; stmt: Extract<Target, { kind: "FLOWOFFLOAD" }>; neg: false }
  | { kind: "in" | "out"; name: string; neg: boolean }
  /**
   * `family`: the protocol field of that IP header only (`ip protocol` 4, `ip6 nexthdr` 6): a packet of
   * the other family fails the rule, negated or not, as nft's implicit `meta nfproto` dependency makes
   * it. Default: the packet's own (`-p`, `meta l4proto`).
   */
  | { kind: "proto"; proto: string; neg: boolean; family?: 4 | 6 }
  /**
   * `th`: read from whatever transport header the packet has, not only a TCP or UDP one (nft's `th
   * dport`; iptables-nft turns `! -p tcp --dport 22` into `meta l4proto != tcp th dport 22`): of an ICMP
   * message, the source port's bytes are its type and code, the destination port's its checksum.
   */
  | { kind: "sport" | "dport"; range: PortRange; neg: boolean; th?: true }
  | { kind: "multiport"; which: "sports" | "dports" | "ports"; ranges: PortRange[]; neg: boolean }
  /**
   * `family` 6: an ICMPv6 type (`--icmpv6-type`, nft `icmpv6 type`). Default: ICMP (IPv4). `typeHi` /
   * `codeHi`: the top of a range (ebtables' `--ip6-icmp-type 128:129/0:255`). Default: one value.
   */
  | {
      kind: "icmp-type";
      type: number | "any";
      code?: number;
      typeHi?: number;
      codeHi?: number;
      neg: boolean;
      family?: 6;
    }
  /**
   * The type of the packet's source or destination address on this host (`-m addrtype`, nft `fib daddr
   * type`). `iface`: the lookup is limited to the packet's input (`in`) or output (`out`) interface
   * (`--limit-iface-in`, nft `fib daddr . iif type`): an address of this host on another interface is
   * then `UNICAST`, as the kernel's `inet_dev_addr_type` finds it. Default: the whole host.
   */
  | { kind: "addrtype"; which: "src" | "dst"; types: string[]; neg: boolean; iface?: "in" | "out" }
  /**
   * `exact`: nft's `ct state == new,established` / `!=`, which compares the whole state word with the
   * values' bits together; a packet has one state, so a list of two or more never equals it. Default:
   * any of `states`.
   */
  | { kind: "ctstate"; states: string[]; neg: boolean; exact?: true }
  /**
   * A field of the packet's connection (`-m conntrack --ctorigsrc|--ctorigdst|--ctreplsrc|--ctrepldst
   * ADDR[/MASK]` with `cidr`, `--ctorigsrcport|--ctorigdstport|--ctreplsrcport|--ctrepldstport
   * PORT[:PORT]` with `range`): of the tuple its first packet had (`orig`) or the one its replies carry
   * (`repl`), as the NAT decided so far makes it. A packet without a connection fails the rule, negated
   * or not, unless `withoutConnection` says otherwise; so does a connection of the other family than
   * `cidr` (nft `ct original ip saddr != X` in an `inet` table).
   */
  | {
      kind: "ct-tuple";
      dir: "orig" | "repl";
      field: "src" | "dst" | "sport" | "dport";
      cidr?: IpCidr;
      range?: PortRange;
      neg: boolean;
      /**
       * iptables: the result for a packet without a connection (untracked, or no entry) when its `-m
       * conntrack` also has `--ctstate`: xt_conntrack decides such a packet by its state alone, so a
       * state that held passes it (kernel 6.18: `--ctstate UNTRACKED --ctorigsrc 192.0.2.1` matched an
       * untracked packet from elsewhere). Default: fails.
       */
      withoutConnection?: true;
      /**
       * nftables: read from nft's listing of an iptables-nft table, where nft prints xt_conntrack's tuple
       * options as `ct original saddr X` (no `ip`: a native expression is listed `ct original ip saddr X`,
       * nft 1.1 on kernel 6.18): the kernel runs xt_conntrack, which fails or passes (`withoutConnection`)
       * a packet without a connection rather than ending the rule. Default: a native nft expression.
       */
      xt?: true;
    }
  /**
   * iptables' `-m conntrack --ctdir ORIGINAL|REPLY`: the packet's direction in its connection (the
   * kernel refuses `!` on it). A packet without a connection fails it, unless the same match's
   * `--ctstate` held (`withoutConnection`, as for `ct-tuple`; kernel 6.18).
   */
  | { kind: "ctdir"; dir: "original" | "reply"; neg: false; withoutConnection?: true }
  /**
   * The connection's status word (see `ct-status.ts`): with `mask`, it has one of those bits (nft
   * `ct status seen-reply,assured`, `ct status ! assured` negated; iptables `--ctstatus SEEN_REPLY`);
   * with `values`, it is exactly one of them (nft `ct status == seen-reply,confirmed`, `!=` negated,
   * `ct status { confirmed, assured }`), which the NAT and other bits a word carries rarely allow; with
   * both, the word under `mask` is one of `values` (`ct status seen-reply / seen-reply,assured`). A
   * packet without a connection fails it, negated or not (nft_ct breaks the rule; xt_conntrack fails
   * it), unless the same `-m conntrack`'s `--ctstate` held (`withoutConnection`, as for `ct-tuple`).
   * `xt`: an iptables option (it does not break an nft rule).
   */
  | {
      kind: "ctstatus";
      mask?: number;
      values?: number[];
      /** `ct status @s`: the word is one of named set `s`'s (`!= @s`: none of them). */
      set?: string;
      neg: boolean;
      withoutConnection?: true;
      xt?: true;
    }
  /**
   * iptables' `-m conntrack --ctproto P`: the protocol of the connection's first packet (`tcp`, by the
   * name the simulator's packets carry). A packet without a connection fails it, unless the same match's
   * `--ctstate` held (`withoutConnection`, as for `ct-tuple`; kernel 6.18).
   */
  | { kind: "ctproto"; proto: string; neg: boolean; withoutConnection?: true }
  /**
   * iptables' `-m helper --helper NAME`: the connection was expected by helper NAME of another one (an
   * FTP data connection); xt_helper looks at the connection's master only, so the helper's own control
   * connection fails it (kernel 6.18). The simulator's connections have no master: it never holds.
   */
  | { kind: "helper-master"; name: string; neg: boolean }
  | { kind: "physdev-in" | "physdev-out"; name: string; neg: boolean }
  | { kind: "physdev-is-bridged" | "physdev-is-in" | "physdev-is-out"; neg: boolean }
  /**
   * The packet's mark (`-m mark --mark V[/M]`, nft `meta mark V`, `meta mark & M == V`): `(mark & mask) ==
   * value`. A `value` with a bit outside `mask` never holds (nft takes `meta mark & 0xff == 0x100`).
   */
  | { kind: "mark"; value: number; mask: number; neg: boolean }
  /**
   * The connection's mark (`-m connmark --mark V[/M]`, nft `ct mark V`, `ct mark & M == V`): `(ctmark &
   * mask) == value`, never with a bit of `value` outside `mask`. A new connection's mark is 0 until `-j
   * CONNMARK` or `ct mark set` changes it; a packet without a connection fails the rule, negated or not.
   */
  | { kind: "ctmark"; value: number; mask: number; neg: boolean }
  /** `-m iprange --src-range LO-HI` / `--dst-range`: an inclusive IPv4 range. */
  | { kind: "addr-range"; which: "src" | "dst"; lo: number; hi: number; neg: boolean }
  /**
   * An IPv6 extension header (`-m rt|frag|hbh|dst|ah|mh`, nft `exthdr rt exists`, `rt type 0`): `header`
   * is its name (`rt`, `frag`, `hbh`, `dst`, `ah`, `mh`, ...). Without `field` it tests presence (`neg`
   * for nft's `missing`); with `field` (`--rt-type 0`, `frag more-fragments 1`) a field of it is
   * compared, which needs the header whatever `neg` says. The simulator's packets carry no extension
   * header, and an IPv4 packet fails the rule (nft's implicit IPv6 dependency). Default: presence.
   */
  | { kind: "exthdr"; header: string; field?: string; neg: boolean }
  /**
   * `-m ipv6header --header LIST [--soft]`: `mask` holds the kernel's header bits (`IPV6_HEADER_BITS`);
   * exact: the packet's headers are exactly these; `soft`: it has all of them. `neg`: `! --header`.
   */
  | { kind: "ipv6-headers"; mask: number; soft: boolean; neg: boolean }
  /**
   * Reverse path filter: a route back to the packet's source exists (`strict`: and leaves by the
   * interface the packet came in on). nft `fib saddr [. mark] [. iif] oif missing` is this with
   * `neg` (its `exists` / `!= 0` without); iptables `-m rpfilter [--loose] [--accept-local] [--invert]`.
   * `acceptLocal`: a source that is one of the host's own addresses passes (nft's lookup finds no
   * interface for it). The lab has no policy routing, so `. mark` / `--validmark` change nothing.
   */
  | { kind: "rpfilter"; strict: boolean; acceptLocal: boolean; neg: boolean }
  /**
   * `-f` (a non-first IPv4 fragment), nft `ip frag-off & MASK != 0` with MASK within the offset and the
   * more-fragments bit (VyOS's `& 16383`: any fragment). The simulator's packets are never fragments.
   */
  | { kind: "fragment"; neg: boolean }
  /**
   * TTL (family 4: `-m ttl`, nft `ip ttl`) or hop limit (family 6: `-m hl`, nft `ip6 hoplimit`) within
   * `range`, as the packet has it at the hook; a packet of the other family fails the rule.
   */
  | { kind: "ttl"; range: PortRange; neg: boolean; family: 4 | 6 }
  /**
   * `-m length --length LO[:HI]` (iptables and ip6tables): the packet's IP length is within `range`, as
   * xt_length reads it: an IPv4 packet's total length, an IPv6 packet's payload length plus its 40-byte
   * header; both are the simulator's `len` (the kernel log's `LEN=`). `LO` above `HI` holds no length.
   */
  | { kind: "length"; range: PortRange; neg: boolean }
  /**
   * The TCP MSS option (see `SimPacket.mss`): iptables' `-m tcpmss --mss LO[:HI]`, nft's `tcp option
   * maxseg size ...` (`range`), nft's `tcp option maxseg exists` (no `range`; `missing` negated: it holds
   * for a packet of another protocol too). A TCP segment without the option fails xt_tcpmss (so `!`
   * passes it) and breaks nft's size compare (no match, negated or not: `nft`); a packet of another
   * protocol never matches a size.
   */
  | { kind: "tcpmss"; range?: PortRange; neg: boolean; nft?: true }
  /**
   * IPsec (`-m policy --dir in|out --pol ipsec|none`, nft `meta secpath exists|missing`, `ipsec in|out
   * ...`): the packet came in through an xfrm transform (it carries a secpath, `dir` `in`) or is routed
   * out through one (`out`). The simulator assumes its packets never come through xfrm (a lab has no
   * IPsec), so this never holds: `--pol none` (this with `neg`) and nft's `missing` always match,
   * `--pol ipsec` (whatever its `--reqid`, `--proto`, ... say) and `exists` never do. `field`: nft's
   * `ipsec in reqid 1` compares a field of the transform, which a packet without one lacks, so the
   * rule fails, negated or not (nft_xfrm breaks). Default: no field.
   */
  | { kind: "ipsec"; dir: "in" | "out"; neg: boolean; field?: string }
  /**
   * `--tcp-flags MASK COMP` (and `--syn`): of the flags in `mask`, exactly those in `set` are on; never
   * when `set` names a flag outside `mask` (the kernel compares the masked bits). `values`: nft's set of
   * values (`tcp flags & (syn | ack) == { syn, ack }`): the masked flags are exactly one of them (`set`
   * is then unused). Default: `set` alone. `th`: iptables-nft's test after `! -p tcp` (`meta l4proto != tcp
   * @th,104,8 & 0x17 == 0x2`), which reads byte 13 of any transport header: of a packet that is not TCP,
   * its payload. Default: TCP's flags, of a TCP packet only.
   */
  | { kind: "tcp-flags"; mask: string[]; set: string[]; neg: boolean; values?: string[][]; th?: true }
  // ebtables (bridge family) conditions.
  /**
   * The frame's type field: `0x` and four hex digits, or `length` for an 802.3 frame (below 0x0600), which
   * no simulated frame is; with `hi`, any type from `ethertype` to `hi` (nft `ether type 0x800-ip6`).
   */
  | { kind: "ethertype"; ethertype: string; hi?: string; neg: boolean }
  /**
   * An ARP header field (nft `arp operation request`, `arp daddr ip 198.51.100.1`; ebtables `--arp-op`,
   * `--arp-ip-dst`) equal to one of `values`: an operation's name (`request`, `reply`), an address or
   * prefix, a MAC. It holds for an ARP frame alone (the walk's own requests and replies).
   */
  | {
      kind: "arp-field";
      field: "operation" | "saddr ip" | "daddr ip" | "saddr ether" | "daddr ether";
      values: string[];
      neg: boolean;
    }
  | { kind: "logical-in" | "logical-out"; name: string; neg: boolean }
  /**
   * The frame's source or destination MAC (ebtables `-s`/`-d`, iptables `-m mac --mac-source`, nft
   * `ether saddr`): `mac` lower-case with two digits a byte; `mask` (same form) keeps only its bits
   * (ebtables `-d Multicast`, `-s 02:42:00:00:00:00/ff:ff:00:00:00:00`). A packet with no Ethernet
   * header at the hook (sent by the host itself, before the neighbour layer; on `lo`) fails the
   * rule, negated or not. Default: every bit.
   */
  | { kind: "mac-src" | "mac-dst"; mac: string; mask?: string; neg: boolean }
  /**
   * How the frame was addressed (`skb->pkt_type`: nft `meta pkttype`, iptables `-m pkttype`,
   * ebtables `--pkttype-type`): one of `types`. See {@link PktType}.
   */
  | { kind: "pkttype"; types: PktType[]; neg: boolean }
  /**
   * The IPv4 TOS byte or IPv6 traffic class masked with `mask` is one of `values` (`-m tos --tos
   * V/M`; `-m dscp --dscp N` and nft `ip dscp N` are `N << 2` under mask `0xfc`). `family`: the
   * field of that IP header only (nft `ip dscp` 4, `ip6 dscp` 6): a packet of the other family fails
   * the rule, negated or not. Default: the packet's own.
   */
  | { kind: "tos"; values: number[]; mask: number; neg: boolean; family?: 4 | 6 }
  | { kind: "ip-proto"; proto: string; neg: boolean }
  /**
   * nftables: `KEY { a, b }` or `KEY @set` (`neg` for `!=`): the key's value is one of the elements.
   * `concat`: the keys of a concatenation (`ip daddr . meta l4proto . th dport @svc`, `key` its first),
   * whose elements are `concat` values. `mask`: the key's value is taken under this mask first, as nft
   * writes it (`tcp dport & 65280 == 256`, `meta mark & 0x0000ff00 { 0x100, 0x200 }`; see
   * `nft-bitmask.ts`), one key only. Default: one key, no mask.
   */
  | {
      kind: "nft-set";
      key: NftKey;
      elements?: NftValue[];
      set?: string;
      neg: boolean;
      concat?: NftKey[];
      mask?: string;
    }
  /**
   * iptables `-m set --match-set NAME src,dst`: the packet's fields named by `dirs` (one flag per
   * dimension of the set) are in ipset `NAME` of the ruleset's {@link Ruleset.ipsets}. `returnNomatch`:
   * `--return-nomatch` (an element marked `nomatch` matches, a plain one does not). `text`: the match
   * as written, for warnings. A set the file does not hold, or one rules fill (`-j SET --add-set`) or
   * counters decide, is read as an unknown condition instead (see `resolve-ipsets.ts`).
   */
  | {
      kind: "ipset";
      name: string;
      dirs: ("src" | "dst")[];
      returnNomatch: boolean;
      neg: boolean;
      text: string;
      /** `--packets-*` / `--bytes-*`: compares counts of earlier traffic. Default false. */
      counters?: boolean;
    }
  /**
   * A match the simulator does not model: its result is unknown, never silently true or false.
   * `chance`: a match with no side effect whose result depends on state the simulator cannot know,
   * not on the packet (`rate`: `-m limit`, `-m hashlimit`, nft `limit rate`; `random`: `-m statistic`,
   * nft `numgen`; `state`: `-m recent`, `-m connlimit`, `-m quota`). The rule engine then follows
   * both outcomes and stays decided when they end alike (see `runChain`). Default: not a chance match.
   * Any other unmodelled match is followed both ways too. `oneWay`: walked only as not matched and
   * reported undecided: an unmodelled statement read in a match's place (`meta mark set ct mark`),
   * which does something the walk cannot know, or a fact a caller wants shown undecided (the
   * listing's facts a log lacks). Default: followed both ways. `acts` (with `oneWay`): an unmodelled
   * statement, not a match: nft's evaluation goes on past it, and what it set is unknown until a later
   * statement sets it whole (see the rule engine's `reach`).
   */
  | {
      kind: "unknown";
      text: string;
      neg: boolean;
      chance?: Chance;
      oneWay?: true;
      acts?: true;
      /**
       * An unmodelled option of iptables' `-m conntrack` (`--ctstatus`, `--ctexpire`): its
       * result for a packet without a connection (untracked, or no entry), which xt_conntrack decides by
       * `--ctstate` alone, whatever `!` says: true when the same match has one (it then held), false
       * otherwise (kernel 6.18). Default: unknown for every packet.
       */
      withoutConnection?: boolean;
      /**
       * nft's listing of an iptables-nft xt match it prints as an expression (`ct helper != "ftp"`, see
       * xt-helper-listing.ts): the kernel may run the xt match, which ends no rule, so no `ct` load in
       * its words decides a packet without a connection. Default: nft's own words.
       */
      xt?: true;
      /**
       * A socket owner match (`-m owner`, `meta skuid`): its result for a packet without a socket
       * (`none`) and for one the kernel sends from its own socket (`kernel`), see socket-owner.ts. A
       * program's socket stays unknown. Default: unknown for every packet.
       */
      owner?: { none: boolean; kernel: boolean };
    }
  /**
   * A match that never matches, whatever the packet (`-m recent ! --set`); `text` is its words, `hint`
   * what to do about it (default: xt_recent's).
   */
  | { kind: "never"; text: string; neg: boolean; hint?: string };

/**
 * How a frame was addressed, as the kernel's `eth_type_trans` sets `skb->pkt_type` from its
 * destination MAC (nft's names): `host` (to this host's MAC; also every packet the host sends),
 * `broadcast`, `multicast`, or `other` (to another host's MAC: a frame the bridge forwards).
 */
export type PktType = "host" | "broadcast" | "multicast" | "other";

/** Why a chance match cannot be decided: a token bucket, a random draw, or counts of earlier traffic. */
export type Chance = "rate" | "random" | "state";

/** An address of the connection's tuple in that direction (`ct original ip saddr . ct original ip daddr`). */
export type CtAddrKey = `ct ${"original" | "reply"} ${"ip" | "ip6"} ${"saddr" | "daddr"}`;

/** The packet or metadata fields nftables rules key sets and verdict maps on. */
export type NftKey =
  | "iifname"
  | "oifname"
  | "ip saddr"
  | "ip daddr"
  | "ip protocol"
  | "ip6 saddr"
  | "ip6 daddr"
  | "ip6 nexthdr"
  | "ip ttl"
  | "ip6 hoplimit"
  | "meta l4proto"
  /**
   * The packet's family at the hook (`ipv4`, `ipv6`) and its ether type (`ip`, `ip6`): read as keys of
   * a verdict map or set (`meta nfproto vmap { ipv4 : jump in4, ipv6 : jump in6 }`, the nftables wiki's
   * server ruleset); a single value is read as the ether type condition.
   */
  | "meta nfproto"
  | "meta protocol"
  /**
   * The Ethernet header's type field, as `meta protocol` reads it; no value where the packet has no
   * Ethernet header (nft guards it with `meta iiftype ether` outside the bridge and netdev families:
   * kernel 6.18 matched no `ether type { ip, ip6 }` at output, nor on lo).
   */
  | "ether type"
  | "tcp dport"
  | "tcp sport"
  | "udp dport"
  | "udp sport"
  | "th dport"
  | "th sport"
  /**
   * The TCP header's flag byte, compared whole (or under a mask) with a `tcp_flag` set's elements
   * (`tcp flags @f`, `tcp flags & (fin | syn | rst | ack) != @f`): a name, `syn|ack`, or a number.
   */
  | "tcp flags"
  | "icmp type"
  | "icmpv6 type"
  /**
   * The ICMP / ICMPv6 code (0 for an echo request or reply), alone or concatenated with the type as in
   * OpenWrt's Allow-MLD rule: `icmpv6 type . icmpv6 code { mld-listener-query . no-route, ... }`.
   */
  | "icmp code"
  | "icmpv6 code"
  | "ct state"
  | "meta mark"
  /** The connection's mark (0 for a new one until a rule sets it). */
  | "ct mark"
  /**
   * The connection's conntrack zone (0 unless a raw rule set one): `ct zone` its id, `ct original zone` /
   * `ct reply zone` the id it has in that direction (0 where a one-direction zone does not apply).
   */
  | "ct zone"
  | "ct original zone"
  | "ct reply zone"
  /** The packet's direction in its connection: `original` (the side that opened it) or `reply`. */
  | "ct direction"
  /** The connection's layer 4 protocol (`tcp`, 6) and address family (`ipv4`, `ipv6`), of its first packet. */
  | "ct protocol"
  | "ct l3proto"
  /**
   * The helper that expected the connection (`ct helper "ftp"`: an FTP data connection's): nft_ct reads
   * the helper of the connection's master, and breaks the rule on a connection without one, negated or
   * not (kernel 6.18: also on the control connection `ct helper set` gave a helper). The simulator
   * opens no expected connection, so the rule always breaks there.
   */
  | "ct helper"
  | CtAddrKey
  | "fib daddr type"
  | "fib saddr type"
  /** `fib daddr . iif type`: the address type on the input interface (see the `addrtype` condition). */
  | "fib daddr . iif type"
  | "fib daddr . oif type"
  | "fib saddr . iif type"
  | "fib saddr . oif type"
  | "meta pkttype"
  | "ether saddr"
  | "ether daddr"
  /** The DSCP (the top six bits of the TOS byte or traffic class). */
  | "ip dscp"
  | "ip6 dscp"
  /**
   * The packet's length (`skb->len`) at the hook: its IP length, at the IP hooks and the bridge's alike
   * (the Ethernet header is not counted; kernel 6.18, see length-match.test.ts).
   */
  | "meta length"
  /** The IPv4 header's total length field. */
  | "ip length"
  /** The IPv6 header's payload length field: the packet's length less its 40-byte header. */
  | "ip6 length";

/** One element of an nftables set: a word (name, address, number), an address prefix or a range. */
export type NftValue =
  | { kind: "value"; value: string }
  | { kind: "prefix"; cidr: IpCidr }
  | { kind: "range"; lo: string; hi: string }
  /** An element of a concatenated set or map (`10.96.0.10 . tcp . 80`): one value per key. */
  | { kind: "concat"; parts: NftValue[] };

/** One element of a verdict map: its key and the verdict it maps to. */
export interface NftMapElement {
  key: NftValue;
  verdict: Target;
}

/**
 * One element of an nftables data map (`type inet_service : ipv4_addr . inet_service`): its key and
 * the words of its data, one per part of a concatenation (`8080 : 192.168.1.30 . 80` has
 * `["192.168.1.30", "80"]`).
 */
export interface NftDataElement {
  key: NftValue;
  data: string[];
}

/**
 * nftables `meta mark set KEY map { k : 0x1, ... }` (or `map @m`, its elements copied in): the mark is
 * the data of the element the key (`concat`: a concatenation's keys) finds. The rule reader puts a
 * condition on the map's keys before the statement: a key the map lacks ends the rule there, as the
 * kernel's lookup does (kernel 6.18: the mark stayed as it was and the statements after did not run).
 */
export interface MarkLookup {
  key: NftKey;
  concat?: NftKey[];
  elements: NftDataElement[];
}

/** An nftables named set or map (`set NAME { type ...; elements = { ... } }`). */
export interface NftSet {
  name: string;
  /** `set` holds keys; `map` maps keys to verdicts (verdict maps) or data. */
  kind: "set" | "map";
  /** The declared type, e.g. `ifname : verdict`. */
  type: string;
  elements: NftValue[];
  /** For verdict maps: the verdict of each element. */
  verdicts: NftMapElement[];
  /** For data maps (`ipv4_addr : ipv4_addr`, read by `dnat to ... map @m`): each element's data. Default: none. */
  data?: NftDataElement[];
  /** 1-based line of the declaration. */
  line: number;
  /**
   * True for a set a rule of its table fills while packets pass (`add @set { ... }`, `update @set
   * { ... }`, meters): its elements are state the simulator does not know, so a match on it is
   * chance. A set filled from outside (with `timeout`s, say) is decided on the elements listed.
   * Default false.
   */
  dynamic?: boolean;
  /**
   * The stateful expression the set's declaration gives every element (`ct count over 20`, `limit rate
   * 10/second`, `quota ...`): an `add @set` or `update @set` then matches by it, as the inline form
   * `add @set { ip saddr ct count over 20 }` does. Default: none.
   */
  stateful?: string;
  /** `flags interval` was declared. Default false. */
  interval?: boolean;
  /** `auto-merge` was declared: nft merges overlapping elements instead of refusing them. Default false. */
  autoMerge?: boolean;
}

/** What a rule does when all its conditions hold. */
export type Target =
  | { kind: "ACCEPT" | "DROP" | "RETURN" | "CONTINUE" | "TRACE" | "NONE" }
  | { kind: "REJECT"; with?: string }
  | { kind: "jump" | "goto"; chain: string }
  /**
   * `-j LOG`, nft `log`. `group`: nft `log group N`, a copy sent to nfnetlink_log group N for a daemon
   * (ulogd), which writes no kernel log line, nor does `level` `audit` (an audit record): kernel 6.18
   * printed neither to dmesg. Default: a kernel log line.
   */
  | { kind: "LOG"; prefix: string; level?: string; group?: number }
  /**
   * `-j DNAT`/`-j SNAT`, nft `dnat`/`snat [ip|ip6] to ADDR[:PORT]`. `family`: in an `inet` table, the only
   * family it rewrites (a packet of the other goes on to the next statement, as nft_nat_inet_eval does).
   * `addrHi`: a range `addr`-`addrHi` (or an nft prefix), of which the kernel hashes one address per
   * connection; `persistent`: `--persistent`/nft `persistent`, which leaves the destination out of it.
   * `random`: `--random`/`--random-fully`, nft `random`/`fully-random` (see the MASQUERADE target).
   * `netmap`: `addr`-`addrHi` is a prefix whose network bits replace the packet's (`netmap-address.ts`):
   * `"prefix"` for nft `snat|dnat [ip|ip6] prefix to NET/LEN`; `"hook"` for iptables `-j NETMAP --to
   * NET/LEN`, which maps the destination at PREROUTING and OUTPUT and the source at POSTROUTING and INPUT
   * whatever its `kind` (written `DNAT`).
   */
  | {
      kind: "DNAT" | "SNAT";
      addr?: string;
      addrHi?: string;
      persistent?: boolean;
      port?: PortRange;
      family?: "ip" | "ip6";
      random?: boolean;
      netmap?: "prefix" | "hook";
    }
  /**
   * `-j MASQUERADE [--to-ports P]`, nft `masquerade [to :P]`. `random`: `--random`/`--random-fully`, nft
   * `random`/`fully-random`, with which the kernel draws a source port (and an echo id) at random for
   * every connection (NF_NAT_RANGE_PROTO_RANDOM_ALL). `optionsUnknown`: iptables-nft's `xt target
   * "MASQUERADE"` as nft -j lists it, whose options are not shown.
   */
  | { kind: "MASQUERADE"; port?: PortRange; random?: boolean; optionsUnknown?: boolean }
  /**
   * nft `notrack`: a packet conntrack has not yet seen (a chain before its priority -200, at prerouting
   * or output) is left untracked: `ct state untracked` matches it from there on, conntrack makes no
   * entry and the nat chains do not run for it. On a tracked packet it does nothing. The rule goes on.
   */
  | { kind: "NOTRACK" }
  /**
   * `-j CT --zone N` (`--zone-orig`, `--zone-reply`), nft `ct [original|reply] zone set N`: before conntrack
   * saw the packet (a chain before priority -200 at prerouting or output) the packet is looked up, and a new
   * connection is made, in zone N (for that direction only, with `dir`). The first one a packet meets acts;
   * on a tracked packet it does nothing. The rule goes on.
   */
  | { kind: "CTZONE"; zone: number; dir?: "original" | "reply" }
  /**
   * ebtables `-j redirect` (nat PREROUTING, broute BROUTING): the frame's destination MAC becomes the
   * bridge's own, so the bridge hands it up to the host (bridge INPUT, then routing) instead of
   * forwarding it. Kept as an effect: the rule's verdict is `--redirect-target` (ACCEPT when none).
   */
  | { kind: "BRIDGE_REDIRECT" }
  /**
   * nft `flow add @NAME` (older `flow offload @NAME`), forward hook only: hands the packet's connection to
   * flowtable `flowtable` when the kernel would (see `flow-offload.ts`); it decides nothing for this
   * packet. `devices`: the flowtable's devices, set by the reader when the table declares it (absent: no
   * such flowtable). Per the kernel's source, a packet it does not offload ends the rule (NFT_BREAK).
   */
  | { kind: "FLOWOFFLOAD"; flowtable: string; devices?: string[] }
  /**
   * `-j REDIRECT [--to-ports P]`, nft `redirect [to :P]`: DNAT to the host itself, the first address of
   * the packet's family on its input interface (at OUTPUT: the loopback address), with `port` when
   * given (else the packet's own).
   */
  | { kind: "REDIRECT"; port?: PortRange; random?: boolean }
  | { kind: "MARK"; value: number; mask: number; op: "set" | "xset" | "or" | "and"; lookup?: MarkLookup }
  /**
   * Changes the connection's mark, or the packet's from it, and goes on (`-j CONNMARK`, nft `ct mark
   * set`, `meta mark set ct mark`), as the kernel's xt_CONNMARK: `set` makes it `(ctmark & ~mask) ^
   * value`; `save` copies the packet's mark in, `(ctmark & ~ctmask) ^ (mark & nfmask)`; `restore`
   * copies it back, the packet's mark becoming `(mark & ~nfmask) ^ (ctmark & ctmask)`. A packet without
   * a connection changes nothing.
   */
  | {
      kind: "CONNMARK";
      op: "set" | "save" | "restore";
      value: number;
      mask: number;
      nfmask: number;
      ctmask: number;
      /**
       * nftables: the value is loaded from the connection's mark (`meta mark set ct mark`, `ct mark set ct
       * mark or 0x1`), so a packet without a connection ends the rule there (see `ct-break.ts`); xt_CONNMARK
       * goes on instead. Default: nothing is loaded from the connection.
       */
      fromCt?: true;
      /** nftables `ct mark set KEY map { ... }`: `value` is the data of the element the key finds. */
      lookup?: MarkLookup;
    }
  /**
   * Rewrites the TOS byte (IPv4) or traffic class (IPv6) to `(tos & ~mask) ^ value` and goes on: `-j
   * DSCP --set-dscp N` and nft `ip dscp set N` are `N << 2` under mask `0xfc`, `-j TOS --set-tos V/M`
   * is itself.
   */
  | { kind: "TOS"; value: number; mask: number }
  /**
   * iptables' TTL / ip6tables' HL target, nft's `ip ttl set N` / `ip6 hoplimit set N`: the TTL (hop
   * limit) set to `value`, or raised or lowered by it (xt_HL stops at 255 and 0). The rule goes on.
   */
  | { kind: "TTL"; op: "set" | "inc" | "dec"; value: number }
  /**
   * iptables' TCPMSS target (`--set-mss N`, `--clamp-mss-to-pmtu`: no `mss`), nft's `tcp option maxseg
   * size set N | rt mtu` (`nft`): lowers the MSS option of a segment that has one, never raises it. The
   * clamp's MSS is the smaller MTU of the route on and the route back, less the headers (tcp-mss.ts). iptables-nft takes the target
   * without a SYN match, and then adds an MSS option (at most 536) to a segment without one and without
   * data (kernel 6.18: an ACK grew from 52 to 56 bytes); nft never adds one. The rule goes on.
   */
  | { kind: "TCPMSS"; mss?: number; nft?: true }
  /**
   * nftables `KEY vmap @map` or `KEY vmap { k : verdict, ... }`: the verdict of the element the key finds
   * (`concat`: a concatenation's keys, as for `nft-set`).
   */
  | { kind: "vmap"; key: NftKey; map?: string; elements?: NftMapElement[]; concat?: NftKey[] }
  /**
   * nftables `dnat|snat [ip|ip6] to KEY map @m` or `map { k : addr [. port], ... }` (`concat`: a
   * concatenation's keys, as for `vmap`): the NAT `nat` to the data of the element the key finds, an
   * address and, when the map's data is `addr . port`, a port. No element: the rule breaks (nothing
   * happens, the walk goes on), as the kernel's lookup does. `family`: the `ip`/`ip6` word, the only
   * family the NAT acts on in an `inet` table. `netmap`: `dnat|snat ip prefix to KEY map { k : NET/LEN }`,
   * the element's prefix a NETMAP (see the DNAT/SNAT target's `netmap`).
   */
  | {
      kind: "nat-map";
      nat: "DNAT" | "SNAT";
      family?: "ip" | "ip6";
      netmap?: true;
      key: NftKey;
      map?: string;
      elements?: NftDataElement[];
      concat?: NftKey[];
    }
  /**
   * A verdict drawn by chance among `choices` (nftables `numgen random mod N vmap { 0 : goto a, ... }`,
   * kube-proxy's load balancing): every choice is followed, see `runChain`. `text` is the expression.
   */
  | { kind: "pick"; text: string; choices: Target[] }
  /**
   * A target the simulator does not model. `continues`: it never ends the packet's walk through the
   * chain and changes nothing the model decides on (TCPMSS, CHECKSUM, NFLOG, ...), so the rules after
   * it stay decided. Default false: the result is uncertain from there.
   */
  | { kind: "unknown"; name: string; text: string; continues?: boolean };

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
  /** nftables statements that act and go on before the verdict, in order (`log`, `meta nftrace set 1`, `meta mark set`). */
  effects?: Target[];
  /**
   * nftables: where each of `effects` is written, as the number of `conditions` before it (`meta mark
   * set 0x1 tcp dport 80 accept`: 0), or `conditions.length + 1` after the target (`tcp dport vmap {
   * 80 : continue } meta mark set 0x1`). The kernel runs a rule's expressions in order and stops at a
   * failing match, a map lookup without an element, or a load without a value (a `ct` key of a packet
   * without a connection, see `ct-break.ts`), so a statement acts only when it is reached.
   * Default: every effect after all conditions, before the target (iptables, ebtables watchers).
   * With `targetAt`: a statement before the target is at most `targetAt`; one after it is one more
   * than the conditions before it (`vmap { 80 : continue } meta mark set 0x1 ip saddr 192.0.2.1`: the
   * set is at `targetAt + 1`), so it runs after the target and before condition `effectAt - 1`.
   */
  effectAt?: number[];
  /**
   * nftables: how many of `conditions` are written before the target, when fewer than all of them
   * (`tcp dport vmap { 80 : continue } ip saddr 192.0.2.1 accept`: 2). The ones after it are read only
   * when the target lets the rule go on (a verdict map's `continue`). Default: `conditions.length`.
   */
  targetAt?: number;
  /**
   * nftables: the verdicts written after a target that may let the rule go on, in order (the `accept`
   * of `tcp dport vmap { 80 : continue } ip saddr 192.0.2.1 accept`; both maps and the `drop` of `tcp
   * dport vmap { 80 : continue } ip saddr vmap { 192.0.2.1 : continue } drop`). Each acts when the
   * one before it went on and every condition between them held; a map is looked up there, and what
   * is written after it is read only past its own `continue`. Default: none.
   */
  afterVerdicts?: AfterVerdict[];
  /** nftables `comment "..."`. */
  comment?: string;
}

/** A verdict written after a rule's target (see `Rule.afterVerdicts`), with its place. */
export interface AfterVerdict {
  /** The verdict, map or NAT written there (`ip saddr vmap { ... }`, `drop`). */
  verdict: Target;
  /** How many of the rule's `conditions` are written before it. */
  conditions: number;
  /** How many of the rule's `effects` are written before it. */
  effects: number;
}

/** What makes an nftables chain a base chain: the hook it is attached to, at which priority. */
export interface BaseChain {
  /** `filter`, `nat` or `route`. */
  type: string;
  /** Lower-case nft hook name: `prerouting`, `input`, `forward`, `output`, `postrouting`, `ingress`, `egress`. */
  hook: string;
  /** The numeric priority (named priorities resolved per family). */
  priority: number;
  /** The priority as written, e.g. `filter`, `raw - 1`. */
  priorityText: string;
}

/** A chain: built-in (with a policy) or user-defined (falls back with RETURN). */
export interface ChainDef {
  name: string;
  /** `ACCEPT`, `DROP` (or `RETURN` for ebtables user chains); undefined for iptables user chains. */
  policy?: string;
  /** 1-based line of the chain's declaration. */
  line: number;
  rules: Rule[];
  /** nftables: set when the chain is a base chain (attached to a hook); absent for regular chains. */
  base?: BaseChain;
}

/** A table: its chains by name. */
export interface TableDef {
  name: string;
  chains: Map<string, ChainDef>;
  /** nftables: the table's family (`ip`, `ip6`, `inet`, `bridge`, `arp`, `netdev`); absent for iptables/ebtables tables. */
  family?: string;
  /** nftables: named sets and maps. */
  sets?: Map<string, NftSet>;
  /** iptables tables: the host's ipsets for `-m set` (shared by every table of the ruleset). Default: none. */
  ipsets?: ReadonlyMap<string, IpSet>;
  /** 1-based line of the table's declaration (nftables). */
  line?: number;
  /** nftables `flags dormant`: the table's base chains are not attached to their hooks. Default false. */
  dormant?: boolean;
  /**
   * nftables: created before the iptables/ebtables tables of the same file (a host firewall loaded at
   * boot, before Docker's iptables-nft rules), so at an equal priority its base chains run after
   * theirs (the kernel runs the hook registered last first). Default false: created after them.
   */
  beforeXtables?: boolean;
  /** nftables: the table's flowtables by name. Default: none. */
  flowtables?: Map<string, Flowtable>;
  /**
   * nftables: the table's named stateful objects, as `KIND NAME` (`counter http`, `ct helper
   * ftp-standard`, `limit lim_400ppm`): the rules that use them by name must find them. Default: none.
   */
  objects?: Set<string>;
}

/** An nftables flowtable (`flowtable NAME { hook ingress priority P; devices = { ... } }`). */
export interface Flowtable {
  name: string;
  /** The hook as written (the kernel takes only `ingress`). */
  hook: string;
  /** The priority as written, e.g. `filter`. */
  priorityText: string;
  /** The devices whose ingress hook the flowtable forwards offloaded packets at; empty: none given. */
  devices: string[];
  /** 1-based line of the declaration. */
  line: number;
}

/** The rules of one family. */
export interface FamilyRules {
  tables: Map<string, TableDef>;
}

/** A whole ruleset: iptables (`ip`), ip6tables (`ip6`) and bridge (`bridge`), plus problems found while reading it. */
export interface Ruleset {
  ip: FamilyRules;
  /** The tables of an `ip6tables-save` (after its `# Generated by ip6tables-save` header). Default: none. */
  ip6?: FamilyRules;
  bridge: FamilyRules;
  /**
   * nftables tables of every family, in listing order (`nft list ruleset`). Their base chains run at
   * their hook by priority, among the iptables and ebtables tables above. Default: none.
   */
  nft?: TableDef[];
  /** The host's ipsets (`ipset save` in the file), by name, for `-m set` matches. Default: none. */
  ipsets?: Map<string, IpSet>;
  diagnostics: Diagnostic[];
  /**
   * The file the rules were read from, as its reader was told (`rules` lines are lines of it): messages
   * that cite a rule's line name it. Default: unknown (messages cite the line alone).
   */
  file?: string;
}

/** One dimension of an ipset's type (`hash:net,iface` has `net` and `iface`). */
export type IpSetDim = "ip" | "net" | "port" | "iface" | "mac" | "mark";

/** One part of an ipset element, for one dimension. */
export type IpSetPart =
  /** An address or prefix (`ip`, `net`, bitmap ranges saved as prefixes). */
  | { kind: "addr"; cidr: IpCidr }
  /** An inclusive address range (`bitmap:ip` and `hash:ip` write them `a-b`). */
  | { kind: "range"; lo: string; hi: string }
  /** `tcp:80`, `udp:53-60`, a bare port (TCP), or `icmp:echo-request` / `icmp:8/0` (type, code). */
  | { kind: "port"; proto: string; lo: number; hi: number; code?: number }
  /** An interface name (`eth0`), `physdev:` for the bridge port. */
  | { kind: "iface"; name: string; physdev: boolean }
  | { kind: "mac"; mac: string }
  | { kind: "mark"; value: number };

/** One `add` line of an ipset: its parts, one per dimension. */
export interface IpSetEntry {
  parts: IpSetPart[];
  /** Added with `nomatch` (hash:net types): an exception inside a wider prefix. Default false. */
  nomatch: boolean;
  /** 1-based line of the `add` in the file. */
  line: number;
}

/** An ipset as `ipset save` writes it (`create NAME TYPE [options]`, then `add NAME ELEMENT`). */
export interface IpSet {
  name: string;
  /** `hash:ip,port`, `bitmap:port`, `list:set`, ... */
  type: string;
  /** The type's dimensions in order; empty for `list:set`. */
  dims: IpSetDim[];
  /** `family inet` (4) or `inet6` (6); undefined for bitmap and list types and hash:mac. */
  family?: 4 | 6;
  entries: IpSetEntry[];
  /** `list:set`: the member sets' names, in order. Default: none. */
  members?: string[];
  /** 1-based line of the `create`. */
  line: number;
}

/** Creates an empty family. */
export function emptyFamily(): FamilyRules {
  return { tables: new Map() };
}
