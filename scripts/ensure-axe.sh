#!/usr/bin/env bash
# Vendor axe-core (the accessibility engine the browser tests run in each page) into
# tests/e2e/vendor/axe.min.js: a pinned version from the npm registry, checked against
# its published integrity hash. Idempotent; the file is not committed.
set -euo pipefail

version="4.14.1"
integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/tests/e2e/vendor/axe.min.js"
stamp="$root/tests/e2e/vendor/axe.version"

if [ -f "$target" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "WARNING: npm is missing: cannot fetch axe-core $version; the accessibility tests will fail." >&2
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null)
tarball="$work/axe-core-$version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "axe-core $version: integrity mismatch ($actual)" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/axe.min.js
mkdir -p "$(dirname "$target")"
cp "$work/package/axe.min.js" "$target"
echo "$version" > "$stamp"
echo "axe-core $version vendored into tests/e2e/vendor/"
