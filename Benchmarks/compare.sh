#!/usr/bin/env bash
# Runs the codec benchmarks (Swift, ordo-one/benchmark) and, in the same invocation, the same
# operations through the ffmpeg command line, single-threaded, on the same input pictures and
# samples; prints one table and writes it to Benchmarks/results/latest.md.
#
#   Benchmarks/compare.sh          # from anywhere; about 4 minutes after the first build
#   REPEAT=5 Benchmarks/compare.sh # ffmpeg runs per measurement (median kept), default 3
#
# Both columns are CPU time per frame, so that a busy machine (this one has 2 cores and is
# shared) inflates them less than wall time would; the wall-clock view is in results/latest.md.
#   ours:   p50 of the "Thread CPU (ns)" metric: CPU time of the one measured codec call.
#   ffmpeg: (user+system CPU of the operation - that of the same command without the operation)
#           / frames, from ffmpeg's own `-benchmark` line (its transcode loop only; start-up and
#           option parsing are outside it). The subtracted "null" run reads and demuxes the same
#           input and writes to the null muxer, so reading, demuxing and frame passing cancel.
# Inputs come from BenchmarkInputs (this package): the very SyntheticVideoSource/ToneGenerator
# content the Swift benchmarks use, and for decode H264Encoder's own bitstream. The script checks
# that ffmpeg's libx264 options reproduce H264Encoder's bitstream byte for byte.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPEAT=${REPEAT:-3}
FRAMES=300          # raw video frames per encode size (frames 0..<300, as the Swift benchmark)
DECODE_FRAMES=600   # 720p access units in the decode test file
SCALE_LOOPS=5       # passes over the 300 raw 720p frames for the scale test
TONE_SECONDS=300    # 15000 Opus frames of 20 ms

say() { echo "compare.sh: $*" >&2; }
die() { echo "compare.sh: error: $*" >&2; exit 1; }

command -v ffmpeg >/dev/null 2>&1 ||
  die "ffmpeg is not installed; it is the baseline. Install it (Debian: apt-get install ffmpeg; tools/install-deps.sh test does it)."
command -v swift >/dev/null 2>&1 || die "swift is not on PATH."
command -v python3 >/dev/null 2>&1 || die "python3 is needed to read the benchmark export (JMH JSON)."
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer, got '$REPEAT'."
encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null) decoders=$(ffmpeg -hide_banner -decoders 2>/dev/null)
grep -q ' libx264 ' <<<"$encoders" || die "this ffmpeg has no libx264 encoder."
grep -q ' libopus ' <<<"$encoders" || die "this ffmpeg has no libopus encoder."
grep -q ' libopus ' <<<"$decoders" || die "this ffmpeg has no libopus decoder."

