#!/usr/bin/env bash
# Runs the crate's wasm tests in headless Chromium and in Node against a local Kinesis Video
# endpoint on 127.0.0.1 (tests/wasm_client.rs calls it from both; in the browser the page's origin
# differs from the endpoint's, so those calls need CORS). The endpoint is always stopped at the end.
#
# Usage: tests/run-wasm-tests.sh [extra wasm-pack test arguments, e.g. -- --test wasm_client]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

log="$(mktemp)"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Port 0: the endpoint picks a free port and prints its URL.
KVS_LOCAL_PORT=0 node tests/local-endpoint/cli.mjs >"$log" 2>&1 &
server_pid=$!

url=""
for _ in $(seq 100); do
  url="$(sed -n 's/^Local Kinesis Video endpoint listening on //p' "$log")"
  [[ -n "$url" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the local endpoint did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "the local endpoint printed no URL within 10 s:" >&2
  cat "$log" >&2
  exit 1
fi
echo "local Kinesis Video endpoint: $url"
export KVS_TEST_ENDPOINT="$url"

WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome "$@"
wasm-pack test --node "$@"
