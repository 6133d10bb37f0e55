#!/usr/bin/env bash
# Capacity: legs per core of the release bridge, measured with real SIP legs and real media.
# The bridge runs pinned to one CPU with one media worker; `callbridge-load ramp` runs pinned
# to another and adds legs until one receives < 28 fps (degradation off, so overload shows as
# frame rate) or the bridge answers 503. Cases: 720p allEqual, 720p speakerOnly, 1080p, 480p
# (allEqual), audio-only G.711 (PCMU) and Opus.
# Next to each video case, two baselines measured in the same invocation on the same CPU:
#  1. x264 ceiling: how many 30 fps encodes of that size one core sustains (ffmpeg libx264,
#     superfast + zerolatency, one thread, the bridge's bitrate) on the same content, twice:
#     on 90 pictures a sampled leg received from the bridge during the ramp (the composed
#     pictures, smoothed by one more coding pass) and on a load leg's own pictures (what the
#     bridge decodes: full detail and camera noise), each looped;
#  2. peer pipeline: an ffmpeg filter graph that decodes N inputs (the case's size and the load
#     legs' bitrate) and for each of N outputs stacks the other N−1 (xstack) and encodes them
#     with the same x264 settings; the largest N it runs in real time (speed ≥ 1.0x) on one core.
# Writes Benchmarks/results/capacity.md, a JSON and an SVG per case.
#
#   Benchmarks/capacity.sh                     # all cases
#   CASES="720p-allEqual audio-pcmu" Benchmarks/capacity.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
results="$here/results"
mkdir -p "$results"
CASES=${CASES:-"720p-allEqual 720p-speakerOnly 1080p-allEqual 480p-allEqual audio-pcmu audio-opus"}
MAX_LEGS=${MAX_LEGS:-40}
AUDIO_MAX_LEGS=${AUDIO_MAX_LEGS:-300}
work=$(mktemp -d /tmp/cb-capacity.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cpus=($(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0)))))'))
if [ "${#cpus[@]}" -lt 2 ]; then echo "capacity.sh needs two CPUs (bridge on one, load on the other)" >&2; exit 1; fi
bridge_cpu=${cpus[0]}; load_cpu=${cpus[1]}

(cd "$root" && swift build -c release --product callbridge >/dev/null && swift build -c release --product callbridge-load >/dev/null)
bin="$root/.build/release"

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The bridge's send bitrate (H264EncoderConfiguration.defaultBitrate: 0.065 bit/pixel at 30 fps).
bitrate_of() { case "$1" in 1920x1080) echo 4043k;; 1280x720) echo 1797k;; *) echo 793k;; esac; }

size_of() { case "$1" in 1080p) echo 1920x1080;; 720p) echo 1280x720;; 480p) echo 848x480;; esac; }

