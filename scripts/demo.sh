#!/usr/bin/env bash
# The whole pipeline on this machine, on embedded defaults: local registries standing in for Docker
# Hub, GCR and GHCR, buildah as the builder, a generated signing key. Every step runs the bundled
# action (dist/<name>/index.js) through GitHub's env contract, exactly as a runner would.
#
#   npm run demo                 # starts a local Kubernetes cluster, deploys blue-green twice, stops it
#   npm run demo -- --keep       # …and leaves it running until Ctrl-C (look with .demo/kubeconfig)
#   npm run demo -- --no-cluster # no cluster: the deploy's dry-run plan (KUBECONFIG set: deploys there)
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
# The local cluster's binaries, from the tool belt's pinned Go modules: the first run builds them (an estimate,
# then one line per tool), later runs find them up to date.
if [[ " $* " != *" --no-cluster "* && -z "${KUBECONFIG:-}" ]]; then
  echo "demo: the local cluster's tools (etcd and Kubernetes v1.36.3, built once into .tools/bin)"
  bash scripts/tools.sh etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy
fi
exec node node_modules/tsx/dist/cli.mjs scripts/demo.ts "$@"
