#!/usr/bin/env bash
# Installs and starts what the integration tests need: Debian's docker-registry, buildah, skopeo, qemu binfmt,
# containerd + runc + CNI plugins + iptables (the real Kubernetes node of testing/testbed/src/kube-cluster.ts),
# dockerd (vfs, no iptables), a two-platform busybox base image as an OCI layout, and the tool belt's binaries the
# suite uses (scripts/tools.sh suite: cosign, olareg, … built from tools/go into .tools/bin). Idempotent: every step checks
# before it acts, so a second run takes about a second. Everything it creates lives under .testbed/ (gitignored)
# or in system locations (/etc/containers, binfmt_misc, /var/run/docker.sock).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TB="$ROOT/.testbed"
PACKAGES=(docker-registry buildah skopeo qemu-user-static binfmt-support apache2-utils openssl busybox-static docker.io runc
  containerd containernetworking-plugins iptables iproute2)
BASE_ARCHES=(amd64 arm64)
# Bump when build_base_image changes what it produces, so cached layouts are rebuilt.
BASE_RECIPE=2

log() { printf 'testbed: %s\n' "$*" >&2; }
die() {
  printf 'testbed: error: %s\n' "$*" >&2
  exit 1
}

[[ "$(id -u)" == 0 ]] || die "run as root (it installs Debian packages, mounts binfmt_misc and starts dockerd)"
mkdir -p "$TB"
# Several test runs may call this at once: one at a time, the others then find everything done.
exec 9>"$TB/.testbed.lock"
flock 9

install_packages() {
  local missing=() pkg status
  for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q -o DPkg::Lock::Timeout=300 update
  apt-get -q -y -o DPkg::Lock::Timeout=300 install "${missing[@]}"
}

# A fresh Debian may lack the containers config files that skopeo and buildah read; never overwrite existing ones.
configure_containers() {
  mkdir -p /etc/containers
  if [[ ! -f /etc/containers/policy.json ]]; then
    log "writing /etc/containers/policy.json (insecureAcceptAnything)"
    printf '{ "default": [{ "type": "insecureAcceptAnything" }] }\n' >/etc/containers/policy.json
  fi
  if [[ ! -f /etc/containers/registries.conf ]]; then
    log "writing /etc/containers/registries.conf"
    printf 'unqualified-search-registries = []\n' >/etc/containers/registries.conf
  fi
  # Root buildah defaults to overlay, which cannot run nested in every VM/container; vfs always works.
  if [[ ! -f /etc/containers/storage.conf ]]; then
    log "writing /etc/containers/storage.conf (vfs)"
    printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' \
      >/etc/containers/storage.conf
  fi
}

