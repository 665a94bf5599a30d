#!/usr/bin/env bash
# Cross-compiles the hello service for linux/amd64 and linux/arm64 into app/bin/ (static, reproducible).
set -euo pipefail
cd "$(dirname "$0")/app"
VERSION="${VERSION:-$(git rev-parse --short HEAD 2>/dev/null || echo dev)}"
mkdir -p bin
for arch in amd64 arm64; do
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" GOFLAGS=-mod=mod go build -trimpath -buildvcs=false \
    -ldflags "-s -w -X main.version=$VERSION" -o "bin/hello-linux-$arch" .
done
