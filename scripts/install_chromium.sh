#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright cannot download browsers here).
# Installed once with apt-get when /usr/bin/chromium is missing; needs root (or sudo).
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "The browser tests need Debian's chromium at $CHROMIUM." >&2
  echo "Install it with: sudo apt-get install chromium" >&2
  exit 1
fi
echo "Installing chromium (Debian package) for the browser tests …"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends chromium >/tmp/emploi-montagne-apt.log 2>&1; then
  $SUDO apt-get update >>/tmp/emploi-montagne-apt.log 2>&1
  $SUDO apt-get install -y --no-install-recommends chromium >>/tmp/emploi-montagne-apt.log 2>&1 || {
    echo "apt-get install chromium failed; see /tmp/emploi-montagne-apt.log" >&2
    exit 1
  }
fi
"$CHROMIUM" --version
