#!/usr/bin/env bash
# Installs what is missing, builds release, and runs the bridge on the embedded default:
# data under ./var, loopback listen addresses. Stop it with Ctrl-C.
# Extra arguments go to `callbridge serve` (see `callbridge serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh build
swift build -c release --product callbridge
mkdir -p var
exec .build/release/callbridge serve --data-directory ./var "$@"
