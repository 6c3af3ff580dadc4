#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine (run as root). Used by the README and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

# LibreOffice opens the generated Word files and recalculates workbooks; Noto CJK gives it Chinese glyphs.
apt-get update -q
apt-get install -y -q libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk

python3 -m pip install -q -e ".[test,redline]"
