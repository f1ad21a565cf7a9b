#!/usr/bin/env bash
# Prints the path of a redis-server binary for the tests of the Redis rate-limit store,
# installing Debian's redis-server package first when none is on PATH (this project's
# machines run as root with Debian's registry reachable). Fails with a clear message otherwise.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  command -v redis-server
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is not installed and cannot be installed here: install Redis (e.g. apt-get install redis-server) or put redis-server on PATH" >&2
  exit 1
fi
echo "ensure-redis-server: installing Debian's redis-server package (first run only)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends redis-server >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends redis-server >/dev/null
fi
# The package may start a system service; the tests run their own servers on free ports.
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
command -v redis-server
