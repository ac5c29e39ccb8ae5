# Sourced by the bridge fixtures' record scripts (ebt-arp-bridge, ebt-mark-among, nft-bridge-reject): builds the lab their
# lab.json describes in throwaway namespaces $H (bridge br0 198.51.100.1/24, 02:00:00:00:01:01, ports
# veth-a and veth-b), $A (eth0 198.51.100.10, 02:00:00:00:01:0a) and $B (eth0 198.51.100.11,
# 02:00:00:00:01:0b), all removed on exit. `bridge_lab log` also sets nf_log_all_netns to 1, so that
# LOG prints from the namespaces, and sets it back to what it was on exit.
bridge_lab() {
  old_log=$(sysctl -n net.netfilter.nf_log_all_netns)
  trap 'for ns in "$A" "$B" "$H"; do ip netns del "$ns" 2>/dev/null; done; sysctl -qw net.netfilter.nf_log_all_netns="${old_log:-0}"' EXIT
  [ "${1:-}" = log ] && sysctl -qw net.netfilter.nf_log_all_netns=1
  for ns in "$H" "$A" "$B"; do ip netns add "$ns" || exit 1; ip -n "$ns" link set lo up; done
  ip -n "$H" link add br0 address 02:00:00:00:01:01 type bridge
  ip -n "$H" link set br0 up
  ip -n "$H" addr add 198.51.100.1/24 dev br0
  ip link add eth0 netns "$A" address 02:00:00:00:01:0a type veth peer name veth-a netns "$H" address 02:00:00:00:02:0a
  ip link add eth0 netns "$B" address 02:00:00:00:01:0b type veth peer name veth-b netns "$H" address 02:00:00:00:02:0b
  for p in veth-a veth-b; do ip -n "$H" link set "$p" master br0; ip -n "$H" link set "$p" up; done
  ip -n "$A" link set eth0 up; ip -n "$A" addr add 198.51.100.10/24 dev eth0
  ip -n "$B" link set eth0 up; ip -n "$B" addr add 198.51.100.11/24 dev eth0
  sleep 2  # ports forwarding
}

# Fixed neighbours in $A and $B for each other: only the packets a record script sends cross the bridge.
bridge_lab_neigh() {
  ip -n "$A" neigh replace 198.51.100.11 lladdr 02:00:00:00:01:0b dev eth0 nud permanent
  ip -n "$B" neigh replace 198.51.100.10 lladdr 02:00:00:00:01:0a dev eth0 nud permanent
}
