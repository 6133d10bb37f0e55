#!/usr/bin/env bash
# Installs what is missing, builds release, and runs the bridge on the embedded default:
# data under ./var (SQLite store, certificates), SIP on 127.0.0.1:5060, the web admin and REST
# API on https://127.0.0.1:8443/ (the first start prints the admin password once). Ctrl-C stops it.
# Extra arguments go to `callbridge serve` (see `callbridge serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh build
swift build -c release --product callbridge
mkdir -p var
exec .build/release/callbridge serve --data-directory ./var "$@"
