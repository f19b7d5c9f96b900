#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian/Ubuntu machine, then run it:
# Debian packages (the Fashion-MNIST data set, Chromium for the browser tests, fonts that
# render Hangul and emoji), the Python requirements, then ruff and pytest.
# The README's test command and .ci/run both call this script. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    dataset-fashion-mnist chromium fonts-nanum fonts-noto-color-emoji >/dev/null

PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
"$PYTHON" -m ruff check .
"$PYTHON" -m pytest "$@"
