#!/bin/sh
# End-to-end WebRTC in headless Chromium against the local endpoint, with every packet kept inside
# the network namespace tests/support/run-in-netns.sh makes (a veth kvs0/kvs1, 10.77.0.1/24, a
# default route to a peer that does not exist), so nothing can reach the machine's real interfaces.
# Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN) and util-linux `unshare`, iproute2 `ip`, node, Chromium.
# Usage: run.sh [script.mjs]: a script of this folder to run in the namespace (default e2e.mjs; the
# others are interop.mjs, the KVS WebRTC SDK against connectViewer/connectMaster, and
# readme-examples.mjs, the README's two examples).
# Exit status: 0 on success; the whole run is bounded by KVS_WEBRTC_TIMEOUT seconds (default 60).
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
limit=${KVS_WEBRTC_TIMEOUT:-60}

fail() { echo "webrtc e2e: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || fail "must run as root (it creates a network namespace and a veth pair)"
command -v node >/dev/null 2>&1 || fail "node is not installed"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no Chromium at ${CHROMIUM:-/usr/bin/chromium}"
script=${1:-e2e.mjs}
case $script in
  */* | .* | "") fail "the script must be a file name of $here, not '$script'" ;;
esac
[ -f "$here/$script" ] || fail "no script $here/$script"
cd "$here/../.."
exec timeout -k 5 "$limit" "$here/../support/run-in-netns.sh" node "$here/$script"
