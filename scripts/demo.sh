#!/usr/bin/env bash
# The whole pipeline on this machine, on embedded defaults: local registries standing in for Docker
# Hub, GCR and GHCR, buildah as the builder, a generated signing key. Every step runs the bundled
# action (dist/<name>/index.js) through GitHub's env contract, exactly as a runner would.
#
#   npm run demo                 # KUBECONFIG set → deploys to that cluster; unset → dry-run plan
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/lib/setup.sh

ensure_pnpm
ensure_node_modules
TESTBED_SKIP_TOOLS=1 bash scripts/testbed.sh
# The example service is Go; its image is built with a Go toolchain image made from this host's golang-go
# (scripts/lib/go-toolchain.ts), compiling on the build platform for each target platform.
if ! command -v go >/dev/null 2>&1; then
  echo "demo: installing Debian's golang-go to cross-compile the example service"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q -y -o DPkg::Lock::Timeout=300 install golang-go >/dev/null ||
    { apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null && apt-get -q -y -o DPkg::Lock::Timeout=300 install golang-go >/dev/null; }
fi
exec node node_modules/tsx/dist/cli.mjs scripts/demo.ts "$@"
