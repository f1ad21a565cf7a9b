#!/usr/bin/env bash
# Prints the path of a Chromium binary for the browser test (test/integration/browser-client.test.ts),
# installing Debian's chromium package first when none is found (this project's machines run as root
# with Debian's registry reachable). CHROMIUM_PATH, when set, names the binary to use instead.
# Fails with a clear message otherwise.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then
    echo "$CHROMIUM_PATH"
    exit 0
  fi
  echo "CHROMIUM_PATH is set to $CHROMIUM_PATH, which is not an executable file" >&2
  exit 1
fi
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    command -v "$candidate"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is not installed and cannot be installed here: install it (e.g. apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium package (first run only)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends chromium >/dev/null
fi
command -v chromium
