#!/usr/bin/env bash
# Installs what is missing (build libraries and every real test peer), builds debug AND
# release (Swift 6 reports some concurrency errors only in release), and runs every test.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
tools/install-deps.sh test

echo "== debug build (with tests)"
swift build --build-tests
echo "== release build"
swift build -c release
echo "== tests"
# Serial: several tests run real-time media against real peers and measure frame rates;
# on a 2-core machine, running them beside CPU-heavy codec tests would starve them.
swift test --skip-build --no-parallel
echo "== all passed in $(( $(date +%s) - start )) s"
