#!/usr/bin/env bash
# A three-party demo on loopback: starts the bridge (release build) and three baresip clients
# whose cameras are distinct moving test videos (ffmpeg-generated files read by baresip's
# avformat module) and whose microphones are 440/880/1320 Hz tones; all three dial space 1000
# (allEqual). After DEMO_SECONDS (default 12) it saves what each participant receives as
# ./var/demo/<name>.png, then stops everything it started (by PID).
#   tools/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
SECONDS_IN_CALL=${DEMO_SECONDS:-12}

tools/install-deps.sh test
swift build -c release --product callbridge
out="$root/var/demo"
work=$(mktemp -d /tmp/callbridge-demo.XXXXXX)
mkdir -p "$out"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "${DEMO_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

sip_port=$(free_port)
.build/release/callbridge serve --data-directory "$work/var" --sip-listen "127.0.0.1:$sip_port" --admin-listen 127.0.0.1:0 >"$work/bridge.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q ready "$work/bridge.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/bridge.log" || { cat "$work/bridge.log"; echo "demo: bridge did not start" >&2; exit 1; }

names=(alice bob carol)
tones=(440 880 1320)
hues=(0 120 240)
controls=()
video_seconds=$((SECONDS_IN_CALL + 40))
# Cameras first (encoding them takes a few seconds each), so the three calls start together.
for i in 0 1 2; do
  name=${names[$i]}; dir="$work/$name"; mkdir -p "$dir"
  # A moving test picture, tinted per participant, with the name written on it.
  ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi \
    -i "testsrc2=size=640x360:rate=30,hue=h=${hues[$i]}:s=2,drawtext=text=${name}:fontsize=64:fontcolor=white:x=40:y=40" \
    -t $video_seconds -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 30 "$dir/camera.mp4" 2>/dev/null \
  || ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=640x360:rate=30,hue=h=${hues[$i]}:s=2" \
       -t $video_seconds -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 30 "$dir/camera.mp4"
done
for i in 0 1 2; do
  name=${names[$i]}; dir="$work/$name"
  sport=$(free_port); cport=$(free_port)
  while [ "$cport" = "$((sport + 1))" ]; do cport=$(free_port); done
  cat >"$dir/config" <<CONF
sip_listen		127.0.0.1:$sport
net_interface		127.0.0.1
module_path		/usr/lib/baresip/modules
module			g711.so
module			opus.so
module			avcodec.so
module			avformat.so
module			ausine.so
module			aubridge.so
module			fakevideo.so
module			snapshot.so
module			account.so
module_app		ctrl_tcp.so
module_app		menu.so
ctrl_tcp_listen		127.0.0.1:$cport
audio_source		ausine,${tones[$i]}
audio_player		aubridge,nil
ausrc_srate		48000
video_source		avformat,$dir/camera.mp4
video_display		fakevideo,nil
video_size		640x360
video_fps		30
video_bitrate		800000
statmode_default	off
CONF
  echo "<sip:$name@127.0.0.1>;regint=0;audio_codecs=opus/48000/2" >"$dir/accounts"
  HOME="$dir" baresip -f "$dir" -e "/dial sip:1000@127.0.0.1:$sip_port" -t $((SECONDS_IN_CALL + 40)) >"$dir/baresip.log" 2>&1 &
  pids+=($!)
  controls+=("$cport")
  sleep 1
done

for _ in $(seq 300); do grep -q "joined leg 3" "$work/bridge.log" && break; sleep 0.1; done
grep -q "joined leg 3" "$work/bridge.log" || { cat "$work/bridge.log"; echo "demo: not all three joined" >&2; exit 1; }
echo "demo: three participants in space 1000 for $SECONDS_IN_CALL s (bridge log: $work/bridge.log)"
sleep "$SECONDS_IN_CALL"
for i in 0 1 2; do
  python3 - "${controls[$i]}" "$out/${names[$i]}.png" <<'PY'
import json, socket, sys, time, os
port, path = int(sys.argv[1]), sys.argv[2]
if os.path.exists(path): os.remove(path)
s = socket.create_connection(("127.0.0.1", port), timeout=3)
body = json.dumps({"command": "snapshot_recv", "params": path, "token": "1"}).encode()
s.sendall(str(len(body)).encode() + b":" + body + b",")
deadline = time.time() + 5
while not os.path.exists(path) and time.time() < deadline: time.sleep(0.1)
time.sleep(0.3)
print(f"demo: saved {path}" if os.path.exists(path) else f"demo: no picture for {path}")
PY
done
grep -E "joined leg|BYE" "$work/bridge.log" | sed 's/^/demo: bridge: /' || true
