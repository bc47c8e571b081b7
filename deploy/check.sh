#!/usr/bin/env bash
# Offline validation of the deployment files. Needs no Docker engine and no network, and
# installs nothing: it uses what is on the machine and says what is missing.
#
#   deploy/check.sh
#
# Required tools: docker compose (v2 plugin) or docker-compose (Debian: apt-get install
# docker-compose), nginx (apt-get install nginx), node, and the project's node_modules
# (npm ci) for action-validator. Optional, run when present: shellcheck, hadolint.
#
# Every check runs even after a failure, so one run reports everything; the exit status
# is non-zero if any check failed or a required tool is missing.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

failed=()

# run NAME CMD...: run one check, record its failure instead of stopping.
run() {
  local name="$1"
  shift
  echo "== $name"
  if "$@"; then
    echo "ok"
  else
    echo "FAILED: $name" >&2
    failed+=("$name")
  fi
}

# missing NAME HINT: a required tool is absent; that is a failure, not a skip.
missing() {
  echo "== $1"
  echo "FAILED: $1: $2" >&2
  failed+=("$1")
}

# --- docker/compose.yml ------------------------------------------------------------------
# `config -q` parses, interpolates and validates against the Compose schema. The v2
# plugin is preferred when it works; Debian's docker-compose 1.29 is the fallback (the
# file is written to satisfy both).
if docker compose version >/dev/null 2>&1; then
  run "compose config (docker compose)" docker compose -f docker/compose.yml config -q
elif command -v docker-compose >/dev/null 2>&1; then
  run "compose config (docker-compose)" docker-compose -f docker/compose.yml config -q
else
  missing "compose config" \
    "neither 'docker compose' nor 'docker-compose' found (apt-get install docker-compose)"
fi

# --- nginx -------------------------------------------------------------------------------
if command -v nginx >/dev/null 2>&1; then
  run "nginx -t (deploy/nginx.local.conf, deploy/nginx.conf)" deploy/check-nginx.sh
else
  missing "nginx -t" "nginx not found (apt-get install nginx)"
fi

# --- GitHub Actions workflows ------------------------------------------------------------
validator="node_modules/.bin/action-validator"
if [[ -x "$validator" ]]; then
  for wf in .github/workflows/*.yml .github/workflows/*.yaml; do
    [[ -e "$wf" ]] || continue
    run "action-validator $wf" "$validator" "$wf"
  done
else
  missing "action-validator" "$validator not found (run npm ci; it is a devDependency)"
fi

# --- PM2 ecosystem -----------------------------------------------------------------------
# Loading it proves the syntax; the assertions pin what the rest of the deployment
# relies on (app names, cluster/fork split, ports nginx.local.conf expects, kill_timeout
# above the app's default 10 s shutdown deadline).
if command -v node >/dev/null 2>&1; then
  run "deploy/ecosystem.config.js" node -e "
    const assert = require('node:assert/strict');
    const { apps } = require('./deploy/ecosystem.config.js');
    const byName = Object.fromEntries(apps.map((a) => [a.name, a]));
    const api = byName['stoa-api'];
    const worker = byName['stoa-worker'];
    assert.ok(api && worker, 'apps stoa-api and stoa-worker must exist');
    assert.equal(api.exec_mode, 'cluster');
    assert.equal(worker.exec_mode, 'fork');
    assert.equal(api.env_production.PORT, 3101, 'nginx.local.conf upstream starts at 3101');
    assert.equal(api.increment_var, 'PORT');
    for (const app of apps) {
      assert.ok(app.kill_timeout > 10000, app.name + ': kill_timeout <= SHUTDOWN_TIMEOUT_MS');
      assert.equal(app.env_production.NODE_ENV, 'production');
    }
  "
else
  missing "deploy/ecosystem.config.js" "node not found"
fi

# --- optional linters --------------------------------------------------------------------
if command -v shellcheck >/dev/null 2>&1; then
  run "shellcheck deploy/*.sh" shellcheck deploy/*.sh
else
  echo "== shellcheck: not installed, skipped"
fi
if command -v hadolint >/dev/null 2>&1; then
  run "hadolint docker/Dockerfile" hadolint docker/Dockerfile
else
  echo "== hadolint: not installed, skipped (the image build in CI is the real check)"
fi

echo
if ((${#failed[@]})); then
  echo "deploy/check.sh: ${#failed[@]} check(s) failed:" >&2
  printf '  - %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "deploy/check.sh: all checks passed"
