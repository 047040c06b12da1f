#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests.
# Installs it with apt when running as root; otherwise the browser tests skip loudly
# (and under CI=true they fail instead of skipping).
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (about a minute)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "WARNING: $chromium is missing and cannot be installed here (need root and apt-get)." >&2
echo "WARNING: the browser tests will be SKIPPED (under CI=true they fail)." >&2