# System-wide busy CPU seconds (all CPUs, steal included) from /proc/stat; with this script's
# own CPU (its children's) it tells how much else ran on the machine meanwhile.
busy_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat
}
busy_at_start=$(busy_seconds) wall_at_start=$(date +%s.%N)
work=$(mktemp -d "${TMPDIR:-/tmp}/callbridge-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$here"

# --- Swift side -------------------------------------------------------------------------------
say "building BenchmarkInputs (release; a first build of this package takes a few minutes)"
if ! swift build -c release --product BenchmarkInputs >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  die "swift build failed (log above)."
fi
inputs="$(swift build -c release --show-bin-path)/BenchmarkInputs"

say "running the Swift benchmarks (about 80 s)"
if ! swift package --allow-writing-to-directory "$work" benchmark run \
    --format jmh --path "$work" --no-progress >"$work/swift.log" 2>&1; then
  tail -n 40 "$work/swift.log" >&2
  die "swift package benchmark failed (log above)."
fi
jmh=$(find "$work" -maxdepth 1 -name '*.jmh.json' | head -n 1)
[ -n "$jmh" ] || { tail -n 20 "$work/swift.log" >&2; die "the benchmark run wrote no JMH export."; }

# --- ffmpeg side ------------------------------------------------------------------------------
# Runs `ffmpeg -benchmark ARGS` REPEAT times; prints "CPU RTIME" in seconds, each the median.
ffbench() {
  local i out u s r cpu=() wall=()
  for ((i = 0; i < REPEAT; i++)); do
    if ! out=$(ffmpeg -hide_banner -nostdin -benchmark "$@" 2>&1); then
      printf '%s\n' "$out" | tail -n 20 >&2
      die "ffmpeg failed: ffmpeg $*"
    fi
    read -r u s r < <(sed -n 's/^bench: utime=\([0-9.]*\)s stime=\([0-9.]*\)s rtime=\([0-9.]*\)s$/\1 \2 \3/p' <<<"$out")
    [ -n "${r:-}" ] || die "no 'bench:' line from: ffmpeg $*"
    cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')")
    wall+=("$r")
  done
  local mid=$(((REPEAT + 1) / 2))
  echo "$(printf '%s\n' "${cpu[@]}" | sort -g | sed -n "${mid}p") $(printf '%s\n' "${wall[@]}" | sort -g | sed -n "${mid}p")"
}

results="$work/ffmpeg.tsv"   # benchmark name, frames, op CPU, op rtime, null CPU, null rtime
measure() {                   # measure NAME FRAMES -- NULL_ARGS... -- OP_ARGS...
  local name=$1 frames=$2 null_args=() null op op_cpu op_wall null_cpu null_wall
  shift 3
  while [ "$1" != "--" ]; do null_args+=("$1"); shift; done
  shift
  null=$(ffbench "${null_args[@]}")
  op=$(ffbench "$@")
  read -r op_cpu op_wall <<<"$op"
  read -r null_cpu null_wall <<<"$null"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$frames" "$op_cpu" "$op_wall" "$null_cpu" "$null_wall" >>"$results"
  say "  $name: $frames frames, ffmpeg CPU ${op_cpu}s wall ${op_wall}s; without the operation CPU ${null_cpu}s wall ${null_wall}s"
}
: >"$results"

# The libx264 settings H264Encoder applies (H264Encoder.swift / H264EncoderConfiguration.swift).
x264_args() {  # x264_args WIDTH HEIGHT PRESET
  local bitrate=$(($1 * $2 * 30 * 65 / 1000000 * 1000))
  ((bitrate < 100000)) && bitrate=100000
  echo "-c:v libx264 -threads 1 -preset $3 -tune zerolatency -profile:v baseline -b:v $bitrate" \
       "-maxrate $bitrate -bufsize $bitrate -g 1800 -bf 0 -forced-idr 1 -x264-params scenecut=0"
}
# The libopus settings OpusEncoder's default configuration applies.
opus_args="-c:a libopus -b:a 32k -application voip -frame_duration 20 -compression_level 5 -vbr on -fec 1 -packet_loss 5"

# Same settings, same bitstream: otherwise the comparison would be of two different encodes.
"$inputs" video 848 480 30 >"$work/check.yuv"
# shellcheck disable=SC2046
ffmpeg -hide_banner -nostdin -loglevel error -f rawvideo -pix_fmt yuv420p -s 848x480 -r 30 -i "$work/check.yuv" \
  $(x264_args 848 480 superfast) -f h264 "$work/check-ffmpeg.h264"
"$inputs" h264 848 480 30 superfast >"$work/check-ours.h264"
cmp -s "$work/check-ours.h264" "$work/check-ffmpeg.h264" ||
  say "warning: ffmpeg's libx264 options no longer reproduce H264Encoder's bitstream; update x264_args"
rm -f "$work"/check*

say "timing ffmpeg (REPEAT=$REPEAT, median kept)"
for size in 1920x1080 1280x720 848x480; do
  w=${size%x*} h=${size#*x}
  raw="$work/$size.yuv"
  "$inputs" video "$w" "$h" "$FRAMES" >"$raw"
  raw_in=(-f rawvideo -pix_fmt yuv420p -s "$size" -r 30 -i "$raw")
  for preset in superfast ultrafast; do
    # shellcheck disable=SC2207
    enc=($(x264_args "$w" "$h" "$preset"))
    measure "H264 encode $size $preset" "$FRAMES" -- "${raw_in[@]}" -f null - -- "${raw_in[@]}" "${enc[@]}" -f null -
  done
  if [ "$size" = 1280x720 ]; then
    measure "Scale 1280x720 to 640x360 pane" $((FRAMES * SCALE_LOOPS)) \
      -- -filter_threads 1 -stream_loop $((SCALE_LOOPS - 1)) "${raw_in[@]}" -f null - \
      -- -filter_threads 1 -stream_loop $((SCALE_LOOPS - 1)) "${raw_in[@]}" -vf scale=640:360:flags=bilinear -f null -
  fi
  rm -f "$raw"
done

# Decode: H264Encoder's own 720p superfast bitstream, the one the Swift decode benchmark decodes.
"$inputs" h264 1280 720 "$DECODE_FRAMES" superfast >"$work/720p.h264"
measure "H264 decode 1280x720" "$DECODE_FRAMES" \
  -- -i "$work/720p.h264" -c:v copy -f null - \
  -- -threads 1 -i "$work/720p.h264" -f null -

"$inputs" tone "$TONE_SECONDS" >"$work/tone.s16"
tone_in=(-f s16le -ar 48000 -ac 1 -i "$work/tone.s16")
# shellcheck disable=SC2086
measure "Opus encode 48k mono 20ms" $((TONE_SECONDS * 50)) \
  -- "${tone_in[@]}" -f null - \
  -- "${tone_in[@]}" $opus_args -f null -
# shellcheck disable=SC2086
ffmpeg -hide_banner -nostdin -loglevel error "${tone_in[@]}" $opus_args "$work/tone.ogg"
# -c:a libopus before -i: ffmpeg would otherwise use its native Opus decoder, not libopus.
measure "Opus decode 48k mono 20ms" $((TONE_SECONDS * 50)) \
  -- -i "$work/tone.ogg" -c:a copy -f null - \
  -- -c:a libopus -i "$work/tone.ogg" -f null -

# --- table ------------------------------------------------------------------------------------
mkdir -p "$here/results"
# `times` must run in this shell (not in a $(...) subshell): its second line is the user and
# system CPU of this script's finished children, i.e. the benchmarks and every ffmpeg run.
times >"$work/times"
other_cpu=$(awk -v b0="$busy_at_start" -v b1="$(busy_seconds)" -v w0="$wall_at_start" -v w1="$(date +%s.%N)" '
  NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); mine += t[1] * 60 + t[2] } }
  END { o = (b1 - b0 - mine) / (w1 - w0); printf "%.2f", o < 0 ? 0 : o }' "$work/times")
