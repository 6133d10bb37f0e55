#!/usr/bin/env bash
# Installs the Debian packages callbridge needs, idempotently: `dpkg -s` decides what is
# missing; `apt-get update` runs once, and only when something is missing.
#   tools/install-deps.sh build   -> build libraries only (tools/run.sh)
#   tools/install-deps.sh test    -> build libraries + every real test peer (tools/test.sh)
set -euo pipefail

BUILD_PKGS=(pkg-config libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
            libopus-dev libsrtp2-dev libsqlite3-dev libssl-dev)
# Real peers used by integration tests and baselines used by benchmarks.
TEST_PKGS=(curl openssl ffmpeg baresip baresip-ffmpeg sip-tester linphone-cli coturn tshark sox procps
           chromium chromium-driver python3-selenium)

want=("${BUILD_PKGS[@]}")
[ "${1:-build}" = "test" ] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
