"""The PDF report: the rendered Word file converted by LibreOffice headless, tagged, with CJK fonts that keep
the hierarchy of GB/T 9704 where the official faces are missing (Kai for 楷体, a heavy serif for the title)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from functools import cache
from html import escape as html_escape
from pathlib import Path

from generator.exceptions import OutputError

INSTALL_HINT = (
    "Debian/Ubuntu 请运行 apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai；"
    "Windows 请安装 LibreOffice 并把它的 program 文件夹加入 PATH"
)
TIMEOUT_SECONDS = 180

# The Word template names the fonts of GB/T 9704. Where they are not installed (Linux servers), LibreOffice
# would pick any CJK face it finds, often a Japanese one, and show 楷体 headings in the body's face. Each family
# here is mapped to the nearest free face: FandolFang (a real 仿宋, tools/install-test-deps.sh) for 仿宋, else
# Noto Serif CJK (fonts-noto-cjk) for 仿宋 and 宋体, Noto Sans CJK for 黑体, AR PL UKai (fonts-arphic-ukai) or
# another Kai face for 楷体. A real font of that name, when installed,
# still comes first ("accept").
SERIF, SANS, KAI, FANG = "Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "FandolFang"
KAI_FACES = ("楷体", "KaiTi", "STKaiti", KAI, "LXGW WenKai", "AR PL KaitiM GB")
FONT_FALLBACKS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("仿宋", "FangSong", FANG, SERIF),
    "仿宋": ("FangSong", FANG, SERIF),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "宋体", SERIF),
    "宋体": ("SimSun", SERIF),
    "黑体": ("SimHei", SANS),
    "楷体_GB2312": (*KAI_FACES, SERIF),
    "楷体": (*KAI_FACES[1:], SERIF),
}
# 小标宋 is a heavy Song face: where it is missing, the title takes the bold weight of its stand-in, so it
# stands above the body as it does in print.
HEAVY_STAND_INS = ("方正小标宋简体",)
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"
# LibreOffice's PDF export: tagged (structure for screen readers), the Word title as the document title.
EXPORT_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"DisplayPDFDocumentTitle":{"type":"boolean","value":"true"}}'
)


def escape(text: str) -> str:
    """&, < and > escaped for XML (xml.sax.saxutils.escape, without importing urllib and ssl on every run)."""
    return html_escape(text, quote=False)


class PdfConverterMissing(OutputError):
    """LibreOffice (soffice) is not installed or not on PATH."""


class PdfConversionError(OutputError):
    """LibreOffice ran but produced no PDF (crash, timeout, unreadable document)."""


class PdfFontsMissing(OutputError):
    """No font covers Chinese: every character of the PDF would be an empty box."""


def find_soffice() -> str | None:
    """The LibreOffice program: on PATH, or (Windows) in its usual install folder."""
    for name in ("soffice", "libreoffice"):
        if found := shutil.which(name):
            return found
    if sys.platform == "win32":
        for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
            candidate = Path(base or "C:/Program Files") / "LibreOffice" / "program" / "soffice.exe"
            if candidate.is_file():
                return str(candidate)
    return None


def has_chinese_font() -> bool | None:
    """Whether fontconfig knows a font covering Chinese; None where there is no fontconfig to ask (Windows)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(found.stdout.strip())


@cache
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows (empty where there is no fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    try:
        found = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in found.stdout.splitlines() for name in line.split(","))


def fontconfig_aliases(system_config: str | None = None, installed: frozenset[str] | None = None) -> str:
    """A fontconfig file: the system's own configuration, then the fallbacks of FONT_FALLBACKS, and bold for a
    heavy face's stand-in (only when the face itself is not `installed`)."""
    include = escape(system_config or os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG)
    present = installed_families() if installed is None else installed
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        f'  <include ignore_missing="yes">{include}</include>',
    ]
    for family, fallbacks in FONT_FALLBACKS.items():
        accepted = "".join(f"<family>{escape(f)}</family>" for f in fallbacks)
        lines.append(f'  <alias binding="same"><family>{escape(family)}</family><accept>{accepted}</accept></alias>')
    for family in HEAVY_STAND_INS:
        if family in present:
            continue
        lines.append(
            f'  <match target="pattern"><test name="family"><string>{escape(family)}</string></test>'
            '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit></match>'
        )
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


EAST_ASIAN_LANGUAGE = re.compile(rb'<w:rPrDefault>.*?<w:lang\b[^>]*w:eastAsia="([A-Za-z]{2}-[A-Za-z]{2})"', re.DOTALL)
PDF_LANGUAGE = re.compile(rb"/Lang\(([A-Za-z]{2}-[A-Za-z]{2})\)")


def with_document_language(pdf: bytes, docx: bytes) -> bytes:
    """The PDF's /Lang as the Word file's East-Asian language (zh-CN): LibreOffice writes the Western one. Same
    length, replaced in place, so the cross-reference offsets stay right."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            found = EAST_ASIAN_LANGUAGE.search(archive.read("word/styles.xml"))
    except (zipfile.BadZipFile, KeyError):
        return pdf
    if not found:
        return pdf
    start = pdf.find(b"/Type/Catalog")
    end = pdf.find(b"endobj", start)
    if start < 0 or end < 0:
        return pdf
    catalog = PDF_LANGUAGE.sub(lambda _: b"/Lang(" + found.group(1) + b")", pdf[start:end], count=1)
    return pdf[:start] + catalog + pdf[end:]


def docx_to_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS, soffice: str | None = None) -> bytes:
    """Convert a Word document with `soffice --headless` in a throwaway folder and profile; the PDF's bytes.

    The private profile keeps a running LibreOffice (or a concurrent conversion) from swallowing the request.
    """
    program = soffice or find_soffice()
    if program is None:
        raise PdfConverterMissing(f"生成 PDF 需要 LibreOffice，但找不到 soffice 命令：{INSTALL_HINT}。")
    if has_chinese_font() is False:
        raise PdfFontsMissing(
            "本机没有中文字体，PDF 中的汉字会显示为方框：Debian/Ubuntu 请运行 apt-get install fonts-noto-cjk，"
            "或安装仿宋_GB2312、方正小标宋简体等公文字体。"
        )
    with tempfile.TemporaryDirectory(prefix="generate-report-pdf-") as temp:
        folder = Path(temp)
        source = folder / "report.docx"
        source.write_bytes(docx)  # the very file a body publishes
        env = dict(os.environ)
        if sys.platform != "win32":  # LibreOffice finds fonts through fontconfig only on Linux and the BSDs
            fonts = folder / "fonts.conf"
            fonts.write_text(fontconfig_aliases(), encoding="utf-8")
            env["FONTCONFIG_FILE"] = str(fonts)
        command = [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            EXPORT_FILTER,
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as err:
            raise PdfConversionError(f"LibreOffice 转换 PDF 超过 {timeout:g} 秒仍未完成，已放弃。") from err
        except OSError as err:
            raise PdfConverterMissing(
                f"无法启动 LibreOffice（{program}：{err.strerror or err}）：{INSTALL_HINT}。"
            ) from err
        target = folder / "report.pdf"
        if result.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            output = (result.stdout + result.stderr).decode("utf-8", "replace").splitlines()
            errors = [line.strip() for line in output if "error" in line.lower()] or [line.strip() for line in output]
            reason = next((line for line in reversed(errors) if line), "没有输出")
            raise PdfConversionError(
                f"LibreOffice 未能把 Word 报告转换为 PDF（退出码 {result.returncode}：{reason}）。"
            )
        return with_document_language(target.read_bytes(), docx)
