#!/usr/bin/env bash
# Subscription fan-out benchmark (bench/subscriptions/fanout.ts). Each connection is
# a socket in the gateway's process and one in the clients' process: raise the
# open-file limit as far as the hard limit allows first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n "$(ulimit -Hn)"
exec node --expose-gc --import tsx bench/subscriptions/fanout.ts "$@"
