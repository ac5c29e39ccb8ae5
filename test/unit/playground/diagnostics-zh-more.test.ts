/**
 * The zh-TW playground's words for the problems a reader meets most after the prefix warnings: a LOG
 * line cut short or edited (`expected an IPv4 or IPv6 address after DST=, found '198.51.1'`), an
 * iptables-save file cut short (`table 'filter' was not closed with COMMIT`) and the other errors of
 * the iptables-save reader. Few of them are in the committed traces and fixtures, so each is drawn
 * here by an input made to draw it: every message of {@link MORE_MESSAGES} and every hint of
 * {@link MORE_HINTS} and {@link MORE_HINT_SHAPES} is one the real core prints, and is said in
 * Chinese with the values it carries, spaced as the zh-TW pages are.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../src/core/model/packet.ts";
import { parseTraceText } from "../../../src/core/parse/index.ts";
import { parseRulesetFile } from "../../../src/core/simulate/parse-ruleset-file.ts";
import {
  diagnosticZh,
  MORE_HINT_SHAPES,
  MORE_HINTS,
  MORE_MESSAGES,
} from "../../../src/playground/diagnostics-zh.ts";
import { ParseSession } from "../../../src/playground/parse-session.ts";

const ROOT = join(import.meta.dirname, "../../..");

/** A kernel LOG line of filter INPUT with `fields` after its MAC. */
const logLine = (fields: string) =>
  `[  1.000000] iptable/filter-INPUT: IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 ${fields}`;
const FIELDS =
  "SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ";

/** The reader's truncated line (a syslog line cut in its DST=). */
const TRUNCATED =
  "Dec  1 22:01:02 edge kernel: [ 5001.100000] filter/INPUT: IN=wan0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.50 DST=198.51.1";

