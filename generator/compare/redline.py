"""This year's Word report with every change from last year's as a Word tracked change (optional extra)."""

from __future__ import annotations

from generator.checks.rules import validate
from generator.exceptions import GenerateReportError, pip_install
from generator.format.model import ReportData
from generator.render import render

REDLINE_AUTHOR = "generate-report"
REDLINE_PACKAGES = "python-redlines python-redlines-docxodus"


def redline_docx(old: ReportData, new: ReportData, template: str | None = None) -> bytes:
    """This year's Word report with every change from last year's report as a Word tracked change.

    Both reports are rendered as usual, then compared by python-redlines' Docxodus engine (a self-contained
    binary shipped in its wheel: no .NET, Word or LibreOffice needed). Optional: without it, a clear error.
    """
    try:
        from python_redlines import DocxodusEngine, EngineExecutionError
    except ImportError as err:
        raise GenerateReportError(f"生成带修订痕迹的 Word 对比需要另行安装：{pip_install(REDLINE_PACKAGES)}") from err
    documents = [render(data, validate(data), ["docx"], template, force=True)["docx"] for data in (old, new)]
    try:
        redline, _, _ = DocxodusEngine().run_redline(REDLINE_AUTHOR, documents[0], documents[1])
    except ImportError as err:  # the engine's binary package is missing or lacks this platform's binary
        raise GenerateReportError(
            f"无法生成带修订痕迹的 Word 对比：{err}（安装：{pip_install(REDLINE_PACKAGES)}）"
        ) from err
    except (EngineExecutionError, OSError) as err:
        raise GenerateReportError(f"生成带修订痕迹的 Word 对比失败：{err}") from err
    return redline
