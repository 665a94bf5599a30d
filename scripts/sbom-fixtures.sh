#!/usr/bin/env bash
# Rebuilds the prebuilt Go binaries the SBOM tests use (test/fixtures/sbom/go-app-{amd64,arm64})
# from test/fixtures/sbom/go-src. The binaries are committed so tests and CI need no Go
# toolchain; rerun this after changing the source. Needs Go >= 1.18 (apt-get install golang-go).
# The dependencies are vendored, so no module download happens.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/sbom/go-src"
if ! command -v go >/dev/null; then
  echo "go not found: apt-get install -y golang-go" >&2
  exit 1
fi
for arch in amd64 arm64; do
  GOFLAGS=-mod=vendor CGO_ENABLED=0 GOOS=linux GOARCH="$arch" \
    go build -trimpath -buildvcs=false -ldflags="-s -w" -o "../go-app-$arch" .
done
go version -m ../go-app-amd64