/** Logs and rulesets made to draw each problem (names hold a digit, `FOO3`, so the test sees that the Chinese keeps them). */
const MADE: readonly [what: string, kind: "log" | "rules", text: string][] = [
  [
    "runs of spaces a wrapped terminal put inside a value and inside TCP options (tester56 paste 07)",
    "log",
    "TRACE: nat:PREROUTING:rule:1 IN=ens5 OUT= SRC=     198.51.100.8 DST=203.0.113.11 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23727 DF PROTO=TCP SPT=45847 DPT=8089 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (0204     05B4) \n",
  ],
  [
    "a legacy TRACE packet first read at a user chain right after a refused line",
    "log",
    "TRACE: nat:PREROUTING:rule:1 IN=ens5 OUT= SRC=198.51.100.1080 DST=203.0.113.11 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23727 DF PROTO=TCP SPT=45847 DPT=8089 WINDOW=29200 RES=0x00 SYN URGP=0 \nTRACE: nat:KUBE-SERVICES:rule:25 IN=ens5 OUT= SRC=198.51.100.8 DST=203.0.113.11 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=23727 DF PROTO=TCP SPT=45847 DPT=8089 WINDOW=29200 RES=0x00 SYN URGP=0 \n",
  ],
  [
    "rows of tracepkt's table, which hold IN= OUT= (tester56 paste 16)",
    "log",
    "[           0]                  request 10.0.46.15 -> 216.58.210.3         step IN= OUT=eth0 raw:OUTPUT:rule:3\n",
  ],
  [
    "a dmesg stamp its author redacted (tester56 paste 12)",
    "log",
    "Oct 30 12:34:56 hoge kernel: [xxxxx.xxxxx] IPTLOG_FW : IN=eth1 OUT=eth0 SRC=192.168.201.1 DST=172.16.101.30 LEN=118 TOS=0x00 PREC=0x00 TTL=254 ID=3120 DF PROTO=TCP SPT=3300 DPT=80 WINDOW=1460 RES=0x00 ACK PSH URGP=0 \n",
  ],
  [
    "legacy TRACE lines whose 'TRACE: ' a column cut took (cut -c52-, tester56 paste 20)",
    "log",
    "raw:PREROUTING:policy:2 IN=eth0 OUT= MAC=08:00:27:d4:45:68:52:54:00:12:35:02:08:00 SRC=10.0.2.2 DST=10.0.2.15 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=40974 PROTO=TCP SPT=51534 DPT=80 WINDOW=65535 RES=0x00 ACK FIN URGP=0 \n",
  ],
  [
    "legacy TRACE packets pasted from inside their trace: first at a user chain, inbound, outbound, and forwarded through nat",
    "log",
    "TRACE: nat:KUBE-SVC3:rule:3 IN=eth3 OUT= SRC=198.51.100.3 DST=203.0.113.3 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=3 DF PROTO=TCP SPT=40003 DPT=80 WINDOW=29200 RES=0x00 SYN URGP=0 \nTRACE: filter:FW-IN3:rule:3 IN=eth3 OUT= SRC=198.51.100.3 DST=203.0.113.3 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=4 DF PROTO=TCP SPT=40003 DPT=80 WINDOW=29200 RES=0x00 SYN URGP=0 \nTRACE: nat:OUT3:rule:3 IN= OUT=eth3 SRC=198.51.100.3 DST=203.0.113.3 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=5 DF PROTO=TCP SPT=40003 DPT=80 WINDOW=29200 RES=0x00 SYN URGP=0 \nTRACE: nat:FWD3:rule:3 IN=eth3 OUT=eth4 SRC=198.51.100.3 DST=203.0.113.3 LEN=60 TOS=0x00 PREC=0x00 TTL=62 ID=6 DF PROTO=TCP SPT=40003 DPT=80 WINDOW=29200 RES=0x00 SYN URGP=0 \n",
  ],
  [
    "bridge chains at br_netfilter's priority, at forward and at prerouting",
    "rules",
    'table bridge pwbr3 {\n\tchain brfwd3 {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tlog prefix "br-fwd3 "\n\t}\n\tchain brpre3 {\n\t\ttype filter hook prerouting priority 0; policy drop;\n\t}\n}\ntable ip ip3 {\n\tchain pre3 {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t}\n\tchain fwd3 {\n\t\ttype filter hook forward priority 0; policy accept;\n\t}\n}\n',
  ],
  [
    "a '!' before options their matches cannot invert (-m limit's, -m set's in its own words)",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m limit ! --limit 5/s -j ACCEPT\n-A INPUT -m set --match-set x src ! --return-nomatch -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a '!' as the second word of --tcp-flags and of --match-set",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --tcp-flags SYN ! SYN -j ACCEPT\n-A INPUT -m set --match-set x ! src -j ACCEPT\n-A INPUT -p sctp --chunk-types any ! INIT -j ACCEPT\nCOMMIT\n",
  ],
  [
    "an ebtables ip option shortened to a start of two",
    "rules",
    "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -p IPv4 --ip-s 10.0.0.1 -j ACCEPT\n",
  ],
  [
    "an explicit -m tcp under another protocol's -p",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ! -p udp -m tcp --dport 1 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a misspelt protocol name",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta l4proto tpc accept\n\t}\n}\n",
  ],
  [
    "an address set's element that is no address",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tip saddr { 1.2.3.4, 1.2.3.256 } accept\n\t}\n}\n",
  ],
  [
    "a misspelt conntrack state in a set",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tct state { new, bogus } accept\n\t}\n}\n",
  ],
  [
    "a port and a mark past their width, a service name nft cannot resolve and a TTL that is no number",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 99999 accept\n\t\tmeta mark { 0x100000000 } accept\n\t\ttcp dport bogus accept\n\t\tip ttl x accept\n\t}\n}\n",
  ],
  [
    "a range of service names nft reads as one name, and a zone that is no number",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport ssh-http3 accept\n\t\tct zone 1-x3 accept\n\t}\n}\n",
  ],
  [
    "a concatenated set's element of one value, and a misspelt TCP flag written alone",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tip saddr . tcp dport { 1.2.3.4 } accept\n\t\ttcp flags bogus drop\n\t}\n}\n",
  ],
  [
    "misspelt conntrack status and TCP flag elements of named sets",
    "rules",
    "table ip t {\n\tset s {\n\t\ttype ct_status\n\t\telements = { dnat, bogus }\n\t}\n\tset f {\n\t\ttype tcp_flag\n\t\telements = { syn, bogus }\n\t}\n}\n",
  ],
  [
    "nft's iptables-nft note copied from a rendered page, without its '#'",
    "rules",
    "Warning: table ip filter is managed by iptables-nft, do not touch!\ntable ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n",
  ],
  [
    "iptables-save's header and footer without their '#'",
    "rules",
    "Generated by iptables-save v1.8.9 (nf_tables) on Fri Feb 21 15:12:36 2025\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\nCompleted on Fri Feb 21 15:12:36 2025\n",
  ],
  [
    "a redacted address in an iptables rule",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s <ADMIN_IP_1> -j ACCEPT\nCOMMIT\n",
  ],
  [
    "tproxy in a chain reached from an output chain",
    "rules",
    "table ip t {\n\tchain u3 {\n\t\tmeta l4proto tcp tproxy to :50080\n\t}\n\tchain c {\n\t\ttype filter hook output priority 0;\n\t\tjump u3\n\t}\n}\n",
  ],
  [
    "a MARK past 32 bits",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j MARK --set-xmark 0x100000000\nCOMMIT\n",
  ],
  [
    "a limit's unknown unit",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m limit --limit 5/fortnight -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a hashlimit's unknown unit",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m hashlimit --hashlimit-upto 5/hr --hashlimit-name h3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a day -m time does not know",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m time --weekdays Mon,Funday -j DROP\nCOMMIT\n",
  ],
  [
    "-m hashlimit without its name",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m hashlimit --hashlimit-upto 5/sec -j ACCEPT\nCOMMIT\n",
  ],
  [
    "-m hashlimit without a rate",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m hashlimit --hashlimit-name h3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "-m string without a pattern",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m string --algo bm -j DROP\nCOMMIT\n",
  ],
  [
    "a limit past 10000 a second",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m limit --limit 100003/sec -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a hashlimit past 1000000 a second",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m hashlimit --hashlimit-name h3 --hashlimit-above 1000003/s -j DROP\nCOMMIT\n",
  ],
  [
    "two rules joined on one line",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT -A INPUT -p udp -j DROP\nCOMMIT\n",
  ],
  [
    "an option twice in one match",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m limit --limit 3/s --limit 4/s -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a long command joined to a rule",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --syn --append INPUT -j DROP\nCOMMIT\n",
  ],
  [
    "a misspelt option of a loaded match",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dprot 33 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "an option no match of the rule knows",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT --foo3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a comment in single quotes",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment 'web 3' -j ACCEPT\nCOMMIT\n",
  ],
  [
    "an ebtables log prefix in single quotes",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-A FORWARD --log-prefix 'br 3' -j ACCEPT\n",
  ],
  [
    "-m string without --algo",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m string --string foo3 -j DROP\nCOMMIT\n",
  ],
  [
    "an ebtables chain made twice",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-N MY3 -P RETURN\n-N MY3\n",
  ],
  [
    "an ebtables limit past 10000 a second",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-A FORWARD --limit 100003/s -j ACCEPT\n",
  ],
  [
    "an ebtables limit of no rate",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-A FORWARD --limit 3/fortnight -j ACCEPT\n",
  ],
  [
    "two ebtables rules joined on one line",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-A FORWARD -j ACCEPT -A FORWARD -p IPv6 -j DROP\n",
  ],
  [
    "an ebtables jump to no chain and no target",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT\n-A FORWARD -j NOSUCH3\n",
  ],
  [
    "a limit's unknown time unit",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tlimit rate 10/fortnight accept\n\t}\n}\n",
  ],
  [
    "a limit of rate 0",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tlimit rate 0/second accept\n\t}\n}\n",
  ],
  [
    "a packet limit's burst of 0",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tlimit rate 10/second burst 0 packets accept\n\t}\n}\n",
  ],
  [
    "a mark compared with a prefix past 32 bits",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta mark 0x1 / 0xff accept\n\t}\n}\n",
  ],
  [
    "a mark set to a prefix",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta mark set 0x3/16\n\t}\n}\n",
  ],
  [
    "a queue flag after 'to N'",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tqueue to 3 bypass\n\t}\n}\n",
  ],
  [
    "bare queue flags before 'to'",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tqueue bypass to 3\n\t}\n}\n",
  ],
  [
    "a queue fanout over one queue",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tqueue num 3 bypass fanout\n\t}\n}\n",
  ],
  [
    "fib in a bridge table",
    "rules",
    "table bridge t {\n\tchain c {\n\t\ttype filter hook prerouting priority 0;\n\t\tfib daddr type local accept\n\t}\n}\n",
  ],
  [
    "a verdict map key given twice",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport vmap { 22 : accept, 22 : drop }\n\t}\n}\n",
  ],
  [
    "a concatenated element in a set of one value",
    "rules",
    "table inet t {\n\tset s3 { type ipv4_addr; elements = { 198.51.100.1 . 22 } }\n}\n",
  ],
  [
    "an inverted recent --set",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m recent ! --set --name r3 -j DROP\nCOMMIT\n",
  ],
  [
    "a reversed iprange",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m iprange --dst-range 10.0.0.9-10.0.0.1 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a connection's port without a protocol",
    "rules",
    "flush ruleset\ntable inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tct reply proto-src 8080 accept\n\t}\n}\n",
  ],
  [
    "a connection's port without a direction",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta l4proto tcp ct proto-dst 8080 accept\n\t}\n}\n",
  ],
  [
    "rt mtu in a chain reached from an input chain",
    "rules",
    "table inet t {\n\tchain u3 {\n\t\trt mtu 1400 accept\n\t}\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tjump u3\n\t}\n}\n",
  ],
  [
    "fib daddr type with an interface in an output chain",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook output priority 0;\n\t\tfib daddr . iif type local drop\n\t}\n}\n",
  ],
  [
    // nft 1.0.6 refused it ("Could not resolve protocol name", at tcp-udp).
    "two protocol names joined by a dash",
    "rules",
    "table inet t {\n\tchain c3 {\n\t\tmeta l4proto tcp-udp accept\n\t}\n}\n",
  ],
  [
    // nft 1.0.6 refused it ("Could not parse netfilter protocol", at ip).
    "a netfilter family written as an Ethernet type",
    "rules",
    "table inet t {\n\tchain c3 {\n\t\ttype filter hook input priority 0;\n\t\tmeta nfproto ip accept\n\t}\n}\n",
  ],
  [
    // nft 1.0.6 refused it ("Could not parse Ethernet protocol", at ip-ip6).
    "an Ethernet type range from a name without spaces",
    "rules",
    "table bridge t {\n\tchain c3 {\n\t\tether type ip-ip6\n\t}\n}\n",
  ],
  [
    // nft 1.0.6 refused it ("syntax error, unexpected '='", at the '=').
    "a '!' apart from its '='",
    "rules",
    "table inet t {\n\tchain c3 {\n\t\ttcp flags ! = syn\n\t}\n}\n",
  ],
  [
    // nft 1.0.6 refused both (counter "c3": "syntax error, unexpected newline"; quota q3: "syntax error, unexpected string, expecting number").
    "a counter's and a quota's object named without 'name'",
    "rules",
    'table inet t {\n\tcounter c3 { }\n\tquota q3 { over 10 mbytes }\n\tchain c {\n\t\tcounter "c3"\n\t\tquota q3\n\t}\n}\n',
  ],
  [
    // nft 1.0.6 refused it ("syntax error, unexpected quoted string, expecting set").
    "a ct timeout object named without 'set'",
    "rules",
    'table inet t {\n\tchain c {\n\t\tct timeout "t3"\n\t}\n}\n',
  ],
  [
    // nft 1.0.6 refused each ("syntax error, unexpected quoted string, expecting string", and "expecting '{'" after jump).
    "a quoted chain name, a quoted keyword set name and a quoted jump",
    "rules",
    'table inet t {\n\tchain "in3" {\n\t\tjump "c3"\n\t}\n\tchain c3 {\n\t}\n\tset "fwd" {\n\t\ttype ipv4_addr\n\t}\n}\n',
  ],
  [
    "a keyword as a chain's name",
    "rules",
    "table inet t {\n\tchain fwd {\n\t\ttype filter hook forward priority 0; policy accept;\n\t}\n}\n",
  ],
  [
    "an ebtables prefix's quote never closed",
    "rules",
    '*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD --log-prefix "abc -j DROP\n',
  ],
  [
    "a comment's quote never closed",
    "rules",
    '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "oops -j DROP\nCOMMIT\n',
  ],
  [
    "dup in an inet table",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tdup to 198.51.100.9\n\t}\n}\n",
  ],
  [
    "dup to an address of the other family",
    "rules",
    "table ip6 t {\n\tchain c {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tdup to 198.51.100.9\n\t}\n}\n",
  ],
  [
    "an escaped quote in an nft string",
    "rules",
    'table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tlog prefix "a \\"q\\" b" accept\n\t}\n}\n',
  ],
  [
    "an address type iptables does not know",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m addrtype --dst-type ADDRTYPE -j RETURN\nCOMMIT\n",
  ],
  [
    "an ebtables input device in OUTPUT",
    "rules",
    "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A OUTPUT --logical-in br0 -j ACCEPT\n",
  ],
  [
    "an ebtables output device in INPUT",
    "rules",
    "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A INPUT -o veth1 -j ACCEPT\n",
  ],
  [
    "an ebtables port without its transport",
    "rules",
    "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -p IPv4 --ip-dport 22 -j DROP\n",
  ],
  [
    "a comment before the verdict",
    "rules",
    'table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 22 comment "ssh" accept\n\t}\n}\n',
  ],
  [
    "a set looked up with a key of another type",
    "rules",
    "table ip6 t {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n\tchain c {\n\t\tip6 saddr @s accept\n\t}\n}\n",
  ],
  [
    "a verdict map looked up with a key of another type",
    "rules",
    "table inet t {\n\tmap m {\n\t\ttype ipv4_addr : verdict\n\t}\n\tchain c {\n\t\tip6 saddr vmap @m\n\t}\n}\n",
  ],
  [
    "an IPv6 element in an IPv4 set",
    "rules",
    "table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { fd00::1 }\n\t}\n}\n",
  ],
  [
    "an element timeout in a set without timeouts",
    "rules",
    "table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 198.51.100.1 expires 10s }\n\t}\n}\n",
  ],
  [
    "an expires with no timeout",
    "rules",
    "table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags timeout\n\t\telements = { 198.51.100.1 expires 10s }\n\t}\n}\n",
  ],
  [
    "an expires past the timeout",
    "rules",
    "table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\ttimeout 1m\n\t\telements = { 198.51.100.1 expires 90s }\n\t}\n}\n",
  ],
  [
    "a time without its unit",
    "rules",
    "table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags timeout\n\t\telements = { 198.51.100.1 timeout 90 }\n\t}\n}\n",
  ],
  [
    "an interface name too long",
    "rules",
    'table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tiifname "cali1234567890ab" accept\n\t}\n}\n',
  ],
  [
    "ebtables' otherhost in nft",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tmeta pkttype otherhost drop\n\t}\n}\n",
  ],
  [
    "a packet type misspelt",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tmeta pkttype broadcst3 drop\n\t}\n}\n",
  ],
  [
    "numgen mod 0",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tnumgen random mod 0 vmap { 0 : accept }\n\t}\n}\n",
  ],
  [
    "ct saddr in a bridge table",
    "rules",
    "table bridge t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tether type ip ct original saddr 198.51.100.3 accept\n\t}\n}\n",
  ],
  [
    "a probability over 1",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode random --probability 1.5 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "--every 0",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode nth --every 0 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "-m statistic options that do not fit its mode (each line refused by iptables-restore 1.8.9)",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n" +
      [
        "--mode nth",
        "--mode random",
        "",
        "--probability 0.5",
        "--mode nth --every 3",
        "--mode nth --packet 0",
        "--mode nth --packet 1",
        "--mode Nth3 --every 2 --packet 0",
        "--mode nth --every 3 --packet x",
        "--mode random --every 2 --packet 1 --probability 0",
      ]
        .map((o) => `-A INPUT -m statistic ${o} -j ACCEPT\n`)
        .join("") +
      "-A INPUT -m statistic --mode\nCOMMIT\n",
  ],
  [
    "ip6tables' -m ah --ahres in an iptables save",
    "rules",
    "# Generated by iptables-save v1.8.9 (nf_tables)\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p ah -m ah --ahres -j ACCEPT\nCOMMIT\n",
  ],
  [
    "--packet past --every",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode nth --every 3 --packet 3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a masquerade in a chain a filter chain jumps to",
    "rules",
    "table ip t {\n\tchain in3 {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tjump n3\n\t}\n\tchain n3 {\n\t\tmasquerade\n\t}\n}\n",
  ],
  ["a bare TEE", "rules", "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j TEE\nCOMMIT\n"],
  [
    "a NAT port without a protocol",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tdnat to 198.51.100.3:8080\n\t}\n}\n",
  ],
  [
    "a prefix in a set without flags interval",
    "rules",
    "table ip t {\n\tset FOO3 {\n\t\ttype ipv4_addr\n\t\telements = { 198.51.100.0/24 }\n\t}\n}\n",
  ],
  [
    "a jump to a base chain",
    "rules",
    "table ip t {\n\tchain out3 {\n\t\ttype filter hook output priority 0; policy accept;\n\t}\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tjump out3\n\t}\n}\n",
  ],
  [
    "a route chain at input",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype route hook input priority 0; policy accept;\n\t}\n}\n",
  ],
  [
    "dstnat at output",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype nat hook output priority dstnat; policy accept;\n\t}\n}\n",
  ],
  ["TTL outside mangle", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j TTL --ttl-set 3\nCOMMIT\n"],
  [
    "CHECKSUM outside mangle",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j CHECKSUM --checksum-fill\nCOMMIT\n",
  ],
  [
    "SECMARK outside mangle and security",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j SECMARK --selctx system_u:object_r:ssh_packet_t:s0\nCOMMIT\n",
  ],
  [
    "CLASSIFY on the way in",
    "rules",
    "*mangle\n:INPUT ACCEPT [0:0]\n-A INPUT -j CLASSIFY --set-class 1:3\nCOMMIT\n",
  ],
  [
    "TPROXY after routing",
    "rules",
    "*mangle\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -j TPROXY --on-port 3129 --tproxy-mark 0x1/0x1\nCOMMIT\n",
  ],
  [
    "SYNPROXY in raw",
    "rules",
    "*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j SYNPROXY --mss 1460\nCOMMIT\n",
  ],
  ["rpfilter in filter", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m rpfilter -j DROP\nCOMMIT\n"],
  [
    "mac on the way out",
    "rules",
    "*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m mac --mac-source 02:00:00:00:00:03 -j ACCEPT\nCOMMIT\n",
  ],
  ["socket in FORWARD", "rules", "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m socket -j ACCEPT\nCOMMIT\n"],
  [
    "TCPMSS clamp in INPUT",
    "rules",
    "*mangle\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --syn -j TCPMSS --clamp-mss-to-pmtu\nCOMMIT\n",
  ],
  [
    "addrtype --limit-iface-in in OUTPUT",
    "rules",
    "*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-in -j ACCEPT\nCOMMIT\n",
  ],
  [
    "addrtype --limit-iface-out in INPUT",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m addrtype --dst-type LOCAL --limit-iface-out -j ACCEPT\nCOMMIT\n",
  ],
  [
    "devgroup --src-group in OUTPUT",
    "rules",
    "*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m devgroup --src-group 3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "devgroup --dst-group in INPUT",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m devgroup --dst-group 3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "--physdev-out in OUTPUT",
    "rules",
    "*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m physdev --physdev-out veth3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "tcp-reset for UDP",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -j REJECT --reject-with tcp-reset\nCOMMIT\n",
  ],
  [
    "TCPMSS without -p tcp",
    "rules",
    "*mangle\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j TCPMSS --set-mss 1360\nCOMMIT\n",
  ],
  [
    "SYNPROXY without -p tcp",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j SYNPROXY --mss 1460\nCOMMIT\n",
  ],
  [
    "TPROXY without -p",
    "rules",
    "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j TPROXY --on-port 3129 --tproxy-mark 0x1/0x1\nCOMMIT\n",
  ],
  [
    "CT --notrack in filter",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp --dport 53 -j CT --notrack\nCOMMIT\n",
  ],
  [
    "REJECT in mangle",
    "rules",
    "*mangle\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp --dport 23 -j REJECT\nCOMMIT\n",
  ],
  [
    "DNAT in POSTROUTING",
    "rules",
    "*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -p tcp -j DNAT --to-destination 198.51.100.3\nCOMMIT\n",
  ],
  [
    "DNAT in a filter chain",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n:FOO3 - [0:0]\n-A FOO3 -p tcp -j DNAT --to-destination 198.51.100.3\n-A INPUT -j FOO3\nCOMMIT\n",
  ],
  [
    "owner in a chain INPUT reaches",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n:FOO3 - [0:0]\n-A FOO3 -m owner --uid-owner 1003 -j ACCEPT\n-A INPUT -j FOO3\nCOMMIT\n",
  ],
  [
    "ct original saddr without a family",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tct original saddr 198.51.100.3 accept\n\t}\n}\n",
  ],
  [
    "ip6 exthdr",
    "rules",
    "table ip6 t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tip6 exthdr frag exists drop\n\t}\n}\n",
  ],
  [
    "log flags with group",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tlog flags all group 3 accept\n\t}\n}\n",
  ],
  [
    "log level with group",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tlog level info group 3 accept\n\t}\n}\n",
  ],
  [
    "socket in forward",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tmeta l4proto tcp socket transparent 1 accept\n\t}\n}\n",
  ],
  [
    "tproxy in forward",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tmeta l4proto tcp tproxy ip to 127.0.0.1:3129 accept\n\t}\n}\n",
  ],
  [
    "the xtables-monitor man page's numbered example as man draws it, justified",
    "log",
    " 2       PACKET:       0       fc475095      IN=lo      LL=0x304\n",
  ],
  [
    "ulogd's conntrack events",
    "log",
    "[DESTROY] ORIG: SRC=198.51.100.12 DST=203.0.113.71 PROTO=TCP SPT=52957 DPT=443 PKTS=5 BYTES=1 , REPLY: SRC=203.0.113.71 DST=198.51.100.12 PROTO=TCP SPT=443 DPT=52957 PKTS=10 BYTES=801\n[DESTROY] ORIG: SRC=198.51.100.12 DST=203.0.113.71 PROTO=TCP SPT=52958 DPT=443 PKTS=5 BYTES=1 , REPLY: SRC=203.0.113.71 DST=198.51.100.12 PROTO=TCP SPT=443 DPT=52958 PKTS=10 BYTES=801\n",
  ],
  [
    "the conntrack tool's events and entries (conntrack -E, -L)",
    "log",
    "    [NEW] udp      17 30 src=198.51.100.1 dst=198.51.100.2 sport=53360 dport=5000 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=5000 dport=53360\nicmp     1 29 src=198.51.100.1 dst=198.51.100.2 type=8 code=0 id=7805 src=198.51.100.2 dst=198.51.100.1 type=0 code=0 id=7805 mark=0 use=1\n",
  ],
  [
    "Sophos UTM packet filter records (ulogd's own output)",
    "log",
    '2019:04:08-11:21:55 galaxy ulogd[5009]: id="2002" severity="info" sys="SecureNet" sub="packetfilter" name="Packet accepted" action="accept" fwrule="3000000014" initf="eth0" outitf="eth3" srcip="198.51.100.1" dstip="203.0.113.1" proto="6" length="52"\n',
  ],
  [
    "tcpdump's output (tcpdump 4.99.3 -n)",
    "log",
    "08:26:57.115093 IP 198.51.100.2.38648 > 198.51.100.3.22: Flags [S], seq 3310797936, win 64240, options [mss 1460,sackOK,TS val 773203259 ecr 0,nop,wscale 10], length 0\n",
  ],
  [
    "pfSense's filterlog record",
    "log",
    "Dec  7 08:00:00 fw filterlog[1234]: 5,,,1000000103,igb1,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.9,51234,22,0,S,1,,64240,,mss\n",
  ],
  [
    "pf's log as tcpdump -e prints it (pflog)",
    "log",
    "07:53:20.123456 rule 3/0(match): block in on em0: 198.51.100.7.51234 > 203.0.113.9.22: Flags [S], seq 1000, win 64240, length 0\n",
  ],
  [
    "ulogd's XML output",
    "log",
    '<?xml version="1.0" encoding="utf-8"?>\n<packet>\n<log><when><hour>8</hour><min>37</min><sec>14</sec></when><prefix>inet/t/input </prefix><hook>1</hook><indev>2</indev><payload>45000054</payload></log>\n</packet>\n',
  ],
  [
    "a MikroTik RouterOS firewall log line",
    "log",
    "01:01:58 firewall,info input: in:ether1 out:(none), src-mac 00:21:29:6d:82:07, proto UDP, 198.51.100.1:520->198.51.100.255:520, len 452\n",
  ],
  [
    "ulogd's GPRINT output",
    "log",
    "raw.pktlen=84,raw.pktcount=1,oob.prefix=inet/t/input ,oob.time.sec=1796632167,oob.hook=1,oob.family=2,ip.saddr.str=198.51.100.2,ip.daddr.str=198.51.100.3\n",
  ],
  [
    // iptables-restore 1.8.9: multiple -f flags not allowed.
    "-f given twice",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -f --fr -j FOO3\nCOMMIT\n",
  ],
  [
    // iptables-restore 1.8.9: invalid port/service `!' specified; log level "!" unknown; cannot have ! before -j; Bad argument `5.6.7.8'; comment: option "--comment" cannot be inverted.
    "the old form '--dport ! 22' and a '!' that negates no option",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport ! 22 -j FOO3\n-A INPUT -j LOG --log-level ! 4\n-A INPUT ! -j FOO3\n-A INPUT -s 1.2.3.4 ! 5.6.7.8 -j FOO3\n-A INPUT -m comment ! --comment FOO3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    // iptables-restore 1.8.9: line 2: RULE_APPEND failed (Invalid argument): rule in chain INPUT.
    "an sctp port after '! -p sctp'",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ! -p sctp --dport 3 -j FOO3\nCOMMIT\n",
  ],
  [
    // ebtables-restore 1.8.9: Unknown argument: 'eth3' ('--in' is ambiguous); Command -Z only allowed together with command -L.
    "a start of two ebtables options, and -Z in an ebtables rule",
    "rules",
    "# Generated by ebtables-save\n*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A INPUT --in eth3 -j ACCEPT\n-A INPUT --z -j ACCEPT\n",
  ],
  [
    // iptables-restore 1.8.9: bpf: one of --bytecode or --pinned is required (for each).
    "-m bpf without a program, and with two",
    "rules",
    '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m bpf -j FOO3\n-A INPUT -m bpf --bytecode "1,6 0 0 0" --object-pinned /sys/fs/bpf/x -j FOO3\nCOMMIT\n',
  ],
  ["an address cut short", "log", TRUNCATED],
  ["an address left empty", "log", "[  1.000001] iptable/filter-INPUTIN=eth0 OUT= SRC=203.0.113.1 DST="],
  ["a line cut after its devices", "log", "[  1.000001] iptable/filter-INPUT IN=eth0 OUT=eth3 "],
  [
    "a line cut after an IPv4 frame's MAC=",
    "log",
    "[  1.000001] iptable/filter-INPUT IN=eth0 OUT= MAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00 ",
  ],
  [
    "a conntrack state misspelt",
    "rules",
    "*filter\n-A INPUT -m state --state ESTABLISHED,FOO3 -j ACCEPT\nCOMMIT\n",
  ],
  ["a host name for an address", "rules", "*filter\n-A INPUT -s db3.example -j DROP\nCOMMIT\n"],
  ["-N twice", "rules", "*filter\n-N FOO3\n-N FOO3\nCOMMIT\n"],
  [
    "overlapping elements of an interval set",
    "rules",
    "table ip t {\n\tset FOO3 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.0.0/8, 10.1.0.0/16 }\n\t}\n}\n",
  ],
  [
    "a port in a numgen NAT map without a protocol match",
    "rules",
    "table ip t {\n\tchain FOO3 {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tdnat ip to numgen random mod 2 map { 0 : 10.0.0.1 . 80, 1 : 10.0.0.2 . 80 }\n\t}\n}\n",
  ],
  [
    "ebtables -j LOG",
    "rules",
    "Bridge table: filter\n\nBridge chain: FORWARD, entries: 1, policy: ACCEPT\n-i FOO3 -j LOG\n",
  ],
  [
    "a set a rule fills, not declared",
    "rules",
    "table ip t {\n\tchain FOO3 {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tupdate @BAR4 { ip saddr } accept\n\t}\n}\n",
  ],
  [
    "a named counter not declared",
    "rules",
    'table ip t {\n\tchain FOO3 {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tcounter name "BAR4"\n\t}\n}\n',
  ],
  [
    "a set declared again with other flags",
    "rules",
    "table ip t {\n\tset FOO3 { type ipv4_addr; flags interval; }\n\tset FOO3 { type ipv4_addr; }\n}\n",
  ],
  [
    "a set declared again with another type",
    "rules",
    "table ip t {\n\tset FOO3 { type ipv4_addr; }\n\tset FOO3 { type inet_service; }\n}\n",
  ],
  [
    "a set created twice",
    "rules",
    "add table inet t\ncreate set inet t FOO3 { type ipv4_addr; }\ncreate set inet t FOO3 { type ipv4_addr; }\n",
  ],
  [
    "ebtables MAC NAT targets",
    "rules",
    "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -j dnat --to-dst 02:00:00:00:00:01\n-A PREROUTING -p ARP -j arpreply --arpreply-mac 02:00:00:00:00:02\n",
  ],
  ["an ebtables broute table", "rules", "*broute\n:BROUTING ACCEPT\n-A BROUTING -p ! IPv6 -j DROP\n"],
  [
    "a dnat in an inet table without its family",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tdnat to 10.0.0.1\n\t}\n}\n",
  ],
  [
    "an iptables match on an inet6 ipset",
    "rules",
    "create FOO3 hash:net family inet6\nadd FOO3 2001:db8::/32\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m set --match-set FOO3 src -j DROP\nCOMMIT\n",
  ],
  [
    "a typographic quote",
    "rules",
    "table ip t {\n\tchain c {\n\t\taccept comment \u201cFOO3\u201d\n\t}\n}\n",
  ],
  [
    "a LOG line garbled in its middle",
    "log",
    "[ 1.0] FOO3 IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=5555 DP TYPE=8 CODE=0 ID=12 SEQ=1 \n",
  ],
  [
    "a quoted prefix",
    "rules",
    'table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip saddr "10.0.0.0/8" drop\n\t}\n}\n',
  ],
  [
    "an ip6 match in an ip table, and ip and ip6 in one rule",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip6 saddr ::1 drop\n\t}\n}\ntable inet u {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tip saddr 10.0.0.1 ip6 daddr ::1 drop\n\t}\n}\n",
  ],
  [
    "a verdict map on a key not modelled, and iptables' random-fully",
    "rules",
    'table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tmeta iiftype vmap { ether : accept }\n\t}\n\tchain n {\n\t\ttype nat hook postrouting priority srcnat;\n\t\toifname "FOO3" masquerade random-fully\n\t}\n}\n',
  ],
  [
    "two transport protocols in one rule, a tcp reset for UDP, and a log prefix cut by its colon",
    "rules",
    "table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 22 udp dport 53 accept\n\t\tmeta l4proto udp reject with tcp reset\n\t\tlog prefix FOO3: drop\n\t}\n}\n",
  ],
  [
    "meta nfproto in a bridge table",
    "rules",
    "table bridge t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tmeta nfproto ipv4 drop\n\t}\n}\n",
  ],
  [
    "a masquerade in a filter chain",
    "rules",
    "table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tmasquerade\n\t}\n}\n",
  ],
  [
    "an ebtables dnat without its MAC",
    "rules",
    "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -j dnat --dnat-target ACCEPT\n",
  ],
  [
    "an iptables jump to a chain not declared",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j FOO3-x\nCOMMIT\n",
  ],
  [
    "an iptables jump to a chain declared below it",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j FOO3\n:FOO3 - [0:0]\nCOMMIT\n",
  ],
  [
    "a set declared again as a map",
    "rules",
    "table ip t {\n\tset FOO3 { type ipv4_addr; }\n\tmap FOO3 { type ipv4_addr : verdict; }\n}\n",
  ],
  [
    "an nft chain tied with a legacy iptables chain",
    "rules",
    "table ip t {\n\tchain FOO3 {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tmeta mark set 0x1\n\t}\n}\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m mark --mark 0x1 -j DROP\nCOMMIT\n",
  ],
  ["REJECT in mangle", "rules", "*mangle\n-A FORWARD -p icmp -j REJECT\nCOMMIT\n"],
  [
    "TPROXY",
    "rules",
    "*mangle\n-A PREROUTING -p tcp -j TPROXY --on-port 16931 --on-ip 127.0.0.1 --tproxy-mark 0x200/0xffffffff\nCOMMIT\n",
  ],
  ["SYNPROXY", "rules", "*filter\n-A FORWARD -p tcp -j SYNPROXY --mss 1460\nCOMMIT\n"],
  ["an owner match in INPUT", "rules", "*filter\n-A INPUT -m owner --uid-owner 1003 -j DROP\nCOMMIT\n"],
  ["an owner match", "rules", "*filter\n-A OUTPUT -m owner --uid-owner 1003 -j DROP\nCOMMIT\n"],
  ["-N without a chain", "rules", "*filter\n-N\nCOMMIT\n"],
  ["-I past the end", "rules", "*filter\n-A INPUT -j ACCEPT\n-I INPUT 3 -j DROP\nCOMMIT\n"],
  ["-D past the end", "rules", "*filter\n-D INPUT 2\nCOMMIT\n"],
  ["-R without a number", "rules", "*filter\n-R INPUT -j DROP\nCOMMIT\n"],
  ["-D with a number and a rule", "rules", "*filter\n-A INPUT -j ACCEPT\n-D INPUT 1 -j ACCEPT\nCOMMIT\n"],
  ["-D without a number or a rule", "rules", "*filter\n-D INPUT\nCOMMIT\n"],
  ["-D of a rule not there", "rules", "*filter\n-D INPUT -s 10.0.0.3 -j ACCEPT\nCOMMIT\n"],
  ["-P on a user chain", "rules", "*filter\n-N FOO3\n-P FOO3 DROP\nCOMMIT\n"],
  ["-P without a policy", "rules", "*filter\n-P INPUT\nCOMMIT\n"],
  ["-X of a built-in chain", "rules", "*filter\n-A INPUT -j ACCEPT\n-X INPUT\nCOMMIT\n"],
  ["-X of a chain with rules", "rules", "*filter\n-N FOO3\n-A FOO3 -j ACCEPT\n-X FOO3\nCOMMIT\n"],
  ["a target misspelt", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j DROPP\nCOMMIT\n"],
  ["-X of a chain jumped to", "rules", "*filter\n-N FOO3\n-A INPUT -j FOO3\n-X FOO3\nCOMMIT\n"],
  ["'!' before an address list", "rules", "*filter\n-A INPUT ! -s 10.0.0.1,10.0.0.3 -j DROP\nCOMMIT\n"],
  ["an empty address in a list", "rules", "*filter\n-A INPUT -s 10.0.0.1,,10.0.0.3 -j DROP\nCOMMIT\n"],
  [
    "a shared -4/-6 file ip6tables-restore refuses",
    "rules",
    "*filter\n-A INPUT -s 10.0.0.3 -j ACCEPT\n-A INPUT -6 -j DROP\nCOMMIT\n",
  ],
  ["--dport without -p", "rules", "*filter\n-A INPUT --dport 23 -j ACCEPT\nCOMMIT\n"],
  ["--syn with -p udp", "rules", "*filter\n-A INPUT -p udp --syn -j ACCEPT\nCOMMIT\n"],
  ["-o in INPUT", "rules", "*filter\n-A INPUT -o eth3 -j DROP\nCOMMIT\n"],
  ["-i in POSTROUTING", "rules", "*nat\n-A POSTROUTING -i eth3 -j MASQUERADE\nCOMMIT\n"],
  ["MASQUERADE in filter", "rules", "*filter\n-A FORWARD -o eth3 -j MASQUERADE\nCOMMIT\n"],
  [
    "-R with an address list",
    "rules",
    "*filter\n-A INPUT -j ACCEPT\n-R INPUT 1 -s 10.0.0.3,10.0.0.4 -j DROP\nCOMMIT\n",
  ],
  ["-N with two names", "rules", "*filter\n-N FOO3 BAR4\nCOMMIT\n"],
  ["-N with a target's name", "rules", "*filter\n-N LOG\nCOMMIT\n"],
  [
    "an IPv4 reject type in ip6tables",
    "rules",
    "# Generated by ip6tables-save v1.8.9\n*filter\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n",
  ],
  [
    "--icmp-type in ip6tables",
    "rules",
    "# Generated by ip6tables-save v1.8.9\n*filter\n-A INPUT -p icmp --icmp-type 8 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "--icmpv6-type in iptables",
    "rules",
    "# Generated by iptables-save v1.8.9\n*filter\n-A INPUT -p icmpv6 --icmpv6-type 128 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "address lists of more than 65536 rules",
    "rules",
    `*filter\n-A INPUT -s ${Array.from({ length: 300 }, (_, k) => `10.0.${k >> 8}.${k & 255}`).join(",")} -d ${Array.from({ length: 300 }, (_, k) => `10.1.${k >> 8}.${k & 255}`).join(",")} -j DROP\nCOMMIT\n`,
  ],
  ["-s twice", "rules", "*filter\n-A INPUT -s 10.0.0.3 -s 10.0.0.4 -j DROP\nCOMMIT\n"],
  ["-p twice", "rules", "*filter\n-A INPUT -p tcp -p udp -j DROP\nCOMMIT\n"],
  [
    "an interface name too long for Linux",
    "rules",
    "*filter\n-A INPUT -i averyveryverylong3 -j DROP\nCOMMIT\n",
  ],
  [
    "sixteen multiport ports",
    "rules",
    "*filter\n-A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -j DROP\nCOMMIT\n",
  ],
  ["a number that is not one", "log", logLine(FIELDS.replace("TTL=64", "TTL=abc"))],
  ["a number wider than its field", "log", logLine(FIELDS.replace("TTL=64", "TTL=300"))],
  ["a protocol the kernel does not print", "log", logLine(FIELDS.replace("PROTO=ICMP", "PROTO=FOO"))],
  [
    "addresses redacted before the log was shared (a LOG line, an nft trace's packet line, an ebtables line)",
    "log",
    [
      logLine(FIELDS.replace("SRC=198.51.100.10", "SRC=x.x.x.x")),
      logLine(FIELDS.replace("DST=203.0.113.10", "DST=203.0.113.XXX")),
      'trace id ff8d5c3e ip nat prerouting packet: iif "wan0" ip saddr <redacted> ip daddr 198.51.100.1 ip ttl 64 ip id 1 ip length 60 tcp sport 46194 tcp dport 8080 tcp flags == syn tcp window 64240 ',
      "[  970.733330] ebtable/nat-PREROUTING IN=veth-c1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=*** IP DST=172.17.0.3, IP tos=0x00, IP proto=1",
    ].join("\n"),
  ],
  [
    "addresses partly redacted before the log was shared, read as written (IPv4 and IPv6)",
    "log",
    [
      logLine(FIELDS.replace("SRC=198.51.100.10", "SRC=198.51.100.x")),
      logLine(FIELDS.replace("SRC=198.51.100.10", "SRC=xx.xx.100.10")),
      // An nft trace's packet line and ebtables lines (IPv4, IPv6), read as written too.
      'trace id a00ea269 inet t c packet: iif "eth0" ether saddr ce:86:c1:f0:30:2f ether daddr 92:40:bd:81:2b:12 ip saddr 198.51.xxx.1 ip daddr 198.51.100.2 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 61129 ip protocol icmp ip length 84 icmp type echo-request icmp code net-unreachable icmp id 22532 icmp sequence 1 ',
      "[63676.706558] pwlines4 IN=va OUT=vb MAC source = ce:86:c1:f0:30:2f MAC dest = 92:40:bd:81:2b:12 proto = 0x0800 IP SRC=198.51.100.x IP DST=198.51.100.2, IP tos=0x00, IP proto=1",
      "[63676.710537] pwlines6 IN=vb OUT=va MAC source = 92:40:bd:81:2b:12 MAC dest = ce:86:c1:f0:30:2f proto = 0x86dd IPv6 SRC=2001:0db8:xxxx:0000:0000:0000:0000:0002 IPv6 DST=2001:0db8:0000:0000:0000:0000:0000:0001, IPv6 priority=0x0, Next Header=58",
    ].join("\n"),
  ],
  [
    "a Proxmox VE firewall line without its last space, cut where pvefw-logger never ends one",
    "log",
    "102 4 veth102i0-OUT 03/Dec/2026:10:00:02 +0100 ACCEPT: IN=fwbr102i0 OUT=fwbr102i0 PHYSIN=veth102i0 PHYSOUT=fwln102o0 MAC=02:00:00:00:01:01:02:00:00:00:00:01:08:00 SRC=192.0.2.102 DST=203.0.113.9 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=99 DF PROTO=ICMP TYPE=8 CODE=0 ID=3",
  ],
  [
    "a MAC= in upper-case hex (a line edited or typed)",
    "log",
    logLine(FIELDS).replace("52:54:00:aa:00:10", "52:54:00:AA:00:10"),
  ],
  [
    "a line cut before a port",
    "log",
    logLine("SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 "),
  ],
  ["DST= before SRC=", "log", logLine("DST=203.0.113.10 SRC=198.51.100.10 LEN=84 ")],
  [
    "PROTO= without addresses",
    "log",
    logLine("LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 "),
  ],
  [
    "an ICMP error's quoted packet not closed",
    "log",
    logLine(
      "SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.10 DST=198.51.100.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=20 ",
    ),
  ],
  [
    "IP options not closed",
    "log",
    logLine(
      "SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF OPT (0101 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ",
    ),
  ],
  [
    "an INCOMPLETE not closed",
    "log",
    logLine(
      "SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP INCOMPLETE [8 bytes ",
    ),
  ],
  ["an interface name too long", "log", logLine(FIELDS).replace("IN=eth0", "IN=averyveryverylongname0")],
  ["an interface name not UTF-8", "log", logLine(FIELDS).replace("IN=eth0", "IN=eth\uFFFD")],
  ["a table cut short", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n"],
  [
    "a table without COMMIT before the next",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n",
  ],
  ["a chain not declared", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A FOO3 -j ACCEPT\nCOMMIT\n"],
  [
    "a whole-state compare that never matches",
    "rules",
    "table inet t {\n\tchain c3 {\n\t\ttype filter hook forward priority 0;\n\t\tct state == established,related drop\n\t}\n}\n",
  ],
  [
    "a whole-state compare that always matches",
    "rules",
    "table inet t {\n\tchain c3 {\n\t\ttype filter hook forward priority 0;\n\t\tct state != new,untracked drop\n\t}\n}\n",
  ],
  [
    "a quote not closed",
    "rules",
    '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "abc\nCOMMIT\n',
  ],
  ["-s without an address", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s\nCOMMIT\n"],
  ["-i without an interface", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i\nCOMMIT\n"],
  ["DNAT without its address", "rules", "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT\nCOMMIT\n"],
  ["a word outside a table", "rules", "foo bar3\n"],
  ["COMMIT outside a table", "rules", "COMMIT\n"],
  ["iptables -S output", "rules", "-P INPUT ACCEPT\n-A INPUT -j ACCEPT\n"],
  [
    "iptables -t mangle -S output",
    "rules",
    "-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-P PREROUTING ACCEPT\n-P POSTROUTING ACCEPT\n",
  ],
  [
    "an iptables -L listing",
    "rules",
    "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\n",
  ],
  ["a word that is no option", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT foo3 -j ACCEPT\nCOMMIT\n"],
  ["a table name misspelt", "rules", "*filtr\nCOMMIT\n"],
  ["a chain declaration without a policy", "rules", "*filter\n:INPUT\nCOMMIT\n"],
  ["a policy on a user chain", "rules", "*filter\n:FOO3 ACCEPT [0:0]\nCOMMIT\n"],
  ["a chain policy iptables does not know", "rules", "*filter\n:INPUT BOGUS3 [0:0]\nCOMMIT\n"],
  ["an option iptables does not know", "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s\nxyz3\nCOMMIT\n"],
  [
    "an IPv4 address with a fifth byte",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 1.2.3.4.5 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a port past 16 bits",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "an IPv6 address in an ip6tables-save table",
    "rules",
    "# Generated by ip6tables-save v1.8.7\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s zz::1 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "the rest of a LOG line split over two syslog lines",
    "log",
    "Mar  5 10:15:42 USG kernel: [WAN_LOCAL-default-D]IN=eth0 OUT= MAC=f4:92:bf:72:e4:fc:cc:79:d7:46:ce:af:08:00 SRC=198.51.100.20 DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=58 ID=31001 DF PROTO=TCP \nMar  5 10:15:42 USG kernel: SPT=51000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 \n",
  ],
  [
    "a Fluent Bit format json array on one line",
    "log",
    '[{"date":1709633742.25,"log":"DROP IN=eth0 "},{"date":1709633743.25,"log":"DROP IN=eth0 "}]\n',
  ],
  [
    "an Elasticsearch search response on one line",
    "log",
    '{"took":3,"timed_out":false,"hits":{"total":{"value":1},"hits":[{"_id":"1","_source":{"message":"DROP IN=eth0 "}}]}}\n',
  ],
  [
    "a ulogd JSON record printed over several lines",
    "log",
    '{\n  "timestamp": "2024-03-01T10:00:00",\n  "oob.prefix": "FOO3: ",\n  "src_ip": "198.51.100.7"\n}\n',
  ],
  [
    "an audit record of a packet",
    "log",
    "type=NETFILTER_PKT msg=audit(1709287200.123:42): mark=0x0 saddr=198.51.100.7 daddr=203.0.113.2 proto=6",
  ],
  [
    "a LOG line wrapped by a web page",
    "log",
    `${logLine("SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00")}\n    PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 `,
  ],
  [
    "a LOG line wrapped by a PDF's text, a blank line between its pieces (tester56 paste 04)",
    "log",
    `${logLine("SRC=198.51.100.10 DST=203.0.113.10 LEN=84 TOS=0x00")}\n\nPREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 `,
  ],
  [
    "a LOG line's rest two blank lines after its cut start",
    "log",
    "[  1.000000] iptable/filter-INPUT: IN=eth0 OUT=\n\n\nMAC=52:54:00:aa:00:10:52:54:00:aa:00:20:08:00\n",
  ],
  ["log lines joined on one line by a chat", "log", `${logLine(FIELDS)}${logLine(FIELDS)}`],
  [
    "nft trace lines joined on one line by a chat (OpenWrt issue 19814's trace)",
    "log",
    [
      'trace id 0f500d9a inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr 00:00:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip6 saddr 2001:470:971f:99::6 ip6 daddr 2001:db8:1:2:3:4:5:6 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 54 ip6 flowlabel 653951 ip6 nexthdr tcp ip6 length 40 tcp sport 43274 tcp dport 113 tcp flags == syn tcp window 64660',
      "trace id 0f500d9a inet fw4 raw_prerouting rule tcp dport 113 meta nftrace set 1 (verdict continue)",
    ].join(" "),
  ],
  [
    // A bracketed prefix ('[UFW BLOCK] IN=') now starts a record read apart (the line's ebtables packet
    // read, the cut record said at its end): an unbracketed one is still said where it starts.
    "an ebtables line joined to a LOG line cut after OUT= (a blog's trace, then a firewall's line)",
    "log",
    "TRACE: eb:broute:BROUTING IN=veth0594f4b OUT= MAC source = 02:42:c0:a8:00:02 MAC dest = 02:42:c0:a8:00:03 proto = 0x0800 IP SRC=192.168.0.2 IP DST=192.168.0.3, IP tos=0x00, IP proto=1 fw-drop IN=eth0 OUT=",
  ],
  [
    "a forum's lost spaces: MAC= glued to SRC=, and TTL= to ID= (an Ubuntu forum's PPTP post)",
    "log",
    [
      "Apr 2 18:42:16 ceylan-OptiPlex-390 kernel: [16830.871009] [UFW BLOCK]IN=eth0 OUT= MAC=d4:be:d9:e0:26:85:18:28:61:2b:ae:88:08:00SRC=50.7.49.82 DST=192.168.2.37 LEN=60 TOS=0x00 PREC=0x00 TTL=49ID=32077 DF PROTO=47 ",
      "Apr 2 18:42:16 ceylan-OptiPlex-390 kernel: [16831.058691] [UFW BLOCK]IN=eth0 OUT= MAC=d4:be:d9:e0:26:85:18:28:61:2b:ae:88:08:00 SRC=50.7.49.82 DST=192.168.2.37 LEN=61 TOS=0x00 PREC=0x00 TTL=49ID=32078 DF PROTO=47 ",
    ].join("\n"),
  ],
  [
    "white space other than a space around IN= and OUT=, and an empty OUT= glued to MAC= (pastes55 23, 13)",
    "log",
    [
      "[ 1.000000] [UFW BLOCK] IN=eth0\u3000OUT= SRC=192.168.1.147 DST=224.0.0.251 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 ",
      "[ 1.000000] [UFW BLOCK] IN=eth0 OUT= \u000bSRC=192.168.1.147 DST=224.0.0.251 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 ",
      "[ 1.000000] [UFW BLOCK] IN=eth0 \tOUT= \u000bSRC=192.168.1.147 DST=224.0.0.251 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 ",
      "[ 1.000000] [UFW BLOCK] IN=\\tOUT=wlan0 SRC=192.168.1.147 DST=224.0.0.251 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 ",
      "[ 1.000000] Inbound IN=wlan0 OUT=MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=81.230.168.75 DST=192.168.0.50 LEN=576 TOS=0x00 PREC=0xC0 TTL=64 ID=19214 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 ",
    ].join("\n"),
  ],
  [
    "a SIT device's TUNNEL= that lost its '>' (pastes55 14, edited)",
    "log",
    "[ 1.000000] iptable/filter-INPUT: IN=sit1 OUT= MAC= TUNNEL=198.51.100.1-198.51.100.2 SRC=203.0.113.1 DST=203.0.113.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 ",
  ],
  [
    "nft trace lines without their family (an nftables commit message's example)",
    "log",
    'trace id 32 t PRE_RAW packet: iif "enp0s3" ether saddr [..]\ntrace id 32 t PRE_RAW policy accept\n',
  ],
  [
    "a mail's quoted-printable source (netdev 2019, a legacy TRACE line)",
    "log",
    [
      "Sep 10 13:50:37 NETM06 kernel: [442740.425992] TRACE: raw:PREROUTING:policy=",
      ":2 IN=3Dmgmt-vrf OUT=3D MAC=3D00:22:48:07:cc:ad:74:83:ef:a9:ca:c1:08:00 SRC=",
      "=3D91.189.88.24 DST=3D10.24.12.10 LEN=3D60 TOS=3D0x00 PREC=3D0x00 TTL=3D51 =",
      "ID=3D0 DF PROTO=3DTCP SPT=3D80 DPT=3D40164 SEQ=3D2210516855 ACK=3D395460128=",
      "8 WINDOW=3D28960 RES=3D0x00 ACK SYN URGP=3D0 OPT (0204058A0402080AD62215769=",
      "7AC236D01030307)=0A=",
    ].join("\n"),
  ],
  [
    "fw4's include of a pattern",
    "rules",
    'table inet fw4 {\n\tinclude "/etc/nftables.d/*3.nft"\n\tchain input {\n\t\ttype filter hook input priority filter;\n\t}\n}\n',
  ],

  [
    "a LOG line shortened with '...'",
    "log",
    logLine("SRC=198.51.100.10 ... TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1 "),
  ],
  [
    "a queue target without bypass",
    "rules",
    "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j NFQUEUE --queue-num 3\nCOMMIT\n",
  ],
  [
    "nft's queue with bypass",
    "rules",
    "table inet t {\n\tchain c3 {\n\t\ttype filter hook forward priority 0;\n\t\tqueue flags bypass to 3\n\t}\n}\n",
  ],
  [
    "an IPv6 address in an iptables-save table",
    "rules",
    "# Generated by iptables-save v1.8.7\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s fd00::1 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a protocol's option given twice, to the match -p loads and to one -m",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --syn --syn -j ACCEPT\n-A INPUT -p udp --sport 3 --sport 4 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 3 --dport 4 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a target's option given twice, and options of a target and of a match that exclude each other",
    "rules",
    "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j LOG --log-prefix a3 --log-prefix b3\n-A PREROUTING -j MARK --set-mark 3 --and-mark 4\n-A PREROUTING -m connlimit --connlimit-upto 3 --connlimit-above 4 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a udplite rule's --dport, which iptables-restore refuses",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udplite --dport 3 -j ACCEPT\n-A INPUT -p udplite --sport 3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "iptables' own option written --option=value",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT --source=198.51.100.3 -j ACCEPT\n-A INPUT --jump=ACCEPT3\nCOMMIT\n",
  ],
  [
    "an ebtables chain's policy that is none",
    "rules",
    "*filter\n:INPUT RETURN\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n:MYCH3 FOO3\n-A FORWARD -j MYCH3\n",
  ],
  [
    "an ebtables option given twice, and the mark target's",
    "rules",
    "*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n:OUTPUT ACCEPT\n-A FORWARD -i eth3 -i eth4 -j ACCEPT\n-A FORWARD -j mark --mark-set 3 --mark-set 4\n",
  ],
  [
    "a policy element's option given twice, and a whole -m policy's",
    "rules",
    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m policy --dir in --pol ipsec --proto esp --proto ah -j ACCEPT\n-A INPUT -m policy --dir in --pol ipsec --strict --strict --reqid 3 -j ACCEPT\nCOMMIT\n",
  ],
  [
    "a LOG line folded at 80 characters (fold -w 80)",
    "log",
    "Dec  7 09:20:00 web1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:0\n0:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.7 DST=192.0.2.5 LEN=44 TOS=0x0\n0 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=41111 DPT=3389 WINDOW=1024 RES=0x00 S\nYN URGP=0 \n",
  ],
  [
    "a paste whose first line is the end of a LOG line (netdata's partial first line)",
    "log",
    " TTL=128 ID=31585 PROTO=UDP SPT=137 DPT=137 LEN=58 MARK=0 \n",
  ],
  [
    "an ARP line with a prefix no chain is known by (arptables' manual's 'arp-in:')",
    "log",
    "Mar  3 10:00:05 host kernel: [ 104.000001] arp-in: IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:12:34:56 IPSRC=192.0.2.10 MACDST=00:00:00:00:00:00 IPDST=192.0.2.1\n",
  ],
  [
    "a LOG line folded at 80 characters whose pieces do not read joined (TTL=999)",
    "log",
    "Dec  7 09:20:01 web1 kernel: [12346.100000] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:0\n0:aa:bb:cc:52:54:00:dd:ee:ff:08:00 SRC=198.51.100.23 DST=192.0.2.5 LEN=60 TOS=0x\n00 PREC=0x00 TTL=999 ID=4242 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00\n SYN URGP=0 \n",
  ],
  [
    "a MAC= a forum post hid ('mac_address')",
    "log",
    "Mar  3 10:00:01 gw kernel: filter/INPUT: IN=eth0 OUT= MAC=mac_address SRC=198.51.100.1 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 \n",
  ],
  [
    "log statements nft refuses: an option without its value, an unknown level or flag, audit with a prefix, a bare string",
    "rules",
    'table inet t {\n\tcounter FOO3 { }\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tlog group x7\n\t\tlog prefix\n\t\tlog level warn9\n\t\tlog flags foo3\n\t\tlog prefix "a" level audit\n\t\tlog prefix "x" "FOO3" accept\n\t}\n}\n',
  ],
  [
    "a secmark compared, a connection's secmark set to a constant, a secmark object missing",
    "rules",
    'table inet t {\n\tcounter FOO3 { }\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tmeta secmark 0x13\n\t\tct secmark set 7\n\t\tmeta secmark set "sel3"\n\t}\n}\n',
  ],
  [
    "a named counter, quota or limit without its name, or with an empty one",
    "rules",
    'table inet t {\n\tcounter FOO3 { }\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tcounter name ""\n\t\tquota name accept\n\t\tlimit name\n\t}\n}\n',
  ],
  [
    "an ether type set with a misspelt type",
    "rules",
    "table inet t {\n\tcounter FOO3 { }\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tether type { ip, ipv4 } accept\n\t}\n}\n",
  ],
  [
    "nft monitor trace lines cut inside a statement, a value, a rule's verdict or a verdict's word",
    "log",
    'trace id 0f500d90 inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr 00:00\ntrace id 0f500d91 inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr\ntrace id 0f500d92 inet fw4 raw_prerouting packet: iif "eth0.2" ip6\ntrace id 0f500d93 inet fw4 raw_prerouting packet: iif\ntrace id 0f500d94 arp filter input packet: iif "eth0" arp saddr ether\ntrace id 0f500d95 ip filter input packet: iif "eth0" ip saddr 198.51.100.1 ip daddr 203.0.\ntrace id 0f500d96 ip6 filter input packet: iif "eth0" ip6 saddr 2001:470:\ntrace id 0f500d97 ip filter input packet: iif "eth0" ip saddr 198.51.100.1 ip daddr 203.0.113.5 ip length 84x\ntrace id 0f500d98 ip filter input packet: iif "eth0" ip saddr 198.51.100.1 203.0.113.5\ntrace id 0f500d99 ip filter input packet: iif "eth0" ip 198.51.100.1\ntrace id 0f500d9a inet fw4 raw_prerouting rule tcp dport 113 meta nftrace set 1\ntrace id 0f500d9b inet fw4 raw_prerouting rule tcp dport 113 meta nftrace set 1 (verdict continue\ntrace id 0f500d9c inet fw4 raw_prerouting verdict cont\ntrace id 0f500d9d inet fw4 raw_prerouting policy acc\n',
  ],
  [
    "ebtables lines cut inside their fixed text, their protocol, their tails and ports, or with a note after the protocol",
    "log",
    "[    1.000000] ebt-in3 IN=veth1 OUT= MAC source = 02:42:ac:11:00:02 MAC\n[    1.000001] ebt-in3 IN=veth1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x08\n[    1.000002] ebt-in3 IN=veth1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP\n[    1.000003] ebt-in3 IN=veth1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=172.17.0.2 IP DST=172.17.0.3, IP tos=0x00, IP proto=17 SPT=51\n[    1.000004] ebt-in3 IN=veth1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 note3\n[    1.000005] ebt-in3 IN=veth1 OUT= MAC sourc\n[    1.000006] ebt-in3 IN=veth1 OUT= MAC source = 02:42:ac:11:00:02 MAC dest = 02:42:ac:11:00:03 proto = 0x0800 IP SRC=172.17.0.2 IP DST=172.17.0\n",
  ],
  [
    "an xtables-monitor packet line whose MAC lost a byte",
    "log",
    "PACKET: 2 2089bd8f IN=br0 MACSRC=2:42:ac:14:0:2 MACDST=2:42:a4:c7:f1 MACPROTO=0800 SRC=172.20.0.2 DST=40.89.244.232 LEN=84 TOS=0x0 TTL=64 ID=43751DF \n",
  ],
  [
    "an nft monitor trace folded at 80 columns (pastes54 39) and xtables-monitor lines wrapped at spaces (pastes54 19)",
    "log",
    'trace id 0f500d9a inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr 00:00\n:5E:00:53:b8 ether daddr 00:00:5E:00:53:e0 ip6 saddr 2001:470:971f:99::6 ip6 dad\ndr 2001:db8:1:2:3:4:5:6 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 54 ip6 flowlab\nel 653951 ip6 nexthdr tcp ip6 length 40 tcp sport 43274 tcp dport 113 tcp flags \n== syn tcp window 64660\ntrace id 0f500d9a inet fw4 raw_prerouting rule tcp dport 113 meta nftrace set 1 \n(verdict continue)\ntrace id 0f500d9a inet fw4 raw_prerouting verdict continue\nPACKET: 2 2089bd8f IN=br-406f2a425e0c MACSRC=2:42:ac:14:0:2 \nMACDST=2:42:a4:c7:f1:f1 MACPROTO=0800 SRC=172.20.0.2 DST=40.89.244.232 LEN=84 \nTOS=0x0 TTL=64 ID=43751DF \n TRACE: 2 2089bd8f raw:PREROUTING:rule:0x4:CONTINUE  -4 -t raw -A PREROUTING -p \nicmp -j TRACE\n TRACE: 2 2089bd8f raw:PREROUTING:return:\n TRACE: 2 2089bd8f raw:PREROUTING:policy:ACCEPT \n TRACE: 2 2089bd8f nat:PREROUTING:return:\n',
  ],
];

/** Files a reader drops by mistake, each named (the hints name it): what the playground's worker reads. */
const DROPPED: readonly [name: string, bytes: Uint8Array][] = [
  ["kern.log.xz", new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4, 0xe6, 0xd6])],
  ["kern.log.zst", new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4])],
  ["kern.log.bz2", new Uint8Array([0x42, 0x5a, 0x68, 0x39, 1, 2, 3, 4])],
  ["kern.log.lz4", new Uint8Array([0x04, 0x22, 0x4d, 0x18, 1, 2, 3, 4])],
  ["logs3.zip", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4])],
  ["system3.journal", new Uint8Array([0x4c, 0x50, 0x4b, 0x53, 0x48, 0x48, 0x52, 0x48, 0, 0])],
  ["capture3.pcap", new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0])],
  ["kern3.bin", new Uint8Array([0x41, 0x42, 0x01, 0x00, 0x43, 0x0a])],
  ["twice3.log.gz", new Uint8Array(gzipSync(gzipSync(`${TRUNCATED}\n`)))],
  // A .gz cut in its middle: the lines before are kept.
  [
    "cut3.log.gz",
    (() => {
      const whole = gzipSync(
        Array.from({ length: 400 }, (_, i) => logLine(FIELDS.replace("ID=1 DF", `ID=${i} DF`))).join("\n"),
      );
      return new Uint8Array(whole.subarray(0, whole.length >> 1));
    })(),
  ],
];

