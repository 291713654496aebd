#!/usr/bin/env bash
# Brings a machine that has only Node and npm up to what `npm start` / `npm test` need:
# pnpm (pinned; corepack's bundled signatures fail on our Node 20), system packages via apt
# when missing, then the workspace install. Idempotent: a second run does almost nothing.
set -euo pipefail
mode="${1:-test}"
cd "$(dirname "$0")/.."
# Plain text in logs: no colour codes unless we write to a terminal.
if [ ! -t 1 ]; then export NO_COLOR=1 FORCE_TTY=false; unset FORCE_COLOR; fi
# Long steps print a line at least every ten seconds (scripts/progress.mjs).
progress() { node scripts/progress.mjs "$@"; }

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" --no-fund --no-audit >/dev/null || npm install -g "pnpm@$PNPM_VERSION" --no-fund --no-audit >/dev/null
fi

# System packages the test suite drives for real: Chromium and Firefox ESR (browser tests), redis-server (shared
# revocations).
need=()
if [ "$mode" = "test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "bootstrap: missing ${need[*]} and not root; install them with apt-get and re-run" >&2
    exit 1
  fi
  echo "bootstrap: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A mirror hiccup should not fail a whole CI run: three tries, a few seconds apart.
  for attempt in 1 2 3; do
    if progress "bootstrap apt-get" -- apt-get update -qq && progress "bootstrap apt-get" -- apt-get install -y -qq --no-install-recommends "${need[@]}"; then break; fi
    [ "$attempt" = 3 ] && { echo "bootstrap: apt-get failed three times" >&2; exit 1; }
    sleep $((attempt * 5))
  done
fi

export TURBO_TELEMETRY_DISABLED=1
frozen=()
[ "${CI:-}" = "true" ] && frozen=(--frozen-lockfile)
progress "bootstrap pnpm install" -- pnpm install "${frozen[@]}" --reporter=append-only
if [ "$mode" = "test" ]; then
  # Node 22/24/26, Bun and Deno for the runtime matrix, from registry packages into .runtimes/ (ignored).
  progress "bootstrap runtimes" -- node scripts/runtimes.mjs install
fi
