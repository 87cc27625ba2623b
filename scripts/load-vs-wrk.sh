#!/usr/bin/env bash
# The load driver against wrk, side by side on the same server: the reference server's public
# heartbeat (`authconform serve`, its own process) on loopback. Each round runs both tools back to
# back (which goes first alternates, to cancel drift); the verdict is the median of the rounds'
# ratios, so one disturbed round does not decide it. Exits 1 below BAR.
#   scripts/load-vs-wrk.sh            # 9 rounds of 2 s, 32 connections, bar 0.9
#   ROUNDS=7 DURATION=5s CONNECTIONS=64 scripts/load-vs-wrk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${AUTHCONFORM_BIN:-target/release/authconform}
ROUNDS=${ROUNDS:-9}
DURATION=${DURATION:-2s}
CONNECTIONS=${CONNECTIONS:-32}
BAR=${BAR:-0.9}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)"; exit 2; }
[ -x "$BIN" ] || { echo "$BIN is missing: cargo build --release"; exit 2; }

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo "actk-load-vs-wrk" > "$work/token"
"$BIN" serve --dialect chroma --mode token --credentials-file "$work/token" --port 0 > "$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q "^serving" "$work/serve.out" && break; sleep 0.05; done
url=$(sed -n 's/^serving .* on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
[ -n "$url" ] || { cat "$work/serve.out"; echo "the server did not start"; exit 1; }
echo "server: $url/api/v2/heartbeat (authconform serve, chroma token), $CONNECTIONS connections, $DURATION per run"

run_wrk() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$url/api/v2/heartbeat" | awk '/^Requests\/sec:/ {print $2}'; }
run_load() {
  "$BIN" load --dialect chroma --mode token --base-url "$url" --endpoint heartbeat \
    -c "$CONNECTIONS" -d "$DURATION" | sed -n 's/^requests: [0-9]* (\([0-9.]*\)\/s)$/\1/p'
}
wrk_rates=(); load_rates=(); ratios=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then w=$(run_wrk); l=$(run_load); else l=$(run_load); w=$(run_wrk); fi
  r=$(awk -v l="$l" -v w="$w" 'BEGIN {printf "%.3f", l / w}')
  echo "round $round: wrk $w req/s, authconform load $l req/s, ratio $r"
  wrk_rates+=("$w"); load_rates+=("$l"); ratios+=("$r")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mw=$(median "${wrk_rates[@]}"); ml=$(median "${load_rates[@]}"); ratio=$(median "${ratios[@]}")
echo "median: wrk $mw req/s, authconform load $ml req/s; median ratio $ratio (bar $BAR)"
awk -v r="$ratio" -v b="$BAR" 'BEGIN {exit !(r >= b)}'