async function droppedDiagnostics(name: string, bytes: Uint8Array): Promise<Diagnostic[]> {
  const chunks = (async function* () {
    yield bytes;
  })();
  return (await new ParseSession().parse(chunks, { file: name })).diagnostics;
}

const diagnosticsOf = (kind: "log" | "rules", text: string): Diagnostic[] =>
  kind === "log" ? parseTraceText(text).diagnostics : parseRulesetFile(text, "r.rules").diagnostics;

/** What the core says about the made inputs and the fixtures that draw the rarer log and ruleset problems. */
const real: Diagnostic[] = [
  ...MADE.flatMap(([, kind, text]) => diagnosticsOf(kind, text)),
  ...(await Promise.all(DROPPED.map(([name, bytes]) => droppedDiagnostics(name, bytes)))).flat(),
  ...["arp-family", "journal-json", "real-xtables-monitor-dnat-trace", "ulogd-and-split-ebt"].flatMap(
    (dir) =>
      parseTraceText(readFileSync(join(ROOT, "test/fixtures/parse", dir, "input.log"), "utf8")).diagnostics,
  ),
  // A --prefix-map entry placing the host's own loopback lines at FORWARD (kernel 6.18, LOG in OUTPUT
  // and INPUT of a namespace, `ping 127.0.0.1`): MADE's inputs are parsed without options.
  ...parseTraceText(
    [
      "[53851.705618] fw-loopback IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9047 DF PROTO=ICMP TYPE=8 CODE=0 ID=14250 SEQ=1 ",
      "[53851.705638] fw-loopback IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=9047 DF PROTO=ICMP TYPE=8 CODE=0 ID=14250 SEQ=1 ",
    ].join("\n"),
    { prefixMap: { "fw-loopback": "ip:filter:FORWARD" } },
  ).diagnostics,
  // A header-less rules file read as IPv6 by its name.
  ...parseRulesetFile("*filter\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n", "rules.v6").diagnostics,
  // iptables-save then ebtables-save, each with its mistakes (a chain not declared in the bridge table).
  ...parseRulesetFile(
    readFileSync(join(ROOT, "test/fixtures/simulate/malformed-rules/input.rules"), "utf8"),
    "input.rules",
  ).diagnostics,
];

