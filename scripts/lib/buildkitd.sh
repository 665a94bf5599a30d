#!/usr/bin/env bash
# What a real BuildKit needs on this machine kind, for testing/testbed/src/buildkit.ts (the buildx e2e and the
# build bench): Debian's runc for buildkitd's OCI worker, the qemu-aarch64 binfmt handler with the F flag
# (runc's sandbox has no /usr/libexec/qemu-binfmt inside: the kernel must hold the interpreter open), and
# buildkitd/buildctl/buildx from the tool belt. Idempotent and quick when done. scripts/testbed.sh calls
#   bash "$ROOT/scripts/lib/buildkitd.sh"            # after install_packages and enable_binfmt
# (runc belongs in its PACKAGES; buildkitd buildctl buildx in scripts/tools.sh's SUITE). Run it alone
# with --smoke to start a buildkitd on a private socket, list its worker, and stop it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$ROOT/.tools/bin"

log() { printf 'buildkitd: %s\n' "$*" >&2; }
die() {
  printf 'buildkitd: error: %s\n' "$*" >&2
  exit 1
}

ensure_runc() {
  command -v runc >/dev/null 2>&1 && return 0
  log "installing runc (buildkitd's OCI worker)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q -o DPkg::Lock::Timeout=300 update
  apt-get -q -y -o DPkg::Lock::Timeout=300 install runc
}

check_binfmt() {
  local entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
  [[ -f "$entry" ]] || die "no qemu-aarch64 binfmt handler (scripts/testbed.sh enables it: qemu-user-static, binfmt-support)"
  head -n1 "$entry" | grep -qx enabled || die "the qemu-aarch64 binfmt handler is disabled"
  grep -q '^flags: .*F' "$entry" ||
    die "the qemu-aarch64 binfmt handler lacks the F flag: arm64 RUN steps cannot start inside BuildKit's runc sandbox (Debian's qemu-user-static registers it with F; re-run update-binfmts --enable qemu-aarch64)"
}

ensure_tools() {
  local missing=() t
  for t in buildkitd buildctl buildx; do [[ -x "$BIN/$t" ]] || missing+=("$t"); done
  ((${#missing[@]} == 0)) && return 0
  log "building ${missing[*]} (scripts/tools.sh)"
  bash "$ROOT/scripts/tools.sh" "${missing[@]}"
}

# The same command line testing/testbed/src/buildkit.ts runs, with a throwaway root.
smoke() {
  local dir pid ok=1
  dir="$(mktemp -d /tmp/buildkitd-smoke.XXXXXX)"
  printf '[worker.oci]\n  enabled = true\n[worker.containerd]\n  enabled = false\n' >"$dir/buildkitd.toml"
  setpriv --pdeathsig KILL -- "$BIN/buildkitd" --config "$dir/buildkitd.toml" --root "$dir/root" \
    --addr "unix://$dir/buildkitd.sock" --oci-worker-net=host --oci-worker-binary runc >"$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    if "$BIN/buildctl" --addr "unix://$dir/buildkitd.sock" debug workers 2>/dev/null | tail -n +2 | grep -q .; then
      ok=0
      break
    fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if ((ok != 0)); then
    tail -n 20 "$dir/log" >&2
    rm -rf "$dir"
    die "buildkitd did not list a worker"
  fi
  log "buildkitd $("$BIN/buildkitd" --version | awk '{print $3}') answers with an OCI worker"
  rm -rf "$dir"
}

[[ "$(id -u)" == 0 ]] || die "run as root (buildkitd's OCI worker needs it)"
ensure_runc
check_binfmt
ensure_tools
[[ "${1:-}" == --smoke ]] && smoke
exit 0