binfmt_aarch64_enabled() {
  [[ -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] && head -n1 /proc/sys/fs/binfmt_misc/qemu-aarch64 | grep -qx enabled
}

enable_binfmt() {
  binfmt_aarch64_enabled && return 0
  if [[ ! -f /proc/sys/fs/binfmt_misc/register ]]; then
    log "mounting binfmt_misc"
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc (needs a privileged host)"
  fi
  log "enabling qemu binfmt handlers"
  update-binfmts --enable >/dev/null 2>&1 || true
  binfmt_aarch64_enabled || die "qemu-aarch64 binfmt entry is not enabled; check 'update-binfmts --display qemu-aarch64'"
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

start_dockerd() {
  docker_answers && return 0
  local pid=""
  [[ -f /var/run/docker.pid ]] && pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    log "dockerd (pid $pid) is running but not answering yet; waiting"
  else
    log "starting dockerd (log: .testbed/dockerd.log)"
    # setsid + nohup: the daemon must outlive this script and the shell that ran it. 9>&-: it must not inherit
    # the lock, or the next run of this script would wait for dockerd to exit.
    setsid nohup dockerd --storage-driver=vfs --iptables=false --host unix:///var/run/docker.sock \
      >>"$TB/dockerd.log" 2>&1 </dev/null 9>&- &
  fi
  local i
  for ((i = 0; i < 120; i++)); do
    docker_answers && return 0
    sleep 0.5
  done
  tail -n 20 "$TB/dockerd.log" >&2 || true
  die "dockerd did not answer 'docker info' within 60 s"
}

# Downloads busybox-static for one architecture with a private apt state, so the host's dpkg architectures and
# package lists are left alone. The lists are fetched once and reused.
download_busybox_deb() {
  local arch="$1" dest="$2"
  local state="$TB/apt/$arch"
  local opts=(-q -o "Dir::State=$state" -o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status"
    -o "Dir::Cache=$state/cache" -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch")
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$dest"
  touch "$state/status"
  if ! compgen -G "$state/lists/*Packages*" >/dev/null; then
    apt-get "${opts[@]}" update >/dev/null
  fi
  # apt-get download writes into the working directory, which _apt cannot write to: it falls back to an
  # unsandboxed download and warns. Cached lists can name a version the archive has since dropped: refresh, retry.
  if ! (cd "$dest" && apt-get "${opts[@]}" download "busybox-static:$arch" >/dev/null 2>&1); then
    apt-get "${opts[@]}" update >/dev/null
    (cd "$dest" && apt-get "${opts[@]}" download "busybox-static:$arch" >/dev/null 2>&1) ||
      die "could not download busybox-static:$arch"
  fi
  compgen -G "$dest/busybox-static_*_$arch.deb" >/dev/null || die "could not download busybox-static:$arch"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }

# Moves a file into the layout's blob store under its digest and prints "sha256:<hex> <size>".
store_blob() {
  local file="$1" layout="$2" hex size
  hex="$(sha256_of "$file")"
  size="$(size_of "$file")"
  mv -f "$file" "$layout/blobs/sha256/$hex"
  printf 'sha256:%s %s\n' "$hex" "$size"
}

# Builds a FROM-scratch busybox rootfs, layer, config and manifest for one architecture into the OCI layout and
# prints the manifest descriptor fields "digest size". Fixed mtimes and owners keep digests reproducible.
build_platform() {
  local arch="$1" layout="$2"
  local work="$TB/base/$arch"
  local rootfs="$work/rootfs" deb
  rm -rf "$rootfs" "$work/debs"
  download_busybox_deb "$arch" "$work/debs"
  deb="$(compgen -G "$work/debs/busybox-static_*_$arch.deb" | head -n1)"
  mkdir -p "$rootfs"
  dpkg-deb -x "$deb" "$rootfs"
  rm -rf "$rootfs/usr/share/man" "$rootfs/usr/share/initramfs-tools" "$rootfs/usr/share/lintian" \
    "$rootfs/usr/share/doc/busybox-static/examples"

  # The applet list comes from the binary itself; qemu runs the arm64 one without needing binfmt.
  local runner=()
  [[ "$arch" == arm64 ]] && runner=(qemu-aarch64-static)
  local applet
  mkdir -p "$rootfs/bin" "$rootfs/sbin" "$rootfs/usr/bin" "$rootfs/usr/sbin"
  while read -r applet; do
    [[ -z "$applet" || -e "$rootfs/$applet" || -L "$rootfs/$applet" ]] && continue
    [[ -d "$rootfs/${applet%/*}" ]] || mkdir -p "$rootfs/${applet%/*}"
    ln -s /bin/busybox "$rootfs/$applet"
  done < <("${runner[@]}" "$rootfs/bin/busybox" --list-full)
  mkdir -p "$rootfs/etc" "$rootfs/root" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  chmod 700 "$rootfs/root"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"

  local tarfile="$work/layer.tar" diffid layer config manifest version
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$rootfs" -cf "$tarfile" .
  diffid="sha256:$(sha256_of "$tarfile")"
  gzip -n -f "$tarfile"
  layer="$(store_blob "$tarfile.gz" "$layout")"
  version="$(dpkg-deb -f "$deb" Version)"

  printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deliverkit testbed: busybox-static %s from Debian"}]}' \
    "$arch" "$diffid" "$version" >"$work/config.json"
  config="$(store_blob "$work/config.json" "$layout")"

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "${config% *}" "${config#* }" "${layer% *}" "${layer#* }" >"$work/manifest.json"
  manifest="$(store_blob "$work/manifest.json" "$layout")"
  printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"%s","os":"linux"}}' \
    "${manifest% *}" "${manifest#* }" "$arch"
}

# The base image lives as an OCI layout (.testbed/base/oci, tag "latest") whose top-level entry is a two-platform
# index; testing/testbed/src/images.ts copies it into registries with skopeo.
build_base_image() {
  local final="$TB/base/oci"
  [[ -f "$final/index.json" && "$(cat "$TB/base/.done" 2>/dev/null)" == "$BASE_RECIPE" ]] && return 0
  log "building the busybox base image (linux/amd64, linux/arm64)"
  # Built aside and swapped in, so a test reading the old layout never sees a half-written one.
  local layout="$TB/base/oci.new"
  rm -rf "$layout" "$TB/base/.done"
  mkdir -p "$layout/blobs/sha256"
  local entries=() arch
  for arch in "${BASE_ARCHES[@]}"; do
    entries+=("$(build_platform "$arch" "$layout")")
  done
  local joined
  joined="$(
    IFS=,
    printf '%s' "${entries[*]}"
  )"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$joined" \
    >"$TB/base/index.json"
  local index
  index="$(store_blob "$TB/base/index.json" "$layout")"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
    "${index% *}" "${index#* }" >"$layout/index.json"
  # Prove the layout parses, and resolves per platform, before declaring it done.
  for arch in "${BASE_ARCHES[@]}"; do
    skopeo inspect --override-os linux --override-arch "$arch" "oci:$layout:latest" >/dev/null ||
      die "skopeo cannot read linux/$arch from the base image layout $layout"
  done
  rm -rf "$TB/base/oci.old"
  [[ -d "$final" ]] && mv "$final" "$TB/base/oci.old"
  mv "$layout" "$final"
  rm -rf "$TB/base/oci.old"
  printf '%s' "$BASE_RECIPE" >"$TB/base/.done"
}

# The Go builds take minutes on a cold machine and need nothing from apt: run them beside the package installs.
# The local pipeline (scripts/demo.sh) runs no peer tool and sets TESTBED_SKIP_TOOLS=1.
tools_pid=""
if [[ -z "${TESTBED_SKIP_TOOLS:-}" ]]; then
  log "tool belt: the suite's tools, in the background (log: .testbed/tools.log)"
  bash "$ROOT/scripts/tools.sh" suite >"$TB/tools.log" 2>&1 9>&- &
  tools_pid=$!
fi

install_packages
configure_containers
enable_binfmt
start_dockerd
build_base_image
if [[ -n "$tools_pid" ]]; then
  if ! wait "$tools_pid"; then
    cat "$TB/tools.log" >&2
    die "the tool belt did not build (see above; .tools/logs/<tool>.log has each build's output)"
  fi
  sed 's/^/  /' "$TB/tools.log" >&2
  # BuildKit's needs (runc, the qemu F flag, its binaries): checked once the tools are built.
  bash "$ROOT/scripts/lib/buildkitd.sh" 9>&-
fi
log "ready (source scripts/testbed.env for buildah/skopeo by hand)"