/** The values a message or hint carries: quoted words and words holding a digit (as the other zh test reads them). */
function valuesOf(english: string): string[] {
  const quoted = /(?<![A-Za-z])'([^']*)'/g;
  return [
    ...[...english.matchAll(quoted)].map((m) => m[1] as string),
    ...(english.replace(quoted, " ").match(/[^\s'",;:()[\]{}]*\d[^\s'",;:()[\]{}]*/g) ?? []),
  ].filter((v) => !v.endsWith("-compressed")); // `bzip2-compressed data`: the tool's name is kept, the word is translated
}
const ENGLISH_LEFT = /\b(is|are|the|which|not|here|was|must|cannot|does|its|this|than|only|expected|found)\b/;
const unquoted = (text: string) => text.replace(/(?<![A-Za-z])'[^']*'|"[^"]*"|`[^`]*`|「[^」]*」/g, "");
const CJK_TOUCHES_LATIN = /[\u3400-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u3400-\u9fff]/;
const SPACE_BY_FULL_WIDTH = /[\u3000-\u303f\uff00-\uffef] | [\u3000-\u303f\uff00-\uffef]/;

function expectChinese(english: string, zh: string | undefined): void {
  expect(zh, `no Chinese for "${english}"`).toBeDefined();
  expect(zh).toMatch(/[\u4e00-\u9fff]/);
  for (const value of valuesOf(english)) expect(zh, english).toContain(value);
  expect(unquoted(zh ?? ""), english).not.toMatch(ENGLISH_LEFT);
  expect(zh, english).not.toMatch(CJK_TOUCHES_LATIN);
  expect(zh, english).not.toMatch(SPACE_BY_FULL_WIDTH);
}

describe("a cut LOG line and the iptables-save reader's problems, in the zh-TW playground", () => {
  it.each(DROPPED)("says why %s cannot be read, in Chinese, with its hint", async (name, bytes) => {
    const [d] = await droppedDiagnostics(name, bytes);
    expect(d?.severity).toBe("error");
    const zh = diagnosticZh(d as Diagnostic);
    expect(zh?.code).toMatch(/^input-/);
    expectChinese(d?.message ?? "", zh?.message);
    // The hint names the file, but for a capture, which no command turns into a log.
    if (!name.endsWith(".pcap")) expect(d?.hint).toContain(name);
    expectChinese(d?.hint ?? "", zh?.hint);
    if (name === "cut3.log.gz") expect(zh?.message).toMatch(/：前面的行已經讀取，其餘的遺失了$/);
  });

  it("says a pasted text's binary bytes without naming a file", async () => {
    const [d] = await droppedDiagnostics("-", new Uint8Array([0x41, 0x00, 0x01, 0x0a]));
    expect(diagnosticZh(d as Diagnostic)).toEqual({
      code: "input-not-text",
      message: "錯誤：輸入應該是核心日誌的文字，卻是二進位資料（第 2 個位元組是零）",
      hint: "packetwalk 讀的核心日誌是文字（dmesg、journalctl -k、/var/log/kern.log）：請確認這個檔案是存下來的日誌，而不是別的檔案",
    });
  });

  it("says the reader's truncated line in Chinese, with its hint", () => {
    const [d] = diagnosticsOf("log", TRUNCATED);
    expect(d?.message).toBe("expected an IPv4 or IPv6 address after DST=, found '198.51.1'");
    expect(diagnosticZh(d as Diagnostic)).toEqual({
      code: "log-field-value",
      message: "錯誤：DST= 後面應該是 IPv4 或 IPv6 位址，卻是 '198.51.1'",
      hint: "核心印出的位址像 172.17.0.2 或 fd00:0000:...:0002 這樣：請確認這一行沒有被截斷或編輯過",
    });
  });

  it("says an empty field as empty", () => {
    const [d] = diagnosticsOf("log", "[  1.000001] iptable/filter-INPUTIN=eth0 OUT= SRC=203.0.113.1 DST=");
    expect(d?.message).toBe("expected an IPv4 or IPv6 address after DST=, found ''");
    expect(diagnosticZh(d as Diagnostic)?.message).toBe("錯誤：DST= 後面應該是 IPv4 或 IPv6 位址，卻是空的");
  });

  it("says an iptables-save table cut short in Chinese, with its hint", () => {
    const [d] = diagnosticsOf("rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n");
    expect(d?.message).toBe("table 'filter' was not closed with COMMIT");
    expect(diagnosticZh(d as Diagnostic)).toEqual({
      code: "xt-no-commit",
      message: "錯誤：table 'filter' 沒有以 COMMIT 結束",
      hint: "在 table 的結尾加上 COMMIT（iptables-restore 會拒絕沒有 COMMIT 的 table；檔案是不是被截斷了？）",
    });
  });

  it("says a chain not declared in an ebtables-save table in Chinese", () => {
    const d = real.find((x) => x.message.endsWith("is not declared in bridge table 'filter'"));
    expect(diagnosticZh(d as Diagnostic)).toEqual({
      code: "xt-chain-undeclared",
      message: "錯誤：bridge table 'filter' 裡沒有宣告 chain 'NOSUCH'",
      hint: "在 *filter 後面加上 ':NOSUCH ACCEPT'",
    });
  });

  it.each(MADE)("says %s in Chinese, with its values and its hint", (_, kind, text) => {
    const diagnostics = diagnosticsOf(kind, text);
    expect(diagnostics.length, "the core finds the problem this input was made to show").toBeGreaterThan(0);
    for (const d of diagnostics) {
      const zh = diagnosticZh(d);
      expectChinese(d.message, zh?.message);
      expect(zh?.message).toMatch(/^(警告|錯誤)：/);
      if (d.hint !== undefined) expectChinese(d.hint, zh?.hint);
    }
  });

  it.each(MORE_MESSAGES.map((k) => k.code))("knows %s as the core prints it", (code) => {
    const translated = real.filter((d) => diagnosticZh(d)?.code === code);
    expect(translated.length, `no real diagnostic is translated as ${code}`).toBeGreaterThan(0);
    for (const d of translated) {
      expectChinese(d.message, diagnosticZh(d)?.message);
      if (d.hint !== undefined) expectChinese(d.hint, diagnosticZh(d)?.hint);
    }
  });

  it("knows only hints the core gives, each in Chinese", () => {
    const given = new Set(real.map((d) => d.hint));
    for (const [english, zh] of MORE_HINTS) {
      expect(given.has(english), `no real diagnostic has the hint "${english}"`).toBe(true);
      expectChinese(english, zh);
    }
    for (const shape of MORE_HINT_SHAPES)
      expect(
        real.some((d) => d.hint !== undefined && shape.english.test(d.hint)),
        `no real diagnostic has a hint of the shape ${shape.english}`,
      ).toBe(true);
  });
});
