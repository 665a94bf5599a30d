#!/usr/bin/env bash
# The whole test suite, from a fresh machine with only Node and npm: installs pnpm, the workspace's
# node_modules, Node 24 (for the second unit run), the test bed (Debian packages, dockerd, binfmt),
# then runs lint, typecheck, unit tests on Node 20 and 24, check-dist, integration and e2e tests, and the
# workflows under a real runner (act; scripts/workflows.ts).
#
#   npm test                  # everything
#   SKIP_LINT=1 npm test      # skip lint/format checks (still runs everything else)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/lib/setup.sh

# The tool belt (Go builds, minutes when cold) starts now, niced, so its downloads and compiles overlap lint,
# typecheck and the unit tests; the testbed step waits for it (scripts/tools.sh takes a lock, then skips what is built).
mkdir -p "$ROOT/.testbed"
nice -n 10 bash scripts/tools.sh suite >"$ROOT/.testbed/tools-early.log" 2>&1 &

ensure_pnpm
ensure_node_modules
ensure_node24

REPORTS="$ROOT/.testbed/reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
failures=()
step() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "::group::$name"
  if "$@"; then
    echo "::endgroup::"
    echo "test.sh: $name ok ($((SECONDS - started))s)"
  else
    echo "::endgroup::"
    echo "test.sh: $name FAILED ($((SECONDS - started))s)"
    failures+=("$name")
  fi
}

vitest() {
  local node="$1" report="$2"
  shift 2
  "$node" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$REPORTS/$report.json" "$@"
}

if [[ -z "${SKIP_LINT:-}" ]]; then
  step lint pnpm -s lint
fi
step typecheck pnpm -s typecheck
step "unit (node $(node --version))" vitest node unit-node20 --project unit
step "unit (node $("$NODE24" --version))" vitest "$NODE24" unit-node24 --project unit
step testbed bash scripts/testbed.sh
step check-dist node scripts/check-dist.mjs
step integration vitest node integration --project integration
step e2e vitest node e2e --project e2e
step workflows env WORKFLOWS_REPORT="$REPORTS/workflows.json" node_modules/.bin/tsx scripts/workflows.ts

node scripts/lib/tally.mjs "$REPORTS"
if ((${#failures[@]})); then
  echo "test.sh: failed steps: ${failures[*]}"
  exit 1
fi
echo "test.sh: all steps passed"
