#!/usr/bin/env bash
# The shaped network of `bench/copy.bench.ts --network`: network namespaces joined by veth pairs through a router
# namespace, links shaped with tc (tbf) and, where asked, lossy through iptables' statistic match; one Debian
# docker-registry (distribution 2.8.2, plain HTTP) in the source namespace and in each destination namespace.
#
#   bash scripts/lib/netns.sh up PREFIX WORKDIR     # creates PREFIX-r, PREFIX-run, PREFIX-src, PREFIX-d1..d3
#   bash scripts/lib/netns.sh down PREFIX WORKDIR   # stops the registries it started and deletes the namespaces
#
# `up` writes WORKDIR/netns.env (addresses, namespace and interface names, the shaping applied) for the bench.
# Nothing is created in the caller's own namespace: each veth pair is made directly inside its two namespaces.
#
# Links (router side ↔ far side; "down" is towards the far side):
#   runner  1 Gbit/s down, 400 Mbit/s up
#   source  unshaped
#   d1, d2  200 Mbit/s both ways
#   d3      50 Mbit/s both ways, 0.1 % of packets dropped each way
# Delay is added (netem) only when the kernel has netem; this script prints which shaping it applied.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { printf 'netns: %s\n' "$*" >&2; }
die() {
  printf 'netns: error: %s\n' "$*" >&2
  exit 1
}

(($# == 3)) || die "usage: netns.sh up|down PREFIX WORKDIR"
ACTION="$1"
PREFIX="$2"
WORK="$3"
[[ "$PREFIX" =~ ^[a-z][a-z0-9]{1,8}$ ]] || die "PREFIX must be 2-9 lowercase letters/digits, got '$PREFIX'"
[[ "$(id -u)" == 0 ]] || die "run as root (it creates network namespaces)"

# name  subnet-index  down-rate  up-rate  loss(probability, empty = none)  delay-ms-if-netem
LINKS=(
  "run 1 1gbit 400mbit - 1"
  "src 2 - - - 1"
  "d1 3 200mbit 200mbit - 10"
  "d2 4 200mbit 200mbit - 10"
  "d3 5 50mbit 50mbit 0.001 20"
)
ROUTER="$PREFIX-r"
REGISTRY_PORT=5000

ensure_tools() {
  local missing=()
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v tc >/dev/null 2>&1 || missing+=(iproute2)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  [[ -x /usr/bin/docker-registry ]] || missing+=(docker-registry)
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q -o DPkg::Lock::Timeout=300 update >&2
  apt-get -q -y -o DPkg::Lock::Timeout=300 install "${missing[@]}" >&2
}

down() {
  local ns pid
  for ns in "$PREFIX-run" "$PREFIX-src" "$PREFIX-d1" "$PREFIX-d2" "$PREFIX-d3" "$ROUTER"; do
    ip netns list | grep -qw "^$ns" || continue
    # Only the registries this script started live in these namespaces (and whatever the bench ran there).
    for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [[ -z "$(ip netns pids "$ns")" ]] && break
      sleep 0.2
    done
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns"
  done
}

# Shapes egress of DEV in NS to RATE; adds netem delay below it when the kernel has netem. Echoes what it did.
shape() {
  local ns="$1" dev="$2" rate="$3" delay="$4"
  local burst
  # tbf needs a bucket bigger than one GSO super-packet (64 KiB) and about 2 ms at the rate.
  case "$rate" in
    1gbit) burst=256kb ;;
    400mbit) burst=128kb ;;
    *) burst=96kb ;;
  esac
  ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: tbf rate "$rate" burst "$burst" latency 20ms
  if [[ "$NETEM" == yes ]]; then
    ip netns exec "$ns" tc qdisc add dev "$dev" parent 1:1 handle 10: netem delay "${delay}ms"
    echo "tbf $rate + netem ${delay}ms"
  else
    echo "tbf $rate"
  fi
}