# Baseline 1: x264 encodes per second on one core / 30, on the same content: the composed
# pictures a sampled leg received from the bridge in this run (raw, recorded by
# callbridge-load --record-yuv), looped; the bridge's settings (superfast, zerolatency, one
# thread, the bridge's bitrate for the size).
x264_ceiling() {
  local size=$1 raw=$2 bitrate log frames utime
  bitrate=$(bitrate_of "$size")
  # Loop the clip to about 1800 pictures; the rate is pictures per second of CPU (-benchmark
  # utime), so it does not depend on how short the run is.
  local per_clip=$(( $(stat -c %s "$raw") / ( ${size%x*} * ${size#*x} * 3 / 2 ) ))
  log=$(taskset -c "$bridge_cpu" ffmpeg -hide_banner -nostdin -benchmark -f rawvideo -pix_fmt yuv420p -s "$size" -r 30 \
        -stream_loop $(( 1800 / (per_clip > 0 ? per_clip : 1) )) -i "$raw" \
        -c:v libx264 -preset superfast -tune zerolatency -profile:v baseline -b:v "$bitrate" -threads 1 -f null - 2>&1 | tr '\r' '\n')
  frames=$(echo "$log" | grep -o 'frame= *[0-9]*' | tail -1 | tr -dc '0-9')
  utime=$(echo "$log" | grep -o 'utime=[0-9.]*s' | tail -1 | tr -dc '0-9.')
  python3 -c "print(f'{${frames:-0} / max(float(\"${utime:-0}\" or 0), 1e-9) / 30:.2f}')"
}

# Baseline 2: largest N for which decode N + N×(xstack N−1, encode) runs in real time on one core.
peer_ok() {
  local n=$1 size=$2 w h tw th cols rows graph="" maps=() inputs=() i j k speed
  w=${size%x*}; h=${size#*x}
  for ((i = 0; i < n; i++)); do inputs+=(-i "$work/in$i.mp4"); done
  local others=$((n - 1))
  cols=1; while [ $((cols * cols)) -lt "$others" ]; do cols=$((cols + 1)); done
  rows=$(( (others + cols - 1) / cols ))
  tw=$(( (w / cols) / 2 * 2 )); th=$(( (h / rows) / 2 * 2 ))
  for ((i = 0; i < n; i++)); do
    graph+="[$i:v]scale=${tw}:${th},split=$others"
    for ((j = 0; j < n; j++)); do [ "$j" -ne "$i" ] && graph+="[s${i}_$j]"; done
    graph+=";"
  done
  for ((j = 0; j < n; j++)); do
    local layout="" pads=""
    k=0
    for ((i = 0; i < n; i++)); do
      [ "$i" -eq "$j" ] && continue
      pads+="[s${i}_$j]"
      layout+="$(( (k % cols) * tw ))_$(( (k / cols) * th ))|"
      k=$((k + 1))
    done
    if [ "$others" -eq 1 ]; then graph+="${pads}pad=${w}:${h}[o$j];"
    else graph+="${pads}xstack=inputs=$others:layout=${layout%|}:fill=black,pad=${w}:${h}[o$j];"; fi
    maps+=(-map "[o$j]" -c:v libx264 -preset superfast -tune zerolatency -profile:v baseline -b:v "$(bitrate_of "$size")" -threads 1 -f null -)
  done
  speed=$(taskset -c "$bridge_cpu" ffmpeg -hide_banner -nostdin -filter_threads 1 -filter_complex_threads 1 -threads 1 "${inputs[@]}" \
          -filter_complex "${graph%;}" "${maps[@]}" 2>&1 | tr '\r' '\n' | grep -o 'speed=[ 0-9.]*x' | tail -1 | tr -dc '0-9.')
  python3 -c "import sys; sys.exit(0 if float('${speed:-0}') >= 1.0 else 1)"
}

peer_pipeline() {
  local size=$1 n=2 best=0 rate
  # Inputs: what the load legs send in this case (the same size, camera-like noise, their
  # bitrate, 10 s each), so the peer decodes what the bridge decodes.
  case "$size" in 1920x1080) rate=2500k;; 1280x720) rate=1500k;; *) rate=700k;; esac
  rm -f "$work"/in*.mp4
  for ((i = 0; i < 12; i++)); do
    ffmpeg -hide_banner -nostdin -loglevel error -f lavfi -i "testsrc2=size=$size:rate=30" -t 10 \
        -vf "hue=h=$((i * 30)),noise=alls=6:allf=t" -c:v libx264 -preset superfast -tune zerolatency -b:v "$rate" -g 30 "$work/in$i.mp4"
  done
  while [ "$n" -le 12 ] && peer_ok "$n" "$size"; do best=$n; n=$((n + 1)); done
  echo "$best"
}

cat > "$work/spaces.json" <<'JSON'
[
  {"id": 1, "uri": "1000", "name": "allEqual", "defaultLayout": "allEqual", "mediaEncryption": "optional",
   "participantLabels": true, "qualityMain": "unrestricted"},
  {"id": 2, "uri": "1001", "name": "speakerOnly", "defaultLayout": "speakerOnly", "mediaEncryption": "optional",
   "participantLabels": true, "qualityMain": "unrestricted"}
]
JSON

table="| case | bridge legs held | bridge CPU (cores) | legs per core | x264 ceiling (legs/core): received / sent pictures | ratio | peer ffmpeg xstack pipeline (legs/core) | ratio | stopped because |
|---|---:|---:|---:|---:|---:|---:|---:|---|"
for case in $CASES; do
  resolution=${case%%-*}; layout=${case#*-}; args=(); max=$MAX_LEGS
  space=1000; [ "$layout" = speakerOnly ] && space=1001
  case "$case" in
    audio-pcmu) args=(--audio-only --audio pcmu --step 10 --call-rate 50); max=$AUDIO_MAX_LEGS;;
    audio-opus) args=(--audio-only --audio opus --step 10 --call-rate 50); max=$AUDIO_MAX_LEGS;;
    *) args=(--resolution "$resolution");;
  esac
  dir="$work/$case"; mkdir -p "$dir/var"; cp "$work/spaces.json" "$dir/var/spaces.json"
  port=$(free_port)
  taskset -c "$bridge_cpu" "$bin/callbridge" serve --data-directory "$dir/var" --sip-listen "127.0.0.1:$port" --admin-listen 127.0.0.1:0 --workers 1 \
      --no-degradation --maximum-legs 500 --log-level warning > "$dir/bridge.log" 2>&1 &
  bridge=$!; pids+=("$bridge")
  sleep 2
  echo "== $case: ramp (bridge on CPU $bridge_cpu, load on CPU $load_cpu)" >&2
  taskset -c "$load_cpu" timeout 900 "$bin/callbridge-load" ramp --bridge "127.0.0.1:$port" --space "$space" \
      --maximum-legs "$max" "${args[@]}" --bridge-pid "$bridge" --sample 1 --record-yuv "$dir/received.yuv" --write-loop "$dir/sent.h264" --json "$results/capacity-$case.json" \
      --svg "$results/capacity-$case.svg" > "$dir/load.txt" || true
  kill "$bridge" 2>/dev/null || true; wait "$bridge" 2>/dev/null || true
  read -r held cores lpc reason < <(python3 - "$results/capacity-$case.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cores = r.get("bridgeCores"); lpc = r.get("legsPerCore")
print(r["sustainedLegs"], f"{cores:.2f}" if cores else "n/a", f"{lpc:.2f}" if lpc else "n/a", r["stopReason"].replace("|", "/"))
PY
)
  ceiling="—"; ratio1="—"; peer="—"; ratio2="—"
  if [ "${case#audio}" = "$case" ]; then
    size=$(size_of "$resolution")
    ceiling=$(x264_ceiling "$size" "$dir/received.yuv")
    # The same ceiling on what the bridge decodes (a load leg's own pictures, full size).
    ffmpeg -hide_banner -nostdin -loglevel error -i "$dir/sent.h264" -f rawvideo -pix_fmt yuv420p "$dir/sent.yuv"
    ceiling_sent=$(x264_ceiling "$size" "$dir/sent.yuv")
    ceiling="$ceiling / $ceiling_sent"
    peer=$(peer_pipeline "$size")
    ratio1=$(python3 -c "print(f'{float(\"$lpc\")/float(\"${ceiling%% *}\"):.2f} / {float(\"$lpc\")/float(\"$ceiling_sent\"):.2f}' if '$lpc' != 'n/a' else 'n/a')")
    ratio2=$(python3 -c "print(f'{float(\"$lpc\")/float(\"$peer\"):.2f}' if '$lpc' != 'n/a' and float('$peer') > 0 else 'n/a')")
  fi
  table+="
| $case | $held | $cores | $lpc | $ceiling | $ratio1 | $peer | $ratio2 | $reason |"
  echo "$table" | tail -1 >&2
done

{
  echo "# Capacity ($(date -u +%Y-%m-%d), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  echo "Bridge: release build, one media worker pinned to CPU $bridge_cpu, degradation off. Load: callbridge-load ramp"
  echo "pinned to CPU $load_cpu, threshold 28 fps (audio: 20 ms packets, full rate = 30), one sampled leg."
  echo
  echo "$table"
} > "$results/capacity.md"
cat "$results/capacity.md"
