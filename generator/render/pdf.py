"""The PDF report: the rendered Word file converted by LibreOffice headless, with clean CJK font fallbacks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from html import escape as html_escape
from pathlib import Path

from generator.exceptions import OutputError

INSTALL_HINT = (
    "Debian/Ubuntu 请运行 apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "Windows 请安装 LibreOffice 并把它的 program 文件夹加入 PATH"
)
TIMEOUT_SECONDS = 180

# The Word template names the fonts of GB/T 9704. Where they are not installed (Linux servers), LibreOffice
# would pick any CJK face it finds, often a Japanese one or a sans serif for body text. Each family here is
# mapped to the nearest free face; a real font of that name, when installed, still comes first ("accept").
SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
FONT_FALLBACKS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("仿宋", "FangSong", SERIF),
    "仿宋": ("FangSong", SERIF),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "宋体", SERIF),
    "宋体": ("SimSun", SERIF),
    "黑体": ("SimHei", SANS),
    "楷体_GB2312": ("楷体", "KaiTi", "AR PL UKai CN", SERIF),
    "楷体": ("KaiTi", "AR PL UKai CN", SERIF),
}
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


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


def fontconfig_aliases(system_config: str | None = None) -> str:
    """A fontconfig file: the system's own configuration, then the fallbacks of FONT_FALLBACKS."""
    include = escape(system_config or os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG)
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        f'  <include ignore_missing="yes">{include}</include>',
    ]
    for family, fallbacks in FONT_FALLBACKS.items():
        accepted = "".join(f"<family>{escape(f)}</family>" for f in fallbacks)
        lines.append(f'  <alias binding="same"><family>{escape(family)}</family><accept>{accepted}</accept></alias>')
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


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
        source.write_bytes(docx)
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
            "pdf:writer_pdf_Export",
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
        return target.read_bytes()
