#!/usr/bin/env bash
# Runs one benchmark command in a checkout of each commit given, back to back, so that a change
# is measured beside what it changed, in one run and under one machine load. Each checkout uses
# this one's node_modules: compare commits whose runtime dependencies are the same.
#
#   bash bench/compare-commits.sh <before> <after> -- npx tsx bench/gateways/run.ts --gateways stock,ours-1
set -euo pipefail
cd "$(dirname "$0")/.."
commits=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do commits+=("$1"); shift; done
[ "$#" -gt 1 ] || { echo "usage: bash bench/compare-commits.sh <commit>... -- <benchmark command>" >&2; exit 2; }
shift
root=$(pwd)
for commit in "${commits[@]}"; do
  work=$(mktemp -d)
  git worktree add --detach --quiet "$work/checkout" "$commit"
  ln -s "$root/node_modules" "$work/checkout/node_modules"
  echo "=== $(git rev-parse --short "$commit"): $(git log -1 --format=%s "$commit" | cut -c1-80)"
  echo "=== load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%S) UTC"
  status=0
  (cd "$work/checkout" && npm run generate --silent > /dev/null && "$@") || status=$?
  echo "=== load average after: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%S) UTC, exit $status"
  git worktree remove --force "$work/checkout"
  rm -rf "$work"
done
