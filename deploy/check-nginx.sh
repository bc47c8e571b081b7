#!/usr/bin/env bash
# Validates both nginx configs with `nginx -t`. Starts nothing; note that `nginx -t`
# still opens log files, creates temp dirs and touches the pid file, so each config is
# tested with those paths under /tmp, never the host's /run or /var/lib/nginx.
#
#   deploy/check-nginx.sh        (needs nginx on PATH; run from anywhere)
#
# 1. deploy/nginx.local.conf is tested as is, with the prefix the operator uses
#    (all its paths are already under /tmp/stoa-nginx).
# 2. deploy/nginx.conf (compose) names its upstreams api-1/api-2, which only Docker's
#    DNS resolves, and `nginx -t` resolves upstream hosts, so it would fail here for a
#    reason that says nothing about the file. It is tested as a temporary copy whose
#    upstream hostnames are replaced by 127.0.0.1, and whose pid/temp paths point into
#    the scratch dir (file locations only; nothing that is being validated).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v nginx >/dev/null 2>&1; then
  echo "check-nginx: nginx not found on PATH (Debian/Ubuntu: apt-get install nginx)" >&2
  exit 127
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== nginx -t deploy/nginx.local.conf"
# The local config writes everything under /tmp/stoa-nginx; -t opens its log files there.
mkdir -p /tmp/stoa-nginx
nginx -q -t -c "$root/deploy/nginx.local.conf" -p /tmp/stoa-nginx
echo "ok"

echo "== nginx -t deploy/nginx.conf (compose upstream hosts api-N -> 127.0.0.1)"
sed -E 's/^([[:space:]]*server[[:space:]]+)api-[0-9]+:/\1127.0.0.1:/' "$root/deploy/nginx.conf" |
  awk -v t="$tmp" '
    /^pid / { print "pid " t "/nginx.pid;"; next }
    /^http \{/ {
      # Appended on the same line so error line numbers still match deploy/nginx.conf.
      n = split("client_body proxy fastcgi uwsgi scgi", kind, " ")
      line = $0
      for (i = 1; i <= n; i++) line = line " " kind[i] "_temp_path " t "/" kind[i] ";"
      print line
      next
    }
    { print }' >"$tmp/nginx.conf"
# Guard against the substitution silently missing (e.g. an upstream renamed to `app-1`):
# any hostname left in a `server host:port` line would otherwise fail on DNS, not on syntax.
if grep -Eq '^[[:space:]]*server[[:space:]]+[A-Za-z][A-Za-z0-9_.-]*:[0-9]+' "$tmp/nginx.conf"; then
  echo "check-nginx: unresolvable upstream host left in the compose config copy:" >&2
  grep -En '^[[:space:]]*server[[:space:]]+[A-Za-z]' "$tmp/nginx.conf" >&2
  exit 1
fi
# Report errors against the real file name (line numbers are unchanged).
nginx -q -t -c "$tmp/nginx.conf" -p "$tmp" 2>&1 | sed "s|$tmp/nginx.conf|deploy/nginx.conf|g" >&2
echo "ok"
