#!/usr/bin/env bash
# Builds the tool belt: the third-party peers the tests and benchmarks judge us with, from the Go modules pinned
# under tools/go/<family>/ (go.mod + go.sum), into .tools/bin/<name>. tools/go/tools.tsv names each binary, its
# family, package and version ldflags.
#
#   bash scripts/tools.sh suite             # what the test suite uses (scripts/testbed.sh calls this)
#   bash scripts/tools.sh cosign olareg     # build these (and nothing else)
#   bash scripts/tools.sh all               # the whole belt (benchmarks build their own extras, e.g. ko)
#   TOOLS_JOBS=1 bash scripts/tools.sh all  # one go build at a time (default: 2)
#
# A tool is skipped when .tools/bin/<name> was built from the same go.mod/go.sum, package, flags and Go version.
# Builds run in parallel and share Go's module and build caches, which are safe for concurrent go commands.
# Several callers may run at once: they take turns on a lock, and the later ones find everything built.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TABLE="$ROOT/tools/go/tools.tsv"
BIN="$ROOT/.tools/bin"
STAMPS="$ROOT/.tools/stamps"
LOGS="$ROOT/.tools/logs"
JOBS="${TOOLS_JOBS:-2}"
# The tools the test suite runs. Add a tool here in the change that adds its first test; benchmark-only tools
# (ko, …) stay out and are built by the benchmark that needs them.
SUITE=(cosign olareg crane oras regctl buildkitd buildctl buildx act syft etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy kwok)

log() { printf 'tools: %s\n' "$*" >&2; }
die() {
  printf 'tools: error: %s\n' "$*" >&2
  exit 1
}

if ! command -v go >/dev/null 2>&1; then
  [[ -x /usr/local/go/bin/go ]] && PATH="/usr/local/go/bin:$PATH" || die "go not found on PATH or in /usr/local/go/bin (Go 1.26 is needed to build the tool belt)"
fi
# A go.mod naming a newer Go must fail here, not download a toolchain behind our back; set GOTOOLCHAIN to allow one.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

declare -A FAMILY PACKAGE MODULE LDFLAGS
NAMES=()
while IFS=$'\t' read -r name family package module ldflags; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  FAMILY[$name]="$family"
  PACKAGE[$name]="$package"
  MODULE[$name]="$module"
  LDFLAGS[$name]="$ldflags"
  NAMES+=("$name")
done <"$TABLE"