python3 - "$jmh" "$results" "$here/results/latest.md" "$REPEAT" "$other_cpu" <<'PY'
import datetime, json, os, platform, subprocess, sys

jmh_path, ffmpeg_path, out_path, repeat, other_cpu = sys.argv[1:6]

# JMH export: time metrics in microseconds; countable ones (mallocs, the custom CPU metric) raw.
prefix = "package.benchmark.CodecBenchmarks."
swift = {}
for element in json.load(open(jmh_path)):
    if element["benchmark"].startswith(prefix):
        swift[element["benchmark"][len(prefix):].replace("_", " ")] = element["secondaryMetrics"]

ffmpeg = {}  # name -> (CPU ms per frame, wall ms per frame)
for line in open(ffmpeg_path):
    name, frames, op_cpu, op_wall, null_cpu, null_wall = line.rstrip("\n").split("\t")
    n = int(frames)
    ffmpeg[name] = ((float(op_cpu) - float(null_cpu)) * 1000 / n, (float(op_wall) - float(null_wall)) * 1000 / n)

rows = [
    ("H.264 encode 1920x1080 superfast", "H264 encode 1920x1080 superfast"),
    ("H.264 encode 1280x720 superfast", "H264 encode 1280x720 superfast"),
    ("H.264 encode 848x480 superfast", "H264 encode 848x480 superfast"),
    ("H.264 encode 1920x1080 ultrafast", "H264 encode 1920x1080 ultrafast"),
    ("H.264 encode 1280x720 ultrafast", "H264 encode 1280x720 ultrafast"),
    ("H.264 encode 848x480 ultrafast", "H264 encode 848x480 ultrafast"),
    ("H.264 decode 1280x720", "H264 decode 1280x720"),
    ("Scale 1280x720 to 640x360 (bilinear)", "Scale 1280x720 to 640x360 pane"),
    ("Opus encode 48 kHz mono 20 ms", "Opus encode 48k mono 20ms"),
    ("Opus decode 48 kHz mono 20 ms", "Opus decode 48k mono 20ms"),
]
missing = [bench for _, bench in rows if bench not in swift or bench not in ffmpeg]
if missing:
    sys.exit(f"compare.sh: error: no result for {missing}")

