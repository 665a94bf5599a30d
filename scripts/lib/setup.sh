# Shared setup for scripts/test.sh and scripts/demo.sh (sourced). Each step is idempotent and
# quick when already done.
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
NODE24_VERSION=24.21.0

ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != "$PNPM_VERSION" ]]; then
    echo "setup: installing pnpm $PNPM_VERSION"
    npm install -g --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
  fi
}

ensure_node_modules() {
  # --frozen-lockfile: a fresh clone installs exactly what was committed.
  pnpm install --frozen-lockfile --prefer-offline --reporter=silent
}

ensure_node24() {
  NODE24="$ROOT/.tools/node24/node_modules/node/bin/node"
  if [[ ! -x "$NODE24" ]] || [[ "$("$NODE24" --version)" != "v$NODE24_VERSION" ]]; then
    echo "setup: installing Node $NODE24_VERSION (npm package node@$NODE24_VERSION) under .tools/node24"
    npm install --no-fund --no-audit --no-save --prefix "$ROOT/.tools/node24" "node@$NODE24_VERSION" >/dev/null
  fi
  export NODE24
}
