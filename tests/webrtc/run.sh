#!/bin/sh
# End-to-end WebRTC in headless Chromium against the local endpoint, with every packet kept inside
# a network namespace made here: `unshare -n` gives a fresh namespace; in it `lo` comes up and a
# veth pair kvs0/kvs1 with 10.77.0.1/24 on kvs0 and a default route via 10.77.0.2 (Chromium gathers
# no ICE candidates without a default route). The peer 10.77.0.2 does not exist and the veth's
# other end is in the same namespace, so nothing can reach the machine's real interfaces.
# Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN) and util-linux `unshare`, iproute2 `ip`, node, Chromium.
# Exit status: 0 on success; the whole run is bounded by KVS_WEBRTC_TIMEOUT seconds (default 60).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
limit=${KVS_WEBRTC_TIMEOUT:-60}

fail() { echo "webrtc e2e: $*" >&2; exit 2; }

if [ "${1:-}" != "--inside" ]; then
  [ "$(id -u)" = 0 ] || fail "must run as root (it creates a network namespace and a veth pair)"
  command -v unshare >/dev/null 2>&1 || fail "unshare (util-linux) is not installed"
  command -v ip >/dev/null 2>&1 || fail "ip (iproute2) is not installed"
  command -v node >/dev/null 2>&1 || fail "node is not installed"
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no Chromium at ${CHROMIUM:-/usr/bin/chromium}"
  unshare -n true 2>/dev/null || fail "unshare -n is not permitted here"
  exec timeout -k 5 "$limit" unshare -n -- "$0" --inside
fi

# Inside the new namespace, which has nothing but a loopback interface yet (refuse anything else,
# so this never touches the machine's own network configuration).
[ "$(ip -o link show | wc -l)" = 1 ] || fail "--inside is only for the fresh namespace run.sh makes"
ip link set lo up
ip link add kvs0 type veth peer name kvs1
ip addr add 10.77.0.1/24 dev kvs0
ip link set kvs0 up
ip link set kvs1 up
ip route add default via 10.77.0.2
cd "$here/../.."
exec node "$here/e2e.mjs"
