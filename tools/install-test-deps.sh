#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine (run as root). Used by the README and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

# LibreOffice opens the generated Word files, recalculates workbooks and makes the PDF report; Noto CJK gives
# it Chinese glyphs (serif for 仿宋 and 宋体, sans for 黑体, bold serif for the title) and AR PL UKai a real
# Kai face for 楷体 headings. Chromium (driven by playwright) runs the browser and accessibility tests;
# poppler-utils' pdftoppm turns PDF pages into the README's pictures.
apt-get update -q
# tesseract with its simplified-Chinese data reads scanned reports (import of an image-only PDF).
apt-get install -y -q libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk fonts-arphic-ukai chromium \
  poppler-utils tesseract-ocr tesseract-ocr-chi-sim
command -v npm >/dev/null || apt-get install -y -q nodejs npm

# axe-core, the accessibility rules the tests inject into Chromium, pinned by tests/browser/package-lock.json.
npm ci --prefix tests/browser --no-audit --no-fund

# The test extra includes playwright; it drives Debian's chromium, so `playwright install` is never needed.
python3 -m pip install -q -e ".[test,redline,analysis,scan]"
