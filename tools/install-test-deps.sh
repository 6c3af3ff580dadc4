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

# FandolFang (GPL with the font exception; TeX Live's Fandol fonts, as Debian packages them): a real 仿宋 face
# for the PDF's body where 仿宋_GB2312 is not installed. Only the font file is taken from the package, not TeX.
if ! fc-list | grep -q FandolFang; then
  fandol="$(mktemp -d)"
  (cd "$fandol" && apt-get download -q texlive-lang-chinese 2>/dev/null && dpkg-deb -x texlive-lang-chinese_*.deb x)
  install -D -m 644 "$fandol"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf \
    /usr/local/share/fonts/fandol/FandolFang-Regular.otf
  install -m 644 "$fandol"/x/usr/share/doc/texlive-doc/fonts/fandol/{README,COPYING.gz} /usr/local/share/fonts/fandol/
  rm -rf "$fandol"
  fc-cache -f >/dev/null
fi

# axe-core, the accessibility rules the tests inject into Chromium, pinned by tests/browser/package-lock.json.
npm ci --prefix tests/browser --no-audit --no-fund

# The test extra includes playwright; it drives Debian's chromium, so `playwright install` is never needed.
python3 -m pip install -q -e ".[test,redline,analysis,scan]"