up() {
  ensure_tools
  down
  mkdir -p "$WORK"
  ip netns add "$ROUTER"
  ip netns exec "$ROUTER" ip link set lo up
  ip netns exec "$ROUTER" sysctl -q -w net.ipv4.ip_forward=1

  # Does this kernel have netem? Try it on the router's loopback and take it off again.
  NETEM=no
  if ip netns exec "$ROUTER" tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
    ip netns exec "$ROUTER" tc qdisc del dev lo root
    NETEM=yes
  fi

  local env="$WORK/netns.env" shaping=()
  : >"$env"
  local line name k down_rate up_rate loss delay ns far near desc
  for line in "${LINKS[@]}"; do
    read -r name k down_rate up_rate loss delay <<<"$line"
    ns="$PREFIX-$name"
    near="r-$name"
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    ip link add "$near" netns "$ROUTER" type veth peer name eth0 netns "$ns"
    ip -n "$ROUTER" addr add "10.217.$k.1/24" dev "$near"
    ip -n "$ROUTER" link set "$near" up
    ip -n "$ns" addr add "10.217.$k.2/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "10.217.$k.1"
    desc="$name:"
    [[ "$down_rate" != - ]] && desc+=" down $(shape "$ROUTER" "$near" "$down_rate" "$delay")"
    [[ "$up_rate" != - ]] && desc+=", up $(shape "$ns" eth0 "$up_rate" "$delay")"
    [[ "$down_rate" == - && "$up_rate" == - ]] && desc+=" unshaped"
    if [[ "$loss" != - ]]; then
      ip netns exec "$ns" iptables -A INPUT -m statistic --mode random --probability "$loss" -j DROP
      ip netns exec "$ns" iptables -A OUTPUT -m statistic --mode random --probability "$loss" -j DROP
      desc+=", iptables statistic drop p=$loss each way"
    fi
    shaping+=("$desc")
    {
      printf 'NS_%s=%s\n' "${name^^}" "$ns"
      printf 'ADDR_%s=10.217.%s.2\n' "${name^^}" "$k"
      printf 'DEV_%s=%s\n' "${name^^}" "$near"
      printf 'RATE_DOWN_%s=%s\n' "${name^^}" "$down_rate"
      printf 'RATE_UP_%s=%s\n' "${name^^}" "$up_rate"
    } >>"$env"
  done
  {
    printf 'NS_ROUTER=%s\n' "$ROUTER"
    printf 'NETEM=%s\n' "$NETEM"
    printf 'SHAPING=%s\n' "$(IFS=';'; echo "${shaping[*]}")"
  } >>"$env"

  for name in src d1 d2 d3; do start_registry "$name"; done
  if [[ "$NETEM" == yes ]]; then log "netem found: rates (tbf), loss (iptables) and delay (netem)"; else
    log "no netem in this kernel: rates (tbf) and loss (iptables statistic) only, no added delay"
  fi
  local s
  for s in "${shaping[@]}"; do log "  $s"; done
}

start_registry() {
  local name="$1" ns="$PREFIX-$1" dir="$WORK/registry-$1" k
  k="$(grep "^ADDR_${name^^}=" "$WORK/netns.env" | cut -d= -f2)"
  mkdir -p "$dir/storage"
  # JSON is valid YAML, and distribution's parser reads it.
  cat >"$dir/config.yml" <<EOF
{
  "version": "0.1",
  "log": { "level": "warn", "formatter": "text", "accesslog": { "disabled": false } },
  "storage": {
    "filesystem": { "rootdirectory": "$dir/storage" },
    "delete": { "enabled": true },
    "maintenance": { "uploadpurging": { "enabled": false } }
  },
  "http": { "addr": "$k:$REGISTRY_PORT", "secret": "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" }
}
EOF
  ip netns exec "$ns" setsid /usr/bin/docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    if ip netns exec "$PREFIX-run" bash -c "exec 3<>/dev/tcp/$k/$REGISTRY_PORT" 2>/dev/null; then
      printf 'REGISTRY_%s=%s:%s\nLOG_%s=%s\n' "${name^^}" "$k" "$REGISTRY_PORT" "${name^^}" "$dir/registry.log" >>"$WORK/netns.env"
      return 0
    fi
    sleep 0.1
  done
  die "registry $name did not start: $(tail -5 "$dir/registry.log")"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  *) die "unknown action '$ACTION' (up or down)" ;;
esac
