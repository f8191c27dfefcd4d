#!/bin/sh
# Runs a command inside a network namespace made for it, so a browser's WebRTC traffic can never
# reach the machine's real interfaces: `unshare -n` gives an empty namespace; in it `lo` comes up,
# plus a veth pair kvs0/kvs1 with 10.77.0.1/24 on kvs0 and a default route via 10.77.0.2 (Chromium
# gathers no ICE candidates without a default route). Both veth ends live in the namespace and the
# peer 10.77.0.2 does not exist. Used by the WebRTC end-to-end test and the demo's browser test.
# Usage: run-in-netns.sh <command> [args...]   (as root; needs util-linux unshare and iproute2 ip)
set -eu

die() { echo "run-in-netns: $*" >&2; exit 2; }

if [ "${KVS_NETNS:-}" != "inside" ]; then
  [ "$#" -gt 0 ] || die "usage: $0 <command> [args...]"
  [ "$(id -u)" = 0 ] || die "must run as root (it creates a network namespace and a veth pair)"
  command -v unshare >/dev/null 2>&1 || die "unshare (util-linux) is not installed"
  command -v ip >/dev/null 2>&1 || die "ip (iproute2) is not installed"
  unshare -n true 2>/dev/null || die "unshare -n is not permitted here"
  KVS_NETNS=inside exec unshare -n -- "$0" "$@"
fi

# Only ever configure the fresh namespace, which has nothing but a loopback interface yet.
[ "$(ip -o link show | wc -l)" = 1 ] || die "refusing to configure a namespace that is not fresh"
ip link set lo up
ip link add kvs0 type veth peer name kvs1
ip addr add 10.77.0.1/24 dev kvs0
ip link set kvs0 up
ip link set kvs1 up
ip route add default via 10.77.0.2
# The veth carrier comes up a moment later; a browser that starts before it sees the network change
# and aborts its requests then (net::ERR_NETWORK_CHANGED).
for _ in $(seq 50); do
  ip -o link show dev kvs0 | grep -q "state UP" && ip -o link show dev kvs1 | grep -q "state UP" && break
  sleep 0.1
done
exec "$@"
