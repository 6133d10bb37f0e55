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
           chromium chromium-driver python3-selenium python3-venv)

want=("${BUILD_PKGS[@]}")
[ "${1:-build}" = "test" ] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# schemathesis (PyPI, pinned) for the API fuzz test, in a venv of Debian's python3 under the
# git-ignored .build-tools/.
if [ "${1:-build}" = "test" ]; then
  venv="$(dirname "$0")/../.build-tools/schemathesis"
  if [ ! -x "$venv/bin/schemathesis" ]; then
    echo "install-deps: installing schemathesis into $venv"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5
  fi
fi