def pct(metrics, metric, percentile="50.0"):
    return metrics[metric]["scorePercentiles"][percentile]

def ms(value):
    if value <= 0:
        return "n/a"
    return f"{value:.3f}" if value >= 0.1 else f"{value:.4f}"

def ratio(ours, theirs):
    return f"{ours / theirs:.2f}" if ours > 0 and theirs > 0 else "n/a"

cpu_lines = [
    "| operation | ours (ms per frame, p50) | ffmpeg CLI (ms per frame) | ratio (ours/ffmpeg) | mallocs per frame (ours) |",
    "|---|---:|---:|---:|---:|",
]
wall_lines = [
    "| operation | ours wall (ms per frame, p50) | ffmpeg CLI wall (ms per frame) | ratio (ours/ffmpeg) |",
    "|---|---:|---:|---:|",
]
busy = []
for label, bench in rows:
    m = swift[bench]
    ours_cpu = pct(m, "Thread CPU (ns)") / 1e6
    ours_wall = pct(m, "Time (wall clock)") / 1000
    ff_cpu, ff_wall = ffmpeg[bench]
    mallocs = f"{pct(m, 'Malloc (total)'):g}"
    low, high = pct(m, "Malloc (total)", "0.0"), pct(m, "Malloc (total)", "100.0")
    if low != high:
        mallocs += f" ({low:g}–{high:g})"
    cpu_lines.append(f"| {label} | {ms(ours_cpu)} | {ms(ff_cpu)} | {ratio(ours_cpu, ff_cpu)} | {mallocs} |")
    wall_lines.append(f"| {label} | {ms(ours_wall)} | {ms(ff_wall)} | {ratio(ours_wall, ff_wall)} |")
    # Wall well above CPU for a single-threaded call means it waited for a core.
    if ours_wall > 1.1 * ours_cpu or ff_wall > 1.1 * ff_cpu:
        busy.append(label)
table = "\n".join(cpu_lines)

notes = [
    "ours: p50 CPU time of one H264Encoder.encode / H264Decoder.decode / Scaler.scale / "
    "OpusEncoder.encode / OpusDecoder.decode call (this thread; the codecs run single-threaded), "
    "input preparation outside the measured region. mallocs: p50 of all malloc-family calls in "
    "the process during that call (min–max in brackets when they differ).",
    "ffmpeg CLI: (user+system CPU of the command - that of the same command without the "
    f"operation) / frames, median of {repeat} runs each, -threads 1, same input pictures, "
    "samples and codec settings (same H.264 bitstream).",
]
floor = swift.get("Harness empty region")
if floor:
    notes.append(f"Harness floor (empty measured region): p50 {pct(floor, 'Time (wall clock)'):g} µs wall, "
                 f"{pct(floor, 'Thread CPU (ns)') / 1000:g} µs CPU, {pct(floor, 'Malloc (total)'):g} mallocs.")
notes.append(f"Other processes used {other_cpu} CPUs on average during the run "
             f"({os.cpu_count()} CPUs here; this script keeps one busy).")
if float(other_cpu) > 0.2:
    notes.append("WARNING: the machine was not idle; a neighbour on the other CPU slows both sides "
                 "(shared caches, memory bandwidth) by different amounts. Rerun on an idle machine.")
if busy:
    notes.append("WARNING: wall time ran >10% above CPU time (waiting for a CPU) during: "
                 + ", ".join(busy) + ".")

def first_line(command):
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except Exception:
        return "?"

cpu = "?"
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except Exception:
    pass
with open(out_path, "w") as f:
    f.write("# Codec benchmarks vs the ffmpeg command line\n\n")
    f.write(f"Run {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on "
            f"{platform.node()}: {cpu}, {os.cpu_count()} CPUs; {first_line(['swift', '--version'])}; "
            f"{first_line(['ffmpeg', '-hide_banner', '-version']).split(' Copyright')[0]}. Produced by `Benchmarks/compare.sh`; "
            "Benchmarks/README.md says what each row measures.\n\n")
    f.write(table + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n\n")
    f.write("## Wall-clock view (same run)\n\n" + "\n".join(wall_lines) + "\n\n"
            "- ours: p50 wall time of the same calls; ffmpeg: the same difference of `rtime`.\n")
print(table)
print()
for n in notes:
    print(n)
PY
say "table written to $here/results/latest.md"
