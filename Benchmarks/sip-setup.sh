#!/usr/bin/env bash
# UAS call set-up rate over UDP loopback with real media legs: SIPp's built-in `uac`
# scenario (INVITE with a PCMU offer, ACK, BYE) drives CALLS calls as fast as SIPp will
# (at most LIMIT open at once) against the release bridge (one media worker), and, in the
# same invocation, against SIPp's own `uas` scenario (no media, no SDP work) as the baseline.
# Prints calls/s for both and the ratio; writes Benchmarks/results/sip-setup.md.
#
#   Benchmarks/sip-setup.sh              # CALLS=2000 LIMIT=100 by default
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
CALLS=${CALLS:-2000}
LIMIT=${LIMIT:-100}
work=$(mktemp -d /tmp/cb-sip-setup.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

bin="$root/.build/release/callbridge"
if [ ! -x "$bin" ]; then (cd "$root" && swift build -c release --product callbridge >/dev/null); fi

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Runs the uac scenario against 127.0.0.1:$1 and prints "calls_per_second successful failed".
run_uac() {
  local target=$1 name=$2 start end
  local dir="$work/$name"; mkdir -p "$dir"
  start=$(date +%s.%N)
  (cd "$dir" && timeout 300 sipp -sn uac "127.0.0.1:$target" -s 1000 -m "$CALLS" -r 10000 -l "$LIMIT" \
      -i 127.0.0.1 -p "$(free_port)" -trace_stat -fd 1 -timeout 240 -timeout_error -bg >/dev/null 2>&1 || true)
  # -bg forks; wait for the scenario's stat file to report every call.
  local csv deadline=$((SECONDS + 280))
  while [ $SECONDS -lt $deadline ]; do
    csv=$(ls "$dir"/uac_*_.csv 2>/dev/null | head -1 || true)
    if [ -n "$csv" ] && ! pgrep -f "sipp -sn uac 127.0.0.1:$target" >/dev/null; then break; fi
    sleep 0.2
  done
  end=$(date +%s.%N)
  python3 - "$csv" "$start" "$end" <<'PY'
import sys
rows = [l.rstrip("\n").split(";") for l in open(sys.argv[1]) if l.strip()]
h, last = rows[0], rows[-1]
ok, failed = int(last[h.index("SuccessfulCall(C)")]), int(last[h.index("FailedCall(C)")])
elapsed = float(sys.argv[3]) - float(sys.argv[2])
print(f"{ok / elapsed:.0f} {ok} {failed}")
PY
}

bridge_port=$(free_port)
"$bin" serve --data-directory "$work/var" --sip-listen "127.0.0.1:$bridge_port" --admin-listen 127.0.0.1:0 --workers 1 \
  --maximum-legs 100000 --log-level warning >"$work/bridge.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q ready "$work/bridge.log" 2>/dev/null && break; sleep 0.1; done
ours=$(run_uac "$bridge_port" bridge)

uas_port=$(free_port)
(cd "$work" && sipp -sn uas -i 127.0.0.1 -p "$uas_port" -bg >/dev/null 2>&1 || true)
sleep 0.5
# -bg detaches; remember the PID so cleanup stops exactly this process (SIPp ignores SIGTERM).
uas_pid=$(pgrep -f "sipp -sn uas -i 127.0.0.1 -p $uas_port" | head -1 || true)
[ -n "$uas_pid" ] && pids+=("$uas_pid")
baseline=$(run_uac "$uas_port" sippuas)
[ -n "$uas_pid" ] && kill -9 "$uas_pid" 2>/dev/null || true

read -r ours_rate ours_ok ours_failed <<<"$ours"
read -r base_rate base_ok base_failed <<<"$baseline"
ratio=$(python3 -c "print(f'{$ours_rate / max($base_rate, 1):.2f}')")
mkdir -p "$here/results"
{
  echo "| UAS (SIPp uac, $CALLS calls, ≤ $LIMIT open) | calls/s | successful | failed |"
  echo "|---|---:|---:|---:|"
  echo "| callbridge serve (real media legs, 1 worker) | $ours_rate | $ours_ok | $ours_failed |"
  echo "| baseline: SIPp uas (no media) | $base_rate | $base_ok | $base_failed |"
  echo
  echo "ratio callbridge / SIPp uas: $ratio"
} | tee "$here/results/sip-setup.md"