(($# > 0)) || die "name the tools to build (or 'all'): ${NAMES[*]}"
wanted=()
for arg in "$@"; do
  if [[ "$arg" == all ]]; then
    wanted+=("${NAMES[@]}")
  elif [[ "$arg" == suite ]]; then
    wanted+=("${SUITE[@]}")
  elif [[ -n "${FAMILY[$arg]:-}" ]]; then
    wanted+=("$arg")
  else
    die "unknown tool '$arg' (known: ${NAMES[*]})"
  fi
done

mkdir -p "$BIN" "$STAMPS" "$LOGS"
exec 8>"$ROOT/.tools/.tools.lock"
flock 8

GO_VERSION="$(go env GOVERSION)"

# The version a family's go.mod pins for a module (the require line), e.g. v3.1.2.
pinned_version() {
  local family="$1" module="$2"
  awk -v m="$module" '($1 == m || ($1 == "require" && $2 == m)) { v = ($1 == m) ? $2 : $3; print v; exit }' \
    "$ROOT/tools/go/$family/go.mod"
}

expand_ldflags() {
  local template="$1" version="$2"
  [[ "$template" == - ]] && return 0
  local numbers="${version#v}"
  local major="${numbers%%.*}" rest="${numbers#*.}"
  local minor="${rest%%.*}"
  template="${template//\{v\}/$version}"
  template="${template//\{major\}/$major}"
  printf '%s' "${template//\{minor\}/$minor}"
}

# What a binary depends on: its family's pins, its package and flags, and the Go that builds it.
stamp_of() {
  local name="$1" ldflags="$2"
  local dir="$ROOT/tools/go/${FAMILY[$name]}"
  {
    printf '%s\n%s\n%s\n' "$GO_VERSION" "${PACKAGE[$name]}" "$ldflags"
    cat "$dir/go.mod" "$dir/go.sum"
  } | sha256sum | cut -d' ' -f1
}

build_one() {
  local name="$1" version="$2" ldflags="$3" stamp="$4"
  local started=$SECONDS tmp="$BIN/.$name.tmp.$$"
  if (cd "$ROOT/tools/go/${FAMILY[$name]}" &&
    go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp" "${PACKAGE[$name]}") >"$LOGS/$name.log" 2>&1; then
    mv -f "$tmp" "$BIN/$name"
    printf '%s\n' "$stamp" >"$STAMPS/$name"
    log "built $name $version in $((SECONDS - started)) s"
  else
    rm -f "$tmp"
    log "FAILED $name $version after $((SECONDS - started)) s (log: .tools/logs/$name.log):"
    tail -n 15 "$LOGS/$name.log" >&2
    return 1
  fi
}

# Cold build times measured on a 2-core machine (empty Go build cache, seconds, two at a time): what the estimate
# printed before a first build adds up; a tool not listed counts 60 s. kube-scheduler, kubectl, kubelet and
# kube-proxy are the times after kube-apiserver and kube-controller-manager filled the shared build cache.
declare -A COLD_SECONDS=([kube-controller-manager]=276 [kube-apiserver]=269 [cosign]=253 [syft]=220
  [etcd]=144 [buildkitd]=100 [kwok]=93 [kubectl]=61 [kubelet]=51 [kube-scheduler]=20 [kube-proxy]=9)

started=$SECONDS
declare -A seen=() running=()
failed=()
# Waits for one running build to end and records it if it failed.
reap_one() {
  local done_pid=""
  if wait -n -p done_pid "${!running[@]}"; then :; else
    [[ -n "$done_pid" ]] && failed+=("${running[$done_pid]}")
  fi
  [[ -n "$done_pid" ]] && unset "running[$done_pid]"
  return 0
}
# First pass: what is up to date, and an estimate for the rest (before the first build line).
declare -A VERSION_OF=() LDFLAGS_OF=() STAMP_OF=()
to_build=()
estimate=0
for name in "${wanted[@]}"; do
  [[ -n "${seen[$name]:-}" ]] && continue
  seen[$name]=1
  version="$(pinned_version "${FAMILY[$name]}" "${MODULE[$name]}")"
  [[ -n "$version" ]] || die "tools/go/${FAMILY[$name]}/go.mod does not require ${MODULE[$name]}"
  ldflags="$(expand_ldflags "${LDFLAGS[$name]}" "$version")"
  stamp="$(stamp_of "$name" "$ldflags")"
  if [[ -x "$BIN/$name" && "$(cat "$STAMPS/$name" 2>/dev/null)" == "$stamp" ]]; then
    log "$name $version: up to date"
    continue
  fi
  VERSION_OF[$name]="$version" LDFLAGS_OF[$name]="$ldflags" STAMP_OF[$name]="$stamp"
  to_build+=("$name")
  estimate=$((estimate + ${COLD_SECONDS[$name]:-60}))
done
if ((${#to_build[@]} > 0)); then
  log "to build: ${to_build[*]} — about $(((estimate / JOBS + 59) / 60)) min with cold Go caches on 2 cores ($JOBS at a time), less with warm ones; one line per tool below"
fi
for name in "${to_build[@]}"; do
  version="${VERSION_OF[$name]}" ldflags="${LDFLAGS_OF[$name]}" stamp="${STAMP_OF[$name]}"
  # Keep at most $JOBS builds running; the go command itself already uses every core for one build, but the
  # link step of a large binary is single-threaded, so two at a time keeps both cores busy.
  while ((${#running[@]} >= JOBS)); do reap_one; done
  log "building $name $version (${PACKAGE[$name]})"
  build_one "$name" "$version" "$ldflags" "$stamp" &
  running[$!]="$name"
done
while ((${#running[@]} > 0)); do reap_one; done
((${#failed[@]} == 0)) || die "could not build: ${failed[*]}"
log "ready in $((SECONDS - started)) s: ${!seen[*]} (.tools/bin)"
